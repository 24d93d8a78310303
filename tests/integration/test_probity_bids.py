"""Probity: sealed bids, a fixed method and approval in order.

Each attack is played as the user who would try it, on the demonstration data where the issue
found it: it is refused with a clear message, nothing is written, and the attempt is audited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.demo import load_demo
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    ApprovalRequest,
    AuditEvent,
    AwardApproval,
    Bid,
    Bidder,
    Clarification,
    EvaluationModelVersion,
    Procurement,
    StageDates,
    User,
)
from tenderflow.services import procurements
from tenderflow.services.bidding import bids
from tenderflow.services.evaluation import moderation, scoring
from tenderflow.services.gates import unmet_conditions
from tenderflow.services.timetable import award
from tests.integration.conftest import sign_in_as
from tests.integration.evaluation_world import an_evaluation, ready_made
from tests.integration.timetable_data import frozen_at
from tests.integration.world import procurement_input

TODAY = date(2026, 6, 15)  # the tests' frozen clock
NEEDS = "CCC-NEEDS-2027"  # at ITT, two sealed bids, tender deadline 25 June 2026
REFUGE = "CCC-DA-REFUGE-2027"  # approved and in standstill


@pytest.fixture
def demo(app: Any) -> None:
    load_demo(db.session, TODAY)
    db.session.commit()


def person(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None
    return found


def procurement(reference: str) -> Procurement:
    found = procurements.get_by_reference(db.session, reference)
    assert found is not None
    return found


def date_fields(name: str, day: date) -> dict[str, list[str]]:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def refusals(actor: User) -> list[str]:
    """The audit log's refused attempts by ``actor``, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.summary)
            .where(AuditEvent.action == "refused", AuditEvent.actor_id == actor.id)
            .order_by(AuditEvent.id)
        )
    )


def stage_rows(found: Procurement) -> list[tuple[str, date, date]]:
    return [
        (r.stage, r.planned_start, r.planned_end)
        for r in db.session.scalars(
            select(StageDates)
            .where(StageDates.procurement_id == found.id)
            .order_by(StageDates.position)
        )
    ]


def deadline_of(found: Procurement) -> datetime:
    deadline = bids.tender_deadline(db.session, found)
    assert deadline is not None
    return clock_utc(deadline)


def clock_utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=clock.UTC) if instant.tzinfo is None else instant


# Attack 1: unsealing by re-planning -----------------------------------------------------------


def test_the_lead_cannot_unseal_bids_by_replanning_the_finished_planning_stage(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead@tenderflow.example")
    needs = procurement(NEEDS)
    before, deadline = stage_rows(needs), deadline_of(needs)
    sign_in_as(client, lead)
    response = client.post(
        f"/procurements/{NEEDS}/timetable/planning/edit",
        data={**date_fields("start", date(2025, 1, 1)), **date_fields("end", date(2025, 1, 3))},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Planning has ended: its dates are history and cannot be re-planned" in page
    assert "govuk-error-summary" in page
    db.session.expire_all()
    assert stage_rows(needs) == before and deadline_of(needs) == deadline
    # The bids are still sealed, and opening them is still refused.
    assert "Bids are sealed until the tender deadline has passed" in client.get(
        f"/procurements/{NEEDS}/bids"
    ).get_data(as_text=True)
    client.post(f"/procurements/{NEEDS}/bids/open")
    db.session.expire_all()
    assert all(b.opened_at is None for b in bids.bids_of(db.session, needs))
    assert refusals(lead)[0].startswith("Refused to re-plan Planning to 2025-01-01 - 2025-01-03")


def test_once_the_itt_is_issued_the_tender_deadline_cannot_be_replanned(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead@tenderflow.example")
    needs = procurement(NEEDS)
    before = stage_rows(needs)
    itt_start = next(start for stage, start, _ in before if stage == "itt")
    sign_in_as(client, lead)
    page = client.post(
        f"/procurements/{NEEDS}/timetable/itt/edit",
        data={**date_fields("start", itt_start), **date_fields("end", TODAY)},
    ).get_data(as_text=True)
    assert "The tender deadline is fixed since the invitation to tender was issued" in page
    db.session.expire_all()
    assert stage_rows(needs) == before
    assert "Refused to re-plan Invitation to tender" in refusals(lead)[0]


def test_the_lead_extends_the_deadline_before_it_passes_and_every_bidder_is_told(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead@tenderflow.example")
    needs = procurement(NEEDS)
    original = deadline_of(needs)
    sign_in_as(client, lead)
    url = f"/procurements/{NEEDS}/bids/extend-deadline"
    missing = client.post(url, data=date_fields("new_deadline", date(2026, 7, 2)))
    assert "Enter why the tender deadline is extended" in missing.get_data(as_text=True)
    earlier = client.post(
        url, data={**date_fields("new_deadline", TODAY), "reason": "Portal outage."}
    )
    original_text = bids.deadline_text(original)
    assert f"The new tender deadline must be after {original_text}" in earlier.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert deadline_of(needs) == original
    response = client.post(
        url,
        data={
            **date_fields("new_deadline", date(2026, 7, 2)),
            "reason": "The tender portal was down for two days.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert clock.local(deadline_of(needs)) == datetime(2026, 7, 2, 12, 0, tzinfo=clock.LONDON)
    itt = next(row for row in stage_rows(needs) if row[0] == "itt")
    assert itt[2] == date(2026, 7, 2)
    published = client.get(f"/procurements/{NEEDS}/clarifications/published").get_data(as_text=True)
    assert (
        f"The tender deadline is extended from {original_text} to 2 July 2026 at "
        "12:00pm. The tender portal was down for two days." in published
    )
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "extended"))
    assert logged is not None and logged.actor_id == lead.id
    # A bid arriving after the old deadline but before the new one is on time, and keeps the
    # deadline in force when it arrived.
    newcomer = Bidder(procurement_id=needs.id, name="Ouse Insight Ltd", registered_at=clock.now())
    db.session.add(newcomer)
    db.session.flush()
    with frozen_at("2026-06-30T09:00:00+01:00"):
        bid = bids.record_bid(
            db.session, needs, newcomer, received_at=None, lot=None, user=lead, now=clock.now()
        )
    assert not bid.late and bid.deadline_at == deadline_of(needs)


def test_once_the_deadline_has_passed_it_cannot_be_extended(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead@tenderflow.example")
    needs = procurement(NEEDS)
    original = deadline_of(needs)
    sign_in_as(client, lead)
    with frozen_at((original + timedelta(minutes=1)).isoformat()):
        page = client.post(
            f"/procurements/{NEEDS}/bids/extend-deadline",
            data={**date_fields("new_deadline", date(2026, 7, 9)), "reason": "One bidder asked."},
        ).get_data(as_text=True)
    original_text = bids.deadline_text(original)
    assert f"The tender deadline passed on {original_text}: it can no longer be extended" in page
    db.session.expire_all()
    assert deadline_of(needs) == original
    assert (
        db.session.scalar(
            select(func.count(Clarification.id)).where(Clarification.procurement_id == needs.id)
        )
        == 0
    )
    assert refusals(lead) == [
        "Refused to extend the tender deadline to 2026-07-09: The tender deadline passed on "
        f"{original_text}: it can no longer be extended"
    ]


# Attack 3: opening too much -------------------------------------------------------------------


def _field_of_three(lead: User) -> tuple[Procurement, dict[str, Bid], datetime]:
    """A procurement with one bid on time, one excluded and one late, received through the
    service; returns it, its bids and its tender deadline."""
    found = procurements.create_procurement(
        db.session, procurement_input(reference="PROBITY-OPEN"), lead, clock.now()
    )
    found.stage = "itt"
    deadline = deadline_of(found)
    received: dict[str, Bid] = {}
    for name, at in (
        ("On Time Ltd", deadline - timedelta(hours=2)),
        ("Excluded Ltd", deadline - timedelta(hours=1)),
        ("Late Ltd", deadline + timedelta(minutes=7)),
    ):
        bidder = Bidder(procurement_id=found.id, name=name, registered_at=clock.now())
        db.session.add(bidder)
        db.session.flush()
        received[name] = bids.record_bid(
            db.session, found, bidder, received_at=at, lot=None, user=lead, now=at
        )
    bids.exclude_bid(db.session, received["Excluded Ltd"], "Debarred supplier.")
    db.session.commit()
    return found, received, deadline


def test_opening_opens_only_bids_on_time_or_accepted_and_a_late_bid_cannot_be_accepted_after(
    client: FlaskClient, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    found, received, deadline = _field_of_three(lead)
    assert received["Late Ltd"].late and received["Late Ltd"].deadline_at == deadline
    sign_in_as(client, lead)
    after = (deadline + timedelta(hours=1)).isoformat()
    with frozen_at(after):
        page = client.get(f"/procurements/{found.reference}/bids").get_data(as_text=True)
        assert "2 bids stay sealed" in page
        client.post(f"/procurements/{found.reference}/bids/open")
        db.session.expire_all()
        assert received["On Time Ltd"].opened_at is not None
        assert received["Excluded Ltd"].opened_at is None
        assert received["Late Ltd"].opened_at is None
        kept = db.session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "kept sealed")
        ).all()
        assert sorted(kept) == sorted(
            [str(received["Excluded Ltd"].id), str(received["Late Ltd"].id)]
        )
        # Having seen the price of the bid opened, the lead tries to let the late one in.
        late = received["Late Ltd"]
        page = client.post(
            f"/procurements/{found.reference}/bids/{late.id}/accept-late",
            data={"reason": "The portal was slow."},
        ).get_data(as_text=True)
        assert "A late bid cannot be accepted once the bids have been opened" in page
        db.session.expire_all()
        assert late.late_acceptance_reason is None and late.opened_at is None
        assert refusals(lead)[-1].startswith("Refused to accept the late bid from Late Ltd")
        # An excluded bid is opened only once its exclusion is reversed with a reason.
        excluded = received["Excluded Ltd"]
        url = f"/procurements/{found.reference}/bids/{excluded.id}/reinstate"
        assert "Enter why the exclusion is reversed" in client.post(
            url, data={"reason": " "}
        ).get_data(as_text=True)
        db.session.expire_all()
        assert excluded.excluded
        client.post(url, data={"reason": "The debarment entry was for another company."})
        client.post(f"/procurements/{found.reference}/bids/open")
        db.session.expire_all()
        assert not excluded.excluded and excluded.opened_at is not None
        assert excluded.reinstatement_reason == "The debarment entry was for another company."
        assert late.opened_at is None


def test_after_opening_a_bid_cannot_be_recorded_as_received_before_the_deadline(
    client: FlaskClient, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    found, _, deadline = _field_of_three(lead)
    newcomer = Bidder(procurement_id=found.id, name="Backdated Ltd", registered_at=clock.now())
    db.session.add(newcomer)
    db.session.commit()
    sign_in_as(client, lead)
    with frozen_at((deadline + timedelta(hours=1)).isoformat()):
        client.post(f"/procurements/{found.reference}/bids/open")
        # Having seen the prices, the lead records a bid dated half an hour before the deadline.
        before = clock.local(deadline - timedelta(minutes=30))
        url = f"/procurements/{found.reference}/bids/new"
        response = client.post(
            url,
            data={
                "bidder_id": str(newcomer.id),
                **date_fields("received_on", before.date()),
                "received_time": f"{before:%H:%M}",
            },
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "govuk-error-summary" in page
        assert "a bid recorded since then cannot be dated before the tender deadline" in page
        db.session.expire_all()
        assert newcomer.bids == []
        assert refusals(lead)[-1].startswith("Refused to record a bid from Backdated Ltd")
        # Recorded as it really arrives, after the opening, it is late and stays sealed.
        assert client.post(url, data={"bidder_id": str(newcomer.id)}).status_code == 302
        client.post(f"/procurements/{found.reference}/bids/open")
        db.session.expire_all()
        [bid] = newcomer.bids
        assert bid.late and bid.opened_at is None


def test_a_late_bid_accepted_before_opening_is_opened_with_the_others(make_user: Any) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    found, received, deadline = _field_of_three(lead)
    bids.accept_late_bid(db.session, received["Late Ltd"], "Our portal failed at 11:55.")
    assert bids.open_bids(db.session, found, lead, deadline + timedelta(hours=1)) == 2
    assert received["Late Ltd"].opened_at is not None
    assert received["Excluded Ltd"].opened_at is None


# Attack 4: changing the method after seeing the bids ----------------------------------------


def test_the_method_cannot_change_once_the_deadline_has_passed_even_before_opening(
    client: FlaskClient, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    found = procurements.create_procurement(
        db.session, procurement_input(reference="PROBITY-METHOD"), lead, clock.now()
    )
    db.session.commit()
    sign_in_as(client, lead)
    client.post(
        "/evaluations/PROBITY-METHOD/model",
        data={"action": "save", "ready_made": "housing-support-60-40"},
    )
    client.post("/evaluations/PROBITY-METHOD/model", data={"action": "publish"})
    after = (deadline_of(found) + timedelta(minutes=1)).isoformat()
    with frozen_at(after):
        page = client.post(
            "/evaluations/PROBITY-METHOD/model",
            data={"action": "save", "ready_made": "housing-support-social-value", "reason": "x"},
        ).get_data(as_text=True)
        assert "The evaluation method is fixed once the tender deadline has passed" in page
        assert "Terminate the procurement" in page
    db.session.expire_all()
    versions = db.session.scalars(
        select(EvaluationModelVersion).where(EvaluationModelVersion.procurement_id == found.id)
    ).all()
    assert [v.yaml_text for v in versions] == [ready_made()]
    assert refusals(lead)[-1].startswith("Refused to change the evaluation model")


def test_after_opening_the_way_out_is_to_terminate_the_procurement_with_its_reason(
    client: FlaskClient, make_user: Any
) -> None:
    evaluation = an_evaluation(make_user)
    lead = evaluation.lead
    sign_in_as(client, lead)
    url = "/procurements/EVAL-1/terminate"
    assert "Enter why the procurement is terminated" in client.post(
        url, data={"reason": ""}
    ).get_data(as_text=True)
    db.session.expire_all()
    assert evaluation.procurement.terminated_at is None
    reason = "The price formula was wrong; the procurement starts again with a corrected model."
    assert client.post(url, data={"reason": reason}).status_code == 302
    db.session.expire_all()
    found = evaluation.procurement
    assert found.terminated_at == clock.now() and found.termination_reason == reason
    assert found.terminated_by_id == lead.id
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "terminated"))
    assert logged is not None and reason in (logged.summary or "")
    page = client.get("/procurements/EVAL-1").get_data(as_text=True)
    assert "Terminated on" in page and reason in page
    # A terminated procurement stops: it does not move on.
    refused = client.post("/procurements/EVAL-1/move", data={})
    assert "EVAL-1 was terminated" in refused.get_data(as_text=True)
    assert f"EVAL-1 was terminated: {reason}" in unmet_conditions(
        db.session, found, "moderation", clock.now()
    )
    # Nor does it take bids, prices or scores any more.
    bid = bids.bids_of(db.session, found)[0]
    before = db.session.scalar(select(func.count(Bid.id)))
    with pytest.raises(bids.probity.Refused, match="terminated"):
        bids.record_bid(
            db.session, found, bid.bidder, received_at=None, lot=None, user=lead, now=clock.now()
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count(Bid.id))) == before
    with pytest.raises(bids.probity.Refused, match="terminated"):
        bids.record_price(db.session, bid, Decimal("1"), None, None, clock.now())
    db.session.rollback()
    assert bid.price != Decimal("1")
    evaluator = evaluation.evaluators[0]
    assert scoring.why_not_scoring(db.session, evaluator) == (
        "The procurement has been terminated: nothing more is scored."
    )


# Attack 8: approval out of order --------------------------------------------------------------


def test_a_commissioning_body_member_cannot_record_approval_at_itt(
    demo: None, client: FlaskClient
) -> None:
    chair = person("commissioning@tenderflow.example")
    needs = procurement(NEEDS)
    sign_in_as(client, chair)
    response = client.post(
        f"/procurements/{NEEDS}/approval",
        data={"decision": "approved", **date_fields("decided_on", TODAY)},
    )
    page = response.get_data(as_text=True)
    assert "The lead has not asked the commissioning body for approval" in page
    assert "govuk-error-summary" in page
    assert (
        db.session.scalar(
            select(func.count(AwardApproval.id)).where(AwardApproval.procurement_id == needs.id)
        )
        == 0
    )
    assert refusals(chair)[0].startswith(
        "Refused to record the commissioning body's decision (approved)"
    )


def test_the_lead_cannot_ask_for_approval_before_moderation_has_closed(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead@tenderflow.example")
    hunts = procurement("CCC-SH-HUNTS-2027")  # in moderation, no consensus yet
    sign_in_as(client, lead)
    response = client.post(
        "/procurements/CCC-SH-HUNTS-2027/approval/request", follow_redirects=True
    )
    assert "Approval can be asked for once moderation has closed" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count(ApprovalRequest.id)).where(ApprovalRequest.procurement_id == hunts.id)
        )
        == 0
    )
    assert "Agree consensus scores" in refusals(lead)[0]


def test_an_approval_is_void_once_the_results_it_approved_change(
    demo: None, client: FlaskClient
) -> None:
    lead, chair = person("lead@tenderflow.example"), person("commissioning@tenderflow.example")
    moderator = person("moderator@tenderflow.example")
    refuge = procurement(REFUGE)
    gate = "tenderflow.services.timetable.gates"
    assert unmet_conditions(db.session, refuge, "standstill", clock.now(), only=gate) == []
    # As it stood before the move into standstill: approved, still in moderation.
    refuge.stage = "moderation"
    bid = bids.bids_of(db.session, refuge)[0]
    moderation.record_consensus(
        db.session, refuge, bid, "Q1", "1", "Revised after the approval.", moderator, clock.now()
    )
    db.session.commit()
    unmet = unmet_conditions(db.session, refuge, "standstill", clock.now(), only=gate)
    assert len(unmet) == 1 and "is void: the results have changed since it was given" in unmet[0]
    # The chair cannot paper over it: the lead must ask again, for the new results.
    sign_in_as(client, chair)
    page = client.post(
        f"/procurements/{REFUGE}/approval",
        data={"decision": "approved", **date_fields("decided_on", TODAY)},
    ).get_data(as_text=True)
    assert "The results have changed since the lead asked for approval" in page
    assert len(award.approvals(db.session, refuge)) == 1
    sign_in_as(client, lead)
    client.post(f"/procurements/{REFUGE}/approval/request")
    sign_in_as(client, chair)
    client.post(
        f"/procurements/{REFUGE}/approval",
        data={"decision": "approved", **date_fields("decided_on", TODAY)},
    )
    db.session.expire_all()
    assert len(award.approvals(db.session, refuge)) == 2
    assert unmet_conditions(db.session, refuge, "standstill", clock.now(), only=gate) == []


def test_an_approval_recorded_without_being_asked_for_does_not_satisfy_the_gate(
    demo: None,
) -> None:
    refuge = procurement(REFUGE)
    db.session.add(
        AwardApproval(
            procurement_id=refuge.id,
            decision="approved",
            decided_on=TODAY,
            recorded_at=clock.now(),
        )
    )
    db.session.commit()
    [unmet] = unmet_conditions(
        db.session, refuge, "standstill", clock.now(), only="tenderflow.services.timetable.gates"
    )
    assert "was not asked for by the lead once moderation had closed" in unmet


def test_every_demo_approval_is_for_the_results_as_they_stand(demo: None) -> None:
    approved = db.session.scalars(
        select(Procurement).join(AwardApproval, AwardApproval.procurement_id == Procurement.id)
    ).unique()
    references = set()
    for found in approved:
        approval = award.approvals(db.session, found)[0]
        assert approval.recorded_by_id == person("commissioning@tenderflow.example").id
        assert award.approval_problem(db.session, found, approval) is None
        references.add(found.reference)
    assert {"KCC-IDAS-2026", "NCC-GY-FS-2026", REFUGE} <= references
