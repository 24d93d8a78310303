"""Modifications, extensions decided by the commissioning body, and termination."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.contract_changes import (
    GROUNDS,
    extended_end,
    modification_notice,
    termination_notice,
    under_the_act,
)
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import to_money
from tenderflow.domain.roles import Role
from tenderflow.models import ContractChange, ManagedContract, User
from tenderflow.services import ServiceError, users
from tenderflow.services.email import outbox

EXTENSION_DECISIONS = {"approved": "Take up the extension", "rejected": "Do not extend"}


def _act(contract: ManagedContract) -> bool:
    regime = contract.procurement.national_regime if contract.procurement else None
    return under_the_act(contract.start_date, regime)


def changes_of(session: Session, contract: ManagedContract) -> list[ContractChange]:
    """Return the contract's changes, latest first."""
    return list(
        session.scalars(
            select(ContractChange)
            .where(ContractChange.contract_id == contract.id)
            .order_by(ContractChange.recorded_at.desc(), ContractChange.id.desc())
        )
    )


def _active(contract: ManagedContract) -> None:
    if contract.status != "active":
        raise ServiceError("ended", {"description": "The contract has ended"})


def record_modification(
    session: Session,
    contract: ManagedContract,
    description: str,
    ground: str,
    value_change: Decimal,
    new_end_date: date | None,
    effective_on: date,
    user: User,
    now: datetime,
) -> ContractChange:
    """Record a modification on a permitted ground; the value and term change with it."""
    _active(contract)
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the modification"
    if ground not in GROUNDS:
        errors["ground"] = "Select the ground that permits the modification"
    if contract.value + value_change < 0:
        errors["value_change"] = "The change cannot take the contract's value below £0"
    if new_end_date is not None and new_end_date < contract.start_date:
        errors["new_end_date"] = "The new end date must be after the contract's start"
    if errors:
        raise ServiceError("the modification could not be recorded", errors)
    extends = new_end_date is not None and new_end_date > contract.end_date
    category = contract.procurement.category if contract.procurement else "services"
    need = modification_notice(
        ground, contract.value, value_change, extends, act=_act(contract), category=category
    )
    change = ContractChange(
        contract_id=contract.id,
        kind="modification",
        description=description.strip(),
        ground=ground,
        value_change=to_money(value_change),
        new_end_date=new_end_date,
        effective_on=effective_on,
        notice_type=need.code,
        notice_reason=need.reason,
        notice_due=effective_on if need.code else None,
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(change)
    contract.value = to_money(contract.value + value_change)
    if new_end_date is not None:
        contract.end_date = new_end_date
    session.flush()
    return change


def extensions_left(session: Session, contract: ManagedContract) -> int:
    """Return how many of the contract's extension options are not yet taken up."""
    taken = sum(
        1 for c in changes_of(session, contract) if c.kind == "extension" and c.status == "approved"
    )
    return max(contract.extension_count - taken, 0)


def pending_extension(session: Session, contract: ManagedContract) -> ContractChange | None:
    """Return the extension the commissioning body is asked to decide, if any."""
    return session.scalar(
        select(ContractChange).where(
            ContractChange.contract_id == contract.id,
            ContractChange.kind == "extension",
            ContractChange.status == "asked",
        )
    )


def ask_for_extension(
    session: Session, contract: ManagedContract, case: str, user: User, now: datetime
) -> ContractChange:
    """Ask the commissioning body to take up the contract's next extension option."""
    _active(contract)
    if pending_extension(session, contract) is not None:
        raise ServiceError("asked", {"description": "The commissioning body is already asked"})
    if extensions_left(session, contract) == 0:
        raise ServiceError("none left", {"description": "The contract has no extension left"})
    if not case.strip():
        raise ServiceError("no case", {"description": "Enter the case for the extension"})
    change = ContractChange(
        contract_id=contract.id,
        kind="extension",
        description=case.strip(),
        new_end_date=extended_end(contract.end_date, contract.extension_months),
        status="asked",
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(change)
    session.flush()
    for member in users.users_with_role(session, Role.COMMISSIONING_BODY):
        outbox.queue_message(
            session,
            kind="contract-extension-asked",
            key=f"extension-asked:{change.id}:{member.id}",
            subject=f"Decide on extending {contract.reference}",
            body=(
                f"The commissioning body is asked whether to extend {contract.title} "
                f"({contract.supplier_name}) to {long_date(change.new_end_date)}."
            ),
            now=now,
            recipient=member,
            link=f"/contracts/{contract.reference}/extensions/{change.id}",
        )
    return change


def decide_extension(
    session: Session,
    change: ContractChange,
    decision: str,
    decided_on: date,
    minute_reference: str,
    user: User,
    today: date,
) -> None:
    """Record the commissioning body's decision; taking it up moves the contract's end."""
    errors = {}
    if change.kind != "extension" or change.status != "asked":
        errors["decision"] = "This extension has already been decided"
    if decision not in EXTENSION_DECISIONS:
        errors["decision"] = "Select the commissioning body's decision"
    if decided_on > today:
        errors["decided_on"] = "The date of the decision must be today or earlier"
    if errors:
        raise ServiceError("the decision could not be recorded", errors)
    change.status = decision
    change.decided_on = decided_on
    change.minute_reference = minute_reference.strip()
    change.decided_by_id = user.id
    contract = change.contract
    if decision == "approved":
        assert change.new_end_date is not None
        change.effective_on = contract.end_date
        contract.end_date = change.new_end_date
    session.flush()


def terminate(
    session: Session,
    contract: ManagedContract,
    reason: str,
    ended_on: date,
    user: User,
    now: datetime,
) -> ContractChange:
    """End the contract early (or record its end) with the reason; a UK11 falls due."""
    _active(contract)
    if not reason.strip():
        raise ServiceError("no reason", {"reason": "Enter why the contract is ending"})
    code, due = termination_notice(ended_on, act=_act(contract))
    change = ContractChange(
        contract_id=contract.id,
        kind="termination",
        description=reason.strip(),
        effective_on=ended_on,
        new_end_date=ended_on,
        notice_type=code,
        notice_reason="Within 30 days of the contract ending (s.80)" if code else "",
        notice_due=due,
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(change)
    contract.status = "ended"
    contract.end_date = min(contract.end_date, ended_on)
    session.flush()
    return change


def record_notice(
    session: Session, change: ContractChange, notice_id: str, published_on: date, today: date
) -> None:
    """Record the change's UK10 or UK11 notice as published."""
    if change.notice_type is None:
        raise ServiceError("no notice", {"notice_id": "This change needs no notice"})
    errors = {}
    if not notice_id.strip():
        errors["notice_id"] = "Enter the notice ID"
    if published_on > today:
        errors["published_on"] = "The publication date must be today or earlier"
    if errors:
        raise ServiceError("the notice could not be recorded", errors)
    change.notice_id = notice_id.strip()
    change.notice_published_on = published_on
    session.flush()


def asked_of_body(session: Session) -> list[ContractChange]:
    """Return the extensions waiting for the commissioning body's decision."""
    return list(
        session.scalars(
            select(ContractChange)
            .where(ContractChange.kind == "extension", ContractChange.status == "asked")
            .order_by(ContractChange.recorded_at)
        )
    )
