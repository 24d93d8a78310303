"""A lead creates a procurement and takes it from EOI to award through every gate, seeing each refusal.

Every step is taken on the pages a lead, an evaluator and a commissioning body member use:
the plan, the conflicts assessment, the bidders and their bids, the evaluation model and panel,
scoring, moderation, the exclusion checks, the approval, a challenge and the contract. The live server has no Prefect server, so each move
shows as queued; the test then runs the transition flow's logic in-process, as the worker
would, and the page updates itself (the real worker is tested in the integration tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import Milestone, Procurement, Transition
from tests.e2e.conftest import sign_in, sign_out
from workflows.timetable import run_transition

REFERENCE = "CCC-FS-E2E-2027"
BIDDERS = ["Fen Edge Futures", "Nene Valley Support Trust", "Lantern Lane Housing CIC"]


@pytest.fixture
def app_context(live_server: SimpleNamespace) -> Iterator[Any]:
    before = live_server.app.config["FROZEN_NOW"]
    with live_server.app.app_context():
        yield live_server.app
        db.session.remove()
    live_server.app.config["FROZEN_NOW"] = before


def run_queued_moves() -> None:
    """Do the worker's part: run every queued move's flow logic."""
    db.session.expire_all()
    for transition in db.session.scalars(select(Transition).where(Transition.status == "queued")):
        run_transition.fn(transition_id=transition.id, request_id=transition.flow_run_request_id)
    db.session.expire_all()


def procurement() -> Procurement:
    db.session.expire_all()
    found = db.session.scalar(select(Procurement).where(Procurement.reference == REFERENCE))
    assert found is not None
    return found


def move(page: Page, target: str, **fields: str) -> None:
    """Ask for the move on the web, let the worker stand-in run it, and wait for the outcome."""
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("button", name=f"Move to {target}").click()
    expect(page.get_by_role("heading", name=f"to {target}")).to_be_visible()
    reason = page.get_by_label("Why has the timetable slipped?")
    if reason.count():
        reason.fill("Bids were opened later than planned.")
    page.get_by_role("button", name=f"Move to {target}").click()
    expect(page.get_by_test_id("transition-status")).to_contain_text("Queued")
    run_queued_moves()
    # The page polls the run and reloads once it has finished.
    expect(page.get_by_test_id("transition-status")).to_have_count(0, timeout=15_000)


def refused_with(page: Page, *reasons: str) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The move was refused")
    for reason in reasons:
        expect(summary).to_contain_text(reason)


def at(app: Any, instant: datetime) -> None:
    """Move the live server's clock."""
    app.config["FROZEN_NOW"] = instant.isoformat()


def milestone(kind: str) -> datetime:
    db.session.expire_all()
    found = db.session.scalar(
        select(Milestone).where(
            Milestone.procurement_id == procurement().id, Milestone.kind == kind
        )
    )
    assert found is not None
    return found.due_at


def record_interest(page: Page, name: str) -> None:
    page.get_by_role("button", name="Record an expression of interest").click()
    page.get_by_label("Organisation name").fill(name)
    page.get_by_label("Day", exact=True).fill("13")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.get_by_text(f"{name} has been added.")).to_be_visible()


def create_procurement(page: Page) -> None:
    page.get_by_role("button", name="Start a new procurement").click()
    page.get_by_label("Title").fill("Floating support for young people, Fenland")
    page.get_by_label("Reference").fill(REFERENCE)
    page.get_by_label("Description").fill("Floating support for young people leaving care.")
    page.get_by_label("Service type").select_option(label="Floating support service")
    page.get_by_label("Client group").select_option(label="Young people at risk")
    page.get_by_label("Fenland (Cambridgeshire)").check()
    page.get_by_label("Estimated contract value").fill("300000")
    page.get_by_label("Whole-life value").check()
    page.get_by_label("Contract term in years").fill("3")
    page.get_by_label("0% (exempt or zero-rated").check()
    page.get_by_label("Contract regulations").select_option("cambridgeshire-2008")
    page.get_by_label("Services", exact=True).check()
    page.get_by_label("Day", exact=True).fill("16")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    # A competitive flexible procedure with a participation stage and a shortlist: the open
    # procedure would have no expressions of interest.
    page.get_by_label("Competitive flexible procedure").check()
    page.get_by_label("A participation stage").check()
    page.get_by_label("Shortlisting at the end of the participation stage").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Create procurement").click()


def write_and_agree_the_plan(page: Page) -> None:
    page.goto(f"/procurements/{REFERENCE}/plan")
    page.get_by_role("button", name="Write the plan").click()
    page.get_by_label("Business objectives").fill("Help young people keep their first tenancy.")
    page.get_by_label("Risks and controls").fill("Too few bidders: market engagement event")
    page.get_by_label("Procurement route recommendation").fill("Open procedure, 60/40.")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("The procurement plan has been saved.")).to_be_visible()
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("The procurement plan is agreed.")).to_be_visible()


def confirm_the_conflicts_assessment(page: Page) -> None:
    page.goto(f"/procurements/{REFERENCE}/conflicts-assessment")
    page.get_by_role("button", name="Confirm the conflicts assessment").click()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Confirm the assessment").click()
    expect(page.get_by_text("The conflicts assessment is confirmed.")).to_be_visible()


def check_exclusions(page: Page) -> None:
    """Check each bidder in the competition: every ground, the debarment list looked at today."""
    today = clock.today()  # the live server's clock, moved by the journey
    for name in BIDDERS[:2]:
        page.goto(f"/procurements/{REFERENCE}/exclusions")
        page.get_by_role("link", name=f"Record a check for {name}").click()
        for box in page.locator("input[type=checkbox]").all():
            box.check()
        debarment = page.get_by_role("group", name="Is the supplier on the debarment list?")
        debarment.get_by_label("No", exact=True).check()
        page.get_by_label("Day", exact=True).fill(str(today.day))
        page.get_by_label("Month", exact=True).fill(str(today.month))
        page.get_by_label("Year", exact=True).fill(str(today.year))
        page.get_by_label("No exclusion ground applies").check()
        page.get_by_role("button", name="Record the check").click()
        expect(page.get_by_text(f"Exclusion check for {name} recorded.")).to_be_visible()


def record_the_award_notice(page: Page) -> None:
    """Record the contract award notice as published on Find a Tender today."""
    today = clock.today()
    page.goto(f"/procurements/{REFERENCE}/notices/UK6")
    page.get_by_role("button", name="Record the publication").click()
    page.get_by_label("Notice ID on the platform").fill("000999-2026")
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Record the publication").click()
    expect(
        page.get_by_text("The contract award notice (UK6) is recorded as published.")
    ).to_be_visible()


def shortlist(page: Page) -> None:
    page.goto(f"/procurements/{REFERENCE}/bidders")
    for name in BIDDERS:
        record_interest(page, name)
    for name in BIDDERS:
        row = page.get_by_role("row").filter(has_text=name)
        row.get_by_role("link", name="Record selection").click()
        page.get_by_label("Passed selection").check()
        page.get_by_role("button", name="Save the result").click()
    page.get_by_role("button", name="Shortlist").click()
    for name in BIDDERS:
        page.get_by_label(name).check()
    page.get_by_label("Why fewer candidates are shortlisted").fill(
        "Only three providers support young people in Fenland"
    )
    page.get_by_role("button", name="Save the shortlist").click()
    expect(page.get_by_text("Shortlist saved: 3 organisations.")).to_be_visible()


def publish_the_model(page: Page) -> None:
    page.goto(f"/evaluations/{REFERENCE}/model")
    page.get_by_label("Housing-related support services: quality 60%, price 40%").check()
    page.get_by_role("button", name="Save the model").click()
    expect(page.get_by_text("The evaluation model is saved.")).to_be_visible()
    page.get_by_role("button", name="Publish the model with the ITT").click()
    expect(page.get_by_text("The evaluation model is published with the ITT.")).to_be_visible()


def receive_bids(page: Page) -> None:
    page.goto(f"/procurements/{REFERENCE}/bidders")
    page.get_by_role("button", name="Issue the invitation to tender").click()
    page.get_by_label("Sent to the shortlisted organisations").check()
    page.get_by_role("button", name="Record the issue").click()
    expect(page.get_by_text("3 organisations invited.")).to_be_visible()
    page.goto(f"/procurements/{REFERENCE}/bids")
    for name in BIDDERS[:2]:
        page.get_by_role("button", name="Record a bid received").click()
        page.get_by_label("Bidder").select_option(label=name)
        page.get_by_role("button", name="Record the bid").click()
        expect(page.get_by_text(f"Bid from {name} recorded.")).to_be_visible()
        page.goto(f"/procurements/{REFERENCE}/bids")


def open_bids_and_record_prices(page: Page) -> None:
    page.goto(f"/procurements/{REFERENCE}/bids")
    page.get_by_role("button", name="Open the bids").click()
    expect(page.get_by_text("2 bids opened.")).to_be_visible()
    for name, price in zip(BIDDERS[:2], ("285000", "310000"), strict=False):
        page.goto(f"/procurements/{REFERENCE}/bids")
        page.get_by_role("link", name=name).click()
        page.get_by_role("link", name="Record the price").click()
        page.get_by_label("Evaluated price").fill(price)
        page.get_by_role("button", name="Save the price").click()


def set_up_the_panel(page: Page) -> None:
    page.goto(f"/evaluations/{REFERENCE}/model")
    page.get_by_role("button", name="Release the guidance to the panel").click()
    page.goto(f"/evaluations/{REFERENCE}/panel")
    page.get_by_label("Person").select_option(label="Grace Okafor (evaluator)")
    page.get_by_label("Evaluator: scores the criteria assigned").check()
    page.get_by_role("button", name="Add to the panel").click()
    # Her page: she scores every section.
    expect(page.get_by_role("heading", name="Grace Okafor")).to_be_visible()
    sections = page.locator("input[name=sections]")
    expect(sections).to_have_count(2)
    for box in sections.all():
        box.check()
    page.get_by_role("button", name="Save criteria").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_test_id("panel-progress")).to_contain_text("Q1, Q2, Q3, Q4, Q5, Q6")
    page.get_by_label("Person").select_option(label="Rachel Penrose (moderator)")
    page.get_by_label("Moderator: agrees consensus scores").check()
    page.get_by_role("button", name="Add to the panel").click()
    expect(page.get_by_test_id("panel-progress")).to_contain_text("Rachel Penrose")


def sign_and_declare(page: Page) -> None:
    page.goto(f"/evaluations/{REFERENCE}")
    page.get_by_role("link", name="Sign the confidentiality agreement").click()
    page.get_by_label("I agree to keep the evaluation confidential").check()
    page.get_by_role("button", name="Sign the agreement").click()
    for bidder in BIDDERS[:2]:
        group = page.get_by_role("group", name=f"Do you have a conflict of interest with {bidder}?")
        group.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record my declaration").click()


def score_everything(page: Page) -> None:
    page.goto(f"/evaluations/{REFERENCE}")
    links = page.get_by_test_id("my-criteria").get_by_role("link")
    targets = [link.get_attribute("href") for link in links.all()]
    assert len(targets) == 6
    for href in targets:
        page.goto(str(href))
        for bidder, score in zip(BIDDERS[:2], ("4", "3"), strict=False):
            page.get_by_label(f"Score for {bidder}").fill(score)
            page.get_by_label(f"Comment for {bidder}").fill("Clear evidence from similar work.")
        page.get_by_role("button", name="Save draft", exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)


def agree_consensus(page: Page) -> None:
    for number in range(1, 7):
        page.goto(f"/evaluations/{REFERENCE}/moderation/Q{number}")
        for bidder, score in zip(BIDDERS[:2], ("4", "3"), strict=False):
            page.get_by_label(f"Consensus score for {bidder}").fill(score)
            page.get_by_label(f"Rationale for {bidder}").fill("Agreed as the evaluator scored.")
        page.get_by_role("button", name="Save consensus scores").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
    page.goto(f"/evaluations/{REFERENCE}/pass-fail")
    for radio in page.locator("input[type=radio][value=pass]").all():
        radio.check()
    page.get_by_role("button", name="Save pass/fail results").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def test_a_lead_takes_a_new_procurement_from_eoi_to_award(page: Page, app_context: Any) -> None:
    sign_in(page, "lead@tenderflow.example")
    create_procurement(page)

    # The timetable is planned: the chart and every stage's dates.
    table = page.get_by_test_id("timetable-table")
    expect(table).to_contain_text("16 November 2026 to 14 December 2026")
    expect(table.locator('[data-stage="standstill"]')).to_be_visible()

    # A tendering period below the Act's minimum is refused with the reason.
    table.get_by_role("link", name="Change planned dates for Invitation to tender").click()
    end = page.get_by_role("group", name="Tender deadline")
    end.get_by_label("Day").fill("14")
    end.get_by_label("Month").fill("1")
    end.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save planned dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "shorter than the minimum of 25 days"
    )
    page.get_by_role("link", name="Back").click()

    move(page, "Expressions of interest")
    expect(page.get_by_role("heading", name="Moved to Expressions of interest")).to_be_visible()

    # Into ITT: refused until the plan is agreed, the shortlist made and the model published.
    move(page, "Invitation to tender")
    refused_with(
        page,
        "Nothing has changed",
        "Write the procurement plan and agree it",
        "Choose the evaluation model and publish it with the ITT.",
        "Confirm the conflicts assessment before the tender notice goes out",
    )
    write_and_agree_the_plan(page)
    confirm_the_conflicts_assessment(page)
    shortlist(page)
    publish_the_model(page)
    move(page, "Invitation to tender")
    expect(page.get_by_role("heading", name="Moved to Invitation to tender")).to_be_visible()

    # Into evaluation: not while the bids are sealed, nor before the panel is ready.
    receive_bids(page)
    move(page, "Evaluation")
    refused_with(page, "The tender deadline has not passed", "Release the evaluation guidance")
    at(app_context, milestone("tender-deadline") + timedelta(hours=1))
    open_bids_and_record_prices(page)
    set_up_the_panel(page)
    move(page, "Evaluation")
    refused_with(page, "must sign the confidentiality agreement")
    for person in ("evaluator1@tenderflow.example", "moderator@tenderflow.example"):
        sign_out(page)
        sign_in(page, person)
        sign_and_declare(page)
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    move(page, "Evaluation")
    expect(page.get_by_role("heading", name="Moved to Evaluation")).to_be_visible()

    # Into moderation: every assigned score submitted, not only saved as drafts.
    sign_out(page)
    sign_in(page, "evaluator1@tenderflow.example")
    score_everything(page)
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    move(page, "Moderation")
    refused_with(page, "Grace Okafor has not submitted 12 of 12 scores.")
    sign_out(page)
    sign_in(page, "evaluator1@tenderflow.example")
    page.goto(f"/evaluations/{REFERENCE}")
    page.get_by_role("button", name="Submit your scores").click()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.get_by_text("You submitted 12 scores.")).to_be_visible()
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    move(page, "Moderation")
    expect(page.get_by_role("heading", name="Moved to Moderation")).to_be_visible()

    # Into standstill: consensus on every criterion, and the commissioning body's approval.
    move(page, "Standstill")
    refused_with(
        page,
        "Agree consensus scores with a rationale for",
        "approval",
        "Record the exclusion check (exclusion grounds and the debarment list) for",
    )
    sign_out(page)
    sign_in(page, "moderator@tenderflow.example")
    agree_consensus(page)
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    check_exclusions(page)
    move(page, "Standstill")
    refused_with(
        page, "The commissioning body's approval of the award recommendation is not recorded"
    )
    # Moderation has closed: the lead asks for approval of the results as they stand.
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("button", name="Ask the commissioning body for approval").click()
    expect(
        page.get_by_text("The commissioning body is asked to approve the award recommendation.")
    ).to_be_visible()
    sign_out(page)
    sign_in(page, "commissioning@tenderflow.example")
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("button", name="Record the commissioning body's decision").click()
    page.get_by_label("Approved").check()
    page.get_by_label("Recommended bidder").select_option(label=BIDDERS[0])
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The commissioning body's decision is recorded.")).to_be_visible()
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    move(page, "Standstill")
    refused_with(page, "Record the contract award notice (UK6) as published on Find a Tender")
    record_the_award_notice(page)
    move(page, "Standstill")
    expect(page.get_by_role("heading", name="Moved to Standstill")).to_be_visible()

    # Into award: not while the standstill runs, nor while a challenge is open.
    move(page, "Award")
    refused_with(page, "the standstill runs until the end of")
    at(app_context, milestone("standstill-end") + timedelta(days=1))
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("link", name="Record a challenge").click()
    page.get_by_label("Who made the challenge?").select_option(label=BIDDERS[1])
    page.get_by_label("What does the challenge say?").fill("Asks how the price was scored.")
    page.get_by_role("button", name="Record the challenge").click()
    expect(page.get_by_text("Open: award suspended")).to_be_visible()
    move(page, "Award")
    refused_with(page, f"A challenge from {BIDDERS[1]}")

    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("link", name="Resolve this challenge").click()
    page.get_by_label("How was it resolved?").fill("The price formula was explained; withdrawn.")
    page.get_by_role("button", name="Resolve the challenge").click()
    expect(page.get_by_text("The challenge is resolved.")).to_be_visible()

    # The award form is filled from the approval; the lead checks the value and moves.
    page.get_by_role("button", name="Move to Award").click()
    expect(page.get_by_label("Supplier", exact=True)).to_contain_text(BIDDERS[0])
    page.get_by_label("Contract value").fill("285,000")
    reason = page.get_by_label("Why has the timetable slipped?")
    if reason.count():
        reason.fill("The award waited for a challenge to be resolved.")
    page.get_by_role("button", name="Move to Award").click()
    run_queued_moves()
    expect(page.get_by_role("heading", name="Moved to Award")).to_be_visible(timeout=15_000)
    page.goto(f"/procurements/{REFERENCE}")
    contract = page.locator("#award")
    expect(contract).to_contain_text(BIDDERS[0])
    expect(contract).to_contain_text("£285,000.00")
    assert procurement().stage == "award"
