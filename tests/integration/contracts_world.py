"""The contract the contract-management routes refer to in the access world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ContractMeeting, ManagedContract
from tenderflow.services import contracts
from tenderflow.services.contracts import changes as contract_changes
from tenderflow.services.contracts import meetings as contract_meetings


def extend(world: dict[str, Any]) -> None:
    """Register a contract from the world's procurement, managed by the world's contract
    manager."""
    procurement = world["procurement"]
    contract = ManagedContract(
        # An awarded contract takes its procurement's reference, so the routes' <reference>
        # names both.
        reference=procurement.reference,
        title="Floating support for Fenland",
        supplier_name="Fen Edge Support",
        value=Decimal("5500000"),
        start_date=date(2025, 4, 1),
        end_date=date(2028, 3, 31),
        procurement_id=procurement.id,
        manager_id=world["people"][Role.CONTRACT_MANAGER].id,
        owner_id=procurement.lead_id,
        districts=["fenland"],
        extension_count=2,
        extension_months=12,
        created_at=clock.now(),
    )
    contracts.add_default_indicators(contract)
    db.session.add(contract)
    db.session.flush()
    meeting = ContractMeeting(
        contract_id=contract.id, scheduled_for=date(2026, 7, 1), scheduled_at=clock.now()
    )
    db.session.add(meeting)
    db.session.flush()
    action = contract_meetings.add_action(
        db.session,
        contract,
        "Recruit two support workers",
        "Service manager",
        date(2026, 9, 30),
        clock.now(),
        improvement_plan=True,
    )
    lead = world["people"][Role.PROCUREMENT_LEAD]
    modification = contract_changes.record_modification(
        db.session,
        contract,
        "Two more bed spaces",
        "unforeseeable",
        Decimal("600000"),
        None,
        date(2026, 6, 1),
        lead,
        clock.now(),
    )
    # The modification needs a contract change notice: publish it, so that the contract's
    # open data has a release to serve.
    assert modification.notice_type == "UK10"
    contract_changes.record_notice(
        db.session, modification, "000002-2026", date(2026, 6, 1), clock.today()
    )
    extension = contract_changes.ask_for_extension(
        db.session, contract, "Performance is good", lead, clock.now()
    )
    world["contract"] = contract
    world["url_args"].update(
        meeting_id=meeting.id,
        action_id=action.id,
        modification_id=modification.id,
        change_id=extension.id,
    )
