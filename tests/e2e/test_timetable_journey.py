"""A lead creates a procurement and takes it from EOI to award through every gate, seeing each refusal.

The live server has no Prefect server, so each move shows as queued; the test then runs the
transition flow's logic in-process, as the worker would, and the page updates itself. Rows
that other features' pages create (plan, shortlist, bids, scores, consensus) are inserted
directly; stand-in checks guard the stages whose gates those features own while theirs are
missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tenderflow.extensions import db
from tenderflow.models import Bid, Procurement, Transition, User
from tests.e2e.conftest import sign_in, sign_out
from tests.integration import timetable_data as data
from workflows.timetable import run_transition

REFERENCE = "CCC-FS-E2E-2027"


@pytest.fixture
def app_context(live_server: SimpleNamespace) -> Iterator[Any]:
    before = live_server.app.config["FROZEN_NOW"]
    with live_server.app.app_context(), data.stand_in_gates():
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


def test_a_lead_takes_a_new_procurement_from_eoi_to_award(page: Page, app_context: Any) -> None:
    sign_in(page, "lead@tenderflow.example")
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
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Create procurement").click()

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

    lead = db.session.scalar(select(User).where(User.email == "lead@tenderflow.example"))
    move(page, "Invitation to tender")
    refused_with(page, "Nothing has changed")
    data.add_plan(procurement(), lead)
    bidders = data.add_shortlist(
        procurement(),
        [
            "Fen Edge Futures",
            "Nene Valley Support Trust",
            "Lantern Lane Housing CIC",
            "Ouse Bank Care",
            "Marsh Road Homes",
            "Chatteris Living",
        ],
    )
    move(page, "Invitation to tender")
    expect(page.get_by_role("heading", name="Moved to Invitation to tender")).to_be_visible()

    data.add_bids(bidders[:3], opened=False)
    move(page, "Evaluation")
    refused_with(page)
    for bid in db.session.scalars(select(Bid)):
        bid.opened_at = bid.received_at
    db.session.commit()
    move(page, "Evaluation")
    expect(page.get_by_role("heading", name="Moved to Evaluation")).to_be_visible()

    evaluator = db.session.scalar(select(User).where(User.email == "evaluator1@tenderflow.example"))
    data.add_scores(
        procurement(), list(db.session.scalars(select(Bid))), evaluator, status="submitted"
    )
    move(page, "Moderation")
    expect(page.get_by_role("heading", name="Moved to Moderation")).to_be_visible()

    # Into standstill: the commissioning body has not approved the recommendation yet.
    data.add_consensus(list(db.session.scalars(select(Bid))), lead)
    move(page, "Standstill")
    refused_with(
        page, "The commissioning body's approval of the award recommendation is not recorded"
    )
    sign_out(page)
    sign_in(page, "commissioning@tenderflow.example")
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("button", name="Record the commissioning body's decision").click()
    page.get_by_label("Approved").check()
    page.get_by_label("Recommended bidder").select_option(label="Fen Edge Futures")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The commissioning body's decision is recorded.")).to_be_visible()
    sign_out(page)
    sign_in(page, "lead@tenderflow.example")
    move(page, "Standstill")
    expect(page.get_by_role("heading", name="Moved to Standstill")).to_be_visible()

    # Into award: not while the standstill runs (Monday 16 November 2026 to 25 November).
    move(page, "Award")
    refused_with(page, "the standstill runs until the end of 25 November 2026")

    app_context.config["FROZEN_NOW"] = "2026-11-26T09:30:00+00:00"
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("link", name="Record a challenge").click()
    page.get_by_label("Who made the challenge?").select_option(label="Nene Valley Support Trust")
    page.get_by_label("What does the challenge say?").fill("Asks how the price was scored.")
    page.get_by_role("button", name="Record the challenge").click()
    expect(page.get_by_text("Open: award suspended")).to_be_visible()
    move(page, "Award")
    refused_with(
        page, "A challenge from Nene Valley Support Trust received on 26 November 2026 is open"
    )

    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("link", name="Resolve this challenge").click()
    page.get_by_label("How was it resolved?").fill("The price formula was explained; withdrawn.")
    page.get_by_role("button", name="Resolve the challenge").click()
    expect(page.get_by_text("The challenge is resolved.")).to_be_visible()

    # The award form is filled from the approval and the plan; the lead checks and moves.
    page.get_by_role("button", name="Move to Award").click()
    expect(page.get_by_label("Supplier", exact=True)).to_have_value(str(bidders[0].id))
    page.get_by_label("Contract value").fill("295,000")
    page.get_by_role("button", name="Move to Award").click()
    run_queued_moves()
    expect(page.get_by_role("heading", name="Moved to Award")).to_be_visible(timeout=15_000)
    page.goto(f"/procurements/{REFERENCE}")
    contract = page.locator("#award")
    expect(contract).to_contain_text("Fen Edge Futures")
    expect(contract).to_contain_text("£295,000.00")
    assert procurement().stage == "award"
