"""Check rows of scores, prices, consensus scores and pass/fail results from any spreadsheet.

The rows come from a CSV file, an Excel workbook or a form: each is a mapping of column name to
value with the row number the user sees (the header is row 1 in a CSV file). Every problem in
every row is collected and reported together, naming the source and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tenderflow.domain.evaluation.inputs import InputProblem, input_problems, to_frames
from tenderflow.domain.evaluation.model import EvaluationModel
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluatorScore,
    PassFailResult,
)

COLUMNS = {
    "scores": ("bidder", "criterion", "evaluator", "score", "comment"),
    "prices": ("bidder", "price"),
    "consensus": ("bidder", "criterion", "score", "rationale"),
    "pass_fail": ("bidder", "criterion", "result"),
}
# Costing figures a prices sheet may carry, for the value-for-money checks.
OPTIONAL_COLUMNS = {"prices": ("hourly_rate", "contact_hours")}
# Each kind's record takes its columns in the order above (a pass/fail "criterion" is the
# record's question).
RECORD_TYPES: dict[str, type[Any]] = {
    "scores": EvaluatorScore,
    "prices": BidPrice,
    "consensus": ConsensusScore,
    "pass_fail": PassFailResult,
}
MOST_SHOWN = 20  # problems listed per source in the one-line message; all are kept


@dataclass(frozen=True)
class RowProblem:
    """A problem in a source, at a row (None when it concerns the source as a whole)."""

    source: str
    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class SourceRows:
    """Rows from one source: its label (e.g. a file name), its columns and numbered rows.

    ``problems`` carries what the reader found (such as a row with too many cells), to be
    reported with the rest.
    """

    source: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[int, Mapping[str, Any]]]
    header_row: int = 1
    problems: Sequence[RowProblem] = ()


class EvaluationFileError(ValueError):
    """Rows that cannot be evaluated; ``problems`` holds every one, the message a summary line."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = list(problems)
        parts = []
        for source in dict.fromkeys(p.source for p in self.problems):
            mine = [p for p in self.problems if p.source == source]
            shown = "; ".join(str(p) for p in mine[:MOST_SHOWN])
            if len(mine) > MOST_SHOWN:
                shown += f"; and {len(mine) - MOST_SHOWN} more"
            count = f"{len(mine)} problems: " if len(mine) > 1 else ""
            parts.append(f"{source}: {count}{shown}")
        super().__init__(". ".join(parts))


@dataclass(frozen=True)
class EvaluationRecords:
    """Checked records, ready for ``compute_results``."""

    scores: list[EvaluatorScore]
    prices: list[BidPrice]
    consensus: list[ConsensusScore] | None
    pass_fail: list[PassFailResult] | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet's 4.0 in a name or id column means "4"
    return str(value).strip()


def _header_problems(kind: str, rows: SourceRows) -> list[RowProblem]:
    missing = [c for c in COLUMNS[kind] if c not in rows.columns]
    if not missing:
        return []
    names = ", ".join(repr(c) for c in missing)
    plural = "s" if len(missing) > 1 else ""
    needed = ",".join(COLUMNS[kind])
    return [
        RowProblem(rows.source, rows.header_row, f"missing column{plural} {names} (needs {needed})")
    ]


def _number_or_none(
    value: Any, name: str, source: str, row: int, problems: list[RowProblem]
) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        problems.append(RowProblem(source, row, f"{name} {text!r} must be a number of 0 or more"))
        return None
    return number


def _cell(column: str, value: Any) -> Any:
    # A workbook gives numbers as numbers: scores pass through, prices become exact decimals.
    if type(value) in (int, float) and column in ("score", "price"):
        return value if column == "score" else Decimal(str(value))
    return _text(value)


def _records(kind: str, rows: SourceRows, problems: list[RowProblem]) -> list[Any]:
    records: list[Any] = []
    for number, row in rows.rows:
        values = [_cell(column, row.get(column)) for column in COLUMNS[kind]]
        for column in OPTIONAL_COLUMNS.get(kind, ()):
            values.append(_number_or_none(row.get(column), column, rows.source, number, problems))
        records.append(RECORD_TYPES[kind](*values))
    return records


def check_rows(
    model: EvaluationModel,
    scores: SourceRows,
    prices: SourceRows,
    consensus: SourceRows | None = None,
    pass_fail: SourceRows | None = None,
) -> EvaluationRecords:
    """Check every row of every source against the model; raise EvaluationFileError if any fail."""
    sources = {"scores": scores, "prices": prices, "consensus": consensus, "pass_fail": pass_fail}
    problems: list[RowProblem] = []
    for kind, rows in sources.items():
        if rows is not None:
            problems += _header_problems(kind, rows)
            problems += rows.problems
    if problems:
        raise EvaluationFileError(problems)
    for required in (scores, prices):
        if not required.rows:
            problems.append(RowProblem(required.source, None, "there are no rows below the header"))
    records = {
        kind: None if rows is None else _records(kind, rows, problems)
        for kind, rows in sources.items()
    }
    inputs = to_frames(
        records["scores"] or [],
        records["prices"] or [],
        records["consensus"],
        records["pass_fail"],
    )
    for problem in input_problems(model, inputs):
        problems.append(_located(problem, sources))
    if problems:
        raise EvaluationFileError(_in_order(problems, sources))
    # Prices typed as text ("£75,000") go on as the exact amounts they were read as.
    checked_prices = [
        bid._replace(price=amount)
        for bid, amount in zip(records["prices"] or [], inputs.prices["price"], strict=True)
    ]
    return EvaluationRecords(
        scores=records["scores"] or [],
        prices=checked_prices,
        consensus=records["consensus"],
        pass_fail=records["pass_fail"],
    )


def _located(problem: InputProblem, sources: Mapping[str, SourceRows | None]) -> RowProblem:
    rows = sources[problem.kind]
    assert rows is not None
    row = None if problem.index is None else rows.rows[problem.index][0]
    return RowProblem(rows.source, row, problem.text(lambda index: f"row {rows.rows[index][0]}"))


def _in_order(
    problems: list[RowProblem], sources: Mapping[str, SourceRows | None]
) -> list[RowProblem]:
    order = {rows.source: i for i, rows in enumerate(s for s in sources.values() if s is not None)}
    return sorted(problems, key=lambda p: (order.get(p.source, 0), p.row is None, p.row or 0))
