"""Word documents: councils' base templates, and every document generated, kept with its hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenderflow.extensions import db
from tenderflow.models.types import UTCDateTime
from tenderflow.models.users import User


class DocumentTemplate(db.Model):  # type: ignore[name-defined]
    """A council's own base .docx template, uploaded by an administrator."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    active: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User | None] = relationship()


class GeneratedDocument(db.Model):  # type: ignore[name-defined]
    """A generated Word document: what it is, who made it, when, and a hash of its content."""

    __tablename__ = "generated_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the document is about: "procurement:12", "capital-round:3".
    subject: Mapped[str] = mapped_column(String(60), index=True)
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    bidder: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    template_id: Mapped[int | None] = mapped_column(ForeignKey("document_templates.id"))
    flow_run_request_id: Mapped[int | None] = mapped_column(ForeignKey("flow_run_requests.id"))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    generated_by: Mapped[User | None] = relationship()
    template: Mapped[DocumentTemplate | None] = relationship()

    @property
    def audit_procurement_id(self) -> int | None:
        return self.procurement_id
