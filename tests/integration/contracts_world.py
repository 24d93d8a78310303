"""The contract the contract-management routes refer to in the access world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ManagedContract
from tenderflow.services import contracts


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
        value=Decimal("450000"),
        start_date=date(2025, 4, 1),
        end_date=date(2028, 3, 31),
        procurement_id=procurement.id,
        manager_id=world["people"][Role.CONTRACT_MANAGER].id,
        owner_id=procurement.lead_id,
        districts=["fenland"],
        created_at=clock.now(),
    )
    contracts.add_default_indicators(contract)
    db.session.add(contract)
    db.session.flush()
    world["contract"] = contract
