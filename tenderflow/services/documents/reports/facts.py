"""What every council paper quotes about a procurement, read from its records.

Each function reads one kind of record and returns the documents' plain inputs; nothing here
works out a score or a date again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.documents import inputs as doc
from tenderflow.domain.regulations import default_library
from tenderflow.domain.vocabulary import STAGE_LABELS
from tenderflow.models import (
    Bid,
    Clarification,
    ConflictDeclaration,
    Lot,
    PanelMember,
    Procurement,
    ProcurementPlan,
    StageDates,
    User,
)

COMMISSIONING_BODY = "Supporting People Commissioning Body"
CLASSIFICATION = "OFFICIAL-SENSITIVE: COMMERCIAL"
PANEL_ROLES = {"evaluator": "Evaluator", "moderator": "Moderator", "adviser": "Adviser"}


def council_of(procurement: Procurement) -> str:
    """Name the council: the county its districts lie in."""
    counties = sorted({d.county for d in procurement.districts if d.county})
    return f"{counties[0]} County Council" if len(counties) == 1 else "The Council"


def person(user: User | None, role: str = "", organisation: str = "") -> doc.Person | None:
    """Return a user as a document names them."""
    if user is None:
        return None
    return doc.Person(
        user.name,
        role or user.job_title or "",
        organisation or user.organisation or "",
        email=user.email,
    )


def route_facts(decision: dict[str, Any]) -> doc.RouteFacts:
    """Return the route decision as it was made when the procurement was created."""
    library = default_library()
    standstill = decision.get("standstill")
    if not standstill:
        standstill_text = "None required below the national threshold"
    else:
        standstill_text = f"{standstill['days']} {standstill['kind']} days"
        if not decision.get("standstill_mandatory"):
            standstill_text += " (voluntary)"
    return doc.RouteFacts(
        rule_set_title=library.get(decision["rule_set"]).title,
        national_regime=decision["national_regime"],
        national_regime_title=library.get(decision["national_regime"]).title,
        route=decision["route"],
        band=decision["band"],
        whole_life_value=Decimal(decision["whole_life_value"]),
        value_including_vat=Decimal(decision["value_including_vat"]),
        national_threshold=Decimal(decision["national_threshold"]),
        above_national_threshold=bool(decision["above_national_threshold"]),
        min_candidates=decision.get("min_candidates"),
        standstill=standstill_text,
        notices=tuple(decision.get("notices", ())) + tuple(decision.get("conditional_notices", ())),
        bidder_feedback=decision.get("bidder_feedback", ""),
        explanation=decision.get("explanation", ""),
    )


def lot_facts(lot: Lot | None) -> doc.Lot | None:
    """Return a lot as documents name it."""
    return None if lot is None else doc.Lot(lot.number, lot.title, lot.annual_value)


def plan_of(session: Session, procurement: Procurement) -> ProcurementPlan | None:
    """Return the procurement's plan, if one has been written."""
    return session.scalar(
        select(ProcurementPlan).where(ProcurementPlan.procurement_id == procurement.id)
    )


def procurement_facts(session: Session, procurement: Procurement) -> doc.ProcurementFacts:
    """Return what documents quote about a procurement."""
    plan = plan_of(session, procurement)
    council = council_of(procurement)
    client = (
        doc.Person(plan.client_lead, "Client lead", council) if plan and plan.client_lead else None
    )
    return doc.ProcurementFacts(
        reference=procurement.reference,
        title=procurement.title,
        description=procurement.description,
        council=council,
        commissioning_body=COMMISSIONING_BODY,
        category=procurement.category,
        start_date=procurement.start_date,
        estimated_value=procurement.value,
        value_basis=procurement.value_basis,
        term_years=procurement.term_years,
        extension_years=procurement.extension_years,
        route=route_facts(procurement.decision),
        districts=tuple(d.name for d in procurement.districts),
        lots=tuple(doc.Lot(lot.number, lot.title, lot.annual_value) for lot in procurement.lots),
        procurement_lead=person(procurement.lead, organisation=council),
        client_lead=client,
    )


def stage_dates(session: Session, procurement: Procurement) -> list[StageDates]:
    """Return the procurement's timetable, stage by stage."""
    return list(
        session.scalars(
            select(StageDates)
            .where(StageDates.procurement_id == procurement.id)
            .order_by(StageDates.position, StageDates.id)
        )
    )


def timetable(session: Session, procurement: Procurement) -> tuple[doc.TimetableRow, ...]:
    """Return each stage planned against actual, with the reason for any slip."""
    return tuple(
        doc.TimetableRow(
            STAGE_LABELS.get(row.stage, row.stage),
            row.planned_start,
            row.planned_end,
            row.actual_start,
            row.actual_end,
            row.delay_reason,
        )
        for row in stage_dates(session, procurement)
    )


def panel(
    session: Session, procurement: Procurement, bidders: set[str]
) -> tuple[doc.PanelMember, ...]:
    """Return the panel and their declarations; conflicts only for this lot's bidders."""
    members = session.scalars(
        select(PanelMember)
        .where(PanelMember.procurement_id == procurement.id)
        .order_by(PanelMember.id)
    )
    found = []
    for member in members:
        conflicts = [
            c
            for c in session.scalars(
                select(ConflictDeclaration)
                .where(ConflictDeclaration.panel_member_id == member.id)
                .order_by(ConflictDeclaration.id)
            )
            if c.conflicted and c.bidder.name in bidders
        ]
        role = PANEL_ROLES.get(member.role, member.role.capitalize())
        job = member.user.job_title
        found.append(
            doc.PanelMember(
                member.user.name,
                f"{job} ({role.lower()})" if job else role,
                member.user.organisation or council_of(procurement),
                member.confidentiality_signed_at.date()
                if member.confidentiality_signed_at
                else None,
                member.conflicts_declared_at.date() if member.conflicts_declared_at else None,
                conflicts=tuple(f"{c.bidder.name}: {c.details}".rstrip(": ") for c in conflicts),
                excluded_from=tuple(c.bidder.name for c in conflicts),
                scores=member.role == "evaluator",
            )
        )
    return tuple(found)


def bids_of(session: Session, procurement: Procurement, lot: Lot | None) -> list[Bid]:
    """Return every bid received for the procurement (or lot), in the order received."""
    query = select(Bid).where(Bid.procurement_id == procurement.id)
    if lot is not None:
        query = query.where(Bid.lot_id == lot.id)
    return list(session.scalars(query.order_by(Bid.received_at, Bid.id)))


def bids_received(bids: list[Bid]) -> tuple[doc.BidReceived, ...]:
    """Return the bids as received: late, excluded and why."""
    return tuple(
        doc.BidReceived(
            bid.bidder.name,
            bid.received_at,
            late=bid.late,
            accepted_late_reason=bid.late_acceptance_reason,
            excluded=bid.excluded,
            exclusion_reason=bid.exclusion_reason,
        )
        for bid in bids
    )


def clarifications(session: Session, procurement: Procurement) -> tuple[doc.Clarification, ...]:
    """Return the clarification log, numbered as bidders saw it."""
    return tuple(
        doc.Clarification(
            f"CQ-{item.number:03d}",
            item.asked_at.date(),
            item.question,
            item.answer or "Not answered yet",
            item.answered_at.date() if item.answered_at else None,
            item.published_at is not None,
        )
        for item in session.scalars(
            select(Clarification)
            .where(Clarification.procurement_id == procurement.id)
            .order_by(Clarification.number)
        )
    )


def stage_start(session: Session, procurement: Procurement, stage: str) -> date | None:
    """Return the day a stage started, or was planned to."""
    for row in stage_dates(session, procurement):
        if row.stage == stage:
            return row.actual_start or row.planned_start
    return None


def contract_start(session: Session, procurement: Procurement) -> date:
    """Return the day the contract is planned to start: its timetable stage, else the start date."""
    return stage_start(session, procurement, "contract") or procurement.start_date
