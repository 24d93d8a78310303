"""Read the spreadsheets a panel works from (CSV files) into checked evaluation records.

Reading is kept apart from checking: ``read_csv_rows`` gives numbered rows, and
``tenderflow.domain.evaluation.rows.check_rows`` checks them, so an Excel import can feed the
same checks from a workbook.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tenderflow.domain.evaluation.model import EvaluationModel
from tenderflow.domain.evaluation.rows import (
    EvaluationFileError,
    EvaluationRecords,
    RowProblem,
    SourceRows,
    check_rows,
)


def column_name(header: str) -> str:
    """Normalise a column heading: "Hourly rate" and "hourly-rate" both become hourly_rate."""
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page unless told UTF-8.
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: Path | str, label: str | None = None) -> SourceRows:
    """Read a CSV file into numbered rows; the header is row 1, as a spreadsheet shows it."""
    source = label or str(path)
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as exc:
        problem = RowProblem(source, None, f"cannot be read ({exc.strerror or exc})")
        raise EvaluationFileError([problem]) from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = tuple(column_name(cell) for cell in records[0]) if records else ()
    problems = [
        RowProblem(source, 1, f"column {name!r} appears more than once")
        for name in dict.fromkeys(h for h in header if h and header.count(h) > 1)
    ]
    rows = []
    for number, values in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in values):
            continue  # a blank line keeps its number but is not a row of data
        if any(cell.strip() for cell in values[len(header) :]):
            problems.append(
                RowProblem(
                    source,
                    number,
                    f"has {len(values)} cells but the header has {len(header)} (is there an "
                    "unquoted comma in a comment?)",
                )
            )
        rows.append(
            (number, {name: cell for name, cell in zip(header, values, strict=False) if name})
        )
    return SourceRows(source, header, rows, problems=problems)


def read_evaluation_files(
    model: EvaluationModel,
    scores: Path | str,
    prices: Path | str,
    consensus: Path | str | None = None,
    pass_fail: Path | str | None = None,
) -> EvaluationRecords:
    """Read and check the CSV files, raising EvaluationFileError naming every bad file and row."""
    paths = {"scores": scores, "prices": prices, "consensus": consensus, "pass_fail": pass_fail}
    read: dict[str, SourceRows | None] = {}
    unreadable: list[RowProblem] = []
    for kind, path in paths.items():
        if path is None:
            read[kind] = None
            continue
        try:
            read[kind] = read_csv_rows(path)
        except EvaluationFileError as exc:
            unreadable += exc.problems
    if unreadable:
        raise EvaluationFileError(unreadable)
    scores_rows, prices_rows = read["scores"], read["prices"]
    assert scores_rows is not None and prices_rows is not None
    return check_rows(model, scores_rows, prices_rows, read["consensus"], read["pass_fail"])
