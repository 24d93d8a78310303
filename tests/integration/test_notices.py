"""Transparency notices: the demo's notices, the command line, the gates and their OCDS."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow import clock
from tenderflow.cli import main
from tenderflow.demo import load_demo
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import Procurement
from tenderflow.services import notices, timetable
from tenderflow.services.gates import unmet_conditions
from tenderflow.services.notices import open_data
from tenderflow.services.procurements import get_by_reference
from tests.integration.timetable_data import national_procurement
from tests.ocds_validation import package_problems, release_problems

GATES = "tenderflow.services.notices.gates"


@pytest.fixture
def demo(app: Any) -> None:
    load_demo(db.session, date(2026, 6, 15))
    db.session.commit()


def by_type(reference: str) -> dict[str, Any]:
    procurement = get_by_reference(db.session, reference)
    assert procurement is not None
    return {n.notice_type: n for n in notices.notices_of(db.session, procurement, clock.today())}


def test_kent_in_standstill_has_its_tender_and_award_notices_published(demo: None) -> None:
    kent = by_type("KCC-IDAS-2026")
    assert kent["UK4"].status == "published" and kent["UK4"].published_id
    assert kent["UK6"].status == "published" and kent["UK6"].published_on is not None
    assert kent["UK7"].status == "due" and kent["UK7"].due is None
    assert kent["UK12"].status == "if-needed"


def test_the_invited_needs_assessment_has_no_tender_notice_and_its_details_notice_to_come(
    demo: None,
) -> None:
    needs = by_type("CCC-NEEDS-2027")
    assert list(needs) == ["UK7"]
    assert needs["UK7"].status == "due"


def test_every_notice_of_every_demo_procurement_is_a_valid_ocds_release(demo: None) -> None:
    checked = 0
    for procurement in db.session.scalars(select(Procurement).order_by(Procurement.reference)):
        for n in notices.notices_of(db.session, procurement, clock.today()):
            release = notices.release_of(db.session, procurement, n.notice_type, clock.today())
            assert release is not None
            assert release_problems(release) == [], (procurement.reference, n.notice_type)
            checked += 1
        package = open_data.procurement_package(db.session, procurement, clock.today())
        if package["releases"]:
            assert package_problems(package) == [], procurement.reference
    assert checked >= 20


def test_the_kent_award_notice_names_the_buyer_suppliers_and_cpv_codes(demo: None) -> None:
    kent = get_by_reference(db.session, "KCC-IDAS-2026")
    assert kent is not None
    release = notices.release_of(db.session, kent, "UK6", clock.today())
    assert release is not None
    assert release["ocid"] == "ocds-tfdemo-KCC-IDAS-2026"
    assert release["parties"][0]["identifier"]["scheme"] == "GB-PPON"
    assert {p["roles"][0] for p in release["parties"]} == {"buyer", "supplier"}
    assert release["tender"]["items"][0]["classification"]["id"] == "85311000"
    assert [a["relatedLots"] for a in release["awards"]] == [["1"], ["2"]]
    # East Kent's £1.9 million a year over three years and two of extension.
    assert release["tender"]["lots"][0]["value"] == {"amount": 9500000, "currency": "GBP"}
    assert release["awards"][0]["documents"][0]["noticeType"] == "UK6"


def test_the_command_line_lists_the_notices_and_prints_a_release_package(
    demo: None,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["notices", "KCC-IDAS-2026", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert set(listed[0]) == {"notice_type", "status", "due", "published_id", "published_on"}
    assert {(n["notice_type"], n["status"]) for n in listed} >= {
        ("UK4", "published"),
        ("UK6", "published"),
    }
    assert main(["notices", "KCC-IDAS-2026", "--ocds"]) == 0
    package = json.loads(capsys.readouterr().out)
    assert package["version"] == "1.1"
    assert {"uri", "publisher", "publishedDate", "releases"} <= set(package)
    assert main(["notices", "CCC-FORUM-VENUE", "--ocds"]) == 2
    assert capsys.readouterr().err.strip() == "Error: CCC-FORUM-VENUE needs no notices"
    assert main(["notices", "NO-SUCH-REF", "--json"]) == 2
    assert capsys.readouterr().err.strip() == "Error: no procurement with reference 'NO-SUCH-REF'"
    assert package_problems(package) == []  # last: it needs the official schemas


def test_the_standstill_waits_for_the_award_notice_and_counts_from_its_publication(
    app: Any, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    now = clock.now()
    [unmet] = unmet_conditions(db.session, procurement, "standstill", now, only=GATES)
    assert unmet.startswith("Record the contract award notice (UK6) as published")
    published = date(2026, 6, 10)
    errors = notices.record_publication(
        db.session, procurement, "UK6", "000321-2026", published, lead, now
    )
    assert errors == []
    assert unmet_conditions(db.session, procurement, "standstill", now, only=GATES) == []
    assert timetable.standstill_counts_from(db.session, procurement, date(2026, 6, 15)) == published


def test_a_publication_in_the_future_or_without_an_id_is_refused(app: Any, make_user: Any) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    errors = notices.record_publication(
        db.session, procurement, "UK6", " ", date(2026, 7, 1), lead, clock.now()
    )
    assert errors == [
        "Enter the Find a Tender notice ID",
        "The date published must be today or in the past",
    ]
    assert notices.records(db.session, procurement) == {}
    assert notices.record_publication(
        db.session, procurement, "UK5", "1", date(2026, 6, 1), lead, clock.now()
    ) == [f"{procurement.reference} has no notice UK5"]


def test_a_direct_award_cannot_proceed_before_its_transparency_notice(
    app: Any, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, reference="TT-DA-1")
    procurement.route = "direct-award"
    procurement.decision = {
        **procurement.decision,
        "route": "direct-award",
        "direct_award": "extreme-urgency",
        "standstill": None,
        "notices": ["transparency notice", "contract details notice"],
        "conditional_notices": [],
    }
    procurement.stage = "planning"
    db.session.commit()
    [unmet] = unmet_conditions(db.session, procurement, "award", clock.now(), only=GATES)
    assert "transparency notice (UK5)" in unmet and "s.44" in unmet
    assert (
        notices.record_publication(
            db.session, procurement, "UK5", "000777-2026", date(2026, 6, 12), lead, clock.now()
        )
        == []
    )
    assert unmet_conditions(db.session, procurement, "award", clock.now(), only=GATES) == []
    release = notices.release_of(db.session, procurement, "UK5", clock.today())
    assert release is not None and release["tender"]["procurementMethod"] == "direct"
    assert release_problems(release) == []


def test_a_procurement_below_the_notice_limits_needs_no_award_notice_before_standstill(
    app: Any, make_user: Any
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, reference="TT-LOW-1")
    procurement.decision = {**procurement.decision, "notices": ["contract details notice"]}
    db.session.commit()
    assert unmet_conditions(db.session, procurement, "standstill", clock.now(), only=GATES) == []
    assert Decimal(procurement.whole_life_value) > 0


def test_an_advertised_tender_under_pcr_2015_needs_its_contracts_finder_notices(
    app: Any, make_user: Any
) -> None:
    from tenderflow.services import procurements
    from tests.integration.world import procurement_input

    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(
            reference="TT-PCR-1", value=Decimal("100000"), start_date=date(2024, 6, 3)
        ),
        lead,
        clock.now(),
    )
    db.session.commit()
    assert procurement.national_regime == "pcr-2015"
    found = notices.notices_of(db.session, procurement, clock.today())
    assert [n.notice_type for n in found] == ["CF-OPPORTUNITY", "CF-AWARD"]
    for n in found:
        release = notices.release_of(db.session, procurement, n.notice_type, clock.today())
        assert release is not None and release_problems(release) == []
