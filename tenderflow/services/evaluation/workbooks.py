"""Scoring workbooks for panels that score offline: one per evaluator, exported and imported.

The "Scores" sheet has a row per bid and criterion the evaluator scores; the import checks
every row and refuses the whole file, naming each bad row, if any row is wrong.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy.orm import Session

from tenderflow.domain.archives import archive_problem
from tenderflow.domain.evaluation.panel import SheetProblem, score_text
from tenderflow.models import PanelMember, User
from tenderflow.services import ServiceError
from tenderflow.services.evaluation import bid_label
from tenderflow.services.evaluation.scoring import (
    NotTheEvaluator,
    ScoresRefused,
    save_scores,
    scores_of,
    submit_scores,
    why_not_scoring,
    work_of,
)
from tenderflow.spreadsheet_cells import append_row, restore_cell

SHEET = "Scores"
HEADERS = ("Bidder", "Criterion", "Criterion title", "Score", "Comment", "Status")
COLUMNS = ("bidder", "criterion", "title", "score", "comment", "status")


def workbook_name(member: PanelMember) -> str:
    """Return the download's file name."""
    person = "-".join(member.user.name.lower().split())
    return f"{member.procurement.reference}-scores-{person}.xlsx"


def export_workbook(session: Session, member: PanelMember, *, with_scores: bool = True) -> bytes:
    """Write the member's scoring workbook: their bids and criteria, with any saved scores
    (left out when ``with_scores`` is false: a blank workbook for someone else to hand on)."""
    reason = why_not_scoring(session, member)
    if reason:
        raise ServiceError(reason, {"workbook": reason})
    work = work_of(session, member)
    assert work is not None
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    append_row(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    saved = scores_of(session, member) if with_scores else {}
    for bid, criterion in work.cells:
        score = saved.get((bid.id, criterion.id))
        append_row(
            sheet,
            (
                bid_label(bid),
                criterion.id,
                criterion.title,
                float(score.score) if score and score.score is not None else None,
                score.comment if score else "",
                score.status if score else "not scored",
            ),
        )
    for column, width in zip("ABCDEF", (34, 10, 44, 8, 70, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
        row[3].protection = Protection(locked=False)
    scale = book.create_sheet("Scale")
    append_row(scale, ("Score", "Meaning"))
    for point, descriptor in sorted(work.model.scale.descriptors.items()):
        append_row(
            scale,
            (
                point,
                descriptor.label
                + (f": {descriptor.description}" if descriptor.description else ""),
            ),
        )
    append_row(scale, ())
    append_row(
        scale,
        (
            "How to fill in",
            f"Enter a score from {work.model.scale.label} (whole or half points) and a comment "
            "for every row. Leave a row blank to score it later. Do not change the bidder or "
            "criterion columns.",
        ),
    )
    scale.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> list[tuple[int, dict[str, object]]]:
    """Read the Scores sheet's rows, numbered as Excel shows them."""
    unsafe = archive_problem(data)
    if unsafe is not None:
        raise ScoresRefused([SheetProblem("file", 1, unsafe)])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ScoresRefused(
            [SheetProblem("file", 1, "cannot be read as an Excel workbook (.xlsx)")]
        ) from None
    if SHEET not in book.sheetnames:
        raise ScoresRefused([SheetProblem("file", 1, f"has no sheet called {SHEET!r}")])
    rows = list(book[SHEET].iter_rows(values_only=True))
    if not rows or [str(c or "").strip().lower() for c in rows[0][:5]] != [
        h.lower() for h in HEADERS[:5]
    ]:
        raise ScoresRefused(
            [SheetProblem(SHEET, 1, f"the header must be {', '.join(HEADERS[:5])}")]
        )
    found = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in values[:5]):
            continue
        found.append((number, dict(zip(COLUMNS, map(restore_cell, values), strict=False))))
    return found


def import_workbook(
    session: Session,
    member: PanelMember,
    data: bytes,
    now: datetime,
    *,
    entered_by: User | None = None,
    submit: bool = False,
) -> int:
    """Save the workbook's scores as drafts (and submit them if asked); return how many.

    A file with any bad row is refused whole: ScoresRefused lists every bad row. Only the
    evaluator may submit on import: anyone else's upload (``entered_by``) stays drafts for
    the evaluator to review, and asking to submit it is refused before anything is written.
    """
    if submit and entered_by is not None and entered_by.id != member.user_id:
        raise NotTheEvaluator(member)
    rows = read_rows(data)
    entries = save_scores(
        session, member, SHEET, rows, now, source="workbook", entered_by=entered_by
    )
    if submit:
        submit_scores(session, member, now, by=entered_by)
    return len(entries)


__all__ = ["export_workbook", "import_workbook", "read_rows", "score_text", "workbook_name"]
