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
    reach_stage,
    set_milestone,
    set_stage_dates,
)
from tenderflow.domain.standstill import standstill_period
from tenderflow.models import (
    ApprovalRequest,
    AwardApproval,
    Bid,
    Bidder,
    ConflictDeclaration,
    PanelMember,
    Procurement,
    User,
)
from tenderflow.services.bidding import bidders as bidders_service
from tenderflow.services.bidding import bids as bids_service
from tenderflow.services.bidding import clarifications, plans
from tenderflow.services.evaluation import (
    bid_label,
    current_model,
    model_versions,
    moderation,
    panel,
    scoring,
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


def tender_deadline_of(history: DemoHistory, line: Timeline) -> date:
    """The procurement's own tender deadline: extended to day -50 where it was, else day -57."""
    return line.tender_deadline if history.deadline_extended else line.day(-57)


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
    deadline = at(tender_deadline_of(history, line), 12)
    set_milestone(session, procurement, "tender-deadline", deadline, deadline)
    set_milestone(session, procurement, "standstill-end", at(period.last_day, 23, 59), None)


def _plan(
    session: Session, procurement: Procurement, history: DemoHistory, line: Timeline, lead: User
) -> None:
    """The lead writes the plan and agrees it before the EOI."""
    written = at(line.day(-108))
    data = plans.PlanInput(client_lead=f"Alex Moreton, {history.client_lead}", **history.plan)
    plans.save_plan(session, procurement, data, lead, written)
    plans.agree_plan(session, procurement, lead, written)


def _panel(
    session: Session,
    procurement: Procurement,
    history: DemoHistory,
    people: dict[str, User],
    line: Timeline,
    bidders: dict[str, Bidder],
) -> dict[str, PanelMember]:
    """The lead puts the demo evaluators and the moderator on the panel; each signs and declares.

    The declarations are written here rather than through ``panel.declare_conflicts``: every
    member declared for every shortlisted bidder, the late and the excluded among them, a list
    the service's (the bidders with a bid in the evaluation) does not give.
    """
    found = current_model(session, procurement)
    assert found is not None
    members = {}
    for email in (*EVALUATORS, MODERATOR):
        role = "moderator" if email == MODERATOR else "evaluator"
        member = panel.add_member(session, procurement, people[email].id, role)
        if role == "evaluator":
            panel.assign(session, member, found[1], list(CRITERIA))
        panel.sign_confidentiality(member, at(line.day(-52)))
        member.conflicts_declared_at = at(line.day(-49), 9)
        members[email] = member
    session.flush()
    conflicted_email, conflicted_bidder, details = history.conflict
    for email, member in members.items():
        for name, bidder in bidders.items():
            if not bidder.shortlisted:
                continue
            conflicted = email == conflicted_email and name == conflicted_bidder
            member.conflicts.append(
                ConflictDeclaration(
                    bidder_id=bidder.id,
                    conflicted=conflicted,
                    details=details if conflicted else "",
                    declared_at=at(line.day(-49), 9),
                )
            )
    return members


def _bids_as_received(
    session: Session,
    procurement: Procurement,
    history: DemoHistory,
    line: Timeline,
    lead: User,
    bidders: dict[str, Bidder],
) -> list[tuple[DemoBid, Bid]]:
    """Write the bids as received, read and opened, each with its price.

    Written here rather than through ``bids.record_bid`` and ``open_bids``: they were received
    and opened weeks ago, on the days of the procurement's own tender deadline.
    """
    day = tender_deadline_of(history, line)
    deadline = at(day, 12)
    lots = {lot.number: lot for lot in procurement.lots}
    years = (procurement.term_years or 1) + procurement.extension_years
    made = []
    for lot_number, specs in history.lots.items():
        for n, spec in enumerate(specs):
            # On time the day before the deadline; the late one seven minutes after it.
            received = (
                deadline + timedelta(minutes=7)
                if spec.late
                else at(day - timedelta(days=1), 9 + 2 * n, 5 * n)
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
                opened_at=None if spec.late else deadline + timedelta(hours=1),
                opened_by_id=None if spec.late else lead.id,
            )
            session.add(bid)
            made.append((spec, bid))
    session.flush()
    return made


def _evaluate(
    session: Session,
    procurement: Procurement,
    made: list[tuple[DemoBid, Bid]],
    members: dict[str, PanelMember],
    line: Timeline,
    people: dict[str, User],
) -> None:
    """The lead records the gateway results and excludes the bid that failed one; every
    evaluator scores and submits; the moderator agrees the consensus scores."""
    opened = [(spec, bid) for spec, bid in made if not spec.late]
    answers = {
        (bid.id, gateway): ("fail", spec.excluded)
        if spec.excluded and gateway == "PF2"
        else ("pass", "")
        for spec, bid in opened
        for gateway in GATEWAYS
    }
    moderation.record_pass_fail(session, procurement, answers, people[LEAD], at(line.day(-48)))
    for spec, bid in opened:
        if spec.excluded:
            bids_service.exclude_bid(
                session, bid, f"Failed the insurance question (PF2): {spec.excluded}"
            )
    scored = [(spec, bid) for spec, bid in opened if not spec.excluded]
    reach_stage(procurement, "evaluation")
    for n, email in enumerate(EVALUATORS):
        member = members[email]
        conflicted = {c.bidder_id for c in member.conflicts if c.conflicted}
        rows = [
            {
                "bidder": bid_label(bid),
                "criterion": criterion,
                "score": own,
                "comment": comment(criterion, own, spec.notes.get(criterion, "")),
            }
            for spec, bid in scored
            if bid.bidder_id not in conflicted
            for index, criterion in enumerate(CRITERIA)
            for own in [max(1, min(5, spec.agreed[index] + LEANING[n][index]))]
        ]
        scoring.save_scores(session, member, "demo", list(enumerate(rows)), at(line.day(-35)))
        scoring.submit_scores(session, member, at(line.day(-30)))
    reach_stage(procurement, "moderation")
    for spec, bid in scored:
        for index, criterion in enumerate(CRITERIA):
            agreed = spec.agreed[index]
            note = spec.notes.get(criterion, "")
            moderation.record_consensus(
                session,
                procurement,
                bid,
                criterion,
                str(agreed),
                f"{LEVEL[agreed]} on {FOCUS[criterion]}." + (f" {note}" if note else ""),
                people[MODERATOR],
                at(line.moderation, 15),
            )


def _expressions_of_interest(
    session: Session,
    procurement: Procurement,
    history: DemoHistory,
    line: Timeline,
    lead: User,
    names: dict[str, None],
) -> dict[str, Bidder]:
    """Organisations register interest; selection passes all but the not shortlisted, and the
    ITT goes to the shortlist."""
    found: dict[str, Bidder] = {}
    refusals = dict(history.not_shortlisted)
    for n, name in enumerate([*names, *refusals]):
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        registered = at(line.day(-100 + n), 11)
        found[name] = bidders_service.add_bidder(
            session,
            procurement,
            bidders_service.BidderInput(
                name=name,
                contact_name=f"Bids manager, {name}",
                contact_email=f"bids@{slug}.example",
                registered_at=registered,
            ),
            registered,
        )
    for name, bidder in found.items():
        refused = refusals.get(name)
        bidders_service.record_selection(
            session,
            bidder,
            "failed" if refused else "passed",
            refused or "Meets the selection criteria: experience, finance and insurance.",
        )
    invited = at(line.itt_start, 9)
    shortlist = {b.id for name, b in found.items() if name not in refusals}
    bidders_service.set_shortlist(session, procurement, shortlist, "", lead, invited)
    bidders_service.issue_itt(
        session, procurement, advertised=False, advert_reference="", user=lead, now=invited
    )
    return found


def _model(
    session: Session, procurement: Procurement, line: Timeline, lead: User, deadline: date
) -> None:
    """The lead chooses the model, publishes it with the ITT and the guidance to the panel;
    the tender deadline fixes it."""
    model_versions.save_model(
        session, procurement, lead, at(line.day(-90)), source=MODEL_NAME, yaml_text=model_yaml()
    )
    model_versions.publish_model(session, procurement, at(line.itt_start, 9))
    model_versions.publish_guidance(session, procurement, at(line.day(-50), 14))
    model_versions.freeze_model(session, procurement, at(deadline, 13))


def take_to_standstill(
    session: Session, history: DemoHistory, today: date, people: dict[str, User]
) -> bool:
    """Take the procurement to standstill, once (not when it has bidders already)."""
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
    # Each lot's budget: no use case sets it (a lot is created with its title only).
    for number, value in history.lot_values.items():
        if number in lots:
            lots[number].annual_value = value
    names = dict.fromkeys(spec.bidder for specs in history.lots.values() for spec in specs)
    bidders = _expressions_of_interest(session, procurement, history, line, lead, names)
    _model(session, procurement, line, lead, tender_deadline_of(history, line))
    members = _panel(session, procurement, history, people, line, bidders)
    session.flush()
    made = _bids_as_received(session, procurement, history, line, lead, bidders)
    _evaluate(session, procurement, made, members, line, people)
    approvals: list[AwardApproval] = []
    for lot_number, specs in history.lots.items():
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
        item = clarifications.log_question(
            session,
            procurement,
            bidder=bidders[next(iter(names))] if n % 2 else None,
            question=question,
            asked_at=at(asked, 10),
            now=at(asked, 10),
        )
        answered = asked + timedelta(days=2)
        clarifications.answer(session, item, answer, lead, at(answered, 15))
        if published:
            clarifications.publish(session, item, at(answered, 16))
    queried, criterion, question, resolution = history.query
    first_bid = session.scalar(
        select(Bid).where(Bid.bidder_id == bidders[queried].id).order_by(Bid.id).limit(1)
    )
    moderator = people[MODERATOR]
    query = moderation.raise_query(
        session,
        procurement,
        question,
        moderator,
        at(line.day(-26)),
        bid=first_bid,
        criterion_id=criterion,
    )
    moderation.resolve_query(query, resolution, moderator, at(line.moderation, 14))
    _approve(session, procurement, approvals, line, lead)
    reach_stage(procurement, "standstill")
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
    for the results as they then stood.

    Written here rather than through ``award.request_approval`` and ``record_approval``: the
    request would queue emails to the commissioning body's members today about a decision it
    made a week ago.
    """
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
