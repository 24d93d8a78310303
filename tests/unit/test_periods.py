"""Minimum tendering and participation periods: which case applies, at each edge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenderflow.domain import rule_sets
from tenderflow.domain.periods import PeriodFacts, choose, months_before, window_problem
from tenderflow.domain.regulations import NationalRegime, RuleLibrary

TENDER_NOTICE = date(2026, 6, 1)


@pytest.fixture(scope="module")
def act() -> NationalRegime:
    regime = RuleLibrary(rule_sets.REPO_ROOT / "rule_sets").get("procurement-act-2023")
    assert isinstance(regime, NationalRegime)
    return regime


@pytest.fixture(scope="module")
def pcr() -> NationalRegime:
    regime = RuleLibrary(rule_sets.REPO_ROOT / "rule_sets").get("pcr-2015")
    assert isinstance(regime, NationalRegime)
    return regime


def tendering(regime: NationalRegime, **facts: object) -> tuple[str, int]:
    choice = choose(regime.tendering_cases, PeriodFacts(TENDER_NOTICE, **facts))  # type: ignore[arg-type]
    return choice.code, choice.days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 6, 1), 12, date(2025, 6, 1)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_shorter_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert months_before(day, months) == expected


def test_with_no_special_facts_the_act_asks_25_days_for_electronic_tenders(
    act: NationalRegime,
) -> None:
    assert tendering(act) == ("electronic-with-documents", 25)


def test_paper_tenders_need_30_days_under_the_act(act: NationalRegime) -> None:
    assert tendering(act, paper_tenders=True) == ("otherwise", 30)


def test_a_state_of_urgency_allows_10_days_under_the_act(act: NationalRegime) -> None:
    assert tendering(act, urgency=True) == ("state-of-urgency", 10)
    assert tendering(act, urgency=True, paper_tenders=True) == ("state-of-urgency", 10)


@pytest.mark.parametrize(
    ("published", "qualifies"),
    [
        (TENDER_NOTICE - timedelta(days=39), False),
        (TENDER_NOTICE - timedelta(days=40), True),
        (date(2025, 6, 1), True),  # exactly a year before
        (date(2025, 5, 31), False),  # a year and a day
    ],
)
def test_a_planned_procurement_notice_qualifies_from_40_days_to_a_year_before(
    act: NationalRegime, published: date, qualifies: bool
) -> None:
    code, days = tendering(act, prior_notice=published, paper_tenders=True)
    assert (code, days) == (("planned-procurement-notice", 10) if qualifies else ("otherwise", 30))


def test_a_notice_that_does_not_qualify_is_recorded_with_the_reason(act: NationalRegime) -> None:
    facts = PeriodFacts(TENDER_NOTICE, prior_notice=TENDER_NOTICE - timedelta(days=20))
    choice = choose(act.tendering_cases, facts)
    assert choice.days == 25
    assert choice.condition == (
        "tenders submitted electronically and all tender documents available with the tender "
        "notice; the prior notice of 2026-05-12 does not count: it was published 20 days before "
        "the tender notice, fewer than 40"
    )


def test_a_notice_published_too_early_is_explained(act: NationalRegime) -> None:
    window = act.tendering_cases[0].window
    assert window is not None
    assert window_problem(window, date(2025, 5, 31), TENDER_NOTICE) == (
        "it was published more than 12 months before the tender notice"
    )


def test_where_two_cases_give_the_same_minimum_the_first_listed_is_recorded(
    act: NationalRegime,
) -> None:
    both = tendering(act, prior_notice=date(2026, 1, 5), urgency=True)
    assert both == ("planned-procurement-notice", 10)


def test_the_participation_period_is_25_days_or_10_in_a_state_of_urgency(
    act: NationalRegime,
) -> None:
    normal = choose(act.participation_cases, PeriodFacts(TENDER_NOTICE))
    urgent = choose(act.participation_cases, PeriodFacts(TENDER_NOTICE, urgency=True))
    # A planned procurement notice or paper tenders do not shorten or lengthen participation.
    other = choose(
        act.participation_cases,
        PeriodFacts(TENDER_NOTICE, prior_notice=date(2026, 1, 5), paper_tenders=True),
    )
    assert (normal.days, urgent.days, other.days) == (25, 10, 25)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, ("electronic", 30)),
        ({"paper_tenders": True}, ("not-electronic", 35)),
        ({"urgency": True}, ("urgency", 15)),
        ({"prior_notice": TENDER_NOTICE - timedelta(days=35)}, ("prior-information-notice", 15)),
        ({"prior_notice": TENDER_NOTICE - timedelta(days=34)}, ("electronic", 30)),
    ],
)
def test_pcr_2015_open_procedure_periods(
    pcr: NationalRegime, facts: dict[str, object], expected: tuple[str, int]
) -> None:
    assert tendering(pcr, **facts) == expected
