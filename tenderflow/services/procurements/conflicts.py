"""The conflicts assessment: confirmed by the procurement's lead before the tender notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.conflicts import assessment_errors, under_the_act
from tenderflow.models import ConflictsAssessment, Procurement, User
from tenderflow.services import ServiceError


@dataclass(frozen=True)
class AssessmentInput:
    """What the lead records when confirming the assessment."""

    conflicts_found: bool | None
    conflicts: str = ""
    mitigation: str = ""


def required(procurement: Procurement) -> bool:
    """Say whether the procurement needs a conflicts assessment (it is under the Act)."""
    return under_the_act(procurement.national_regime)


def history(session: Session, procurement: Procurement) -> list[ConflictsAssessment]:
    """Return every confirmation of the assessment, newest first."""
    return list(
        session.scalars(
            select(ConflictsAssessment)
            .where(ConflictsAssessment.procurement_id == procurement.id)
            .order_by(ConflictsAssessment.confirmed_at.desc(), ConflictsAssessment.id.desc())
        )
    )


def current(session: Session, procurement: Procurement) -> ConflictsAssessment | None:
    """Return the assessment as last confirmed, or None."""
    found = history(session, procurement)
    return found[0] if found else None


def confirm(
    session: Session, procurement: Procurement, data: AssessmentInput, user: User, now: datetime
) -> ConflictsAssessment:
    """Confirm the assessment as it stands now; an earlier confirmation stays as history."""
    errors = assessment_errors(data.conflicts_found, data.conflicts, data.mitigation)
    if errors:
        raise ServiceError("The conflicts assessment was not confirmed", errors)
    found = bool(data.conflicts_found)
    assessment = ConflictsAssessment(
        procurement_id=procurement.id,
        conflicts_found=found,
        conflicts=data.conflicts.strip() if found else "",
        mitigation=data.mitigation.strip() if found else "",
        confirmed_by_id=user.id,
        confirmed_at=now,
    )
    session.add(assessment)
    session.flush()
    return assessment
