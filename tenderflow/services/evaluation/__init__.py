"""A procurement's evaluation: the model, the panel, scores, moderation.

Shared look-ups for the use cases in this package: who is on the panel, whether bids are
opened, and which bids and criteria each evaluator scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tenderflow.domain.evaluation import Criterion, EvaluationModel
from tenderflow.models import Bid, Bidder, EvaluationModelVersion, PanelMember, Procurement, User
from tenderflow.services.evaluation.results import (
    bids_in_evaluation,
    current_model_version,
    model_of,
)
from tenderflow.services.request_memo import remembered

__all__ = [
    "Panel",
    "bid_label",
    "bidders_to_declare",
    "bids_in_evaluation",
    "bids_opened",
    "conflicted_bidder_ids",
    "current_model",
    "current_model_version",
    "member_by_id",
    "member_of",
    "model_of",
    "panel_of",
]


def bid_label(bid: Bid) -> str:
    """Name a bid as the panel sees it: the bidder, and its lot where there are lots."""
    return f"{bid.bidder.name} (lot {bid.lot.number})" if bid.lot is not None else bid.bidder.name


def bids_opened(session: Session, procurement: Procurement) -> bool:
    """Any bid has been opened, which freezes the evaluation model."""
    return (
        session.scalar(
            select(Bid.id)
            .where(Bid.procurement_id == procurement.id, Bid.opened_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def current_model(
    session: Session, procurement: Procurement
) -> tuple[EvaluationModelVersion, EvaluationModel] | None:
    """Return the current model version and the model it holds, if there is one."""
    version = current_model_version(session, procurement)
    return None if version is None else (version, model_of(version))


def panel_of(session: Session, procurement: Procurement) -> list[PanelMember]:
    """Return the panel, moderators first, then by name."""
    members = session.scalars(
        select(PanelMember)
        .options(
            joinedload(PanelMember.user),
            selectinload(PanelMember.conflicts),
            selectinload(PanelMember.assignments),
        )
        .where(PanelMember.procurement_id == procurement.id)
    ).all()
    return sorted(members, key=lambda m: (m.role != "moderator", m.user.name))


def member_of(session: Session, procurement: Procurement, user: User) -> PanelMember | None:
    """Return the user's place on the procurement's panel, if they have one."""
    return remembered(
        session,
        ("panel place", procurement.id, user.id),
        lambda: session.scalar(
            select(PanelMember).where(
                PanelMember.procurement_id == procurement.id, PanelMember.user_id == user.id
            )
        ),
    )


def member_by_id(session: Session, procurement: Procurement, member_id: int) -> PanelMember | None:
    """Return a panel member of this procurement by id."""
    member = session.get(PanelMember, member_id)
    return member if member is not None and member.procurement_id == procurement.id else None


def conflicted_bidder_ids(member: PanelMember) -> set[int]:
    """Return the bidders the member declared a conflict with."""
    return {c.bidder_id for c in member.conflicts if c.conflicted}


def bidders_to_declare(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the bidders each panel member declares conflicts for.

    Those with a bid in the evaluation once bids are in; before that, every bidder invited or
    registered, so the panel can declare early.
    """
    bids = bids_in_evaluation(session, procurement)
    if bids:
        return list({bid.bidder_id: bid.bidder for bid in bids}.values())
    return list(
        session.scalars(
            select(Bidder).where(Bidder.procurement_id == procurement.id).order_by(Bidder.name)
        )
    )


@dataclass(frozen=True)
class Panel:
    """A member's view of their work: the bids and criteria they score."""

    member: PanelMember
    model: EvaluationModel
    bids: list[Bid]  # in evaluation, opened, and not conflicted
    criteria: list[Criterion]  # assigned, in model order

    @property
    def cells(self) -> list[tuple[Bid, Criterion]]:
        """Every score expected from the member."""
        return [(bid, criterion) for bid in self.bids for criterion in self.criteria]
