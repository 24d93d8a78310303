"""Rules that keep a procurement straight: history is not re-planned, and an approval is of
particular results.

Plain Python: the stages, dates and records are passed in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tenderflow.domain.timetable import stage_label

# The Act fixes the award criteria, their weighting and the method once tenders are due.
METHOD_FIXED = (
    "The evaluation method is fixed once the tender deadline has passed (Procurement Act 2023, "
    "sections 24 and 31)"
)


def replan_problem(
    stages: Sequence[str],
    current: str,
    stage: str,
    *,
    ended: bool,
    itt_issued: bool,
    moves_tender_deadline: bool,
) -> str | None:
    """Say why ``stage``'s planned dates may not change, or None if they may.

    A stage before the current one, or one with an actual end, is history. Once the invitation
    to tender is issued the tender deadline is fixed: it can only be extended, with a reason.
    """
    if stage in stages and current in stages and stages.index(stage) < stages.index(current):
        ended = True
    if ended:
        return f"{stage_label(stage)} has ended: its dates are history and cannot be re-planned"
    if itt_issued and moves_tender_deadline:
        return (
            "The tender deadline is fixed since the invitation to tender was issued: "
            "extend it, before it passes and with a reason, on the bids page"
        )
    return None


def itt_issued(stages: Sequence[str], current: str) -> bool:
    """Say whether the invitation to tender has gone out: the procurement reached the ITT."""
    if "itt" not in stages or current not in stages:
        return False
    return stages.index(current) >= stages.index("itt")


def _canonical(value: Any) -> str:
    # 9210000, 9210000.00 and 9.21E+6 are one price: a value read back from the database
    # must hash as it did when it was written.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def results_fingerprint(records: dict[str, Any]) -> str:
    """Return the SHA-256 of the records results are computed from, in a canonical form."""
    text = json.dumps(records, sort_keys=True, default=_canonical, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extension_notice(old_text: str, new_text: str, reason: str) -> tuple[str, str]:
    """Return the clarification (question, answer) that tells every bidder of an extension."""
    return (
        "Has the tender deadline changed?",
        f"The tender deadline is extended from {old_text} to {new_text}. {reason.strip()}",
    )


__all__ = [
    "METHOD_FIXED",
    "extension_notice",
    "itt_issued",
    "replan_problem",
    "results_fingerprint",
]
