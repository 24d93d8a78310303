"""Who else may see a procurement's commercial information: co-leads, and the commissioning
body once the lead has asked it for approval."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.types import UTCDateTime
from tenderflow.models.users import User


class ProcurementLead(db.Model):  # type: ignore[name-defined]
    """A co-lead the procurement's lead added: they run the procurement with the lead."""

    __tablename__ = "procurement_leads"
    __table_args__ = (UniqueConstraint("procurement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(ForeignKey("procurements.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])

    @property
    def audit_procurement_id(self) -> int:
        return self.procurement_id
