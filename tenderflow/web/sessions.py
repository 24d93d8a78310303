"""Sessions that end.

The session cookie carries the account's session version from when it began, when it
began, and when it was last used. On each request it is refused when the version has
moved on (sign-out, a disabled account, a role or password change end every session of
that person), when it has been idle too long, or when it is older than the absolute limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app, session
from flask_login import login_user

from tenderflow import clock
from tenderflow.domain.accounts import SessionLimits, session_end_reason
from tenderflow.extensions import db, login_manager
from tenderflow.models import User

VERSION = "_sv"
STARTED = "_started"
SEEN = "_seen"
# Writing the cookie on every request is needless: note activity at most this often.
SEEN_RESOLUTION_SECONDS = 30


def limits() -> SessionLimits:
    """Return the idle and absolute limits from the app's configuration."""
    return SessionLimits(
        idle=timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=float(current_app.config["SESSION_MAX_HOURS"])),
    )


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, UTC)


def start(user: User) -> None:
    """Begin a fresh session for ``user``: nothing from before sign-in is kept."""
    session.clear()
    login_user(user)
    now = clock.wall_now().timestamp()
    session[VERSION] = user.session_version
    session[STARTED] = now
    session[SEEN] = now


def keep_after_own_change(user: User) -> None:
    """Keep this session going after its own user ended their other sessions."""
    session[VERSION] = user.session_version


def load_user(user_id: str) -> User | None:
    """Return the signed-in user for this request, or None when the session has ended."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        user = None
    now = clock.wall_now()
    if (
        user is None
        or not user.active
        or session.get(VERSION) != user.session_version
        or session_end_reason(
            _instant(session.get(STARTED)), _instant(session.get(SEEN)), now, limits()
        )
    ):
        session.clear()
        return None
    seen = session[SEEN]
    if now.timestamp() - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = now.timestamp()
    return user


def init_app(app: Flask) -> None:
    """Use the checked loader for every request."""
    login_manager.user_loader(load_user)
