"""Stage gates: the conditions a procurement must meet before it moves into a stage.

Each feature registers its own checks with :func:`gate`. A check receives the session, the
procurement and the time of the decision and returns the unmet conditions, as sentences a
procurement lead can act on ("Bids are still sealed: the tender deadline is 3 March 2027 at
noon"). An empty list means the check holds. Checks only read; they never change anything.

Modules holding checks are listed in ``GATE_MODULES`` and imported before gates are checked.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow.models import Procurement

Check = Callable[[Session, Procurement, datetime], list[str]]

GATE_MODULES: list[str] = [
    "tenderflow.services.timetable_gates",
    "tenderflow.services.bidding_gates",
    "tenderflow.services.evaluation_gates",
    "tenderflow.services.act_gates",
    "tenderflow.services.notice_gates",
]

_CHECKS: dict[str, list[Check]] = {}


def gate(*stages: str) -> Callable[[Check], Check]:
    """Register ``check`` as a condition for moving into each of ``stages``."""

    def register(check: Check) -> Check:
        for stage in stages:
            checks = _CHECKS.setdefault(stage, [])
            if check not in checks:
                checks.append(check)
        return check

    return register


def checks_for(stage: str) -> list[Check]:
    """Return the checks for moving into ``stage``."""
    for name in GATE_MODULES:
        importlib.import_module(name)
    return list(_CHECKS.get(stage, []))


def unmet_conditions(
    session: Session,
    procurement: Procurement,
    stage: str,
    now: datetime,
    *,
    only: str | None = None,
) -> list[str]:
    """Return every unmet condition for moving ``procurement`` into ``stage``.

    ``only`` names one module of checks, to ask what a single feature still needs.
    """
    unmet: list[str] = []
    for check in checks_for(stage):
        if only is None or check.__module__ == only:
            unmet.extend(check(session, procurement, now))
    return unmet
