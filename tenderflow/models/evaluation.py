"""A procurement's evaluation: its published model, the panel, independent scores,
pass/fail results, moderation queries and the consensus scores agreed at moderation.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.lifecycle import Bid, Bidder
from tenderflow.models.procurement import Procurement
from tenderflow.models.types import Rate, UTCDateTime
from tenderflow.models.users import User

# Scores such as 3 or 3.5 are exact Decimals, stored like rates in ten-thousandths.
ScoreValue = Rate


class EvaluationModelVersion(db.Model):  # type: ignore[name-defined]
    """One version of a procurement's evaluation model (YAML, checked against the schema).

    The current version is the highest ``version``. It is published with the ITT; before the
    tender deadline a change makes a new version, published again. Once the deadline has passed
    (or any bid is opened) the method is fixed and cannot change (``frozen_at`` records when
    the bids were opened under it).
    """

    __tablename__ = "evaluation_models"
    __table_args__ = (UniqueConstraint("procurement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    source: Mapped[str] = mapped_column(String(120))  # ready-made model name, or "uploaded"
    yaml_text: Mapped[str] = mapped_column(Text)
    change_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The evaluation guidance is released to the panel (a gate into evaluation).
    guidance_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    procurement: Mapped[Procurement] = relationship()

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id


class PanelMember(db.Model):  # type: ignore[name-defined]
    """A person on a procurement's evaluation panel."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("procurement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(
        String(20), default="evaluator"
    )  # evaluator|moderator|adviser
    confidentiality_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflicts_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    procurement: Mapped[Procurement] = relationship()
    user: Mapped[User] = relationship()
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="panel_member", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[EvaluatorAssignment]] = relationship(
        back_populates="panel_member", cascade="all, delete-orphan"
    )

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id

    @property
    def ready(self) -> bool:
        """Signed the confidentiality agreement and declared conflicts."""
        return self.confidentiality_signed_at is not None and self.conflicts_declared_at is not None


class ConflictDeclaration(db.Model):  # type: ignore[name-defined]
    """A panel member's declaration for one bidder; a conflict removes them from that bidder."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("panel_member_id", "bidder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"))
    conflicted: Mapped[bool] = mapped_column(default=False)
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)

    panel_member: Mapped[PanelMember] = relationship(back_populates="conflicts")
    bidder: Mapped[Bidder] = relationship()

    @property
    def audit_procurement_id(self) -> int:
        return self.panel_member.procurement_id


class EvaluatorAssignment(db.Model):  # type: ignore[name-defined]
    """A criterion of the model an evaluator scores (a section is assigned as its criteria)."""

    __tablename__ = "evaluator_assignments"
    __table_args__ = (UniqueConstraint("panel_member_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(60))

    panel_member: Mapped[PanelMember] = relationship(back_populates="assignments")

    @property
    def audit_procurement_id(self) -> int:
        return self.panel_member.procurement_id


class EvaluatorScore(db.Model):  # type: ignore[name-defined]
    """An evaluator's own score for one bid on one criterion: a draft until submitted, then locked."""

    __tablename__ = "evaluator_scores"
    __table_args__ = (UniqueConstraint("panel_member_id", "bid_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(60))
    score: Mapped[Decimal | None] = mapped_column(ScoreValue)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | submitted
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20), default="web")  # web | workbook
    # Who last entered the score (the evaluator, or the lead uploading drafts), at saved_at.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    panel_member: Mapped[PanelMember] = relationship()
    bid: Mapped[Bid] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_procurement_id(self) -> int:
        return self.bid.procurement_id


class PassFailRecord(db.Model):  # type: ignore[name-defined]
    """A bid's result on one of the model's pass/fail gateway questions."""

    __tablename__ = "pass_fail_results"
    __table_args__ = (UniqueConstraint("bid_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(60))
    passed: Mapped[bool]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    bid: Mapped[Bid] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_procurement_id(self) -> int:
        return self.bid.procurement_id


class ConsensusScore(db.Model):  # type: ignore[name-defined]
    """The score the moderator records for one bid on one criterion, with its rationale."""

    __tablename__ = "consensus_scores"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(60))
    score: Mapped[Decimal] = mapped_column(ScoreValue)
    rationale: Mapped[str] = mapped_column(Text)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    bid: Mapped[Bid] = relationship()
    moderator: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_procurement_id(self) -> int:
        return self.bid.procurement_id


class ModerationQuery(db.Model):  # type: ignore[name-defined]
    """A question raised in moderation, tracked until resolved; an open one blocks closing."""

    __tablename__ = "moderation_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id"))
    criterion_id: Mapped[str | None] = mapped_column(String(60))
    question: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bid: Mapped[Bid | None] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
