"""Minimum participation and tendering periods: which of a regime's cases applies.

A regime lists its cases (see ``PeriodCase`` in :mod:`tenderflow.domain.rule_sets`); the facts
of a procurement bring some of them into play, and the shortest of those is the minimum. A
prior notice (the Act's planned procurement notice, PCR 2015's prior information notice) counts
only when it was published inside the case's window before the tender notice.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tenderflow.domain.rule_sets import NoticeWindow, PeriodCase


@dataclass(frozen=True)
class PeriodFacts:
    """What decides a procurement's minimum periods."""

    tender_notice: date
    prior_notice: date | None = None
    urgency: bool = False
    paper_tenders: bool = False


@dataclass(frozen=True)
class PeriodChoice:
    """The case chosen, its minimum in days and the condition that brings it into play."""

    code: str
    days: int
    condition: str


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` earlier, or that month's last day if it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_problem(window: NoticeWindow, published: date, tender_notice: date) -> str | None:
    """Say why a prior notice published on ``published`` does not qualify, or None if it does."""
    gap = (tender_notice - published).days
    if gap < window.at_least_days_before:
        return (
            f"it was published {gap} days before the tender notice, fewer than "
            f"{window.at_least_days_before}"
        )
    if published < months_before(tender_notice, window.at_most_months_before):
        return (
            f"it was published more than {window.at_most_months_before} months before the "
            "tender notice"
        )
    return None


def choose(cases: Sequence[PeriodCase], facts: PeriodFacts) -> PeriodChoice:
    """Return the shortest case whose condition holds; on a tie, the one listed first."""
    applicable: list[PeriodCase] = []
    refused: list[str] = []
    for case in cases:
        if case.when == "prior-notice":
            if facts.prior_notice is None or case.window is None:
                continue
            problem = window_problem(case.window, facts.prior_notice, facts.tender_notice)
            if problem is None:
                applicable.append(case)
            else:
                published = facts.prior_notice.isoformat()
                refused.append(f"the prior notice of {published} does not count: {problem}")
        elif case.when == "urgency":
            if facts.urgency:
                applicable.append(case)
        elif case.when == "electronic":
            if not facts.paper_tenders:
                applicable.append(case)
        else:
            applicable.append(case)
    chosen = min(applicable, key=lambda case: case.days)
    condition = "; ".join([chosen.condition, *refused])
    return PeriodChoice(chosen.code, chosen.days, condition)
