"""Gather a contract's records into the contract review report and render it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tenderflow.documents.contract_review import (
    ContractReviewData,
    IndicatorFigures,
    build_contract_review,
)
from tenderflow.documents.inputs import Person
from tenderflow.documents.writer import render_docx
from tenderflow.domain.contract_changes import GROUNDS
from tenderflow.domain.contract_priority import default_matrix
from tenderflow.domain.dates import long_date
from tenderflow.models import ManagedContract, User
from tenderflow.services.contracts import changes as contract_changes
from tenderflow.services.contracts import meetings as contract_meetings
from tenderflow.services.contracts import monitoring as contract_monitoring


def review_data(
    session: Session, contract: ManagedContract, author: User, today: date
) -> ContractReviewData:
    """Return the report's data from the contract's records (the last eight quarters)."""
    quarters = list(reversed(contract_monitoring.returns_by_quarter(session, contract)))[-8:]
    reviews = contract_monitoring.reviews_of(session, contract)
    band = default_matrix().band(contract.priority_band) if contract.priority_band else None
    changes = []
    for change in reversed(contract_changes.changes_of(session, contract)):
        if change.kind == "modification":
            changes.append(
                f"Modified on {long_date(change.effective_on)}: {change.description} "
                f"({GROUNDS.get(change.ground or '', '')})."
            )
        elif change.kind == "extension" and change.status == "approved":
            changes.append(f"Extended to {long_date(change.new_end_date)}.")
    return ContractReviewData(
        reference=contract.reference,
        title=contract.title,
        supplier=contract.supplier_name,
        value=contract.value,
        start=contract.start_date,
        end=contract.end_date,
        extension_options=contract.extension_options,
        extensions_left=contract_changes.extensions_left(session, contract),
        band=band.title.lower() if band else None,
        score=contract.priority_score,
        band_entails=band.entails if band else (),
        band_reason=reviews[0].reason if reviews else "",
        periods=tuple(q.period for q in quarters),
        indicators=tuple(
            IndicatorFigures(
                i.code, i.title, i.target, tuple(q.values.get(i.code) for q in quarters)
            )
            for i in contract.indicators
        ),
        grades=tuple((g.year, g.grade) for g in contract_meetings.grades_of(session, contract)),
        meetings=tuple(
            (m.held_on, m.notes)
            for m in contract_meetings.meetings_of(session, contract)
            if m.held_on
        ),
        plan=tuple(
            (a.description, a.owner, a.due_on, a.done_on)
            for a in contract_meetings.improvement_plan(session, contract)
        ),
        changes=tuple(changes),
        meeting_date=today,
        author=Person(
            name=author.name,
            role=author.job_title or "Contract manager",
            organisation=author.organisation or "",
            email=author.email,
        ),
    )


def render_review(session: Session, contract: ManagedContract, author: User, today: date) -> bytes:
    """Return the contract review report as a Word document."""
    return render_docx(build_contract_review(review_data(session, contract, author, today)))
