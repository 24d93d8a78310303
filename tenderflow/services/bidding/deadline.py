"""The tender deadline: the timetable milestone after which bids are opened and the method is fixed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import Milestone, Procurement

TENDER_DEADLINE = "tender-deadline"


def tender_deadline(session: Session, procurement: Procurement) -> datetime | None:
    """Return the tender deadline milestone's time, if the timetable has one."""
    return session.scalar(
        select(Milestone.due_at).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == TENDER_DEADLINE
        )
    )
