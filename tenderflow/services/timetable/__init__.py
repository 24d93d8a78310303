"""A procurement's timetable: plan it at creation, edit planned dates, record actual ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import audit, clock
from tenderflow.domain import probity as probity_rules
from tenderflow.domain import regulations
from tenderflow.domain import timetable as rules_
from tenderflow.models import Milestone, Procurement, StageDates, TransparencyNotice, User
from tenderflow.services import ServiceError, probity
from tenderflow.services.concurrency import check_fingerprint, versions_of
from tenderflow.services.request_memo import rows_once

# Deadlines for bidders fall at noon on their day; the standstill runs to the end of its last day.
DEADLINE_TIME = time(12, 0)


def rules_for(procurement: Procurement) -> rules_.Rules:
    """Return the timetable rules for a procurement, from its route decision and rule set."""
    decision = procurement.decision or {}
    rule_set = regulations.load_rule_set(procurement.rule_set)
    durations = getattr(rule_set, "timetable", None)
    if durations is None:
        # A national regime named directly has no local durations: use the first orders' own.
        durations = regulations.standing_orders()[0].timetable
    regime = regulations.load_rule_set(procurement.national_regime)
    return rules_.rules_from(
        procurement.route,
        decision,
        procurement.stages,
        durations,
        regime.title,
        procurement.term_years,
    )


def stage_dates(procurement: Procurement, session: Session) -> list[StageDates]:
    """Return the procurement's stages in order."""
    return rows_once(
        session,
        ("stage dates", procurement.id),
        select(StageDates)
        .where(StageDates.procurement_id == procurement.id)
        .order_by(StageDates.position),
    )


def milestones(session: Session, procurement: Procurement) -> list[Milestone]:
    """Return the procurement's milestones, soonest first."""
    return list(
        session.scalars(
            select(Milestone)
            .where(Milestone.procurement_id == procurement.id)
            .order_by(Milestone.due_at)
        )
    )


def due_at(kind: str, day: date) -> datetime:
    """Return the instant a milestone falls due on ``day``."""
    if kind == "standstill-end":
        end = datetime.combine(day + timedelta(days=1), time(0, 0), clock.LONDON)
    else:
        end = datetime.combine(day, DEADLINE_TIME, clock.LONDON)
    return end.astimezone(clock.UTC)


def plan_procurement(session: Session, procurement: Procurement) -> list[StageDates]:
    """Create the proposed timetable and milestones for a new procurement."""
    rules = rules_for(procurement)
    planned = rules_.propose(rules, procurement.start_date)
    rows = [
        StageDates(
            procurement_id=procurement.id,
            stage=entry.stage,
            position=position,
            planned_start=entry.start,
            planned_end=entry.end,
        )
        for position, entry in enumerate(planned)
    ]
    session.add_all(rows)
    for milestone in rules_.milestones(planned):
        session.add(
            Milestone(
                procurement_id=procurement.id,
                kind=milestone.kind,
                due_at=due_at(milestone.kind, milestone.due),
            )
        )
    created = clock.local(procurement.created_at).date()
    if rows and procurement.stage == rows[0].stage and procurement.start_date <= created:
        # The procurement began on its start date; one starting later begins when it moves on.
        rows[0].actual_start = procurement.start_date
    session.flush()
    return rows


def _planned(rows: list[StageDates]) -> list[rules_.PlannedStage]:
    return [rules_.PlannedStage(r.stage, r.planned_start, r.planned_end) for r in rows]


def plan_version(session: Session, procurement: Procurement) -> str:
    """Return one text that changes whenever any stage's dates change."""
    return versions_of(stage_dates(procurement, session))


def edit_planned(
    session: Session,
    procurement: Procurement,
    stage: str,
    start: date,
    end: date,
    *,
    opened: str | None = None,
) -> list[StageDates]:
    """Change a stage's planned dates; later stages follow. Raise ServiceError naming each rule broken.

    Ended stages are history, and once the invitation to tender is issued the tender deadline
    is fixed: such an attempt is refused and audited (:func:`extend_tender_deadline` is the
    only way to move the deadline then).

    ``opened`` is ``plan_version`` when the form was opened: a plan changed since is refused
    (ChangedMeanwhile), so one person's re-planning never silently undoes another's.
    """
    rows = stage_dates(procurement, session)
    check_fingerprint(session, opened, rows, "The timetable")
    route_stages = [row.stage for row in rows]
    issued = probity_rules.itt_issued(route_stages, procurement.stage)
    row = row_for(session, procurement, stage)

    def check(moves_tender_deadline: bool) -> None:
        problem = probity_rules.replan_problem(
            route_stages,
            procurement.stage,
            stage,
            ended=row.actual_end is not None,
            itt_issued=issued,
            moves_tender_deadline=moves_tender_deadline,
        )
        if problem is not None:
            probity.refuse(
                session,
                procurement,
                f"re-plan {rules_.stage_label(stage)} to {start.isoformat()} - {end.isoformat()}",
                problem,
                field="start",
                entity="stage_dates",
                entity_id=row.id,
            )

    # Only the ITT's own end is the tender deadline: earlier stages have ended by then, and
    # later ones start from it.
    check(moves_tender_deadline=stage == "itt" and end != row.planned_end)
    try:
        replanned = rules_.replan(rules_for(procurement), _planned(rows), stage, start, end)
    except rules_.TimetableError as exc:
        raise ServiceError("The planned dates were not changed", exc.errors) from exc
    for stage_row, entry in zip(rows, replanned, strict=True):
        stage_row.planned_start, stage_row.planned_end = entry.start, entry.end
    _follow_milestones(session, procurement, replanned, keep_itt=issued)
    session.flush()
    return rows


def _follow_milestones(
    session: Session,
    procurement: Procurement,
    replanned: tuple[rules_.PlannedStage, ...],
    *,
    keep_itt: bool,
) -> None:
    for milestone_row in milestones(session, procurement):
        if milestone_row.done_at is not None:
            continue
        if keep_itt and rules_.MILESTONE_STAGES.get(milestone_row.kind) == "itt":
            continue  # fixed once the ITT is issued
        for planned in rules_.milestones(replanned):
            if planned.kind == milestone_row.kind:
                milestone_row.due_at = due_at(planned.kind, planned.due)
                milestone_row.overdue = False


def extend_tender_deadline(
    session: Session,
    procurement: Procurement,
    new_day: date,
    reason: str,
    user: User,
    now: datetime,
) -> Milestone:
    """Extend the tender deadline to noon on ``new_day``, before it passes, with a reason.

    The ITT's planned end and later stages follow; the extension is audited and published to
    every bidder as a clarification. Bad input raises ServiceError; an extension after the
    deadline, or outside the ITT, is refused and audited.
    """
    from tenderflow.services.bidding import bids as bid_service
    from tenderflow.services.bidding import clarifications

    deadline = session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == "tender-deadline"
        )
    )
    attempt = f"extend the tender deadline to {new_day.isoformat()}"
    probity.refuse_if_terminated(session, procurement, attempt, "new_deadline")
    if procurement.stage != "itt" or deadline is None:
        probity.refuse(
            session,
            procurement,
            attempt,
            "The tender deadline can only be extended while the invitation to tender is out",
            field="new_deadline",
        )
    current = clock_utc(deadline.due_at)
    current_text = bid_service.deadline_text(current) or ""
    if now > current:
        probity.refuse(
            session,
            procurement,
            attempt,
            f"The tender deadline passed on {current_text}: it can no longer be extended",
            field="new_deadline",
        )
    errors: dict[str, str] = {}
    new_at = due_at("tender-deadline", new_day)
    if new_at <= current:
        errors["new_deadline"] = f"The new tender deadline must be after {current_text}"
    if not reason.strip():
        errors["reason"] = "Enter why the tender deadline is extended"
    if errors:
        raise ServiceError("The tender deadline was not extended", errors)
    rows = stage_dates(procurement, session)
    itt = next(row for row in rows if row.stage == "itt")
    try:
        replanned = rules_.replan(
            rules_for(procurement), _planned(rows), "itt", itt.planned_start, new_day
        )
    except rules_.TimetableError as exc:
        raise ServiceError(
            "The tender deadline was not extended",
            {"new_deadline": next(iter(exc.errors.values()))},
        ) from exc
    for row, entry in zip(rows, replanned, strict=True):
        row.planned_start, row.planned_end = entry.start, entry.end
    new_text = bid_service.deadline_text(new_at) or ""
    deadline.due_at, deadline.overdue = new_at, False
    audit.record(
        session,
        "extended",
        "milestones",
        deadline.id,
        f"Tender deadline extended from {current_text} to {new_text}: {reason.strip()}"[:500],
        procurement_id=procurement.id,
    )
    question, answer = probity_rules.extension_notice(current_text, new_text, reason)
    notice = clarifications.log_question(
        session, procurement, bidder=None, question=question, asked_at=now, now=now
    )
    clarifications.answer(session, notice, answer, user, now)
    clarifications.publish(session, notice, now)
    session.flush()
    return deadline


def clock_utc(instant: datetime) -> datetime:
    """Return an instant as aware UTC (SQLite gives back naive UTC)."""
    return instant.replace(tzinfo=clock.UTC) if instant.tzinfo is None else instant


def row_for(session: Session, procurement: Procurement, stage: str) -> StageDates:
    """Return one stage's dates; raise ServiceError if the procurement has no such stage."""
    row = session.scalar(
        select(StageDates).where(
            StageDates.procurement_id == procurement.id, StageDates.stage == stage
        )
    )
    if row is None:
        raise ServiceError(f"{rules_.stage_label(stage)} is not a stage of this procurement")
    return row


def record_delay_reason(
    session: Session, procurement: Procurement, stage: str, reason: str
) -> StageDates:
    """Keep why a stage slipped past its planned dates."""
    row = row_for(session, procurement, stage)
    text = reason.strip()
    if not text:
        raise ServiceError("No reason given", {"reason": "Enter why the stage is late"})
    row.delay_reason = text
    session.flush()
    return row


def needs_delay_reason(row: StageDates) -> bool:
    """Say whether a stage has slipped and nobody has said why yet."""
    return not row.delay_reason and rules_.is_late(
        row.planned_start, row.planned_end, row.actual_start, row.actual_end
    )


def late_on(session: Session, procurement: Procurement, to_stage: str, day: date) -> list[str]:
    """Return the stages that would be late if ``procurement`` moved into ``to_stage`` on ``day``."""
    late = []
    for row in stage_dates(procurement, session):
        if row.stage == procurement.stage and day > row.planned_end and not row.delay_reason:
            late.append(row.stage)
        if row.stage == to_stage and day > row.planned_start and not row.delay_reason:
            late.append(row.stage)
    return late


def record_move(
    session: Session,
    procurement: Procurement,
    from_stage: str,
    to_stage: str,
    day: date,
    now: datetime,
    delay_reason: str | None = None,
) -> None:
    """Record the actual dates of a move: the stage left ends, the stage entered starts."""
    rows = {row.stage: row for row in stage_dates(procurement, session)}
    left, entered = rows.get(from_stage), rows.get(to_stage)
    if left is not None:
        left.actual_start = left.actual_start or day
        left.actual_end = left.actual_end or day
    if entered is not None:
        entered.actual_start = day
    for row in (left, entered):
        if row is not None and delay_reason and needs_delay_reason(row):
            row.delay_reason = delay_reason.strip()
    for milestone in milestones(session, procurement):
        if rules_.MILESTONE_STAGES.get(milestone.kind) == from_stage and milestone.done_at is None:
            milestone.done_at = now
    session.flush()


@dataclass(frozen=True)
class TimetableRow:
    stage: str
    label: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    delay_reason: str | None
    late: bool
    needs_reason: bool
    current: bool

    def to_json(self) -> dict[str, Any]:
        """Return the six keys the command line prints, with ISO dates or null."""
        return {
            "stage": self.stage,
            "planned_start": self.planned_start.isoformat(),
            "planned_end": self.planned_end.isoformat(),
            "actual_start": self.actual_start.isoformat() if self.actual_start else None,
            "actual_end": self.actual_end.isoformat() if self.actual_end else None,
            "delay_reason": self.delay_reason,
        }


def timetable(session: Session, procurement: Procurement) -> list[TimetableRow]:
    """Return every stage with its planned and actual dates."""
    return [
        TimetableRow(
            stage=row.stage,
            label=rules_.stage_label(row.stage),
            planned_start=row.planned_start,
            planned_end=row.planned_end,
            actual_start=row.actual_start,
            actual_end=row.actual_end,
            delay_reason=row.delay_reason,
            late=rules_.is_late(
                row.planned_start, row.planned_end, row.actual_start, row.actual_end
            ),
            needs_reason=needs_delay_reason(row),
            current=row.stage == procurement.stage,
        )
        for row in stage_dates(procurement, session)
    ]


def chart(rows: list[TimetableRow], today: date) -> dict[str, Any]:
    """Return the planned-against-actual chart's rows and axis, up to the contract's start.

    The contract runs for years; drawn to scale it would squeeze every other stage to a sliver.
    """
    rows = [r for r in rows if r.stage != "contract"]
    if not rows:
        return {"rows": [], "first": None, "last": None}
    laid_out, first, last = rules_.chart(
        [(r.stage, r.planned_start, r.planned_end, r.actual_start, r.actual_end) for r in rows],
        today,
    )
    return {"rows": laid_out, "first": first, "last": last}


def standstill_counts_from(session: Session, procurement: Procurement, started: date) -> date:
    """Return the day the standstill counts from: the contract award notice's publication.

    The standstill stage cannot begin before the UK6 is recorded as published (see
    ``notices.gates``), so where one is recorded the period runs from its day; otherwise (a
    procurement that needs none) from the day the stage began.
    """
    published = session.scalar(
        select(TransparencyNotice.published_on).where(
            TransparencyNotice.procurement_id == procurement.id,
            TransparencyNotice.notice_type == "UK6",
        )
    )
    return published or started
