"""Need to know: who may see a procurement's commercial information, in one place.

A procurement's bids, prices, bid documents, scores, results and papers are open to its own
lead and the co-leads the lead adds, administrators, the moderators on its panel once
moderation opens, the evaluators on its panel (their own criteria while they score, and the
results once moderation has closed) and the commissioning body once the lead has asked it for
approval. A person on the panel who declared a conflict with a bidder sees nothing of that
bidder's bid, anywhere. Everyone else is answered as if the thing did not exist, and the
attempt is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.domain.evaluation.panel import moderation_open, moderation_over
from tenderflow.domain.roles import Role
from tenderflow.models import (
    ApprovalRequest,
    Bid,
    ConflictDeclaration,
    PanelMember,
    Procurement,
    ProcurementLead,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services.request_memo import remembered, rows_once


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_co_lead(session: Session, procurement: Procurement, user: Any) -> bool:
    """Say whether the lead added this person as a co-lead of the procurement."""
    if not _signed_in(user):
        return False
    return remembered(
        session,
        ("co-lead", procurement.id, user.id),
        lambda: (
            session.scalar(
                select(ProcurementLead.id).where(
                    ProcurementLead.procurement_id == procurement.id,
                    ProcurementLead.user_id == user.id,
                )
            )
            is not None
        ),
    )


def leads_it(session: Session, procurement: Procurement, user: Any) -> bool:
    """Say whether the person runs the procurement: its lead, a co-lead, or an administrator."""
    if not _signed_in(user):
        return False
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.PROCUREMENT_LEAD):
        return False
    return procurement.lead_id == user.id or is_co_lead(session, procurement, user)


def panel_place(session: Session, procurement: Procurement, user: Any) -> PanelMember | None:
    """Return the person's place on the procurement's panel, if they have one."""
    if not _signed_in(user):
        return None
    return remembered(
        session,
        ("panel place", procurement.id, user.id),
        lambda: session.scalar(
            select(PanelMember).where(
                PanelMember.procurement_id == procurement.id, PanelMember.user_id == user.id
            )
        ),
    )


def approval_request(
    session: Session, procurement: Procurement, now: datetime | None = None
) -> ApprovalRequest | None:
    """Return the lead's first request to the commissioning body for approval, made by ``now``."""
    asked = approval_requests(session, procurement)
    first = min(asked, key=lambda r: (r.requested_at, r.id)) if asked else None
    # The first request of all was made by ``now`` exactly when any was.
    if first is None or (now is not None and first.requested_at > now):
        return None
    return first


def approval_requests(session: Session, procurement: Procurement) -> list[ApprovalRequest]:
    """Return every request the lead made for the commissioning body's approval, oldest first."""
    return rows_once(
        session,
        ("approval requests", procurement.id),
        select(ApprovalRequest)
        .where(ApprovalRequest.procurement_id == procurement.id)
        .order_by(ApprovalRequest.id),
    )


def _asked_commissioning_body(
    session: Session, procurement: Procurement, user: Any, now: datetime
) -> bool:
    return bool(
        user.has_role(Role.COMMISSIONING_BODY)
        and approval_request(session, procurement, now) is not None
    )


def may_see_commercial(
    session: Session, user: Any, procurement: Procurement, now: datetime
) -> bool:
    """Say whether the person may see the procurement's bids, prices, documents and papers."""
    if not _signed_in(user):
        return False
    if leads_it(session, procurement, user):
        return True
    member = panel_place(session, procurement, user)
    if (
        member is not None
        and member.role == "moderator"
        and user.has_role(Role.MODERATOR)
        and moderation_open(procurement.stage)
    ):
        return True
    return _asked_commissioning_body(session, procurement, user, now)


def may_see_results(session: Session, user: Any, procurement: Procurement, now: datetime) -> bool:
    """Say whether the person may see the evaluation results (never before moderation opens).

    Those who may see the commercial information, and the evaluators on the panel once
    moderation has closed.
    """
    if not moderation_open(procurement.stage):
        return False
    if may_see_commercial(session, user, procurement, now):
        return True
    member = panel_place(session, procurement, user)
    return bool(
        member is not None
        and member.role == "evaluator"
        and user.has_role(Role.EVALUATOR)
        and moderation_over(procurement.stage)
    )


def withheld_bidder_ids(session: Session, user: Any, procurement: Procurement) -> set[int]:
    """Return the bidders the person, on this procurement's panel, declared a conflict with."""
    member = panel_place(session, procurement, user)
    if member is None:
        return set()
    return set(
        remembered(
            session,
            ("withheld", member.id),
            lambda: frozenset(
                session.scalars(
                    select(ConflictDeclaration.bidder_id).where(
                        ConflictDeclaration.panel_member_id == member.id,
                        ConflictDeclaration.conflicted.is_(True),
                    )
                )
            ),
        )
    )


def may_see_bid(session: Session, user: Any, bid: Bid, now: datetime) -> bool:
    """Say whether the person may see this bid: the procurement's rule, less declared conflicts."""
    procurement = session.get(Procurement, bid.procurement_id)
    assert procurement is not None
    return may_see_commercial(session, user, procurement, now) and (
        bid.bidder_id not in withheld_bidder_ids(session, user, procurement)
    )


def may_see_papers(session: Session, user: Any, procurement: Procurement, now: datetime) -> bool:
    """Say whether the person may see the papers: they cover every bid, so not if conflicted."""
    return may_see_commercial(session, user, procurement, now) and not withheld_bidder_ids(
        session, user, procurement
    )


def without_withheld(
    session: Session, user: Any, procurement: Procurement, bids: Sequence[Bid]
) -> tuple[list[Bid], int]:
    """Return the bids the person may see, and how many are withheld from them."""
    withheld = withheld_bidder_ids(session, user, procurement)
    shown = [bid for bid in bids if bid.bidder_id not in withheld]
    return shown, len(bids) - len(shown)


def record_refusal(
    session: Session,
    user: Any,
    procurement: Procurement,
    attempt: str,
    entity: str,
    entity_id: Any,
) -> None:
    """Write a refused attempt to see commercial information to the audit log."""
    who = user.email if _signed_in(user) else "someone signed out"
    audit.record(
        session,
        "refused",
        entity,
        entity_id,
        f"Refused to {attempt}: {who} has no need to know on {procurement.reference}",
        procurement_id=procurement.id,
    )
    session.flush()


# Co-leads and the request for approval


def co_leads(session: Session, procurement: Procurement) -> list[ProcurementLead]:
    """Return the procurement's co-leads, by name."""
    found = rows_once(
        session,
        ("co-leads", procurement.id),
        select(ProcurementLead).where(ProcurementLead.procurement_id == procurement.id),
    )
    return sorted(found, key=lambda row: row.user.name)


def may_manage_co_leads(procurement: Procurement, user: Any) -> bool:
    """Only the procurement's own lead, or an administrator, adds and removes co-leads."""
    return bool(
        _signed_in(user)
        and (
            user.has_role(Role.ADMIN)
            or (user.has_role(Role.PROCUREMENT_LEAD) and procurement.lead_id == user.id)
        )
    )


def add_co_lead(
    session: Session, procurement: Procurement, person: User | None, by: User, now: datetime
) -> ProcurementLead:
    """Add a procurement lead as a co-lead of this procurement."""
    if person is None or not person.active or not person.has_role(Role.PROCUREMENT_LEAD):
        raise ServiceError("Not a lead", {"user_id": "Select a procurement lead from the list"})
    if person.id == procurement.lead_id or is_co_lead(session, procurement, person):
        raise ServiceError("Already", {"user_id": f"{person.name} already leads this procurement"})
    row = ProcurementLead(
        procurement_id=procurement.id, user_id=person.id, added_by_id=by.id, added_at=now
    )
    session.add(row)
    session.flush()
    return row


def remove_co_lead(session: Session, procurement: Procurement, row_id: int) -> None:
    """Remove a co-lead from the procurement."""
    row = session.get(ProcurementLead, row_id)
    if row is None or row.procurement_id != procurement.id:
        raise ServiceError("Unknown", {"co_lead": "Select a co-lead from the list"})
    session.delete(row)
    session.flush()
