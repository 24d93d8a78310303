"""Supporting documents: what a file is, judged by its content rather than its name."""

from __future__ import annotations

import io
import zipfile

from tenderflow.domain.archives import archive_problem
from tenderflow.domain.capital.matrix import Field

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpeg": "jpg"}


def file_kind(content: bytes) -> str | None:
    """Return pdf, docx, xlsx, png or jpeg from a file's bytes, or None if it is none of them."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def attachment_problem(item: Field, content: bytes, already: int) -> str | None:
    """Return the matrix's message for a file that may not be attached, or None if it may."""
    if item.max_files is not None and already >= item.max_files:
        return item.errors["too_many"]
    if not content:
        return item.errors["empty"]
    if item.max_size_mb is not None and len(content) > item.max_size_mb * 1024 * 1024:
        return item.errors["too_large"]
    unsafe = archive_problem(content)
    if unsafe is not None:
        return unsafe
    if file_kind(content) not in item.file_types:
        return item.errors["invalid"]
    return None


def safe_filename(name: str, kind: str) -> str:
    """Return a name to offer on download: the person's name for the file, with the right ending."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch if ch.isalnum() or ch in " _-()" else "_" for ch in stem).strip(" _")
    return f"{(stem or 'document')[:100]}.{EXTENSIONS[kind]}"
