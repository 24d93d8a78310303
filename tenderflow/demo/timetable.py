"""Demonstration timetable: a procurement moved on early, and the deadline watcher's messages.

Every demo procurement is planned when it is created. Here the needs assessment has moved into
its next stage ahead of plan (if nothing else has moved it), and the deadline checks
run once, so leads find their reminders and overdue notices under Messages.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.timetable import stage_label
from tenderflow.models import Transition
from tenderflow.services import procurements
from tenderflow.services import timetable as timetable_service
from tenderflow.services.timetable import deadlines

MOVED_EARLY = "CCC-NEEDS-2027"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), clock.LONDON).astimezone(clock.UTC)


def load(session: Session, today: date, people: dict[str, Any]) -> str:
    """Move one procurement on and run the deadline checks once; return what was done."""
    note = ""
    procurement = procurements.get_by_reference(session, MOVED_EARLY)
    untouched = procurement is not None and (
        procurement.stage == "planning"
        and session.scalar(select(Transition.id).where(Transition.procurement_id == procurement.id))
        is None
    )
    if procurement is not None and untouched:
        to_stage = procurement.stages[1]
        moved_on = max(procurement.start_date, today - timedelta(days=5))
        session.add(
            Transition(
                procurement_id=procurement.id,
                from_stage="planning",
                to_stage=to_stage,
                status="applied",
                unmet=[],
                requested_by_id=procurement.lead_id,
                requested_at=_at(moved_on),
                decided_at=_at(moved_on),
            )
        )
        timetable_service.record_move(
            session, procurement, "planning", to_stage, moved_on, _at(moved_on)
        )
        procurement.stage = to_stage
        note = f"{MOVED_EARLY} moved into {stage_label(to_stage).lower()}"
    now = clock.now()
    deadlines.mark_overdue_stages(session, today, now)
    deadlines.mark_overdue_milestones(session, now)
    deadlines.remind_upcoming(session, now)
    session.flush()
    return note
