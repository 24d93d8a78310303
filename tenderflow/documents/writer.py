"""Render a content ``Document`` to Word with python-docx, on top of a base template.

The template's body is emptied; its styles, headers, footers, page size and margins stay. The
writer decides nothing about content: it maps each block to the template's styles.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from pathlib import Path
from typing import IO

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.shared import Cm, Emu, Length, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from tenderflow.documents.content import (
    Block,
    Bullets,
    Chart,
    Cover,
    Document,
    Heading,
    KeyValue,
    NumberedSection,
    PageBreak,
    Paragraph,
    SignOff,
    Table,
    Title,
)
from tenderflow.documents.docx_xml import (
    add_row,
    add_text,
    begin_field,
    clean,
    end_field,
    row_height,
    set_table_width,
    update_fields_on_open,
)
from tenderflow.documents.templates import (
    DEFAULT_TEMPLATE,
    REQUIRED_STYLES,
    TemplateError,
    open_template,
)

TABLE_STYLE = "tenderflow Table"
CANT_SPLIT_LIMIT = 600  # characters; a longer row may be taller than a page, so it may split
TOC_LEVELS = 2  # levels listed in the contents shown before Word refreshes the field
# Approximate Arial advance widths in thousandths of an em, a 9 pt em and a cell's side margins
# in EMU: used only to keep columns wide enough not to break words.
_NARROW, _WIDE = frozenset("fijlrt.,:;'!|I()-/ "), frozenset("mwMW%@")
EM_9PT, CELL_PADDING = 114_300, 130_000


def write_docx(document: Document, template_path: Path | str | None, out_path: Path | str) -> Path:
    """Write ``document`` as a .docx at ``out_path`` on the template (default if None)."""
    out = Path(out_path)
    out.write_bytes(render_docx(document, template_path))
    return out


def render_docx(document: Document, template: Path | str | IO[bytes] | None = None) -> bytes:
    """Return ``document`` rendered as .docx bytes on the template (default if None)."""
    writer = _Writer(open_template(template or DEFAULT_TEMPLATE))
    writer.write(document)
    buffer = io.BytesIO()
    writer.docx.save(buffer)
    return buffer.getvalue()


class _Writer:
    def __init__(self, docx: DocxDocument) -> None:
        self.docx = docx
        self.body = docx.element.body
        self.style_ids = {style.name: style.style_id for style in docx.styles}
        missing = [name for name in REQUIRED_STYLES if name not in self.style_ids]
        if missing:
            raise TemplateError(f"The template is missing required styles: {', '.join(missing)}")
        section = docx.sections[-1]
        self.text_width: Length = Emu(
            (section.page_width or Cm(21))
            - (section.left_margin or 0)
            - (section.right_margin or 0)
        )
        self.tables = 0
        self.figures = 0
        self.spacer: CT_P | None = None

    def write(self, document: Document) -> None:
        for child in list(self.body):
            if child.tag != qn("w:sectPr"):
                self.body.remove(child)
        properties = self.docx.core_properties
        properties.title = clean(document.title)
        properties.subject = clean(document.kind)
        properties.comments = ""  # the template's own description is not this document's
        if document.dated:
            # The document's date, not the template's (and never the clock's).
            moment = datetime.combine(document.dated, time(), tzinfo=UTC)
            properties.created = properties.modified = moment
            properties.revision = 1
        if document.cover:
            self._cover(document.cover)
        if document.toc:
            self._contents(document)
        self._blocks(document.blocks, depth=1)
        if document.sign_off:
            self._sign_off(document.sign_off)
        last = self.body[-1] if self.body[-1].tag != qn("w:sectPr") else self.body[-2]
        if last is self.spacer:
            # The document ends with a table: its spacer must not spill onto a blank page.
            _exact_height(last, Pt(1))

    # --- paragraphs -------------------------------------------------------------------------

    def _paragraph(self, style: str, text: str = "", bold: bool = False) -> CT_P:
        p = self.body.add_p()
        p.style = self.style_ids[style]
        if text:
            add_text(p, text, bold=bold)
        return p

    def _blocks(self, blocks: tuple[Block, ...], depth: int) -> None:
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if isinstance(block, Paragraph) and isinstance(following, Bullets | Table | Chart):
                # A paragraph introducing a list, table or chart stays on its page.
                self._text(block, keep_with_next=True)
            elif isinstance(block, Bullets) and index and _numbered(blocks[index - 1]):
                # Bullets under a council-style "(2)" paragraph line up with its text.
                self._bullets(block, indent=True)
            else:
                self._block(block, depth)

    def _block(self, block: Block, depth: int) -> None:
        if isinstance(block, NumberedSection):
            self._paragraph(f"Heading {min(depth, 3)}", block.heading)
            self._blocks(block.blocks, depth + 1)
        elif isinstance(block, Heading):
            self._paragraph(f"Heading {block.level}", block.text)
        elif isinstance(block, Title):
            self._paragraph("Title", block.text)
            if block.subtitle:
                self._paragraph("Subtitle", block.subtitle)
        elif isinstance(block, Paragraph):
            self._text(block)
        elif isinstance(block, Bullets):
            self._bullets(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, KeyValue):
            for label, value in block.pairs:
                p = self._paragraph("Key Value", f"{label}:", bold=True)
                add_text(p, f"\t{value}")
        elif isinstance(block, PageBreak):
            self._page_break()
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"cannot write {type(block).__name__}")

    def _text(
        self, paragraph: Paragraph, style: str = "Normal", keep_with_next: bool = False
    ) -> CT_P:
        if paragraph.number is not None:
            p = self._paragraph("Numbered Paragraph", f"{paragraph.number}\t")
        else:
            p = self._paragraph(style)
        if keep_with_next:
            p.get_or_add_pPr().keepNext_val = True
        for run in paragraph.runs:
            add_text(p, run.text, bold=run.bold, italic=run.italic)
        return p

    def _bullets(self, bullets: Bullets, indent: bool = False) -> None:
        for number, item in enumerate(bullets.items, start=1):
            if bullets.numbered:
                self._text(Paragraph(item.runs, number=f"{number}."))
                continue
            p = self._text(item, style="List Bullet")
            if indent:
                ppr = p.get_or_add_pPr()
                ppr.ind_left, ppr.first_line_indent = Cm(1.5), Cm(-0.5)

    def _page_break(self) -> None:
        p = self.body.add_p()
        p.add_r().add_br().type = "page"

    # --- cover, contents and sign-off ------------------------------------------------------

    def _cover(self, cover: Cover) -> None:
        self._paragraph("Cover Title", cover.title)
        self._paragraph("Cover Subtitle", cover.subtitle)
        self._paragraph("Cover Detail", cover.organisation, bold=True)
        for label, value in cover.details:
            p = self._paragraph("Cover Detail", f"{label}:", bold=True)
            add_text(p, f"\t{value}")
        if cover.classification:
            self._paragraph("Cover Detail", cover.classification, bold=True)
        section = self.docx.sections[-1]
        # The cover carries no page number unless the template already styles a first page.
        if not section.different_first_page_header_footer:
            section.different_first_page_header_footer = True
        self._page_break()

    def _contents(self, document: Document) -> None:
        self._paragraph("TOC Heading", "Contents")
        entries = _contents_entries(document.blocks, depth=1)
        if document.sign_off:
            entries.append((1, document.sign_off.title))
        first = self._paragraph("Normal")
        begin_field(first, 'TOC \\o "1-3" \\h \\z \\u')
        # The field's shown result lists the headings without page numbers; Word replaces it
        # with the real contents when it opens the document (LibreOffice shows it as it is).
        p = first
        for index, (level, text) in enumerate(entries):
            if index:
                p = self._paragraph("Normal")
            _indent(p, level)
            add_text(p, text)
        if not entries:
            add_text(p, "Update this field to list the contents.")
        end_field(p)
        update_fields_on_open(self.docx.settings)
        self._page_break()

    def _sign_off(self, sign_off: SignOff) -> None:
        self._paragraph("Heading 1", sign_off.title)
        statement = self._paragraph("Normal", sign_off.statement)
        statement.get_or_add_pPr().keepNext_val = True
        rows = tuple(
            (s.role, f"{s.name}\n{s.organisation}".strip(), "", "") for s in sign_off.signatories
        )
        table = Table(
            columns=("Role", "Name", "Signature", "Date"),
            rows=rows,
            widths=(3.0, 4.0, 5.0, 2.5),
        )
        tbl = self._table(table, caption=False)
        rows_xml = tbl.tr_lst
        for index, tr in enumerate(rows_xml):
            if index:
                row_height(tr, 850)  # 1.5 cm, room to sign
            if index < len(rows_xml) - 1:
                # The whole block stays on one page: a signature line alone is no sign-off.
                for p in tr.iter(qn("w:p")):
                    p.get_or_add_pPr().keepNext_val = True

    # --- tables and charts -----------------------------------------------------------------

    def _table(self, table: Table, caption: bool = True) -> CT_Tbl:
        if caption and table.caption:
            self.tables += 1
            p = self._paragraph("Caption", f"Table {self.tables}: {table.caption}")
            p.get_or_add_pPr().keepNext_val = True
        widths = self._widths(table)
        docx_table = self.docx.add_table(rows=0, cols=len(table.columns))
        docx_table.style = self.docx.styles[TABLE_STYLE]
        docx_table.autofit = False
        for column, width in zip(docx_table.columns, widths, strict=True):
            column.width = width
        tbl = docx_table._tbl
        twips = [int(width) // 635 for width in widths]  # EMU to twentieths of a point
        set_table_width(tbl, sum(twips))
        heading_id, text_id = self.style_ids["Table Heading"], self.style_ids["Table Text"]
        numeric = table.numeric_columns
        add_row(tbl, table.columns, twips, heading_id, numeric, header=True, cant_split=True)
        shaded: dict[int, set[int]] = {}
        for row_index, column in table.highlight:
            shaded.setdefault(row_index, set()).add(column)
        for row_index, row in enumerate(table.rows):
            add_row(
                tbl,
                row,
                twips,
                text_id,
                numeric,
                shaded=shaded.get(row_index, ()),
                bold=row_index in table.emphasis_rows,
                cant_split=sum(len(text) for text in row) <= CANT_SPLIT_LIMIT,
            )
        # A short paragraph after each table keeps consecutive tables apart (Word would merge them).
        self.spacer = self._paragraph("Normal")
        _exact_height(self.spacer, Pt(6))
        return tbl

    def _widths(self, table: Table) -> list[Length]:
        return [Emu(int(w)) for w in fit_widths(table, int(self.text_width))]

    def _chart(self, chart: Chart) -> None:
        p = self._paragraph("Normal")
        p.get_or_add_pPr().keepNext_val = True  # the picture stays with its caption
        paragraph = DocxParagraph(p, self.docx._body)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width = min(Cm(chart.width_cm), self.text_width)
        shape = paragraph.add_run().add_picture(io.BytesIO(chart.png), width=width)
        shape._inline.docPr.set("descr", clean(chart.alt_text))
        shape._inline.docPr.set("title", clean(chart.title))
        self.figures += 1
        self._paragraph("Caption", f"Figure {self.figures}: {chart.caption}")


def _numbered(block: Block) -> bool:
    return isinstance(block, Paragraph) and block.number is not None


def _word_width(word: str, bold: bool = False) -> float:
    units = sum(
        300 if c in _NARROW else 880 if c in _WIDE else 720 if c.isupper() else 570 for c in word
    )
    return units * EM_9PT / 1000 * (1.07 if bold else 1.0)


def _exact_height(p: CT_P, height: Length) -> None:
    ppr = p.get_or_add_pPr()
    ppr.spacing_before, ppr.spacing_after = Pt(0), Pt(0)
    ppr.spacing_line, ppr.spacing_lineRule = height, WD_LINE_SPACING.EXACTLY


def _indent(p: CT_P, level: int) -> None:
    pPr = p.get_or_add_pPr()
    pPr.ind_left = Cm(0.6 * (level - 1))
    pPr.spacing_after = Cm(0.1)


def _contents_entries(blocks: tuple[Block, ...], depth: int) -> list[tuple[int, str]]:
    entries: list[tuple[int, str]] = []
    for block in blocks:
        if isinstance(block, NumberedSection):
            if depth <= TOC_LEVELS:
                entries.append((depth, block.heading))
            entries.extend(_contents_entries(block.blocks, depth + 1))
        elif isinstance(block, Heading) and block.level <= TOC_LEVELS:
            entries.append((block.level, block.text))
    return entries


def fit_widths(table: Table, text_width: int) -> list[float]:
    """Share ``text_width`` between columns by their relative widths, fitting their longest words."""
    # A column too narrow for its longest word would break it ("Weight/ed"); such columns are
    # widened at the expense of columns with room to spare.
    weights = table.widths or tuple(1.0 for _ in table.columns)
    total = sum(weights)
    widths = [text_width * weight / total for weight in weights]
    longest = [
        max((_word_width(w, bold=True) for w in name.split()), default=0) for name in table.columns
    ]
    longest_chars = [0] * len(widths)
    for row in table.rows:
        for index, text in enumerate(row):
            if len(text) > longest_chars[index]:  # cheap test before splitting words
                word = max(text.split() or [""], key=len)
                longest_chars[index] = max(longest_chars[index], len(word))
                longest[index] = max(longest[index], _word_width(word))
    # A very long word (a web address, a pasted reference) wraps inside its cell instead.
    needs = [min(length + CELL_PADDING, text_width * 0.4) for length in longest]
    short = sum(max(need - width, 0) for need, width in zip(needs, widths, strict=True))
    slack = sum(max(width - need, 0) for need, width in zip(needs, widths, strict=True))
    if short <= 0 or slack <= 0:
        return widths
    share = min(short / slack, 1.0)
    return [
        need if need > width else width - (width - need) * share
        for need, width in zip(needs, widths, strict=True)
    ]
