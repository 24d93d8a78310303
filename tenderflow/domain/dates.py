"""How dates and times are written for people, the GOV.UK way: "2 March 2026".

Every page, message, notice and document writes dates with these. They only format: the
date or instant is passed in (see ``tenderflow.clock`` for reading the time).
"""

from __future__ import annotations

from datetime import date, datetime

from tenderflow.clock import local


def long_date(day: date) -> str:
    """Write a date in full: "2 March 2026" (a date-time is written as its own date)."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """Write a date with its month shortened, for a table cell: "2 Mar 2026"."""
    return f"{day.day} {day:%b %Y}"


def long_date_time(instant: datetime) -> str:
    """Write an instant in UK time: "4 June 2026 at 2:05pm" (a naive instant is UTC)."""
    moment = local(instant)
    hour = moment.hour % 12 or 12
    return f"{long_date(moment)} at {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"
