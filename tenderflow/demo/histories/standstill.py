"""Taking a demonstration tender to standstill, with the full record a user's work leaves.

A plan, a timetable planned against actual (one stage slipped, with its reason), expressions
of interest and a shortlist, bids (one late, one excluded), a published and frozen evaluation
model, a panel of the demo evaluators with their declarations (one conflict), every
evaluator's submitted scores with comments, pass/fail results, consensus scores with
rationales, a resolved moderation query, clarifications and the commissioning body's approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.demo.histories.common import (
    COMMISSIONING,
    CRITERIA,
    EVALUATORS,
    FOCUS,
    GATEWAYS,
    LEAD,
    LEANING,
    LEVEL,
    MODEL_NAME,
    MODERATOR,
    at,
    comment,
    model_yaml,
    set_milestone,
    set_stage_dates,
)
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
    ModerationQuery,
    PanelMember,
    PassFailRecord,
    Procurement,
    ProcurementPlan,
    User,
)


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
    # The tender deadline was extended (the ITT slipped); otherwise the moderation meeting moved.
    deadline_extended: bool = True


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
    moderation_slipped = not history.deadline_extended
    rows = {
        "planning": ((d(-120), d(-106)), (d(-120), d(-106)), None),
        "eoi": ((d(-105), line.eoi_deadline), (d(-105), line.eoi_deadline), None),
        "itt": (
            (line.itt_start, d(-57)),
            (line.itt_start, line.tender_deadline if not moderation_slipped else d(-57)),
            None if moderation_slipped else history.slip_reason,
        ),
        "evaluation": (
            (d(-56), d(-30)),
            (d(-49), d(-30)),
            None if moderation_slipped else "Follows the extended tender deadline.",
        ),
        "moderation": (
            (d(-29), d(-29)),
            (line.moderation, line.moderation) if not moderation_slipped else (d(-22), d(-22)),
            "Moved to fit the extended evaluation."
            if not moderation_slipped
            else history.slip_reason,
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
    deadline = at(line.tender_deadline if not moderation_slipped else d(-57), 12)
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
                    comment=comment(criterion, own, spec.notes.get(criterion, "")),
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


def take_to_standstill(
    session: Session, history: DemoHistory, today: date, people: dict[str, User]
) -> bool:
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
        yaml_text=model_yaml(),
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
