"""Archives for the upload tests: a zip bomb shaped as each kind of Office file."""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
# The part that carries the payload, and the parts that make each kind recognisable.
SHAPES = {
    "xlsx": ("xl/sharedStrings.xml", {"xl/workbook.xml": "<workbook/>"}),
    "docx": ("word/document.xml", {}),
    "odt": ("content.xml", {}),
}


def zip_bomb(kind: str = "xlsx", inflated_bytes: int = 20 * 1024 * 1024) -> bytes:
    """Return a small archive (tens of KB) with one part that inflates to ``inflated_bytes``."""
    payload_name, others = SHAPES[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if kind == "odt":
            archive.writestr(
                "mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
            )
        else:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, text in others.items():
            archive.writestr(name, text)
        # Written in pieces so the test never holds the inflated text twice.
        with archive.open(payload_name, "w", force_zip64=True) as part:
            chunk = b"<si><t>" + b"A" * 65_000 + b"</t></si>"
            for _ in range(inflated_bytes // len(chunk) + 1):
                part.write(chunk)
    return buffer.getvalue()


def archive_of(parts: dict[str, bytes]) -> bytes:
    """Return an archive holding ``parts``, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
