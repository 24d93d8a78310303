"""District council officers: their own schemes only, drafts, submission checks, spreadsheets."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalAttachment, CapitalScheme
from tests.capital_data import complete_answers
from tests.integration.capital_world import PDF, a_round, a_scheme
from tests.integration.conftest import sign_in_as
from tests.integration.test_capital_journey import filled_template, form_data


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "admin": make_user(Role.ADMIN),
        "fenland": make_user(Role.DISTRICT_OFFICER, district="fenland"),
        "hunts": make_user(Role.DISTRICT_OFFICER, district="huntingdonshire"),
        "kent": make_user(Role.DISTRICT_OFFICER, district="ashford"),
    }


def count_schemes() -> int:
    return db.session.scalar(select(func.count(CapitalScheme.id))) or 0


def test_submitting_an_incomplete_scheme_lists_every_missing_answer_and_submits_nothing(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    sign_in_as(client, people["fenland"])
    response = client.post(
        f"/capital/rounds/{round_.id}/schemes/new",
        data={"scheme_name": "Chatteris move-on flats", "units": "six", "action": "draft"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in page
    assert "Number of units must be a whole number, like 12" in page
    assert count_schemes() == 0

    client.post(
        f"/capital/rounds/{round_.id}/schemes/new",
        data={"scheme_name": "Chatteris move-on flats", "units": "6", "action": "draft"},
    )
    scheme = db.session.scalar(select(CapitalScheme))
    assert scheme is not None and scheme.status == st.DRAFT and scheme.units == 6

    response = client.post(f"/capital/schemes/{scheme.id}/submit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page and "govuk-error-summary" in page
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    for message in (
        "Enter the provider",
        "Select the client group",
        "Enter the capital sought",
        "Enter the expected service start date",
        "Select yes if revenue funding has been identified for the support",
        "Enter the evidence of need",
    ):
        assert message in summary
    assert f'href="/capital/schemes/{scheme.id}/edit#provider"' in summary
    assert f'href="/capital/schemes/{scheme.id}/edit#start_date-day"' in summary
    db.session.expire_all()
    assert scheme.status == st.DRAFT and scheme.submitted_at is None


def test_a_submitted_scheme_is_locked(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Whittlesey refuge")
    sign_in_as(client, people["fenland"])
    response = client.post(
        f"/capital/schemes/{scheme.id}/edit",
        data=form_data(complete_answers(scheme_name="Changed")),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert scheme.name == "Whittlesey refuge"


SCHEME_URLS = [
    ("GET", "/capital/schemes/{id}"),
    ("GET", "/capital/schemes/{id}/edit"),
    ("POST", "/capital/schemes/{id}/edit"),
    ("GET", "/capital/schemes/{id}/submit"),
    ("POST", "/capital/schemes/{id}/submit"),
    ("POST", "/capital/schemes/{id}/withdraw"),
    ("GET", "/capital/schemes/{id}/documents"),
    ("POST", "/capital/schemes/{id}/documents"),
    ("GET", "/capital/schemes/{id}/documents/{attachment}"),
    ("POST", "/capital/schemes/{id}/documents/{attachment}/remove"),
]


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_a_district_officer_can_never_reach_another_districts_scheme(
    app: Any, client: FlaskClient, people: dict[str, Any], submitted: bool
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer", submit=False)
    sign_in_as(client, people["fenland"])
    client.post(
        f"/capital/schemes/{scheme.id}/documents",
        data={"file": (io.BytesIO(PDF), "site-plan.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalar(select(CapitalAttachment))
    assert attachment is not None
    if submitted:
        client.post(f"/capital/schemes/{scheme.id}/submit")
    before = dict(scheme.answers), scheme.status

    for outsider in (people["hunts"], people["kent"]):
        sign_in_as(client, outsider)
        for method, pattern in SCHEME_URLS:
            url = pattern.format(id=scheme.id, attachment=attachment.id)
            response = client.open(url, method=method, data=form_data(complete_answers()))
            assert response.status_code in (403, 404), f"{outsider.email} reached {method} {url}"
            assert "Wisbech foyer" not in response.get_data(as_text=True)
        listing = client.get("/capital/schemes").get_data(as_text=True)
        assert "Wisbech foyer" not in listing
    db.session.expire_all()
    assert (dict(scheme.answers), scheme.status) == before
    assert db.session.get(CapitalAttachment, attachment.id) is not None


def test_a_district_outside_the_rounds_county_cannot_start_a_scheme(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    sign_in_as(client, people["kent"])
    assert "Capital bid round" not in client.get("/capital/schemes").get_data(as_text=True)
    assert client.get(f"/capital/rounds/{round_.id}/schemes/new").status_code == 404
    assert client.get(f"/capital/rounds/{round_.id}/template.xlsx").status_code == 404
    assert client.get(f"/capital/rounds/{round_.id}/import").status_code == 404


def test_documents_are_checked_by_content_and_kept_outside_the_web_root(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "March hostel", submit=False)
    sign_in_as(client, people["fenland"])
    response = client.post(
        f"/capital/schemes/{scheme.id}/documents",
        data={"file": (io.BytesIO(b"MZ\x90\x00 a program"), "needs-analysis.pdf")},
        content_type="multipart/form-data",
    )
    assert "The selected file must be a PDF, Word, Excel, PNG or JPEG file" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(CapitalAttachment.id))) == 0

    client.post(
        f"/capital/schemes/{scheme.id}/documents",
        data={"file": (io.BytesIO(PDF), "../needs analysis.exe")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalar(select(CapitalAttachment))
    assert attachment is not None and attachment.kind == "pdf"
    assert attachment.filename == "needs analysis.pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / "capital" / attachment.stored_name
    assert stored.read_bytes() == PDF
    download = client.get(f"/capital/schemes/{scheme.id}/documents/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]


def test_a_spreadsheet_with_any_bad_entry_is_refused_whole_listing_every_problem(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    sign_in_as(client, people["hunts"])
    rows = [
        complete_answers(scheme_name="St Ives refuge", district="Huntingdonshire"),
        complete_answers(scheme_name="Ramsey foyer", district="Fenland", units="lots", provider=""),
        complete_answers(
            scheme_name="St Ives refuge", district="Huntingdonshire", capital_sought=-5
        ),
    ]
    workbook = filled_template(client, round_.id, rows)
    response = client.post(
        f"/capital/rounds/{round_.id}/import",
        data={"file": (io.BytesIO(workbook), "schemes.xlsx"), "after": "submit"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in page
    table = page.split('data-testid="import-problems"')[1]
    cells = [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    ]
    problems = [tuple(cells[i : i + 4]) for i in range(0, len(cells), 4)]
    assert (
        "Schemes",
        "3",
        "B (district)",
        "District council must be your own district",
    ) in problems
    assert ("Schemes", "3", "C (provider)", "Enter the provider") in problems
    assert (
        "Schemes",
        "3",
        "G (units)",
        "Number of units must be a whole number, like 12",
    ) in problems
    assert ("Schemes", "4", "I (capital_sought)", "Capital sought must be more than £0") in problems
    assert any(
        p[1] == "4" and "the same scheme name is on sheet Schemes, row 2" in p[3] for p in problems
    )
    assert count_schemes() == 0  # nothing written, not even the good row


def test_a_file_that_is_not_a_workbook_is_refused(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    sign_in_as(client, people["hunts"])
    response = client.post(
        f"/capital/rounds/{round_.id}/import",
        data={"file": (io.BytesIO(b"scheme,units\nA,3\n"), "schemes.xlsx")},
        content_type="multipart/form-data",
    )
    assert "The file must be an Excel workbook (.xlsx)" in response.get_data(as_text=True)
    assert count_schemes() == 0


def test_a_good_spreadsheet_saves_drafts_and_updates_matching_drafts(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    existing = a_scheme(round_, people["hunts"], "St Ives refuge", submit=False, units="3")
    sign_in_as(client, people["hunts"])
    rows = [
        complete_answers(scheme_name="St Ives refuge", district="", units=9),
        complete_answers(
            scheme_name="Huntingdon offenders' hostel",
            district="huntingdonshire",
            client_group="Offenders or people at risk of offending",
        ),
    ]
    response = client.post(
        f"/capital/rounds/{round_.id}/import",
        data={
            "file": (io.BytesIO(filled_template(client, round_.id, rows)), "s.xlsx"),
            "after": "draft",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert count_schemes() == 2
    assert existing.units == 9 and existing.status == st.DRAFT
    hostel = db.session.scalar(select(CapitalScheme).where(CapitalScheme.name.like("Huntingdon%")))
    assert hostel is not None and hostel.client_group == "offenders"
    assert hostel.district.code == "huntingdonshire" and hostel.status == st.DRAFT


def test_the_template_is_generated_from_the_rounds_matrix(
    app: Any, client: FlaskClient, people: dict[str, Any]
) -> None:
    round_ = a_round(people["admin"])
    sign_in_as(client, people["fenland"])
    response = client.get(f"/capital/rounds/{round_.id}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Schemes", "Lists", "Guidance"]
    headers = [cell.value for cell in book["Schemes"][1]]
    assert headers[0] == "Scheme name [scheme_name]"
    assert "Evidence of need [criterion_evidence_of_need]" in headers
    assert book["Schemes"]["B2"].value == "Fenland"
    assert book["Schemes"].data_validations.dataValidation  # drop-down lists for the choices


def test_a_returned_scheme_shows_the_comments_and_can_be_resubmitted_after_the_deadline(
    app: Any, client: FlaskClient, people: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    sign_in_as(client, make_user(Role.PARTNERSHIP_OFFICER))
    missing = client.post(f"/capital/schemes/{scheme.id}/check", data={"outcome": "return"})
    assert "Enter what the district needs to correct" in missing.get_data(as_text=True)
    assert scheme.status == st.SUBMITTED
    client.post(
        f"/capital/schemes/{scheme.id}/check",
        data={"outcome": "return", "comments": "Add the site plan."},
    )
    round_.status = st.ROUND_CLOSED
    db.session.commit()

    sign_in_as(client, people["fenland"])
    page = client.get(f"/capital/schemes/{scheme.id}").get_data(as_text=True)
    assert "Returned by the partnership" in page and "Add the site plan." in page
    listing = client.get("/capital/schemes").get_data(as_text=True)
    assert '<p class="govuk-body-s govuk-!-margin-top-2">Add the site plan.</p>' in listing
    check = client.get(f"/capital/schemes/{scheme.id}/submit").get_data(as_text=True)
    for shown in (page, listing, check):
        assert "&lt;p" not in shown  # the page's own markup is never shown as text
    assert client.post(f"/capital/schemes/{scheme.id}/submit").status_code == 302
    db.session.expire_all()
    assert scheme.status == st.SUBMITTED
    assert [c.outcome for c in scheme.checks] == ["return"]
