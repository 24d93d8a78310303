"""Watching deadlines: standstills that have run their course, overdue milestones and stages.

Every step can run again without repeating itself: each message has a unique key and each
record changes once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.dates import long_date
from tenderflow.domain.standstill import standstill_period
from tenderflow.domain.timetable import MILESTONE_LABELS, MILESTONE_STAGES, stage_label
from tenderflow.models import Milestone, Procurement, StageDates
from tenderflow.services import notices, timetable
from tenderflow.services.email import outbox

# Remind the lead this many days before a milestone falls due.
REMINDER_DAYS = 3


def end_standstills(session: Session, today: date, now: datetime) -> list[str]:
    """Record the end of every standstill that has run its course; return the references."""
    ended = []
    rows = session.execute(
        select(Procurement, StageDates)
        .join(StageDates, StageDates.procurement_id == Procurement.id)
        .where(
            Procurement.stage == "standstill",
            StageDates.stage == "standstill",
            StageDates.actual_start.is_not(None),
            StageDates.actual_end.is_(None),
        )
    ).all()
    for procurement, row in rows:
        started = row.actual_start
        if started is None:
            continue
        period = standstill_period(
            procurement.national_regime,
            timetable.standstill_counts_from(session, procurement, started),
        )
        if today <= period.last_day:
            continue
        row.actual_end = period.earliest_contract_date
        milestone = session.scalar(
            select(Milestone).where(
                Milestone.procurement_id == procurement.id, Milestone.kind == "standstill-end"
            )
        )
        if milestone is not None and milestone.done_at is None:
            milestone.done_at = now
        outbox.queue_message(
            session,
            key=f"standstill-ended:{procurement.id}:{started.isoformat()}",
            kind="standstill-ended",
            recipient=procurement.lead,
            subject=f"{procurement.reference}: the standstill has ended",
            body=(
                f"The standstill for {procurement.title} ended at the end of "
                f"{long_date(period.last_day)}. The award may proceed if no challenge is open."
            ),
            now=now,
            procurement_id=procurement.id,
        )
        ended.append(procurement.reference)
    session.flush()
    return ended


def _milestones_open(session: Session) -> list[tuple[Milestone, Procurement]]:
    return [
        (m, p)
        for m, p in session.execute(
            select(Milestone, Procurement)
            .join(Procurement, Procurement.id == Milestone.procurement_id)
            .where(Milestone.done_at.is_(None))
        ).all()
        if _stage_not_left(p, MILESTONE_STAGES.get(m.kind))
    ]


def _stage_not_left(procurement: Procurement, stage: str | None) -> bool:
    stages = procurement.stages
    if stage not in stages or procurement.stage not in stages:
        return False
    return stages.index(procurement.stage) <= stages.index(stage)


def mark_overdue_milestones(session: Session, now: datetime) -> int:
    """Mark milestones past their time whose stage is not yet left, telling the lead; return how many."""
    marked = 0
    for milestone, procurement in _milestones_open(session):
        if milestone.overdue or clock_utc(milestone.due_at) > now:
            continue
        if milestone.kind == "standstill-end":
            continue  # ended by end_standstills, not overdue
        milestone.overdue = True
        name = MILESTONE_LABELS.get(milestone.kind, milestone.kind)
        stage = MILESTONE_STAGES.get(milestone.kind, "")
        outbox.queue_message(
            session,
            key=f"milestone-passed:{milestone.id}:{milestone.due_at.isoformat()}",
            kind="milestone-passed",
            recipient=procurement.lead,
            subject=f"{procurement.reference}: {name.lower()} has passed",
            body=(
                f"The {name.lower()} for {procurement.title} was {clock_local_text(milestone.due_at)}. "
                f"Move on from {stage_label(stage)} when its gate is met, or record why it is late."
            ),
            now=now,
            procurement_id=procurement.id,
        )
        marked += 1
    session.flush()
    return marked


def remind_upcoming(session: Session, now: datetime) -> int:
    """Remind leads of milestones falling due within a few days; return how many reminders."""
    sent = 0
    soon = now + timedelta(days=REMINDER_DAYS)
    for milestone, procurement in _milestones_open(session):
        due = clock_utc(milestone.due_at)
        if not now < due <= soon:
            continue
        name = MILESTONE_LABELS.get(milestone.kind, milestone.kind)
        message = outbox.queue_message(
            session,
            key=f"milestone-due:{milestone.id}:{milestone.due_at.isoformat()}",
            kind="milestone-reminder",
            recipient=procurement.lead,
            subject=f"Reminder: {procurement.reference} {name.lower()} is {clock_local_text(due)}",
            body=f"The {name.lower()} for {procurement.title} is {clock_local_text(due)}.",
            now=now,
            procurement_id=procurement.id,
        )
        sent += message is not None
    return sent


def mark_overdue_stages(session: Session, today: date, now: datetime) -> int:
    """Tell the lead once when the current stage runs past its planned end; return how many."""
    marked = 0
    rows = session.execute(
        select(Procurement, StageDates)
        .join(StageDates, StageDates.procurement_id == Procurement.id)
        .where(
            StageDates.stage == Procurement.stage,
            StageDates.actual_end.is_(None),
            StageDates.overdue_notified_on.is_(None),
            StageDates.planned_end < today,
        )
    ).all()
    for procurement, row in rows:
        if procurement.stage == "contract":
            continue  # the contract runs its term; contract management watches it
        row.overdue_notified_on = today
        outbox.queue_message(
            session,
            key=f"stage-overdue:{row.id}:{row.planned_end.isoformat()}",
            kind="stage-overdue",
            recipient=procurement.lead,
            subject=f"{procurement.reference}: {stage_label(row.stage)} is overdue",
            body=(
                f"{stage_label(row.stage)} for {procurement.title} was planned to end on "
                f"{long_date(row.planned_end)}. Move on when its gate is met, and record why it is late."
            ),
            now=now,
            procurement_id=procurement.id,
        )
        marked += 1
    session.flush()
    return marked


def clock_utc(instant: datetime) -> datetime:
    """Return an instant as aware UTC (SQLite gives back naive UTC)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=clock.UTC)
    return instant.astimezone(clock.UTC)


def clock_local_text(instant: datetime) -> str:
    """Say an instant in UK time: "at 12:00 on 3 March 2027"."""
    local = clock.local(instant)
    if local.hour == 0 and local.minute == 0:
        return f"at the end of {long_date(local.date() - timedelta(days=1))}"
    return f"at {local:%H:%M} on {long_date(local.date())}"


# Remind the lead this many days before a contract details notice falls due.
NOTICE_REMINDER_DAYS = 7


def chase_contract_details_notices(session: Session, today: date, now: datetime) -> dict[str, int]:
    """Remind leads of a contract details notice (UK7) coming due, and mark those overdue.

    Each notice is reminded once and marked overdue once (its ``reminded_on`` and
    ``overdue_since``), each with a keyed message, so running again changes nothing.
    """
    from tenderflow.models import Contract, TransparencyNotice

    reminded = overdue = 0
    with_contracts = select(Contract.procurement_id).distinct()
    for procurement in session.scalars(
        select(Procurement).where(Procurement.id.in_(with_contracts)).order_by(Procurement.id)
    ):
        found = {n.notice_type: n for n in notices.notices_of(session, procurement, today)}
        uk7 = found.get("UK7")
        if uk7 is None or uk7.due is None or uk7.published_on is not None:
            continue
        if uk7.status == "if-needed":
            continue
        row = notices.records(session, procurement).get("UK7")
        if row is None:
            row = TransparencyNotice(procurement_id=procurement.id, notice_type="UK7")
            session.add(row)
        if today > uk7.due and row.overdue_since is None:
            row.overdue_since = today
            overdue += 1
            _tell_about_notice(
                session,
                procurement,
                "overdue",
                uk7.due,
                now,
                f"The contract details notice (UK7) for {procurement.title} was due by "
                f"{long_date(uk7.due)} ({uk7.when}). Publish it on Find a Tender",
            )
        elif today >= uk7.due - timedelta(days=NOTICE_REMINDER_DAYS) and row.reminded_on is None:
            row.reminded_on = today
            reminded += 1
            _tell_about_notice(
                session,
                procurement,
                "due",
                uk7.due,
                now,
                f"Publish the contract details notice (UK7) for {procurement.title} on Find "
                f"a Tender by {long_date(uk7.due)} ({uk7.when})",
            )
    session.flush()
    return {"reminded": reminded, "overdue": overdue}


def _tell_about_notice(
    session: Session, procurement: Procurement, what: str, due: date, now: datetime, ask: str
) -> None:
    outbox.queue_message(
        session,
        key=f"notice-{what}:{procurement.id}:UK7:{due.isoformat()}",
        kind=f"notice-{what}",
        recipient=procurement.lead,
        subject=f"{procurement.reference}: the contract details notice is {what}",
        body=f"{ask}, then record its notice ID and date on the Notices page.",
        now=now,
        procurement_id=procurement.id,
        link=f"/procurements/{procurement.reference}/notices",
    )
