"""Clarifications: bidders' questions during the ITT, the council's answers, the published log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.domain.bidding import clarification_label
from tenderflow.models import Bidder, Clarification, Procurement, User
from tenderflow.services import ServiceError


@dataclass(frozen=True)
class PublishedClarification:
    """A clarification as every bidder sees it: never who asked."""

    reference: str
    question: str
    answer: str
    published_at: datetime


def clarifications_of(session: Session, procurement: Procurement) -> list[Clarification]:
    """Return every clarification for the procurement, by number."""
    return list(
        session.scalars(
            select(Clarification)
            .where(Clarification.procurement_id == procurement.id)
            .order_by(Clarification.number)
        )
    )


def get_clarification(
    session: Session, procurement: Procurement, clarification_id: int
) -> Clarification | None:
    """Return one of the procurement's clarifications, or None."""
    item = session.get(Clarification, clarification_id)
    return item if item is not None and item.procurement_id == procurement.id else None


def open_clarifications(session: Session, procurement: Procurement) -> list[Clarification]:
    """Return the clarifications still waiting for an answer."""
    return [c for c in clarifications_of(session, procurement) if c.is_open]


def log_question(
    session: Session,
    procurement: Procurement,
    *,
    bidder: Bidder | None,
    question: str,
    asked_at: datetime | None,
    now: datetime,
) -> Clarification:
    """Log a bidder's question, numbered in turn (CQ-001, CQ-002, ...)."""
    errors: dict[str, str] = {}
    if not question.strip():
        errors["question"] = "Enter the question"
    if bidder is not None and bidder.procurement_id != procurement.id:
        errors["bidder_id"] = "Select a bidder from the list"
    asked = asked_at or now
    if asked > now:
        errors["asked_at"] = "The date the question was asked must be today or in the past"
    if errors:
        raise ServiceError("The question could not be logged", errors)
    number = (
        session.scalar(
            select(func.max(Clarification.number)).where(
                Clarification.procurement_id == procurement.id
            )
        )
        or 0
    ) + 1
    item = Clarification(
        procurement_id=procurement.id,
        number=number,
        bidder_id=bidder.id if bidder is not None else None,
        question=question.strip(),
        asked_at=asked,
    )
    session.add(item)
    session.flush()
    return item


def answer(
    session: Session, item: Clarification, text: str, user: User, now: datetime
) -> Clarification:
    """Record (or correct, until published) the council's answer."""
    if item.published_at is not None:
        raise ServiceError("Already published", {"answer": "A published answer cannot be changed"})
    if not text.strip():
        raise ServiceError("Answer missing", {"answer": "Enter the answer"})
    item.answer = text.strip()
    item.answered_at = now
    item.answered_by_id = user.id
    session.flush()
    return item


def publish(session: Session, item: Clarification, now: datetime) -> Clarification:
    """Publish an answered clarification to every bidder, without the asker's identity."""
    if item.is_open:
        raise ServiceError("Answer the question before publishing it")
    if item.published_at is None:
        item.published_at = now
        session.flush()
    return item


def published_log(session: Session, procurement: Procurement) -> list[PublishedClarification]:
    """Return the published clarifications as bidders see them: question and answer only."""
    return [
        PublishedClarification(
            reference=clarification_label(c.number),
            question=c.question,
            answer=c.answer or "",
            published_at=c.published_at,
        )
        for c in clarifications_of(session, procurement)
        if c.published_at is not None
    ]
