"""The one place the application reads the time.

Services and domain rules take dates as parameters; entry points (views, commands,
flows) call ``today()`` or ``now()`` here and pass the result in. ``FROZEN_NOW`` in the
app's config, or ``TENDERFLOW_NOW`` in the environment (an ISO date or date-time),
fixes the clock for tests and demonstrations.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
NOW_ENV = "TENDERFLOW_NOW"


def _frozen() -> tuple[str, str] | None:
    # Only consult Flask when it is already loaded: the command line works without it.
    if "flask" in sys.modules:
        from flask import current_app, has_app_context

        if has_app_context() and current_app.config.get("FROZEN_NOW"):
            return "FROZEN_NOW", str(current_app.config["FROZEN_NOW"])
    value = os.environ.get(NOW_ENV, "").strip()
    return (NOW_ENV, value) if value else None


def parse_instant(text: str, source: str = NOW_ENV) -> datetime:
    """Read an ISO date or date-time as an aware UTC instant (a bare date means noon in the UK)."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(12, 0), LONDON).astimezone(UTC)
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{source} must be a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM), not {text!r}"
        ) from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=LONDON)
    return instant.astimezone(UTC)


def now() -> datetime:
    """Return the current instant, aware, in UTC."""
    frozen = _frozen()
    return parse_instant(frozen[1], frozen[0]) if frozen else datetime.now(UTC)


def today() -> date:
    """Return today's date in the UK."""
    return now().astimezone(LONDON).date()


def local(instant: datetime) -> datetime:
    """Return an instant in UK local time, for display."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(LONDON)


def wall_now() -> datetime:
    """Return the real current instant, never frozen.

    Security timings (sessions' idle and absolute limits, sign-in throttling, one-time
    links, two-factor codes) and liveness (the worker's heartbeat) measure time that really
    passes: a demonstration's fixed
    date must not keep a session or a lockout alive for ever, nor break authenticator codes.
    """
    return datetime.now(UTC)
