"""The procurement plan, expressions of interest, selection, the shortlist and the gate into ITT."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, Bidder, Procurement, User
from tenderflow.services import procurements
from tenderflow.services.bidding import bidders, plans
from tenderflow.services.gates import unmet_conditions
from tests.integration.bidders_world import a_bidder, no_deadline
from tests.integration.conftest import sign_in_as
from tests.integration.world import procurement_input

PLAN = {
    "client_lead": "Head of housing-related support",
    "funding": "Supporting People grant",
    "business_objectives": "Keep people in their homes.",
    "risks_and_controls": "TUPE costs: early legal advice",
    "route_recommendation": "Invited tender",
}

GATES = "tenderflow.services.bidding.gates"
PCR_START = date(2024, 6, 3)
ACT_START = date(2026, 6, 1)


def a_procurement(
    lead: User, reference: str = "BID-1", value: str = "45000", start: date = PCR_START
) -> Procurement:
    """An invited tender with an EOI: begun under PCR 2015, whose rules allow a shortlist."""
    procurement = procurements.create_procurement(
        db.session,
        procurement_input(reference=reference, value=Decimal(value), start_date=start),
        lead,
        clock.now(),
    )
    db.session.commit()
    return procurement


def agree_a_plan(procurement: Procurement, lead: User) -> None:
    plans.save_plan(db.session, procurement, plans.PlanInput(**PLAN), lead, clock.now())
    plans.agree_plan(db.session, procurement, lead, clock.now())
    db.session.commit()


def shortlist(procurement: Procurement, lead: User, *names: str, reason: str = "") -> list[Bidder]:
    chosen = []
    for name in names:
        bidder = a_bidder(procurement, name)
        bidders.record_selection(db.session, bidder, "passed", "")
        chosen.append(bidder)
    bidders.set_shortlist(
        db.session, procurement, {b.id for b in chosen}, reason, lead, clock.now()
    )
    db.session.commit()
    return chosen


def itt_unmet(procurement: Procurement) -> list[str]:
    return unmet_conditions(db.session, procurement, "itt", clock.now(), only=GATES)


def test_the_lead_writes_and_agrees_the_plan_and_it_reads_in_the_kent_order(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    sign_in_as(client, lead)

    response = client.post("/procurements/BID-1/plan/edit", data=PLAN)
    assert response.status_code == 302
    page = client.get("/procurements/BID-1/plan").get_data(as_text=True)
    assert "Draft" in page
    assert page.index("Funding") < page.index("Business objectives") < page.index("Reviews planned")
    assert "TUPE costs: early legal advice" in page

    client.post("/procurements/BID-1/plan/agree")
    assert plans.plan_for(db.session, procurement).agreed_at == clock.now()

    # Changing an agreed plan means agreeing it again.
    client.post("/procurements/BID-1/plan/edit", data={**PLAN, "funding": "Council budget"})
    assert plans.plan_for(db.session, procurement).agreed_at is None


def test_a_plan_missing_its_risks_cannot_be_agreed(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    plans.save_plan(
        db.session, procurement, plans.PlanInput(business_objectives="x"), lead, clock.now()
    )
    db.session.commit()
    sign_in_as(client, lead)
    response = client.post("/procurements/BID-1/plan/agree", follow_redirects=True)
    assert "Enter the risks and their controls before agreeing the plan" in response.get_data(
        as_text=True
    )
    assert plans.plan_for(db.session, procurement).agreed_at is None


def test_the_lead_records_interest_selection_and_the_shortlist(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    sign_in_as(client, lead)

    response = client.post(
        "/procurements/BID-1/bidders/new",
        data={
            "name": "Fenland Housing Trust",
            "contact_email": "bids@fenland-trust.example",
            "registered_on": ["2", "6", "2026"],
            "registered_time": "14:30",
        },
    )
    assert response.status_code == 302
    client.post("/procurements/BID-1/bidders/new", data={"name": "Ouse Valley Support"})
    trust, ouse = bidders.bidders_of(db.session, procurement)
    assert trust.registered_at.isoformat() == "2026-06-02T13:30:00+00:00"  # 2:30pm BST
    assert ouse.registered_at == clock.now()

    failed = client.post(
        f"/procurements/BID-1/bidders/{ouse.id}/selection", data={"result": "failed"}
    )
    assert "Enter why the organisation failed selection" in failed.get_data(as_text=True)
    client.post(
        f"/procurements/BID-1/bidders/{ouse.id}/selection",
        data={"result": "failed", "note": "No insurance certificate"},
    )
    client.post(f"/procurements/BID-1/bidders/{trust.id}/selection", data={"result": "passed"})

    refused = client.post("/procurements/BID-1/shortlist", data={"bidders": [str(ouse.id)]})
    assert (
        "Only organisations that passed selection can be shortlisted: Ouse Valley Support"
        in refused.get_data(as_text=True)
    )
    client.post(
        "/procurements/BID-1/shortlist",
        data={"bidders": [str(trust.id)], "fewer_reason": "Only one provider in the district"},
    )
    db.session.refresh(trust)
    db.session.refresh(ouse)
    assert (trust.shortlisted, ouse.shortlisted) == (True, False)
    assert bidders.tender_field(db.session, procurement).fewer_candidates_reason == (
        "Only one provider in the district"
    )

    page = client.get("/procurements/BID-1/bidders").get_data(as_text=True)
    assert "Failed: No insurance certificate" in page
    assert "Only one provider in the district" in page


def test_a_bad_registration_shows_errors_and_writes_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    sign_in_as(client, lead)
    before = db.session.query(AuditEvent).count()
    response = client.post(
        "/procurements/BID-1/bidders/new",
        data={"name": "", "registered_on": ["31", "2", "2026"], "registered_time": "25:00"},
    )
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the organisation&#39;s name" in page
    assert "Date interest was registered must be a real date" in page
    assert bidders.bidders_of(db.session, procurement) == []
    assert db.session.query(AuditEvent).count() == before


def test_the_itt_gate_refuses_without_an_agreed_plan_and_a_full_shortlist(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)  # invited tender: at least 4 candidates
    assert itt_unmet(procurement) == [
        "Write the procurement plan and agree it",
        "Record the shortlist of candidates to invite to tender",
    ]

    plans.save_plan(db.session, procurement, plans.PlanInput(**PLAN), lead, clock.now())
    shortlist(procurement, lead, "Alpha Care", "Beta Support")
    assert itt_unmet(procurement) == [
        "Agree the procurement plan",
        "The route needs at least 4 shortlisted candidates but there are 2: "
        "add more or record why fewer responded",
    ]


def test_the_itt_gate_holds_with_a_reason_for_fewer_candidates(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    agree_a_plan(procurement, lead)
    shortlist(procurement, lead, "Alpha Care", "Beta Support", reason="Only two responded")
    assert itt_unmet(procurement) == []


def test_the_itt_gate_holds_with_enough_candidates(make_user: Callable[..., Any]) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    agree_a_plan(procurement, lead)
    shortlist(procurement, lead, "Alpha Care", "Beta Support", "Gamma Homes", "Delta Trust")
    assert itt_unmet(procurement) == []


def test_on_a_quotes_route_the_lead_adds_suppliers_asked_to_quote(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead, "QUOTE-1", "5000")  # written quotes: 3
    assert procurement.route == "written-quotes"
    agree_a_plan(procurement, lead)
    assert itt_unmet(procurement) == ["Add the suppliers asked to quote"]

    sign_in_as(client, lead)
    page = client.get("/procurements/QUOTE-1/bidders/new").get_data(as_text=True)
    assert "Add a supplier asked to quote" in page
    for name in ("Alpha Care", "Beta Support", "Gamma Homes"):
        client.post("/procurements/QUOTE-1/bidders/new", data={"name": name})
    suppliers = bidders.bidders_of(db.session, procurement)
    assert [b.shortlisted for b in suppliers] == [True, True, True]
    assert itt_unmet(procurement) == []

    # One supplier declines; the lead records why only two quotes are sought.
    page = client.get("/procurements/QUOTE-1/shortlist").get_data(as_text=True)
    assert "The route asks for at least 3 suppliers." in page
    client.post("/procurements/QUOTE-1/shortlist", data={"bidders": [str(suppliers[0].id)]})
    assert itt_unmet(procurement) == [
        "The route needs at least 3 suppliers asked to quote but there is 1: "
        "add more or record why fewer responded"
    ]
    client.post(
        "/procurements/QUOTE-1/shortlist",
        data={"bidders": [str(suppliers[0].id)], "fewer_reason": "Two suppliers declined"},
    )
    assert itt_unmet(procurement) == []


def test_the_itt_goes_to_the_shortlist_or_is_recorded_as_advertised(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    alpha, beta = shortlist(procurement, lead, "Alpha Care", "Beta Support")
    outsider = a_bidder(procurement, "Late Interest Ltd")
    sign_in_as(client, lead)

    missing = client.post("/procurements/BID-1/itt", data={"how": "advertised"})
    assert "Enter where the ITT was advertised" in missing.get_data(as_text=True)

    client.post(
        "/procurements/BID-1/itt", data={"how": "advertised", "advert_reference": "FTS-123"}
    )
    for bidder in (alpha, beta, outsider):
        db.session.refresh(bidder)
    assert alpha.invited_at == beta.invited_at == clock.now()
    assert outsider.invited_at is None
    field = bidders.tender_field(db.session, procurement)
    assert (field.advertised_at, field.advert_reference) == (clock.now(), "FTS-123")


def test_the_procurement_page_summarises_bidders_with_links(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    no_deadline(procurement)
    shortlist(procurement, lead, "Alpha Care")
    a_bidder(procurement, "Beta Support")
    sign_in_as(client, make_user(Role.COMMISSIONING_BODY))
    page = client.get("/procurements/BID-1").get_data(as_text=True)
    assert "2 registered interest, 1 passed selection, 1 shortlisted, 0 invited to tender" in page
    assert 'href="/procurements/BID-1/bidders"' in page
    # The bids are need to know: the commissioning body, not yet asked, sees no summary of them.
    assert "sealed: no tender deadline set" not in page
    assert 'href="/procurements/BID-1/bids"' not in page
    sign_in_as(client, lead)
    page = client.get("/procurements/BID-1").get_data(as_text=True)
    assert "sealed: no tender deadline set" in page


def test_another_lead_reads_the_bidding_pages_but_only_the_procurements_own_lead_changes_them(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    from tests.integration.bidders_world import a_bid, a_question

    lead = make_user(Role.PROCUREMENT_LEAD)
    other = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    bidder = a_bidder(procurement, "Smith & Jones <Ltd>")
    bid = a_bid(procurement, bidder, lead)
    question = a_question(procurement, "Is parking provided?")
    base = "/procurements/BID-1"
    changes = [
        ("GET", "/plan/edit"),
        ("POST", "/plan/edit"),
        ("POST", "/plan/agree"),
        ("GET", "/bidders/new"),
        ("POST", "/bidders/new"),
        ("GET", f"/bidders/{bidder.id}/selection"),
        ("POST", f"/bidders/{bidder.id}/selection"),
        ("GET", "/shortlist"),
        ("POST", "/shortlist"),
        ("GET", "/itt"),
        ("POST", "/itt"),
        ("GET", "/bids/new"),
        ("POST", "/bids/new"),
        ("GET", f"/bids/{bid.id}/accept-late"),
        ("POST", f"/bids/{bid.id}/exclude"),
        ("POST", "/bids/open"),
        ("GET", f"/bids/{bid.id}/price"),
        ("POST", f"/bids/{bid.id}/documents"),
        ("GET", "/clarifications/new"),
        ("POST", "/clarifications/new"),
        ("GET", f"/clarifications/{question.id}/answer"),
        ("POST", f"/clarifications/{question.id}/publish"),
    ]
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))

    sign_in_as(client, other)
    for page in ("/plan", "/bidders", "/clarifications"):
        response = client.get(base + page)
        assert response.status_code == 200, page
        body = response.get_data(as_text=True)
        for button in ("Write the plan", "Record an expression", "Record a bid", "Log a question"):
            assert button not in body, (page, button)
    # The bids are need to know: another lead is answered as if they did not exist.
    assert client.get(base + "/bids").status_code == 404
    refused = {
        (method, path): client.open(base + path, method=method).status_code
        for method, path in changes
    }
    bid_paths = {(m, p) for m, p in changes if p.startswith("/bids")}
    assert {refused[k] for k in bid_paths} == {404}, refused
    assert {v for k, v in refused.items() if k not in bid_paths} == {403}, refused
    db.session.expire_all()
    # Nothing changed; each need-to-know refusal is audited.
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before + 1 + len(bid_paths)
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action != "refused")
        )
        == before
    )

    sign_in_as(client, lead)
    assert client.get(base + "/bidders/new").status_code == 200
    assert client.get(base + f"/clarifications/{question.id}/answer").status_code == 200


def test_an_invited_tender_under_the_act_has_no_eoi_and_counts_the_suppliers_invited(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead, start=ACT_START)
    assert not bidders.has_eoi(procurement) and bidders.asks_directly(procurement)
    invited = a_bidder(procurement, "Alpha Care")
    db.session.commit()
    # No selection stage: the supplier is in, its conditions assessed with the tender.
    assert (invited.selection, invited.shortlisted) == ("passed", True)
    assert itt_unmet(procurement) == [
        "Write the procurement plan and agree it",
        "The route needs at least 4 suppliers invited to tender but there is 1: "
        "add more or record why fewer responded",
    ]
    sign_in_as(client, lead)
    page = client.get("/procurements/BID-1/bidders").get_data(as_text=True)
    assert "no participation stage and no shortlist" in page
    assert "Record an expression of interest" not in page


def test_an_open_procedure_has_no_shortlist_gate_however_few_suppliers_tender(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead, value="900000", start=ACT_START)
    agree_a_plan(procurement, lead)
    assert procurement.procedure == "open" and not procurement.shortlists
    assert itt_unmet(procurement) == []
    a_bidder(procurement, "Alpha Care")
    db.session.commit()
    assert itt_unmet(procurement) == []


def test_a_competitive_flexible_shortlist_is_gated_only_where_shortlisting_was_chosen(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)

    def flexible(reference: str, chosen: list[str]) -> Procurement:
        made = procurements.create_procurement(
            db.session,
            procurement_input(
                reference=reference,
                value=Decimal("900000"),
                procedure="competitive-flexible",
                procedure_stages=chosen,
            ),
            lead,
            clock.now(),
        )
        agree_a_plan(made, lead)
        return made

    shortlisting = flexible("BID-SL", ["participation", "shortlisting"])
    participation_only = flexible("BID-P", ["participation"])
    assert itt_unmet(shortlisting) == ["Record the shortlist of candidates to invite to tender"]
    assert itt_unmet(participation_only) == []
