"""The Notices page: status, preview in words, OCDS release, publication recorded; open data."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tenderflow.demo import load_demo
from tenderflow.extensions import db
from tenderflow.services import notices, users
from tenderflow.services.procurements import get_by_reference
from tests.integration.conftest import sign_in_as
from tests.ocds_validation import CORE, package_problems, release_problems, release_schema

LEAD = "lead@tenderflow.example"


@pytest.fixture
def demo(app: Any) -> None:
    load_demo(db.session, date(2026, 6, 15))
    db.session.commit()


def as_person(client: Any, email: str) -> None:
    person = users.find_by_email(db.session, email)
    assert person is not None
    sign_in_as(client, person)


def test_the_page_lists_each_notice_with_its_status_and_published_id(
    client: Any, demo: None
) -> None:
    as_person(client, "moderator@tenderflow.example")
    page = client.get("/procurements/KCC-IDAS-2026/notices").get_data(as_text=True)
    kent = get_by_reference(db.session, "KCC-IDAS-2026")
    assert kent is not None
    uk6 = notices.records(db.session, kent)["UK6"]
    assert "UK6: Contract award notice" in page
    assert uk6.published_id in page
    assert "If the procurement is abandoned" in page
    assert "85311000-2 Social work services with accommodation" in page
    assert "Change what the notices say" not in page  # the moderator reads only
    summary = client.get("/procurements/KCC-IDAS-2026").get_data(as_text=True)
    assert "Transparency notices" in summary and "2 published, 1 due, 0 overdue" in summary


def test_the_preview_says_the_notice_in_words_and_the_release_downloads(
    client: Any, demo: None
) -> None:
    as_person(client, LEAD)
    page = client.get("/procurements/KCC-IDAS-2026/notices/UK4").get_data(as_text=True)
    assert "Kent County Council" in page
    assert "GB-PPON PDEM-1001-KENT" in page
    assert "East Kent" in page and "Tendering period" in page
    response = client.get("/procurements/KCC-IDAS-2026/notices/UK4/release.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    release = json.loads(response.get_data(as_text=True))
    assert release["tender"]["documents"][0]["noticeType"] == "UK4"
    assert release_problems(release) == []
    assert client.get("/procurements/KCC-IDAS-2026/notices/UK99").status_code == 404


def test_the_lead_records_a_publication_and_errors_show_in_the_summary(
    client: Any, demo: None
) -> None:
    as_person(client, LEAD)
    url = "/procurements/CCC-NEEDS-2027/notices/UK7/publish"
    refused = client.post(url, data={"published_id": "", "published_on": ["1", "7", "2026"]})
    page = refused.get_data(as_text=True)
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page and "Enter the notice ID" in page
    future = client.post(
        url, data={"published_id": "004567-2026", "published_on": ["1", "7", "2026"]}
    )
    assert "The date published must be today or in the past" in future.get_data(as_text=True)
    needs = get_by_reference(db.session, "CCC-NEEDS-2027")
    assert needs is not None and notices.records(db.session, needs) == {}

    done = client.post(
        url, data={"published_id": "004567-2026", "published_on": ["12", "6", "2026"]}
    )
    assert done.status_code == 302
    [uk7] = notices.notices_of(db.session, needs, date(2026, 6, 15))
    assert (uk7.status, uk7.published_id, uk7.published_on) == (
        "published",
        "004567-2026",
        date(2026, 6, 12),
    )


def test_the_lead_says_what_the_notices_give(client: Any, demo: None) -> None:
    as_person(client, LEAD)
    url = "/procurements/CCC-NEEDS-2027/notices/details"
    refused = client.post(url, data={"buyer_name": "", "ocid_prefix": "bad"})
    page = refused.get_data(as_text=True)
    assert "Enter the buyer&#39;s name" in page or "Enter the buyer's name" in page
    assert "Enter an OCID prefix like ocds-a1b2c3" in page
    saved = client.post(
        url,
        data={
            "cpv_codes": ["85320000-8", "85321000-5"],
            "delivery_regions": ["TLH12"],
            "suitable_for_sme": "yes",
            "suitable_for_vcse": "no",
            "buyer_name": "Cambridgeshire County Council",
            "buyer_ppon": "PDEM-2002-CAMB",
            "buyer_coh": "",
            "ocid_prefix": "ocds-a1b2c3",
        },
    )
    assert saved.status_code == 302
    needs = get_by_reference(db.session, "CCC-NEEDS-2027")
    assert needs is not None
    assert needs.cpv_codes == ["85320000-8", "85321000-5"]
    assert (needs.suitable_for_sme, needs.suitable_for_vcse) == (True, False)
    assert needs.buyer_identifiers == {"GB-PPON": "PDEM-2002-CAMB"}
    release = notices.release_of(db.session, needs, "UK7", date(2026, 6, 15))
    assert release is not None and release["ocid"] == "ocds-a1b2c3-CCC-NEEDS-2027"


def test_published_notices_are_open_data_in_pages_and_records_are_compiled_by_ocdsmerge(
    client: Any, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tenderflow.web.notices import ocds

    monkeypatch.setattr(ocds, "PAGE_SIZE", 4)
    first = client.get("/ocds/releases.json").get_json()  # nobody signed in: public
    assert len(first["releases"]) == 4 and first["links"]["next"].endswith("page=2")
    assert package_problems(first) == []
    second = client.get("/ocds/releases.json?page=2").get_json()
    assert second["links"]["prev"].endswith("page=1")
    seen = {r["id"] for r in first["releases"]} & {r["id"] for r in second["releases"]}
    assert seen == set()
    assert client.get("/ocds/releases.json?page=99").status_code == 404

    response = client.get("/ocds/records/ocds-tfdemo-KCC-IDAS-2026.json")
    package = response.get_json()
    [record] = package["records"]
    assert [r["tag"] for r in record["releases"]] == [["tender"], ["award"]]
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["awards"][0]["suppliers"] and compiled["tender"]["lots"]
    assert release_problems(compiled) == []
    record_schema = json.loads((CORE / "record-package-schema.json").read_text())
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schema = release_schema()
    registry = Registry().with_resource(schema["id"], Resource(schema, specification=DRAFT4))
    errors = [
        e.message
        for e in Draft4Validator(record_schema, registry=registry).iter_errors(package)
        if "versioned-release" not in e.message
    ]
    assert errors == []
    assert client.get("/ocds/records/ocds-tfdemo-CCC-NEEDS-2027.json").status_code == 404


def test_the_lead_gives_a_suppliers_identifiers_and_the_award_notice_carries_them(
    client: Any, demo: None
) -> None:
    as_person(client, LEAD)
    kent = get_by_reference(db.session, "KCC-IDAS-2026")
    assert kent is not None
    winner = notices.suppliers_of(db.session, kent)[0]
    page = client.get("/procurements/KCC-IDAS-2026/notices").get_data(as_text=True)
    assert winner.name in page and "GB-COH " in page
    url = f"/procurements/KCC-IDAS-2026/notices/suppliers/{winner.id}"
    refused = client.post(url, data={"companies_house_number": "12", "is_sme": "yes"})
    assert "Enter a Companies House number of 8 letters or digits" in refused.get_data(as_text=True)
    saved = client.post(
        url,
        data={
            "companies_house_number": "ab123456",
            "ppon": "PDEM-3003-SUPP",
            "is_sme": "no",
            "is_vcse": "unknown",
        },
    )
    assert saved.status_code == 302
    release = notices.release_of(db.session, kent, "UK6", date(2026, 6, 15))
    assert release is not None
    party = next(p for p in release["parties"] if p["name"] == winner.name)
    assert party["identifier"]["id"] == "AB123456"
    assert party["additionalIdentifiers"] == [{"scheme": "GB-PPON", "id": "PDEM-3003-SUPP"}]
    assert party["details"] == {"scale": "large"}
    other = notices.suppliers_of(db.session, get_by_reference(db.session, "NCC-GY-FS-2026"))[0]
    assert (
        client.get(f"/procurements/KCC-IDAS-2026/notices/suppliers/{other.id}").status_code == 404
    )


def test_every_demo_procurements_notices_and_previews_open_for_its_lead(
    client: Any, demo: None
) -> None:
    from sqlalchemy import select

    from tenderflow.models import Procurement

    as_person(client, LEAD)
    opened = 0
    for procurement in db.session.scalars(select(Procurement)):
        base = f"/procurements/{procurement.reference}"
        assert client.get(base).status_code == 200, procurement.reference
        assert client.get(f"{base}/notices").status_code == 200, procurement.reference
        for n in notices.notices_of(db.session, procurement, date(2026, 6, 15)):
            response = client.get(f"{base}/notices/{n.notice_type}")
            assert response.status_code == 200, (procurement.reference, n.notice_type)
            assert n.title in response.get_data(as_text=True)
            opened += 1
    assert opened >= 20
