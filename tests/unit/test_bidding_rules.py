"""Sealing, lateness, upload checks, shortlists and clarification references."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time, timedelta

import pytest

from tenderflow.domain import bidding

DEADLINE = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def archive(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_bids_are_sealed_until_the_deadline_has_passed() -> None:
    assert bidding.is_sealed(DEADLINE, DEADLINE - SECOND)
    assert bidding.is_sealed(DEADLINE, DEADLINE)
    assert not bidding.is_sealed(DEADLINE, DEADLINE + SECOND)


def test_bids_are_sealed_while_no_deadline_is_set() -> None:
    assert bidding.is_sealed(None, DEADLINE)


def test_a_bid_is_late_only_after_the_deadline() -> None:
    assert not bidding.is_late(DEADLINE, DEADLINE)
    assert bidding.is_late(DEADLINE + SECOND, DEADLINE)
    assert not bidding.is_late(DEADLINE + SECOND, None)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (archive({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "docx"),
        (archive({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "xlsx"),
        (
            archive(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
            ),
            "odt",
        ),
        (
            archive(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<x/>",
                }
            ),
            None,
        ),
        (archive({"readme.txt": b"hello"}), None),
        (b"PK\x03\x04 not a zip", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_a_file_is_known_by_its_content(content: bytes, kind: str | None) -> None:
    assert bidding.file_kind(content) == kind


def test_an_upload_problem_names_what_is_wrong() -> None:
    assert bidding.upload_problem(b"%PDF-1.4", 100) is None
    assert bidding.upload_problem(b"", 100) == "The selected file is empty"
    assert bidding.upload_problem(b"%PDF-" + b"0" * 100, 100) == (
        "The selected file must be smaller than 100 bytes"
    )
    assert bidding.upload_problem(b"%PDF-1.4", 20 * 1024 * 1024) is None
    assert "must be a PDF" in (bidding.upload_problem(b"GIF89a", 100) or "")


def test_sizes_read_easily() -> None:
    assert bidding.format_size(20 * 1024 * 1024) == "20MB"
    assert bidding.format_size(1536 * 1024) == "1.5MB"
    assert bidding.format_size(2048) == "2KB"


def test_a_download_name_keeps_the_senders_name_with_the_true_ending() -> None:
    assert bidding.download_name("C:\\bids\\Method statement.xlsx", "pdf") == "Method statement.pdf"
    assert bidding.download_name("../../etc/passwd", "docx") == "passwd.docx"
    assert bidding.download_name("", "odt") == "bid-document.odt"


def test_a_shortlist_below_the_minimum_needs_a_reason() -> None:
    assert bidding.shortlist_unmet(2, 4, None, quotes=False) == [
        "The route needs at least 4 shortlisted candidates but there are 2: "
        "add more or record why fewer responded"
    ]
    assert bidding.shortlist_unmet(2, 4, "Only two applied", quotes=False) == []
    assert bidding.shortlist_unmet(4, 4, None, quotes=False) == []
    assert bidding.shortlist_unmet(1, None, None, quotes=False) == []
    assert bidding.shortlist_unmet(0, 4, "reason", quotes=False) == [
        "Record the shortlist of candidates to invite to tender"
    ]


def test_a_quotes_route_needs_its_suppliers() -> None:
    assert bidding.shortlist_unmet(0, 3, None, quotes=True) == ["Add the suppliers asked to quote"]
    assert bidding.shortlist_unmet(1, 3, None, quotes=True) == [
        "The route needs at least 3 suppliers asked to quote but there is 1: "
        "add more or record why fewer responded"
    ]


def test_an_invited_tender_without_an_eoi_needs_the_suppliers_invited() -> None:
    unmet = bidding.shortlist_unmet(0, 4, None, quotes=False, invited=True)
    assert unmet == ["Add the suppliers invited to tender"]
    assert bidding.shortlist_unmet(3, 4, None, quotes=False, invited=True) == [
        "The route needs at least 4 suppliers invited to tender but there are 3: "
        "add more or record why fewer responded"
    ]
    assert bidding.shortlist_unmet(3, 4, "Only three replied", quotes=False, invited=True) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", time(14, 30)),
        ("9:05", time(9, 5)),
        ("2pm", time(14, 0)),
        ("2.30 pm", time(14, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
    ],
)
def test_a_time_of_day_is_read_as_people_write_it(text: str, expected: time) -> None:
    assert bidding.parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["25:00", "13pm", "9:5", "noon", "", "10:60"])
def test_a_time_that_is_not_real_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bidding.parse_time_of_day(text)


def test_clarifications_are_numbered_cq() -> None:
    assert bidding.clarification_label(7) == "CQ-007"
