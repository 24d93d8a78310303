"""Stage gates: the conditions a procurement must meet before it moves into a stage.

Each feature keeps its checks in its own module (``timetable_gates``, ``bidding_gates``,
``evaluation_gates``, ``act_gates``, ``notice_gates``); :data:`GATES` below says which checks
hold the way into each stage, as the README's gate tables do. A check receives the session,
the procurement and the time of the decision and returns the unmet conditions, as sentences a
procurement lead can act on ("Bids are still sealed: the tender deadline is 3 March 2027 at
noon"). An empty list means the check holds. Checks only read; they never change anything.

The stage-transition flow asks :func:`check_transition` before it applies a move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from tenderflow.domain.timetable import stage_label
from tenderflow.models import Procurement
from tenderflow.services.bidding import gates as bidding_gates
from tenderflow.services.evaluation import gates as evaluation_gates
from tenderflow.services.notices import gates as notice_gates
from tenderflow.services.procurements import act_gates
from tenderflow.services.timetable import gates as timetable_gates
from tenderflow.services.timetable import transitions

Check = Callable[[Session, Procurement, datetime], list[str]]

# Into each stage, what must hold, in the order the unmet conditions are listed.
GATES: dict[str, list[Check]] = {
    "eoi": [
        timetable_gates.not_terminated,
    ],
    "itt": [
        timetable_gates.not_terminated,
        bidding_gates.plan_is_agreed,
        bidding_gates.enough_candidates,
        evaluation_gates.model_is_published,
        act_gates.conflicts_assessed,
    ],
    # Whichever follows ITT: negotiation, a further tendering round or evaluation.
    "negotiation": [
        bidding_gates.bids_are_opened,
    ],
    "further-tendering": [
        bidding_gates.bids_are_opened,
    ],
    "evaluation": [
        timetable_gates.not_terminated,
        bidding_gates.bids_are_opened,
        evaluation_gates.panel_is_ready,
    ],
    "moderation": [
        timetable_gates.not_terminated,
        evaluation_gates.scores_are_submitted,
    ],
    "standstill": [
        timetable_gates.approval_recorded,
        timetable_gates.not_terminated,
        bidding_gates.clarifications_closed,
        evaluation_gates.moderation_is_complete,
        act_gates.conflicts_assessed_before_direct_award,
        act_gates.exclusions_checked,
        notice_gates.award_notice_published,
        notice_gates.transparency_notice_published,
    ],
    # Award, with or without a standstill before it.
    "award": [
        timetable_gates.not_terminated,
        timetable_gates.award_may_proceed,
        bidding_gates.clarifications_closed_before_award,
        evaluation_gates.moderation_is_complete_before_award,
        act_gates.conflicts_assessed_before_direct_award,
        act_gates.exclusions_checked_before_award,
        notice_gates.transparency_notice_published,
    ],
    "contract": [
        timetable_gates.not_terminated,
        timetable_gates.contract_recorded,
    ],
}


def checks_for(stage: str) -> list[Check]:
    """Return the checks for moving into ``stage``."""
    return list(GATES.get(stage, []))


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


def check_transition(session: Session, transition_id: int, now: datetime) -> list[str]:
    """Return every unmet condition for a requested move (what was recorded, once decided)."""
    transition = transitions.get(session, transition_id)
    if transition.status in transitions.DECIDED:
        return list(transition.unmet or [])
    procurement = transition.procurement
    if procurement.stage != transition.from_stage:
        return [
            f"{procurement.reference} is no longer at {stage_label(transition.from_stage)}: "
            f"it is at {stage_label(procurement.stage)}"
        ]
    unmet = unmet_conditions(session, procurement, transition.to_stage, now)
    if transition.to_stage == "award" and not (transition.details or {}).get("contract"):
        unmet.append("Enter the contract details for the award")
    return unmet
