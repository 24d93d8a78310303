"""Helpers builders share: turning prose into blocks and numbering sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from tenderflow.documents.content import Block, NumberedSection, Paragraph
from tenderflow.documents.formatting import DASH
from tenderflow.documents.inputs import Prose
from tenderflow.domain import dates


def prose_blocks(prose: Prose, numbered: bool = False) -> tuple[Block, ...]:
    """Turn prose into blocks; with ``numbered`` each string is a "(1)", "(2)" paragraph."""
    blocks: list[Block] = []
    count = 0
    for item in prose:
        if isinstance(item, str):
            count += 1
            blocks.append(Paragraph.of(item, number=f"({count})" if numbered else None))
        elif isinstance(item, Paragraph) and numbered and item.number is None:
            count += 1
            blocks.append(Paragraph(item.runs, number=f"({count})"))
        else:
            blocks.append(item)
    return tuple(blocks)


def number_sections(
    makers: Sequence[Callable[[str], NumberedSection | None]],
) -> tuple[NumberedSection, ...]:
    """Call each section maker with the next number ("1.", "2."...); a None is left out."""
    sections: list[NumberedSection] = []
    for maker in makers:
        section = maker(f"{len(sections) + 1}.")
        if section is not None:
            sections.append(section)
    return tuple(sections)


def short_date(value: date | None) -> str:
    """Format a date for a table cell: "2 Mar 2026"."""
    return DASH if value is None else dates.short_date(value)


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """Return "1 bid", "3 bids", "0 bids"."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"
