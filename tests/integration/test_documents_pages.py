"""The Documents page: downloads of each document and its earlier versions, the zip, who may see it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest, PanelMember
from tenderflow.services import flow_runs
from tenderflow.services.documents import reports
from tests.integration.conftest import sign_in_as
from tests.integration.council_papers import AWKWARD, docx_text, load_histories, procurement
from tests.integration.documents_world import storage
from workflows.documents import generate_documents

PAGE = "/procurements/KCC-IDAS-2026/documents"


@pytest.fixture
def people(app: Any, make_user: Callable[..., Any]) -> dict[Role, Any]:
    """One person per role; the lead and the moderator are Kent's own (need to know)."""
    load_histories()
    found = {
        role: make_user(role, district="fenland" if role is Role.DISTRICT_OFFICER else None)
        for role in Role
    }
    kent = procurement("KCC-IDAS-2026")
    kent.lead_id = found[Role.PROCUREMENT_LEAD].id
    db.session.add(
        PanelMember(procurement_id=kent.id, user_id=found[Role.MODERATOR].id, role="moderator")
    )
    db.session.commit()
    return found


def write(kind: str, user: Any) -> list[Any]:
    kept = reports.generate(
        db.session,
        storage(),
        procurement("KCC-IDAS-2026"),
        kind,
        now=clock.now(),
        today=clock.today(),
        user=user,
    )
    db.session.commit()
    return kept


def test_the_page_lists_the_newest_of_each_document_with_earlier_versions(
    client: Any, people: dict[Role, Any]
) -> None:
    lead = people[Role.PROCUREMENT_LEAD]
    first = write("committee", lead)
    second = write("committee", lead)
    write("assessment-summaries", lead)
    sign_in_as(client, people[Role.COMMISSIONING_BODY])
    page = client.get(PAGE).get_data(as_text=True)
    assert "Report to the commissioning body" in page
    assert f"/documents/{second[0].id}" in page and "Earlier versions (1)" in page
    assert f"/documents/{first[0].id}" in page and first[0].sha256[:16] in page
    assert "Smith &amp; Jones &lt;Ltd&gt;" in page  # a bidder's summary, escaped on the page
    assert lead.name in page
    # The procurement page's Documents section links to the same downloads.
    section = client.get("/procurements/KCC-IDAS-2026").get_data(as_text=True)
    assert 'id="documents"' in section and f"/documents/{second[0].id}" in section


def test_a_download_is_the_kept_document(client: Any, people: dict[Role, Any]) -> None:
    (record,) = write("committee", people[Role.PROCUREMENT_LEAD])
    sign_in_as(client, people[Role.MODERATOR])
    response = client.get(f"{PAGE}/{record.id}")
    assert response.status_code == 200
    assert record.filename in response.headers["Content-Disposition"]
    assert "asked to approve" in docx_text(response.data)
    # A document of another procurement is not reachable through this one's address.
    assert client.get(f"/procurements/NCC-GY-FS-2026/documents/{record.id}").status_code == 404


def test_the_zip_holds_the_newest_version_of_every_document(
    client: Any, people: dict[Role, Any]
) -> None:
    sign_in_as(client, people[Role.ADMIN])
    empty = client.get(f"{PAGE}.zip")
    assert empty.status_code == 302  # nothing written yet: back to the page, which says so
    lead = people[Role.PROCUREMENT_LEAD]
    write("procurement-plan", lead)
    write("procurement-plan", lead)
    write("evaluation", lead)
    write("assessment-summaries", lead)
    response = client.get(f"{PAGE}.zip")
    assert response.status_code == 200
    names_in_zip = sorted(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert len(names_in_zip) == 1 + 2 + 7
    assert "KCC-IDAS-2026-procurement-plan.docx" in names_in_zip
    assert "KCC-IDAS-2026-assessment-summary-lot-1-Smith-Jones-Ltd.docx" in names_in_zip
    summary = zipfile.ZipFile(io.BytesIO(response.data)).read(
        "KCC-IDAS-2026-assessment-summary-lot-1-Smith-Jones-Ltd.docx"
    )
    assert AWKWARD in docx_text(summary)


def test_evaluators_and_districts_are_refused_and_readers_cannot_write(
    client: Any, people: dict[Role, Any]
) -> None:
    (record,) = write("committee", people[Role.PROCUREMENT_LEAD])
    for role in (Role.EVALUATOR, Role.DISTRICT_OFFICER, Role.PARTNERSHIP_OFFICER, Role.SP_SCORER):
        sign_in_as(client, people[role])
        assert client.get(PAGE).status_code == 403
        assert client.get(f"{PAGE}/{record.id}").status_code == 403
        assert client.get(f"{PAGE}.zip").status_code == 403
    sign_in_as(client, people[Role.COMMISSIONING_BODY])
    assert client.get(PAGE).status_code == 200  # asked for approval in the demo history
    assert client.post(PAGE).status_code == 403
    assert "Write all the documents" not in client.get(PAGE).get_data(as_text=True)


def test_asking_for_documents_records_a_request_and_returns_at_once(
    client: Any, people: dict[Role, Any]
) -> None:
    sign_in_as(client, people[Role.PROCUREMENT_LEAD])
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # server down
        response = client.post(f"{PAGE}/write/committee")
    assert response.status_code == 302
    request = db.session.scalar(select(FlowRunRequest))
    assert request.deployment == flow_runs.DOCUMENTS
    assert request.parameters["kinds"] == ["committee"]
    assert request.status == "queued"  # no Prefect server here: it waits, visibly
    page = client.get(PAGE).get_data(as_text=True)
    assert "Write the report to the commissioning body for KCC-IDAS-2026" in page
    assert f'data-flow-run-url="/runs/{request.id}"' in page
    # Asking again while it is waiting starts nothing new.
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        client.post(PAGE)
    assert len(db.session.scalars(select(FlowRunRequest)).all()) == 1
    assert client.post(f"{PAGE}/write/minutes").status_code == 404


def test_the_flow_writes_what_it_can_and_says_why_not_for_the_rest(
    client: Any, people: dict[Role, Any]
) -> None:
    needs = procurement("CCC-NEEDS-2027")
    outcome = generate_documents.fn(
        procurement_id=needs.id, kinds=["procurement-plan", "evaluation"], user_id=None
    )
    assert outcome["procurement-plan"]["refused"] == (
        "No procurement plan has been written for this procurement yet"
    )
    assert "not all been opened" in outcome["evaluation"]["refused"]
    kent = procurement("KCC-IDAS-2026")
    outcome = generate_documents.fn(
        procurement_id=kent.id, kinds=["committee"], user_id=people[Role.PROCUREMENT_LEAD].id
    )
    assert outcome["committee"] == {
        "files": ["KCC-IDAS-2026-committee-report.docx"],
        "refused": None,
    }
