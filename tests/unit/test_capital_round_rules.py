"""A round's dates, what a scheme may do next, and supporting documents judged by content."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from tenderflow.domain.capital import attachments_field, default_matrix
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.capital.attachments import attachment_problem, file_kind, safe_filename
from tenderflow.domain.capital.timetable import (
    deadline_passed,
    is_open_for_submissions,
    next_review,
    reminder_due,
    review_due,
)

DEADLINE = date(2026, 9, 30)
REVIEWS = ((4, 1), (10, 1))


def test_the_deadline_day_is_still_open_and_the_next_day_closes_the_round() -> None:
    assert is_open_for_submissions(DEADLINE, DEADLINE)
    assert not deadline_passed(DEADLINE, DEADLINE)
    assert deadline_passed(DEADLINE, date(2026, 10, 1))
    assert not is_open_for_submissions(DEADLINE, date(2026, 10, 1))


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 9, 15), None),  # 15 days before: nothing yet
        (date(2026, 9, 16), 14),  # 14 days before
        (date(2026, 9, 22), 14),
        (date(2026, 9, 23), 7),
        (date(2026, 9, 28), 2),
        (date(2026, 9, 30), 2),  # the deadline day still has the last reminder
        (date(2026, 10, 1), None),  # closed: no reminders
    ],
)
def test_the_reminder_due_is_the_latest_whose_day_has_come(today: date, due: int | None) -> None:
    assert reminder_due(DEADLINE, today, (14, 7, 2)) == due


def test_without_reminder_days_none_is_due() -> None:
    assert reminder_due(DEADLINE, date(2026, 9, 29), ()) is None


@pytest.mark.parametrize(
    ("after", "review"),
    [
        (date(2026, 1, 15), date(2026, 4, 1)),
        (date(2026, 3, 31), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 10, 1)),  # decided on a review day: the next one
        (date(2026, 9, 30), date(2026, 10, 1)),
        (date(2026, 10, 1), date(2027, 4, 1)),
        (date(2026, 12, 31), date(2027, 4, 1)),
    ],
)
def test_pipeline_schemes_come_up_at_the_next_twice_yearly_review(
    after: date, review: date
) -> None:
    assert next_review(after, REVIEWS) == review


def test_a_review_is_due_on_its_day() -> None:
    assert review_due(date(2026, 10, 1), date(2026, 10, 1))
    assert not review_due(date(2026, 10, 1), date(2026, 9, 30))
    assert not review_due(None, date(2026, 9, 30))


def test_a_draft_is_submitted_only_while_the_round_is_open() -> None:
    assert st.may_submit(st.DRAFT, st.ROUND_OPEN, deadline_open=True)
    assert not st.may_submit(st.DRAFT, st.ROUND_OPEN, deadline_open=False)
    assert not st.may_submit(st.DRAFT, st.ROUND_CLOSED, deadline_open=False)


def test_a_returned_scheme_may_be_resubmitted_until_the_list_is_produced() -> None:
    assert st.may_submit(st.RETURNED, st.ROUND_CLOSED, deadline_open=False)
    assert not st.may_submit(st.RETURNED, st.ROUND_LISTED, deadline_open=False)
    assert not st.may_submit(st.SUBMITTED, st.ROUND_OPEN, deadline_open=True)


@pytest.mark.parametrize(
    ("round_status", "schemes", "flags", "complete"),
    [
        (st.ROUND_CLOSED, [st.SCORED, st.SCORED, st.DRAFT, st.WITHDRAWN], 0, True),
        (st.ROUND_OPEN, [st.SCORED], 0, False),
        (st.ROUND_CLOSED, [st.SCORED, st.ACCEPTED], 0, False),
        (st.ROUND_CLOSED, [st.SCORED, st.RETURNED], 0, False),
        (st.ROUND_CLOSED, [st.SCORED, st.SUBMITTED], 0, False),
        (st.ROUND_CLOSED, [st.SCORED], 1, False),
        (st.ROUND_CLOSED, [st.DRAFT], 0, False),
    ],
)
def test_scoring_is_complete_only_when_nothing_waits(
    round_status: str, schemes: list[str], flags: int, complete: bool
) -> None:
    assert st.scoring_complete(round_status, schemes, flags) is complete


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_files_are_judged_by_their_content_not_their_name() -> None:
    assert file_kind(b"%PDF-1.7\n...") == "pdf"
    assert file_kind(b"\x89PNG\r\n\x1a\n....") == "png"
    assert file_kind(b"\xff\xd8\xff\xe0....") == "jpeg"
    assert file_kind(_zip("[Content_Types].xml", "word/document.xml")) == "docx"
    assert file_kind(_zip("[Content_Types].xml", "xl/workbook.xml")) == "xlsx"
    assert file_kind(_zip("evil.exe")) is None
    assert file_kind(b"MZ\x90\x00 a program") is None
    assert file_kind(b"PK\x03\x04 not really a zip") is None


def test_attachment_limits_come_from_the_matrix() -> None:
    item = attachments_field(default_matrix())
    assert item is not None
    assert attachment_problem(item, b"%PDF-1.4", already=0) is None
    assert attachment_problem(item, b"", already=0) == "The selected file is empty"
    assert attachment_problem(item, b"MZ", already=0) == (
        "The selected file must be a PDF, Word, Excel, PNG or JPEG file"
    )
    assert attachment_problem(item, b"%PDF-1.4", already=5) == (
        "You can attach up to 5 supporting documents"
    )
    too_big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    assert attachment_problem(item, too_big, already=0) == (
        "The selected file must be smaller than 10 MB"
    )


def test_download_names_are_safe_and_end_as_the_content_is() -> None:
    assert safe_filename("Site plan.exe", "pdf") == "Site plan.pdf"
    assert safe_filename("../../etc/passwd", "png") == "passwd.png"
    assert safe_filename("", "jpeg") == "document.jpg"
    assert safe_filename("C:\\Users\\me\\Needs; 2026.docx", "docx") == "Needs_ 2026.docx"
