"""Gates the transparency notices set: the contract award notice before the standstill, and a
direct award's transparency notice before it proceeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow.domain.notices import KINDS
from tenderflow.models import Procurement
from tenderflow.services import notices


def _unpublished(session: Session, procurement: Procurement, code: str, why: str) -> list[str]:
    if not notices.needs(session, procurement, code):
        return []
    if notices.published_on(session, procurement, code) is not None:
        return []
    kind = KINDS[code]
    return [
        f"Record the {kind.title.lower()} ({code}) as published on {kind.platform} {why}: the "
        "lead records its notice ID and date on the procurement's Notices page"
    ]


def award_notice_published(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into standstill: the contract award notice is published; the standstill counts from it."""
    return _unpublished(
        session, procurement, "UK6", "before the standstill begins (it counts from that day)"
    )


def transparency_notice_published(
    session: Session, procurement: Procurement, now: datetime
) -> list[str]:
    """A direct award proceeds (into standstill, or award without one) only after its UK5."""
    if procurement.route != "direct-award":
        return []
    stages = list(procurement.stages)
    first = "standstill" if "standstill" in stages else "award"
    if procurement.stage == first or procurement.stage in stages[stages.index(first) :]:
        return []
    return _unpublished(
        session, procurement, "UK5", "before the direct award proceeds (Procurement Act 2023, s.44)"
    )
