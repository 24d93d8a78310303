"""Working days across the UK's four nations."""

from __future__ import annotations

from datetime import date

import pytest

from tenderflow.domain import calendar as calendar_module
from tenderflow.domain.calendar import UK_REGIONS, WorkingDayCalendar

UK = WorkingDayCalendar(UK_REGIONS)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 10, 3), "Saturday"),
        (date(2026, 10, 4), "Sunday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday (England, Northern Ireland, Wales)"),
        (date(2026, 11, 30), "Saint Andrew's Day (Scotland)"),
        (date(2026, 3, 17), "Saint Patrick's Day (Northern Ireland)"),
        (date(2026, 1, 2), "New Year Holiday (Scotland)"),
        (date(2027, 1, 4), "New Year Holiday (observed) (Scotland)"),
        (date(2026, 8, 3), "Summer Bank Holiday (Scotland)"),
        (date(2026, 8, 31), "Late Summer Bank Holiday (England, Northern Ireland, Wales)"),
    ],
)
def test_a_non_working_day_is_explained_with_the_regions_it_applies_in(
    day: date, reason: str
) -> None:
    assert UK.non_working_reason(day) == reason
    assert not UK.is_working_day(day)


def test_an_ordinary_weekday_is_a_working_day_with_no_reason() -> None:
    assert UK.is_working_day(date(2026, 10, 7))
    assert UK.non_working_reason(date(2026, 10, 7)) is None


def test_a_scottish_bank_holiday_is_a_working_day_in_an_england_only_calendar() -> None:
    england = WorkingDayCalendar(["ENG"])
    assert england.is_working_day(date(2026, 11, 30))
    assert not england.is_working_day(date(2026, 4, 6))


def test_easter_monday_is_a_working_day_in_scotland_but_not_in_a_calendar_with_england() -> None:
    assert WorkingDayCalendar(["SCT"]).is_working_day(date(2026, 4, 6))
    assert not WorkingDayCalendar(["SCT", "ENG"]).is_working_day(date(2026, 4, 6))


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown UK region 'GB'"):
        WorkingDayCalendar(["ENG", "GB"])


def test_a_calendar_needs_at_least_one_region() -> None:
    with pytest.raises(ValueError, match="none given"):
        WorkingDayCalendar([])


def test_the_next_working_day_of_a_working_day_is_itself() -> None:
    assert UK.next_working_day(date(2026, 10, 7)) == date(2026, 10, 7)


def test_the_next_working_day_after_christmas_2026_is_the_twenty_ninth() -> None:
    assert UK.next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


def test_adding_working_days_skips_weekends_and_bank_holidays() -> None:
    assert UK.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 12)
    assert UK.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert UK.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)


def test_adding_zero_working_days_leaves_the_date_alone() -> None:
    assert UK.add_working_days(date(2026, 10, 10), 0) == date(2026, 10, 10)


def test_adding_negative_working_days_counts_backwards() -> None:
    assert UK.add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)


def test_working_days_between_counts_after_the_start_up_to_and_including_the_end() -> None:
    assert UK.working_days_between(date(2026, 10, 5), date(2026, 10, 12)) == 5
    assert UK.working_days_between(date(2026, 10, 12), date(2026, 10, 5)) == -5
    assert UK.working_days_between(date(2026, 10, 5), date(2026, 10, 5)) == 0


def test_working_days_between_undoes_adding_working_days() -> None:
    start = date(2026, 12, 18)
    assert UK.working_days_between(start, UK.add_working_days(start, 7)) == 7


def test_bank_holidays_are_looked_up_once_per_region_per_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []
    real = calendar_module._region_holidays

    def counting(region: str, year: int) -> dict[date, list[str]]:
        calls.append((region, year))
        return real(region, year)

    monkeypatch.setattr(calendar_module, "_region_holidays", counting)
    fresh = WorkingDayCalendar(UK_REGIONS)
    for day in (date(2026, 1, 1), date(2026, 6, 1), date(2026, 12, 25), date(2027, 1, 1)):
        fresh.is_working_day(day)
    assert sorted(calls) == sorted(
        [(r, 2026) for r in UK_REGIONS] + [(r, 2027) for r in UK_REGIONS]
    )
