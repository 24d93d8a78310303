"""Decisions about a procurement's field of bidders that belong to no single bidder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tenderflow.extensions import db
from tenderflow.models.lifecycle import _OfProcurement
from tenderflow.models.types import UTCDateTime


class TenderField(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """Why fewer candidates were shortlisted than the route asks for, and how the ITT went out."""

    __tablename__ = "tender_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), unique=True)
    # Kept when the shortlist is below the route's minimum number of candidates.
    fewer_candidates_reason: Mapped[str | None] = mapped_column(Text)
    # The ITT was advertised (rather than, or as well as, sent to the shortlist).
    advertised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    advert_reference: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
