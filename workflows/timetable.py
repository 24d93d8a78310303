"""Stage transitions and the deadline watcher.

``stage-transition/apply`` runs one requested move: check the gates, apply it (or refuse it
listing every unmet condition) and send the follow-up messages. A transition already decided
is never applied again, so a retried or twice-submitted run changes nothing the second time,
and its follow-up messages have unique keys: a run taking over from one whose worker died
applies the move once and sends each message once.

``deadline-watcher/watch`` runs every quarter of an hour: it ends standstills that have run
their course, marks overdue milestones and stages, and reminds leads of deadlines coming up.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.services import gates
from tenderflow.services.timetable import deadlines, transitions
from tenderflow.services.unit_of_work import unit_of_work
from workflows.faults import pause_point
from workflows.runtime import app_context, tracked


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 10])
def check_gates(transition_id: int, now: datetime) -> list[str]:
    """Return every unmet condition for the move (only reads)."""
    with unit_of_work(db.session):
        return gates.check_transition(db.session, transition_id, now)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 10])
def apply_transition(transition_id: int, unmet: list[str], now: datetime) -> str:
    """Apply the move once, or refuse it; return the transition's status."""
    with unit_of_work(db.session):
        return transitions.apply(db.session, transition_id, unmet, now)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 10])
def follow_up(transition_id: int, now: datetime) -> int:
    """Queue the messages that tell people how the move ended; return how many."""
    with unit_of_work(db.session):
        return transitions.follow_up(db.session, transition_id, now)


@flow(name="stage-transition", log_prints=True)
def run_transition(transition_id: int, request_id: int | None = None) -> dict[str, Any]:
    """Move a procurement to its next stage if every gate holds."""
    with app_context("stage transition workflow"), tracked(request_id) as outcome:
        now = clock.now()
        try:
            unmet = check_gates(transition_id, now)
            pause_point("stage-transition:after-gates")
            status = apply_transition(transition_id, unmet, now)
        except Exception as exc:
            with unit_of_work(db.session):
                transitions.mark_failed(
                    db.session, transition_id, f"{type(exc).__name__}: {exc}", now
                )
            raise
        outcome["transition"] = transition_id
        outcome["status"] = status
        transition = transitions.get(db.session, transition_id)
        outcome["unmet"] = list(transition.unmet or [])
        outcome["messages"] = follow_up(transition_id, now)
    return outcome


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def end_standstills(today: date, now: datetime) -> list[str]:
    """Record the end of standstills that have run their course; return the references."""
    with unit_of_work(db.session):
        return deadlines.end_standstills(db.session, today, now)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def mark_overdue(today: date, now: datetime) -> dict[str, int]:
    """Mark overdue milestones and stages, telling each lead once."""
    with unit_of_work(db.session):
        return {
            "milestones": deadlines.mark_overdue_milestones(db.session, now),
            "stages": deadlines.mark_overdue_stages(db.session, today, now),
        }


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def send_reminders(now: datetime) -> int:
    """Remind leads of milestones coming up; return how many reminders were queued."""
    with unit_of_work(db.session):
        return deadlines.remind_upcoming(db.session, now)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def chase_notices(today: date, now: datetime) -> dict[str, int]:
    """Remind leads of contract details notices coming due and mark the overdue ones."""
    with unit_of_work(db.session):
        return deadlines.chase_contract_details_notices(db.session, today, now)


@flow(name="deadline-watcher", log_prints=True)
def watch_deadlines(request_id: int | None = None, now: str | None = None) -> dict[str, Any]:
    """End standstills, mark what is overdue and remind people (scheduled every 15 minutes)."""
    with app_context("deadline watcher"), tracked(request_id) as outcome:
        instant = clock.parse_instant(now, "now") if now else clock.now()
        today = clock.local(instant).date()
        outcome["standstills_ended"] = end_standstills(today, instant)
        outcome["overdue"] = mark_overdue(today, instant)
        outcome["reminders"] = send_reminders(instant)
        outcome["notices"] = chase_notices(today, instant)
    return outcome
