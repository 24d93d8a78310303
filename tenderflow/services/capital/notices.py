"""Messages to district officers about a round, queued in the capital-bid outbox.

Notices wait in ``capital_notices`` with a unique key, so a workflow that runs again queues
nothing twice. Each also goes to the officer's messages (and by email, when email is on).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.roles import Role
from tenderflow.models import CapitalNotice, CapitalRound, District, User, UserRole
from tenderflow.services.email import outbox


def queue_notice(
    session: Session,
    *,
    key: str,
    round_: CapitalRound,
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    now: datetime,
) -> CapitalNotice | None:
    """Queue a notice unless one with the same key was queued before; return the new one."""
    if session.scalar(select(CapitalNotice.id).where(CapitalNotice.key == key)) is not None:
        return None
    notice = CapitalNotice(
        key=key,
        round_id=round_.id,
        district_id=recipient.district_id,
        recipient_id=recipient.id,
        email=recipient.email,
        kind=kind,
        subject=subject,
        body=body,
        created_at=now,
    )
    # The officer reads it under Messages and, when email is on, gets it by email.
    notice.message = outbox.queue_message(
        session,
        key=f"capital-notice:{key}",
        kind=f"capital-{kind}",
        recipient=recipient,
        subject=subject,
        body=body,
        now=now,
        link="/capital/schemes",
    )
    session.add(notice)
    session.flush()
    return notice


def district_officers(session: Session, county: str) -> dict[District, list[User]]:
    """Return the active district council officers of each district in a county."""
    people = session.scalars(
        select(User)
        .join(UserRole)
        .join(District, User.district_id == District.id)
        .where(
            UserRole.role == Role.DISTRICT_OFFICER.value,
            User.active.is_(True),
            District.county == county,
        )
        .order_by(District.name, User.name)
    )
    found: dict[District, list[User]] = defaultdict(list)
    for person in people:
        found[person.district].append(person)
    return dict(found)


def notices_for(session: Session, round_: CapitalRound) -> list[CapitalNotice]:
    """Return a round's notices, newest first."""
    return list(
        session.scalars(
            select(CapitalNotice)
            .where(CapitalNotice.round_id == round_.id)
            .order_by(CapitalNotice.id.desc())
        )
    )


def mark_sent(notice: CapitalNotice, now: datetime) -> None:
    """Record that a notice has been sent."""
    notice.sent_at = notice.sent_at or now
