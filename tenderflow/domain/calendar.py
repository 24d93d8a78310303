"""Working days in the UK: weekends and bank holidays, from the ``holidays`` package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import holidays

REGION_NAMES: dict[str, str] = {
    "ENG": "England",
    "NIR": "Northern Ireland",
    "SCT": "Scotland",
    "WLS": "Wales",
}
UK_REGIONS: tuple[str, ...] = tuple(REGION_NAMES)


class WorkingDayCalendar:
    """Days that are not weekends or bank holidays in any of the given UK regions."""

    def __init__(self, regions: Sequence[str]) -> None:
        if isinstance(regions, str):
            regions = [regions]
        unknown = [code for code in regions if code not in REGION_NAMES]
        if unknown or not regions:
            raise ValueError(
                f"unknown UK region {', '.join(map(repr, unknown)) or '(none given)'}: "
                f"use {', '.join(UK_REGIONS)}"
            )
        self.regions: tuple[str, ...] = tuple(dict.fromkeys(regions))
        self._reasons_by_year: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({list(self.regions)!r})"

    def _bank_holidays(self, year: int) -> dict[date, str]:
        """Map each bank holiday in ``year`` (in any of our regions) to its display name."""
        cached = self._reasons_by_year.get(year)
        if cached is not None:
            return cached
        # Every UK region is consulted, even ones not in this calendar, so a name can say
        # where it applies when it is not UK-wide.
        regions_by_day_and_name: dict[date, dict[str, list[str]]] = {}
        for region in UK_REGIONS:
            for day, names in _region_holidays(region, year).items():
                for name in names:
                    by_name = regions_by_day_and_name.setdefault(day, {})
                    by_name.setdefault(name, []).append(region)
        reasons: dict[date, str] = {}
        for day, by_name in sorted(regions_by_day_and_name.items()):
            labels = [
                _label(name, where)
                for name, where in by_name.items()
                if any(region in self.regions for region in where)
            ]
            if labels:
                reasons[day] = "; ".join(labels)
        self._reasons_by_year[year] = reasons
        return reasons

    def non_working_reason(self, day: date) -> str | None:
        """Say why ``day`` is not a working day (bank holiday name, Saturday, Sunday), or None."""
        holiday = self._bank_holidays(day.year).get(day)
        if holiday is not None:
            return holiday
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        return None

    def is_working_day(self, day: date) -> bool:
        """Return True unless ``day`` is a weekend or a bank holiday in any of our regions."""
        return self.non_working_reason(day) is None

    def next_working_day(self, day: date) -> date:
        """Return ``day`` if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """Return the date ``count`` working days after ``day`` (before it when negative)."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count working days after ``start`` up to and including ``end`` (negative if reversed)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def _region_holidays(region: str, year: int) -> dict[date, list[str]]:
    """Bank holidays (with observed substitutes) in one region for one year."""
    table = holidays.country_holidays("GB", subdiv=region, years=year)
    return {day: table.get_list(day) for day in table}


def _label(name: str, regions: Sequence[str]) -> str:
    """Name a holiday, adding where it applies unless it applies across the UK."""
    if set(regions) >= set(UK_REGIONS):
        return name
    return f"{name} ({', '.join(REGION_NAMES[region] for region in regions)})"
