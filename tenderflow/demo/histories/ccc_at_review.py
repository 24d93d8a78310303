"""Assistive technology review (CCC-AT-REVIEW): at ITT, advertised, its tender deadline ahead.

A regulated below-threshold contract under the Act: no shortlisting on suitability, so no EOI.
The tender is advertised and open to every supplier who responds.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from tenderflow.demo.histories.common import (
    LEAD,
    at,
    reach_stage,
    set_milestone,
    set_stage_dates,
)
from tenderflow.models import User
from tenderflow.services import procurements
from tenderflow.services.bidding import bidders

REFERENCE = "CCC-AT-REVIEW"
RESPONDENTS = ("Fen Edge Research Ltd", "Ouse Consulting LLP", "Cam Valley Evaluation CIC")


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Advertise the review's ITT a week ago; three suppliers have responded since (once)."""
    review = procurements.get_by_reference(session, REFERENCE)
    if review is None or bidders.bidders_of(session, review):
        return ""
    set_stage_dates(
        session,
        review,
        "planning",
        0,
        (today - timedelta(days=14), today - timedelta(days=8)),
        (today - timedelta(days=14), today - timedelta(days=8)),
    )
    set_stage_dates(
        session,
        review,
        "itt",
        1,
        (today - timedelta(days=7), today + timedelta(days=14)),
        (today - timedelta(days=7), None),
    )
    set_milestone(session, review, "tender-deadline", at(today + timedelta(days=14), 12), None)
    set_milestone(
        session, review, "clarification-deadline", at(today + timedelta(days=8), 12), None
    )
    reach_stage(review, "itt")
    bidders.issue_itt(
        session,
        review,
        advertised=True,
        advert_reference="Contracts Finder and the Central Digital Platform",
        user=people[LEAD],
        now=at(today - timedelta(days=7), 9),
    )
    for n, name in enumerate(RESPONDENTS):
        registered = at(today - timedelta(days=5 - n))
        bidders.add_bidder(
            session,
            review,
            bidders.BidderInput(
                name=name, contact_email=f"bids{n}@tender.example", registered_at=registered
            ),
            registered,
        )
    return f"{REFERENCE} at ITT, advertised"
