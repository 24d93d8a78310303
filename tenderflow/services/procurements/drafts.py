"""A new procurement between its form and its check page, kept per person on the server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tenderflow.models import ProcurementDraft, User
from tenderflow.services.procurements import ProcurementInput


def keep_draft(session: Session, user: User, data: ProcurementInput, now: datetime) -> None:
    """Keep the person's draft, replacing any earlier one."""
    draft = session.scalar(select(ProcurementDraft).where(ProcurementDraft.user_id == user.id))
    if draft is None:
        draft = ProcurementDraft(user_id=user.id)
        session.add(draft)
    draft.data = data.to_json()
    draft.updated_at = now
    session.flush()


def draft_of(session: Session, user: User) -> ProcurementInput | None:
    """Return the person's draft, if they have one."""
    data = session.scalar(select(ProcurementDraft.data).where(ProcurementDraft.user_id == user.id))
    return ProcurementInput.from_json(data) if data else None


def discard_draft(session: Session, user: User) -> None:
    """Forget the person's draft (once the procurement is created)."""
    session.execute(delete(ProcurementDraft).where(ProcurementDraft.user_id == user.id))
    session.flush()
