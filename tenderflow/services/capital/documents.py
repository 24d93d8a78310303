"""The priority list as a Word document for the commissioning body, kept with its hash."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.documents.capital_priority_list import (
    KIND,
    PriorityCriterion,
    PriorityListInput,
    PriorityScheme,
    build_priority_list,
)
from tenderflow.documents.content import Document
from tenderflow.documents.inputs import Person
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.models import CapitalRound, GeneratedDocument, User
from tenderflow.services import documents
from tenderflow.services.capital import matrix_for
from tenderflow.services.capital.priority import PriorityListView, priority_list_view

SP_TEAM = Person("Supporting People Team", "Commissioning and review")


def _review_dates(round_: CapitalRound) -> str:
    reviews = matrix_for(round_).rules.pipeline_reviews
    return " and ".join(f"{day} {date(2001, month, 1):%B}" for month, day in reviews) + " each year"


def priority_list_input(
    view: PriorityListView, meeting_date: date, contact: Any = None
) -> PriorityListInput:
    """Arrange a round's priority list for the report; nothing is worked out again here."""
    round_ = view.round
    matrix = matrix_for(round_)
    client = matrix.field("client_group")
    # The contact officer is an SP team officer: whoever of them asked for the document.
    person = (
        Person(contact.name, contact.job_title or "Supporting People team", email=contact.email)
        if contact is not None and contact.has_role(Role.SP_SCORER)
        else SP_TEAM
    )
    schemes = tuple(
        PriorityScheme(
            rank=row.rank,
            name=row.name,
            district=row.district,
            provider=row.provider or "",
            client_group=client.option_label(row.client_group or ""),
            revenue_per_year=row.revenue_per_year,
            capital_sought=row.capital_sought,
            total=row.total,
            criteria=tuple(row.criteria.get(c.id) for c in matrix.criteria),
            cumulative_revenue=row.cumulative_revenue,
            within_budget=row.within_budget,
            failed_gateways=tuple(matrix.gateway(g).title for g in row.failed_gateways),
            decision=st.DECISION_LABELS.get(row.decision.outcome) if row.decision else None,
            reasons=row.decision.reasons if row.decision else None,
            next_review=row.decision.next_review_on if row.decision else None,
        )
        for row in view.rows
    )
    return PriorityListInput(
        round_title=round_.title,
        county=round_.county,
        meeting_date=meeting_date,
        produced_on=view.produced_at.date() if view.produced_at else None,
        budget=view.budget,
        committed=view.committed,
        headroom=view.headroom,
        tie_break_rule=view.tie_break_rule,
        cut_line_rule=view.cut_line_rule,
        rounding_rule=view.rounding_rule,
        matrix_title=f"{matrix.title}, version {matrix.version or 'unnumbered'}",
        criteria=tuple(PriorityCriterion(c.title, c.weight, c.guidance) for c in matrix.criteria),
        gateways=tuple(g.title for g in matrix.gateways if not g.applies_when),
        schemes=schemes,
        districts=tuple(sorted({row.district for row in view.rows})),
        review_dates=_review_dates(round_),
        by="Supporting People Team",
        contact=person,
        spread_flag=matrix.spread_flag,
    )


def priority_list_document(
    session: Session, round_: CapitalRound, meeting_date: date, contact: Any = None
) -> Document:
    """Build the round's priority-list report as plain content."""
    return build_priority_list(
        priority_list_input(priority_list_view(session, round_), meeting_date, contact)
    )


def save_priority_list(
    session: Session,
    storage: documents.Storage,
    round_: CapitalRound,
    now: datetime,
    today: date,
    user: User | None = None,
    flow_run_request_id: int | None = None,
) -> GeneratedDocument:
    """Write the priority list on the council's template and keep it with its hash."""
    if round_.priority_list is None:
        raise ValueError("the priority list has not been produced yet")
    content = priority_list_document(session, round_, today, user)
    return documents.save_document(
        session,
        storage,
        content,
        subject=f"capital-round:{round_.id}",
        kind=KIND,
        filename=documents.safe_filename(f"Capital bid priority list {round_.title}"),
        now=now,
        generated_by=user,
        flow_run_request_id=flow_run_request_id,
    )


def priority_list_document_missing(session: Session, round_: CapitalRound) -> bool:
    """Say whether the produced priority list has no Word document written since it was produced."""
    if round_.priority_list is None:
        return False
    newest = newest_priority_list_document(session, round_)
    return newest is None or (
        round_.listed_at is not None and newest.generated_at < round_.listed_at
    )


def rounds_missing_priority_list_document(session: Session) -> list[int]:
    """Return the rounds whose produced priority list still needs its document written."""
    listed = session.scalars(
        select(CapitalRound).where(CapitalRound.listed_at.is_not(None)).order_by(CapitalRound.id)
    )
    return [r.id for r in listed if priority_list_document_missing(session, r)]


def ensure_priority_list_document(
    session: Session,
    storage: documents.Storage,
    round_: CapitalRound,
    now: datetime,
    today: date,
    flow_run_request_id: int | None = None,
) -> tuple[GeneratedDocument, bool]:
    """Write the priority list's document unless it is already written; return it and whether
    it was written now (a run taking over from a crashed one does not write it twice)."""
    if not priority_list_document_missing(session, round_):
        existing = newest_priority_list_document(session, round_)
        assert existing is not None
        return existing, False
    record = save_priority_list(
        session, storage, round_, now, today, flow_run_request_id=flow_run_request_id
    )
    return record, True


def newest_priority_list_document(
    session: Session, round_: CapitalRound
) -> GeneratedDocument | None:
    """Return the newest Word document of the round's priority list, if one has been written."""
    newest = [
        d
        for d in documents.latest_documents(session, f"capital-round:{round_.id}")
        if d.kind == KIND
    ]
    return newest[0] if newest else None


def decided_since(view: PriorityListView, document: GeneratedDocument | None) -> bool:
    """Say whether a decision was recorded after the document was written (it lacks it)."""
    if document is None:
        return False
    written = document.generated_at
    return any(r.decision is not None and r.decision.decided_at > written for r in view.rows)
