"""The evaluation panel: members, their assignments, confidentiality and conflicts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.evaluation import EvaluationModel
from tenderflow.domain.roles import Role
from tenderflow.models import (
    Bid,
    ConflictDeclaration,
    ConsensusScore,
    EvaluatorAssignment,
    EvaluatorScore,
    PanelMember,
    Procurement,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services.evaluation import bidders_to_declare, member_of

PANEL_ROLES = {"evaluator": Role.EVALUATOR, "moderator": Role.MODERATOR}


def candidates(session: Session, procurement: Procurement, role: str) -> list[User]:
    """Return users holding ``role`` who are not yet on the panel."""
    from tenderflow.services.users import users_with_role

    on_panel = set(
        session.scalars(
            select(PanelMember.user_id).where(PanelMember.procurement_id == procurement.id)
        )
    )
    return [u for u in users_with_role(session, PANEL_ROLES[role]) if u.id not in on_panel]


def add_member(
    session: Session, procurement: Procurement, user_id: int | None, role: str
) -> PanelMember:
    """Put a user holding the evaluator or moderator role on the panel."""
    if role not in PANEL_ROLES:
        raise ServiceError("Unknown role", {"role": "Select evaluator or moderator"})
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.has_role(PANEL_ROLES[role]):
        raise ServiceError(
            "Not a panel user",
            {"user_id": f"Select a person who is {'an' if role == 'evaluator' else 'a'} {role}"},
        )
    if member_of(session, procurement, user) is not None:
        raise ServiceError("Already on panel", {"user_id": f"{user.name} is already on the panel"})
    member = PanelMember(procurement_id=procurement.id, user=user, role=role)
    session.add(member)
    session.flush()
    return member


def assign(
    session: Session, member: PanelMember, model: EvaluationModel, criterion_ids: list[str]
) -> None:
    """Set the criteria the member scores (a whole section is given as its criteria)."""
    known = {c.id for c in model.criteria}
    unknown = [c for c in criterion_ids if c not in known]
    if unknown:
        raise ServiceError(
            "Unknown criteria", {"criteria": f"Unknown criteria: {', '.join(unknown)}"}
        )
    if not criterion_ids:
        raise ServiceError("No criteria", {"criteria": "Select at least one section or criterion"})
    submitted = set(
        session.scalars(
            select(EvaluatorScore.criterion_id).where(
                EvaluatorScore.panel_member_id == member.id,
                EvaluatorScore.status == "submitted",
            )
        )
    )
    dropped = submitted - set(criterion_ids)
    if dropped:
        raise ServiceError(
            "Submitted scores",
            {
                "criteria": f"{member.user.name} has submitted scores on {', '.join(sorted(dropped))}"
            },
        )
    wanted = [c.id for c in model.criteria if c.id in set(criterion_ids)]
    member.assignments[:] = [a for a in member.assignments if a.criterion_id in wanted]
    have = {a.criterion_id for a in member.assignments}
    for criterion_id in wanted:
        if criterion_id not in have:
            member.assignments.append(EvaluatorAssignment(criterion_id=criterion_id))
    session.flush()


def sign_confidentiality(member: PanelMember, now: datetime) -> None:
    """Record that the member signed the confidentiality agreement."""
    if member.confidentiality_signed_at is None:
        member.confidentiality_signed_at = now


def declare_conflicts(
    session: Session,
    member: PanelMember,
    answers: Mapping[int, tuple[bool | None, str]],
    now: datetime,
) -> None:
    """Record the member's declaration for every bidder; a conflict removes them from it.

    ``answers`` maps bidder id to (conflicted, details); details are needed for a conflict.
    """
    bidders = bidders_to_declare(session, member.procurement)
    errors: dict[str, str] = {}
    for bidder in bidders:
        conflicted, details = answers.get(bidder.id, (None, ""))
        if conflicted is None:
            errors[f"bidder-{bidder.id}"] = f"Select whether you have a conflict with {bidder.name}"
        elif conflicted and not details.strip():
            errors[f"details-{bidder.id}"] = f"Describe your conflict with {bidder.name}"
    if not bidders:
        errors["conflicts"] = "There are no bidders to declare conflicts for yet"
    if member.confidentiality_signed_at is None:
        errors["conflicts"] = "Sign the confidentiality agreement first"
    if errors:
        raise ServiceError("Declaration incomplete", errors)
    existing = {c.bidder_id: c for c in member.conflicts}
    for bidder in bidders:
        conflicted, details = answers[bidder.id]
        declaration = existing.get(bidder.id)
        if declaration is None:
            declaration = ConflictDeclaration(bidder_id=bidder.id, declared_at=now)
            member.conflicts.append(declaration)
        if declaration.conflicted != bool(conflicted) or declaration.details != details.strip():
            declaration.conflicted, declaration.details = bool(conflicted), details.strip()
            declaration.declared_at = now
        if conflicted:
            _remove_from_bidder(session, member, bidder.id)
    member.conflicts_declared_at = now
    session.flush()


def _remove_from_bidder(session: Session, member: PanelMember, bidder_id: int) -> None:
    bid_ids = select(Bid.id).where(Bid.bidder_id == bidder_id)
    submitted = session.scalar(
        select(EvaluatorScore.id).where(
            EvaluatorScore.panel_member_id == member.id,
            EvaluatorScore.bid_id.in_(bid_ids),
            EvaluatorScore.status == "submitted",
        )
    )
    if submitted is not None:
        raise ServiceError(
            "Scores submitted",
            {"conflicts": "You have submitted scores for this bidder: tell the procurement lead"},
        )
    # A moderator who agreed a consensus score for the bid is in the same position: the
    # results already rest on their judgment, so the lead must decide what happens to them.
    agreed = session.scalar(
        select(ConsensusScore.id).where(
            ConsensusScore.moderator_id == member.user_id, ConsensusScore.bid_id.in_(bid_ids)
        )
    )
    if agreed is not None:
        raise ServiceError(
            "Consensus agreed",
            {
                "conflicts": "You have agreed consensus scores for this bidder: "
                "tell the procurement lead"
            },
        )
    for score in session.scalars(
        select(EvaluatorScore).where(
            EvaluatorScore.panel_member_id == member.id, EvaluatorScore.bid_id.in_(bid_ids)
        )
    ):
        session.delete(score)


def declared_every_bidder(session: Session, member: PanelMember) -> bool:
    """The member has declared, and for every bidder now in the evaluation."""
    if member.conflicts_declared_at is None:
        return False
    declared = {c.bidder_id for c in member.conflicts}
    return all(b.id in declared for b in bidders_to_declare(session, member.procurement))


def remove_member(session: Session, member: PanelMember) -> None:
    """Take a member off the panel, while they have no submitted scores."""
    submitted = session.scalar(
        select(EvaluatorScore.id).where(
            EvaluatorScore.panel_member_id == member.id, EvaluatorScore.status == "submitted"
        )
    )
    if submitted is not None:
        raise ServiceError(
            "Scores submitted", {"member": f"{member.user.name} has submitted scores"}
        )
    for score in session.scalars(
        select(EvaluatorScore).where(EvaluatorScore.panel_member_id == member.id)
    ):
        session.delete(score)
    session.delete(member)
    session.flush()
