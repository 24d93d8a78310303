"""Gates into standstill and award: the commissioning body's approval, the standstill, challenges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.dates import long_date
from tenderflow.domain.standstill import standstill_period
from tenderflow.domain.timetable import MILESTONE_LABELS
from tenderflow.models import Procurement
from tenderflow.services import timetable as timetable_service
from tenderflow.services.timetable import award, transitions

NO_APPROVAL = (
    "The commissioning body's approval of the award recommendation is not recorded: once "
    "moderation has closed the lead asks for it, and a commissioning body member records it on "
    "the procurement's page"
)


def approval_recorded(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into standstill: the award recommendation is approved, for the results as they stand."""
    return _approval_unmet(session, procurement)


def _approval_unmet(session: Session, procurement: Procurement) -> list[str]:
    approval = transitions.approved_recommendation(session, procurement)
    if approval is None:
        return [NO_APPROVAL]
    problem = award.approval_problem(session, procurement, approval)
    return [problem] if problem else []


def not_terminated(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into any stage: the procurement has not been terminated."""
    if procurement.terminated_at is None:
        return []
    return [f"{procurement.reference} was terminated: {procurement.termination_reason}"]


def award_may_proceed(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into award: the standstill has ended (or, without one, the approval is recorded), no challenge open."""
    unmet: list[str] = []
    if "standstill" in transitions.stages(procurement):
        row = timetable_service.row_for(session, procurement, "standstill")
        if row.actual_start is None:
            unmet.append("The standstill has not started")
        else:
            start = timetable_service.standstill_counts_from(session, procurement, row.actual_start)
            period = standstill_period(procurement.national_regime, start)
            if clock.local(now).date() <= period.last_day:
                unmet.append(
                    f"The {MILESTONE_LABELS['standstill-end'].lower()} has not come: the "
                    f"standstill runs until the end of {long_date(period.last_day)}, so the award "
                    f"can be made from {long_date(period.earliest_contract_date)}"
                )
    else:
        unmet += _approval_unmet(session, procurement)
    for challenge in award.open_challenges(session, procurement):
        who = f" from {challenge.bidder.name}" if challenge.bidder else ""
        unmet.append(
            f"A challenge{who} received on {long_date(challenge.received_on)} is open: the award is "
            "suspended until it is resolved"
        )
    return unmet


def contract_recorded(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Into contract: the award has created the contract record."""
    if not award.contracts(session, procurement):
        return ["The contract is not recorded: it is created when the award is made"]
    return []
