"""The records the notices' routes refer to in the access world."""

from __future__ import annotations

from typing import Any

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.services import notices


def extend(world: dict[str, Any]) -> None:
    """Name a notice the access world's procurement needs and its open contracting ID, and
    publish its tender notice, so that the open data has a release to serve."""
    procurement = world["procurement"]
    world["url_args"].update(notice_type="UK7", ocid=notices.ocds_facts_ocid(procurement))
    offered = [n.notice_type for n in notices.notices_of(db.session, procurement, clock.today())]
    first = next(code for code in ("UK4", "BT-UK4", "UK2", "UK3", "UK7") if code in offered)
    errors = notices.record_publication(
        db.session,
        procurement,
        first,
        "000001-2026",
        procurement.start_date,
        procurement.lead,
        clock.now(),
    )
    assert errors == [], errors
    db.session.commit()
