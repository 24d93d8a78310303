"""Mandatory standstill periods: when the contract may be entered into after an award."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from tenderflow.domain.calendar import WorkingDayCalendar
from tenderflow.domain.regulations import (
    NationalRegime,
    RouteInputError,
    RuleLibrary,
    RuleSetError,
    default_library,
)


@dataclass(frozen=True)
class ExcludedDay:
    """A day left out of (or added to) the standstill count, and why."""

    date: date
    name: str

    def to_dict(self) -> dict[str, str]:
        """Return JSON-ready values."""
        return {"date": self.date.isoformat(), "name": self.name}


@dataclass(frozen=True)
class StandstillPeriod:
    """A computed standstill: its last day and the first day the contract may be entered into."""

    regime: str
    start: date
    days: int
    last_day: date
    earliest_contract_date: date
    excluded_days: tuple[ExcludedDay, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values with ISO dates."""
        return {
            "regime": self.regime,
            "from": self.start.isoformat(),
            "last_day": self.last_day.isoformat(),
            "earliest_contract_date": self.earliest_contract_date.isoformat(),
            "excluded_days": [day.to_dict() for day in self.excluded_days],
        }


@lru_cache(maxsize=8)
def _calendar(regions: tuple[str, ...]) -> WorkingDayCalendar:
    # Shared so each year's bank holidays are worked out once per set of regions.
    return WorkingDayCalendar(regions)


def standstill_period(
    regime_name: str, start: date, library: RuleLibrary | None = None, case: str | None = None
) -> StandstillPeriod:
    """Compute the standstill under ``regime_name`` triggered on ``start``.

    ``start`` is the day of the trigger: the contract award notice's publication (Procurement
    Act 2023) or the day the award decision is sent (PCR 2015). ``case`` names one of the
    regime's alternative standstills, such as PCR 2015's 15 days for a decision not sent
    electronically.
    """
    regime = (library or default_library()).get(regime_name)
    if not isinstance(regime, NationalRegime):
        raise RuleSetError(f"{regime_name!r} is a set of standing orders, not a national regime")
    rule = regime.standstill
    days = rule.days
    if case is not None:
        alternative = rule.alternative(case)
        if alternative is None:
            known = ", ".join(alt.code for alt in rule.alternatives) or "none"
            raise RouteInputError(
                f"{regime.title} has no standstill for the case {case!r} (its cases: {known})"
            )
        days = alternative.days
    calendar = _calendar(regime.regions)
    one_day = timedelta(days=1)
    day = start if rule.counting == "beginning-with-trigger-day" else start + one_day
    excluded: list[ExcludedDay] = []

    if rule.kind == "working":
        # Every non-working day met on the way is skipped and reported.
        counted = 0
        while True:
            reason = calendar.non_working_reason(day)
            if reason is None:
                counted += 1
                if counted == days:
                    break
            else:
                excluded.append(ExcludedDay(day, reason))
            day += one_day
    else:
        day += timedelta(days=days - 1)
        if rule.extend_to_working_day:
            # Only the non-working days that push the end back are reported.
            while (reason := calendar.non_working_reason(day)) is not None:
                excluded.append(ExcludedDay(day, reason))
                day += one_day

    return StandstillPeriod(
        regime=regime.name,
        start=start,
        days=days,
        last_day=day,
        earliest_contract_date=day + one_day,
        excluded_days=tuple(excluded),
    )
