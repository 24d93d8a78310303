"""One-time links to set a password: invitations to new people, and password resets.

A link carries a random token; only its SHA-256 is stored. It works once, until it
expires, and only while the account is active. Issuing a new link for someone makes
their earlier unused links stop working. The link goes out as a message through the
outbox (tenderflow/services/email/outbox.py), from which email delivery will send it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.accounts import password_problem
from tenderflow.models import AccountLink, User
from tenderflow.services import ServiceError
from tenderflow.services.email import outbox

INVITATION = "invitation"
RESET = "reset"
MESSAGE_KIND = "account-link"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(
    session: Session,
    user: User,
    purpose: str,
    *,
    by: User | None,
    now: datetime,
    lifetime: timedelta,
    link_for: Callable[[str], str],
) -> str:
    """Create a link for ``user``, queue the message carrying it, and return the link."""
    if purpose not in (INVITATION, RESET):
        raise ValueError(f"unknown account link purpose {purpose!r}")
    if not user.active:
        raise ServiceError("The account is disabled", {"user": "Enable the account first"})
    for earlier in session.scalars(
        select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    ):
        earlier.used_at = now
    token = secrets.token_urlsafe(32)
    record = AccountLink(
        user_id=user.id,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + lifetime,
        created_by_id=by.id if by else None,
    )
    session.add(record)
    session.flush()
    link = link_for(token)
    hours = int(lifetime.total_seconds() // 3600)
    if purpose == INVITATION:
        subject = "You have been invited to tenderflow"
        body = (
            f"{user.name}, you have been given an account on tenderflow.\n\n"
            f"Set your password here: {link}\n\n"
            f"The link works once and expires in {hours} hours."
        )
    else:
        subject = "Reset your tenderflow password"
        body = (
            f"{user.name}, a password reset was asked for on your tenderflow account.\n\n"
            f"Choose a new password here: {link}\n\n"
            f"The link works once and expires in {hours} hours. If you did not expect this, "
            "tell your administrator."
        )
    outbox.queue_message(
        session,
        key=f"account-link:{record.id}",
        kind=MESSAGE_KIND,
        recipient=user,
        subject=subject,
        body=body,
        now=now,
    )
    return link


def find_usable(session: Session, token: str, now: datetime) -> AccountLink | None:
    """Return the link for a token while it can still be used, or None."""
    record = session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if record is None or record.used_at is not None or record.expires_at <= now:
        return None
    if not record.user.active:
        return None
    return record


def use(
    session: Session, record: AccountLink, password: str, confirmation: str, now: datetime
) -> User:
    """Set the password through a link, which then stops working; end the person's sessions."""
    user = record.user
    problem = password_problem(password, user.email)
    errors = {}
    if problem:
        errors["new_password"] = problem
    elif password != confirmation:
        errors["confirm_password"] = "The passwords you entered do not match"
    if errors:
        raise ServiceError("Your password was not set", errors)
    user.set_password(password)
    user.password_set_at = now
    user.end_sessions()
    record.used_at = now
    session.flush()
    return user
