"""Dates and times as people read them: the one way every page, message and paper writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tenderflow.domain.dates import long_date, long_date_time, short_date


def test_a_date_is_written_in_full_without_a_leading_zero() -> None:
    assert long_date(date(2026, 3, 2)) == "2 March 2026"
    assert long_date(date(2027, 12, 31)) == "31 December 2027"


def test_a_date_for_a_table_cell_has_its_month_shortened() -> None:
    assert short_date(date(2026, 3, 2)) == "2 Mar 2026"


def test_times_read_as_the_pages_show_them_in_uk_time() -> None:
    assert long_date_time(datetime(2026, 6, 15, 9, 0, tzinfo=UTC)) == "15 June 2026 at 10:00am"
    assert long_date_time(datetime(2026, 12, 7, 13, 5, tzinfo=UTC)) == "7 December 2026 at 1:05pm"


def test_midnight_and_noon_are_twelve_oclock() -> None:
    assert long_date_time(datetime(2026, 1, 5, 0, 0, tzinfo=UTC)) == "5 January 2026 at 12:00am"
    assert long_date_time(datetime(2026, 1, 5, 12, 30, tzinfo=UTC)) == "5 January 2026 at 12:30pm"


def test_an_instant_late_in_the_evening_in_summer_falls_on_the_next_uk_day() -> None:
    assert long_date_time(datetime(2026, 6, 14, 23, 30, tzinfo=UTC)) == "15 June 2026 at 12:30am"
