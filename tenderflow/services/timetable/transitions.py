"""Moving a procurement from one stage to the next, through a Prefect flow run.

The web app and the command line record a :class:`Transition` and a run request keyed by the
transition's id in one unit of work, then send it (``flow_runs.send``) without waiting. The
flow checks the gates, applies the move once (a transition already decided is never applied
again) and sends the follow-up messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_amount, to_money
from tenderflow.domain.stages import next_stage
from tenderflow.domain.standstill import standstill_period
from tenderflow.domain.timetable import stage_label
from tenderflow.models import (
    AwardApproval,
    Bidder,
    Contract,
    FlowRunRequest,
    Milestone,
    Procurement,
    Transition,
    User,
)
from tenderflow.services import ServiceError, flow_runs, probity
from tenderflow.services import timetable as timetable_service
from tenderflow.services.email import outbox
from tenderflow.services.timetable import award

QUEUED, APPLIED, REFUSED, FAILED = "queued", "applied", "refused", "failed"
DECIDED = frozenset({APPLIED, REFUSED, FAILED})


def stages(procurement: Procurement) -> tuple[str, ...]:
    """Return the stages this procurement's route passes through."""
    return procurement.stages


def next_stage_for(procurement: Procurement) -> str | None:
    """Return the stage after the procurement's current one, or None at the end."""
    route_stages = stages(procurement)
    if procurement.stage not in route_stages:
        return None
    return next_stage(route_stages, procurement.stage)


def pending(session: Session, procurement: Procurement) -> Transition | None:
    """Return the procurement's transition still waiting for its flow, if any."""
    # A run that crashed before deciding leaves its transition queued; it no longer blocks.
    return session.scalar(
        select(Transition)
        .outerjoin(FlowRunRequest, FlowRunRequest.id == Transition.flow_run_request_id)
        .where(
            Transition.procurement_id == procurement.id,
            Transition.status == QUEUED,
            or_(FlowRunRequest.id.is_(None), FlowRunRequest.status != "failed"),
        )
        .order_by(Transition.id.desc())
        .limit(1)
    )


def history(session: Session, procurement: Procurement, limit: int = 20) -> list[Transition]:
    """Return the procurement's transitions, newest first."""
    return list(
        session.scalars(
            select(Transition)
            .where(Transition.procurement_id == procurement.id)
            .order_by(Transition.id.desc())
            .limit(limit)
        )
    )


# --- contract details for the award ---------------------------------------------------------


@dataclass(frozen=True)
class ContractDetails:
    """What the lead enters for the contract the award creates."""

    value: Decimal
    start_date: date
    end_date: date
    supplier_id: int | None = None
    supplier_name: str = ""
    extension_options: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return JSON-safe values, kept on the transition until the award is applied."""
        return {
            "value": format_amount(self.value),
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "supplier_id": self.supplier_id,
            "supplier_name": self.supplier_name,
            "extension_options": self.extension_options,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContractDetails:
        """Read details kept with ``to_json``."""
        return cls(
            value=Decimal(data["value"]),
            start_date=date.fromisoformat(data["start_date"]),
            end_date=date.fromisoformat(data["end_date"]),
            supplier_id=data.get("supplier_id"),
            supplier_name=data.get("supplier_name") or "",
            extension_options=data.get("extension_options") or "",
        )


def check_contract_details(
    session: Session, procurement: Procurement, details: ContractDetails
) -> dict[str, str]:
    """Return every problem with the contract details, by field."""
    errors: dict[str, str] = {}
    try:
        if details.value <= 0:
            errors["value"] = "Contract value must be more than £0"
    except (InvalidOperation, TypeError):
        errors["value"] = "Enter the contract value"
    if details.end_date <= details.start_date:
        errors["end_date"] = "Contract end date must be after the start date"
    if details.supplier_id is not None:
        bidder = session.get(Bidder, details.supplier_id)
        if bidder is None or bidder.procurement_id != procurement.id:
            errors["supplier_id"] = "Select the supplier from the list"
    elif not details.supplier_name.strip():
        errors["supplier_id"] = "Select the supplier, or enter its name"
    return errors


def default_contract_details(session: Session, procurement: Procurement) -> ContractDetails:
    """Suggest contract details: the approved bidder, the estimate and the planned dates."""
    approval = approved_recommendation(session, procurement)
    rows = {r.stage: r for r in timetable_service.stage_dates(procurement, session)}
    start = rows["contract"].planned_start if "contract" in rows else procurement.start_date
    years = procurement.term_years or 1
    return ContractDetails(
        value=procurement.whole_life_value,
        start_date=start,
        end_date=_years_after(start, years) - timedelta(days=1),
        supplier_id=approval.recommended_bidder_id if approval else None,
        extension_options=(
            f"Up to {procurement.extension_years} years" if procurement.extension_years else ""
        ),
    )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def approved_recommendation(session: Session, procurement: Procurement) -> AwardApproval | None:
    """Return the commissioning body's latest decision if it approved the recommendation."""
    decisions = award.approvals(session, procurement)  # newest first
    latest = decisions[0] if decisions else None
    return latest if latest is not None and latest.decision == "approved" else None


# --- requesting ------------------------------------------------------------------------------


def request_transition(
    session: Session,
    procurement: Procurement,
    to_stage: str,
    user: User | None,
    now: datetime,
    *,
    contract: ContractDetails | None = None,
    delay_reason: str | None = None,
) -> Transition:
    """Record a move to ``to_stage`` and its run request; refuse an impossible one at once."""
    probity.refuse_if_terminated(
        session, procurement, f"move to {stage_label(to_stage)}", "to_stage"
    )
    route_stages = stages(procurement)
    if to_stage not in route_stages:
        raise ServiceError(
            f"{stage_label(to_stage)} is not a stage of this procurement: its stages are "
            f"{', '.join(stage_label(s) for s in route_stages)}",
            {"to_stage": "Select a stage of this procurement"},
        )
    expected = next_stage_for(procurement)
    if expected is None:
        raise ServiceError(
            f"{procurement.reference} is at {stage_label(procurement.stage)}, the last stage",
            {"to_stage": "There is no stage after this one"},
        )
    if to_stage != expected:
        raise ServiceError(
            f"{procurement.reference} cannot move to {stage_label(to_stage)}: it is at "
            f"{stage_label(procurement.stage)}, and the next stage is {stage_label(expected)}",
            {"to_stage": f"The next stage is {stage_label(expected)}"},
        )
    waiting = pending(session, procurement)
    if waiting is not None:
        raise ServiceError(
            f"A move to {stage_label(waiting.to_stage)} was asked for on "
            f"{long_date(clock.local(waiting.requested_at).date())} at {clock.local(waiting.requested_at):%H:%M} and is still waiting for the workflow",
            {"to_stage": "Wait for the move already asked for to finish"},
        )
    errors: dict[str, str] = {}
    day = clock.local(now).date()
    if (
        timetable_service.late_on(session, procurement, to_stage, day)
        and not (delay_reason or "").strip()
    ):
        errors["delay_reason"] = "Enter why the timetable has slipped"
    if to_stage == "award":
        if contract is None:
            errors["value"] = "Enter the contract details"
        else:
            errors.update(check_contract_details(session, procurement, contract))
    if errors:
        raise ServiceError("The move was not asked for", errors)
    details: dict[str, Any] = {}
    if delay_reason and delay_reason.strip():
        details["delay_reason"] = delay_reason.strip()
    if contract is not None and to_stage == "award":
        details["contract"] = contract.to_json()
    transition = Transition(
        procurement_id=procurement.id,
        from_stage=procurement.stage,
        to_stage=to_stage,
        status=QUEUED,
        details=details or None,
        requested_by_id=user.id if user else None,
        requested_at=now,
    )
    session.add(transition)
    session.flush()
    request = flow_runs.request_run(
        session,
        deployment=flow_runs.TRANSITION,
        parameters={"transition_id": transition.id},
        key=f"transition:{transition.id}",
        description=f"Move {procurement.reference} to {stage_label(to_stage)}",
        now=now,
        requested_by=user,
        procurement_id=procurement.id,
    )
    transition.flow_run_request_id = request.id
    session.flush()
    return transition


def run_request(session: Session, transition: Transition) -> FlowRunRequest | None:
    """Return the transition's run request."""
    if transition.flow_run_request_id is None:
        return None
    return session.get(FlowRunRequest, transition.flow_run_request_id)


# --- the flow's steps ------------------------------------------------------------------------


def get(session: Session, transition_id: int, *, lock: bool = False) -> Transition:
    """Return a transition (locked for update when asked); raise LookupError if there is none."""
    query = select(Transition).where(Transition.id == transition_id)
    if lock:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise LookupError(f"no transition {transition_id}")
    return found


def apply(session: Session, transition_id: int, unmet: list[str], now: datetime) -> str:
    """Apply the move, or refuse it listing ``unmet``; a decided transition is left alone."""
    transition = get(session, transition_id, lock=True)
    if transition.status in DECIDED:
        return transition.status
    procurement = session.scalar(
        select(Procurement).where(Procurement.id == transition.procurement_id).with_for_update()
    )
    assert procurement is not None
    if procurement.stage != transition.from_stage and not unmet:
        unmet = [f"{procurement.reference} is no longer at {stage_label(transition.from_stage)}"]
    transition.decided_at = now
    if unmet:
        transition.status = REFUSED
        transition.unmet = list(unmet)
        session.flush()
        return REFUSED
    day = clock.local(now).date()
    details = dict(transition.details or {})
    timetable_service.record_move(
        session,
        procurement,
        transition.from_stage,
        transition.to_stage,
        day,
        now,
        details.get("delay_reason"),
    )
    procurement.stage = transition.to_stage
    if transition.to_stage == "standstill":
        details["standstill"] = _start_standstill(session, procurement, day)
    if transition.to_stage == "award":
        contract = _create_contract(session, procurement, transition, now)
        details["contract_id"] = contract.id
        details["award_notice"] = contract.award_notice
    transition.details = details
    transition.status = APPLIED
    transition.unmet = []
    session.flush()
    return APPLIED


def _start_standstill(session: Session, procurement: Procurement, day: date) -> dict[str, Any]:
    period = standstill_period(
        procurement.national_regime,
        timetable_service.standstill_counts_from(session, procurement, day),
    )
    milestone = session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == procurement.id, Milestone.kind == "standstill-end"
        )
    )
    due = timetable_service.due_at("standstill-end", period.last_day)
    if milestone is None:
        session.add(Milestone(procurement_id=procurement.id, kind="standstill-end", due_at=due))
    else:
        milestone.due_at, milestone.overdue, milestone.done_at = due, False, None
    return period.to_dict()


def _create_contract(
    session: Session, procurement: Procurement, transition: Transition, now: datetime
) -> Contract:
    details = ContractDetails.from_json((transition.details or {})["contract"])
    supplier = session.get(Bidder, details.supplier_id) if details.supplier_id else None
    if supplier is None:
        supplier = session.scalar(
            select(Bidder).where(
                Bidder.procurement_id == procurement.id,
                Bidder.name == details.supplier_name.strip(),
            )
        ) or Bidder(
            procurement_id=procurement.id,
            name=details.supplier_name.strip(),
            registered_at=now,
            selection="passed",
        )
        session.add(supplier)
        session.flush()
    decision = procurement.decision or {}
    notice = {
        "notice": "contract award notice",
        "procurement_reference": procurement.reference,
        "title": procurement.title,
        "description": procurement.description,
        "supplier": supplier.name,
        "value": format_amount(to_money(details.value)),
        "value_including_vat": format_amount(
            to_money(details.value * (1 + Decimal(procurement.vat_rate)))
        ),
        "start_date": details.start_date.isoformat(),
        "end_date": details.end_date.isoformat(),
        "extension_options": details.extension_options,
        "route": procurement.route,
        "regime": procurement.national_regime,
        "above_national_threshold": procurement.above_national_threshold,
        "notices": decision.get("notices", []),
        "awarded_on": clock.local(now).date().isoformat(),
    }
    contract = Contract(
        procurement_id=procurement.id,
        supplier_id=supplier.id,
        value=to_money(details.value),
        start_date=details.start_date,
        end_date=details.end_date,
        extension_options=details.extension_options,
        award_notice=notice,
        awarded_at=now,
    )
    session.add(contract)
    session.flush()
    # Every awarded contract enters the contract register, to be managed from there.
    from tenderflow.services.contracts import register_award

    register_award(session, contract, now)
    return contract


def follow_up(session: Session, transition_id: int, now: datetime) -> int:
    """Tell the lead (and whoever asked) how the move ended; return how many messages were queued."""
    transition = get(session, transition_id)
    if transition.status not in DECIDED:
        return 0
    procurement = transition.procurement
    target = stage_label(transition.to_stage)
    if transition.status == APPLIED:
        subject = f"{procurement.reference} moved to {target}"
        body = f"{procurement.title} moved from {stage_label(transition.from_stage)} to {target}."
        standstill = (transition.details or {}).get("standstill")
        if standstill:
            body += (
                f" The standstill runs until the end of {standstill['last_day']}; the contract "
                f"may be awarded from {standstill['earliest_contract_date']} if no challenge is open."
            )
    else:
        subject = f"{procurement.reference} did not move to {target}"
        body = "These conditions are not met:\n" + "\n".join(
            f"- {item}" for item in transition.unmet or []
        )
    recipients = {u.id: u for u in (procurement.lead, transition.requested_by) if u is not None}
    sent = 0
    for user in recipients.values():
        message = outbox.queue_message(
            session,
            key=f"transition:{transition.id}:{transition.status}:{user.id}",
            kind=f"transition-{transition.status}",
            recipient=user,
            subject=subject,
            body=body,
            now=now,
            procurement_id=procurement.id,
        )
        sent += message is not None
    return sent


def mark_failed(session: Session, transition_id: int, error: str, now: datetime) -> None:
    """Record that the flow could not decide the move (nothing about the procurement changed)."""
    transition = get(session, transition_id)
    if transition.status == QUEUED:
        transition.status = FAILED
        transition.unmet = [error]
        transition.decided_at = now


def outcome(session: Session, transition: Transition) -> dict[str, Any]:
    """Return the transition as the command line reports it."""
    request = run_request(session, transition)
    return {
        "reference": transition.procurement.reference,
        "transition": transition.id,
        "from": transition.from_stage,
        "to": transition.to_stage,
        "status": transition.status,
        "unmet": list(transition.unmet or []),
        "flow_run_id": request.flow_run_id if request else None,
    }
