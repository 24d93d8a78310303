"""Forms filled in over more than one page, kept on the server until they are finished."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from tenderflow.extensions import db
from tenderflow.models.types import UTCDateTime


class ProcurementDraft(db.Model):  # type: ignore[name-defined]
    """A person's new procurement between "Continue" and "Create procurement": one each.

    Kept here rather than in the session cookie, which holds about 4 KB: a long description
    would not fit and the draft would be lost without a word.
    """

    __tablename__ = "procurement_drafts"
    # Work in progress, not a record: the procurement it becomes is audited when created.
    audit_exempt = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
