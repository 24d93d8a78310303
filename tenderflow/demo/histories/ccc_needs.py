"""Supporting People needs assessment (CCC-NEEDS-2027): at ITT with sealed bids.

An invited tender, regulated below the threshold: the lead invites the suppliers directly,
with no EOI or shortlist. Both have tendered; the bids stay sealed until the deadline passes.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from tenderflow.demo.histories.common import (
    LEAD,
    MODEL_NAME,
    at,
    model_yaml,
    reach_stage,
    set_milestone,
    set_stage_dates,
)
from tenderflow.models import User
from tenderflow.services import procurements
from tenderflow.services.bidding import bidders, bids
from tenderflow.services.evaluation import model_versions

REFERENCE = "CCC-NEEDS-2027"
INVITED = ("Granta Social Research Ltd", "Isle of Ely Insight CIC")


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Invite two suppliers five days ago and record their sealed bids (once)."""
    needs = procurements.get_by_reference(session, REFERENCE)
    if needs is None or bidders.bidders_of(session, needs):
        return ""
    lead = people[LEAD]
    set_stage_dates(
        session,
        needs,
        "planning",
        0,
        (today - timedelta(days=14), today - timedelta(days=5)),
        (today - timedelta(days=14), today - timedelta(days=5)),
    )
    set_stage_dates(
        session,
        needs,
        "itt",
        1,
        (today - timedelta(days=5), today + timedelta(days=10)),
        (today - timedelta(days=5), None),
    )
    set_milestone(session, needs, "tender-deadline", at(today + timedelta(days=10), 12), None)
    model_versions.save_model(
        session,
        needs,
        lead,
        at(today - timedelta(days=6)),
        source=MODEL_NAME,
        yaml_text=model_yaml(),
    )
    model_versions.publish_model(session, needs, at(today - timedelta(days=5)))
    chosen = []
    for n, name in enumerate(INVITED):
        registered = at(today - timedelta(days=8))
        bidder = bidders.add_bidder(
            session,
            needs,
            bidders.BidderInput(
                name=name, contact_email=f"tenders{n}@tender.example", registered_at=registered
            ),
            registered,
        )
        # Chosen by the lead, not assessed at a selection stage: the result carries no note.
        bidders.record_selection(session, bidder, "passed", "")
        chosen.append(bidder)
    reach_stage(needs, "itt")
    bidders.issue_itt(
        session,
        needs,
        advertised=False,
        advert_reference="",
        user=lead,
        now=at(today - timedelta(days=5)),
    )
    for n, bidder in enumerate(chosen):
        # Received but sealed: no price read and not opened until the deadline has passed.
        received = at(today - timedelta(days=1), 9 + n)
        bids.record_bid(
            session, needs, bidder, received_at=received, lot=None, user=lead, now=received
        )
    return f"{REFERENCE} at ITT with sealed bids"
