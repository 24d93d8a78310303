"""Uploaded Office files are checked as zip archives before anything parses them."""

from __future__ import annotations

import io

import openpyxl

from tenderflow.documents.templates import DEFAULT_TEMPLATE
from tenderflow.domain.archives import ArchiveLimits, archive_problem
from tests.zip_bombs import archive_of, zip_bomb


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(500):
        sheet.append([f"Scheme {row}", row * 1000, "Cambridgeshire"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_real_workbook_and_word_document_pass() -> None:
    assert archive_problem(_workbook()) is None
    assert archive_problem(DEFAULT_TEMPLATE.read_bytes()) is None


def test_a_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    bomb = zip_bomb("xlsx")
    assert len(bomb) < 100_000
    problem = archive_problem(bomb)
    assert problem is not None and "zip bomb" in problem


def test_small_parts_are_not_held_to_the_ratio() -> None:
    # A few KB of repeated XML compresses well beyond the ratio and is still harmless.
    assert archive_problem(archive_of({"xl/styles.xml": b"<x/>" * 5000})) is None


def test_an_archive_unpacking_beyond_the_total_is_refused() -> None:
    limits = ArchiveLimits(max_total_bytes=1024 * 1024)
    varied = bytes(range(256)) * 3000  # 768 KB that barely compresses
    archive = archive_of({"a.xml": varied, "b.xml": varied})
    problem = archive_problem(archive, limits)
    assert problem is not None and "unpacks to more than 1MB" in problem
    assert archive_problem(archive_of({"a.xml": varied}), limits) is None


def test_an_archive_with_too_many_parts_is_refused() -> None:
    limits = ArchiveLimits(max_entries=10)
    problem = archive_problem(archive_of({f"part{n}.xml": b"<x/>" for n in range(11)}), limits)
    assert problem is not None and "more than 10 parts" in problem
    assert archive_problem(archive_of({f"part{n}.xml": b"<x/>" for n in range(10)}), limits) is None


def test_bytes_that_are_not_a_zip_are_left_to_the_file_type_checks() -> None:
    assert archive_problem(b"%PDF-1.4\n") is None


def test_a_damaged_archive_is_left_to_the_file_type_checks() -> None:
    assert archive_problem(b"PK\x03\x04" + b"\x00" * 200) is None
