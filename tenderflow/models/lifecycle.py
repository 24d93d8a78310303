"""A procurement's life after creation: its timetable, bidders, bids, clarifications,
approvals, challenges, the contract it ends in, the transitions between stages and the
messages it sends.

The app's database is the record of where each procurement stands; Prefect flows apply
transitions to these tables and nothing else holds that state.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.procurement import Lot, Procurement
from tenderflow.models.types import Money, Rate, UTCDateTime
from tenderflow.models.users import User


class _OfProcurement:
    procurement_id: Mapped[int]

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id


class StageDates(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """One stage of a procurement's timetable: planned against actual dates."""

    __tablename__ = "stage_dates"
    __table_args__ = (UniqueConstraint("procurement_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    position: Mapped[int]
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_end: Mapped[date | None] = mapped_column(Date)
    # Required whenever an actual date falls after the planned one; kept for lessons learnt.
    delay_reason: Mapped[str | None] = mapped_column(Text)
    overdue_notified_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    procurement: Mapped[Procurement] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Milestone(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """A dated moment inside a stage: the tender deadline, the clarification cut-off, ..."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("procurement_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    # e.g. "eoi-deadline", "clarification-deadline", "tender-deadline", "standstill-end"
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue: Mapped[bool] = mapped_column(default=False)


class ProcurementPlan(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """The procurement plan (Kent shape); into ITT needs one to exist."""

    __tablename__ = "procurement_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), unique=True)
    funding: Mapped[str] = mapped_column(Text, default="")
    business_objectives: Mapped[str] = mapped_column(Text, default="")
    current_supply: Mapped[str] = mapped_column(Text, default="")
    market_position: Mapped[str] = mapped_column(Text, default="")
    risks_and_controls: Mapped[str] = mapped_column(Text, default="")
    route_options: Mapped[str] = mapped_column(Text, default="")
    value_for_money: Mapped[str] = mapped_column(Text, default="")
    route_recommendation: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    reviews_planned: Mapped[str] = mapped_column(Text, default="")
    client_lead: Mapped[str] = mapped_column(String(200), default="")
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    procurement: Mapped[Procurement] = relationship()


class Bidder(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """An organisation that registered interest (EOI) or was invited to tender."""

    __tablename__ = "bidders"
    __table_args__ = (UniqueConstraint("procurement_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Selection at EOI: "pending", "passed" or "failed", with the panel's note.
    selection: Mapped[str] = mapped_column(String(20), default="pending")
    selection_note: Mapped[str] = mapped_column(Text, default="")
    shortlisted: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Identifiers the notices give for a supplier (GB-COH, GB-PPON), and whether it is an SME
    # or a VCSE, where known.
    companies_house_number: Mapped[str] = mapped_column(String(20), default="")
    ppon: Mapped[str] = mapped_column(String(40), default="")
    is_sme: Mapped[bool | None]
    is_vcse: Mapped[bool | None]

    procurement: Mapped[Procurement] = relationship()
    bids: Mapped[list[Bid]] = relationship(back_populates="bidder", order_by="Bid.id")


class Bid(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """A tender received, timestamped; sealed until the tender deadline has passed."""

    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("bidder_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The evaluated whole-life price in pounds, and the costing model's figures.
    price: Mapped[Decimal | None] = mapped_column(Money)
    hourly_rate: Mapped[Decimal | None] = mapped_column(Money)
    contact_hours: Mapped[Decimal | None] = mapped_column(Rate)  # per person per week
    # The tender deadline in force when the bid arrived: its lateness is judged against it.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False)
    late_acceptance_reason: Mapped[str | None] = mapped_column(Text)
    excluded: Mapped[bool] = mapped_column(default=False)
    exclusion_reason: Mapped[str | None] = mapped_column(Text)
    # Why an exclusion was reversed; the bid may then be opened.
    reinstatement_reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    procurement: Mapped[Procurement] = relationship()
    bidder: Mapped[Bidder] = relationship(back_populates="bids")
    lot: Mapped[Lot | None] = relationship()
    documents: Mapped[list[BidDocument]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidDocument.id"
    )

    @property
    def in_evaluation(self) -> bool:
        """A bid is evaluated unless excluded, or late without a recorded acceptance."""
        return not self.excluded and (not self.late or bool(self.late_acceptance_reason))


class BidDocument(db.Model):  # type: ignore[name-defined]
    """A file in a bid, stored outside the web root under a random name."""

    __tablename__ = "bid_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    bid: Mapped[Bid] = relationship(back_populates="documents")

    @property
    def audit_procurement_id(self) -> int:
        return self.bid.procurement_id


class Clarification(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """A bidder's question during the ITT and the council's answer."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    number: Mapped[int]  # shown as CQ-001, per procurement
    bidder_id: Mapped[int | None] = mapped_column(ForeignKey("bidders.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Published to every bidder, without the asker's identity.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bidder: Mapped[Bidder | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ApprovalRequest(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """The lead asks the commissioning body for approval of the results as they then stand."""

    __tablename__ = "approval_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    # SHA-256 of the results asked to be approved (tenderflow.domain.probity).
    results_hash: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()


class AwardApproval(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """The commissioning body's decision on the award recommendation."""

    __tablename__ = "award_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    recommended_bidder_id: Mapped[int | None] = mapped_column(ForeignKey("bidders.id"))
    decision: Mapped[str] = mapped_column(String(20))  # approved | rejected | deferred
    decided_on: Mapped[date] = mapped_column(Date)
    minute_reference: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The request answered and the results it approved; void once they change.
    approval_request_id: Mapped[int | None] = mapped_column(ForeignKey("approval_requests.id"))
    results_hash: Mapped[str | None] = mapped_column(String(64))

    recommended_bidder: Mapped[Bidder | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Challenge(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """A challenge to the award decision; while open, the award is suspended."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    bidder_id: Mapped[int | None] = mapped_column(ForeignKey("bidders.id"))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    bidder: Mapped[Bidder | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class Contract(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """The contract the award creates, with the data of its award notice."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("procurement_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    value: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    extension_options: Mapped[str] = mapped_column(Text, default="")
    award_notice: Mapped[dict[str, Any]] = mapped_column(JSON)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    supplier: Mapped[Bidder] = relationship()
    lot: Mapped[Lot | None] = relationship()


class Transition(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """A requested move from one stage to the next; its id is the flow run's idempotency key."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    from_stage: Mapped[str] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    # queued -> applied | refused | failed
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    unmet: Mapped[list[str] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flow_run_request_id: Mapped[int | None] = mapped_column(ForeignKey("flow_run_requests.id"))

    procurement: Mapped[Procurement] = relationship()
    requested_by: Mapped[User | None] = relationship()


class OutboxMessage(db.Model):  # type: ignore[name-defined]
    """A message the app has to send: reminders, notices. Shown in the app, and emailed."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254), default="")
    kind: Mapped[str] = mapped_column(String(40))
    # Deduplicates scheduled reminders: the same key is never queued twice.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The page the message is about, as a path in the app; the email links to it.
    link: Mapped[str | None] = mapped_column(String(300))
    # Email delivery (tenderflow.domain.messages): in-app, queued, sending, sent, delivered, failed.
    delivery_status: Mapped[str] = mapped_column(String(20), default="in-app", index=True)
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    # The mail relay's Message-ID or Notify's notification id.
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User | None] = relationship()

    @property
    def audit_procurement_id(self) -> int | None:
        return self.procurement_id


class EmailPreference(db.Model):  # type: ignore[name-defined]
    """A kind of message a person has chosen not to get by email (it still shows in the app)."""

    __tablename__ = "email_preferences"
    __table_args__ = (UniqueConstraint("user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
