"""Bids: receipt with its time, lateness, exclusion, sealed documents and the opening.

A bid stays sealed until the tender deadline has passed: before then nobody, the lead
and administrators included, can open it, read its documents or see its price, and every
refused attempt is written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.domain import bidding
from tenderflow.models import Bid, Bidder, BidDocument, Lot, Milestone, Procurement, User
from tenderflow.services import ServiceError

TENDER_DEADLINE = "tender-deadline"
SUBDIRECTORY = "bids"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class SealedBid(ServiceError):
    """A refused attempt to look inside a sealed bid (already written to the audit log)."""


def tender_deadline(session: Session, procurement: Procurement) -> datetime | None:
    """Return the tender deadline milestone's time, if the timetable has one."""
    return session.scalar(
        select(Milestone.due_at).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == TENDER_DEADLINE
        )
    )


def deadline_text(deadline: datetime | None) -> str | None:
    """Return the deadline as people read it (UK time), or None."""
    if deadline is None:
        return None
    from tenderflow.clock import local

    moment = local(deadline)
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{moment.day} {moment:%B %Y} at {hour}:{moment:%M}{suffix}"


def is_sealed(session: Session, procurement: Procurement, now: datetime) -> bool:
    """Return whether the procurement's bids are still sealed."""
    return bidding.is_sealed(tender_deadline(session, procurement), now)


def bids_of(session: Session, procurement: Procurement) -> list[Bid]:
    """Return the procurement's bids in the order they were received."""
    return list(
        session.scalars(
            select(Bid)
            .where(Bid.procurement_id == procurement.id)
            .order_by(Bid.received_at, Bid.id)
        )
    )


def get_bid(session: Session, procurement: Procurement, bid_id: int) -> Bid | None:
    """Return one of the procurement's bids, or None."""
    bid = session.get(Bid, bid_id)
    return bid if bid is not None and bid.procurement_id == procurement.id else None


def record_bid(
    session: Session,
    procurement: Procurement,
    bidder: Bidder,
    *,
    received_at: datetime | None,
    lot: Lot | None,
    user: User,
    now: datetime,
) -> Bid:
    """Record a bid's receipt (at ``received_at``, or now); flag it late after the deadline."""
    errors: dict[str, str] = {}
    if bidder.procurement_id != procurement.id:
        errors["bidder_id"] = "Select a bidder from the list"
    if lot is not None and lot.procurement_id != procurement.id:
        errors["lot_id"] = "Select a lot from the list"
    if procurement.lots and lot is None:
        errors["lot_id"] = "Select the lot this bid is for"
    received = received_at or now
    if received > now:
        errors["received_at"] = "The time the bid was received must be now or in the past"
    lot_id = lot.id if lot is not None else None
    if not errors and any(b.lot_id == lot_id for b in bidder.bids):
        errors["bidder_id"] = f"A bid from {bidder.name} is already recorded" + (
            f" for {lot.title}" if lot is not None else ""
        )
    if errors:
        raise ServiceError("The bid could not be recorded", errors)
    bid = Bid(
        procurement_id=procurement.id,
        bidder=bidder,
        lot_id=lot_id,
        received_at=received,
        received_by_id=user.id,
        late=bidding.is_late(received, tender_deadline(session, procurement)),
    )
    session.add(bid)
    session.flush()
    return bid


def accept_late_bid(session: Session, bid: Bid, reason: str) -> Bid:
    """Accept a late bid into evaluation, keeping the lead's justification."""
    if not bid.late:
        raise ServiceError("This bid was not late", {"reason": "This bid was received on time"})
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the late bid is accepted"})
    bid.late_acceptance_reason = reason.strip()
    session.flush()
    return bid


def exclude_bid(session: Session, bid: Bid, reason: str) -> Bid:
    """Exclude a bid from evaluation, with the reason."""
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the bid is excluded"})
    bid.excluded = True
    bid.exclusion_reason = reason.strip()
    session.flush()
    return bid


def refuse_if_sealed(
    session: Session,
    procurement: Procurement,
    attempt: str,
    entity: str,
    entity_id: int,
    now: datetime,
) -> None:
    """Raise SealedBid, after auditing the attempt, while the procurement's bids are sealed."""
    deadline = tender_deadline(session, procurement)
    if not bidding.is_sealed(deadline, now):
        return
    reason = bidding.sealed_reason(deadline_text(deadline))
    audit.record(
        session,
        "refused",
        entity,
        entity_id,
        f"Refused to {attempt}: {reason}",
        procurement_id=procurement.id,
    )
    session.flush()
    raise SealedBid(reason)


def open_bids(session: Session, procurement: Procurement, user: User, now: datetime) -> int:
    """Open every unopened bid once the deadline has passed; return how many were opened."""
    refuse_if_sealed(session, procurement, "open the bids", "procurements", procurement.id, now)
    unopened = [b for b in bids_of(session, procurement) if b.opened_at is None]
    if not unopened:
        raise ServiceError("There are no unopened bids")
    for bid in unopened:
        bid.opened_at = now
        bid.opened_by_id = user.id
    session.flush()
    return len(unopened)


def _require_opened(
    session: Session, bid: Bid, attempt: str, entity: str, entity_id: int, now: datetime
) -> None:
    refuse_if_sealed(session, bid.procurement, attempt, entity, entity_id, now)
    if bid.opened_at is None:
        audit.record(
            session,
            "refused",
            entity,
            entity_id,
            f"Refused to {attempt}: the bid has not been opened",
            procurement_id=bid.procurement_id,
        )
        session.flush()
        raise SealedBid("This bid has not been opened yet: open the bids first")


def visible_price(bid: Bid) -> Decimal | None:
    """Return the bid's price only once the bid is opened."""
    return bid.price if bid.opened_at is not None else None


def record_price(
    session: Session,
    bid: Bid,
    price: Decimal,
    hourly_rate: Decimal | None,
    contact_hours: Decimal | None,
    now: datetime,
) -> Bid:
    """Record the price read from an opened bid, and the costing model's figures."""
    _require_opened(session, bid, "record the price of a bid", "bids", bid.id, now)
    if price <= 0:
        raise ServiceError("Bad price", {"price": "The price must be more than £0"})
    bid.price = price
    bid.hourly_rate = hourly_rate
    bid.contact_hours = contact_hours
    session.flush()
    return bid


def stored_path(upload_dir: Path | str, document: BidDocument) -> Path:
    """Return where a bid document's bytes are kept (outside the web root)."""
    return Path(upload_dir) / SUBDIRECTORY / document.stored_name


def add_document(
    session: Session,
    bid: Bid,
    *,
    filename: str,
    content: bytes,
    upload_dir: Path | str,
    max_bytes: int,
    user: User,
    now: datetime,
) -> BidDocument:
    """Check a file by its content and keep it with the bid; refuse it, storing nothing, if unfit."""
    if bid.opened_at is not None:
        raise ServiceError(
            "Bid opened", {"file": "Documents cannot be added to a bid once it has been opened"}
        )
    problem = bidding.upload_problem(content, max_bytes)
    if problem is not None:
        raise ServiceError(problem, {"file": problem})
    kind = bidding.file_kind(content)
    assert kind is not None
    folder = Path(upload_dir) / SUBDIRECTORY
    folder.mkdir(parents=True, exist_ok=True)
    document = BidDocument(
        bid=bid,
        original_filename=bidding.download_name(filename, kind),
        stored_name=secrets.token_hex(20),
        content_type=bidding.MEDIA_TYPES[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=now,
        uploaded_by_id=user.id,
    )
    path = folder / document.stored_name
    path.write_bytes(content)
    path.chmod(0o600)
    session.add(document)
    try:
        session.flush()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return document


def read_document(
    session: Session, document: BidDocument, upload_dir: Path | str, now: datetime
) -> bytes:
    """Return an opened bid's document; refuse (and audit) while the bid is sealed."""
    _require_opened(
        session, document.bid, "download a bid document", "bid_documents", document.id, now
    )
    data = stored_path(upload_dir, document).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ServiceError(f"{document.original_filename} has changed since it was received")
    return data
