"""The contract-management priority matrix: its file, its checks, and the bands it gives."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml

from tenderflow.domain.contract_priority import (
    MATRIX_PATH,
    PriorityMatrixError,
    add_months,
    annual_value,
    default_matrix,
    next_meeting_due,
    parse_matrix,
)

GOOD = {
    "performance": "good",
    "quality": "a-or-b",
    "value-for-money": "good",
    "improvement": "addressed",
    "track-record": "established",
    "provider": "established",
}
WORST = {
    "performance": "under",
    "quality": "d",
    "value-for-money": "poor",
    "improvement": "not-addressed",
    "track-record": "new",
    "provider": "small-or-specialist",
}


def data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(MATRIX_PATH.read_text(encoding="utf-8")))


def test_the_councils_matrix_has_the_frameworks_three_bands_and_their_meetings() -> None:
    matrix = default_matrix()
    bands = [(b.code, b.low, b.high, b.meeting_every_months) for b in matrix.bands]
    assert bands == [("low", 0, 24, 12), ("medium", 25, 49, 6), ("high", 50, 75, 3)]
    assert matrix.maximum == 75
    assert [i.code for i in matrix.indicators] == ["staffing", "utilisation", "throughput"]


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "low"), (24, "low"), (25, "medium"), (49, "medium"), (50, "high"), (75, "high")],
)
def test_each_band_begins_and_ends_where_the_framework_says(score: int, band: str) -> None:
    assert default_matrix().band_for(score).code == band


def test_a_score_outside_the_matrix_has_no_band() -> None:
    with pytest.raises(PriorityMatrixError, match="outside 0 to 75"):
        default_matrix().band_for(76)


@pytest.mark.parametrize(
    ("annual", "points"),
    [
        ("99999.99", 5),
        ("100000", 10),
        ("249999", 10),
        ("250000", 15),
        ("999999", 20),
        ("1000000", 25),
        ("9000000", 25),
    ],
)
def test_annual_value_earns_the_points_of_its_band(annual: str, points: int) -> None:
    assert default_matrix().value_points(Decimal(annual)) == points


def test_a_well_run_small_contract_is_low_and_the_worst_large_one_is_high() -> None:
    matrix = default_matrix()
    low = matrix.score(Decimal("60000"), GOOD)
    assert (low.score, low.band.code) == (5, "low")
    high = matrix.score(Decimal("2000000"), WORST)
    assert (high.score, high.band.code) == (75, "high")
    assert high.factor_points["quality"] == 10


def test_every_factor_needs_an_answer_from_its_options() -> None:
    matrix = default_matrix()
    with pytest.raises(PriorityMatrixError, match="choose an answer for Value for money"):
        matrix.score(Decimal("1"), {k: v for k, v in GOOD.items() if k != "value-for-money"})
    with pytest.raises(PriorityMatrixError, match="choose one of good, concerns, under"):
        matrix.score(Decimal("1"), {**GOOD, "performance": "excellent"})
    with pytest.raises(PriorityMatrixError, match="unknown factors: colour"):
        matrix.score(Decimal("1"), {**GOOD, "colour": "red"})


def test_annual_value_spreads_the_whole_life_value_over_the_years() -> None:
    assert annual_value(Decimal("900000"), date(2024, 4, 1), date(2027, 3, 31)) == Decimal(
        "300000.00"
    )
    # Less than a year counts as a year.
    assert annual_value(Decimal("50000"), date(2026, 1, 1), date(2026, 6, 30)) == Decimal(
        "50000.00"
    )


def test_meetings_fall_due_a_bands_months_after_the_last_one() -> None:
    high = default_matrix().band("high")
    assert next_meeting_due(high, date(2026, 11, 30), date(2024, 1, 1)) == date(2027, 2, 28)
    assert next_meeting_due(high, None, date(2026, 1, 31)) == date(2026, 4, 30)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_an_unknown_key_is_refused_by_the_schema() -> None:
    bad = data()
    bad["bands"][0]["colour"] = "green"
    with pytest.raises(PriorityMatrixError, match=r"bands\[0\].*colour"):
        parse_matrix(bad)


def test_bands_with_a_gap_are_refused() -> None:
    bad = data()
    bad["bands"][1]["from"] = 26
    with pytest.raises(PriorityMatrixError, match="cover every score from 0 to 75"):
        parse_matrix(bad)


def test_points_that_do_not_reach_the_maximum_are_refused() -> None:
    bad = data()
    bad["factors"][0]["options"][2]["points"] = 9
    with pytest.raises(PriorityMatrixError, match="add up to 74, not the maximum 75"):
        parse_matrix(bad)


def test_a_factor_named_twice_is_refused() -> None:
    bad = data()
    bad["factors"].append(bad["factors"][-1])
    bad["maximum"] = 80
    bad["bands"][-1]["to"] = 80
    with pytest.raises(PriorityMatrixError, match="factor provider appears twice"):
        parse_matrix(bad)


def test_value_bands_must_rise_and_only_the_last_is_open() -> None:
    bad = data()
    bad["value_bands"][1]["below"] = "50000"
    with pytest.raises(PriorityMatrixError, match="value bands must rise"):
        parse_matrix(bad)
    bad = data()
    del bad["value_bands"][0]["below"]
    with pytest.raises(PriorityMatrixError, match="every value band but the last"):
        parse_matrix(bad)
