"""Gates this feature adds: into ITT, into evaluation, and out of moderation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow.domain import bidding
from tenderflow.domain.bidding import clarification_label
from tenderflow.models import Procurement
from tenderflow.services.bidding import bidders, bids, clarifications, plans


def plan_is_agreed(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """The procurement plan is written and agreed before the ITT goes out."""
    plan = plans.plan_for(session, procurement)
    if plan is None:
        return ["Write the procurement plan and agree it"]
    if plan.agreed_at is None:
        return ["Agree the procurement plan"]
    return []


def enough_candidates(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """The shortlist meets the route's minimum number of candidates, or the shortfall is explained.

    Only where someone chooses who tenders: a shortlist taken at EOI, or suppliers asked
    directly. An open procedure, or an advertised tender with no participation stage, is open
    to every supplier who responds to the notice, so there is no shortlist to count.
    """
    direct = bidders.asks_directly(procurement)
    if not procurement.shortlists and not direct:
        return []
    shortlisted = sum(1 for b in bidders.bidders_of(session, procurement) if b.shortlisted)
    record = bidders.tender_field(session, procurement)
    return bidding.shortlist_unmet(
        shortlisted,
        procurement.min_candidates,
        record.fewer_candidates_reason if record else None,
        quotes=bidders.asks_for_quotes(procurement),
        invited=direct,
    )


# The first tenders are opened before negotiation or a further round, as before evaluation.
def bids_are_opened(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """The tender deadline has passed and every bid to be evaluated has been opened."""
    deadline = bids.tender_deadline(session, procurement)
    if deadline is None:
        return ["Set the tender deadline in the timetable"]
    if bidding.is_sealed(deadline, now):
        return [
            "The tender deadline has not passed: bids stay sealed until "
            f"{bids.deadline_text(deadline)}"
        ]
    received = bids.bids_of(session, procurement)
    if not received:
        return ["Record the bids received"]
    unopened = [b for b in received if b.opened_at is None and bids.still_sealed_reason(b) is None]
    if unopened:
        count = len(unopened)
        return [f"Open the bids: {count} bid{'s are' if count != 1 else ' is'} still unopened"]
    return []


def _no_open_clarifications(session: Session, procurement: Procurement) -> list[str]:
    waiting = clarifications.open_clarifications(session, procurement)
    if not waiting:
        return []
    labels = ", ".join(clarification_label(c.number) for c in waiting)
    return [f"Answer the open clarification{'s' if len(waiting) != 1 else ''}: {labels}"]


def clarifications_closed(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """No clarification is waiting for an answer when moderation ends."""
    return _no_open_clarifications(session, procurement)


def clarifications_closed_before_award(
    session: Session, procurement: Procurement, now: datetime
) -> list[str]:
    """Without a standstill, moderation ends at award: no clarification may still be open."""
    if "standstill" in procurement.stages:
        return []  # checked on the way into standstill
    return _no_open_clarifications(session, procurement)
