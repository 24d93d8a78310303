"""Standstill periods worked out by hand against the 2026 and 2027 UK bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenderflow.domain import rule_sets
from tenderflow.domain.regulations import RouteInputError, RuleLibrary, RuleSetError
from tenderflow.domain.standstill import ExcludedDay, StandstillPeriod, standstill_period

PA = "procurement-act-2023"
PCR = "pcr-2015"


@pytest.fixture(scope="module")
def library() -> RuleLibrary:
    return RuleLibrary(rule_sets.REPO_ROOT / "rule_sets")


def excluded(period: StandstillPeriod) -> list[tuple[str, str]]:
    return [(day.date.isoformat(), day.name) for day in period.excluded_days]


# --- Procurement Act 2023: 8 working days beginning with the day of publication --------------


def test_eight_working_days_over_christmas_2026_end_on_new_years_eve(library: RuleLibrary) -> None:
    # Fri 18 (1), Mon 21-Thu 24 (2-5), Tue 29-Thu 31 (6-8).
    period = standstill_period(PA, date(2026, 12, 18), library)
    assert period.last_day == date(2026, 12, 31)
    assert period.earliest_contract_date == date(2027, 1, 1)
    assert excluded(period) == [
        ("2026-12-19", "Saturday"),
        ("2026-12-20", "Sunday"),
        ("2026-12-25", "Christmas Day"),
        ("2026-12-26", "Boxing Day"),
        ("2026-12-27", "Sunday"),
        ("2026-12-28", "Boxing Day (observed)"),
    ]


def test_the_day_of_publication_counts_as_the_first_working_day(library: RuleLibrary) -> None:
    # Wed 7 to Fri 9 (1-3), Mon 12 to Fri 16 (4-8).
    period = standstill_period(PA, date(2026, 10, 7), library)
    assert period.last_day == date(2026, 10, 16)
    assert excluded(period) == [("2026-10-10", "Saturday"), ("2026-10-11", "Sunday")]


def test_publication_on_a_saturday_starts_counting_on_monday(library: RuleLibrary) -> None:
    # Mon 5 to Fri 9 (1-5), Mon 12 to Wed 14 (6-8).
    period = standstill_period(PA, date(2026, 10, 3), library)
    assert period.last_day == date(2026, 10, 14)
    assert excluded(period) == [
        ("2026-10-03", "Saturday"),
        ("2026-10-04", "Sunday"),
        ("2026-10-10", "Saturday"),
        ("2026-10-11", "Sunday"),
    ]


def test_saint_patricks_day_is_excluded_because_it_is_a_holiday_in_northern_ireland(
    library: RuleLibrary,
) -> None:
    # From Sat 7 March: Mon 9-Fri 13 (1-5), Mon 16 (6), Tue 17 skipped, Wed 18 (7), Thu 19 (8).
    period = standstill_period(PA, date(2026, 3, 7), library)
    assert period.last_day == date(2026, 3, 19)
    assert ("2026-03-17", "Saint Patrick's Day (Northern Ireland)") in excluded(period)


def test_easter_monday_counts_as_a_holiday_even_though_scotland_works(
    library: RuleLibrary,
) -> None:
    # Thu 2 April (1), Tue 7-Fri 10 (2-5), Mon 13-Wed 15 (6-8).
    period = standstill_period(PA, date(2026, 4, 2), library)
    assert period.last_day == date(2026, 4, 15)
    assert excluded(period) == [
        ("2026-04-03", "Good Friday"),
        ("2026-04-04", "Saturday"),
        ("2026-04-05", "Sunday"),
        ("2026-04-06", "Easter Monday (England, Northern Ireland, Wales)"),
        ("2026-04-11", "Saturday"),
        ("2026-04-12", "Sunday"),
    ]


def test_saint_andrews_day_is_excluded_though_only_scotland_has_it(library: RuleLibrary) -> None:
    # Thu 26 (1), Fri 27 (2), Mon 30 skipped, Tue 1-Fri 4 December (3-6), Mon 7 (7), Tue 8 (8).
    period = standstill_period(PA, date(2026, 11, 26), library)
    assert period.last_day == date(2026, 12, 8)
    assert ("2026-11-30", "Saint Andrew's Day (Scotland)") in excluded(period)


def test_scotlands_new_year_holidays_lengthen_a_standstill_over_new_year(
    library: RuleLibrary,
) -> None:
    # Thu 31 Dec (1); 1-4 Jan skipped; Tue 5-Fri 8 (2-5); Mon 11-Wed 13 (6-8).
    period = standstill_period(PA, date(2026, 12, 31), library)
    assert period.last_day == date(2027, 1, 13)
    assert excluded(period)[:4] == [
        ("2027-01-01", "New Year's Day"),
        ("2027-01-02", "New Year Holiday (Scotland)"),
        ("2027-01-03", "Sunday"),
        ("2027-01-04", "New Year Holiday (observed) (Scotland)"),
    ]


# --- PCR 2015: 10 calendar days, extended to the next working day ---------------------------


def test_a_pcr_standstill_ending_on_a_working_day_is_ten_days_later(library: RuleLibrary) -> None:
    period = standstill_period(PCR, date(2026, 10, 5), library)
    assert period.last_day == date(2026, 10, 15)
    assert period.excluded_days == ()


def test_a_pcr_standstill_ending_on_a_saturday_runs_to_monday(library: RuleLibrary) -> None:
    period = standstill_period(PCR, date(2026, 10, 7), library)
    assert period.last_day == date(2026, 10, 19)
    assert excluded(period) == [("2026-10-17", "Saturday"), ("2026-10-18", "Sunday")]


def test_a_pcr_standstill_ending_on_a_sunday_runs_to_monday(library: RuleLibrary) -> None:
    period = standstill_period(PCR, date(2026, 10, 8), library)
    assert period.last_day == date(2026, 10, 19)
    assert excluded(period) == [("2026-10-18", "Sunday")]


def test_a_pcr_standstill_ending_on_a_bank_holiday_runs_to_the_next_day(
    library: RuleLibrary,
) -> None:
    period = standstill_period(PCR, date(2026, 8, 21), library)
    assert period.last_day == date(2026, 9, 1)
    assert excluded(period) == [
        ("2026-08-31", "Late Summer Bank Holiday (England, Northern Ireland, Wales)")
    ]


def test_a_pcr_standstill_ending_on_saint_andrews_day_runs_to_the_next_day(
    library: RuleLibrary,
) -> None:
    period = standstill_period(PCR, date(2026, 11, 20), library)
    assert period.last_day == date(2026, 12, 1)
    assert excluded(period) == [("2026-11-30", "Saint Andrew's Day (Scotland)")]


def test_a_pcr_standstill_ending_on_christmas_day_runs_past_boxing_day(
    library: RuleLibrary,
) -> None:
    period = standstill_period(PCR, date(2026, 12, 15), library)
    assert period.last_day == date(2026, 12, 29)
    assert [day for day, _ in excluded(period)] == [
        "2026-12-25",
        "2026-12-26",
        "2026-12-27",
        "2026-12-28",
    ]


# --- shape and errors -----------------------------------------------------------------------


@pytest.mark.parametrize("regime", [PA, PCR])
@pytest.mark.parametrize("offset", range(0, 14))
def test_the_contract_may_be_entered_into_the_day_after_the_last_day(
    library: RuleLibrary, regime: str, offset: int
) -> None:
    period = standstill_period(regime, date(2026, 12, 14) + timedelta(days=offset), library)
    assert period.earliest_contract_date == period.last_day + timedelta(days=1)
    assert period.last_day > period.start


def test_a_standstill_period_becomes_json_with_iso_dates(library: RuleLibrary) -> None:
    period = standstill_period(PCR, date(2026, 10, 8), library)
    assert period.to_dict() == {
        "regime": PCR,
        "from": "2026-10-08",
        "last_day": "2026-10-19",
        "earliest_contract_date": "2026-10-20",
        "excluded_days": [{"date": "2026-10-18", "name": "Sunday"}],
    }
    assert period.excluded_days == (ExcludedDay(date(2026, 10, 18), "Sunday"),)


def test_standing_orders_are_not_a_regime_with_a_standstill(library: RuleLibrary) -> None:
    with pytest.raises(RuleSetError, match="standing orders, not a national regime"):
        standstill_period("cambridgeshire-2008", date(2026, 10, 8), library)


def test_an_unknown_regime_is_refused(library: RuleLibrary) -> None:
    with pytest.raises(RuleSetError, match="unknown rule set 'eu-2014'"):
        standstill_period("eu-2014", date(2026, 10, 8), library)


# --- PCR 2015: 15 days when the award decision is not sent electronically --------------------

NOT_ELECTRONIC = "not-sent-electronically"


def test_a_pcr_decision_not_sent_electronically_gives_fifteen_days(library: RuleLibrary) -> None:
    # Sent Wed 7 Oct 2026: days 1-15 are 8-22 Oct; Thu 22 Oct is a working day.
    period = standstill_period(PCR, date(2026, 10, 7), library, case=NOT_ELECTRONIC)
    assert (period.days, period.last_day) == (15, date(2026, 10, 22))
    assert period.earliest_contract_date == date(2026, 10, 23)
    assert standstill_period(PCR, date(2026, 10, 7), library).last_day == date(2026, 10, 19)


def test_fifteen_days_ending_on_a_saturday_run_to_monday(library: RuleLibrary) -> None:
    period = standstill_period(PCR, date(2026, 10, 9), library, case=NOT_ELECTRONIC)
    assert period.last_day == date(2026, 10, 26)
    assert excluded(period) == [("2026-10-24", "Saturday"), ("2026-10-25", "Sunday")]


def test_fifteen_days_ending_on_christmas_day_run_past_the_bank_holidays(
    library: RuleLibrary,
) -> None:
    # Sent Thu 10 Dec 2026: the fifteenth day is Fri 25 Dec.
    period = standstill_period(PCR, date(2026, 12, 10), library, case=NOT_ELECTRONIC)
    assert period.last_day == date(2026, 12, 29)


def test_the_act_has_no_longer_standstill_for_a_decision_not_sent_electronically(
    library: RuleLibrary,
) -> None:
    with pytest.raises(RouteInputError, match="has no standstill for the case"):
        standstill_period(PA, date(2026, 10, 7), library, case=NOT_ELECTRONIC)
