"""Managing a contract: its yearly priority review and its quarterly indicator returns."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.archives import archive_problem
from tenderflow.domain.contract_priority import (
    PriorityMatrixError,
    Scored,
    annual_value,
    default_matrix,
)
from tenderflow.domain.contract_returns import (
    ReturnRow,
    ReturnsError,
    RowProblem,
    check_header,
    check_returns,
)
from tenderflow.models import ContractReturn, ManagedContract, PriorityReview, User
from tenderflow.services import ServiceError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


# --- the yearly priority review ---------------------------------------------------------------


def score_contract(contract: ManagedContract, answers: Mapping[str, str]) -> Scored:
    """Score the contract in the priority matrix from its value and the answers given."""
    value = annual_value(contract.value, contract.start_date, contract.end_date)
    return default_matrix().score(value, answers)


def reviews_of(session: Session, contract: ManagedContract) -> list[PriorityReview]:
    """Return the contract's priority reviews, newest first."""
    return list(
        session.scalars(
            select(PriorityReview)
            .where(PriorityReview.contract_id == contract.id)
            .order_by(PriorityReview.reviewed_on.desc(), PriorityReview.id.desc())
        )
    )


def record_review(
    session: Session,
    contract: ManagedContract,
    answers: Mapping[str, str],
    reason: str,
    user: User,
    reviewed_on: date,
    now: datetime,
) -> PriorityReview:
    """Record the yearly review's score and band; a change of band needs a reason."""
    try:
        scored = score_contract(contract, answers)
    except PriorityMatrixError as exc:
        raise ServiceError(str(exc), {"answers": str(exc)}) from None
    previous = contract.priority_band
    if previous is not None and previous != scored.band.code and not reason.strip():
        message = (
            f"Enter why the contract moves from the {previous} band to the {scored.band.code} band"
        )
        raise ServiceError(message, {"reason": message})
    review = PriorityReview(
        contract_id=contract.id,
        reviewed_on=reviewed_on,
        answers=dict(answers),
        value_points=scored.value_points,
        score=scored.score,
        band=scored.band.code,
        previous_band=previous,
        reason=reason.strip(),
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(review)
    contract.priority_band = scored.band.code
    contract.priority_score = scored.score
    session.flush()
    return review


# --- quarterly returns ------------------------------------------------------------------------


def _column(header: Any) -> str:
    return "_".join(str(header or "").strip().lower().replace("-", " ").split())


def read_returns_file(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Read an uploaded CSV or Excel file into its header and numbered rows."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ReturnsError([RowProblem(None, "The file must be smaller than 2 MB")])
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        unsafe = archive_problem(content)
        if unsafe is not None:
            raise ReturnsError([RowProblem(None, unsafe)])
        from openpyxl import load_workbook

        from tenderflow.spreadsheet_cells import restore_cell

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ReturnsError(
                [RowProblem(None, "The file must be a CSV file or an Excel workbook (.xlsx)")]
            ) from None
        values = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        records = [[restore_cell(v) for v in row] for row in values]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        records = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    if not records:
        raise ReturnsError([RowProblem(None, "The file is empty")])
    header = [_column(h) for h in records[0]]
    rows = []
    for number, values in enumerate(records[1:], start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        rows.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    return header, rows


def indicator_titles(contract: ManagedContract) -> dict[str, str]:
    """Return the contract's indicators: code to title."""
    return {i.code: i.title for i in contract.indicators}


def check_file(
    contract: ManagedContract, filename: str, content: bytes, today: date
) -> list[ReturnRow]:
    """Check an uploaded file of returns as a whole; raise ReturnsError listing every problem."""
    header, rows = read_returns_file(filename, content)
    problems = check_header(header)
    if problems:
        raise ReturnsError(problems)
    return check_returns(
        rows, indicator_titles(contract), contract.start_date, contract.end_date, today
    )


def save_returns(
    session: Session,
    contract: ManagedContract,
    rows: list[ReturnRow],
    user: User,
    now: datetime,
) -> int:
    """Keep checked returns, replacing any figure already given for the same quarter."""
    existing = {
        (r.year, r.quarter, r.indicator): r
        for r in session.scalars(
            select(ContractReturn).where(ContractReturn.contract_id == contract.id)
        )
    }
    for row in rows:
        found = existing.get((row.year, row.quarter, row.indicator))
        if found is None:
            session.add(
                ContractReturn(
                    contract_id=contract.id,
                    year=row.year,
                    quarter=row.quarter,
                    indicator=row.indicator,
                    value=row.value,
                    recorded_by_id=user.id,
                    recorded_at=now,
                )
            )
        elif found.value != row.value:
            found.value = row.value
            found.recorded_by_id = user.id
            found.recorded_at = now
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter's figures for the contract, each against its target."""

    year: int
    quarter: int
    values: dict[str, Decimal]

    @property
    def period(self) -> str:
        return f"{self.year} Q{self.quarter}"


def returns_by_quarter(session: Session, contract: ManagedContract) -> list[QuarterFigures]:
    """Return the contract's returns grouped by quarter, newest first."""
    quarters: dict[tuple[int, int], dict[str, Decimal]] = {}
    for r in session.scalars(
        select(ContractReturn).where(ContractReturn.contract_id == contract.id)
    ):
        quarters.setdefault((r.year, r.quarter), {})[r.indicator] = r.value
    return [
        QuarterFigures(year, quarter, values)
        for (year, quarter), values in sorted(quarters.items(), reverse=True)
    ]
