"""Contract management meetings, their actions, the improvement plan and the QAF grade."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.contract_priority import default_matrix, next_meeting_due
from tenderflow.domain.dates import long_date
from tenderflow.models import (
    ContractAction,
    ContractMeeting,
    ManagedContract,
    QualityGrade,
    User,
)
from tenderflow.services import ServiceError

QAF_GRADES = {
    "A": "A: excellent",
    "B": "B: good",
    "C": "C: minimum standard",
    "D": "D: below the minimum",
}
# The headings a contract management meeting covers (the monitoring framework, section 4.3).
MEETING_HEADINGS = (
    "Service delivery",
    "Service quality",
    "Outcomes",
    "Contract compliance",
    "Organisational stability",
    "Staff issues",
    "Service user and stakeholder interaction",
    "Performance management",
    "Partnership relationship",
    "Future development",
    "Any other business",
)


def meetings_of(session: Session, contract: ManagedContract) -> list[ContractMeeting]:
    """Return the contract's meetings, latest first."""
    return list(
        session.scalars(
            select(ContractMeeting)
            .where(ContractMeeting.contract_id == contract.id)
            .order_by(ContractMeeting.scheduled_for.desc(), ContractMeeting.id.desc())
        )
    )


def last_held(session: Session, contract: ManagedContract) -> date | None:
    """Return the day the contract's last meeting was held, if any was."""
    held = [m.held_on for m in meetings_of(session, contract) if m.held_on]
    return max(held) if held else None


def next_due(session: Session, contract: ManagedContract) -> date | None:
    """Return when the band says the next meeting is due (None before the first review)."""
    if not contract.priority_band:
        return None
    band = default_matrix().band(contract.priority_band)
    return next_meeting_due(band, last_held(session, contract), contract.start_date)


def upcoming(session: Session, contract: ManagedContract) -> ContractMeeting | None:
    """Return the meeting scheduled and not yet held, if there is one."""
    return session.scalar(
        select(ContractMeeting)
        .where(ContractMeeting.contract_id == contract.id, ContractMeeting.held_on.is_(None))
        .order_by(ContractMeeting.scheduled_for)
        .limit(1)
    )


def schedule_meeting(
    session: Session, contract: ManagedContract, day: date, user: User, today: date, now: datetime
) -> ContractMeeting:
    """Schedule a contract management meeting; one at a time, not in the past, and no later
    than the band requires."""
    errors: dict[str, str] = {}
    if upcoming(session, contract) is not None:
        errors["scheduled_for"] = "A meeting is already scheduled: record it before the next"
    elif day < today:
        errors["scheduled_for"] = "The meeting date must be today or in the future"
    else:
        due = next_due(session, contract)
        if due is not None and day > due and due >= today:
            errors["scheduled_for"] = (
                f"The contract's band needs a meeting by {long_date(due)}: choose that "
                "date or earlier"
            )
    if errors:
        raise ServiceError("the meeting could not be scheduled", errors)
    meeting = ContractMeeting(
        contract_id=contract.id,
        scheduled_for=day,
        scheduled_by_id=user.id,
        scheduled_at=now,
    )
    session.add(meeting)
    session.flush()
    return meeting


def record_meeting(
    session: Session, meeting: ContractMeeting, held_on: date, notes: str, today: date
) -> None:
    """Record that the meeting was held, with its notes."""
    if held_on > today:
        raise ServiceError("not held yet", {"held_on": "The meeting date must be today or earlier"})
    if not notes.strip():
        raise ServiceError("no notes", {"notes": "Enter the notes of the meeting"})
    meeting.held_on = held_on
    meeting.notes = notes.strip()
    session.flush()


def add_action(
    session: Session,
    contract: ManagedContract,
    description: str,
    owner: str,
    due_on: date,
    now: datetime,
    *,
    meeting: ContractMeeting | None = None,
    improvement_plan: bool = False,
) -> ContractAction:
    """Add an action (from a meeting, or a step of the improvement plan) with its owner."""
    errors = {}
    if not description.strip():
        errors["description"] = "Enter the action"
    if not owner.strip():
        errors["owner"] = "Enter who owns the action"
    if errors:
        raise ServiceError("the action could not be added", errors)
    action = ContractAction(
        contract_id=contract.id,
        meeting_id=meeting.id if meeting else None,
        improvement_plan=improvement_plan,
        description=description.strip(),
        owner=owner.strip(),
        due_on=due_on,
        recorded_at=now,
    )
    session.add(action)
    session.flush()
    return action


def improvement_plan(session: Session, contract: ManagedContract) -> list[ContractAction]:
    """Return the steps of the contract's improvement plan, by due date."""
    return list(
        session.scalars(
            select(ContractAction)
            .where(
                ContractAction.contract_id == contract.id,
                ContractAction.improvement_plan.is_(True),
            )
            .order_by(ContractAction.due_on, ContractAction.id)
        )
    )


def complete_action(action: ContractAction, done_on: date) -> None:
    """Mark the action done."""
    action.done_on = done_on


def grades_of(session: Session, contract: ManagedContract) -> list[QualityGrade]:
    """Return the contract's QAF grades, latest year first."""
    return list(
        session.scalars(
            select(QualityGrade)
            .where(QualityGrade.contract_id == contract.id)
            .order_by(QualityGrade.year.desc())
        )
    )


def record_grade(
    session: Session,
    contract: ManagedContract,
    year: int,
    grade: str,
    assessed_on: date,
    notes: str,
    today: date,
) -> QualityGrade:
    """Record (or correct) the year's Quality Assessment Framework grade."""
    errors = {}
    if grade not in QAF_GRADES:
        errors["grade"] = "Select the grade"
    if assessed_on > today:
        errors["assessed_on"] = "The assessment date must be today or earlier"
    if not contract.start_date.year <= year <= today.year:
        errors["year"] = f"Enter a year from {contract.start_date.year} to {today.year}"
    if errors:
        raise ServiceError("the grade could not be recorded", errors)
    found = session.scalar(
        select(QualityGrade).where(
            QualityGrade.contract_id == contract.id, QualityGrade.year == year
        )
    )
    if found is None:
        found = QualityGrade(contract_id=contract.id, year=year)
        session.add(found)
    found.grade, found.assessed_on, found.notes = grade, assessed_on, notes.strip()
    session.flush()
    return found
