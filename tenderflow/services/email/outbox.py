"""Messages the app sends people: reminders and notices, kept in the outbox and shown in the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.roles import Role
from tenderflow.models import OutboxMessage, User
from tenderflow.services.email.preferences import initial_status


def queue_message(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: User | None,
    subject: str,
    body: str,
    now: datetime,
    procurement_id: int | None = None,
    link: str | None = None,
    email: str | None = None,
) -> OutboxMessage | None:
    """Queue a message unless one with the same key was queued before; return the new one.

    It shows in the app under Messages and, when email is on and the person wants this kind
    by email, waits for the delivery workflow (``tenderflow.services.email.delivery``).
    """

    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return None
    message = OutboxMessage(
        key=key[:160],
        kind=kind,
        recipient=recipient,
        recipient_email=email or (recipient.email if recipient else ""),
        subject=subject[:300],
        body=body,
        created_at=now,
        procurement_id=procurement_id,
        link=link,
        delivery_status=initial_status(session, recipient, kind),
    )
    session.add(message)
    session.flush()
    return message


def messages_for(session: Session, user: User, limit: int = 200) -> list[OutboxMessage]:
    """Return the messages ``user`` may see, newest first: their own, or all for administrators."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if not user.has_role(Role.ADMIN):
        query = query.where(OutboxMessage.recipient_id == user.id)
    return list(session.scalars(query))


def unread_count(session: Session, user: User) -> int:
    """Count the user's own unread messages."""
    return len(
        list(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None)
                )
            )
        )
    )


def mark_read(session: Session, message: OutboxMessage, user: User, now: datetime) -> bool:
    """Mark the user's own message read; return False if it is not theirs."""
    if message.recipient_id != user.id:
        return False
    message.read_at = message.read_at or now
    session.flush()
    return True
