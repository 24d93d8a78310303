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

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from tenderflow import audit
from tenderflow.domain import bidding
from tenderflow.domain.dates import long_date_time
from tenderflow.models import Bid, Bidder, BidDocument, Lot, Procurement, User
from tenderflow.services import ServiceError, probity
from tenderflow.services.bidding.deadline import TENDER_DEADLINE as TENDER_DEADLINE
from tenderflow.services.bidding.deadline import tender_deadline as tender_deadline
from tenderflow.services.request_memo import rows_once
from tenderflow.services.unit_of_work import KeptError

SUBDIRECTORY = "bids"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class SealedBid(KeptError):
    """A refused attempt to look inside a sealed bid (already written to the audit log)."""


def deadline_text(deadline: datetime | None) -> str | None:
    """Return the deadline as people read it (UK time), or None."""
    if deadline is None:
        return None
    return long_date_time(deadline)


def is_sealed(session: Session, procurement: Procurement, now: datetime) -> bool:
    """Return whether the procurement's bids are still sealed."""
    return bidding.is_sealed(tender_deadline(session, procurement), now)


def bids_of(session: Session, procurement: Procurement) -> list[Bid]:
    """Return the procurement's bids in the order they were received."""
    return rows_once(
        session,
        ("bids", procurement.id),
        select(Bid)
        .options(joinedload(Bid.bidder), joinedload(Bid.lot))
        .where(Bid.procurement_id == procurement.id)
        .order_by(Bid.received_at, Bid.id),
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
    """Record a bid's receipt (at ``received_at``, or now); flag it late after the deadline.

    Once the bids are opened, a bid can no longer be recorded as received before the deadline:
    that attempt is refused and audited.
    """
    probity.refuse_if_terminated(session, procurement, "record a bid", "bidder_id")
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
    deadline = tender_deadline(session, procurement)
    opened = first_opened_at(session, procurement)
    if opened is not None and not bidding.is_late(received, deadline):
        # Whoever opened the bids has seen their prices: a bid first recorded now must not
        # join them as if it had arrived on time.
        probity.refuse(
            session,
            procurement,
            f"record a bid from {bidder.name} as received on {deadline_text(received)}",
            f"The bids were opened on {deadline_text(opened)}: a bid recorded since then "
            "cannot be dated before the tender deadline",
            field="received_at",
            entity="bids",
        )
    bid = Bid(
        procurement_id=procurement.id,
        bidder=bidder,
        lot_id=lot_id,
        received_at=received,
        received_by_id=user.id,
        deadline_at=deadline,
        late=bidding.is_late(received, deadline),
    )
    session.add(bid)
    session.flush()
    return bid


def first_opened_at(session: Session, procurement: Procurement) -> datetime | None:
    """Return when the procurement's bids were first opened, or None if none has been."""
    return session.scalar(
        select(func.min(Bid.opened_at)).where(
            Bid.procurement_id == procurement.id, Bid.opened_at.is_not(None)
        )
    )


def accept_late_bid(session: Session, bid: Bid, reason: str) -> Bid:
    """Accept a late bid into evaluation, keeping the lead's justification.

    Only before the bids are opened: accepting one after seeing the others' prices is refused
    and audited.
    """
    procurement = bid.procurement
    opened = first_opened_at(session, procurement)
    if opened is not None and bid.late and not bid.late_acceptance_reason:
        probity.refuse(
            session,
            procurement,
            f"accept the late bid from {bid.bidder.name}",
            f"A late bid cannot be accepted once the bids have been opened "
            f"(they were opened on {deadline_text(opened)})",
            field="reason",
            entity="bids",
            entity_id=bid.id,
        )
    if not bid.late:
        raise ServiceError("This bid was not late", {"reason": "This bid was received on time"})
    if bid.late_acceptance_reason:
        raise ServiceError("Already accepted", {"reason": "This late bid is already accepted"})
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the late bid is accepted"})
    bid.late_acceptance_reason = reason.strip()
    session.flush()
    return bid


def exclude_bid(session: Session, bid: Bid, reason: str) -> Bid:
    """Exclude a bid from evaluation, with the reason; an unopened excluded bid stays sealed."""
    if bid.excluded:
        raise ServiceError("Already excluded", {"reason": "This bid is already excluded"})
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the bid is excluded"})
    bid.excluded = True
    bid.exclusion_reason = reason.strip()
    session.flush()
    return bid


def reinstate_bid(session: Session, bid: Bid, reason: str) -> Bid:
    """Reverse a bid's exclusion, with the reason; it can then be opened with the others."""
    if not bid.excluded:
        raise ServiceError("Not excluded", {"reason": "This bid is not excluded"})
    if not reason.strip():
        raise ServiceError("Reason missing", {"reason": "Enter why the exclusion is reversed"})
    bid.excluded = False
    bid.reinstatement_reason = reason.strip()
    session.flush()
    return bid


def still_sealed_reason(bid: Bid) -> str | None:
    """Say why opening leaves a bid sealed (excluded, or late and not accepted), or None."""
    if bid.excluded:
        return "it is excluded; reverse the exclusion, with a reason, to open it"
    if bid.late and not bid.late_acceptance_reason:
        return "it arrived after the tender deadline and no acceptance was recorded before opening"
    return None


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
    """Open every bid received on time or accepted late, once the deadline has passed.

    Excluded bids and late bids never accepted stay sealed, each noted in the audit log.
    Return how many were opened.
    """
    probity.refuse_if_terminated(session, procurement, "open the bids", "bids")
    refuse_if_sealed(session, procurement, "open the bids", "procurements", procurement.id, now)
    unopened = [b for b in bids_of(session, procurement) if b.opened_at is None]
    openable = [b for b in unopened if still_sealed_reason(b) is None]
    for bid in unopened:
        reason = still_sealed_reason(bid)
        if reason is not None:
            audit.record(
                session,
                "kept sealed",
                "bids",
                bid.id,
                f"Not opened with the others: {reason}",
                procurement_id=procurement.id,
            )
    if not openable:
        session.flush()
        raise ServiceError(
            "There are no bids to open: excluded bids and late bids never accepted stay sealed"
        )
    for bid in openable:
        bid.opened_at = now
        bid.opened_by_id = user.id
    session.flush()
    from tenderflow.services.evaluation.model_versions import freeze_model

    freeze_model(session, procurement, now)  # records when the fixed method was first relied on
    return len(openable)


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
    probity.refuse_if_terminated(session, bid.procurement, "record the price of a bid", "price")
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
