"""The checks the Procurement Act 2023 asks for before a notice goes out and before the award."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.lifecycle import Bidder, _OfProcurement
from tenderflow.models.types import UTCDateTime
from tenderflow.models.users import User


class ConflictsAssessment(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """One confirmation of a procurement's conflicts assessment (s.83); the newest is current.

    The assessment is kept under review, so each confirmation is a new row and earlier ones
    stay as its history.
    """

    __tablename__ = "conflicts_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    conflicts_found: Mapped[bool]
    conflicts: Mapped[str] = mapped_column(Text, default="")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    confirmed_by: Mapped[User | None] = relationship()


class ExclusionCheck(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """One check of a bidder against the exclusion grounds and the debarment list; newest counts."""

    __tablename__ = "exclusion_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidders.id"), index=True)
    # Codes of the Schedule 6 and Schedule 7 grounds the lead checked.
    mandatory_checked: Mapped[list[str]] = mapped_column(JSON)
    discretionary_checked: Mapped[list[str]] = mapped_column(JSON)
    on_debarment_list: Mapped[bool]
    debarment_checked_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))  # no-grounds | excluded
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    bidder: Mapped[Bidder] = relationship()
    recorded_by: Mapped[User | None] = relationship()
