"""Base Word templates: the styles the writer needs, and checks on a council's own template."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from tenderflow.domain.archives import archive_problem
from tenderflow.paths import TEMPLATES_DIR

DEFAULT_TEMPLATE = TEMPLATES_DIR / "docx" / "default.docx"

# Every style the writer uses, by the name Word shows, with the kind of style it must be.
PARAGRAPH_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Caption",
    "List Bullet",
    "TOC Heading",
    "Cover Title",
    "Cover Subtitle",
    "Cover Detail",
    "Key Value",
    "Numbered Paragraph",
    "Table Text",
    "Table Heading",
)
TABLE_STYLES = ("tenderflow Table",)
REQUIRED_STYLES: dict[str, WD_STYLE_TYPE] = {
    **{name: WD_STYLE_TYPE.PARAGRAPH for name in PARAGRAPH_STYLES},
    **{name: WD_STYLE_TYPE.TABLE for name in TABLE_STYLES},
}

_MAIN_PART = "word/document.xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPES = ("macroEnabled", "vbaProject")


class TemplateError(ValueError):
    """A template that cannot be used, with a message for the administrator who uploaded it."""


def open_template(source: Path | str | IO[bytes]) -> DocxDocument:
    """Open a .docx (or .dotx) template with python-docx, or raise TemplateError saying why."""
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    package = _as_docx_package(data)
    try:
        return docx.Document(io.BytesIO(package))
    except (ValueError, KeyError, etree.XMLSyntaxError) as error:
        raise TemplateError(f"The Word document could not be read ({error}).") from None


def missing_styles(source: Path | str | IO[bytes]) -> list[str]:
    """List the required styles a template lacks (or has as the wrong kind), in a fixed order."""
    document = open_template(source)
    present = {style.name: style.type for style in document.styles}
    missing = []
    for name, kind in REQUIRED_STYLES.items():
        if name not in present:
            missing.append(name)
        elif present[name] != kind:
            missing.append(f"{name} (must be a {_KIND_NAMES[kind]} style)")
    return missing


def check_template(source: Path | str | IO[bytes]) -> None:
    """Raise TemplateError naming every missing style, or if the file is not a Word document."""
    missing = missing_styles(source)
    if missing:
        raise TemplateError(
            f"The template is missing {len(missing)} required "
            f"style{'s' if len(missing) != 1 else ''}: {', '.join(missing)}. "
            "Start from the default template, which has them all."
        )


_KIND_NAMES = {WD_STYLE_TYPE.PARAGRAPH: "paragraph", WD_STYLE_TYPE.TABLE: "table"}


def _as_docx_package(data: bytes) -> bytes:
    # Checked by content, not by file name: a renamed PDF or spreadsheet is refused here.
    not_word = "The file is not a Word document (.docx): save it from Word as a Word Document"
    unsafe = archive_problem(data)
    if unsafe is not None:
        raise TemplateError(unsafe + ".")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if _MAIN_PART not in names or "[Content_Types].xml" not in names:
            raise TemplateError(not_word + ".")
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, EOFError):
        raise TemplateError(not_word + ".") from None
    if any(marker in content_types for marker in _MACRO_TYPES) or "word/vbaProject.bin" in names:
        raise TemplateError(not_word + " without macros.")
    if _TEMPLATE_TYPE in content_types:
        # A Word template (.dotx) is the same package with another content type; python-docx
        # opens only documents, so relabel it in memory.
        return _relabel(archive, content_types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE))
    if _DOCUMENT_TYPE not in content_types:
        raise TemplateError(not_word + ".")
    return data


def _relabel(archive: zipfile.ZipFile, content_types: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            blob = archive.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = content_types.encode("utf-8")
            out.writestr(info, blob)
    return buffer.getvalue()
