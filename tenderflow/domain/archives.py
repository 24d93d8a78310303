"""Uploaded Office files are zip archives: check one is safe to unpack before anything parses it.

An .xlsx of a few megabytes can hold shared strings that inflate to gigabytes (a "zip bomb").
The limits are on what the archive's directory declares: Python's zipfile (which openpyxl and
python-docx read through) never inflates an entry beyond its declared size, so checking the
declared sizes bounds what parsing can unpack.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class ArchiveLimits:
    """How far an uploaded archive may unpack."""

    # Every entry unpacked, together. Images are stored already compressed, so a long tender
    # response with pictures unpacks to about its own size; spreadsheets are parsed in memory.
    max_total_bytes: int = 100 * 1024 * 1024
    # Office files hold tens of parts; a few thousand covers documents with many images.
    max_entries: int = 5000
    # Deflated XML rarely shrinks more than 30 times; repeated blank rows can reach 100.
    max_ratio: int = 200
    # Entries smaller than this are not held to the ratio: tiny repetitive parts compress well.
    ratio_applies_from: int = 1024 * 1024


LIMITS = ArchiveLimits()


def is_zip(content: bytes) -> bool:
    """Say whether the bytes start as a zip archive (.xlsx, .docx and .odt all do)."""
    return content.startswith(ZIP_SIGNATURE)


def archive_problem(content: bytes, limits: ArchiveLimits = LIMITS) -> str | None:
    """Return why a zip archive may not be unpacked, in GOV.UK wording, or None if it may.

    Bytes that are not a readable zip archive are not this check's business (None): the
    checks of what kind of file it is refuse them.
    """
    if not is_zip(content):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None  # not a readable archive: the file type checks refuse it in their words
    if len(entries) > limits.max_entries:
        return (
            f"The selected file holds more than {limits.max_entries:,} parts, so it cannot be "
            "checked safely: save it again from Word or Excel"
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > limits.max_total_bytes:
            return (
                f"The selected file unpacks to more than {limits.max_total_bytes // (1024 * 1024)}MB, "
                "so it cannot be checked safely: split it into smaller files"
            )
        if entry.file_size >= limits.ratio_applies_from and (
            entry.compress_size == 0 or entry.file_size / entry.compress_size > limits.max_ratio
        ):
            return (
                "The selected file is compressed far more than a real document or spreadsheet "
                "(it may be a zip bomb), so it cannot be accepted"
            )
    return None
