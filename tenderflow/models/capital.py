"""Capital-bid rounds, the schemes districts submit, and their checks, scores and decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.lifecycle import OutboxMessage
from tenderflow.models.reference import District
from tenderflow.models.types import Money, UTCDateTime
from tenderflow.models.users import User


class CapitalRound(db.Model):  # type: ignore[name-defined]
    """An annual bid round for one county's districts, with the matrix it was opened with."""

    __tablename__ = "capital_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(120), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    revenue_budget: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The matrix as it was when the round opened: later edits to the file do not change it.
    matrix_name: Mapped[str] = mapped_column(String(80))
    matrix_fingerprint: Mapped[str] = mapped_column(String(32))
    matrix: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The priority list as produced: ranks, scores and the cut line, kept as they were.
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    priority_list: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    opened_by: Mapped[User | None] = relationship()
    schemes: Mapped[list[CapitalScheme]] = relationship(
        back_populates="round", order_by="CapitalScheme.name"
    )

    def __repr__(self) -> str:
        return f"<CapitalRound {self.id} {self.title}>"


class CapitalScheme(db.Model):  # type: ignore[name-defined]
    """A supported-housing scheme a district puts forward: its answers, kept by field id."""

    __tablename__ = "capital_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("capital_rounds.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Copies of the answers the service lists, ranks and filters on.
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str | None] = mapped_column(String(200))
    client_group: Mapped[str | None] = mapped_column(String(60))
    service_type: Mapped[str | None] = mapped_column(String(60))
    units: Mapped[int | None]
    capital_sought: Mapped[Decimal | None] = mapped_column(Money)
    revenue_per_year: Mapped[Decimal | None] = mapped_column(Money)
    start_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[CapitalRound] = relationship(back_populates="schemes")
    district: Mapped[District] = relationship()
    created_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[CapitalAttachment]] = relationship(
        back_populates="scheme", order_by="CapitalAttachment.id"
    )
    checks: Mapped[list[CapitalCheck]] = relationship(
        back_populates="scheme", order_by="CapitalCheck.id"
    )
    score_sheets: Mapped[list[CapitalScoreSheet]] = relationship(
        back_populates="scheme", order_by="CapitalScoreSheet.id"
    )
    agreed_scores: Mapped[list[CapitalAgreedScore]] = relationship(
        back_populates="scheme", order_by="CapitalAgreedScore.id"
    )
    decision: Mapped[CapitalDecision | None] = relationship(back_populates="scheme")
    reviews: Mapped[list[CapitalPipelineReview]] = relationship(
        back_populates="scheme", order_by="CapitalPipelineReview.id"
    )

    def __repr__(self) -> str:
        return f"<CapitalScheme {self.id} {self.name}>"


class CapitalAttachment(db.Model):  # type: ignore[name-defined]
    """A supporting document, stored under the upload directory by a random name."""

    __tablename__ = "capital_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="attachments")


class CapitalCheck(db.Model):  # type: ignore[name-defined]
    """The partnership's check of a submission: accepted, or returned with comments."""

    __tablename__ = "capital_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    comments: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="checks")
    checked_by: Mapped[User | None] = relationship()


class CapitalScoreSheet(db.Model):  # type: ignore[name-defined]
    """One SP team scorer's scores for one scheme."""

    __tablename__ = "capital_score_sheets"
    __table_args__ = (UniqueConstraint("scheme_id", "scorer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), index=True)
    scorer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="score_sheets")
    scorer: Mapped[User] = relationship()
    scores: Mapped[list[CapitalScore]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="CapitalScore.id"
    )

    __mapper_args__ = {"version_id_col": version}


class CapitalScore(db.Model):  # type: ignore[name-defined]
    """A gateway's pass or fail, or a criterion's score, with the scorer's comment."""

    __tablename__ = "capital_scores"
    __table_args__ = (UniqueConstraint("sheet_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("capital_score_sheets.id"), index=True)
    item: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))  # criterion | gateway
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[CapitalScoreSheet] = relationship(back_populates="scores")


class CapitalAgreedScore(db.Model):  # type: ignore[name-defined]
    """The score or gateway result scorers agreed where their own ones were flagged."""

    __tablename__ = "capital_agreed_scores"
    __table_args__ = (UniqueConstraint("scheme_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), index=True)
    item: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    rationale: Mapped[str] = mapped_column(Text)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="agreed_scores")
    agreed_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CapitalDecision(db.Model):  # type: ignore[name-defined]
    """The commissioning body's decision on a listed scheme; pipeline schemes keep a review date."""

    __tablename__ = "capital_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_on: Mapped[date] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    left_pipeline_on: Mapped[date | None] = mapped_column(Date)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="decision")
    decided_by: Mapped[User | None] = relationship()


class CapitalPipelineReview(db.Model):  # type: ignore[name-defined]
    """A review of a pipeline scheme at one of the twice-yearly reviews."""

    __tablename__ = "capital_pipeline_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("capital_schemes.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    scheme: Mapped[CapitalScheme] = relationship(back_populates="reviews")
    reviewed_by: Mapped[User | None] = relationship()


class CapitalNotice(db.Model):  # type: ignore[name-defined]
    """A message to a district officer about a round (opening, reminders), waiting to be sent."""

    __tablename__ = "capital_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same key is never queued twice, so a flow that runs again sends nothing new.
    key: Mapped[str] = mapped_column(String(160), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("capital_rounds.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outbox message that carries it to the officer (and by email).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))

    district: Mapped[District | None] = relationship()
    message: Mapped[OutboxMessage | None] = relationship()
