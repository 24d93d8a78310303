"""A lead invites suppliers to an invited tender, records the bids, then opens them after the
deadline. Under the Procurement Act 2023 a regulated below-threshold contract (here £45,000)
is not shortlisted on suitability (s.85): the lead adds the suppliers invited, with no
expressions of interest or selection stage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tenderflow import audit
from tenderflow.extensions import db
from tenderflow.models import Milestone, User
from tenderflow.services import procurements
from tenderflow.services.procurements import ProcurementInput
from tests.e2e.conftest import E2E_NOW, sign_in

REFERENCE = "E2E-BIDS-1"
DEADLINE = datetime.fromisoformat(E2E_NOW) + timedelta(days=2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def invited_tender(live_server: SimpleNamespace) -> Iterator[SimpleNamespace]:
    """An invited tender led by the demo lead, its tender deadline two days away."""
    app = live_server.app
    with app.app_context(), audit.acting_as("e2e set-up"):
        lead = db.session.scalar(select(User).where(User.email == "lead@tenderflow.example"))
        procurement = procurements.create_procurement(
            db.session,
            ProcurementInput(
                title="Floating support, East Cambridgeshire",
                reference=REFERENCE,
                rule_set="cambridgeshire-2008",
                value=Decimal("45000"),
                value_basis="whole-life",
                category="services",
                start_date=date(2026, 11, 2),
                description="Floating support for people at risk of losing their homes.",
                service_type="floating-support",
                client_group="generic",
                districts=["east-cambridgeshire"],
                term_years=3,
                lead_id=lead.id,
            ),
            lead,
            datetime.fromisoformat(E2E_NOW),
        )
        deadline = db.session.scalar(
            select(Milestone).where(
                Milestone.procurement_id == procurement.id, Milestone.kind == "tender-deadline"
            )
        )
        if deadline is None:
            deadline = Milestone(procurement_id=procurement.id, kind="tender-deadline")
            db.session.add(deadline)
        deadline.due_at = DEADLINE
        db.session.commit()
        db.session.remove()
    frozen = app.config["FROZEN_NOW"]
    yield live_server
    app.config["FROZEN_NOW"] = frozen


def add_supplier(page: Page, name: str, day: str) -> None:
    page.get_by_role("button", name="Add a supplier").click()
    page.get_by_label("Organisation name").fill(name)
    page.get_by_label("Day", exact=True).fill(day)
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Time (optional)").fill("10:30")
    page.get_by_role("button", name="Add the supplier").click()
    expect(page.get_by_text(f"{name} has been added.")).to_be_visible()


def test_a_lead_invites_suppliers_records_bids_and_opens_them_after_the_deadline(
    page: Page, invited_tender: SimpleNamespace
) -> None:
    sign_in(page, "lead@tenderflow.example")
    page.goto(f"/procurements/{REFERENCE}")
    page.get_by_role("link", name="View the bidders").click()

    # No expressions of interest and no shortlist on suitability below the threshold (s.85).
    expect(page.get_by_role("button", name="Record an expression of interest")).to_have_count(0)
    expect(page.get_by_role("button", name="Shortlist", exact=True)).to_have_count(0)

    # A first attempt with no name shows the error summary.
    page.get_by_role("button", name="Add a supplier").click()
    page.get_by_role("button", name="Add the supplier").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the organisation's name")
    page.get_by_role("link", name="Back").click()

    add_supplier(page, "Soham Community Housing", "9")
    add_supplier(page, "Ely Tenancy Support", "10")

    # Fewer suppliers are invited than the route asks for: the lead says why.
    page.get_by_role("button", name="Fewer suppliers than needed").click()
    page.get_by_label("Soham Community Housing").check()
    page.get_by_label("Ely Tenancy Support").check()
    page.get_by_label("Why fewer suppliers are asked").fill(
        "Only two providers work in the district"
    )
    page.get_by_role("button", name="Save the shortlist").click()
    expect(page.get_by_text("Shortlist saved: 2 organisations.")).to_be_visible()

    page.get_by_role("button", name="Issue the invitation to tender").click()
    page.get_by_label("Sent to the shortlisted organisations").check()
    page.get_by_role("button", name="Record the issue").click()
    expect(page.get_by_text("2 organisations invited.")).to_be_visible()

    # Bids arrive before the deadline and stay sealed.
    page.get_by_role("link", name="Bids received").click()
    for name in ("Soham Community Housing", "Ely Tenancy Support"):
        page.get_by_role("button", name="Record a bid received").click()
        page.get_by_label("Bidder").select_option(label=name)
        page.get_by_role("button", name="Record the bid").click()
        expect(page.get_by_text(f"Bid from {name} recorded.")).to_be_visible()
        expect(page.get_by_role("heading", name=f"Bid from {name}")).to_be_visible()
        if name != "Ely Tenancy Support":
            page.get_by_role("link", name="All bids").click()
    page.get_by_label("Add a document to the bid").set_input_files(
        files=[{"name": "tender.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload the document").click()
    expect(page.get_by_text("tender.pdf has been added to the bid.")).to_be_visible()
    expect(page.get_by_role("link", name="tender.pdf")).to_have_count(0)
    page.get_by_role("link", name="All bids").click()
    expect(page.get_by_text("Bids are sealed until the tender deadline has passed")).to_be_visible()
    expect(page.get_by_role("button", name="Open the bids")).to_have_count(0)

    # The deadline passes; the lead opens the bids.
    invited_tender.app.config["FROZEN_NOW"] = (DEADLINE + timedelta(hours=1)).isoformat()
    page.reload()
    page.get_by_role("button", name="Open the bids").click()
    expect(page.get_by_text("2 bids opened.")).to_be_visible()
    expect(page.get_by_role("cell", name="Sealed")).to_have_count(0)
    page.get_by_role("link", name="Ely Tenancy Support").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="tender.pdf").click()
    assert download.value.suggested_filename == "tender.pdf"
