"""Start a contract's re-procurement: a planning-stage procurement linked to the contract,
its timetable proposed backwards from the day after the contract ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from tenderflow.domain import timetable as rules_
from tenderflow.domain.dates import long_date
from tenderflow.domain.rule_sets import standing_orders
from tenderflow.models import ManagedContract, Procurement, User
from tenderflow.services import ServiceError, procurements, timetable
from tenderflow.services.procurements import ProcurementInput


def _input(contract: ManagedContract, start: date, lead: User) -> ProcurementInput:
    source = contract.procurement
    years = max(round((contract.end_date - contract.start_date).days / 365.25), 1)
    base = contract.reference[:34]
    return ProcurementInput(
        title=f"{contract.title} (re-procurement)"[:200],
        reference=f"{base}-R",
        rule_set=source.rule_set if source else standing_orders()[0].name,
        value=contract.value,
        value_basis="whole-life",
        category=source.category if source else "services",
        start_date=start,
        description=(
            f"Re-procurement of contract {contract.reference} with {contract.supplier_name}, "
            f"which ends on {long_date(contract.end_date)}."
        ),
        service_type=contract.service_type or None,
        client_group=contract.client_group or None,
        districts=list(contract.districts or []),
        term_years=years,
        extension_years=contract.extension_count * contract.extension_months // 12,
        vat_rate=source.vat_rate if source else Decimal("0.20"),
        lead_id=lead.id,
    )


def planned_start(contract: ManagedContract, lead: User, today: date) -> date:
    """Return the start that lets the new contract begin the day after this one ends."""
    data = _input(contract, today, lead)
    decision = procurements.decide(data)
    trial = Procurement(
        rule_set=data.rule_set,
        route=decision.route,
        decision=decision.to_dict(),
        procedure_stages=procurements.chosen_stages(data, decision),
        stages_follow_procedure=True,
        national_regime=decision.national_regime,
        term_years=data.term_years,
    )
    rules = timetable.rules_for(trial)
    return rules_.start_to_finish_by(rules, contract.end_date + timedelta(days=1), today)


def start_reprocurement(
    session: Session, contract: ManagedContract, lead: User, today: date, now: datetime
) -> Procurement:
    """Create the re-procurement, led by ``lead``; raise ServiceError if it cannot start."""
    if contract.reprocurement_id is not None:
        raise ServiceError("started", {"contract": "The re-procurement has already started"})
    data = _input(contract, planned_start(contract, lead, today), lead)
    number = 1
    while procurements.get_by_reference(session, data.reference) is not None:
        number += 1
        data.reference = f"{contract.reference[:34]}-R{number}"
    procurement = procurements.create_procurement(session, data, lead, now)
    contract.reprocurement_id = procurement.id
    session.flush()
    return procurement
