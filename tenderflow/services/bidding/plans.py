"""The procurement plan: the lead writes it, then agrees it before the ITT goes out."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import Procurement, ProcurementPlan, User
from tenderflow.services import ServiceError

# (field, heading) in the order of the Kent draft procurement plan.
PLAN_SECTIONS: tuple[tuple[str, str], ...] = (
    ("funding", "Funding"),
    ("business_objectives", "Business objectives"),
    ("current_supply", "Current supply arrangements"),
    ("market_position", "Market position"),
    ("risks_and_controls", "Risks and controls"),
    ("route_options", "Route options and evaluation"),
    ("value_for_money", "Value for money"),
    ("route_recommendation", "Procurement route recommendation"),
    ("resources", "Resources required"),
    ("reviews_planned", "Reviews planned"),
)
# What a plan cannot be agreed without.
REQUIRED_TO_AGREE = {
    "business_objectives": "Enter the business objectives before agreeing the plan",
    "risks_and_controls": "Enter the risks and their controls before agreeing the plan",
    "route_recommendation": "Enter the route recommendation before agreeing the plan",
}


@dataclass
class PlanInput:
    """What the lead writes in the plan."""

    client_lead: str = ""
    funding: str = ""
    business_objectives: str = ""
    current_supply: str = ""
    market_position: str = ""
    risks_and_controls: str = ""
    route_options: str = ""
    value_for_money: str = ""
    route_recommendation: str = ""
    resources: str = ""
    reviews_planned: str = ""

    @classmethod
    def from_plan(cls, plan: ProcurementPlan | None) -> PlanInput:
        """Return the input that would write ``plan`` again."""
        if plan is None:
            return cls()
        return cls(**{f.name: getattr(plan, f.name) for f in fields(cls)})


def plan_for(session: Session, procurement: Procurement) -> ProcurementPlan | None:
    """Return the procurement's plan, if one has been written."""
    return session.scalar(
        select(ProcurementPlan).where(ProcurementPlan.procurement_id == procurement.id)
    )


def save_plan(
    session: Session, procurement: Procurement, data: PlanInput, user: User, now: datetime
) -> ProcurementPlan:
    """Write or rewrite the plan; a changed plan must be agreed again."""
    plan = plan_for(session, procurement)
    if plan is None:
        plan = ProcurementPlan(procurement_id=procurement.id, updated_at=now)
        session.add(plan)
    changed = False
    for f in fields(PlanInput):
        value = (getattr(data, f.name) or "").strip()
        if getattr(plan, f.name, None) != value:
            setattr(plan, f.name, value)
            changed = True
    if changed:
        plan.agreed_at = None
    plan.updated_by_id = user.id
    plan.updated_at = now
    session.flush()
    return plan


def agree_plan(
    session: Session, procurement: Procurement, user: User, now: datetime
) -> ProcurementPlan:
    """Record that the plan is agreed; refuse a plan missing what it must say."""
    plan = plan_for(session, procurement)
    if plan is None:
        raise ServiceError("Write the procurement plan before agreeing it")
    errors = {
        name: message
        for name, message in REQUIRED_TO_AGREE.items()
        if not getattr(plan, name).strip()
    }
    if errors:
        raise ServiceError("The plan cannot be agreed yet", errors)
    plan.agreed_at = now
    plan.updated_by_id = user.id
    plan.updated_at = now
    session.flush()
    return plan
