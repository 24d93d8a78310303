"""Helpers for the council-paper tests: the demo histories loaded, and a document read as text."""

from __future__ import annotations

import io
import re

import docx

from tenderflow import clock
from tenderflow.demo import load_demo
from tenderflow.extensions import db
from tenderflow.models import Procurement
from tenderflow.services import procurements

EAST_WINNER = "Harbour Light Housing Trust"
WEST_WINNER = "Greensand Housing Association"
YARMOUTH_WINNER = "Yare Valley Support Ltd"
AWKWARD = "Smith & Jones <Ltd>"
EAST_ASSESSED = (EAST_WINNER, AWKWARD, "Oasthouse Women's Aid", "Weald Refuge Partnership")
EAST_EXCLUDED = "Brightwater Support Ltd"
EAST_LATE = "Medway Valley Support CIC"


def load_histories() -> None:
    """Load the demo data: the Kent and Great Yarmouth procurements reach standstill."""
    load_demo(db.session, clock.today())
    db.session.commit()


def procurement(reference: str) -> Procurement:
    found = procurements.get_by_reference(db.session, reference)
    assert found is not None
    return found


def docx_text(data: bytes) -> str:
    """Return every paragraph and table cell of a Word document as one line of text."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(parts))
