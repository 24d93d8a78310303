"""Transparency notices a procurement has drafted or published, and when the watcher chased them.

Which notices a procurement needs, and when, is worked out from its records
(``tenderflow.domain.notices``); a row exists only once something was done about a notice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.lifecycle import _OfProcurement
from tenderflow.models.types import UTCDateTime
from tenderflow.models.users import User


class TransparencyNotice(_OfProcurement, db.Model):  # type: ignore[name-defined]
    """One notice of a procurement (UK4, UK6, ...): drafted, or published with its platform id."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("procurement_id", "notice_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    notice_type: Mapped[str] = mapped_column(String(20))
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The platform's own id for the published notice (Find a Tender or Contracts Finder).
    published_id: Mapped[str | None] = mapped_column(String(60))
    published_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the deadline watcher, so each reminder and overdue mark is made once.
    reminded_on: Mapped[date | None] = mapped_column(Date)
    overdue_since: Mapped[date | None] = mapped_column(Date)

    recorded_by: Mapped[User | None] = relationship()
