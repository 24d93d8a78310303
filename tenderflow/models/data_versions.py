"""A token per scope of data that the database changes whenever that data changes."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tenderflow.extensions import db


class DataVersion(db.Model):  # type: ignore[name-defined]
    """Written only by the database's triggers (migration 0021v), never by the app."""

    __tablename__ = "data_versions"
    # Not a record of anything: a cache key, changed by the database with each audited change.
    audit_exempt = True

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
