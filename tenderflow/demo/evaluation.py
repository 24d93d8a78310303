"""Demonstration evaluations: one panel scoring now, one in moderation.

Every bidder named here is invented. Prices and hourly rates sit around the costing model's
£20 an hour cap, one of them low enough to be flagged for investigation.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.evaluation import model_path
from tenderflow.models import Bid, Bidder, Procurement, User
from tenderflow.services import procurements
from tenderflow.services import timetable as timetable_service
from tenderflow.services.bidding import plans
from tenderflow.services.bidding.deadline import tender_deadline
from tenderflow.services.evaluation import (
    bids_in_evaluation,
    current_model,
    model_versions,
    moderation,
    panel,
    scoring,
)
from tenderflow.services.evaluation.results import results_for
from tenderflow.services.procurements import ProcurementInput
from tenderflow.services.timetable import award

MODEL = "housing-support-60-40"
SCORING = "CCC-YP-FLOAT-2027"
MODERATING = "CCC-SH-HUNTS-2027"
DECIDED = "CCC-DA-REFUGE-2027"

BIDDERS = {
    SCORING: [
        ("Ely Foyer Trust", "412000", "19.50", "4"),
        ("Fen Edge Support", "389000", "18.75", "3.5"),
        ("Isle Youth Housing Co-operative", "455000", "21.40", "5"),
    ],
    MODERATING: [
        ("Ouse Valley Housing Support", "520000", "19.80", "6"),
        ("St Neots Pathways", "498000", "19.20", "5.5"),
        ("Huntingdon Night Light Trust", "330000", "14.10", "4"),
    ],
    DECIDED: [
        ("Safe Harbour Women's Aid", "610000", "19.90", "10"),
        ("Cam Valley Refuge Partnership", "585000", "19.60", "9.5"),
        ("Granta Outreach Services", "640000", "19.95", "10"),
    ],
}
# Consensus scores agreed at the decided evaluation's moderation, by bidder (Q1 to Q6).
DECIDED_CONSENSUS = {
    "Safe Harbour Women's Aid": (4, 4, 4, 5, 3, 4),
    "Cam Valley Refuge Partnership": (4, 3, 4, 4, 4, 3),
    "Granta Outreach Services": (3, 3, 3, 4, 3, 3),
}
# Each evaluator's scores in moderation, by bidder (Q1 to Q6); the panel disagrees on a few.
MODERATION_SCORES = {
    "evaluator1@tenderflow.example": {
        "Ouse Valley Housing Support": (4, 4, 3, 4, 3, 4),
        "St Neots Pathways": (3, 3, 4, 3, 3, 3),
        "Huntingdon Night Light Trust": (2, 2, 2, 3, 2, 2),
    },
    "evaluator2@tenderflow.example": {
        "Ouse Valley Housing Support": (4, 3, 3, 4, 4, 4),
        "St Neots Pathways": (4, 3, 4, 3, 3, 4),
        "Huntingdon Night Light Trust": (5, 2, 3, 3, 2, 2),
    },
    "evaluator3@tenderflow.example": {
        "Ouse Valley Housing Support": (5, 4, 3, 4, 3, 4),
        "St Neots Pathways": (3, 4, 4, 2, 3, 3),
        "Huntingdon Night Light Trust": (2, 2, 2, 3, 1, 2),
    },
}
COMMENTS = {
    1: "Little evidence; the response restates the specification.",
    2: "Some evidence, but the support plan lacks detail.",
    3: "Meets the requirement, with a workable plan and some evidence.",
    4: "A clear, evidenced model drawn from a comparable service.",
    5: "Comprehensive and well evidenced, with added value for service users.",
}


def _procurement(session: Session, data: ProcurementInput, lead: User) -> Procurement:
    data.lead_id = lead.id
    return procurements.create_procurement(session, data, lead, clock.now())


def _inputs(today: date) -> list[ProcurementInput]:
    common: dict[str, Any] = {
        "rule_set": "cambridgeshire-2008",
        "start_date": today - timedelta(days=150),
        "value_basis": "annual",
        "term_years": 3,
        "extension_years": 2,
        "vat_rate": Decimal("0"),
        "category": "light-touch",
        "client_group": "generic",
    }
    return [
        ProcurementInput(
            title="Floating support for young people, East Cambridgeshire and Fenland",
            reference=SCORING,
            description="Floating support for young people aged 16 to 25 at risk of homelessness.",
            service_type="floating-support",
            districts=["east-cambridgeshire", "fenland"],
            value=Decimal("140000"),
            **common,
        ),
        ProcurementInput(
            title="Supported housing for single homeless people, Huntingdonshire",
            reference=MODERATING,
            description="Hostel and move-on accommodation with support for single homeless people.",
            service_type="accommodation-based",
            districts=["huntingdonshire"],
            value=Decimal("170000"),
            **common,
        ),
        ProcurementInput(
            title="Refuge and outreach for women at risk of domestic abuse, Cambridgeshire",
            reference=DECIDED,
            description="Refuge places and community outreach for women at risk of domestic abuse.",
            service_type="accommodation-with-floating",
            districts=["cambridge", "south-cambridgeshire"],
            value=Decimal("200000"),
            **{**common, "client_group": "domestic-abuse"},
        ),
    ]


def _bids(session: Session, procurement: Procurement, today: date) -> None:
    """Each bidder's bid, received the day before the tender deadline and opened just after it
    (or, without a deadline in the timetable, a week before ``today``)."""
    deadline = tender_deadline(session, procurement) or datetime.combine(
        today - timedelta(days=7), time(12, 0), clock.LONDON
    ).astimezone(clock.UTC)
    for name, price, rate, hours in BIDDERS[procurement.reference]:
        bidder = Bidder(
            procurement_id=procurement.id, name=name, registered_at=deadline - timedelta(days=30)
        )
        session.add(
            Bid(
                procurement_id=procurement.id,
                bidder=bidder,
                received_at=deadline - timedelta(days=1),
                price=Decimal(price),
                hourly_rate=Decimal(rate),
                contact_hours=Decimal(hours),
                opened_at=deadline + timedelta(hours=1),
            )
        )
    session.flush()


def _model(session: Session, procurement: Procurement, lead: User) -> None:
    # Chosen and published with the ITT, before the tender deadline fixes the method.
    issued = timetable_service.row_for(session, procurement, "itt").planned_start
    now = datetime.combine(issued, time(10, 0), clock.LONDON).astimezone(clock.UTC)
    model_versions.save_model(
        session,
        procurement,
        lead,
        now,
        source=MODEL,
        yaml_text=model_path(MODEL).read_text(encoding="utf-8"),
    )
    model_versions.publish_model(session, procurement, now)
    model_versions.publish_guidance(session, procurement, now)


def _plan(session: Session, procurement: Procurement, lead: User) -> None:
    """An agreed procurement plan, written before the ITT went out."""
    now = clock.now() - timedelta(days=60)
    service = procurement.service_type.name.lower() if procurement.service_type else "support"
    plans.save_plan(
        session,
        procurement,
        plans.PlanInput(
            client_lead="Commissioning manager, housing-related support",
            funding="Supporting People grant, within the programme's annual allocation.",
            business_objectives=(
                f"Commission {service} that helps people live independently, "
                "with outcomes monitored quarterly."
            ),
            current_supply="Spot-purchased places with two providers on expiring agreements.",
            market_position="Several local and regional providers expressed interest at market "
            "engagement.",
            risks_and_controls=(
                "TUPE: early legal advice and staff lists requested from the incumbents.\n"
                "Too few bidders: market engagement event and a four-week tendering period."
            ),
            route_options="Open tender or mini-competition; open tender preferred for reach.",
            value_for_money="Prices tested against the costing model's £20 an hour cap.",
            route_recommendation="Invited tender with quality 60% and price 40%.",
            resources="Procurement lead, three evaluators and a moderator.",
            reviews_planned="Contract review at six months, then annually.",
        ),
        lead,
        now,
    )
    plans.agree_plan(session, procurement, lead, now)


def _record_moves(session: Session, procurement: Procurement, today: date) -> None:
    """Record the actual dates of every stage passed, as planned (never later than today)."""
    path = procurement.stages
    reached = path[: path.index(procurement.stage) + 1]
    planned = {row.stage: row for row in timetable_service.stage_dates(procurement, session)}
    day = procurement.start_date
    if reached[0] in planned:
        planned[reached[0]].actual_start = day
    for left, entered in zip(reached, reached[1:], strict=False):
        row = planned.get(entered)
        day = max(day, min(row.planned_start if row else today, today))
        at = datetime.combine(day, time(10, 0), clock.LONDON).astimezone(clock.UTC)
        timetable_service.record_move(session, procurement, left, entered, day, at)


def _ready(member: Any, session: Session) -> None:
    panel.sign_confidentiality(member, clock.now() - timedelta(days=6))
    answers = {b.id: (False, "") for b in panel.bidders_to_declare(session, member.procurement)}
    panel.declare_conflicts(session, member, answers, clock.now() - timedelta(days=6))


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Load the two demonstration evaluations (once)."""
    if procurements.get_by_reference(session, SCORING) is not None:
        return ""
    lead = people["lead@tenderflow.example"]
    moderator = people["moderator@tenderflow.example"]
    scoring_one, moderating, decided = (_procurement(session, d, lead) for d in _inputs(today))
    for procurement in (scoring_one, moderating, decided):
        _plan(session, procurement, lead)
        _model(session, procurement, lead)
        _bids(session, procurement, today)
    _, model = current_model(session, scoring_one)  # type: ignore[misc]
    criteria = [c.id for c in model.criteria]

    # Scoring now: the first evaluator has yet to sign; the others are under way.
    assignments = {
        "evaluator1@tenderflow.example": ["Q1", "Q2"],
        "evaluator2@tenderflow.example": criteria,
        "evaluator3@tenderflow.example": criteria,
    }
    for email, assigned in assignments.items():
        member = panel.add_member(session, scoring_one, people[email].id, "evaluator")
        panel.assign(session, member, model, assigned)
        if email != "evaluator1@tenderflow.example":
            _ready(member, session)
    _ready(panel.add_member(session, scoring_one, moderator.id, "moderator"), session)
    scoring_one.stage = "evaluation"
    session.flush()
    second = panel.member_of(session, scoring_one, people["evaluator2@tenderflow.example"])
    assert second is not None
    rows = [
        (n, {"bidder": name, "criterion": "Q1", "score": 3, "comment": COMMENTS[3]})
        for n, (name, *_rest) in enumerate(BIDDERS[SCORING])
    ]
    scoring_one.stage = "evaluation"
    scoring.save_scores(session, second, "demo", rows, clock.now() - timedelta(days=2))

    # In moderation: everyone has submitted, with some wide spreads to discuss.
    _panel_submitted(session, moderating, people, criteria, MODERATION_SCORES)
    moderating.stage = "moderation"

    # Decided: consensus agreed, gateways passed, in standstill; the commissioning body reads it.
    decided_scores = {
        email: dict(zip(DECIDED_CONSENSUS, by_bidder.values(), strict=True))
        for email, by_bidder in MODERATION_SCORES.items()
    }
    _panel_submitted(session, decided, people, criteria, decided_scores)
    decided.stage = "moderation"
    agreed_at = clock.now() - timedelta(days=1)
    bids = {bid.bidder.name: bid for bid in bids_in_evaluation(session, decided)}
    for name, agreed in DECIDED_CONSENSUS.items():
        for cid, score in zip(criteria, agreed, strict=True):
            moderation.record_consensus(
                session, decided, bids[name], cid, str(score), COMMENTS[score], moderator, agreed_at
            )
    answers = {(bid.id, q.id): ("pass", "") for bid in bids.values() for q in model.pass_fail}
    moderation.record_pass_fail(session, decided, answers, moderator, agreed_at)
    query = moderation.raise_query(
        session, decided, "Confirm the refuge's staffing at night.", moderator, agreed_at
    )
    moderation.resolve_query(query, "Confirmed: waking night staff on site.", lead, agreed_at)
    session.flush()
    decided_results = results_for(session, decided, include_sensitivity=False)
    assert decided_results is not None and decided_results.result is not None
    winner = decided_results.result.winner
    award.request_approval(session, decided, lead, agreed_at)
    award.record_approval(
        session,
        decided,
        award.ApprovalInput(
            decision="approved",
            decided_on=clock.local(agreed_at).date(),
            minute_reference=f"SPCB minute {agreed_at:%Y}/21",
            notes="Approved as recommended by the evaluation panel.",
            recommended_bidder_id=bids[winner].bidder_id if winner else None,
        ),
        people["commissioning@tenderflow.example"],
        agreed_at,
        today,
    )
    decided.stage = "standstill"
    session.flush()
    for procurement in (scoring_one, moderating, decided):
        _record_moves(session, procurement, today)
    return "3 evaluations (scoring, in moderation, in standstill)"


def _panel_submitted(
    session: Session,
    procurement: Procurement,
    people: dict[str, User],
    criteria: list[str],
    scores: dict[str, dict[str, tuple[int, ...]]],
) -> None:
    """Put the three demo evaluators and the moderator on the panel, every score submitted."""
    found = current_model(session, procurement)
    assert found is not None
    for email, by_bidder in scores.items():
        member = panel.add_member(session, procurement, people[email].id, "evaluator")
        panel.assign(session, member, found[1], criteria)
        _ready(member, session)
        procurement.stage = "evaluation"
        rows = [
            (
                len(criteria) * index + n,
                {"bidder": name, "criterion": cid, "score": s, "comment": COMMENTS[s]},
            )
            for index, (name, marks) in enumerate(by_bidder.items())
            for n, (cid, s) in enumerate(zip(criteria, marks, strict=True))
        ]
        scoring.save_scores(session, member, "demo", rows, clock.now() - timedelta(days=3))
        scoring.submit_scores(session, member, clock.now() - timedelta(days=2))
    moderator = people["moderator@tenderflow.example"]
    _ready(panel.add_member(session, procurement, moderator.id, "moderator"), session)
