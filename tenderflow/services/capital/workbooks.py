"""Excel workbooks for capital bids: the districts' template, reading it back, the priority list.

The template has one row per scheme under a header naming each question (its label, with the
field id in brackets), drop-down lists for the choices and a guidance sheet, all generated from
the round's matrix. Reading gives numbered rows keyed by field id, from every sheet whose header
names the matrix's fields; checking them is the service's job.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tenderflow.domain.archives import archive_problem
from tenderflow.domain.capital import CapitalMatrix, Field, answer_fields
from tenderflow.domain.capital.statuses import DECISION_LABELS
from tenderflow.spreadsheet_cells import append_row, restore_cell, safe_cell

SCHEMES_SHEET = "Schemes"
LISTS_SHEET = "Lists"
GUIDANCE_SHEET = "Guidance"
TEMPLATE_ROWS = 50  # rows the drop-downs cover
MAX_ROWS = 200
MAX_BYTES = 5 * 1024 * 1024
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
_BRACKETED = re.compile(r"\[([a-z][a-z0-9_]*)\]\s*$")


def header_text(item: Field) -> str:
    """Return a column heading: the question's label with its field id, e.g. "Units [units]"."""
    return f"{item.label} [{item.id}]"


def _widths(ws: Any, widths: Mapping[int, float]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def template_workbook(matrix: CapitalMatrix, district_name: str) -> bytes:
    """Return the spreadsheet a district fills in: one row per scheme."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SCHEMES_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    fields = answer_fields(matrix)
    list_column = 0
    for column, item in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=safe_cell(header_text(item)))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = (
            40 if item.type == "textarea" else 22
        )
        letter = get_column_letter(column)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if item.type == "district":
            sheet.cell(row=2, column=column, value=safe_cell(district_name))
        if item.type == "choice":
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=safe_cell(item.id)).font = Font(bold=True)
            for row, option in enumerate(item.options, start=2):
                lists.cell(row=row, column=list_column, value=safe_cell(option.label))
            last = len(item.options) + 1
            check = DataValidation(
                type="list",
                formula1=f"{LISTS_SHEET}!${list_letter}$2:${list_letter}${last}",
                allow_blank=True,
            )
            check.error = item.errors.get("invalid", "Choose from the list")
            sheet.add_data_validation(check)
            check.add(cells)
        elif item.type in ("number", "money"):
            sheet.column_dimensions[letter].width = 16
        elif item.type == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=column).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 60
    lists.sheet_state = "hidden"
    _guidance(book.create_sheet(GUIDANCE_SHEET), matrix, fields)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _guidance(sheet: Any, matrix: CapitalMatrix, fields: Iterable[Field]) -> None:
    append_row(sheet, [matrix.title])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(
        sheet,
        [
            "Fill in one row of the Schemes sheet for each scheme. Keep the header row as it is. "
            "Dates as day/month/year; amounts in pounds. A file with any problem is refused "
            "whole, with a list of every problem to correct."
        ],
    )
    append_row(sheet, [])
    append_row(sheet, ["Column", "Question", "Guidance", "Answers allowed"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for item in fields:
        if item.type == "choice":
            allowed = "; ".join(o.label for o in item.options)
        elif item.type == "number":
            allowed = f"a whole number from {item.minimum} to {item.maximum}"
        elif item.type == "money":
            allowed = f"pounds, from £{item.minimum:,} to £{item.maximum:,}"
        elif item.type == "date":
            allowed = "a date, day/month/year"
        elif item.max_length:
            allowed = f"text, up to {item.max_length:,} characters"
        else:
            allowed = "text"
        if item.applies_when:
            allowed += (
                " (only for "
                + "; ".join(
                    f"{name}: {', '.join(values)}" for name, values in item.applies_when.items()
                )
                + ")"
            )
        append_row(sheet, [item.id, item.label, item.hint or "", allowed])
    append_row(sheet, [])
    append_row(sheet, ["How schemes are scored"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for criterion in matrix.criteria:
        append_row(
            sheet,
            [criterion.id, f"{criterion.title} ({criterion.weight} points)", criterion.guidance],
        )
    _widths(sheet, {1: 34, 2: 50, 3: 70, 4: 50})
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- reading a filled-in workbook ------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookProblem:
    """A problem in a workbook, where a person would look for it."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [
            p
            for p in (
                self.sheet and f"sheet {self.sheet}",
                self.row and f"row {self.row}",
                self.column and f"column {self.column}",
            )
            if p
        ]
        return f"{', '.join(where)}: {self.message}" if where else self.message


class WorkbookError(ValueError):
    """A workbook that cannot be imported; ``problems`` lists every one."""

    def __init__(self, problems: list[WorkbookProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class WorkbookRow:
    """One scheme's row: where it is, its answers by field id and the column of each field."""

    sheet: str
    row: int
    answers: dict[str, Any]
    columns: dict[str, str]


def _heading(value: Any, by_label: Mapping[str, str], ids: set[str]) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    match = _BRACKETED.search(text)
    if match and match.group(1) in ids:
        return match.group(1)
    if text in ids:
        return text
    return by_label.get(text.casefold())


def _cell(value: Any) -> Any:
    value = restore_cell(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def read_workbook(matrix: CapitalMatrix, content: bytes) -> list[WorkbookRow]:
    """Read every sheet whose header names the matrix's fields; raise WorkbookError on problems."""
    if len(content) > MAX_BYTES:
        raise WorkbookError(
            [WorkbookProblem(None, None, None, "The file must be smaller than 5 MB")]
        )
    unsafe = archive_problem(content)
    if unsafe is not None:
        raise WorkbookError([WorkbookProblem(None, None, None, unsafe)])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise WorkbookError(
            [WorkbookProblem(None, None, None, "The file must be an Excel workbook (.xlsx)")]
        ) from None
    fields = answer_fields(matrix)
    ids = {f.id for f in fields}
    by_label = {f.label.casefold(): f.id for f in fields}
    problems: list[WorkbookProblem] = []
    rows: list[WorkbookRow] = []
    read_any = False
    for sheet in book.worksheets:
        if sheet.title in (LISTS_SHEET, GUIDANCE_SHEET):
            continue
        values = sheet.iter_rows(values_only=True)
        header = next(values, None) or ()
        names = [_heading(v, by_label, ids) for v in header]
        if not any(names):
            continue  # not a sheet of schemes
        read_any = True
        columns = {n: get_column_letter(i + 1) for i, n in enumerate(names) if n}
        for index, value in enumerate(header):
            if str(value or "").strip() and names[index] is None:
                problems.append(
                    WorkbookProblem(
                        sheet.title,
                        1,
                        get_column_letter(index + 1),
                        f"unknown column {str(value).strip()!r}",
                    )
                )
        missing = [f.id for f in fields if f.id not in columns]
        if missing:
            problems.append(
                WorkbookProblem(sheet.title, 1, None, f"missing columns for {', '.join(missing)}")
            )
        for number, row in enumerate(values, start=2):
            if not any(v is not None and str(v).strip() for v in row):
                continue
            if len(rows) >= MAX_ROWS:
                problems.append(
                    WorkbookProblem(
                        sheet.title, number, None, f"a workbook may hold up to {MAX_ROWS} schemes"
                    )
                )
                break
            answers = {name: _cell(row[i]) for i, name in enumerate(names) if name and i < len(row)}
            rows.append(WorkbookRow(sheet.title, number, answers, columns))
    book.close()
    if not read_any:
        problems.append(
            WorkbookProblem(
                None,
                None,
                None,
                "No sheet has the template's header row: download the template and use it",
            )
        )
    elif not rows and not problems:
        problems.append(WorkbookProblem(None, None, None, "The workbook has no schemes in it"))
    if problems:
        raise WorkbookError(problems)
    return rows


# --- the priority list ----------------------------------------------------------------------

MONEY_FORMAT = '"£"#,##0.00'
WITHIN_FILL = PatternFill("solid", fgColor="CCE2D8")


def priority_list_workbook(view: Any, matrix: CapitalMatrix) -> bytes:
    """Return the priority list as a spreadsheet: one row per scheme, the cut line marked."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Priority list"
    round_ = view.round
    append_row(sheet, [f"Capital bid priority list: {round_.title}"])
    sheet["A1"].font = Font(bold=True, size=14)
    status = (
        "Produced " + view.produced_at.strftime("%d/%m/%Y") if view.produced_at else "Provisional"
    )
    append_row(
        sheet,
        [
            f"{round_.county}. {status}. Revenue budget £{view.budget:,.2f} a year; £{view.committed:,.2f} within it; £{view.headroom:,.2f} left above the cut line."
        ],
    )
    append_row(sheet, [f"Ranking: {view.tie_break_rule}. Cut line: {view.cut_line_rule}."])
    append_row(sheet, [])
    criteria = list(matrix.criteria)
    head = [
        "Rank",
        "Scheme",
        "District",
        "Provider",
        "Client group",
        "Service type",
        "Units",
        "Capital sought",
        "Revenue a year",
        "Cumulative revenue",
        "Within budget",
        *[f"{c.title} ({c.weight})" for c in criteria],
        "Total",
        "Failed gateways",
        "Decision",
        "Reasons",
        "Next review",
    ]
    append_row(sheet, head)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    client = matrix.field("client_group")
    service = matrix.field("service_type")
    for row in view.rows:
        decision = row.decision
        append_row(
            sheet,
            [
                row.rank,
                row.name,
                row.district,
                row.provider,
                client.option_label(row.client_group or ""),
                service.option_label(row.service_type or ""),
                row.units,
                row.capital_sought,
                row.revenue_per_year,
                row.cumulative_revenue,
                "Yes" if row.within_budget else "No",
                *[row.criteria.get(c.id) for c in criteria],
                row.total,
                ", ".join(matrix.gateway(g).title for g in row.failed_gateways),
                DECISION_LABELS.get(decision.outcome, decision.outcome) if decision else "",
                decision.reasons if decision else "",
                decision.next_review_on if decision and decision.next_review_on else None,
            ],
        )
        current = sheet.max_row
        for column in (8, 9, 10):
            sheet.cell(row=current, column=column).number_format = MONEY_FORMAT
        for offset in range(len(criteria) + 1):
            sheet.cell(row=current, column=12 + offset).number_format = "0.00"
        sheet.cell(row=current, column=len(head)).number_format = "DD/MM/YYYY"
        if row.within_budget:
            for cell in sheet[current]:
                cell.fill = WITHIN_FILL
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    _widths(sheet, {1: 6, 2: 34, 3: 16, 4: 26, 5: 26, 6: 22, 7: 7, 8: 15, 9: 15, 10: 15, 11: 9})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
