"""A procurement lead creates a procurement, seeing the route decision before saving."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, Procurement
from tenderflow.services import timetable
from tests.integration.conftest import sign_in_as

VALID = {
    "title": "Floating support for Fenland",
    "reference": "ccc-fs-2026",
    "description": "Generic floating support across Fenland.",
    "rule_set": "cambridgeshire-2008",
    "service_type": "floating-support",
    "client_group": "generic",
    "districts": ["fenland", "huntingdonshire"],
    "value": "45,000",
    "value_basis": "whole-life",
    "term_years": "3",
    "extension_years": "0",
    "vat_rate": "0.20",
    "category": "services",
    "authority_type": "sub-central",
    "start_date": ["1", "6", "2026"],
    "exemption": "",
}


def _count() -> int:
    return db.session.scalar(select(func.count(Procurement.id))) or 0


def _lead(client: FlaskClient, make_user: Callable[..., Any]) -> Any:
    lead = make_user(Role.PROCUREMENT_LEAD)
    sign_in_as(client, lead)
    return lead


def test_an_empty_form_lists_every_missing_answer_and_saves_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    page = client.post("/procurements/new", data={}).get_data(as_text=True)
    assert "<title>Error: New procurement" in page
    for message in [
        "Enter a title",
        "Enter a reference",
        "Enter a description",
        "Select a rule set",
        "Select a service type",
        "Select a client group",
        "Select at least one district",
        "Enter the contract value",
        "Select whether the value is per year or for the whole life of the contract",
        "Enter the contract term in years",
        "Select a category",
        "Enter the procurement start date",
    ]:
        assert message in page, message
    assert _count() == 0


def test_a_value_that_is_not_a_number_is_refused(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    page = client.post("/procurements/new", data={**VALID, "value": "lots"}).get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert 'href="#value"' in page
    assert _count() == 0


def test_an_exemption_needs_a_reason_and_an_approver(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    page = client.post(
        "/procurements/new", data={**VALID, "exemption": "specialist-firm"}
    ).get_data(as_text=True)
    assert "Enter why the exemption is needed" in page
    assert "Enter who approved the exemption" in page
    assert _count() == 0


def test_the_route_decision_is_shown_before_saving_and_saved_on_confirmation(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = _lead(client, make_user)
    response = client.post("/procurements/new", data=VALID)
    assert response.status_code == 302
    assert _count() == 0, "nothing is saved before the lead confirms"

    check = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Route: Invited tender" in check
    assert "£30,000.01" in check and "four candidates" in check
    assert "£54,000.00" in check  # value including VAT

    done = client.post("/procurements/new/check", data={}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Procurement CCC-FS-2026 created" in page
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.reference == "CCC-FS-2026"
    assert procurement.route == "invited-tender"
    assert procurement.min_candidates == 4
    assert procurement.lead_id == lead.id
    assert [d.code for d in procurement.districts] == ["fenland", "huntingdonshire"]
    created = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity == "procurements", AuditEvent.action == "create")
    )
    assert created is not None and created.actor == lead.email


def test_a_duplicate_reference_is_refused(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data=VALID)
    client.post("/procurements/new/check", data={})
    page = client.post("/procurements/new", data=VALID).get_data(as_text=True)
    assert "A procurement with this reference already exists" in page
    assert _count() == 1


def test_an_annual_value_is_multiplied_by_term_and_extensions(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    data = {
        **VALID,
        "value": "3500000",
        "value_basis": "annual",
        "term_years": "3",
        "extension_years": "2",
        "vat_rate": "0",
        "category": "light-touch",
        "reference": "KCC-IDAS",
    }
    client.post("/procurements/new", data=data)
    check = client.get("/procurements/new/check").get_data(as_text=True)
    assert "Route: National procedure" in check
    assert "£17,500,000.00" in check
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.above_national_threshold is True
    assert procurement.decision["standstill"] == {"days": 8, "kind": "working"}


def test_the_procurement_page_shows_the_route_and_explanation(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data=VALID)
    client.post("/procurements/new/check", data={})
    page = client.get("/procurements/CCC-FS-2026").get_data(as_text=True)
    assert "Floating support for Fenland" in page
    assert 'data-testid="route-explanation"' in page
    assert "Invited tender" in page


def test_the_board_groups_procurements_by_stage(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data=VALID)
    client.post("/procurements/new/check", data={})
    page = client.get("/").get_data(as_text=True)
    assert 'data-stage="planning"' in page
    assert "CCC-FS-2026" in page


def test_the_board_links_each_procurement_and_escapes_its_title(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data={**VALID, "title": "Smith & Jones <Ltd> support"})
    client.post("/procurements/new/check", data={})
    page = client.get("/").get_data(as_text=True)
    assert '<a class="govuk-link" href="/procurements/CCC-FS-2026">CCC-FS-2026</a>' in page
    assert "Smith &amp; Jones &lt;Ltd&gt; support" in page


def test_every_question_on_the_form_has_its_label_or_legend(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    page = client.get("/procurements/new").get_data(as_text=True)
    for question in [
        "Is this the value per year or for the whole life of the contract?",
        "VAT rate",
        "Category",
        "Type of contracting authority",
        "Procurement start date",
        "Is an exemption from competition needed?",
        "Districts served",
    ]:
        assert re.search(rf"<legend[^>]*>\s*{re.escape(question)}", page), question


def test_a_long_description_survives_the_check_page_and_is_saved(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    from tenderflow.models import ProcurementDraft

    _lead(client, make_user)
    # Varied text (so it does not compress) far beyond the 4 KB a session cookie holds.
    description = "".join(random.Random(12).choices(string.ascii_lowercase + " ", k=8000)).strip()
    response = client.post("/procurements/new", data={**VALID, "description": description})
    assert response.status_code == 302
    cookie = response.headers.get("Set-Cookie", "")
    assert len(cookie) < 4096

    changing = client.get("/procurements/new?change=1").get_data(as_text=True)
    assert description in changing  # the form comes back filled in
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.description == description
    assert db.session.scalar(select(func.count(ProcurementDraft.id))) == 0


FLEXIBLE = {
    **VALID,
    "value": "300,000",
    "procedure": "competitive-flexible",
    "tendering": "planned-notice",
    "planned_procurement_notice": ["20", "1", "2026"],
    "start_date": ["2", "3", "2026"],
    "procedure_stages": ["participation", "shortlisting", "negotiation"],
}


def test_a_procurement_records_its_procedure_and_tendering_case(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    response = client.post("/procurements/new", data=FLEXIBLE)
    assert response.status_code == 302
    check = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Competitive flexible procedure" in check
    assert "10 days: a qualifying planned procurement notice was published" in check
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.procedure == "competitive-flexible"
    assert procurement.tendering_case == "planned-procurement-notice"
    assert procurement.planned_procurement_notice == date(2026, 1, 20)
    planned = {row.stage: row for row in timetable.stage_dates(procurement, db.session)}
    assert (planned["eoi"].planned_end - planned["eoi"].planned_start).days == 25
    assert (planned["itt"].planned_end - planned["itt"].planned_start).days == 10
    assert procurement.procedure_stages == ["participation", "shortlisting", "negotiation"]
    assert list(planned)[:5] == ["planning", "eoi", "itt", "negotiation", "evaluation"]
    assert planned["negotiation"].planned_start == planned["itt"].planned_end
    assert procurement.shortlists
    page = client.get(f"/procurements/{procurement.reference}").get_data(as_text=True)
    assert "Competitive flexible stages" in page
    assert "A participation stage, Shortlisting at the end of the participation stage, " in page


def test_shortlisting_without_a_participation_stage_is_refused_and_nothing_is_saved(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    page = client.post(
        "/procurements/new", data={**FLEXIBLE, "procedure_stages": ["shortlisting"]}
    ).get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert "Choose a participation stage to shortlist from, or untick shortlisting" in page
    assert _count() == 0


def test_competitive_flexible_stages_chosen_under_the_open_procedure_are_not_kept(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    chosen = {**VALID, "value": "300,000", "procedure_stages": ["participation"]}
    client.post("/procurements/new", data=chosen)
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None and procurement.procedure == "open"
    assert procurement.procedure_stages == []
    assert "eoi" not in procurement.stages


def test_a_regulated_below_threshold_tender_is_planned_without_an_eoi(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data=VALID)  # £54,000 including VAT
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None and procurement.route == "invited-tender"
    planned = [row.stage for row in timetable.stage_dates(procurement, db.session)]
    assert planned[:3] == ["planning", "itt", "evaluation"]


DIRECT = {
    **VALID,
    "value": "300,000",
    "direct_award": "single-supplier-technical",
}


def test_a_lead_creates_a_direct_award_with_its_schedule_5_justification(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    response = client.post("/procurements/new", data=DIRECT)
    assert response.status_code == 302
    check = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Route: Direct award" in check
    assert "transparency notice must be published" in check
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.route == "direct-award"
    assert procurement.decision["direct_award"] == "single-supplier-technical"
    assert procurement.procedure is None and procurement.tendering_case is None
    planned = [row.stage for row in timetable.stage_dates(procurement, db.session)]
    assert planned == ["planning", "standstill", "award", "contract"]


def test_extreme_urgency_gives_a_direct_award_with_no_standstill(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data={**DIRECT, "direct_award": "extreme-urgency"})
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert procurement.stages == ("planning", "award", "contract")


def test_a_direct_award_below_the_threshold_or_on_an_unknown_ground_is_refused(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    below = client.post("/procurements/new", data={**DIRECT, "value": "45,000"})
    page = below.get_data(as_text=True)
    assert below.status_code == 200 and "govuk-error-summary" in page
    assert "a direct award is for contracts at or above" in page
    unknown = client.post("/procurements/new", data={**DIRECT, "direct_award": "cheapest"})
    assert "govuk-error-summary" in unknown.get_data(as_text=True)
    user_choice = client.post("/procurements/new", data={**DIRECT, "direct_award": "user-choice"})
    assert "applies only to light-touch contracts" in user_choice.get_data(as_text=True)
    assert _count() == 0


def test_a_planned_procurement_notice_needs_its_date_on_or_before_the_start(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    missing = {**FLEXIBLE, "planned_procurement_notice": ["", "", ""]}
    later = {**FLEXIBLE, "planned_procurement_notice": ["3", "3", "2026"]}
    page = client.post("/procurements/new", data=missing).get_data(as_text=True)
    assert "Enter the date the planned procurement notice was published" in page
    page = client.post("/procurements/new", data=later).get_data(as_text=True)
    assert "must be published on or before the start date" in page
    assert _count() == 0


def test_without_a_choice_the_procedure_is_open_with_electronic_tenders(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    client.post("/procurements/new", data={**VALID, "value": "300,000"})
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(select(Procurement))
    assert procurement is not None
    assert (procurement.procedure, procurement.tendering_case) == (
        "open",
        "electronic-with-documents",
    )
    assert procurement.decision["min_participation_days"] is None


def test_the_cpv_codes_and_regions_for_the_notices_are_asked_for_and_kept(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    _lead(client, make_user)
    refused = client.post(
        "/procurements/new", data={**VALID, "cpv_codes": ["99999999-9"]}
    ).get_data(as_text=True)
    assert "Select CPV codes from the list" in refused
    data = {**VALID, "cpv_codes": ["85312000-9"], "delivery_regions": ["TLH12"]}
    check = client.post("/procurements/new", data=data, follow_redirects=True)
    assert "85312000-9" in check.get_data(as_text=True)
    client.post("/procurements/new/check", data={})
    procurement = db.session.scalar(
        select(Procurement).where(Procurement.reference == "CCC-FS-2026")
    )
    assert procurement is not None
    assert (procurement.cpv_codes, procurement.delivery_regions) == (["85312000-9"], ["TLH12"])
