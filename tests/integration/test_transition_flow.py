"""The transition flow's logic, run in-process with ``.fn()``: gates, exactly-once, the award."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    Contract,
    FlowRunRequest,
    OutboxMessage,
    StageDates,
    Transition,
)
from tenderflow.services import ServiceError, flow_runs, notices, procurements
from tenderflow.services import timetable as timetable_service
from tenderflow.services.timetable import award, transitions
from tests.integration.act_gates_world import check_exclusions, confirm_conflicts
from tests.integration.timetable_data import (
    add_bids,
    add_consensus,
    add_plan,
    add_scores,
    add_shortlist,
    frozen_at,
    move,
    national_procurement,
    publish_model,
    ready_panel,
    submit_scores,
)
from tests.integration.world import procurement_input
from workflows.timetable import run_transition


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "lead": make_user(Role.PROCUREMENT_LEAD, Role.MODERATOR),
        "evaluator": make_user(Role.EVALUATOR),
        "chair": make_user(Role.COMMISSIONING_BODY),
    }


def stage_rows(procurement: Any) -> dict[str, StageDates]:
    return {r.stage: r for r in timetable_service.stage_dates(procurement, db.session)}


def test_a_new_procurement_is_planned_with_its_milestones(app: Any, people: dict[str, Any]) -> None:
    procurement = national_procurement(people["lead"])
    rows = stage_rows(procurement)
    assert list(rows) == [
        "planning",
        "eoi",
        "itt",
        "evaluation",
        "moderation",
        "standstill",
        "award",
        "contract",
    ]
    assert rows["planning"].planned_start == date(2026, 6, 1)
    assert rows["planning"].actual_start == date(2026, 6, 1)
    assert (rows["itt"].planned_end - rows["itt"].planned_start).days == 25
    kinds = {m.kind for m in timetable_service.milestones(db.session, procurement)}
    assert kinds == {"eoi-deadline", "clarification-deadline", "tender-deadline", "standstill-end"}


def test_an_impossible_target_is_refused_at_once_and_nothing_is_recorded(
    app: Any, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    with pytest.raises(ServiceError, match="the next stage is Expressions of interest"):
        transitions.request_transition(
            db.session, procurement, "evaluation", people["lead"], clock.now()
        )
    with pytest.raises(ServiceError, match="not a stage of this procurement"):
        transitions.request_transition(
            db.session, procurement, "banana", people["lead"], clock.now()
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count(Transition.id))) == 0
    assert db.session.scalar(select(func.count(FlowRunRequest.id))) == 0


def test_a_request_records_the_transition_and_its_keyed_run_request(
    app: Any, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    transition = transitions.request_transition(
        db.session, procurement, "eoi", people["lead"], clock.now()
    )
    db.session.commit()
    request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
    assert request is not None
    assert request.key == f"transition:{transition.id}"
    assert request.deployment == flow_runs.TRANSITION
    assert request.parameters == {"transition_id": transition.id, "request_id": request.id}
    assert transition.status == "queued" and procurement.stage == "planning"
    # A second request while the first waits is refused.
    with pytest.raises(ServiceError, match="still waiting for the workflow"):
        transitions.request_transition(db.session, procurement, "eoi", people["lead"], clock.now())


def test_a_transition_is_applied_once_even_when_its_run_is_repeated(
    app: Any, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    transition = move(procurement, "eoi", people["lead"])
    assert transition.status == "applied" and procurement.stage == "eoi"
    decided_at = transition.decided_at
    messages = db.session.scalar(select(func.count(OutboxMessage.id)))

    again = run_transition.fn(transition_id=transition.id)
    db.session.expire_all()
    assert again["status"] == "applied"
    assert transition.decided_at == decided_at and procurement.stage == "eoi"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == messages

    # A stray second transition from the same stage, recorded directly, is refused.
    stray = Transition(
        procurement_id=procurement.id,
        from_stage="planning",
        to_stage="eoi",
        status="queued",
        requested_at=clock.now(),
    )
    db.session.add(stray)
    db.session.commit()
    outcome = run_transition.fn(transition_id=stray.id)
    assert outcome["status"] == "refused"
    assert "no longer at Planning" in outcome["unmet"][0]
    assert procurement.stage == "eoi"


def test_moving_records_actual_dates_and_a_late_move_needs_its_reason(
    app: Any, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    with frozen_at("2026-07-06T10:00:00+01:00"):  # planning was due to end 29 June
        with pytest.raises(ServiceError) as refused:
            transitions.request_transition(
                db.session, procurement, "eoi", people["lead"], clock.now()
            )
        assert refused.value.errors["delay_reason"] == "Enter why the timetable has slipped"
        db.session.rollback()
        move(procurement, "eoi", people["lead"], delay_reason="The plan waited for the budget.")
    rows = stage_rows(procurement)
    assert rows["planning"].actual_end == date(2026, 7, 6)
    assert rows["eoi"].actual_start == date(2026, 7, 6)
    assert rows["planning"].delay_reason == "The plan waited for the budget."
    assert rows["eoi"].delay_reason == "The plan waited for the budget."
    assert [
        r.to_json()["actual_start"] for r in timetable_service.timetable(db.session, procurement)
    ][:2] == ["2026-06-01", "2026-07-06"]


def test_a_procurement_goes_from_planning_to_award_and_every_gate_refuses_when_it_should(
    app: Any, people: dict[str, Any]
) -> None:
    lead, chair = people["lead"], people["chair"]
    procurement = national_procurement(lead)
    assert move(procurement, "eoi", lead).status == "applied"

    # Into ITT: an agreed plan, a shortlist of the route's minimum, a published model and the
    # conflicts assessment confirmed.
    refused = move(procurement, "itt", lead)
    assert refused.status == "refused" and procurement.stage == "eoi"
    assert "Write the procurement plan and agree it" in refused.unmet
    assert "Choose the evaluation model and publish it with the ITT." in refused.unmet
    assert any("Confirm the conflicts assessment" in item for item in refused.unmet)
    add_plan(procurement, lead)
    confirm_conflicts(procurement, lead)
    publish_model(procurement, lead)
    bidders = add_shortlist(
        procurement,
        [
            "Fenland Housing Trust",
            "Wisbech Support Ltd",
            "Ouse Care",
            "Marsh Homes",
            "March Futures",
            "Chatteris Living",
        ],
    )
    assert move(procurement, "itt", lead).status == "applied"

    # Into evaluation: bids opened after the deadline, and a panel ready to score.
    bids = add_bids(bidders[:2], opened=False)
    refused = move(procurement, "evaluation", lead)
    assert refused.status == "refused" and procurement.stage == "itt"
    assert "Release the evaluation guidance to the panel." in refused.unmet
    assert any("unopened" in item for item in refused.unmet)
    for bid in bids:
        bid.opened_at = clock.now()
    db.session.commit()
    ready_panel(procurement, people["evaluator"])
    assert move(procurement, "evaluation", lead).status == "applied"

    # Into moderation: every score submitted, not only saved.
    add_scores(procurement, bids, people["evaluator"])
    refused = move(procurement, "moderation", lead)
    assert refused.status == "refused"
    assert any("has not submitted" in item for item in refused.unmet)
    submit_scores(procurement, people["evaluator"])
    assert move(procurement, "moderation", lead).status == "applied"

    # Into standstill: consensus agreed, each bidder's exclusion check, and the commissioning
    # body's approval.
    refused = move(procurement, "standstill", lead)
    assert refused.status == "refused"
    assert any("commissioning body's approval" in item for item in refused.unmet)
    assert any("Agree consensus scores" in item for item in refused.unmet)
    assert (
        "Record the exclusion check (exclusion grounds and the debarment list) for Fenland "
        "Housing Trust and Wisbech Support Ltd" in refused.unmet
    )
    add_consensus(procurement, bids, lead)
    check_exclusions(bidders[:2], lead)
    award.request_approval(db.session, procurement, lead, clock.now())
    award.record_approval(
        db.session,
        procurement,
        award.ApprovalInput("rejected", clock.today(), notes="Ask for a price check."),
        chair,
        clock.now(),
        clock.today(),
    )
    db.session.commit()
    refused = move(procurement, "standstill", lead)
    assert refused.unmet == [
        "The commissioning body's approval of the award recommendation is not recorded: once "
        "moderation has closed the lead asks for it, and a commissioning body member records it "
        "on the procurement's page",
        "Record the contract award notice (UK6) as published on Find a Tender before the "
        "standstill begins (it counts from that day): the lead records its notice ID and date "
        "on the procurement's Notices page",
    ]
    assert (
        notices.record_publication(
            db.session, procurement, "UK6", "000123-2026", clock.today(), lead, clock.now()
        )
        == []
    )
    award.record_approval(
        db.session,
        procurement,
        award.ApprovalInput("approved", clock.today(), recommended_bidder_id=bidders[0].id),
        chair,
        clock.now(),
        clock.today(),
    )
    db.session.commit()
    # Monday 15 June 2026 is a bank holiday in Scotland, so not a working day under the Act.
    entered = move(procurement, "standstill", lead)
    assert entered.status == "applied"
    assert entered.details["standstill"]["last_day"] == "2026-06-25"

    details = transitions.default_contract_details(db.session, procurement)
    assert details.supplier_id == bidders[0].id

    # Into award: not before the standstill ends, nor while a challenge is open.
    with frozen_at("2026-06-25T16:00:00+01:00"):
        refused = move(procurement, "award", lead, contract=details)
    assert refused.status == "refused" and procurement.stage == "standstill"
    assert refused.unmet == [
        "The end of the standstill has not come: the standstill runs until the end of "
        "25 June 2026, so the award can be made from 26 June 2026"
    ]
    with frozen_at("2026-06-26T09:00:00+01:00"):
        challenge = award.record_challenge(
            db.session,
            procurement,
            "Scores were wrong.",
            date(2026, 6, 26),
            bidders[1].id,
            lead,
            clock.today(),
        )
        db.session.commit()
        refused = move(procurement, "award", lead, contract=details)
        assert refused.status == "refused"
        assert refused.unmet == [
            "A challenge from Wisbech Support Ltd received on 26 June 2026 is open: the award "
            "is suspended until it is resolved"
        ]
        assert db.session.scalar(select(func.count(Contract.id))) == 0
        award.resolve_challenge(
            db.session, challenge, "Scores checked and upheld.", date(2026, 6, 26), clock.today()
        )
        db.session.commit()
        applied = move(procurement, "award", lead, contract=details)
    assert applied.status == "applied" and procurement.stage == "award"
    contract = db.session.scalar(select(Contract))
    assert contract is not None
    assert contract.supplier.name == "Fenland Housing Trust"
    assert contract.value == procurement.whole_life_value
    assert contract.award_notice["supplier"] == "Fenland Housing Trust"
    assert contract.award_notice["procurement_reference"] == procurement.reference
    assert contract.award_notice["awarded_on"] == "2026-06-26"
    assert applied.details["contract_id"] == contract.id
    rows = stage_rows(procurement)
    assert rows["standstill"].actual_end == date(2026, 6, 26)
    assert rows["award"].actual_start == date(2026, 6, 26)
    # The lead was told of every outcome, refusals included.
    subjects = [
        m.subject
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient_id == lead.id)
        )
    ]
    assert f"{procurement.reference} moved to Award" in subjects
    assert f"{procurement.reference} did not move to Award" in subjects
    with frozen_at("2026-06-26T15:00:00+01:00"):
        assert move(procurement, "contract", lead).status == "applied"
    assert procurement.stage == "contract"
    assert transitions.next_stage_for(procurement) is None


def test_the_contract_stage_needs_the_contract_the_award_creates(
    app: Any, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    procurement.stage = "award"
    db.session.commit()
    refused = move(procurement, "contract", people["lead"])
    assert refused.unmet == ["The contract is not recorded: it is created when the award is made"]


def test_without_a_standstill_the_award_needs_the_approval(
    app: Any, people: dict[str, Any], make_user: Callable[..., Any]
) -> None:

    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference="TT-QUOTES", value=10000),
        people["lead"],
        clock.now(),
    )
    db.session.commit()
    assert "standstill" not in transitions.stages(procurement)
    publish_model(procurement, people["lead"])
    bids = add_bids(add_shortlist(procurement, ["Venue Hire Co"]), opened=True)
    procurement.stage = "evaluation"
    ready_panel(procurement, people["evaluator"])
    add_scores(procurement, bids, people["evaluator"])
    submit_scores(procurement, people["evaluator"])
    procurement.stage = "moderation"
    add_consensus(procurement, bids, people["lead"])
    details = transitions.ContractDetails(
        value=10000,
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
        supplier_name="Venue Hire Co",
    )
    refused = move(procurement, "award", people["lead"], contract=details)
    assert refused.status == "refused"
    assert any("approval" in item for item in refused.unmet)
    assert any("Record the exclusion check" in item for item in refused.unmet)
    check_exclusions([bid.bidder for bid in bids], people["lead"])
    award.request_approval(db.session, procurement, people["lead"], clock.now())
    award.record_approval(
        db.session,
        procurement,
        award.ApprovalInput("approved", clock.today()),
        people["chair"],
        clock.now(),
        clock.today(),
    )
    db.session.commit()
    assert move(procurement, "award", people["lead"], contract=details).status == "applied"
    contract = db.session.scalar(select(Contract))
    assert contract is not None and contract.supplier.name == "Venue Hire Co"
