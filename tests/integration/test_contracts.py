"""The contract register, priority reviews and quarterly returns, on each database."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.cli import main
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    Bidder,
    ContractAction,
    ContractChange,
    ContractMeeting,
    ContractReturn,
    ManagedContract,
    OutboxMessage,
    PerformanceAssessment,
    PriorityReview,
    Procurement,
    QualityGrade,
    Transition,
)
from tenderflow.services import contracts, users
from tenderflow.services import procurements as procurements_service
from tenderflow.services import timetable as timetable_service
from tenderflow.services.contracts import watch as contract_watch
from tenderflow.services.timetable import transitions
from tests.integration.conftest import sign_in_as
from tests.integration.timetable_data import national_procurement
from workflows.contracts import watch_contracts

GOOD = {
    "performance": "good",
    "quality": "a-or-b",
    "value-for-money": "good",
    "improvement": "addressed",
    "track-record": "established",
    "provider": "established",
}


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def a_contract(manager: Any = None, **changes: Any) -> ManagedContract:
    values: dict[str, Any] = {
        "reference": "OLD-FS-2024",
        "title": "Generic floating support, Fenland",
        "supplier_name": "Marsh Lane Housing",
        "value": Decimal("900000"),
        "start_date": date(2024, 4, 1),
        "end_date": date(2027, 3, 31),
        "extension_count": 2,
        "extension_months": 12,
        "service_type": "floating-support",
        "client_group": "generic",
        "districts": ["fenland"],
        "department": "Adult social care",
        "procurement_route": "Open tender",
        "manager_id": manager.id if manager else None,
    }
    values.update(changes)
    lead = values.pop("entered_by", None)
    data = contracts.ContractInput(**values)
    if lead is None:
        lead = users.create_user(
            db.session,
            users.UserInput(
                email=f"lead-{values['reference'].lower()}@council.example",
                name="Entering lead",
                roles={Role.PROCUREMENT_LEAD},
                password="correct horse battery staple",
            ),
        )
    contract = contracts.create_contract(db.session, data, lead, clock.now())
    db.session.commit()
    return contract


def test_the_award_puts_its_contract_in_the_register_once(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    supplier = Bidder(
        procurement_id=procurement.id,
        name="Fenland Housing Trust",
        registered_at=clock.now(),
        companies_house_number="01234567",
        is_sme=True,
        is_vcse=True,
    )
    db.session.add(supplier)
    db.session.flush()
    details = transitions.ContractDetails(
        value=Decimal("880000"),
        start_date=date(2027, 4, 1),
        end_date=date(2030, 3, 31),
        supplier_id=supplier.id,
        extension_options="Up to 2 years",
    )
    move = Transition(details={"contract": details.to_json()})
    contract = transitions._create_contract(db.session, procurement, move, clock.now())
    db.session.commit()
    entry = db.session.scalar(select(ManagedContract))
    assert entry is not None and entry.award_contract_id == contract.id
    assert (entry.reference, entry.supplier_name, entry.value) == (
        procurement.reference,
        "Fenland Housing Trust",
        Decimal("880000.00"),
    )
    assert (entry.supplier_is_sme, entry.supplier_companies_house_number) == (True, "01234567")
    assert entry.districts == ["fenland"] and entry.owner_id == lead.id
    assert [i.code for i in entry.indicators] == ["staffing", "utilisation", "throughput"]
    assert contracts.register_award(db.session, contract, clock.now()).id == entry.id
    assert count(ManagedContract) == 1
    # The procurement's lead sees it; another lead does not.
    assert contracts.may_see(db.session, lead, entry)
    assert not contracts.may_see(db.session, make_user(Role.PROCUREMENT_LEAD), entry)


def test_a_lead_enters_an_older_contract_and_bad_answers_are_shown_and_not_saved(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    manager = make_user(Role.CONTRACT_MANAGER, name="Casey Contract")
    sign_in_as(client, lead)
    form = {
        "reference": "OLD-1",
        "title": "Refuge, Wisbech",
        "supplier_name": "Safe Harbour Trust",
        "supplier_is_sme": "yes",
        "supplier_is_vcse": "yes",
        "value": "£1,200,000",
        "start_date": ["1", "4", "2024"],
        "end_date": ["31", "3", "2023"],
        "extension_count": "2",
        "extension_months": "12",
        "service_type": "",
        "client_group": "",
        "districts": ["fenland"],
        "department": "Adult social care",
        "procurement_route": "Open tender",
        "manager_id": str(manager.id),
    }
    refused = client.post("/contracts/new", data={**form, "value": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "<title>Error:" in page
    assert "Enter the contract value" in page and "govuk-error-summary" in page
    refused = client.post("/contracts/new", data=form)
    assert "The end date must be the same as or after the start date" in refused.get_data(
        as_text=True
    )
    assert count(ManagedContract) == 0
    saved = client.post("/contracts/new", data={**form, "end_date": ["31", "3", "2027"]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/contracts/OLD-1")
    entry = contracts.get_by_reference(db.session, "OLD-1")
    assert entry is not None
    assert entry.value == Decimal("1200000.00") and entry.manager_id == manager.id
    assert entry.extension_options == "3 years plus 2 x 1 year"
    again = client.post("/contracts/new", data={**form, "end_date": ["31", "3", "2027"]})
    assert "already in the register" in again.get_data(as_text=True)
    assert count(ManagedContract) == 1


def test_the_register_page_searches_and_filters_what_the_person_may_see(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    manager = make_user(Role.CONTRACT_MANAGER)
    a_contract(manager, entered_by=lead)
    a_contract(
        None,
        entered_by=lead,
        reference="OLD-REFUGE",
        title="Refuge, Huntingdon",
        supplier_name="Safe Harbour Trust",
        districts=["huntingdonshire"],
    )
    sign_in_as(client, lead)
    both = client.get("/contracts").get_data(as_text=True)
    assert "OLD-FS-2024" in both and "OLD-REFUGE" in both
    by_text = client.get("/contracts?text=harbour").get_data(as_text=True)
    assert "OLD-REFUGE" in by_text and "OLD-FS-2024" not in by_text
    by_district = client.get("/contracts?district=fenland").get_data(as_text=True)
    assert "OLD-FS-2024" in by_district and "OLD-REFUGE" not in by_district
    # The contract manager sees only the contract assigned to them; another lead sees none.
    sign_in_as(client, manager)
    mine = client.get("/contracts").get_data(as_text=True)
    assert "OLD-FS-2024" in mine and "OLD-REFUGE" not in mine
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    assert "No contracts match" in client.get("/contracts").get_data(as_text=True)


def test_a_contracts_page_is_404_to_anyone_without_a_part_in_it_and_the_attempt_audited(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    a_contract(manager)
    sign_in_as(client, make_user(Role.CONTRACT_MANAGER))
    assert client.get("/contracts/OLD-FS-2024").status_code == 404
    assert client.post("/contracts/OLD-FS-2024/priority", data=GOOD).status_code == 404
    refused = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id)
    ).all()
    assert len(refused) == 2 and "OLD-FS-2024" in refused[0].summary
    assert count(PriorityReview) == 0
    sign_in_as(client, manager)
    page = client.get("/contracts/OLD-FS-2024").get_data(as_text=True)
    assert "£900,000.00" in page and "has not been reviewed yet" in page


def test_the_transparency_register_lists_contracts_over_5000_for_anyone_signed_in(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    a_contract(supplier_is_sme=True, supplier_is_vcse=False, review_date=date(2026, 4, 1))
    a_contract(reference="SMALL-1", value=Decimal("5000"))
    a_contract(reference="FORMULA-1", value=Decimal("5000.01"), title="=HYPERLINK(1)")
    sign_in_as(client, make_user(Role.DISTRICT_OFFICER, district="fenland"))
    page = client.get("/transparency/contracts").get_data(as_text=True)
    assert "OLD-FS-2024" in page and "SMALL-1" not in page
    response = client.get("/transparency/contracts.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Reference,Title,Description,Supplier,")
    assert lines[1].startswith("FORMULA-1,'=HYPERLINK(1)")
    assert (
        ",900000.00,2024-04-01,2027-03-31,2026-04-01,Adult social care,Open tender,Yes,No"
        in (lines[2])
    )
    assert len(lines) == 3


def test_the_register_command_prints_csv_or_json_and_refuses_another_format(
    app: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a_contract()
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    assert main(["contracts", "register", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["reference"], r["value"], r["sme"]) for r in rows] == [
        ("OLD-FS-2024", "900000.00", "")
    ]
    assert main(["contracts", "register"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("OLD-FS-2024,")
    assert main(["contracts", "register", "--format", "xml"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'xml' is not one of 'csv', 'json'" in err[0]


def test_the_yearly_review_sets_the_band_and_a_change_of_band_needs_a_reason(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)
    sign_in_as(client, manager)
    answers = {f"factor_{k.replace('-', '_')}": v for k, v in GOOD.items()}
    first = client.post(
        "/contracts/OLD-FS-2024/priority",
        data={**answers, "reviewed_on": ["1", "4", "2025"]},
    )
    assert first.status_code == 302
    db.session.refresh(contract)
    # £300,000 a year earns 15 points; nothing else adds any: low.
    assert (contract.priority_score, contract.priority_band) == (15, "low")
    worse = {
        **answers,
        "factor_performance": "under",
        "factor_improvement": "not_addressed".replace("_", "-"),
        "factor_quality": "d",
        "reviewed_on": ["1", "4", "2026"],
    }
    refused = client.post("/contracts/OLD-FS-2024/priority", data=worse)
    assert "Enter why the contract moves from the low band to the medium band" in (
        refused.get_data(as_text=True)
    )
    assert count(PriorityReview) == 1
    done = client.post(
        "/contracts/OLD-FS-2024/priority",
        data={**worse, "reason": "Two quarters of low utilisation"},
    )
    assert done.status_code == 302
    db.session.refresh(contract)
    assert (contract.priority_score, contract.priority_band) == (45, "medium")
    latest = db.session.scalars(select(PriorityReview).order_by(PriorityReview.id.desc())).first()
    assert latest is not None
    assert (latest.previous_band, latest.reason) == ("low", "Two quarters of low utilisation")
    page = client.get("/contracts/OLD-FS-2024").get_data(as_text=True)
    assert "Medium priority" in page and "every 6 months" in page


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_uploaded_file_with_a_bad_row_saves_nothing_and_names_every_bad_row(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    a_contract(manager)
    sign_in_as(client, manager)
    bad = (
        "year,quarter,indicator,value\n"
        "2026,1,staffing,98\n"
        "2026,1,utilisation,lots\n"
        "2026,3,morale,5\n"
    )
    refused = client.post(
        "/contracts/OLD-FS-2024/returns/upload",
        data={"file": (io.BytesIO(bad.encode()), "returns.csv")},
        content_type="multipart/form-data",
    )
    page = refused.get_data(as_text=True)
    assert "The file has 2 problems; nothing was saved" in page
    assert "Row 3: enter the value as a number, like 96.5" in page
    assert "Row 4: &#39;morale&#39; is not one of this contract&#39;s indicators" in page
    assert count(ContractReturn) == 0
    good = _xlsx(
        [
            ["Year", "Quarter", "Indicator", "Value"],
            [2026, 1, "staffing", 98],
            [2026, 1, "utilisation", 96.5],
            [2025, 4, "throughput", 64],
        ]
    )
    saved = client.post(
        "/contracts/OLD-FS-2024/returns/upload",
        data={"file": (io.BytesIO(good), "returns.xlsx")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    values = {
        (r.year, r.quarter, r.indicator): r.value
        for r in db.session.scalars(select(ContractReturn))
    }
    assert values == {
        (2026, 1, "staffing"): Decimal("98.0000"),
        (2026, 1, "utilisation"): Decimal("96.5000"),
        (2025, 4, "throughput"): Decimal("64.0000"),
    }
    page = client.get("/contracts/OLD-FS-2024").get_data(as_text=True)
    assert "2025 Q4" in page and "Below target" in page


def test_a_return_typed_on_the_form_is_checked_before_it_is_kept(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    a_contract(manager)
    sign_in_as(client, manager)
    form = {
        "year": "2026",
        "quarter": "1",
        "indicator_staffing": "100",
        "indicator_utilisation": "-3",
        "indicator_throughput": "71",
    }
    refused = client.post("/contracts/OLD-FS-2024/returns/new", data=form)
    assert "The value must be 0 or more" in refused.get_data(as_text=True)
    future = client.post("/contracts/OLD-FS-2024/returns/new", data={**form, "quarter": "3"})
    assert "2026 Q3 has not ended yet" in future.get_data(as_text=True)
    assert count(ContractReturn) == 0
    saved = client.post(
        "/contracts/OLD-FS-2024/returns/new", data={**form, "indicator_utilisation": "97"}
    )
    assert saved.status_code == 302
    assert count(ContractReturn) == 3


def _high_band(client: FlaskClient, reference: str) -> None:
    worst = {
        "factor_performance": "under",
        "factor_quality": "d",
        "factor_value_for_money": "poor",
        "factor_improvement": "not-addressed",
        "factor_track_record": "new",
        "factor_provider": "established",
        "reviewed_on": ["1", "6", "2026"],
    }
    assert client.post(f"/contracts/{reference}/priority", data=worst).status_code == 302


def test_meetings_are_scheduled_as_the_band_requires_and_record_notes_and_actions(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager, start_date=date(2026, 5, 1), end_date=date(2029, 4, 30))
    sign_in_as(client, manager)
    _high_band(client, contract.reference)
    db.session.refresh(contract)
    assert contract.priority_band == "high"
    url = f"/contracts/{contract.reference}/meetings/new"
    late = client.post(url, data={"scheduled_for": ["1", "9", "2026"]})
    assert "needs a meeting by 1 August 2026" in late.get_data(as_text=True)
    assert count(ContractMeeting) == 0
    assert client.post(url, data={"scheduled_for": ["20", "7", "2026"]}).status_code == 302
    second = client.post(url, data={"scheduled_for": ["21", "7", "2026"]})
    assert "A meeting is already scheduled" in second.get_data(as_text=True)
    meeting = db.session.scalar(select(ContractMeeting))
    assert meeting is not None and meeting.scheduled_for == date(2026, 7, 20)
    record = f"/contracts/{contract.reference}/meetings/{meeting.id}"
    future = client.post(record, data={"held_on": ["20", "7", "2026"], "notes": "Staffing"})
    assert "The meeting date must be today or earlier" in future.get_data(as_text=True)
    no_date = client.post(
        record,
        data={"held_on": ["12", "6", "2026"], "notes": "Staffing", "action": "Recruit"},
    )
    assert "Enter when the action is due" in no_date.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.held_on is None and count(ContractAction) == 0
    done = client.post(
        record,
        data={
            "held_on": ["12", "6", "2026"],
            "notes": "Service delivery: utilisation below target for two quarters.",
            "action": "Fill the two vacant support worker posts",
            "action_owner": "Provider's service manager",
            "action_due": ["31", "8", "2026"],
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert meeting.held_on == date(2026, 6, 12)
    action = db.session.scalar(select(ContractAction))
    assert action is not None and action.meeting_id == meeting.id
    assert (action.owner, action.due_on) == ("Provider's service manager", date(2026, 8, 31))
    page = client.get(f"/contracts/{contract.reference}").get_data(as_text=True)
    # High band: the next meeting is due 3 months after the one held.
    assert "The band needs one by 12 September 2026" in page
    assert "Fill the two vacant support worker posts" in page


def test_the_improvement_plan_keeps_owners_and_due_dates(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)
    sign_in_as(client, manager)
    url = f"/contracts/{contract.reference}/improvement-plan"
    refused = client.post(url, data={"description": "Support plans reviewed", "owner": ""})
    page = refused.get_data(as_text=True)
    assert "Enter who owns the action" in page and "Enter when the action is due" in page
    assert count(ContractAction) == 0
    form = {"description": "Review every support plan", "owner": "Team leader"}
    assert client.post(url, data={**form, "due_on": ["1", "6", "2026"]}).status_code == 302
    step = db.session.scalar(select(ContractAction))
    assert step is not None and step.improvement_plan
    assert "Overdue" in client.get(url).get_data(as_text=True)
    client.post(f"/contracts/{contract.reference}/actions/{step.id}/done")
    db.session.refresh(step)
    assert step.done_on == date(2026, 6, 15)
    assert "1 of 1 steps done" in client.get(f"/contracts/{contract.reference}").get_data(
        as_text=True
    )


def test_the_quality_grade_is_recorded_once_a_year(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)
    sign_in_as(client, manager)
    url = f"/contracts/{contract.reference}/quality"
    form = {"year": "2025", "grade": "C", "assessed_on": ["10", "3", "2026"]}
    refused = client.post(url, data={**form, "year": "2030"})
    assert "Enter a year from 2024 to 2026" in refused.get_data(as_text=True)
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data={**form, "grade": "B"}).status_code == 302
    grades = db.session.scalars(select(QualityGrade)).all()
    assert [(g.year, g.grade) for g in grades] == [(2025, "B")]


def test_a_contract_over_5_million_keeps_three_kpis_and_publishes_its_yearly_assessment(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    small = a_contract(manager, reference="SMALL-1")
    large = a_contract(manager, reference="LARGE-1", value=Decimal("6200000"))
    sign_in_as(client, manager)
    assert client.get(f"/contracts/{small.reference}/performance").status_code == 404
    targets = {"target_staffing": "100", "target_utilisation": "92", "target_throughput": "70"}
    refused = client.post(
        f"/contracts/{large.reference}/indicators", data={**targets, "remove": ["throughput"]}
    )
    assert "must keep at least 3 key performance indicators" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [i.code for i in large.indicators] == ["staffing", "utilisation", "throughput"]
    assert large.indicators[1].target == Decimal("95.0000")
    # Under £5 million an indicator may go; a new one with its target may be added.
    saved = client.post(
        f"/contracts/{small.reference}/indicators",
        data={
            **targets,
            "remove": ["throughput"],
            "new_code": "planned-moves",
            "new_title": "Planned moves on",
            "new_target": "75",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert [(i.code, i.target) for i in small.indicators] == [
        ("staffing", Decimal("100.0000")),
        ("utilisation", Decimal("92.0000")),
        ("planned-moves", Decimal("75.0000")),
    ]
    url = f"/contracts/{large.reference}/performance"
    ratings = {
        "rating_staffing": "good",
        "rating_utilisation": "approaching-target",
        "rating_throughput": "requires-improvement",
    }
    half = client.post(
        url,
        data={
            **ratings,
            "year": "2026",
            "assessed_on": ["1", "6", "2026"],
            "notice_id": "012345-2026",
        },
    )
    assert "Enter both the notice ID and the date it was published" in half.get_data(as_text=True)
    assert count(PerformanceAssessment) == 0
    done = client.post(
        url,
        data={
            **ratings,
            "year": "2026",
            "assessed_on": ["1", "6", "2026"],
            "notice_id": "012345-2026",
            "published_on": ["3", "6", "2026"],
        },
    )
    assert done.status_code == 302
    assessment = db.session.scalar(select(PerformanceAssessment))
    assert assessment is not None and assessment.ratings["throughput"] == "requires-improvement"
    page = client.get(f"/contracts/{large.reference}").get_data(as_text=True)
    assert "UK9 012345-2026 published 3 June 2026" in page
    assert "The next assessment is due by 1 June 2027" in page


def test_a_modification_records_its_ground_and_needs_a_uk10_above_10_percent(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager, start_date=date(2025, 4, 1), end_date=date(2028, 3, 31))
    sign_in_as(client, manager)
    url = f"/contracts/{contract.reference}/modifications/new"
    form = {"description": "Two more bed spaces", "effective_on": ["1", "6", "2026"]}
    refused = client.post(url, data={**form, "value_change": "90000"})
    assert "Select the ground that permits the modification" in refused.get_data(as_text=True)
    assert count(ContractChange) == 0
    small = client.post(url, data={**form, "ground": "unforeseeable", "value_change": "89999"})
    assert small.status_code == 302
    large = client.post(url, data={**form, "ground": "additional-supply", "value_change": "100000"})
    assert large.status_code == 302
    changes = db.session.scalars(select(ContractChange).order_by(ContractChange.id)).all()
    assert [(c.ground, c.notice_type) for c in changes] == [
        ("unforeseeable", None),
        ("additional-supply", "UK10"),
    ]
    db.session.refresh(contract)
    assert contract.value == Decimal("1089999.00")
    page = client.get(f"/contracts/{contract.reference}").get_data(as_text=True)
    assert "UK10 due by 1 June 2026" in page
    notice = f"/contracts/{contract.reference}/changes/{changes[1].id}/notice"
    assert (
        client.get(f"/contracts/{contract.reference}/changes/{changes[0].id}/notice").status_code
        == 404
    )
    assert (
        client.post(
            notice, data={"notice_id": "004567-2026", "published_on": ["1", "6", "2026"]}
        ).status_code
        == 302
    )
    db.session.refresh(changes[1])
    assert changes[1].notice_published_on == date(2026, 6, 1)


def test_a_modifications_change_in_value_is_checked_and_may_reduce_the_value(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)
    sign_in_as(client, manager)
    url = f"/contracts/{contract.reference}/modifications/new"
    form = {
        "description": "One fewer bed space",
        "ground": "unforeseeable",
        "effective_on": ["1", "6", "2026"],
    }
    refused = client.post(url, data={**form, "value_change": "a lot"})
    assert refused.status_code == 200
    assert "Amount must be a number in pounds" in refused.get_data(as_text=True)
    assert count(ContractChange) == 0
    reduced = client.post(url, data={**form, "value_change": "-20000"})
    assert reduced.status_code == 302
    assert reduced.headers["Location"].endswith(f"/contracts/{contract.reference}#changes")
    db.session.refresh(contract)
    assert contract.value == Decimal("880000.00")


def test_the_commissioning_body_takes_up_an_extension_and_the_end_date_moves(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    body = make_user(Role.COMMISSIONING_BODY)
    contract = a_contract(manager)
    sign_in_as(client, manager)
    url = f"/contracts/{contract.reference}/extensions/new"
    assert client.post(url, data={"description": "Targets met"}).status_code == 302
    again = client.post(url, data={"description": "Targets met"})
    assert "already asked" in again.get_data(as_text=True)
    change = db.session.scalar(select(ContractChange))
    assert change is not None and change.new_end_date == date(2028, 3, 31)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == body.id))
    assert message is not None and message.kind == "contract-extension-asked"
    # The contract manager cannot decide; the commissioning body can.
    decide = f"/contracts/{contract.reference}/extensions/{change.id}"
    assert client.get(decide).status_code == 403
    sign_in_as(client, body)
    assert contract.reference in client.get("/contracts/decisions").get_data(as_text=True)
    refused = client.post(decide, data={"decided_on": ["10", "6", "2026"]})
    assert "Select the commissioning body&#39;s decision" in refused.get_data(as_text=True)
    done = client.post(
        decide,
        data={
            "decision": "approved",
            "decided_on": ["10", "6", "2026"],
            "minute_reference": "CB 12",
        },
    )
    assert done.status_code == 302
    db.session.refresh(contract)
    assert contract.end_date == date(2028, 3, 31)
    assert client.get(decide).status_code == 404  # decided: nothing left to decide
    assert "Nothing is waiting" in client.get("/contracts/decisions").get_data(as_text=True)


def test_ending_a_contract_under_the_act_makes_a_uk11_due_within_30_days(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    old = a_contract(manager)
    new = a_contract(
        manager, reference="ACT-1", start_date=date(2025, 4, 1), end_date=date(2028, 3, 31)
    )
    sign_in_as(client, manager)
    for contract in (old, new):
        response = client.post(
            f"/contracts/{contract.reference}/termination",
            data={"reason": "The provider withdrew", "ended_on": ["31", "5", "2026"]},
        )
        assert response.status_code == 302
    found = {c.contract.reference: c for c in db.session.scalars(select(ContractChange))}
    assert found["OLD-FS-2024"].notice_type is None  # begun under PCR 2015
    assert (found["ACT-1"].notice_type, found["ACT-1"].notice_due) == ("UK11", date(2026, 6, 29))
    db.session.refresh(new)
    assert (new.status, new.end_date) == ("ended", date(2026, 5, 31))
    again = client.post(
        "/contracts/ACT-1/termination",
        data={"reason": "Again", "ended_on": ["1", "6", "2026"]},
    )
    assert "The contract has ended" in again.get_data(as_text=True)


def _kinds(kind: str) -> list[str]:
    return [
        m.subject
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    ]


def test_the_watcher_chases_a_missing_return_then_calls_it_overdue_once_each(
    app: Any, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)
    now = clock.now()
    outcome = contract_watch.watch(db.session, date(2026, 4, 10), now)
    assert outcome.returns_due == [contract.reference]
    contract_watch.watch(db.session, date(2026, 4, 11), now)
    assert _kinds("contract-return-due") == [
        "OLD-FS-2024: the 2026 Q1 return is due by 30 April 2026"
    ]
    assert contract_watch.watch(db.session, date(2026, 5, 1), now).returns_overdue == [
        contract.reference
    ]
    assert _kinds("contract-return-overdue") == ["OLD-FS-2024: the 2026 Q1 return is overdue"]
    # Once every indicator is returned, nothing is chased.
    for code in ("staffing", "utilisation", "throughput"):
        db.session.add(
            ContractReturn(
                contract_id=contract.id,
                year=2026,
                quarter=1,
                indicator=code,
                value=Decimal("99"),
                recorded_at=now,
            )
        )
    assert contract_watch.watch(db.session, date(2026, 5, 2), now).returns_overdue == []


def test_the_watcher_tells_the_manager_a_meeting_is_due_unless_one_is_scheduled(
    app: Any, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager, start_date=date(2026, 5, 1), end_date=date(2029, 4, 30))
    contract.priority_band = "high"  # meetings every 3 months: the first by 1 August 2026
    db.session.commit()
    now = clock.now()
    assert contract_watch.watch(db.session, date(2026, 7, 17), now).meetings_due == []
    assert contract_watch.watch(db.session, date(2026, 7, 18), now).meetings_due == [
        contract.reference
    ]
    assert _kinds("contract-meeting-due") == [
        "OLD-FS-2024: a contract management meeting is due by 1 August 2026"
    ]
    db.session.add(
        ContractMeeting(contract_id=contract.id, scheduled_for=date(2026, 7, 30), scheduled_at=now)
    )
    assert contract_watch.watch(db.session, date(2026, 7, 20), now).meetings_due == []


def test_the_watcher_prompts_re_procurement_12_9_and_6_months_before_the_end(
    app: Any, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager)  # ends 31 March 2027
    now = clock.now()
    assert contract_watch.watch(db.session, date(2026, 3, 30), now).expiring == []
    for day in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30), date(2026, 9, 30)):
        contract_watch.watch(db.session, day, now)
    assert _kinds("contract-expiry") == [
        "OLD-FS-2024 ends within 12 months, on 31 March 2027",
        "OLD-FS-2024 ends within 12 months, on 31 March 2027",
        "OLD-FS-2024 ends within 9 months, on 31 March 2027",
        "OLD-FS-2024 ends within 9 months, on 31 March 2027",
        "OLD-FS-2024 ends within 6 months, on 31 March 2027",
        "OLD-FS-2024 ends within 6 months, on 31 March 2027",
    ]
    recipients = {
        m.recipient_id
        for m in db.session.scalars(select(OutboxMessage))
        if m.kind == "contract-expiry"
    }
    assert recipients == {manager.id, contract.owner_id}


def test_the_contract_watcher_flow_runs_the_checks_and_reports_them(
    app: Any, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    a_contract(manager)
    outcome = watch_contracts.fn(now="2026-07-01T07:10:00+01:00")
    assert outcome["expiring"] == ["OLD-FS-2024"]
    assert outcome["returns_due"] == ["OLD-FS-2024"]  # 2026 Q2, due by 30 July
    assert outcome["messages"] == 3
    assert watch_contracts.fn(now="2026-07-01T08:10:00+01:00")["messages"] == 0


def test_starting_re_procurement_plans_a_procurement_back_from_the_contracts_end(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    contract = a_contract(None, entered_by=lead, end_date=date(2027, 9, 30))
    sign_in_as(client, lead)
    response = client.post(f"/contracts/{contract.reference}/reprocurement")
    assert response.status_code == 302
    db.session.refresh(contract)
    procurement = contract.reprocurement
    assert procurement is not None and procurement.stage == "planning"
    assert response.headers["Location"].endswith(f"/procurements/{procurement.reference}")
    assert procurement.lead_id == lead.id and procurement.districts[0].code == "fenland"
    rows = {r.stage: r for r in timetable_service.stage_dates(procurement, db.session)}
    last = rows[procurement.stages[-1]]
    # The new contract begins by the day after the old one ends, and not long before.
    assert date(2027, 9, 1) <= last.planned_start <= date(2027, 10, 1)
    assert procurement.start_date >= date(2026, 6, 15)
    again = client.post(f"/contracts/{contract.reference}/reprocurement")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Procurement.id))) == 1


def test_the_review_report_downloads_as_word_for_the_manager_and_the_body_asked(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    import docx

    manager = make_user(Role.CONTRACT_MANAGER, name="Casey Contract")
    body = make_user(Role.COMMISSIONING_BODY)
    contract = a_contract(manager)
    db.session.add(
        ContractReturn(
            contract_id=contract.id,
            year=2026,
            quarter=1,
            indicator="utilisation",
            value=Decimal("90"),
            recorded_at=clock.now(),
        )
    )
    db.session.commit()
    url = f"/contracts/{contract.reference}/review.docx"
    sign_in_as(client, body)
    assert client.get(url).status_code == 404  # not asked to decide anything
    sign_in_as(client, manager)
    response = client.get(url)
    assert response.status_code == 200
    word = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Contract review: Generic floating support, Fenland (OLD-FS-2024)" in text
    assert "utilisation in 1 of 1 quarters" in text
    assert word.inline_shapes, "the chart of indicators against targets is missing"
    client.post(f"/contracts/{contract.reference}/extensions/new", data={"description": "Good"})
    sign_in_as(client, body)
    assert client.get(url).status_code == 200


def test_the_migration_registers_contracts_awarded_before_it_and_downgrades(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import flask_migrate

    from tenderflow import create_app
    from tenderflow.models import Contract, ContractIndicator
    from tenderflow.paths import MIGRATIONS_DIR
    from tenderflow.services.reference_data import load_reference_data
    from tests.integration.conftest import a_database, backend_of, config_for
    from tests.integration.world import procurement_input

    with a_database(backend_of(database_url), tmp_path_factory) as url:
        app = create_app(config_for(url, tmp_path_factory.mktemp("files")))
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR), revision="0018t")
            load_reference_data(db.session)
            procurement = procurements_service.create_procurement(
                db.session, procurement_input(reference="AWARDED-1"), None, clock.now()
            )
            supplier = Bidder(
                procurement_id=procurement.id,
                name="Fen Edge Futures",
                registered_at=clock.now(),
                is_sme=True,
            )
            db.session.add(supplier)
            db.session.flush()
            db.session.add(
                Contract(
                    procurement_id=procurement.id,
                    supplier_id=supplier.id,
                    value=Decimal("45000"),
                    start_date=date(2026, 9, 1),
                    end_date=date(2029, 8, 31),
                    extension_options="None",
                    award_notice={},
                    awarded_at=clock.now(),
                )
            )
            db.session.commit()
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            entry = db.session.scalar(select(ManagedContract))
            assert entry is not None
            assert (entry.reference, entry.supplier_name, entry.value) == (
                "AWARDED-1",
                "Fen Edge Futures",
                Decimal("45000.00"),
            )
            assert (entry.supplier_is_sme, entry.districts) == (True, ["fenland"])
            assert entry.service_type == "floating-support"
            codes = db.session.scalars(
                select(ContractIndicator.code).where(ContractIndicator.contract_id == entry.id)
            ).all()
            assert sorted(codes) == ["staffing", "throughput", "utilisation"]
            db.session.remove()
            flask_migrate.downgrade(directory=str(MIGRATIONS_DIR), revision="0018t")
            assert db.session.scalar(select(func.count(Contract.id))) == 1
            db.session.remove()
        with app.app_context():
            db.engine.dispose()


def test_the_lead_completes_what_the_register_publishes_for_an_awarded_contract(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    contract = a_contract(None, entered_by=lead, department="", procurement_route="")
    sign_in_as(client, lead)
    url = f"/contracts/{contract.reference}/details"
    page = client.get(url).get_data(as_text=True)
    assert "Change the register details" in page
    form = {
        "description": "Floating support for adults in Fenland",
        "supplier_companies_house_number": "07654321",
        "supplier_ppon": "",
        "supplier_is_sme": "yes",
        "supplier_is_vcse": "unknown",
        "department": "Adult social care",
        "procurement_route": "Open tender",
    }
    refused = client.post(url, data={**form, "review_date": ["1", "1", "2020"]})
    assert "The review date must be after the start date" in refused.get_data(as_text=True)
    db.session.refresh(contract)
    assert contract.department == ""
    assert client.post(url, data={**form, "review_date": ["1", "4", "2026"]}).status_code == 302
    csv_text = client.get("/transparency/contracts.csv").get_data(as_text=True)
    assert "07654321" in csv_text
    assert ",2026-04-01,Adult social care,Open tender,Yes," in csv_text
    # Another lead may not change it.
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    assert client.post(url, data=form).status_code == 404
