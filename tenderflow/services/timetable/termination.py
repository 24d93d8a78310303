"""Terminating a procurement: it stops where it is, with its reason, and is started again anew.

This is the way out when the evaluation method must change after the tender deadline
(Procurement Act 2023, ss.24 and 31): the method is never changed under bidders' feet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.domain.timetable import stage_label
from tenderflow.models import Procurement, User
from tenderflow.services import ServiceError, probity
from tenderflow.services.email import outbox

# Once the award is made a contract exists: ending it is contract management, not this.
AFTER_AWARD = frozenset({"award", "contract"})


def terminate(
    session: Session, procurement: Procurement, reason: str, user: User, now: datetime
) -> Procurement:
    """Stop the procurement for ``reason``; nothing moves it on afterwards."""
    attempt = "terminate the procurement"
    probity.refuse_if_terminated(session, procurement, attempt, "reason")
    if procurement.stage in AFTER_AWARD:
        probity.refuse(
            session,
            procurement,
            attempt,
            f"The contract has been awarded ({stage_label(procurement.stage)}): it can no longer "
            "be terminated here",
            field="reason",
        )
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the procurement is terminated"})
    procurement.terminated_at = now
    procurement.termination_reason = reason.strip()
    procurement.terminated_by_id = user.id
    audit.record(
        session,
        "terminated",
        "procurements",
        procurement.id,
        f"Terminated at {stage_label(procurement.stage)}: {reason.strip()}"[:500],
        procurement_id=procurement.id,
    )
    if procurement.lead is not None and procurement.lead.id != user.id:
        outbox.queue_message(
            session,
            key=f"terminated:{procurement.id}",
            kind="procurement-terminated",
            recipient=procurement.lead,
            subject=f"{procurement.reference} is terminated",
            body=f"{procurement.title} was terminated: {reason.strip()}",
            now=now,
            procurement_id=procurement.id,
        )
    session.flush()
    return procurement
