"""Cells written to Excel or CSV from people's text: made inert and writable.

Every workbook or CSV writer passes its rows through ``safe_row`` (or single values through
``safe_cell``). Following OWASP's guidance on CSV injection, text starting with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or a line feed gets a leading single quote, so a scheme
named ``=HYPERLINK(...)`` is shown as text and never run as a formula. Numbers stay numbers
(a negative amount is not text), and so does text that is exactly a number, such as "-5".
Control characters that the XML inside an .xlsx cannot hold (openpyxl refuses them) are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# What openpyxl refuses (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE): C0 controls except tab,
# line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """Return a value ready for a spreadsheet cell: text neutralised, anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub("", value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Return a row of values, each passed through ``safe_cell``."""
    return [safe_cell(value) for value in values]


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet, every value passed through ``safe_cell``."""
    sheet.append(safe_row(values))


def restore_cell(value: Any) -> Any:
    """Undo ``safe_cell``'s quote on text read back from a workbook this app wrote."""
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
