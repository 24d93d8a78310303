"""Bidders: expressions of interest, selection, the shortlist and the ITT's issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.bidding import SELECTION_RESULTS
from tenderflow.domain.stages import QUOTE_ROUTES
from tenderflow.models import Bidder, Procurement, TenderField, User
from tenderflow.services import ServiceError


def asks_for_quotes(procurement: Procurement) -> bool:
    """Return whether suppliers are asked to quote directly (no EOI)."""
    return procurement.route in QUOTE_ROUTES


def has_eoi(procurement: Procurement) -> bool:
    """Return whether candidates register interest and are selected at an EOI stage."""
    return "eoi" in procurement.stages


def asks_directly(procurement: Procurement) -> bool:
    """Return whether the lead chooses the suppliers asked to quote or tender, with no EOI."""
    return asks_for_quotes(procurement) or (
        procurement.route == "invited-tender" and not has_eoi(procurement)
    )


@dataclass
class BidderInput:
    """An organisation that registered interest, or a supplier asked to quote."""

    name: str
    contact_name: str = ""
    contact_email: str = ""
    registered_at: datetime | None = None


def bidders_of(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the procurement's bidders in the order they registered."""
    return list(
        session.scalars(
            select(Bidder)
            .where(Bidder.procurement_id == procurement.id)
            .order_by(Bidder.registered_at, Bidder.id)
        )
    )


def get_bidder(session: Session, procurement: Procurement, bidder_id: int) -> Bidder | None:
    """Return one of the procurement's bidders, or None."""
    bidder = session.get(Bidder, bidder_id)
    return bidder if bidder is not None and bidder.procurement_id == procurement.id else None


def add_bidder(
    session: Session, procurement: Procurement, data: BidderInput, now: datetime
) -> Bidder:
    """Record an organisation's interest (or, on a quotes route, a supplier asked to quote)."""
    name = data.name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the organisation's name"
    elif session.scalar(
        select(Bidder.id).where(Bidder.procurement_id == procurement.id, Bidder.name == name)
    ):
        errors["name"] = f"{name} is already recorded for this procurement"
    registered_at = data.registered_at or now
    if registered_at > now:
        errors["registered_at"] = "The date interest was registered must be today or in the past"
    if errors:
        raise ServiceError("The organisation could not be added", errors)
    quotes = asks_for_quotes(procurement)
    # Without an EOI there is no selection stage to pass: suppliers asked to quote are chosen
    # by the lead, and tenderers' conditions of participation are assessed with their tenders.
    selected = not has_eoi(procurement)
    note = "Asked to quote" if quotes else "Conditions of participation assessed with the tender"
    bidder = Bidder(
        procurement_id=procurement.id,
        name=name,
        contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip(),
        registered_at=registered_at,
        selection="passed" if selected else "pending",
        selection_note=note if selected else "",
        shortlisted=selected,
    )
    session.add(bidder)
    session.flush()
    return bidder


def record_selection(session: Session, bidder: Bidder, result: str, note: str) -> Bidder:
    """Record a bidder's selection result; a failed bidder leaves the shortlist."""
    errors: dict[str, str] = {}
    if result not in ("passed", "failed"):
        errors["result"] = "Select whether the organisation passed or failed selection"
    if result == "failed" and not note.strip():
        errors["note"] = "Enter why the organisation failed selection"
    if errors:
        raise ServiceError("The selection result could not be recorded", errors)
    bidder.selection = result
    bidder.selection_note = note.strip()
    if result == "failed":
        bidder.shortlisted = False
    session.flush()
    return bidder


def selection_label(bidder: Bidder) -> str:
    """Return the selection result as people read it."""
    return SELECTION_RESULTS.get(bidder.selection, bidder.selection)


def tender_field(session: Session, procurement: Procurement) -> TenderField | None:
    """Return the record of the shortfall reason and advert, if any."""
    return session.scalar(select(TenderField).where(TenderField.procurement_id == procurement.id))


def _tender_field_for_change(
    session: Session, procurement: Procurement, user: User, now: datetime
) -> TenderField:
    record = tender_field(session, procurement)
    if record is None:
        record = TenderField(procurement_id=procurement.id, updated_at=now)
        session.add(record)
    record.updated_by_id = user.id
    record.updated_at = now
    return record


def set_shortlist(
    session: Session,
    procurement: Procurement,
    bidder_ids: set[int],
    fewer_reason: str,
    user: User,
    now: datetime,
) -> list[Bidder]:
    """Shortlist exactly these bidders (each must have passed selection) and keep any shortfall reason."""
    bidders = bidders_of(session, procurement)
    known = {b.id for b in bidders}
    if bidder_ids - known:
        raise ServiceError("Unknown bidder", {"bidders": "Select organisations from the list"})
    not_passed = [b.name for b in bidders if b.id in bidder_ids and b.selection != "passed"]
    if not_passed:
        message = (
            f"Only organisations that passed selection can be shortlisted: {', '.join(not_passed)}"
        )
        raise ServiceError(message, {"bidders": message})
    for bidder in bidders:
        bidder.shortlisted = bidder.id in bidder_ids
    record = _tender_field_for_change(session, procurement, user, now)
    record.fewer_candidates_reason = fewer_reason.strip() or None
    session.flush()
    return [b for b in bidders if b.shortlisted]


def issue_itt(
    session: Session,
    procurement: Procurement,
    *,
    advertised: bool,
    advert_reference: str,
    user: User,
    now: datetime,
) -> int:
    """Record the ITT's issue to every shortlisted bidder not yet invited, and its advert; return how many were invited."""
    shortlist = [b for b in bidders_of(session, procurement) if b.shortlisted]
    if not shortlist and not advertised:
        raise ServiceError(
            "No one to invite",
            {"how": "Shortlist organisations first, or record that the ITT was advertised"},
        )
    if advertised and not advert_reference.strip():
        raise ServiceError(
            "Advert missing",
            {"advert_reference": "Enter where the ITT was advertised, such as the notice number"},
        )
    invited = 0
    for bidder in shortlist:
        if bidder.invited_at is None:
            bidder.invited_at = now
            invited += 1
    if advertised:
        record = _tender_field_for_change(session, procurement, user, now)
        record.advertised_at = now
        record.advert_reference = advert_reference.strip()
    session.flush()
    return invited
