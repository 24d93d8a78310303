"""Exclusion checks: each bidder still in the competition, against the grounds and the debarment list."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.domain import regulations
from tenderflow.domain.conflicts import under_the_act
from tenderflow.domain.exclusion import DEFAULT_DEBARMENT_CHECK_DAYS, ExclusionInput, check_errors
from tenderflow.domain.regulations import RuleSetError, StandingOrders
from tenderflow.models import AwardApproval, Bidder, ExclusionCheck, Procurement, User
from tenderflow.services import ServiceError
from tenderflow.services.bidding import bids
from tenderflow.services.timetable import award


def required(procurement: Procurement) -> bool:
    """Say whether the procurement's bidders need exclusion checks (it is under the Act)."""
    return under_the_act(procurement.national_regime)


def debarment_check_days(procurement: Procurement) -> int:
    """Return how many days before a move the debarment list may have been checked."""
    try:
        rule_set = regulations.load_rule_set(procurement.rule_set)
    except RuleSetError:
        return DEFAULT_DEBARMENT_CHECK_DAYS
    if isinstance(rule_set, StandingOrders):
        return rule_set.debarment_check_days
    return DEFAULT_DEBARMENT_CHECK_DAYS


def recommended_bidders(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the bidder the commissioning body approved for each lot, where it approved one."""
    latest: dict[int | None, AwardApproval] = {}
    for approval in award.approvals(session, procurement):  # newest first
        latest.setdefault(approval.lot_id, approval)
    chosen: list[Bidder] = []
    for approval in latest.values():
        bidder = approval.recommended_bidder
        if approval.decision == "approved" and bidder is not None and bidder not in chosen:
            chosen.append(bidder)
    return chosen


def bidders_in_competition(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return bidders with a bid still in evaluation, and any recommended bidder, in order."""
    found: list[Bidder] = []
    for bid in bids.bids_of(session, procurement):
        if bid.in_evaluation and bid.bidder not in found:
            found.append(bid.bidder)
    for bidder in recommended_bidders(session, procurement):
        if bidder not in found:
            found.append(bidder)
    return found


def latest_checks(session: Session, procurement: Procurement) -> dict[int, ExclusionCheck]:
    """Return each bidder's most recent exclusion check, by bidder id."""
    checks: dict[int, ExclusionCheck] = {}
    for check in session.scalars(
        select(ExclusionCheck)
        .where(ExclusionCheck.procurement_id == procurement.id)
        .order_by(ExclusionCheck.recorded_at, ExclusionCheck.id)
    ):
        checks[check.bidder_id] = check
    return checks


def checks_of(session: Session, bidder: Bidder) -> list[ExclusionCheck]:
    """Return every check recorded for a bidder, newest first."""
    return list(
        session.scalars(
            select(ExclusionCheck)
            .where(ExclusionCheck.bidder_id == bidder.id)
            .order_by(ExclusionCheck.recorded_at.desc(), ExclusionCheck.id.desc())
        )
    )


def record_check(
    session: Session,
    bidder: Bidder,
    data: ExclusionInput,
    user: User,
    now: datetime,
    today: date,
) -> ExclusionCheck:
    """Record a bidder's exclusion check; an earlier check stays as history."""
    errors = check_errors(data, today)
    if errors:
        raise ServiceError("The exclusion check was not recorded", errors)
    assert data.debarment_checked_on is not None and data.on_debarment_list is not None
    check = ExclusionCheck(
        procurement_id=bidder.procurement_id,
        bidder_id=bidder.id,
        mandatory_checked=sorted(data.mandatory_checked),
        discretionary_checked=sorted(data.discretionary_checked),
        on_debarment_list=data.on_debarment_list,
        debarment_checked_on=data.debarment_checked_on,
        outcome=data.outcome,
        reason=data.reason.strip() if data.outcome == "excluded" else "",
        recorded_by_id=user.id,
        recorded_at=now,
    )
    session.add(check)
    session.flush()
    return check
