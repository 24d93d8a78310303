"""Evaluation records for the integration tests, and the access test's world."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tenderflow import clock
from tenderflow.domain.evaluation import model_path
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Bid, Bidder, PanelMember, Procurement, User
from tenderflow.services import procurements
from tenderflow.services.evaluation import current_model, model_versions, moderation, panel

BIDDERS = {
    "Harbour Light Housing Trust": "90000",
    "Fenland Support Partnership": "100000",
    "Riverside Care Co-operative": "120000",
}
COMMENT = "Clear evidence from comparable services."


@dataclass
class Evaluation:
    procurement: Procurement
    lead: User
    evaluators: list[PanelMember]
    moderator: PanelMember
    bids: list[Bid]
    extra: dict[str, Any] = field(default_factory=dict)

    def bid(self, name: str) -> Bid:
        return next(b for b in self.bids if b.bidder.name == name)


def ready_made(name: str = "housing-support-60-40") -> str:
    return model_path(name).read_text(encoding="utf-8")


def add_bids(procurement: Procurement, *, opened: bool = True) -> list[Bid]:
    now = clock.now()
    bids = []
    for name, price in BIDDERS.items():
        bidder = Bidder(procurement_id=procurement.id, name=name, registered_at=now)
        bid = Bid(
            procurement_id=procurement.id,
            bidder=bidder,
            received_at=now - timedelta(days=2),
            price=Decimal(price),
            opened_at=now - timedelta(days=1) if opened else None,
        )
        db.session.add(bid)
        bids.append(bid)
    db.session.flush()
    return bids


def an_evaluation(
    make_user: Any,
    *,
    reference: str = "EVAL-1",
    stage: str = "evaluation",
    sign: bool = True,
    assignments: tuple[tuple[str, ...], ...] = (("Q1", "Q2"), ("Q1", "Q2")),
) -> Evaluation:
    """A procurement with a published model and guidance, three opened bids and a panel of
    evaluators (assigned ``assignments``; signed and declared when ``sign``) and a moderator."""
    from tests.integration.world import procurement_input  # world imports this module

    now = clock.now()
    lead = make_user(Role.PROCUREMENT_LEAD, name="Lena Lead")
    procurement = procurements.create_procurement(
        db.session, procurement_input(reference=reference), lead, now
    )
    model_versions.save_model(
        db.session,
        procurement,
        lead,
        now,
        source="housing-support-60-40",
        yaml_text=ready_made(),
    )
    model_versions.publish_model(db.session, procurement, now)
    model_versions.publish_guidance(db.session, procurement, now)
    bids = add_bids(procurement)
    _, model = current_model(db.session, procurement)  # type: ignore[misc]
    evaluators = []
    for index, criteria in enumerate(assignments):
        person = make_user(Role.EVALUATOR, name=f"Evaluator {'ABCDE'[index]}")
        member = panel.add_member(db.session, procurement, person.id, "evaluator")
        panel.assign(db.session, member, model, list(criteria))
        evaluators.append(member)
    moderator_user = make_user(Role.MODERATOR, name="Morag Moderator")
    moderator = panel.add_member(db.session, procurement, moderator_user.id, "moderator")
    if sign:
        for member in [*evaluators, moderator]:
            sign_and_declare(member)
    procurement.stage = stage
    db.session.commit()
    return Evaluation(procurement, lead, evaluators, moderator, bids)


def sign_and_declare(member: PanelMember, conflicted: tuple[str, ...] = ()) -> None:
    panel.sign_confidentiality(member, clock.now())
    answers = {
        bidder.id: (
            bidder.name in conflicted,
            "My sister works there." if bidder.name in conflicted else "",
        )
        for bidder in panel.bidders_to_declare(db.session, member.procurement)
    }
    panel.declare_conflicts(db.session, member, answers, clock.now())


def extend(world: dict[str, Any]) -> None:
    """Give the access test's procurement a model, opened bids, a panel and a query."""
    procurement = world["procurement"]
    people = world["people"]
    now = clock.now()
    model_versions.save_model(
        db.session,
        procurement,
        people[Role.PROCUREMENT_LEAD],
        now,
        source="housing-support-60-40",
        yaml_text=ready_made(),
    )
    model_versions.publish_model(db.session, procurement, now)
    model_versions.publish_guidance(db.session, procurement, now)
    bidder = Bidder(
        procurement_id=procurement.id, name="Access World Evaluation Bidder", registered_at=now
    )
    db.session.add(
        Bid(
            procurement_id=procurement.id,
            bidder=bidder,
            received_at=now,
            price=Decimal("50000"),
            opened_at=now,
        )
    )
    db.session.flush()
    _, model = current_model(db.session, procurement)  # type: ignore[misc]
    member = panel.add_member(db.session, procurement, people[Role.EVALUATOR].id, "evaluator")
    panel.assign(db.session, member, model, ["Q1"])
    panel.add_member(db.session, procurement, people[Role.MODERATOR].id, "moderator")
    query = moderation.raise_query(
        db.session, procurement, "Ask about TUPE costs.", people[Role.MODERATOR], now
    )
    world["url_args"].update(
        {
            "member_id": member.id,
            "criterion_id": "Q1",
            "query_id": query.id,
            "evaluator_id": member.id,
        }
    )
