"""Demonstration conflicts assessments and exclusion checks, so every demo journey can move on.

Each demo procurement under the Act that has reached the invitation to tender has its conflicts
assessment, confirmed by its lead the day before the ITT opened; the Kent one records the
evaluator's trusteeship its panel declared. Each one at standstill or beyond has an exclusion
check for every bidder still in the competition, the debarment list looked at the day before
the standstill began (or a week ago, where the demo dates its standstill earlier).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain.exclusion import DISCRETIONARY_GROUNDS, MANDATORY_GROUNDS
from tenderflow.models import ConflictsAssessment, ExclusionCheck, Procurement, StageDates, User
from tenderflow.services.procurements import conflicts, exclusions

KENT_CONFLICT = (
    "An evaluator was a trustee of Weald Refuge Partnership, a bidder for East Kent, until "
    "March 2025.",
    "The evaluator does not score or see Weald Refuge Partnership's bid; the other two "
    "evaluators and the moderator agree its scores.",
)


def _reached(procurement: Procurement, stage: str) -> bool:
    path = procurement.stages
    return (
        stage in path
        and procurement.stage in path
        and (path.index(procurement.stage) >= path.index(stage))
    )


def _started(session: Session, procurement: Procurement, stage: str, today: date) -> date:
    started = session.scalar(
        select(StageDates.actual_start).where(
            StageDates.procurement_id == procurement.id, StageDates.stage == stage
        )
    )
    return min(started or today, today)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), UTC)


def load(session: Session, today: date, people: dict[str, User]) -> str:
    """Confirm assessments and record exclusion checks the demo's stages need, once."""
    lead = people["lead@tenderflow.example"]
    assessed = checked = 0
    for procurement in session.scalars(select(Procurement).order_by(Procurement.reference)):
        if not conflicts.required(procurement):
            continue
        before = "itt" if "itt" in procurement.stages else "award"
        if _reached(procurement, before) and conflicts.current(session, procurement) is None:
            found = procurement.reference == "KCC-IDAS-2026"
            session.add(
                ConflictsAssessment(
                    procurement_id=procurement.id,
                    conflicts_found=found,
                    conflicts=KENT_CONFLICT[0] if found else "",
                    mitigation=KENT_CONFLICT[1] if found else "",
                    confirmed_by_id=procurement.lead_id or lead.id,
                    confirmed_at=_at(
                        _started(session, procurement, before, today) - timedelta(days=1)
                    ),
                )
            )
            assessed += 1
        if not _reached(procurement, "standstill"):
            continue
        # The day before the standstill began, but never more than a week ago: a demo
        # procurement moved back to moderation can then move on again with a recent check.
        day = max(
            _started(session, procurement, "standstill", today) - timedelta(days=1),
            today - timedelta(days=7),
        )
        done = exclusions.latest_checks(session, procurement)
        for bidder in exclusions.bidders_in_competition(session, procurement):
            if bidder.id in done:
                continue
            session.add(
                ExclusionCheck(
                    procurement_id=procurement.id,
                    bidder_id=bidder.id,
                    mandatory_checked=[code for code, _ in MANDATORY_GROUNDS],
                    discretionary_checked=[code for code, _ in DISCRETIONARY_GROUNDS],
                    on_debarment_list=False,
                    debarment_checked_on=day,
                    outcome="no-grounds",
                    recorded_by_id=procurement.lead_id or lead.id,
                    recorded_at=_at(day),
                )
            )
            checked += 1
    session.flush()
    if not assessed and not checked:
        return ""
    return f"{assessed} conflicts assessments, {checked} exclusion checks"
