"""Generated documents for the access test's world, and helpers for the document tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from tenderflow import clock
from tenderflow.documents.content import Document, Paragraph
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import documents
from tenderflow.services.documents.reports import subject_of


def storage() -> documents.Storage:
    """Return the test app's document storage."""
    return documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))


def extend(world: dict[str, Any]) -> None:
    """Keep one document for the world's procurement, so its download and zip routes have one."""
    procurement = world["procurement"]
    record = documents.save_document(
        db.session,
        storage(),
        Document(kind="procurement-plan", title="Plan", blocks=(Paragraph.of("A plan."),)),
        subject=subject_of(procurement),
        kind="procurement-plan",
        filename=f"{procurement.reference}-procurement-plan.docx",
        now=clock.now(),
        procurement_id=procurement.id,
        generated_by=world["people"][Role.PROCUREMENT_LEAD],
    )
    world["generated_document"] = record
    world["url_args"].update(generated_id=record.id, kind="procurement-plan")
