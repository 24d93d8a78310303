"""Generated Word files opened with python-docx, as a reader's Word would open them."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn

from tenderflow.documents import (
    DEFAULT_TEMPLATE,
    REQUIRED_STYLES,
    TemplateError,
    build_evaluation_report,
    check_template,
    missing_styles,
    render_docx,
    write_docx,
)
from tenderflow.documents.content import (
    Bullets,
    Cover,
    Document,
    Heading,
    NumberedSection,
    Paragraph,
    Run,
    Table,
)
from tenderflow.documents.writer import fit_widths
from tenderflow.paths import PROJECT_ROOT
from tests import sample_documents as sample

AWKWARD_TEXTS = [
    "Smith & Jones <Ltd>",
    'He said "it\'s fine" & left',
    "Café 😀 ✓ – “curly”",
    "A" * 300,
    "</w:t><w:t>not markup</w:t>",
]


def body_xml(document: DocxDocument) -> str:
    return document.element.body.xml


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    write_docx(build_evaluation_report(sample.evaluation_input()), None, path)
    return docx.Document(str(path))


@pytest.fixture
def template_without(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Return a function writing a copy of the default template without some styles."""

    def make(*names: str) -> Path:
        template = docx.Document(str(DEFAULT_TEMPLATE))
        for style in list(template.styles):
            if style.name in names:
                style.element.getparent().remove(style.element)
        path = tmp_path / "council.docx"
        template.save(str(path))
        return path

    return make


# --- what a reader sees ---------------------------------------------------------------------


def test_headings_use_the_templates_heading_styles(report: DocxDocument) -> None:
    headings = [
        (p.style.name, p.text) for p in report.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "1. Summary and recommendation")
    assert ("Heading 2", "8.2 Smith & Jones <Ltd>") in headings
    assert headings[-1] == ("Heading 1", "Sign-off")


def test_the_cover_comes_first_and_carries_no_page_number(report: DocxDocument) -> None:
    first = report.paragraphs[0]
    assert (first.style.name, first.text) == ("Cover Title", "Tender evaluation report")
    assert report.sections[0].different_first_page_header_footer


def test_every_table_has_a_header_row_that_repeats_on_each_page(report: DocxDocument) -> None:
    assert len(report.tables) == 17
    for table in report.tables:
        rows = table._tbl.tr_lst
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for row in rows[1:])
        assert table.style.name == "tenderflow Table"


def test_rows_do_not_split_across_pages_unless_they_are_very_long() -> None:
    long_row = ("x " * 400, "short")
    document = Document("t", "T", (Table(("A", "B"), (("a", "b"), long_row)),))
    rows = open_docx(render_docx(document)).tables[0]._tbl.tr_lst
    cant_split = [row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows]
    assert cant_split == [True, True, False]


def test_table_text_is_read_back_cell_by_cell(report: DocxDocument) -> None:
    ranking = next(t for t in report.tables if t.rows[0].cells[0].text == "Rank")
    assert [c.text for c in ranking.rows[1].cells][:5] == [
        "1",
        sample.WINNER,
        "57.00",
        "22.83",
        "79.83",
    ]
    assert [c.text for c in ranking.rows[2].cells][1] == sample.AWKWARD


def test_numeric_columns_are_right_aligned_and_flagged_cells_shaded(report: DocxDocument) -> None:
    scores = next(t for t in report.tables if "Spread" in [c.text for c in t.rows[0].cells])
    q5 = scores.rows[5].cells  # header, Q1-Q4, then Q5 of the recommended bid
    assert q5[5].text == "2 (flag)"
    assert q5[5]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFF2CC"
    assert q5[0]._tc.tcPr.find(qn("w:shd")) is None
    assert q5[2].paragraphs[0].alignment == 2  # right
    assert q5[0].paragraphs[0].alignment is None


def test_the_table_of_contents_is_a_field_word_updates_on_opening(report: DocxDocument) -> None:
    xml = body_xml(report)
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    begin = report.element.body.find(f".//{qn('w:fldChar')}")
    assert begin.get(qn("w:fldCharType")) == "begin" and begin.get(qn("w:dirty")) == "true"
    assert xml.count('w:fldCharType="end"') == 1
    update = report.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    # The field's shown result lists the headings until Word refreshes it.
    texts = [p.text for p in report.paragraphs]
    start = texts.index("Contents")
    assert texts[start + 1 : start + 3] == [
        "1. Summary and recommendation",
        "2. Procurement route and compliance",
    ]
    assert report.paragraphs[start].style.name == "TOC Heading"


def test_page_numbers_are_fields_in_the_footer(report: DocxDocument) -> None:
    footer = report.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert "Page" in report.sections[0].footer.paragraphs[0].text


def test_charts_are_embedded_as_pictures_with_alt_text(report: DocxDocument) -> None:
    assert len(report.inline_shapes) == 3
    descriptions = [s._inline.docPr.get("descr") for s in report.inline_shapes]
    assert descriptions[1].startswith("Total score out of 100 for each ranked bid")
    widths = [s.width.cm for s in report.inline_shapes]
    assert all(15.9 < w < 16.1 for w in widths)


def test_awkward_text_comes_out_intact_as_plain_text() -> None:
    blocks = [Paragraph.of(text) for text in AWKWARD_TEXTS]
    blocks.append(Paragraph.of("line one\nline two\tafter a tab"))
    blocks.append(Paragraph.of("bell\x07 and null\x00 removed"))
    blocks.append(Table(("Bidder", "Note"), tuple((t, t) for t in AWKWARD_TEXTS)))
    document = Document("t", AWKWARD_TEXTS[0], tuple(blocks), cover=Cover("T", "S", "O"))
    written = open_docx(render_docx(document))
    texts = [p.text for p in written.paragraphs]
    for text in AWKWARD_TEXTS:
        assert text in texts
        assert [text, text] in [[c.text for c in row.cells] for row in written.tables[0].rows]
    assert "line one\nline two\tafter a tab" in texts
    assert "bell and null removed" in texts
    assert written.core_properties.title == "Smith & Jones <Ltd>"
    assert "<not markup" not in body_xml(written)


def test_runs_keep_bold_and_italic() -> None:
    paragraph = Paragraph.of("plain ", Run("bold", bold=True), " ", Run("italic", italic=True))
    runs = open_docx(render_docx(Document("t", "T", (paragraph,)))).paragraphs[0].runs
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in runs] == [
        ("plain ", False, False),
        ("bold", True, False),
        (" ", False, False),
        ("italic", False, True),
    ]


def test_council_numbering_and_lists_use_their_styles() -> None:
    blocks = (
        NumberedSection("1.", "Introduction", (Paragraph.of("First point.", number="(1)"),)),
        Bullets.of("a bullet"),
        Bullets.of("first", "second", numbered=True),
        Heading("Annex", 2),
    )
    written = open_docx(render_docx(Document("t", "T", blocks)))
    assert [(p.style.name, p.text) for p in written.paragraphs] == [
        ("Heading 1", "1. Introduction"),
        ("Numbered Paragraph", "(1)\tFirst point."),
        ("List Bullet", "a bullet"),
        ("Numbered Paragraph", "1.\tfirst"),
        ("Numbered Paragraph", "2.\tsecond"),
        ("Heading 2", "Annex"),
    ]


def test_the_documents_own_date_and_title_are_stored_in_its_properties(
    report: DocxDocument,
) -> None:
    properties = report.core_properties
    assert properties.created.date() == date(2026, 9, 18) == properties.modified.date()
    assert (
        properties.title
        == "Tender evaluation report: Kent Integrated Domestic Abuse Service: East Kent"
    )
    assert properties.subject == "tender-evaluation-report"
    assert properties.comments == ""


def test_the_templates_body_is_replaced_but_its_footer_kept() -> None:
    written = open_docx(render_docx(Document("t", "T", (Paragraph.of("Only this."),))))
    assert [p.text for p in written.paragraphs] == ["Only this."]
    assert "NUMPAGES" in written.sections[0].footer._element.xml
    assert round(written.sections[0].page_width.cm, 1) == 21.0


def test_a_column_too_narrow_for_its_longest_word_is_widened() -> None:
    table = Table(("Rank", "Bidder"), (("1", "Harbour Light Housing Trust"),), widths=(0.2, 15.8))
    narrow, wide = fit_widths(table, 5_760_000)  # 16 cm in EMU
    assert narrow > 5_760_000 * 0.2 / 16
    assert abs(narrow + wide - 5_760_000) < 10


# --- templates ------------------------------------------------------------------------------


def test_the_default_template_has_every_required_style() -> None:
    assert missing_styles(DEFAULT_TEMPLATE) == []
    check_template(DEFAULT_TEMPLATE)


def test_a_template_missing_styles_is_refused_naming_each_one(template_without) -> None:  # type: ignore[no-untyped-def]
    path = template_without("Heading 2", "tenderflow Table", "Key Value")
    assert missing_styles(path) == ["Heading 2", "Key Value", "tenderflow Table"]
    with pytest.raises(
        TemplateError, match="missing 3 required styles: Heading 2, Key Value, tenderflow Table"
    ):
        check_template(path)
    with pytest.raises(TemplateError, match="Heading 2"):
        write_docx(Document("t", "T", ()), path, path.with_name("out.docx"))


def test_a_style_of_the_wrong_kind_is_reported(tmp_path: Path) -> None:
    template = docx.Document(str(DEFAULT_TEMPLATE))
    template.styles["tenderflow Table"].element.set(qn("w:type"), "paragraph")
    path = tmp_path / "council.docx"
    template.save(str(path))
    assert missing_styles(path) == ["tenderflow Table (must be a table style)"]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 not a Word document",
        b"plain text saved as .docx",
        b"",
    ],
)
def test_a_file_that_is_not_a_word_document_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "upload.docx"
    path.write_bytes(content)
    with pytest.raises(TemplateError, match="not a Word document"):
        check_template(path)


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(TemplateError, match="not a Word document"):
        check_template(path)


def test_a_macro_enabled_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "macros.docx"
    _rewrite(
        DEFAULT_TEMPLATE,
        path,
        lambda types: types.replace("document.main+xml", "document.macroEnabled.main+xml"),
    )
    with pytest.raises(TemplateError, match="without macros"):
        check_template(path)


def test_a_word_template_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "council.dotx"
    _rewrite(
        DEFAULT_TEMPLATE,
        path,
        lambda types: types.replace("document.main+xml", "template.main+xml"),
    )
    check_template(path)
    written = open_docx(render_docx(Document("t", "T", (Paragraph.of("On a .dotx"),)), path))
    assert written.paragraphs[0].text == "On a .dotx"


def test_required_styles_are_the_styles_the_writer_uses() -> None:
    source = (PROJECT_ROOT / "tenderflow" / "documents" / "writer.py").read_text()
    used = set(re.findall(r'_paragraph\(\s*"([^"]+)"', source))
    used |= {"Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Heading", "Table Text"}
    assert used <= set(REQUIRED_STYLES)


def test_the_committed_template_is_what_its_script_builds() -> None:
    script = PROJECT_ROOT / "scripts" / "build-docx-template"
    loader = importlib.machinery.SourceFileLoader("build_docx_template", str(script))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    assert module.build() == DEFAULT_TEMPLATE.read_bytes()


def _rewrite(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = change(data.decode()).encode()
            new.writestr(item, data)
