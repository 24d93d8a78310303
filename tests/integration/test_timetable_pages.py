"""The timetable on the procurement page: the chart, planned dates, delay reasons, the move, the award."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AwardApproval,
    Challenge,
    FlowRunRequest,
    StageDates,
    Transition,
)
from tenderflow.services import timetable as timetable_service
from tenderflow.services.email import outbox
from tenderflow.services.timetable import award
from tests.integration.conftest import sign_in_as
from tests.integration.timetable_data import (
    add_shortlist,
    asked_for_approval,
    frozen_at,
    national_procurement,
)


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "lead": make_user(Role.PROCUREMENT_LEAD),
        "other_lead": make_user(Role.PROCUREMENT_LEAD),
        "chair": make_user(Role.COMMISSIONING_BODY),
        "admin": make_user(Role.ADMIN),
        "evaluator": make_user(Role.EVALUATOR),
    }


def row(procurement: Any, stage: str) -> StageDates:
    return timetable_service.row_for(db.session, procurement, stage)


def date_fields(name: str, day: date) -> dict[str, list[str]]:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def test_the_procurement_page_shows_the_timetable_chart_table_and_the_move(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    sign_in_as(client, people["lead"])
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert 'id="timetable"' in page
    assert "tf-timetable-chart__bar--planned" in page
    assert "Stages, planned and actual" in page
    assert "1 June 2026 to 29 June 2026" in page  # planning
    assert "Tender deadline" in page
    assert "Move to Expressions of interest" in page

    sign_in_as(client, people["chair"])
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert "Stages, planned and actual" in page
    assert "Move to Expressions of interest" not in page
    # Nothing to decide until the lead asks for approval once moderation has closed.
    assert "Record the commissioning body" not in page


def test_a_tendering_period_below_the_minimum_is_refused_on_the_form_and_nothing_changes(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    itt = row(procurement, "itt")
    before = (itt.planned_start, itt.planned_end)
    sign_in_as(client, people["lead"])
    url = f"/procurements/{procurement.reference}/timetable/itt/edit"
    response = client.post(
        url,
        data={**date_fields("start", itt.planned_start), **date_fields("end", date(2026, 8, 1))},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "shorter than the minimum of 25 days" in page
    db.session.expire_all()
    assert (row(procurement, "itt").planned_start, row(procurement, "itt").planned_end) == before

    evaluation_start = row(procurement, "evaluation").planned_start
    response = client.post(
        url,
        data={**date_fields("start", itt.planned_start), **date_fields("end", date(2026, 8, 25))},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert row(procurement, "itt").planned_end == date(2026, 8, 25)
    assert (row(procurement, "evaluation").planned_start - evaluation_start).days == 7


def test_only_the_procurements_own_lead_or_an_administrator_edits_it(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    sign_in_as(client, people["other_lead"])
    assert client.get(f"/procurements/{procurement.reference}/move").status_code == 403
    assert (
        client.get(f"/procurements/{procurement.reference}/timetable/eoi/edit").status_code == 403
    )
    sign_in_as(client, people["admin"])
    assert (
        client.get(f"/procurements/{procurement.reference}/timetable/eoi/edit").status_code == 200
    )
    assert (
        client.get(f"/procurements/{procurement.reference}/timetable/nope/edit").status_code == 404
    )


def test_a_late_stage_asks_for_its_reason_which_is_kept(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    planning = row(procurement, "planning")
    planning.actual_end = date(2026, 7, 3)
    db.session.commit()
    sign_in_as(client, people["lead"])
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert "Reason needed" in page
    url = f"/procurements/{procurement.reference}/timetable/planning/delay"
    response = client.post(url, data={"reason": "  "})
    assert "Enter why the stage is late" in response.get_data(as_text=True)
    response = client.post(url, data={"reason": "The budget was agreed late."})
    assert response.status_code == 302
    db.session.expire_all()
    assert row(procurement, "planning").delay_reason == "The budget was agreed late."
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert "The budget was agreed late." in page and "Reason needed" not in page


def test_asking_to_move_records_it_and_shows_it_queued_when_the_workflow_server_is_down(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    sign_in_as(client, people["lead"])
    form = client.get(f"/procurements/{procurement.reference}/move").get_data(as_text=True)
    assert "Move from Planning to Expressions of interest" in form
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        response = client.post(f"/procurements/{procurement.reference}/move", data={})
        response.close()
    assert response.status_code == 302
    transition = db.session.scalar(select(Transition))
    assert transition is not None and transition.status == "queued"
    assert response.headers["Location"].endswith(
        f"/procurements/{procurement.reference}/transitions/{transition.id}"
    )
    request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
    assert request is not None and request.status == "queued"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Queued" in page and "Nothing is lost" in page
    assert procurement.stage == "planning"
    # Asking again goes to the move already waiting.
    again = client.get(f"/procurements/{procurement.reference}/move")
    assert again.headers["Location"].endswith(f"/transitions/{transition.id}")


def test_a_late_move_without_a_reason_shows_an_error_and_records_nothing(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    sign_in_as(client, people["lead"])
    with frozen_at("2026-07-06T10:00:00+01:00"):
        page = client.get(f"/procurements/{procurement.reference}/move").get_data(as_text=True)
        assert "later than planned (Planning" in page
        response = client.post(f"/procurements/{procurement.reference}/move", data={})
        assert "Enter why the timetable has slipped" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count(Transition.id))) == 0
        response = client.post(
            f"/procurements/{procurement.reference}/move",
            data={"delay_reason": "Waiting for the budget."},
        )
    assert response.status_code == 302
    transition = db.session.scalar(select(Transition))
    assert transition is not None and transition.details == {
        "delay_reason": "Waiting for the budget."
    }


def test_the_move_to_award_takes_the_contract_details(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    bidders = add_shortlist(procurement, ["Fenland Housing Trust"])
    procurement.stage = "standstill"
    db.session.commit()
    sign_in_as(client, people["lead"])
    page = client.get(f"/procurements/{procurement.reference}/move").get_data(as_text=True)
    assert "Contract value" in page and "Fenland Housing Trust" in page
    response = client.post(
        f"/procurements/{procurement.reference}/move",
        data={
            "supplier_id": "",
            "value": "",
            **date_fields("start_date", date(2026, 10, 1)),
            **date_fields("end_date", date(2026, 9, 1)),
        },
    )
    page = response.get_data(as_text=True)
    assert "Enter the contract value" in page
    response = client.post(
        f"/procurements/{procurement.reference}/move",
        data={
            "supplier_id": str(bidders[0].id),
            "value": "880,000",
            **date_fields("start_date", date(2026, 10, 1)),
            **date_fields("end_date", date(2026, 9, 1)),
        },
    )
    assert "Contract end date must be after the start date" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Transition.id))) == 0
    response = client.post(
        f"/procurements/{procurement.reference}/move",
        data={
            "supplier_id": str(bidders[0].id),
            "value": "880,000",
            **date_fields("start_date", date(2026, 10, 1)),
            **date_fields("end_date", date(2029, 9, 30)),
            "extension_options": "Up to 2 years",
        },
    )
    assert response.status_code == 302
    transition = db.session.scalar(select(Transition))
    assert transition is not None
    assert transition.details["contract"] == {
        "value": "880000.00",
        "start_date": "2026-10-01",
        "end_date": "2029-09-30",
        "supplier_id": bidders[0].id,
        "supplier_name": "",
        "extension_options": "Up to 2 years",
    }


def test_the_commissioning_body_records_its_decision_and_the_lead_is_told(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    url = f"/procurements/{procurement.reference}/approval"
    sign_in_as(client, people["lead"])
    assert client.get(url).status_code == 403
    asked_for_approval(procurement, people["lead"])
    db.session.commit()
    sign_in_as(client, people["chair"])
    assert "Record the commissioning body" in client.get(
        f"/procurements/{procurement.reference}"
    ).get_data(as_text=True)
    response = client.post(
        url, data={"decision": "deferred", **date_fields("decided_on", date(2026, 6, 15))}
    )
    assert "Enter why the recommendation was not approved" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "decision": "approved",
            **date_fields("decided_on", date(2026, 6, 15)),
            "minute_reference": "CB 2026/14",
        },
    )
    assert response.status_code == 302
    approval = db.session.scalar(select(AwardApproval))
    assert approval is not None and approval.decision == "approved"
    assert approval.recorded_by_id == people["chair"].id
    mine = outbox.messages_for(db.session, people["lead"])
    assert [m.subject for m in mine] == [
        f"{procurement.reference}: the commissioning body approved the award recommendation"
    ]


def test_the_lead_records_and_resolves_a_challenge(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    procurement = national_procurement(people["lead"])
    procurement.stage = "standstill"
    db.session.commit()
    sign_in_as(client, people["lead"])
    base = f"/procurements/{procurement.reference}/challenges"
    response = client.post(f"{base}/new", data={**date_fields("received_on", date(2026, 6, 15))})
    assert "Enter what the challenge says" in response.get_data(as_text=True)
    response = client.post(
        f"{base}/new",
        data={
            **date_fields("received_on", date(2026, 6, 15)),
            "summary": "Price scoring was wrong.",
        },
    )
    assert response.status_code == 302
    challenge = db.session.scalar(select(Challenge))
    assert challenge is not None and challenge.is_open
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert "Open: award suspended" in page
    response = client.post(
        f"{base}/{challenge.id}/resolve",
        data={**date_fields("resolved_on", date(2026, 6, 15)), "outcome": "Withdrawn."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not challenge.is_open and challenge.outcome == "Withdrawn."
    assert award.open_challenges(db.session, procurement) == []


def test_each_person_sees_their_own_messages_and_administrators_see_all(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    for who in ("lead", "evaluator"):
        outbox.queue_message(
            db.session,
            key=f"test:{who}",
            kind="reminder",
            recipient=people[who],
            subject=f"For the {who}",
            body="Hello.",
            now=clock.now(),
        )
    db.session.commit()
    sign_in_as(client, people["lead"])
    page = client.get("/messages").get_data(as_text=True)
    assert "For the lead" in page and "For the evaluator" not in page
    evaluators = outbox.messages_for(db.session, people["evaluator"])
    assert client.post(f"/messages/{evaluators[0].id}/read").status_code == 403
    mine = outbox.messages_for(db.session, people["lead"])[0]
    assert client.post(f"/messages/{mine.id}/read").status_code == 302
    db.session.expire_all()
    assert mine.read_at is not None
    sign_in_as(client, people["admin"])
    page = client.get("/messages").get_data(as_text=True)
    assert "For the lead" in page and "For the evaluator" in page
