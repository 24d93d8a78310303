"""Quarterly indicator returns: a whole file is checked and every bad row named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tenderflow.domain.contract_returns import (
    ReturnsError,
    check_header,
    check_returns,
    last_ended_quarter,
    quarter_end,
    quarters_between,
)

INDICATORS = {"staffing": "Staffing", "utilisation": "Utilisation", "throughput": "Throughput"}
START, END, TODAY = date(2024, 4, 1), date(2027, 3, 31), date(2026, 11, 16)


def check(*rows: dict[str, Any]) -> Any:
    return check_returns(list(enumerate(rows, start=2)), INDICATORS, START, END, TODAY)


def row(year: Any = 2026, quarter: Any = 2, indicator: str = "staffing", value: Any = "98") -> dict:
    return {"year": year, "quarter": quarter, "indicator": indicator, "value": value}


def test_good_rows_are_returned_as_exact_figures() -> None:
    rows = check(row(), row(indicator="Utilisation", value="96.5%"), row(quarter="Q3", value=100))
    assert [(r.period, r.indicator, r.value) for r in rows] == [
        ("2026 Q2", "staffing", Decimal("98")),
        ("2026 Q2", "utilisation", Decimal("96.5")),
        ("2026 Q3", "staffing", Decimal("100")),
    ]


def test_every_bad_row_is_listed_and_none_is_returned() -> None:
    with pytest.raises(ReturnsError) as caught:
        check(
            row(),
            row(quarter=5),
            row(indicator="morale"),
            row(value="lots"),
            row(value="-1"),
            row(year=2026, quarter=4),
            row(year=2023, quarter=4),
            row(),
        )
    assert [str(p) for p in caught.value.problems] == [
        "Row 3: enter the quarter as 1, 2, 3 or 4",
        "Row 4: 'morale' is not one of this contract's indicators "
        "(staffing, utilisation, throughput)",
        "Row 5: enter the value as a number, like 96.5",
        "Row 6: the value must be 0 or more",
        "Row 7: 2026 Q4 has not ended yet",
        "Row 8: 2023 Q4 is outside the contract's term",
        "Row 9: staffing for 2026 Q2 is already given on row 2",
    ]


def test_a_row_with_several_problems_names_them_all() -> None:
    with pytest.raises(ReturnsError) as caught:
        check(row(year="26", quarter="", indicator="", value="1.234"))
    assert str(caught.value.problems[0]) == (
        "Row 2: enter the year as four digits, like 2026; enter the quarter as 1, 2, 3 or 4; "
        "enter the indicator; the value must have no more than 2 decimal places"
    )


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ReturnsError, match="no returns in it"):
        check()


def test_the_header_must_have_exactly_the_four_columns() -> None:
    assert check_header(["year", "quarter", "indicator", "value"]) == []
    problems = [str(p) for p in check_header(["year", "quarter", "measure", "value"])]
    assert problems == [
        "Row 1: the column 'indicator' is missing",
        "Row 1: unknown column 'measure': use year, quarter, indicator, value",
    ]


def test_quarters_and_their_ends() -> None:
    assert quarter_end(2026, 1) == date(2026, 3, 31)
    assert quarter_end(2026, 4) == date(2026, 12, 31)
    assert last_ended_quarter(date(2026, 11, 16)) == (2026, 3)
    assert last_ended_quarter(date(2026, 1, 5)) == (2025, 4)
    assert last_ended_quarter(date(2026, 6, 30)) == (2026, 2)
    assert quarters_between(date(2024, 4, 1), date(2024, 12, 31)) == [
        (2024, 2),
        (2024, 3),
        (2024, 4),
    ]
