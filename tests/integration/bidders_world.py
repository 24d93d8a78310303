"""Bidders, bids and clarifications for the integration tests, and the access test's world."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Bid, Bidder, Clarification, Milestone, Procurement, User
from tenderflow.services.bidding import bidders, bids, clarifications

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_deadline(procurement: Procurement, due_at: datetime) -> Milestone:
    """Move the tender deadline the timetable proposed (or set one where none was proposed)."""
    milestone = db.session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == "tender-deadline"
        )
    )
    if milestone is None:
        milestone = Milestone(procurement_id=procurement.id, kind="tender-deadline", due_at=due_at)
        db.session.add(milestone)
    milestone.due_at = due_at
    db.session.commit()
    return milestone


def no_deadline(procurement: Procurement) -> None:
    """Remove the tender deadline the timetable proposed, as if it had not been set."""
    for milestone in db.session.scalars(
        select(Milestone).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == "tender-deadline"
        )
    ):
        db.session.delete(milestone)
    db.session.commit()


def a_bidder(procurement: Procurement, name: str, **changes: Any) -> Bidder:
    """Record an organisation's interest."""
    bidder = bidders.add_bidder(
        db.session, procurement, bidders.BidderInput(name=name, **changes), clock.now()
    )
    db.session.commit()
    return bidder


def a_bid(procurement: Procurement, bidder: Bidder, user: User, **changes: Any) -> Bid:
    """Record a bid's receipt, now unless ``received_at`` is given."""
    bid = bids.record_bid(
        db.session,
        procurement,
        bidder,
        received_at=changes.get("received_at"),
        lot=changes.get("lot"),
        user=user,
        now=clock.now(),
    )
    db.session.commit()
    return bid


def a_question(
    procurement: Procurement, question: str, bidder: Bidder | None = None
) -> Clarification:
    """Log a clarification question asked now."""
    item = clarifications.log_question(
        db.session, procurement, bidder=bidder, question=question, asked_at=None, now=clock.now()
    )
    db.session.commit()
    return item


def extend(world: dict[str, Any]) -> None:
    """Add a bidder, a sealed bid with a document, and a clarification to the access world."""
    procurement = world["procurement"]
    lead = world["people"][Role.PROCUREMENT_LEAD]
    a_deadline(procurement, clock.now() + timedelta(days=14))
    bidder = a_bidder(procurement, "Access Test Housing Trust")
    bid = a_bid(procurement, bidder, lead)
    document = bids.add_document(
        db.session,
        bid,
        filename="method-statement.pdf",
        content=PDF,
        upload_dir=current_app.config["UPLOAD_DIR"],
        max_bytes=bids.DEFAULT_MAX_BYTES,
        user=lead,
        now=clock.now(),
    )
    item = a_question(procurement, "Is TUPE expected to apply?", bidder)
    world["url_args"].update(
        bidder_id=bidder.id,
        bid_id=bid.id,
        bid_document_id=document.id,
        clarification_id=item.id,
    )
