"""Rules for bidders, bids and clarifications: sealing, lateness, uploads, shortlists.

Plain Python: times and limits are passed in. A bid is sealed until its tender deadline
has passed; a bid received after the deadline is late.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time

from tenderflow.domain.archives import archive_problem
from tenderflow.domain.capital import attachments

SELECTION_RESULTS = {"pending": "Not yet decided", "passed": "Passed", "failed": "Failed"}

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word document", "xlsx": "Excel workbook", "odt": "ODT"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def file_kind(content: bytes) -> str | None:
    """Return pdf, docx, xlsx or odt judged by the file's bytes, or None if it is none of them."""
    if content.startswith(b"PK\x03\x04") and _is_odt(content):
        return "odt"
    kind = attachments.file_kind(content)
    return kind if kind in MEDIA_TYPES else None


def _is_odt(content: bytes) -> bool:
    # OpenDocument keeps its type, uncompressed, as the archive's first entry.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            return (
                bool(names)
                and names[0] == "mimetype"
                and "content.xml" in names
                and archive.read("mimetype").strip() == ODT_MIMETYPE
            )
    except (zipfile.BadZipFile, ValueError, KeyError, OSError):
        return False


def upload_problem(content: bytes, max_bytes: int) -> str | None:
    """Return why a bid document may not be kept, in GOV.UK wording, or None if it may."""
    if not content:
        return "The selected file is empty"
    if len(content) > max_bytes:
        return f"The selected file must be smaller than {format_size(max_bytes)}"
    unsafe = archive_problem(content)
    if unsafe is not None:
        return unsafe
    if file_kind(content) is None:
        return "The selected file must be a PDF, Word document (DOCX), Excel workbook (XLSX) or ODT"
    return None


def format_size(size: int) -> str:
    """Return a file size people read easily: 20MB, 340KB, 12 bytes."""
    if size >= 1024 * 1024:
        mb = size / (1024 * 1024)
        return f"{mb:.0f}MB" if mb == int(mb) else f"{mb:.1f}MB"
    if size >= 1024:
        return f"{size // 1024}KB"
    return f"{size} bytes"


def download_name(original: str, kind: str) -> str:
    """Return a safe name to offer on download: the sender's name with the right ending."""
    base = original.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch if ch.isalnum() or ch in " _-()" else "_" for ch in stem).strip(" _")
    return f"{(stem or 'bid-document')[:100]}.{kind}"


def is_sealed(deadline: datetime | None, now: datetime) -> bool:
    """Return whether bids are still sealed: no deadline set, or the deadline not yet passed."""
    return deadline is None or now <= deadline


def is_late(received_at: datetime, deadline: datetime | None) -> bool:
    """Return whether a bid received at ``received_at`` missed the tender deadline."""
    return deadline is not None and received_at > deadline


def sealed_reason(deadline_text: str | None) -> str:
    """Return the sentence explaining why a bid cannot be opened yet."""
    if deadline_text is None:
        return "Bids are sealed: no tender deadline has been set"
    return f"Bids are sealed until the tender deadline has passed ({deadline_text})"


def shortlist_unmet(
    shortlisted: int,
    min_candidates: int | None,
    fewer_reason: str | None,
    *,
    quotes: bool,
    invited: bool = False,
) -> list[str]:
    """Return what stops the ITT going out for want of candidates.

    ``invited``: the lead invites suppliers to tender directly, with no EOI or shortlist.
    """
    if quotes or invited:
        noun = "suppliers asked to quote" if quotes else "suppliers invited to tender"
        if shortlisted == 0:
            return [f"Add the {noun}"]
    else:
        if shortlisted == 0:
            return ["Record the shortlist of candidates to invite to tender"]
        noun = "shortlisted candidates"
    needed = min_candidates or 0
    if shortlisted < needed and not (fewer_reason or "").strip():
        return [
            f"The route needs at least {needed} {noun} but there "
            f"{'is' if shortlisted == 1 else 'are'} {shortlisted}: "
            "add more or record why fewer responded"
        ]
    return []


def clarification_label(number: int) -> str:
    """Return a clarification's reference, such as CQ-007."""
    return f"CQ-{number:03d}"


def parse_time_of_day(text: str) -> time:
    """Read a time such as 14:30, 9:05, 2pm or 2.30pm; raise ValueError otherwise."""
    cleaned = text.strip().lower().replace(" ", "").replace(".", ":")
    suffix = ""
    if cleaned.endswith(("am", "pm")):
        cleaned, suffix = cleaned[:-2], cleaned[-2:]
    hours_text, _, minutes_text = cleaned.partition(":")
    if not hours_text.isdigit() or (minutes_text and not minutes_text.isdigit()):
        raise ValueError(text)
    hours, minutes = int(hours_text), int(minutes_text or "0")
    if suffix:
        if not 1 <= hours <= 12:
            raise ValueError(text)
        hours = hours % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hours <= 23 and 0 <= minutes <= 59 and len(minutes_text) in (0, 2)):
        raise ValueError(text)
    return time(hours, minutes)
