"""The contract register: contracts from awards and older ones entered by hand, who may see
and work on each, the search, and the Local Government Transparency Code's register."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.domain.contract_priority import default_matrix
from tenderflow.domain.money import format_amount, to_money
from tenderflow.domain.roles import Role
from tenderflow.models import (
    ClientGroup,
    Contract,
    ContractIndicator,
    District,
    ManagedContract,
    Procurement,
    ServiceType,
    User,
)
from tenderflow.services import need_to_know, users

# The Code publishes every contract worth more than £5,000.
TRANSPARENCY_THRESHOLD = Decimal("5000")
STATUSES = {"active": "Active", "ended": "Ended"}


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_see(session: Session, user: Any, contract: ManagedContract) -> bool:
    """Say whether the person may see the contract's commercial details: administrators, its
    contract manager, and the lead of the procurement it came from (or who entered it)."""
    if not _signed_in(user):
        return False
    if user.has_role(Role.ADMIN) or may_work(session, user, contract):
        return True
    if not user.has_role(Role.PROCUREMENT_LEAD):
        return False
    if contract.procurement is not None:
        return need_to_know.leads_it(session, contract.procurement, user)
    return contract.owner_id == user.id


def may_work(session: Session, user: Any, contract: ManagedContract) -> bool:
    """Say whether the person manages the contract: its contract manager, or an administrator."""
    if not _signed_in(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.CONTRACT_MANAGER) and contract.manager_id == user.id


def record_refusal(session: Session, user: Any, contract: ManagedContract, attempt: str) -> None:
    """Write a refused attempt on a contract to the audit log."""
    who = user.email if _signed_in(user) else "someone signed out"
    audit.record(
        session,
        "refused",
        "contract_register",
        contract.id,
        f"Refused to {attempt}: {who} has no need to know on contract {contract.reference}",
        procurement_id=contract.procurement_id,
    )
    session.flush()


def get_by_reference(session: Session, reference: str) -> ManagedContract | None:
    """Return the contract with this reference, if any."""
    return session.scalar(select(ManagedContract).where(ManagedContract.reference == reference))


def contract_managers(session: Session) -> list[User]:
    """Return the active people who hold the contract-manager role, by name."""
    return users.users_with_role(session, Role.CONTRACT_MANAGER)


def add_default_indicators(contract: ManagedContract) -> None:
    """Give a new contract the matrix's indicators at their default targets."""
    for indicator in default_matrix().indicators:
        contract.indicators.append(
            ContractIndicator(
                code=indicator.code,
                title=indicator.title,
                unit=indicator.unit,
                target=indicator.default_target,
            )
        )


def register_award(session: Session, contract: Contract, now: datetime) -> ManagedContract:
    """Put a contract the award created into the register (once)."""
    found = session.scalar(
        select(ManagedContract).where(ManagedContract.award_contract_id == contract.id)
    )
    if found is not None:
        return found
    procurement = session.get(Procurement, contract.procurement_id)
    assert procurement is not None
    supplier = contract.supplier
    reference = procurement.reference
    title = procurement.title
    if contract.lot is not None:
        reference = f"{reference}-LOT{contract.lot.number}"
        title = f"{title}: {contract.lot.title}"
    entry = ManagedContract(
        reference=reference,
        title=title,
        description=procurement.description,
        award_contract_id=contract.id,
        procurement_id=procurement.id,
        supplier_name=supplier.name,
        supplier_companies_house_number=supplier.companies_house_number,
        supplier_ppon=supplier.ppon,
        supplier_is_sme=supplier.is_sme,
        supplier_is_vcse=supplier.is_vcse,
        value=contract.value,
        start_date=contract.start_date,
        end_date=contract.end_date,
        extension_options=contract.extension_options,
        extension_count=procurement.extension_years,
        extension_months=12 if procurement.extension_years else 0,
        service_type=procurement.service_type.code if procurement.service_type else "",
        client_group=procurement.client_group.code if procurement.client_group else "",
        districts=[d.code for d in procurement.districts],
        department=procurement.buyer_name,
        procurement_route=procurement.route,
        owner_id=procurement.lead_id,
        created_at=now,
    )
    add_default_indicators(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass
class ContractInput:
    """An older contract entered by hand."""

    reference: str
    title: str
    supplier_name: str
    value: Decimal
    start_date: date
    end_date: date
    description: str = ""
    supplier_companies_house_number: str = ""
    supplier_ppon: str = ""
    supplier_is_sme: bool | None = None
    supplier_is_vcse: bool | None = None
    review_date: date | None = None
    extension_count: int = 0
    extension_months: int = 0
    service_type: str = ""
    client_group: str = ""
    districts: list[str] = field(default_factory=list)
    department: str = ""
    procurement_route: str = ""
    manager_id: int | None = None


def _describe_extensions(count: int, months: int, start: date, end: date) -> str:
    years = round((end - start).days / 365.25)
    if not count:
        return f"{years} years, no extension" if years else "No extension"
    each = (
        f"{months // 12} year"
        if months % 12 == 0 and months == 12
        else (f"{months // 12} years" if months % 12 == 0 else f"{months} months")
    )
    return f"{years} years plus {count} x {each}"


def check_input(session: Session, data: ContractInput) -> dict[str, str]:
    """Return the input's problems, by field, in GOV.UK wording."""
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = "Enter the contract reference"
    elif get_by_reference(session, data.reference.strip()) is not None:
        errors["reference"] = "A contract with this reference is already in the register"
    if not data.title.strip():
        errors["title"] = "Enter the contract title"
    if not data.supplier_name.strip():
        errors["supplier_name"] = "Enter the supplier's name"
    if data.end_date < data.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if data.extension_count < 0 or data.extension_count > 10:
        errors["extension_count"] = "Extension options must be between 0 and 10"
    if data.extension_count and not data.extension_months:
        errors["extension_months"] = "Enter how long each extension lasts, in months"
    if (
        data.service_type
        and session.scalar(select(ServiceType.id).where(ServiceType.code == data.service_type))
        is None
    ):
        errors["service_type"] = "Select a service type"
    if (
        data.client_group
        and session.scalar(select(ClientGroup.id).where(ClientGroup.code == data.client_group))
        is None
    ):
        errors["client_group"] = "Select a client group"
    known = set(session.scalars(select(District.code).where(District.code.in_(data.districts))))
    if set(data.districts) - known:
        errors["districts"] = "Select districts from the list"
    if data.manager_id is not None and data.manager_id not in {
        m.id for m in contract_managers(session)
    }:
        errors["manager_id"] = "Select a contract manager"
    return errors


def create_contract(
    session: Session, data: ContractInput, user: User, now: datetime
) -> ManagedContract:
    """Enter an older contract into the register; raise ServiceError with the input's problems."""
    from tenderflow.services import ServiceError

    errors = check_input(session, data)
    if errors:
        raise ServiceError("the contract could not be entered", errors)
    contract = ManagedContract(
        reference=data.reference.strip(),
        title=data.title.strip(),
        description=data.description.strip(),
        supplier_name=data.supplier_name.strip(),
        supplier_companies_house_number=data.supplier_companies_house_number.strip(),
        supplier_ppon=data.supplier_ppon.strip(),
        supplier_is_sme=data.supplier_is_sme,
        supplier_is_vcse=data.supplier_is_vcse,
        value=to_money(data.value),
        start_date=data.start_date,
        end_date=data.end_date,
        review_date=data.review_date,
        extension_options=_describe_extensions(
            data.extension_count, data.extension_months, data.start_date, data.end_date
        ),
        extension_count=data.extension_count,
        extension_months=data.extension_months if data.extension_count else 0,
        service_type=data.service_type,
        client_group=data.client_group,
        districts=sorted(set(data.districts)),
        department=data.department.strip(),
        procurement_route=data.procurement_route.strip(),
        manager_id=data.manager_id,
        owner_id=user.id,
        created_at=now,
    )
    add_default_indicators(contract)
    session.add(contract)
    session.flush()
    return contract


@dataclass
class DetailsInput:
    """What the register publishes that the award does not say."""

    description: str
    supplier_companies_house_number: str
    supplier_ppon: str
    supplier_is_sme: bool | None
    supplier_is_vcse: bool | None
    review_date: date | None
    department: str
    procurement_route: str


def update_details(session: Session, contract: ManagedContract, data: DetailsInput) -> None:
    """Change the register's details of a contract (its value and term change only by a
    modification or an extension)."""
    from tenderflow.services import ServiceError

    if data.review_date is not None and data.review_date < contract.start_date:
        raise ServiceError(
            "bad review date", {"review_date": "The review date must be after the start date"}
        )
    contract.description = data.description.strip()
    contract.supplier_companies_house_number = data.supplier_companies_house_number.strip()
    contract.supplier_ppon = data.supplier_ppon.strip()
    contract.supplier_is_sme = data.supplier_is_sme
    contract.supplier_is_vcse = data.supplier_is_vcse
    contract.review_date = data.review_date
    contract.department = data.department.strip()
    contract.procurement_route = data.procurement_route.strip()
    session.flush()


def assign_manager(session: Session, contract: ManagedContract, manager_id: int) -> dict[str, str]:
    """Assign the contract's manager; return errors by field (nothing changes on error)."""
    if manager_id not in {m.id for m in contract_managers(session)}:
        return {"manager_id": "Select a contract manager"}
    contract.manager_id = manager_id
    session.flush()
    return {}


@dataclass(frozen=True)
class Filters:
    """What the register page was asked for."""

    text: str = ""
    service_type: str = ""
    client_group: str = ""
    district: str = ""
    band: str = ""
    status: str = ""


def visible_contracts(
    session: Session, user: Any, filters: Filters | None = None
) -> list[ManagedContract]:
    """Return the contracts the person may see that match the filters, by end date."""
    filters = filters or Filters()
    query = select(ManagedContract).order_by(ManagedContract.end_date, ManagedContract.reference)
    if filters.text.strip():
        like = f"%{filters.text.strip().lower()}%"
        query = query.where(
            or_(
                ManagedContract.reference.ilike(like),
                ManagedContract.title.ilike(like),
                ManagedContract.supplier_name.ilike(like),
                ManagedContract.description.ilike(like),
            )
        )
    if filters.service_type:
        query = query.where(ManagedContract.service_type == filters.service_type)
    if filters.client_group:
        query = query.where(ManagedContract.client_group == filters.client_group)
    if filters.band:
        query = query.where(ManagedContract.priority_band == filters.band)
    if filters.status:
        query = query.where(ManagedContract.status == filters.status)
    found = [c for c in session.scalars(query) if may_see(session, user, c)]
    if filters.district:
        found = [c for c in found if filters.district in (c.districts or [])]
    return found


# --- the Local Government Transparency Code's register ---------------------------------------

REGISTER_COLUMNS = (
    ("reference", "Reference"),
    ("title", "Title"),
    ("description", "Description"),
    ("supplier", "Supplier"),
    ("supplier_companies_house_number", "Supplier Companies House number"),
    ("supplier_ppon", "Supplier PPON"),
    ("value", "Value (£, excluding VAT)"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("review_date", "Review date"),
    ("department", "Department"),
    ("procurement_route", "Procurement route"),
    ("sme", "SME"),
    ("vcse", "VCSE"),
)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def transparency_register(session: Session) -> list[dict[str, str]]:
    """Return the register the Code requires: every contract over £5,000, as published text."""
    rows = []
    query = (
        select(ManagedContract)
        .where(ManagedContract.value > TRANSPARENCY_THRESHOLD)
        .order_by(ManagedContract.reference)
    )
    for c in session.scalars(query):
        rows.append(
            {
                "reference": c.reference,
                "title": c.title,
                "description": c.description,
                "supplier": c.supplier_name,
                "supplier_companies_house_number": c.supplier_companies_house_number,
                "supplier_ppon": c.supplier_ppon,
                "value": format_amount(c.value),
                "start_date": c.start_date.isoformat(),
                "end_date": c.end_date.isoformat(),
                "review_date": c.review_date.isoformat() if c.review_date else "",
                "department": c.department,
                "procurement_route": c.procurement_route,
                "sme": _yes_no(c.supplier_is_sme),
                "vcse": _yes_no(c.supplier_is_vcse),
            }
        )
    return rows


def register_csv(rows: Sequence[dict[str, str]]) -> str:
    """Return the register as CSV text, every cell made safe for spreadsheets."""
    import csv
    import io

    from tenderflow.spreadsheet_cells import safe_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in REGISTER_COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row[key]) for key, _ in REGISTER_COLUMNS])
    return out.getvalue()
