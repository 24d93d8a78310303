"""The award's governance: the commissioning body's approval and challenges to the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import AwardApproval, Bidder, Challenge, Contract, Procurement, User
from tenderflow.services import ServiceError, outbox

DECISIONS = {
    "approved": "Approved",
    "rejected": "Rejected",
    "deferred": "Deferred",
}


@dataclass(frozen=True)
class ApprovalInput:
    decision: str
    decided_on: date
    minute_reference: str = ""
    notes: str = ""
    recommended_bidder_id: int | None = None


def bidders(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the procurement's bidders, by name."""
    return list(
        session.scalars(
            select(Bidder).where(Bidder.procurement_id == procurement.id).order_by(Bidder.name)
        )
    )


def _bidder(session: Session, procurement: Procurement, bidder_id: int | None) -> Bidder | None:
    if bidder_id is None:
        return None
    bidder = session.get(Bidder, bidder_id)
    if bidder is None or bidder.procurement_id != procurement.id:
        raise ServiceError("Unknown bidder", {"bidder_id": "Select a bidder from the list"})
    return bidder


def record_approval(
    session: Session,
    procurement: Procurement,
    data: ApprovalInput,
    user: User,
    now: datetime,
    today: date,
) -> AwardApproval:
    """Record the commissioning body's decision on the award recommendation."""
    errors: dict[str, str] = {}
    if data.decision not in DECISIONS:
        errors["decision"] = "Select the commissioning body's decision"
    if data.decided_on > today:
        errors["decided_on"] = "The date of the decision must be today or in the past"
    if data.decision in ("rejected", "deferred") and not data.notes.strip():
        errors["notes"] = "Enter why the recommendation was not approved"
    if errors:
        raise ServiceError("The decision was not recorded", errors)
    bidder = _bidder(session, procurement, data.recommended_bidder_id)
    approval = AwardApproval(
        procurement_id=procurement.id,
        recommended_bidder_id=bidder.id if bidder else None,
        decision=data.decision,
        decided_on=data.decided_on,
        minute_reference=data.minute_reference.strip(),
        notes=data.notes.strip(),
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(approval)
    session.flush()
    outbox.queue_message(
        session,
        key=f"approval:{approval.id}",
        kind="award-approval",
        recipient=procurement.lead,
        subject=(
            f"{procurement.reference}: the commissioning body "
            f"{DECISIONS[data.decision].lower()} the award recommendation"
        ),
        body=data.notes.strip() or "The decision is recorded on the procurement's page.",
        now=now,
        procurement_id=procurement.id,
    )
    return approval


def approvals(session: Session, procurement: Procurement) -> list[AwardApproval]:
    """Return the commissioning body's decisions on this procurement, newest first."""
    return list(
        session.scalars(
            select(AwardApproval)
            .where(AwardApproval.procurement_id == procurement.id)
            .order_by(AwardApproval.decided_on.desc(), AwardApproval.id.desc())
        )
    )


def record_challenge(
    session: Session,
    procurement: Procurement,
    summary: str,
    received_on: date,
    bidder_id: int | None,
    user: User,
    today: date,
) -> Challenge:
    """Record a challenge to the award decision; it suspends the award until resolved."""
    errors: dict[str, str] = {}
    if not summary.strip():
        errors["summary"] = "Enter what the challenge says"
    if received_on > today:
        errors["received_on"] = "The date the challenge was received must be today or in the past"
    if errors:
        raise ServiceError("The challenge was not recorded", errors)
    bidder = _bidder(session, procurement, bidder_id)
    challenge = Challenge(
        procurement_id=procurement.id,
        bidder_id=bidder.id if bidder else None,
        received_on=received_on,
        summary=summary.strip(),
        recorded_by_id=user.id,
    )
    session.add(challenge)
    session.flush()
    return challenge


def resolve_challenge(
    session: Session, challenge: Challenge, outcome: str, resolved_on: date, today: date
) -> Challenge:
    """Record how a challenge was resolved; the award may then proceed."""
    errors: dict[str, str] = {}
    if challenge.resolved_on is not None:
        errors["outcome"] = "This challenge is already resolved"
    if not outcome.strip():
        errors["outcome"] = "Enter how the challenge was resolved"
    if resolved_on > today:
        errors["resolved_on"] = "The date it was resolved must be today or in the past"
    elif resolved_on < challenge.received_on:
        errors["resolved_on"] = "The date it was resolved must be on or after it was received"
    if errors:
        raise ServiceError("The challenge was not resolved", errors)
    challenge.outcome = outcome.strip()
    challenge.resolved_on = resolved_on
    session.flush()
    return challenge


def challenges(session: Session, procurement: Procurement) -> list[Challenge]:
    """Return the procurement's challenges, newest first."""
    return list(
        session.scalars(
            select(Challenge)
            .where(Challenge.procurement_id == procurement.id)
            .order_by(Challenge.received_on.desc(), Challenge.id.desc())
        )
    )


def open_challenges(session: Session, procurement: Procurement) -> list[Challenge]:
    """Return the challenges not yet resolved."""
    return [c for c in challenges(session, procurement) if c.is_open]


def contracts(session: Session, procurement: Procurement) -> list[Contract]:
    """Return the contracts the award created."""
    return list(
        session.scalars(
            select(Contract).where(Contract.procurement_id == procurement.id).order_by(Contract.id)
        )
    )
