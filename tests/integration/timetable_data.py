"""Helpers for the timetable tests: a procurement, stand-in gates, other features' rows, moves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import (
    Bid,
    Bidder,
    Milestone,
    PanelMember,
    Procurement,
    ProcurementPlan,
    Transition,
    User,
)
from tenderflow.services import flow_runs, procurements
from tenderflow.services.evaluation import (
    bid_label,
    bidders_to_declare,
    current_model,
    member_of,
    model_versions,
    moderation,
    panel,
    scoring,
)
from tenderflow.services.timetable import transitions
from tests.integration.world import procurement_input
from workflows.timetable import run_transition


def national_procurement(lead: User, reference: str = "TT-NAT-1") -> Procurement:
    """An above-threshold services procurement begun 1 June 2026, with EOI and a standstill.

    A competitive flexible procedure with a participation stage and a shortlist: the open
    procedure would have no EOI.
    """
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(
            reference=reference,
            value=Decimal("900000"),
            procedure="competitive-flexible",
            procedure_stages=["participation", "shortlisting"],
        ),
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


def asked_for_approval(procurement: Procurement, lead: User) -> None:
    """Record that the lead asked for approval of the results as they stand, for tests of what
    follows (the asking itself, once moderation closes, is tested in test_probity_bids)."""
    from tenderflow.models import ApprovalRequest
    from tenderflow.services.timetable import award

    db.session.add(
        ApprovalRequest(
            procurement_id=procurement.id,
            results_hash=award.results_hash(db.session, procurement),
            requested_by_id=lead.id,
            requested_at=clock.now(),
        )
    )
    db.session.flush()


def move(procurement: Procurement, to_stage: str, user: User | None, **options: Any) -> Transition:
    """Ask for a move and run its flow's logic in this process; return the decided transition."""
    transition = transitions.request_transition(
        db.session, procurement, to_stage, user, clock.now(), **options
    )
    # Taken in hand here before it is committed: a test worker's dispatcher, serving this
    # database for the wiring tests, must not send the same request to Prefect meanwhile.
    if transition.flow_run_request_id is not None:
        flow_runs.mark_running(db.session, transition.flow_run_request_id, None)
    db.session.commit()
    run_transition.fn(transition_id=transition.id, request_id=transition.flow_run_request_id)
    db.session.expire_all()
    return transition


# --- other features' records, made through their own services ------------------------------


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


MODEL = "housing-support-60-40"


def publish_model(procurement: Procurement, lead: User) -> None:
    """Choose the ready-made 60/40 model and publish it with the ITT."""
    model_versions.save_model(
        db.session,
        procurement,
        lead,
        clock.now(),
        source=MODEL,
        yaml_text=model_versions.ready_made_text(MODEL),
    )
    model_versions.publish_model(db.session, procurement, clock.now())
    db.session.commit()


def ready_panel(procurement: Procurement, evaluator: User) -> PanelMember:
    """Release the guidance; the evaluator scores every criterion, signed and declared."""
    model_versions.publish_guidance(db.session, procurement, clock.now())
    member = panel.add_member(db.session, procurement, evaluator.id, "evaluator")
    found = current_model(db.session, procurement)
    assert found is not None
    panel.assign(db.session, member, found[1], [c.id for c in found[1].criteria])
    panel.sign_confidentiality(member, clock.now())
    bidders = bidders_to_declare(db.session, procurement)
    panel.declare_conflicts(db.session, member, {b.id: (False, "") for b in bidders}, clock.now())
    db.session.commit()
    return member


def add_scores(procurement: Procurement, bids: list[Bid], evaluator: User) -> None:
    """The evaluator saves a draft score with a comment for every bid on every criterion."""
    member = member_of(db.session, procurement, evaluator)
    found = current_model(db.session, procurement)
    assert member is not None and found is not None
    rows = [
        (n, {"bidder": bid_label(bid), "criterion": c.id, "score": 3, "comment": "Meets it."})
        for n, (bid, c) in enumerate((b, c) for b in bids for c in found[1].criteria)
    ]
    scoring.save_scores(db.session, member, "web", rows, clock.now())
    db.session.commit()


def submit_scores(procurement: Procurement, evaluator: User) -> None:
    member = member_of(db.session, procurement, evaluator)
    assert member is not None
    scoring.submit_scores(db.session, member, clock.now())
    db.session.commit()


def add_consensus(procurement: Procurement, bids: list[Bid], moderator: User) -> None:
    """Agree a consensus score with a rationale on every criterion; every gateway passed."""
    found = current_model(db.session, procurement)
    assert found is not None
    for bid in bids:
        for criterion in found[1].criteria:
            moderation.record_consensus(
                db.session,
                procurement,
                bid,
                criterion.id,
                "3",
                "Agreed at moderation.",
                moderator,
                clock.now(),
            )
    answers = {(bid.id, q.id): ("pass", "") for bid in bids for q in found[1].pass_fail}
    moderation.record_pass_fail(db.session, procurement, answers, moderator, clock.now())
    db.session.commit()
