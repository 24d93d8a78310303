"""Who gets email: whether email is set up at all, each person's choices, and so whether a new
message is queued for email or kept in the app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain import messages as rules
from tenderflow.models import EmailPreference, User


def email_enabled(env: Mapping[str, str] = os.environ) -> bool:
    """Say whether email is configured at all (its details are checked when sending)."""
    return bool(
        env.get("TENDERFLOW_SMTP_HOST", "").strip()
        or env.get("TENDERFLOW_NOTIFY_API_KEY", "").strip()
    )


def turned_off(session: Session, user: User) -> set[str]:
    """Return the categories of message ``user`` has chosen not to get by email."""
    return set(
        session.scalars(select(EmailPreference.category).where(EmailPreference.user_id == user.id))
    )


def choose_email(session: Session, user: User, wanted: set[str], now: datetime) -> None:
    """Keep ``user``'s choice: email for the categories in ``wanted``, none for the others."""
    unknown = wanted - set(rules.CATEGORY_CODES)
    if unknown:
        raise ValueError(f"unknown categories: {sorted(unknown)}")
    off = set(rules.CATEGORY_CODES) - wanted
    for row in session.scalars(select(EmailPreference).where(EmailPreference.user_id == user.id)):
        if row.category not in off:
            session.delete(row)
        off.discard(row.category)
    for category in sorted(off):
        session.add(EmailPreference(user_id=user.id, category=category, updated_at=now))
    session.flush()


def initial_status(session: Session, recipient: User | None, kind: str) -> str:
    """Return a new message's delivery status: queued for email, or kept in the app."""
    if recipient is None or not recipient.email or not email_enabled():
        return rules.IN_APP
    if not recipient.active and rules.category_of(kind) != rules.SECURITY:
        return rules.IN_APP
    return rules.QUEUED if rules.wants_email(kind, turned_off(session, recipient)) else rules.IN_APP
