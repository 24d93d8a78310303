"""Demonstration histories: procurements far along their life, and some just started.

The Kent domestic abuse service (East and West Kent lots) and the Great Yarmouth floating
support re-tender have reached standstill with a full record behind them: a plan, a timetable
planned against actual (one stage slipped, with its reason), expressions of interest and a
shortlist, bids (one late, one excluded), a published and frozen evaluation model, a panel of the
demo evaluators with their declarations (one conflict), every evaluator's submitted scores with
comments, pass/fail results, consensus scores with rationales, a resolved moderation query,
clarifications and the commissioning body's approval. Two smaller procurements are at ITT, one
advertised with its tender deadline ahead and one with sealed bids. Every bidder and person is invented; figures come from the papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.standstill import standstill_period
from tenderflow.models import (
    ApprovalRequest,
    AwardApproval,
    Bid,
    Bidder,
    Clarification,
    ConflictDeclaration,
    ConsensusScore,
    EvaluationModelVersion,
    EvaluatorAssignment,
    EvaluatorScore,
    Milestone,
    ModerationQuery,
    PanelMember,
    PassFailRecord,
    Procurement,
    ProcurementPlan,
    StageDates,
    TenderField,
    User,
)
from tenderflow.paths import SCORING_MATRICES_DIR

MODEL_NAME = "housing-support-60-40"
CRITERIA = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
GATEWAYS = ("PF1", "PF2", "PF3", "PF4")
EVALUATORS = (
    "evaluator1@tenderflow.example",
    "evaluator2@tenderflow.example",
    "evaluator3@tenderflow.example",
)
MODERATOR = "moderator@tenderflow.example"
LEAD = "lead@tenderflow.example"
COMMISSIONING = "commissioning@tenderflow.example"

FOCUS = {
    "Q1": "the service model, support planning and contact hours",
    "Q2": "understanding of the client groups and access to the service",
    "Q3": "outcomes, move-on and how they are evidenced",
    "Q4": "safeguarding, risk assessment and escalation",
    "Q5": "staffing, caseloads, training and supervision",
    "Q6": "mobilisation and the transfer of staff under TUPE",
}
LEVEL = {
    5: "Excellent: comprehensive, with strong evidence from comparable services and added value",
    4: "Good: meets the requirement in full, with clear detail and relevant evidence",
    3: "Satisfactory: meets the requirement with adequate detail and some evidence",
    2: "Poor: addresses part of the requirement and relies on statements of intent",
    1: "Very poor: significant gaps and little evidence",
}
# How each evaluator's own view differs from the agreed score, criterion by criterion.
LEANING = ((0, 0, -1, 0, 1, 0), (0, 1, 0, 0, -1, 0), (-1, 0, 0, 1, 0, -1))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return a moment on a day, for back-dated demonstration records."""
    return datetime.combine(day, time(hour, minute), UTC)


@dataclass(frozen=True)
class DemoBid:
    """A bidder's tender: agreed scores per criterion, a price, and what happened to it."""

    bidder: str
    annual_price: Decimal
    agreed: tuple[int, ...] = (3, 3, 3, 3, 3, 3)
    hourly_rate: Decimal = Decimal("18.50")
    late: bool = False
    excluded: str = ""  # why, when the bid failed a gateway
    notes: dict[str, str] = field(default_factory=dict)  # criterion -> what the panel noted


@dataclass(frozen=True)
class DemoHistory:
    """A procurement taken to standstill."""

    reference: str
    lots: dict[int | None, tuple[DemoBid, ...]]
    not_shortlisted: tuple[tuple[str, str], ...]
    conflict: tuple[str, str, str]  # evaluator email, bidder, details
    plan: dict[str, str]
    client_lead: str
    clarifications: tuple[tuple[str, str, bool], ...]
    query: tuple[str, str, str, str]  # bidder, criterion, question, resolution
    slip_reason: str
    lot_values: dict[int, Decimal] = field(default_factory=dict)  # each lot's budget a year


KENT = DemoHistory(
    reference="KCC-IDAS-2026",
    lots={
        1: (
            DemoBid(
                "Harbour Light Housing Trust",
                Decimal("1842000"),
                (5, 4, 4, 5, 4, 4),
                Decimal("18.40"),
                notes={
                    "Q1": "A hub-and-spoke model with refuges in Canterbury, Thanet and Dover and outreach in every district.",
                    "Q4": "Named safeguarding leads, MARAC attendance in all six districts and a tested out-of-hours escalation route.",
                },
            ),
            DemoBid(
                "Smith & Jones <Ltd>",
                Decimal("1695500"),
                (4, 4, 3, 3, 4, 4),
                Decimal("17.95"),
                notes={
                    "Q6": "Week-by-week mobilisation with TUPE consultation costed and resourced."
                },
            ),
            DemoBid(
                "Oasthouse Women's Aid",
                Decimal("1880000"),
                (3, 4, 4, 3, 3, 3),
                Decimal("19.60"),
                notes={"Q6": "Mobilisation in 16 weeks exceeds the 12 weeks required."},
            ),
            DemoBid(
                "Weald Refuge Partnership",
                Decimal("1402000"),
                (3, 3, 2, 3, 3, 2),
                Decimal("15.10"),
                notes={
                    "Q3": "Relies on refuge properties not yet secured; two landlords have not confirmed."
                },
            ),
            DemoBid(
                "Brightwater Support Ltd",
                Decimal("1760000"),
                excluded="Public liability cover of £2 million only, below the £5 million required.",
            ),
            DemoBid("Medway Valley Support CIC", Decimal("1790000"), late=True),
        ),
        2: (
            DemoBid(
                "Greensand Housing Association",
                Decimal("1566000"),
                (4, 5, 4, 4, 4, 4),
                Decimal("18.10"),
                notes={
                    "Q2": "Specialist provision for male victims and for Gypsy and Traveller communities."
                },
            ),
            DemoBid(
                "Smith & Jones <Ltd>", Decimal("1540000"), (4, 3, 3, 4, 3, 3), Decimal("17.95")
            ),
            DemoBid(
                "Oasthouse Women's Aid", Decimal("1610000"), (3, 4, 3, 3, 3, 4), Decimal("19.20")
            ),
        ),
    },
    not_shortlisted=(
        ("Thanet Together Ltd", "No experience of refuge or domestic abuse services."),
    ),
    conflict=(
        "evaluator2@tenderflow.example",
        "Weald Refuge Partnership",
        "Trustee of the bidder until March 2025",
    ),
    plan={
        "funding": "Most of the funding comes from the Supporting People budget, about £2 million a year.\n\nThere may be scope to draw in external funding for additional services.",
        "business_objectives": "Improved long-term health, well-being and quality of life for people affected by domestic abuse; fewer repeat victims; better access to and exit from services; less homelessness caused by domestic abuse.",
        "current_supply": "Ten refuge contracts and two floating support contracts, delivered by five organisations. There is no refuge in Tonbridge and Malling, and sanctuary provision is inconsistent across the county.",
        "market_position": "The market is mainly registered social landlords and the third sector. A market engagement event will test the appetite for larger, integrated contracts.",
        "risks_and_controls": "TUPE costs put bidders off: all TUPE information is provided on request and money is set aside.\nBidders not aware of the opportunity: an open day is held and attendees are told when the tender notice is published.\nRisk of challenge: the procurement follows the rules openly, overseen by a procurement manager.\nLandlords withdrawing properties: owners are consulted from the outset and contingency provision is planned.",
        "route_options": "One contract for East Kent and one for West Kent, which replicates the current floating support model and gives consistency and value for money.",
        "value_for_money": "The evaluation assesses quality and price; unit costs will be analysed to inform the next contract price.",
        "route_recommendation": "Advertise on the Kent business portal and the central digital platform and award one contract per lot.",
        "resources": "Procurement manager support throughout.\n\nCommissioned Services administration support for events and minutes.",
        "reviews_planned": "The Supporting People Commissioning Body receives progress reports at each meeting.",
    },
    client_lead="Director of Commissioning, Adult Social Care and Health",
    clarifications=(
        (
            "Can refuge properties in Dover be sub-let to a partner organisation?",
            "Yes, with the Council's written consent; the lease terms are in Schedule 4.",
            True,
        ),
        (
            "Please confirm the number of staff in scope for TUPE.",
            "Updated TUPE information for 23 staff is published with this answer; the tender deadline moves back one week.",
            True,
        ),
        (
            "Can we see our own organisation's past contract monitoring returns?",
            "Yes: they have been sent to you directly, as they concern only your organisation.",
            False,
        ),
    ),
    query=(
        "Oasthouse Women's Aid",
        "Q6",
        "Evaluators differ by two points on mobilisation: does the 16-week plan meet the 12-week requirement?",
        "The panel checked appendix C: the plan takes 16 weeks, so the requirement is not met in full; agreed at 3.",
    ),
    slip_reason="Tender deadline extended by one week after clarification CQ-002 changed the TUPE information; every bidder was told the same day.",
    lot_values={1: Decimal("1900000"), 2: Decimal("1600000")},
)

YARMOUTH = DemoHistory(
    reference="NCC-GY-FS-2026",
    lots={
        None: (
            DemoBid(
                "Yare Valley Support Ltd",
                Decimal("376000"),
                (4, 4, 4, 4, 3, 4),
                Decimal("18.20"),
                notes={
                    "Q1": "Support plans reviewed every eight weeks, with step-down to drop-in support."
                },
            ),
            DemoBid(
                "Breydon Floating Support CIC",
                Decimal("359000"),
                (3, 3, 3, 4, 3, 3),
                Decimal("17.40"),
            ),
            DemoBid(
                "Gorleston Community Trust", Decimal("386000"), (3, 4, 3, 3, 4, 3), Decimal("19.10")
            ),
            DemoBid(
                "Northgate Care Partnership",
                Decimal("331000"),
                excluded="No employer's liability insurance from the contract start.",
            ),
        )
    },
    not_shortlisted=(),
    conflict=(
        "evaluator3@tenderflow.example",
        "Gorleston Community Trust",
        "Partner works for the bidder as a support worker",
    ),
    plan={
        "funding": "Supporting People grant for Norfolk, Great Yarmouth share.",
        "business_objectives": "Sustained tenancies, fewer evictions and timely move-on for people with housing-related support needs.",
        "current_supply": "One generic floating support contract, ending next year.",
        "market_position": "Several providers deliver comparable services across Greater Norwich and Rural East Anglia.",
        "risks_and_controls": "Service users' support disrupted at transfer: a 12-week mobilisation plan and joint visits.\nFew bids: early market engagement with the providers' forum.",
        "route_options": "Re-tender on the sub-regional model used for Greater Norwich.",
        "value_for_money": "Prices are checked against the £20 per hour cap of the costing model.",
        "route_recommendation": "An open tender, one contract for the district.",
        "resources": "Procurement officer and contract monitoring officer time.",
        "reviews_planned": "Monthly progress check by the commissioning team.",
    },
    client_lead="Head of Housing-related Support",
    clarifications=(
        (
            "Is the service expected to work with people in temporary accommodation?",
            "Yes, where they are referred through the district's housing options team.",
            True,
        ),
    ),
    query=(
        "Breydon Floating Support CIC",
        "Q4",
        "Is the lone-working policy referred to in Q4 included in the tender?",
        "Yes: it is appendix 7; the panel read it before agreeing the score.",
    ),
    slip_reason="The moderation meeting moved a week because a panel member was ill.",
)


def _model_yaml() -> str:
    return (SCORING_MATRICES_DIR / "models" / f"{MODEL_NAME}.yaml").read_text(encoding="utf-8")


def set_stage_dates(
    session: Session,
    procurement: Procurement,
    stage: str,
    position: int,
    planned: tuple[date, date],
    actual: tuple[date | None, date | None] = (None, None),
    delay_reason: str | None = None,
) -> StageDates:
    """Update a stage's dates, or create them when the timetable has no row for it yet."""
    row = session.scalar(
        select(StageDates).where(
            StageDates.procurement_id == procurement.id, StageDates.stage == stage
        )
    )
    if row is None:
        row = StageDates(procurement_id=procurement.id, stage=stage, position=position)
        session.add(row)
    row.planned_start, row.planned_end = planned
    row.actual_start, row.actual_end = actual
    row.delay_reason = delay_reason
    return row


def set_milestone(
    session: Session, procurement: Procurement, kind: str, due: datetime, done: datetime | None
) -> Milestone:
    """Update a milestone, or create it."""
    row = session.scalar(
        select(Milestone).where(Milestone.procurement_id == procurement.id, Milestone.kind == kind)
    )
    if row is None:
        row = Milestone(procurement_id=procurement.id, kind=kind)
        session.add(row)
    row.due_at, row.done_at, row.overdue = due, done, False
    return row


@dataclass(frozen=True)
class Timeline:
    """The dates of a history, counted back from today."""

    today: date

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    @property
    def eoi_deadline(self) -> date:
        return self.day(-88)

    @property
    def itt_start(self) -> date:
        return self.day(-84)

    @property
    def tender_deadline(self) -> date:
        return self.day(-50)

    @property
    def moderation(self) -> date:
        return self.day(-22)

    @property
    def approval(self) -> date:
        return self.day(-6)

    @property
    def standstill_start(self) -> date:
        return self.day(-3)


def _timetable(
    session: Session, procurement: Procurement, history: DemoHistory, line: Timeline
) -> None:
    d = line.day
    period = standstill_period(procurement.national_regime, line.standstill_start)
    yarmouth_slip = history is YARMOUTH
    rows = {
        "planning": ((d(-120), d(-106)), (d(-120), d(-106)), None),
        "eoi": ((d(-105), line.eoi_deadline), (d(-105), line.eoi_deadline), None),
        "itt": (
            (line.itt_start, d(-57)),
            (line.itt_start, line.tender_deadline if not yarmouth_slip else d(-57)),
            None if yarmouth_slip else history.slip_reason,
        ),
        "evaluation": (
            (d(-56), d(-30)),
            (d(-49), d(-30)),
            None if yarmouth_slip else "Follows the extended tender deadline.",
        ),
        "moderation": (
            (d(-29), d(-29)),
            (line.moderation, line.moderation) if not yarmouth_slip else (d(-22), d(-22)),
            "Moved to fit the extended evaluation." if not yarmouth_slip else history.slip_reason,
        ),
        "standstill": (
            (line.standstill_start, period.last_day),
            (line.standstill_start, None),
            None,
        ),
        "award": (
            (period.earliest_contract_date, period.earliest_contract_date + timedelta(days=7)),
            (None, None),
            None,
        ),
        "contract": (
            (
                procurement.start_date + timedelta(days=365),
                procurement.start_date + timedelta(days=365),
            ),
            (None, None),
            None,
        ),
    }
    for position, stage in enumerate(procurement.stages):
        if stage in rows:
            planned, actual, reason = rows[stage]
            # The stage ran late only where an actual date falls after the planned one.
            late = any(a is not None and a > p for a, p in zip(actual, planned, strict=True))
            set_stage_dates(
                session, procurement, stage, position, planned, actual, reason if late else None
            )
    set_milestone(
        session, procurement, "eoi-deadline", at(line.eoi_deadline, 12), at(line.eoi_deadline, 12)
    )
    set_milestone(session, procurement, "clarification-deadline", at(d(-60), 17), at(d(-60), 17))
    deadline = at(line.tender_deadline if not yarmouth_slip else d(-57), 12)
    set_milestone(session, procurement, "tender-deadline", deadline, deadline)
    set_milestone(session, procurement, "standstill-end", at(period.last_day, 23, 59), None)


def _plan(
    session: Session, procurement: Procurement, history: DemoHistory, line: Timeline, lead: User
) -> None:
    plan = session.scalar(
        select(ProcurementPlan).where(ProcurementPlan.procurement_id == procurement.id)
    )
    if plan is None:
        plan = ProcurementPlan(procurement_id=procurement.id)
        session.add(plan)
    for name, text in history.plan.items():
        setattr(plan, name, text)
    plan.client_lead = f"Alex Moreton, {history.client_lead}"
    plan.agreed_at = at(line.day(-108))
    plan.updated_by_id = lead.id
    plan.updated_at = at(line.day(-108))


def _panel(
    session: Session,
    procurement: Procurement,
    history: DemoHistory,
    people: dict[str, User],
    line: Timeline,
    bidders: dict[str, Bidder],
) -> dict[str, PanelMember]:
    members = {}
    for email in (*EVALUATORS, MODERATOR):
        member = PanelMember(
            procurement_id=procurement.id,
            user_id=people[email].id,
            role="moderator" if email == MODERATOR else "evaluator",
            confidentiality_signed_at=at(line.day(-52)),
            conflicts_declared_at=at(line.day(-49), 9),
        )
        session.add(member)
        members[email] = member
    session.flush()
    conflicted_email, conflicted_bidder, details = history.conflict
    for email, member in members.items():
        for name, bidder in bidders.items():
            if not bidder.shortlisted:
                continue
            conflicted = email == conflicted_email and name == conflicted_bidder
            session.add(
                ConflictDeclaration(
                    panel_member_id=member.id,
                    bidder_id=bidder.id,
                    conflicted=conflicted,
                    details=details if conflicted else "",
                    declared_at=at(line.day(-49), 9),
                )
            )
        if email != MODERATOR:
            for criterion in CRITERIA:
                session.add(EvaluatorAssignment(panel_member_id=member.id, criterion_id=criterion))
    return members


def _comment(criterion: str, score: int, note: str) -> str:
    text = f"{LEVEL[score].split(':')[0]} on {FOCUS[criterion]}."
    return f"{text} {note}" if note else text


def _evaluate_bid(
    session: Session,
    bid: Bid,
    spec: DemoBid,
    members: dict[str, PanelMember],
    history: DemoHistory,
    line: Timeline,
    people: dict[str, User],
) -> None:
    for gateway in GATEWAYS:
        failed = bool(spec.excluded) and gateway == "PF2"
        session.add(
            PassFailRecord(
                bid_id=bid.id,
                question_id=gateway,
                passed=not failed,
                note=spec.excluded if failed else "",
                recorded_by_id=people[LEAD].id,
                recorded_at=at(line.day(-48)),
            )
        )
    if spec.excluded:
        return
    conflicted_email, conflicted_bidder, _ = history.conflict
    for n, email in enumerate(EVALUATORS):
        if email == conflicted_email and spec.bidder == conflicted_bidder:
            continue
        for index, criterion in enumerate(CRITERIA):
            own = max(1, min(5, spec.agreed[index] + LEANING[n][index]))
            session.add(
                EvaluatorScore(
                    panel_member_id=members[email].id,
                    bid_id=bid.id,
                    criterion_id=criterion,
                    score=Decimal(own),
                    comment=_comment(criterion, own, spec.notes.get(criterion, "")),
                    status="submitted",
                    saved_at=at(line.day(-35)),
                    submitted_at=at(line.day(-30)),
                )
            )
    for index, criterion in enumerate(CRITERIA):
        agreed = spec.agreed[index]
        note = spec.notes.get(criterion, "")
        session.add(
            ConsensusScore(
                bid_id=bid.id,
                criterion_id=criterion,
                score=Decimal(agreed),
                rationale=f"{LEVEL[agreed]} on {FOCUS[criterion]}." + (f" {note}" if note else ""),
                moderator_id=people[MODERATOR].id,
                agreed_at=at(line.moderation, 15),
            )
        )


def _history(session: Session, history: DemoHistory, today: date, people: dict[str, User]) -> bool:
    procurement = session.scalar(
        select(Procurement).where(Procurement.reference == history.reference)
    )
    if procurement is None:
        return False
    if session.scalar(select(Bidder.id).where(Bidder.procurement_id == procurement.id).limit(1)):
        return False
    line = Timeline(today)
    lead = people[LEAD]
    _plan(session, procurement, history, line, lead)
    _timetable(session, procurement, history, line)
    lots = {lot.number: lot for lot in procurement.lots}
    for number, value in history.lot_values.items():
        if number in lots:
            lots[number].annual_value = value
    deadline = at(line.tender_deadline, 12)
    names = dict.fromkeys(spec.bidder for specs in history.lots.values() for spec in specs)
    bidders: dict[str, Bidder] = {}
    for n, name in enumerate([*names, *(b for b, _ in history.not_shortlisted)]):
        refused = dict(history.not_shortlisted).get(name)
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        bidder = Bidder(
            procurement_id=procurement.id,
            name=name,
            contact_name=f"Bids manager, {name}",
            contact_email=f"bids@{slug}.example",
            registered_at=at(line.day(-100 + n), 11),
            selection="failed" if refused else "passed",
            selection_note=refused
            or "Meets the selection criteria: experience, finance and insurance.",
            shortlisted=not refused,
            invited_at=None if refused else at(line.itt_start, 9),
        )
        session.add(bidder)
        bidders[name] = bidder
    session.flush()
    version = EvaluationModelVersion(
        procurement_id=procurement.id,
        version=1,
        source=MODEL_NAME,
        yaml_text=_model_yaml(),
        created_by_id=lead.id,
        created_at=at(line.day(-90)),
        published_at=at(line.itt_start, 9),
        guidance_published_at=at(line.day(-50), 14),
        frozen_at=at(line.tender_deadline, 13),
    )
    session.add(version)
    members = _panel(session, procurement, history, people, line, bidders)
    session.flush()
    years = (procurement.term_years or 1) + procurement.extension_years
    approvals: list[AwardApproval] = []
    for lot_number, specs in history.lots.items():
        for n, spec in enumerate(specs):
            # On time the day before the deadline; the late one seven minutes after it.
            received = (
                deadline + timedelta(minutes=7)
                if spec.late
                else at(line.tender_deadline - timedelta(days=1), 9 + 2 * n, 5 * n)
            )
            bid = Bid(
                procurement_id=procurement.id,
                bidder_id=bidders[spec.bidder].id,
                lot_id=lots[lot_number].id if lot_number is not None else None,
                received_at=received,
                received_by_id=lead.id,
                price=spec.annual_price * years,
                hourly_rate=spec.hourly_rate,
                contact_hours=Decimal("2.5"),
                late=spec.late,
                excluded=bool(spec.excluded),
                exclusion_reason=f"Failed the insurance question (PF2): {spec.excluded}"
                if spec.excluded
                else None,
                opened_at=None if spec.late else deadline + timedelta(hours=1),
                opened_by_id=None if spec.late else lead.id,
            )
            session.add(bid)
            session.flush()
            if not spec.late:
                _evaluate_bid(session, bid, spec, members, history, line, people)
        winner = specs[0].bidder
        approvals.append(
            AwardApproval(
                procurement_id=procurement.id,
                lot_id=lots[lot_number].id if lot_number is not None else None,
                recommended_bidder_id=bidders[winner].id,
                decision="approved",
                decided_on=line.approval,
                minute_reference=f"SPCB minute {line.approval:%Y}/{14 + (lot_number or 0)}",
                notes="Approved as recommended in the tender evaluation report.",
                recorded_by_id=people[COMMISSIONING].id,
                recorded_at=at(line.approval, 16),
            )
        )
    for n, (question, answer, published) in enumerate(history.clarifications, start=1):
        asked = line.day(-80 + 6 * n)
        session.add(
            Clarification(
                procurement_id=procurement.id,
                number=n,
                bidder_id=bidders[next(iter(names))].id if n % 2 else None,
                question=question,
                asked_at=at(asked, 10),
                answer=answer,
                answered_at=at(asked + timedelta(days=2), 15),
                answered_by_id=lead.id,
                published_at=at(asked + timedelta(days=2), 16) if published else None,
            )
        )
    queried, criterion, question, resolution = history.query
    first_bid = session.scalar(
        select(Bid).where(Bid.bidder_id == bidders[queried].id).order_by(Bid.id).limit(1)
    )
    session.add(
        ModerationQuery(
            procurement_id=procurement.id,
            bid_id=first_bid.id if first_bid else None,
            criterion_id=criterion,
            question=question,
            raised_by_id=people[MODERATOR].id,
            raised_at=at(line.day(-26)),
            resolution=resolution,
            resolved_by_id=people[MODERATOR].id,
            resolved_at=at(line.moderation, 14),
        )
    )
    _approve(session, procurement, approvals, line, lead)
    procurement.stage = "standstill"
    session.flush()
    return True


def _approve(
    session: Session,
    procurement: Procurement,
    approvals: list[AwardApproval],
    line: Timeline,
    lead: User,
) -> None:
    """Record that the lead asked for approval once moderation closed, and the body gave it
    for the results as they then stood."""
    from tenderflow.services.timetable.award import results_hash

    session.flush()
    agreed = results_hash(session, procurement)
    request = ApprovalRequest(
        procurement_id=procurement.id,
        results_hash=agreed,
        requested_by_id=lead.id,
        requested_at=at(line.approval - timedelta(days=5), 11),
    )
    session.add(request)
    session.flush()
    for approval in approvals:
        approval.approval_request_id = request.id
        approval.results_hash = agreed
        session.add(approval)


def _early(session: Session, today: date, people: dict[str, User]) -> list[str]:
    """Put the assessment review at EOI and the needs assessment at ITT with sealed bids."""
    done = []
    review = session.scalar(select(Procurement).where(Procurement.reference == "CCC-AT-REVIEW"))
    if review is not None and not session.scalar(
        select(Bidder.id).where(Bidder.procurement_id == review.id).limit(1)
    ):
        # A regulated below-threshold contract under the Act: no shortlisting on suitability,
        # so no EOI. The tender is advertised and open to every supplier who responds.
        set_stage_dates(
            session,
            review,
            "planning",
            0,
            (today - timedelta(days=14), today - timedelta(days=8)),
            (today - timedelta(days=14), today - timedelta(days=8)),
        )
        set_stage_dates(
            session,
            review,
            "itt",
            1,
            (today - timedelta(days=7), today + timedelta(days=14)),
            (today - timedelta(days=7), None),
        )
        set_milestone(session, review, "tender-deadline", at(today + timedelta(days=14), 12), None)
        set_milestone(
            session, review, "clarification-deadline", at(today + timedelta(days=8), 12), None
        )
        for n, name in enumerate(
            ("Fen Edge Research Ltd", "Ouse Consulting LLP", "Cam Valley Evaluation CIC")
        ):
            session.add(
                Bidder(
                    procurement_id=review.id,
                    name=name,
                    contact_email=f"bids{n}@tender.example",
                    registered_at=at(today - timedelta(days=5 - n)),
                    selection="passed",
                    selection_note="Conditions of participation assessed with the tender",
                    shortlisted=True,
                )
            )
        session.add(
            TenderField(
                procurement_id=review.id,
                advertised_at=at(today - timedelta(days=7), 9),
                advert_reference="Contracts Finder and the Central Digital Platform",
                updated_by_id=people[LEAD].id,
                updated_at=at(today - timedelta(days=7), 9),
            )
        )
        review.stage = "itt"
        done.append("CCC-AT-REVIEW at ITT, advertised")
    needs = session.scalar(select(Procurement).where(Procurement.reference == "CCC-NEEDS-2027"))
    if needs is not None and not session.scalar(
        select(Bidder.id).where(Bidder.procurement_id == needs.id).limit(1)
    ):
        set_stage_dates(
            session,
            needs,
            "planning",
            0,
            (today - timedelta(days=14), today - timedelta(days=5)),
            (today - timedelta(days=14), today - timedelta(days=5)),
        )
        # Invited tender, regulated below the threshold: the lead invites the suppliers
        # directly, with no EOI or shortlist.
        set_stage_dates(
            session,
            needs,
            "itt",
            1,
            (today - timedelta(days=5), today + timedelta(days=10)),
            (today - timedelta(days=5), None),
        )
        set_milestone(session, needs, "tender-deadline", at(today + timedelta(days=10), 12), None)
        session.add(
            EvaluationModelVersion(
                procurement_id=needs.id,
                version=1,
                source=MODEL_NAME,
                yaml_text=_model_yaml(),
                created_by_id=people[LEAD].id,
                created_at=at(today - timedelta(days=6)),
                published_at=at(today - timedelta(days=5)),
            )
        )
        for n, name in enumerate(("Granta Social Research Ltd", "Isle of Ely Insight CIC")):
            bidder = Bidder(
                procurement_id=needs.id,
                name=name,
                contact_email=f"tenders{n}@tender.example",
                registered_at=at(today - timedelta(days=8)),
                selection="passed",
                shortlisted=True,
                invited_at=at(today - timedelta(days=5)),
            )
            session.add(bidder)
            session.flush()
            # Received but sealed: no price read and not opened until the deadline has passed.
            session.add(
                Bid(
                    procurement_id=needs.id,
                    bidder_id=bidder.id,
                    received_at=at(today - timedelta(days=1), 9 + n),
                )
            )
        needs.stage = "itt"
        done.append("CCC-NEEDS-2027 at ITT with sealed bids")
    if _half_scored(session, today, people):
        done.append("CCC-USER-SURVEY in evaluation, half scored")
    return done


SURVEY_QUOTES = (
    ("Fenland Voices Research CIC", Decimal("16800"), (4, 3, 4, 3, 3, 4)),
    ("Granta Fieldwork Ltd", Decimal("17950"), (3, 4, 3, 4, 4, 3)),
    ("Ouse Valley Surveys LLP", Decimal("15400"), (3, 3, 3, 3, 2, 3)),
)


def _half_scored(session: Session, today: date, people: dict[str, User]) -> bool:
    """Put the user survey in evaluation: quotes opened, two evaluators done, one halfway."""
    survey = session.scalar(select(Procurement).where(Procurement.reference == "CCC-USER-SURVEY"))
    if survey is None or session.scalar(
        select(Bidder.id).where(Bidder.procurement_id == survey.id).limit(1)
    ):
        return False

    def d(offset: int) -> date:
        return today + timedelta(days=offset)

    set_stage_dates(session, survey, "planning", 0, (d(-14), d(-13)), (d(-14), d(-13)))
    set_stage_dates(session, survey, "itt", 1, (d(-12), d(-5)), (d(-12), d(-5)))
    set_stage_dates(session, survey, "evaluation", 2, (d(-4), d(3)), (d(-4), None))
    set_milestone(session, survey, "tender-deadline", at(d(-5), 12), at(d(-5), 12))
    session.add(
        EvaluationModelVersion(
            procurement_id=survey.id,
            version=1,
            source=MODEL_NAME,
            yaml_text=_model_yaml(),
            created_by_id=people[LEAD].id,
            created_at=at(d(-13)),
            published_at=at(d(-12)),
            guidance_published_at=at(d(-4)),
            frozen_at=at(d(-5), 13),
        )
    )
    members = {}
    for email in EVALUATORS:
        member = PanelMember(
            procurement_id=survey.id,
            user_id=people[email].id,
            role="evaluator",
            confidentiality_signed_at=at(d(-6)),
            conflicts_declared_at=at(d(-4), 9),
        )
        session.add(member)
        members[email] = member
    session.flush()
    for n, (name, price, agreed) in enumerate(SURVEY_QUOTES):
        bidder = Bidder(
            procurement_id=survey.id,
            name=name,
            contact_email=f"quotes{n}@survey.example",
            registered_at=at(d(-12)),
            selection="passed",
            shortlisted=True,
            invited_at=at(d(-12)),
        )
        session.add(bidder)
        session.flush()
        bid = Bid(
            procurement_id=survey.id,
            bidder_id=bidder.id,
            received_at=at(d(-6), 10 + n),
            received_by_id=people[LEAD].id,
            price=price,
            opened_at=at(d(-5), 13),
            opened_by_id=people[LEAD].id,
        )
        session.add(bid)
        session.flush()
        for gateway in GATEWAYS:
            session.add(
                PassFailRecord(
                    bid_id=bid.id,
                    question_id=gateway,
                    passed=True,
                    recorded_by_id=people[LEAD].id,
                    recorded_at=at(d(-4)),
                )
            )
        for e, email in enumerate(EVALUATORS):
            # The first two evaluators have submitted every score; the third is halfway, in draft.
            criteria = CRITERIA if e < 2 else CRITERIA[:3]
            for index, criterion in enumerate(CRITERIA):
                if criterion not in criteria:
                    continue
                own = max(1, min(5, agreed[index] + LEANING[e][index]))
                session.add(
                    EvaluatorScore(
                        panel_member_id=members[email].id,
                        bid_id=bid.id,
                        criterion_id=criterion,
                        score=Decimal(own),
                        comment=_comment(criterion, own, ""),
                        status="submitted" if e < 2 else "draft",
                        saved_at=at(d(-2)),
                        submitted_at=at(d(-1)) if e < 2 else None,
                    )
                )
    survey.stage = "evaluation"
    return True


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Take the far-along demo procurements to standstill and start two others, once."""
    histories = [h.reference for h in (KENT, YARMOUTH) if _history(session, h, today, people)]
    early = _early(session, today, people)
    session.flush()
    if not histories and not early:
        return ""
    parts = [f"{' and '.join(histories)} at standstill"] if histories else []
    return "; ".join(parts + early)


__all__ = ["load", "set_milestone", "set_stage_dates"]
