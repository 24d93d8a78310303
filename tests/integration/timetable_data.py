"""Helpers for the timetable tests: a procurement, stand-in gates, other features' rows, moves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import (
    Bid,
    Bidder,
    Clarification,
    ConsensusScore,
    EvaluatorScore,
    Milestone,
    ModerationQuery,
    PanelMember,
    Procurement,
    ProcurementPlan,
    Transition,
    User,
)
from tenderflow.services import gates, procurements, transitions
from tests.integration.world import procurement_input
from workflows.timetable import run_transition

OURS = "tenderflow.services.timetable_gates"


def national_procurement(lead: User, reference: str = "TT-NAT-1") -> Procurement:
    """An above-threshold services procurement (so with EOI and a standstill), begun 1 June 2026."""
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference=reference, value=Decimal("900000")),
        lead,
        clock.now(),
    )
    db.session.commit()
    return procurement


@contextmanager
def frozen_at(when: str) -> Iterator[None]:
    """Move the app's clock for a while."""
    before = current_app.config["FROZEN_NOW"]
    current_app.config["FROZEN_NOW"] = when
    try:
        yield
    finally:
        current_app.config["FROZEN_NOW"] = before


def move(procurement: Procurement, to_stage: str, user: User | None, **options: Any) -> Transition:
    """Ask for a move and run its flow's logic in this process; return the decided transition."""
    transition = transitions.request_transition(
        db.session, procurement, to_stage, user, clock.now(), **options
    )
    db.session.commit()
    run_transition.fn(transition_id=transition.id, request_id=transition.flow_run_request_id)
    db.session.expire_all()
    return transition


# --- stand-in checks for gates other features own, used only while theirs are missing ---------


def _plan_and_shortlist(session: Any, procurement: Procurement, now: datetime) -> list[str]:
    unmet = []
    if (
        session.scalar(
            select(ProcurementPlan.id).where(ProcurementPlan.procurement_id == procurement.id)
        )
        is None
    ):
        unmet.append("Stand-in: write the procurement plan")
    shortlisted = session.scalars(
        select(Bidder).where(Bidder.procurement_id == procurement.id, Bidder.shortlisted)
    ).all()
    if len(shortlisted) < (procurement.min_candidates or 1):
        unmet.append("Stand-in: the shortlist is too short")
    return unmet


def _bids_opened(session: Any, procurement: Procurement, now: datetime) -> list[str]:
    bids = session.scalars(select(Bid).where(Bid.procurement_id == procurement.id)).all()
    if not bids or any(b.opened_at is None for b in bids):
        return ["Stand-in: open the bids"]
    return []


def _scores_submitted(session: Any, procurement: Procurement, now: datetime) -> list[str]:
    scores = session.scalars(
        select(EvaluatorScore).join(Bid).where(Bid.procurement_id == procurement.id)
    ).all()
    if not scores or any(s.status != "submitted" for s in scores):
        return ["Stand-in: submit every score"]
    return []


def _consensus_agreed(session: Any, procurement: Procurement, now: datetime) -> list[str]:
    unmet = []
    bids = session.scalars(select(Bid).where(Bid.procurement_id == procurement.id)).all()
    agreed = {c.bid_id for c in session.scalars(select(ConsensusScore))}
    if any(b.id not in agreed for b in bids):
        unmet.append("Stand-in: agree a consensus score for every bid")
    queries = session.scalars(
        select(ModerationQuery).where(
            ModerationQuery.procurement_id == procurement.id, ModerationQuery.resolution.is_(None)
        )
    ).all()
    clarifications = session.scalars(
        select(Clarification).where(
            Clarification.procurement_id == procurement.id, Clarification.answered_at.is_(None)
        )
    ).all()
    if queries or clarifications:
        unmet.append("Stand-in: close every query and clarification")
    return unmet


STAND_INS = {
    "itt": _plan_and_shortlist,
    "evaluation": _bids_opened,
    "moderation": _scores_submitted,
    "standstill": _consensus_agreed,
}


@contextmanager
def stand_in_gates() -> Iterator[list[str]]:
    """Register a stand-in check for each stage no other feature guards yet; remove them after."""
    added: list[tuple[str, Any]] = []
    for stage, check in STAND_INS.items():
        theirs = [c for c in gates.checks_for(stage) if c.__module__ not in (OURS, __name__)]
        if not theirs:
            gates.gate(stage)(check)
            added.append((stage, check))
    try:
        yield [stage for stage, _ in added]
    finally:
        for stage, check in added:
            gates._CHECKS[stage].remove(check)


# --- other features' rows, inserted directly ---------------------------------------------------


def add_plan(procurement: Procurement, lead: User) -> None:
    db.session.add(
        ProcurementPlan(
            procurement_id=procurement.id,
            business_objectives="Reduce repeat homelessness.",
            risks_and_controls="TUPE costs: early legal advice.",
            route_recommendation="The national open procedure.",
            agreed_at=clock.now(),
            updated_by_id=lead.id,
            updated_at=clock.now(),
        )
    )
    db.session.commit()


def add_shortlist(procurement: Procurement, names: list[str]) -> list[Bidder]:
    bidders = [
        Bidder(
            procurement_id=procurement.id,
            name=name,
            registered_at=clock.now(),
            selection="passed",
            shortlisted=True,
        )
        for name in names
    ]
    db.session.add_all(bidders)
    db.session.commit()
    return bidders


def add_bids(bidders: list[Bidder], opened: bool) -> list[Bid]:
    """Bids received before a tender deadline that has just passed."""
    deadline = db.session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == bidders[0].procurement_id,
            Milestone.kind == "tender-deadline",
        )
    )
    assert deadline is not None
    deadline.due_at = clock.now() - timedelta(hours=1)
    bids = [
        Bid(
            procurement_id=b.procurement_id,
            bidder_id=b.id,
            received_at=clock.now() - timedelta(days=1),
            price=Decimal("850000"),
            opened_at=clock.now() if opened else None,
        )
        for b in bidders
    ]
    db.session.add_all(bids)
    db.session.commit()
    return bids


def add_scores(procurement: Procurement, bids: list[Bid], evaluator: User, status: str) -> None:
    member = PanelMember(
        procurement_id=procurement.id,
        user_id=evaluator.id,
        confidentiality_signed_at=clock.now(),
        conflicts_declared_at=clock.now(),
    )
    db.session.add(member)
    db.session.flush()
    for bid in bids:
        db.session.add(
            EvaluatorScore(
                panel_member_id=member.id,
                bid_id=bid.id,
                criterion_id="quality",
                score=Decimal("3"),
                comment="Meets the requirement.",
                status=status,
                saved_at=clock.now(),
                submitted_at=clock.now() if status == "submitted" else None,
            )
        )
    db.session.commit()


def add_consensus(bids: list[Bid], moderator: User) -> None:
    for bid in bids:
        db.session.add(
            ConsensusScore(
                bid_id=bid.id,
                criterion_id="quality",
                score=Decimal("3"),
                rationale="Agreed at moderation.",
                moderator_id=moderator.id,
                agreed_at=clock.now(),
            )
        )
    db.session.commit()
