"""Gates the Procurement Act 2023 implies: the conflicts assessment and each bidder's exclusion check.

Procurements begun under the Public Contracts Regulations 2015 pass these gates untouched.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.council_papers import join_words
from tenderflow.domain.dates import long_date
from tenderflow.domain.exclusion import debarment_check_is_recent, earliest_debarment_check
from tenderflow.models import Procurement
from tenderflow.services.procurements import conflicts, exclusions

NO_ASSESSMENT = (
    "Confirm the conflicts assessment before the {notice} goes out (Procurement Act 2023, s.83): "
    "the lead records it under Conflicts and exclusions on the procurement's page"
)


def _assessment_confirmed(session: Session, procurement: Procurement, notice: str) -> list[str]:
    if not conflicts.required(procurement) or conflicts.current(session, procurement):
        return []
    return [NO_ASSESSMENT.format(notice=notice)]


def conflicts_assessed(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into ITT: the conflicts assessment is confirmed before the tender notice is published."""
    return _assessment_confirmed(session, procurement, "tender notice")


def conflicts_assessed_before_direct_award(
    session: Session, procurement: Procurement, now: datetime
) -> list[str]:
    """A route with no ITT: the assessment precedes its transparency notice and any standstill."""
    if "itt" in procurement.stages:
        return []
    return _assessment_confirmed(session, procurement, "transparency notice")


def _exclusions_checked(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    if not exclusions.required(procurement):
        return []
    day = clock.local(now).date()
    days = exclusions.debarment_check_days(procurement)
    checks = exclusions.latest_checks(session, procurement)
    recommended = {b.id for b in exclusions.recommended_bidders(session, procurement)}
    unchecked: list[str] = []
    unmet: list[str] = []
    for bidder in exclusions.bidders_in_competition(session, procurement):
        check = checks.get(bidder.id)
        if check is None:
            unchecked.append(bidder.name)
            continue
        if not debarment_check_is_recent(check.debarment_checked_on, day, days):
            unmet.append(
                f"The debarment list was last checked for {bidder.name} on "
                f"{long_date(check.debarment_checked_on)}: check it again (a check counts for "
                f"{days} days, so from {long_date(earliest_debarment_check(day, days))})"
            )
        if bidder.id in recommended and check.outcome == "excluded":
            unmet.append(
                f"{bidder.name}, the recommended bidder, was found excludable "
                f"({check.reason.rstrip('.')}): the contract cannot be awarded to it"
            )
    if unchecked:
        unmet.insert(
            0,
            f"Record the exclusion check (exclusion grounds and the debarment list) for "
            f"{join_words(unchecked)}",
        )
    return unmet


def exclusions_checked(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into standstill: every bidder still in the competition checked, recently, none excludable recommended."""
    return _exclusions_checked(session, procurement, now)


def exclusions_checked_before_award(
    session: Session, procurement: Procurement, now: datetime
) -> list[str]:
    """Without a standstill the same checks come before the award."""
    if "standstill" in procurement.stages:
        return []  # checked on the way into standstill
    return _exclusions_checked(session, procurement, now)
