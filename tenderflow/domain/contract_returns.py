"""Quarterly performance indicator returns: check a whole file of them before any is kept.

A return is one figure for one indicator (staffing, utilisation, throughput, ...) for one
quarter of the year (January-March is quarter 1). A file, typed rows or a spreadsheet, is
checked as a whole: every bad row is listed and none is kept until all are right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

COLUMNS = ("year", "quarter", "indicator", "value")
MAX_ROWS = 2000


@dataclass(frozen=True)
class ReturnRow:
    year: int
    quarter: int
    indicator: str
    value: Decimal

    @property
    def period(self) -> str:
        return f"{self.year} Q{self.quarter}"


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # the spreadsheet's row number (the header is row 1); None: the whole file
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"Row {self.row}: {self.message}"


class ReturnsError(ValueError):
    """The returns could not be accepted; every problem is listed."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def quarter_start(year: int, quarter: int) -> date:
    """Return the first day of the quarter."""
    return date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(year: int, quarter: int) -> date:
    """Return the last day of the quarter."""
    if quarter == 4:
        return date(year, 12, 31)
    following = quarter_start(year, quarter + 1)
    return date.fromordinal(following.toordinal() - 1)


def quarter_of(day: date) -> tuple[int, int]:
    """Return the (year, quarter) a day falls in."""
    return day.year, (day.month - 1) // 3 + 1


def last_ended_quarter(today: date) -> tuple[int, int]:
    """Return the most recent quarter that has ended by ``today``."""
    year, quarter = quarter_of(today)
    if today == quarter_end(year, quarter):
        return year, quarter
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """Return every quarter that ends between ``start`` and ``end`` (both inclusive)."""
    found = []
    year, quarter = quarter_of(start)
    while quarter_end(year, quarter) <= end:
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _whole(text: str) -> int | None:
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def check_returns(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    indicators: Mapping[str, str],
    contract_start: date,
    contract_end: date,
    today: date,
) -> list[ReturnRow]:
    """Check numbered rows of returns; return them, or raise ReturnsError listing every problem.

    ``indicators`` maps each of the contract's indicator codes to its title.
    """
    problems: list[RowProblem] = []
    accepted: list[ReturnRow] = []
    seen: dict[tuple[int, int, str], int] = {}
    for count, (number, row) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            problems.append(RowProblem(None, f"A file may hold up to {MAX_ROWS} returns"))
            break
        text = {k: "" if row.get(k) is None else str(row.get(k)).strip() for k in COLUMNS}
        wrong: list[str] = []
        year = _whole(text["year"])
        if year is None or not 2000 <= year <= 2100:
            wrong.append("enter the year as four digits, like 2026")
        quarter = _whole(text["quarter"].upper().removeprefix("Q"))
        if quarter is None or not 1 <= quarter <= 4:
            wrong.append("enter the quarter as 1, 2, 3 or 4")
        indicator = text["indicator"].lower()
        if indicator not in indicators:
            if not indicator:
                wrong.append("enter the indicator")
            else:
                wrong.append(
                    f"{text['indicator']!r} is not one of this contract's indicators "
                    f"({', '.join(indicators)})"
                )
        value: Decimal | None = None
        try:
            value = Decimal(text["value"].rstrip("%").strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            wrong.append("enter the value as a number, like 96.5")
        elif value < 0:
            wrong.append("the value must be 0 or more")
        elif value.as_tuple().exponent < -2:  # type: ignore[operator]
            wrong.append("the value must have no more than 2 decimal places")
        if year is not None and quarter is not None and not wrong:
            if quarter_end(year, quarter) > today:
                wrong.append(f"{year} Q{quarter} has not ended yet")
            elif (
                quarter_end(year, quarter) < contract_start
                or quarter_start(year, quarter) > contract_end
            ):
                wrong.append(f"{year} Q{quarter} is outside the contract's term")
        if not wrong and year is not None and quarter is not None:
            key = (year, quarter, indicator)
            if key in seen:
                wrong.append(
                    f"{indicator} for {year} Q{quarter} is already given on row {seen[key]}"
                )
            else:
                seen[key] = number
        if wrong:
            problems.append(RowProblem(number, "; ".join(wrong)))
        elif value is not None and year is not None and quarter is not None:
            accepted.append(ReturnRow(year, quarter, indicator, value))
    if not problems and not accepted:
        problems.append(RowProblem(None, "The file has no returns in it"))
    if problems:
        raise ReturnsError(problems)
    return accepted


def check_header(header: Iterable[str]) -> list[RowProblem]:
    """Return the problems with a file's header row (its columns, normalised)."""
    names = [h for h in header if h]
    problems = [
        RowProblem(1, f"the column {name!r} is missing") for name in COLUMNS if name not in names
    ]
    problems += [
        RowProblem(1, f"unknown column {name!r}: use {', '.join(COLUMNS)}")
        for name in names
        if name not in COLUMNS
    ]
    return problems
