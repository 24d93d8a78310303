"""A contract's published change and termination notices as open data, on each database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from tenderflow import clock
from tenderflow.domain.contract_changes import GROUNDS
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import ContractChange, ManagedContract
from tenderflow.services import notices
from tenderflow.services.contracts import changes as contract_changes
from tenderflow.services.contracts import ocds as contract_ocds
from tenderflow.services.contracts import performance as contract_performance
from tenderflow.services.notices import open_data
from tests.integration.conftest import sign_in_as
from tests.integration.test_contracts import a_contract
from tests.integration.timetable_data import national_procurement
from tests.ocds_validation import package_problems, release_problems


def test_a_published_change_notice_is_served_as_a_contract_amendment_release(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager, start_date=date(2025, 4, 1), end_date=date(2028, 3, 31))
    opendata = f"/ocds/contracts/{contract.reference}/releases.json"
    sign_in_as(client, manager)
    made = client.post(
        f"/contracts/{contract.reference}/modifications/new",
        data={
            "description": "Two more bed spaces",
            "effective_on": ["1", "6", "2026"],
            "ground": "additional-supply",
            "value_change": "100000",
        },
    )
    assert made.status_code == 302
    change = db.session.query(ContractChange).one()
    assert change.notice_type == "UK10"
    # Until its publication is recorded, nothing about the change is public.
    assert client.get(opendata).status_code == 404
    recorded = client.post(
        f"/contracts/{contract.reference}/changes/{change.id}/notice",
        data={"notice_id": "004567-2026", "published_on": ["1", "6", "2026"]},
    )
    assert recorded.status_code == 302
    with client.session_transaction() as session:
        session.clear()

    response = client.get(opendata)
    assert response.status_code == 200
    package = response.get_json()
    (release,) = package["releases"]
    assert release["ocid"] == "ocds-tfdemo-OLD-FS-2024"
    assert release["tag"] == ["contractAmendment"]
    assert release["date"] == "2026-06-01T00:00:00Z"
    (entry,) = release["contracts"]
    assert entry["value"] == {"amount": 1000000, "currency": "GBP"}
    (amendment,) = entry["amendments"]
    assert amendment["rationale"] == GROUNDS["additional-supply"]
    assert amendment["description"] == (
        "Two more bed spaces. The value changes by +£100,000.00 to £1,000,000.00."
    )
    assert [d["noticeType"] for d in entry["documents"]] == ["UK10"]
    record = client.get("/ocds/records/ocds-tfdemo-OLD-FS-2024.json")
    assert record.status_code == 200
    assert record.get_json()["records"][0]["compiledRelease"]["contracts"][0]["amendments"] == [
        amendment
    ]
    assert client.get("/ocds/contracts/NO-SUCH-REF/releases.json").status_code == 404
    # The release package of every published notice carries it too.
    assert client.get("/ocds/releases.json").get_json()["releases"] == [release]
    assert package_problems(package) == []  # last: it needs the official schemas


def test_a_contract_from_a_procurement_joins_its_record_when_terminated(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    contract = ManagedContract(
        reference=procurement.reference,
        title="Floating support for Fenland",
        supplier_name="Fen Edge Support",
        supplier_companies_house_number="01234567",
        value=Decimal("900000"),
        start_date=date(2025, 4, 1),
        end_date=date(2028, 3, 31),
        procurement_id=procurement.id,
        owner_id=lead.id,
        created_at=clock.now(),
    )
    db.session.add(contract)
    db.session.flush()
    ended = contract_changes.terminate(
        db.session, contract, "The service moved in-house", date(2026, 5, 31), lead, clock.now()
    )
    assert ended.notice_type == "UK11"
    contract_changes.record_notice(
        db.session, ended, "005001-2026", date(2026, 6, 10), clock.today()
    )
    db.session.commit()

    ocid = notices.ocds_facts_ocid(procurement)
    package = open_data.procurement_package(db.session, procurement, clock.today())
    ending = [r for r in package["releases"] if r["tag"] == ["contractTermination"]]
    assert [(r["ocid"], r["id"]) for r in ending] == [(ocid, f"{ocid}-UK11-005001-2026")]
    # The paged package of every published notice: the procurement's, then the contracts'.
    everything, total = open_data.published_releases(db.session, 0, 100)
    assert total == 1 and everything == ending
    assert open_data.published_releases(db.session, 1, 100) == ([], 1)
    response = client.get(f"/ocds/records/{ocid}.json")
    assert response.status_code == 200
    compiled = response.get_json()["records"][0]["compiledRelease"]
    (entry,) = compiled["contracts"]
    assert (entry["id"], entry["status"]) == (f"{procurement.reference}-C1", "terminated")
    assert entry["period"]["endDate"] == "2026-05-31T23:00:00Z"
    assert compiled["parties"][1]["identifier"]["id"] == "01234567"
    assert release_problems(ending[0]) == []


def test_a_published_yearly_assessment_is_an_implementation_release_with_its_kpis(
    make_user: Callable[..., Any],
) -> None:
    manager = make_user(Role.CONTRACT_MANAGER)
    contract = a_contract(manager, reference="LARGE-1", value=Decimal("6200000"))
    ratings = {"staffing": "good", "utilisation": "approaching-target", "throughput": "inadequate"}
    unpublished = contract_performance.record_assessment(
        db.session,
        contract,
        2025,
        ratings,
        date(2025, 5, 1),
        "",
        None,
        manager,
        clock.today(),
        clock.now(),
    )
    assert unpublished.notice_id is None
    assert contract_ocds.contract_releases(db.session, contract) == []
    contract_performance.record_assessment(
        db.session,
        contract,
        2026,
        ratings,
        date(2026, 6, 1),
        "004100-2026",
        date(2026, 6, 8),
        manager,
        clock.today(),
        clock.now(),
    )
    (release,) = contract_ocds.contract_releases(db.session, contract)
    assert (release["ocid"], release["tag"]) == ("ocds-tfdemo-LARGE-1", ["implementation"])
    milestones = release["contracts"][0]["implementation"]["milestones"]
    assert [(m["id"], m["status"]) for m in milestones] == [
        ("2026-staffing", "met"),
        ("2026-throughput", "notMet"),
        ("2026-utilisation", "partiallyMet"),
    ]
    assert milestones[2]["description"] == "Rated approaching target (target 95%)"
    assert release_problems(release) == []


def test_a_contract_notice_is_recorded_once_on_the_contract_not_again_on_its_procurement(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    db.session.add(
        ManagedContract(
            reference="FS-CONTRACT-1",
            title="Floating support for Fenland",
            supplier_name="Fen Edge Support",
            value=Decimal("900000"),
            start_date=date(2025, 4, 1),
            end_date=date(2028, 3, 31),
            procurement_id=procurement.id,
            owner_id=lead.id,
            created_at=clock.now(),
        )
    )
    db.session.flush()
    for code in notices.CONTRACT_NOTICES:
        errors = notices.record_publication(
            db.session, procurement, code, "005002-2026", date(2026, 6, 10), lead, clock.now()
        )
        assert errors == [
            f"Record the {code} on the page of contract FS-CONTRACT-1 in the contract register: "
            "its notices are kept with the contract"
        ]
    assert notices.records(db.session, procurement) == {}
