"""The content of a generated document as plain data, checked by tests without python-docx.

Builders turn inputs into a ``Document`` made of these blocks; ``writer`` renders it. Every
string here is text for people: the writer inserts it as plain runs, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias


@dataclass(frozen=True)
class Run:
    """A piece of text in a paragraph, optionally bold or italic."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs; ``number`` is a council-paper label such as "(1)" or "1."."""

    runs: tuple[Run, ...]
    number: str | None = None

    @classmethod
    def of(cls, *parts: str | Run, number: str | None = None) -> Paragraph:
        """Return a paragraph from plain strings and runs, in order."""
        return cls(tuple(p if isinstance(p, Run) else Run(p) for p in parts), number)

    @property
    def text(self) -> str:
        """Return the paragraph's text without its number."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Title:
    """A document's title at the top of its first page, with an optional subtitle."""

    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Heading:
    """A heading outside numbered sections (level 1 to 3)."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 3:
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level}")


@dataclass(frozen=True)
class Bullets:
    """A list; numbered lists carry their numbers as text so they never continue by accident."""

    items: tuple[Paragraph, ...]
    numbered: bool = False

    @classmethod
    def of(cls, *items: str | Paragraph, numbered: bool = False) -> Bullets:
        """Return a list from plain strings and paragraphs."""
        return cls(
            tuple(i if isinstance(i, Paragraph) else Paragraph.of(i) for i in items), numbered
        )


@dataclass(frozen=True)
class Table:
    """A table of text cells with a header row that repeats on every page.

    ``widths`` are relative (they are scaled to the page); ``highlight`` holds (row, column)
    cells to shade, such as flagged spreads; ``emphasis_rows`` are set in bold (totals, the
    recommended bidder). Row and column indexes count data rows from 0, header excluded.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    widths: tuple[float, ...] | None = None
    numeric_columns: frozenset[int] = frozenset()
    highlight: frozenset[tuple[int, int]] = frozenset()
    emphasis_rows: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells, the table has {width}")
        if self.widths is not None and len(self.widths) != width:
            raise ValueError(f"{len(self.widths)} widths given for {width} columns")
        if any(not 0 <= c < width for c in self.numeric_columns):
            raise ValueError("a numeric column is outside the table")

    def column(self, name: str) -> list[str]:
        """Return the cells of the named column, in row order."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """A chart drawn beforehand as PNG; ``alt_text`` describes it for screen readers."""

    title: str
    png: bytes = field(repr=False)
    caption: str
    alt_text: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class KeyValue:
    """Label and value pairs, such as By / To / Subject / Classification."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class NumberedSection:
    """A numbered section: "1. Introduction" and its blocks, which may hold subsections."""

    number: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        """Return the heading as printed, number first."""
        return f"{self.number} {self.title}"


Block: TypeAlias = (
    Title | Paragraph | Heading | Bullets | Table | Chart | KeyValue | PageBreak | NumberedSection
)


@dataclass(frozen=True)
class Cover:
    """A cover page: title, subtitle and labelled details such as reference and date."""

    title: str
    subtitle: str
    organisation: str
    details: tuple[tuple[str, str], ...] = ()
    classification: str | None = None


@dataclass(frozen=True)
class Signatory:
    """Someone who signs the document off; signature and date are left blank to fill in."""

    role: str
    name: str
    organisation: str = ""


@dataclass(frozen=True)
class SignOff:
    """A sign-off block: a statement and a line for each signatory."""

    title: str
    statement: str
    signatories: tuple[Signatory, ...]


@dataclass(frozen=True)
class Document:
    """A whole document, ready to render."""

    kind: str
    title: str
    blocks: tuple[Block, ...]
    cover: Cover | None = None
    toc: bool = False
    sign_off: SignOff | None = None
    dated: date | None = None  # the document's own date, stored in its properties


def iter_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Yield every block in reading order, descending into numbered sections."""
    for block in blocks:
        yield block
        if isinstance(block, NumberedSection):
            yield from iter_blocks(block.blocks)


def headings(document: Document) -> list[str]:
    """Return the document's headings in order, as printed."""
    found: list[str] = []
    for block in iter_blocks(document.blocks):
        if isinstance(block, NumberedSection):
            found.append(block.heading)
        elif isinstance(block, Heading):
            found.append(block.text)
    return found


def tables(document: Document) -> list[Table]:
    """Return every table in the document, in order."""
    return [b for b in iter_blocks(document.blocks) if isinstance(b, Table)]


def plain_text(document: Document) -> str:
    """Return all the document's words in reading order, one block per line."""
    lines: list[str] = []
    if document.cover:
        cover = document.cover
        lines += [cover.organisation, cover.title, cover.subtitle]
        lines += [f"{label}: {value}" for label, value in cover.details]
        lines += [cover.classification] if cover.classification else []
    for block in iter_blocks(document.blocks):
        lines.extend(_block_text(block))
    if document.sign_off:
        sign_off = document.sign_off
        lines += [sign_off.title, sign_off.statement]
        lines += [f"{s.role} {s.name} {s.organisation}" for s in sign_off.signatories]
    return "\n".join(lines)


def _block_text(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"{block.number} {block.text}" if block.number else block.text]
    if isinstance(block, Heading):
        return [block.text]
    if isinstance(block, Title):
        return [block.text] + ([block.subtitle] if block.subtitle else [])
    if isinstance(block, NumberedSection):
        return [block.heading]
    if isinstance(block, Bullets):
        return [item.text for item in block.items]
    if isinstance(block, Table):
        lines = [block.caption] if block.caption else []
        return lines + [" | ".join(block.columns)] + [" | ".join(row) for row in block.rows]
    if isinstance(block, Chart):
        return [block.title, block.caption, block.alt_text]
    if isinstance(block, KeyValue):
        return [f"{label}: {value}" for label, value in block.pairs]
    return []
