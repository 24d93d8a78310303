"""The Act's gates for the integration tests: a confirmed conflicts assessment and exclusion checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from tenderflow import clock
from tenderflow.domain.exclusion import DISCRETIONARY_GROUNDS, MANDATORY_GROUNDS, ExclusionInput
from tenderflow.extensions import db
from tenderflow.models import Bidder, ExclusionCheck, Procurement, User
from tenderflow.services.procurements import conflicts, exclusions

NO_GROUNDS = ExclusionInput(
    mandatory_checked=frozenset(code for code, _ in MANDATORY_GROUNDS),
    discretionary_checked=frozenset(code for code, _ in DISCRETIONARY_GROUNDS),
    on_debarment_list=False,
    outcome="no-grounds",
)


def confirm_conflicts(procurement: Procurement, lead: User) -> None:
    """The lead confirms an assessment that found no conflicts."""
    conflicts.confirm(db.session, procurement, conflicts.AssessmentInput(False), lead, clock.now())
    db.session.commit()


def check_exclusions(
    bidders: list[Bidder], lead: User, checked_on: date | None = None, **changes: Any
) -> list[ExclusionCheck]:
    """Record a check for each bidder: no grounds, the debarment list looked at today."""
    data = ExclusionInput(
        **{**vars(NO_GROUNDS), "debarment_checked_on": checked_on or clock.today(), **changes}
    )
    checks = [
        exclusions.record_check(db.session, b, data, lead, clock.now(), clock.today())
        for b in bidders
    ]
    db.session.commit()
    return checks
