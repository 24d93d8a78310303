"""The records the notices' routes refer to in the access world."""

from __future__ import annotations

from typing import Any

from tenderflow.services import notices


def extend(world: dict[str, Any]) -> None:
    """Name a notice the access world's procurement needs, and its open contracting ID."""
    procurement = world["procurement"]
    world["url_args"].update(
        notice_type="UK7", ocid=notices.ocds_facts_ocid(procurement)
    )
