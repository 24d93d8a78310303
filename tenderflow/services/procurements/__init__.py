"""Procurements: preview the route decision, create, list by stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from tenderflow.domain import regulations
from tenderflow.domain.money import to_money
from tenderflow.domain.notice_codes import cpv_codes, itl_regions
from tenderflow.domain.regulations import RouteDecision, RouteInputError, RouteRequest
from tenderflow.domain.roles import Role
from tenderflow.domain.stages import FLEXIBLE_STAGES, StageChoiceError, check_flexible_stages
from tenderflow.domain.vocabulary import STAGES
from tenderflow.models import ClientGroup, District, Lot, Procurement, ServiceType, User
from tenderflow.services import ServiceError, need_to_know, timetable


@dataclass
class ProcurementInput:
    """What a procurement lead enters for a new procurement."""

    title: str
    reference: str
    rule_set: str
    value: Decimal
    value_basis: str
    category: str
    start_date: date
    description: str = ""
    service_type: str | None = None
    client_group: str | None = None
    districts: list[str] = field(default_factory=list)
    term_years: int | None = None
    extension_years: int = 0
    vat_rate: Decimal = Decimal("0.20")
    authority_type: str = "sub-central"
    exemption: str | None = None
    exemption_reason: str | None = None
    exemption_approver: str | None = None
    lots: list[str] = field(default_factory=list)
    lead_id: int | None = None
    procedure: str = "open"
    tendering: str = "electronic"  # one of TENDERING_FACTS
    planned_procurement_notice: date | None = None
    procedure_stages: list[str] = field(default_factory=list)  # competitive flexible only
    direct_award: str | None = None  # a Schedule 5 justification's code
    # For the transparency notices: CPV codes (the first is the main one) and ITL regions.
    cpv_codes: list[str] = field(default_factory=list)
    delivery_regions: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-safe form of the input, for keeping between pages."""
        data = asdict(self)
        data["value"] = str(self.value)
        data["vat_rate"] = str(self.vat_rate)
        data["start_date"] = self.start_date.isoformat()
        notice = self.planned_procurement_notice
        data["planned_procurement_notice"] = notice.isoformat() if notice else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProcurementInput:
        """Rebuild an input kept with ``to_json``."""
        values = dict(data)
        values["value"] = Decimal(values["value"])
        values["vat_rate"] = Decimal(values["vat_rate"])
        values["start_date"] = date.fromisoformat(values["start_date"])
        notice = values.get("planned_procurement_notice")
        values["planned_procurement_notice"] = date.fromisoformat(notice) if notice else None
        return cls(**values)


# What the lead says about tendering; the route decision turns it into the tendering-period
# case. The tender notice is taken to be published on the start date, which can only make a
# planned procurement notice count for less, never for more.
TENDERING_FACTS = ("electronic", "paper", "urgency", "planned-notice")


def route_request(data: ProcurementInput) -> RouteRequest:
    """Return the route request for a procurement's value and dates."""
    if data.direct_award:
        # A direct award has no competition, so no procedure or tendering period to choose.
        return RouteRequest(
            value=to_money(data.value),
            start_date=data.start_date,
            annual=data.value_basis == "annual",
            years=data.term_years,
            extension_years=data.extension_years,
            vat_rate=data.vat_rate,
            category=data.category,
            authority=data.authority_type,
            exemption=data.exemption or None,
            exemption_approver=data.exemption_approver or None,
            direct_award=data.direct_award,
        )
    return RouteRequest(
        value=to_money(data.value),
        start_date=data.start_date,
        annual=data.value_basis == "annual",
        years=data.term_years,
        extension_years=data.extension_years,
        vat_rate=data.vat_rate,
        category=data.category,
        authority=data.authority_type,
        exemption=data.exemption or None,
        exemption_approver=data.exemption_approver or None,
        procedure=data.procedure,
        planned_procurement_notice=(
            data.planned_procurement_notice if data.tendering == "planned-notice" else None
        ),
        urgency=data.tendering == "urgency",
        paper_tenders=data.tendering == "paper",
    )


def decide(data: ProcurementInput) -> RouteDecision:
    """Return the route decision for the input; raise ServiceError on bad input."""
    try:
        return regulations.decide_route(route_request(data), data.rule_set)
    except RouteInputError as exc:
        key = "direct_award" if data.direct_award else "value"
        raise ServiceError(str(exc), {key: str(exc)}) from exc
    except regulations.RuleSetError as exc:
        raise ServiceError(str(exc), {"rule_set": "Select a rule set from the list"}) from exc


def check_input(session: Session, data: ProcurementInput) -> dict[str, str]:
    """Return every problem with the input that the form itself cannot see."""
    errors: dict[str, str] = {}
    existing = session.scalar(
        select(Procurement.id).where(Procurement.reference == data.reference.strip())
    )
    if existing is not None:
        errors["reference"] = "A procurement with this reference already exists"
    if data.value_basis == "annual" and not data.term_years:
        errors["term_years"] = "Enter the contract term in years"
    if data.exemption:
        if not (data.exemption_reason or "").strip():
            errors["exemption_reason"] = "Enter why the exemption is needed"
        if not (data.exemption_approver or "").strip():
            errors["exemption_approver"] = "Enter who approved the exemption"
    if data.tendering == "planned-notice" and not data.direct_award:
        notice = data.planned_procurement_notice
        if notice is None:
            errors["planned_procurement_notice"] = (
                "Enter the date the planned procurement notice was published"
            )
        elif notice > data.start_date:
            errors["planned_procurement_notice"] = (
                "The planned procurement notice must be published on or before the start date"
            )
    if data.procedure == "competitive-flexible" and not data.direct_award:
        try:
            check_flexible_stages(data.procedure_stages)
        except StageChoiceError as exc:
            errors["procedure_stages"] = (
                "Choose a participation stage to shortlist from, or untick shortlisting"
                if "participation" in str(exc)
                else "Select stages from the list"
            )
    if any(code not in cpv_codes() for code in data.cpv_codes):
        errors["cpv_codes"] = "Select CPV codes from the list"
    if any(code not in itl_regions() for code in data.delivery_regions):
        errors["delivery_regions"] = "Select regions from the list"
    known = set(session.scalars(select(District.code)))
    if any(code not in known for code in data.districts):
        errors["districts"] = "Select districts from the list"
    return errors


def create_procurement(
    session: Session, data: ProcurementInput, created_by: User | None, now: datetime
) -> Procurement:
    """Create a procurement with its route decision; raise ServiceError listing every problem."""
    errors = check_input(session, data)
    if errors:
        raise ServiceError("The procurement could not be created", errors)
    decision = decide(data)
    procurement = Procurement(
        reference=data.reference.strip(),
        title=data.title.strip(),
        description=data.description.strip(),
        rule_set=data.rule_set,
        service_type=_by_code(session, ServiceType, data.service_type),
        client_group=_by_code(session, ClientGroup, data.client_group),
        districts=list(session.scalars(select(District).where(District.code.in_(data.districts)))),
        value=to_money(data.value),
        value_basis=data.value_basis,
        term_years=data.term_years,
        extension_years=data.extension_years,
        vat_rate=data.vat_rate,
        category=data.category,
        authority_type=data.authority_type,
        start_date=data.start_date,
        exemption=data.exemption or None,
        exemption_reason=(data.exemption_reason or "").strip() or None,
        exemption_approver=(data.exemption_approver or "").strip() or None,
        procedure=decision.procedure,
        tendering_case=decision.tendering_case,
        planned_procurement_notice=(
            data.planned_procurement_notice
            if data.tendering == "planned-notice" and not data.direct_award
            else None
        ),
        procedure_stages=chosen_stages(data, decision),
        stages_follow_procedure=True,
        cpv_codes=list(data.cpv_codes),
        delivery_regions=list(data.delivery_regions),
        route=decision.route,
        whole_life_value=decision.whole_life_value,
        value_including_vat=decision.value_including_vat,
        national_regime=decision.national_regime,
        national_threshold=decision.national_threshold,
        above_national_threshold=decision.above_national_threshold,
        min_candidates=decision.min_candidates,
        decision=decision.to_dict(),
        stage="planning",
        lead_id=data.lead_id or (created_by.id if created_by else None),
        created_by=created_by,
        created_at=now,
    )
    for number, title in enumerate((t.strip() for t in data.lots if t.strip()), start=1):
        procurement.lots.append(Lot(number=number, title=title))
    session.add(procurement)
    session.flush()
    timetable.plan_procurement(session, procurement)
    return procurement


def chosen_stages(data: ProcurementInput, decision: RouteDecision) -> list[str]:
    """Return the competitive flexible stages chosen, in the order they run; none otherwise."""
    if decision.procedure != "competitive-flexible":
        return []
    return [stage for stage in FLEXIBLE_STAGES if stage in data.procedure_stages]


def _by_code(session: Session, model: Any, code: str | None) -> Any:
    if not code:
        return None
    return session.scalar(select(model).where(model.code == code))


def is_run_by(procurement: Procurement, user: Any) -> bool:
    """Say whether the user runs this procurement: its own lead, a co-lead, or an administrator.

    Only they change its bidders, bids, clarifications, panel and timetable.
    """
    session = object_session(procurement)
    if session is None:
        return bool(
            user.has_role(Role.ADMIN)
            or (user.has_role(Role.PROCUREMENT_LEAD) and procurement.lead_id == user.id)
        )
    return need_to_know.leads_it(session, procurement, user)


def get_by_reference(session: Session, reference: str) -> Procurement | None:
    """Return the procurement with this reference, if any."""
    return session.scalar(select(Procurement).where(Procurement.reference == reference))


def by_stage(session: Session) -> list[tuple[str, list[Procurement]]]:
    """Return every procurement grouped by stage, in timetable order."""
    groups: dict[str, list[Procurement]] = {stage: [] for stage in STAGES}
    for procurement in session.scalars(select(Procurement).order_by(Procurement.created_at.desc())):
        groups.setdefault(procurement.stage, []).append(procurement)
    return list(groups.items())
