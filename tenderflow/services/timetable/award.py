"""The award's governance: the commissioning body's approval and challenges to the decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.dates import long_date
from tenderflow.domain.probity import results_fingerprint
from tenderflow.domain.roles import Role
from tenderflow.domain.stages import stages_for
from tenderflow.domain.timetable import stage_label
from tenderflow.models import (
    ApprovalRequest,
    AwardApproval,
    Bid,
    Bidder,
    Challenge,
    ConsensusScore,
    Contract,
    EvaluationModelVersion,
    PassFailRecord,
    Procurement,
    User,
    UserRole,
)
from tenderflow.services import ServiceError, computed, need_to_know, probity
from tenderflow.services.email import outbox
from tenderflow.services.request_memo import rows_once

DECISIONS = {
    "approved": "Approved",
    "rejected": "Rejected",
    "deferred": "Deferred",
}


@dataclass(frozen=True)
class ApprovalInput:
    decision: str
    decided_on: date
    minute_reference: str = ""
    notes: str = ""
    recommended_bidder_id: int | None = None


def bidders(session: Session, procurement: Procurement) -> list[Bidder]:
    """Return the procurement's bidders, by name."""
    return list(
        session.scalars(
            select(Bidder).where(Bidder.procurement_id == procurement.id).order_by(Bidder.name)
        )
    )


def _bidder(session: Session, procurement: Procurement, bidder_id: int | None) -> Bidder | None:
    if bidder_id is None:
        return None
    bidder = session.get(Bidder, bidder_id)
    if bidder is None or bidder.procurement_id != procurement.id:
        raise ServiceError("Unknown bidder", {"bidder_id": "Select a bidder from the list"})
    return bidder


def results_hash(session: Session, procurement: Procurement) -> str:
    """Return the hash of everything the procurement's results are computed from.

    The model, each bid's standing and price, the consensus scores and the pass/fail results:
    if any of them changes, so do the results, and an approval given for them is void. Kept
    per data version of the evaluation (:mod:`tenderflow.services.computed`).
    """
    token = computed.data_version(session, computed.EVALUATION)  # before any data is read
    return computed.kept(
        computed.EVALUATION,
        token,
        ("results hash", procurement.id),
        lambda: _results_hash(session, procurement.id),
    )


def _results_hash(session: Session, procurement_id: int) -> str:
    # Column queries: objects loaded before the data version was read may be older than it.
    version = session.execute(
        select(EvaluationModelVersion.version, EvaluationModelVersion.yaml_text)
        .where(EvaluationModelVersion.procurement_id == procurement_id)
        .order_by(EvaluationModelVersion.version.desc())
        .limit(1)
    ).first()
    bids = session.execute(
        select(
            Bid.id,
            Bid.bidder_id,
            Bid.lot_id,
            Bid.excluded,
            Bid.late,
            Bid.late_acceptance_reason,
            Bid.price,
            Bid.hourly_rate,
            Bid.contact_hours,
        )
        .where(Bid.procurement_id == procurement_id)
        .order_by(Bid.id)
    ).all()
    ids = [bid.id for bid in bids]
    consensus = session.execute(
        select(
            ConsensusScore.bid_id,
            ConsensusScore.criterion_id,
            ConsensusScore.score,
            ConsensusScore.rationale,
        )
        .where(ConsensusScore.bid_id.in_(ids))
        .order_by(ConsensusScore.id)
    )
    pass_fail = session.execute(
        select(
            PassFailRecord.bid_id,
            PassFailRecord.question_id,
            PassFailRecord.passed,
            PassFailRecord.note,
        )
        .where(PassFailRecord.bid_id.in_(ids))
        .order_by(PassFailRecord.id)
    )
    return results_fingerprint(
        {
            "model": None if version is None else [version.version, version.yaml_text],
            "bids": [
                [
                    b.id,
                    b.bidder_id,
                    b.lot_id,
                    # Bid.in_evaluation, on the row's values.
                    not b.excluded and (not b.late or bool(b.late_acceptance_reason)),
                    b.price,
                    b.hourly_rate,
                    b.contact_hours,
                ]
                for b in bids
            ],
            "consensus": sorted([list(row) for row in consensus]),
            "pass_fail": sorted([list(row) for row in pass_fail]),
        }
    )


def asks_for_approval_now(procurement: Procurement) -> bool:
    """Say whether the procurement is at the stage where the lead asks for approval."""
    from tenderflow.services.timetable.transitions import next_stage_for

    if procurement.terminated_at is not None:
        return False
    if "moderation" in stages_for(procurement.route, procurement.decision):
        return procurement.stage == "moderation"
    return next_stage_for(procurement) in ("standstill", "award")


def approval_not_due(session: Session, procurement: Procurement, now: datetime) -> list[str]:
    """Return why the lead cannot yet ask for approval: moderation has not closed.

    Routes without moderation (a direct award) ask at the stage before standstill or award.
    """
    from tenderflow.services.evaluation.gates import moderation_is_complete
    from tenderflow.services.timetable.transitions import next_stage_for

    path = stages_for(procurement.route, procurement.decision)
    if "moderation" not in path:
        if next_stage_for(procurement) in ("standstill", "award"):
            return []
        return [f"{procurement.reference} is at {stage_label(procurement.stage)}"]
    if procurement.stage != "moderation":
        return [f"{procurement.reference} is at {stage_label(procurement.stage)}, not moderation"]
    return moderation_is_complete(session, procurement, now)


def latest_request(session: Session, procurement: Procurement) -> ApprovalRequest | None:
    """Return the lead's latest request for the commissioning body's approval, if any."""
    asked = need_to_know.approval_requests(session, procurement)
    return asked[-1] if asked else None


def asked_on(request: ApprovalRequest) -> date:
    """Return the day (in the UK) approval was asked for."""
    return clock.local(request.requested_at).date()


def request_approval(
    session: Session, procurement: Procurement, user: User, now: datetime
) -> ApprovalRequest:
    """Ask the commissioning body to approve the results as they stand; tell its members."""
    attempt = "ask the commissioning body for approval"
    probity.refuse_if_terminated(session, procurement, attempt, "approval")
    unmet = approval_not_due(session, procurement, now)
    if unmet:
        probity.refuse(
            session,
            procurement,
            attempt,
            "Approval can be asked for once moderation has closed: " + " ".join(unmet),
            field="approval",
        )
    request = ApprovalRequest(
        procurement_id=procurement.id,
        results_hash=results_hash(session, procurement),
        requested_by_id=user.id,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    members = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COMMISSIONING_BODY.value, User.active.is_(True))
        .order_by(User.id)
    )
    for member in members:
        outbox.queue_message(
            session,
            key=f"approval-request:{request.id}:{member.id}",
            kind="approval-request",
            recipient=member,
            subject=f"{procurement.reference}: approval of the award recommendation is asked for",
            body=f"Moderation of {procurement.title} has closed. Record the commissioning body's "
            "decision on the procurement's page.",
            now=now,
            procurement_id=procurement.id,
            link=f"/procurements/{procurement.reference}#award",
        )
    return request


def record_approval(
    session: Session,
    procurement: Procurement,
    data: ApprovalInput,
    user: User,
    now: datetime,
    today: date,
) -> AwardApproval:
    """Record the commissioning body's decision on the results the lead asked it to approve.

    Without a request, or when the results have changed since it, the attempt is refused and
    audited.
    """
    attempt = f"record the commissioning body's decision ({data.decision or 'none'})"
    probity.refuse_if_terminated(session, procurement, attempt, "decision")
    request = latest_request(session, procurement)
    current = results_hash(session, procurement)
    if request is None:
        probity.refuse(
            session,
            procurement,
            attempt,
            "The lead has not asked the commissioning body for approval: it is asked for once "
            "moderation has closed",
            field="decision",
        )
    if request.results_hash != current:
        probity.refuse(
            session,
            procurement,
            attempt,
            "The results have changed since the lead asked for approval on "
            f"{long_date(asked_on(request))}: the lead asks again",
            field="decision",
        )
    errors: dict[str, str] = {}
    if data.decision not in DECISIONS:
        errors["decision"] = "Select the commissioning body's decision"
    if data.decided_on > today:
        errors["decided_on"] = "The date of the decision must be today or in the past"
    elif data.decided_on < asked_on(request):
        errors["decided_on"] = (
            "The date of the decision must be on or after approval was asked for "
            f"({long_date(asked_on(request))})"
        )
    if data.decision in ("rejected", "deferred") and not data.notes.strip():
        errors["notes"] = "Enter why the recommendation was not approved"
    if errors:
        raise ServiceError("The decision was not recorded", errors)
    bidder = _bidder(session, procurement, data.recommended_bidder_id)
    approval = AwardApproval(
        procurement_id=procurement.id,
        recommended_bidder_id=bidder.id if bidder else None,
        decision=data.decision,
        decided_on=data.decided_on,
        minute_reference=data.minute_reference.strip(),
        notes=data.notes.strip(),
        recorded_by_id=user.id,
        recorded_at=now,
        approval_request_id=request.id,
        results_hash=current,
    )
    session.add(approval)
    session.flush()
    outbox.queue_message(
        session,
        key=f"approval:{approval.id}",
        kind="award-approval",
        recipient=procurement.lead,
        subject=(
            f"{procurement.reference}: the commissioning body "
            f"{DECISIONS[data.decision].lower()} the award recommendation"
        ),
        body=data.notes.strip() or "The decision is recorded on the procurement's page.",
        now=now,
        procurement_id=procurement.id,
    )
    return approval


def approval_problem(
    session: Session, procurement: Procurement, approval: AwardApproval | None
) -> str | None:
    """Say why ``approval`` does not let the award proceed (missing, early or void), or None."""
    if approval is None:
        return None  # the gate says what is missing
    when = long_date(approval.decided_on)
    if approval.approval_request_id is None or approval.results_hash is None:
        return (
            f"The approval recorded for {when} was not asked for by the lead once moderation "
            "had closed, so it does not count: the lead asks for approval and the commissioning "
            "body records it again"
        )
    if approval.results_hash != results_hash(session, procurement):
        return (
            f"The approval recorded for {when} is void: the results have changed since it was "
            "given. The lead asks for approval again"
        )
    return None


def approvals(session: Session, procurement: Procurement) -> list[AwardApproval]:
    """Return the commissioning body's decisions on this procurement, newest first."""
    return rows_once(
        session,
        ("award approvals", procurement.id),
        select(AwardApproval)
        .where(AwardApproval.procurement_id == procurement.id)
        .order_by(AwardApproval.decided_on.desc(), AwardApproval.id.desc()),
    )


def record_challenge(
    session: Session,
    procurement: Procurement,
    summary: str,
    received_on: date,
    bidder_id: int | None,
    user: User,
    today: date,
) -> Challenge:
    """Record a challenge to the award decision; it suspends the award until resolved."""
    errors: dict[str, str] = {}
    if not summary.strip():
        errors["summary"] = "Enter what the challenge says"
    if received_on > today:
        errors["received_on"] = "The date the challenge was received must be today or in the past"
    if errors:
        raise ServiceError("The challenge was not recorded", errors)
    bidder = _bidder(session, procurement, bidder_id)
    challenge = Challenge(
        procurement_id=procurement.id,
        bidder_id=bidder.id if bidder else None,
        received_on=received_on,
        summary=summary.strip(),
        recorded_by_id=user.id,
    )
    session.add(challenge)
    session.flush()
    return challenge


def resolve_challenge(
    session: Session, challenge: Challenge, outcome: str, resolved_on: date, today: date
) -> Challenge:
    """Record how a challenge was resolved; the award may then proceed."""
    errors: dict[str, str] = {}
    if challenge.resolved_on is not None:
        errors["outcome"] = "This challenge is already resolved"
    if not outcome.strip():
        errors["outcome"] = "Enter how the challenge was resolved"
    if resolved_on > today:
        errors["resolved_on"] = "The date it was resolved must be today or in the past"
    elif resolved_on < challenge.received_on:
        errors["resolved_on"] = "The date it was resolved must be on or after it was received"
    if errors:
        raise ServiceError("The challenge was not resolved", errors)
    challenge.outcome = outcome.strip()
    challenge.resolved_on = resolved_on
    session.flush()
    return challenge


def challenges(session: Session, procurement: Procurement) -> list[Challenge]:
    """Return the procurement's challenges, newest first."""
    return list(
        session.scalars(
            select(Challenge)
            .where(Challenge.procurement_id == procurement.id)
            .order_by(Challenge.received_on.desc(), Challenge.id.desc())
        )
    )


def open_challenges(session: Session, procurement: Procurement) -> list[Challenge]:
    """Return the challenges not yet resolved."""
    return [c for c in challenges(session, procurement) if c.is_open]


def contracts(session: Session, procurement: Procurement) -> list[Contract]:
    """Return the contracts the award created."""
    return rows_once(
        session,
        ("contracts", procurement.id),
        select(Contract).where(Contract.procurement_id == procurement.id).order_by(Contract.id),
    )
