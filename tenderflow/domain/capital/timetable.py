"""A bid round's dates: reminders before the deadline, closing, and pipeline reviews.

Dates are passed in. A round accepts submissions up to the end of its deadline day and closes
on the day after. Pipeline schemes come up at the next of the matrix's review dates (at least
two a year) after their decision or last review.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


def is_open_for_submissions(deadline: date, today: date) -> bool:
    """Say whether a scheme may still be submitted on ``today`` (the deadline day included)."""
    return today <= deadline


def deadline_passed(deadline: date, today: date) -> bool:
    """Say whether the round should close: the deadline day has ended."""
    return today > deadline


def reminder_due(deadline: date, today: date, days_before: Sequence[int]) -> int | None:
    """Return the reminder due on ``today``, as days before the deadline, or None.

    The due reminder is the latest one whose day has come, so a round that was not looked at
    for a while sends one reminder, not every one it missed.
    """
    if deadline_passed(deadline, today):
        return None
    due = [days for days in days_before if (deadline - today).days <= days]
    return min(due) if due else None


def next_review(after: date, reviews: Sequence[tuple[int, int]]) -> date:
    """Return the first pipeline review date strictly after ``after``."""
    if not reviews:
        raise ValueError("there are no pipeline review dates")
    candidates = [
        date(year, month, day) for year in (after.year, after.year + 1) for month, day in reviews
    ]
    return min(d for d in candidates if d > after)


def review_due(next_review_on: date | None, today: date) -> bool:
    """Say whether a pipeline scheme is due for review."""
    return next_review_on is not None and next_review_on <= today
