"""A new procurement lead is given an account, signs in and creates their first procurement."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, sign_out


def test_an_administrator_adds_a_lead_who_creates_a_procurement(page: Page) -> None:
    sign_in(page, "admin@tenderflow.example")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("Full name").fill("Jordan Blake")
    page.get_by_label("Email address").fill("jordan.blake@council.example")
    page.get_by_label("Procurement lead").check()
    page.get_by_role("button", name="Save account").click()
    notice = page.locator(".govuk-notification-banner").filter(
        has_text="Account created for Jordan Blake, and an invitation"
    )
    expect(notice).to_be_visible()
    # With email off (as here), the administrator passes the one-time link on.
    found = re.search(r"http\S+/account/set-password/\S+", notice.inner_text())
    assert found, notice.inner_text()
    sign_out(page)

    page.goto(found.group(0))
    page.get_by_label("New password", exact=True).fill("a-long-first-password")
    page.get_by_label("Confirm new password").fill("a-long-first-password")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set. Sign in with it now.")).to_be_visible()

    sign_in(page, "jordan.blake@council.example", "a-long-first-password")
    page.get_by_role("button", name="Start a new procurement").click()

    # A first attempt with no answers shows the error summary, and nothing is saved.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(summary).to_contain_text("Enter the contract value")

    page.get_by_label("Title").fill("Young people's supported housing, Fenland")
    page.get_by_label("Reference").fill("CCC-YP-FEN-2027")
    page.get_by_label("Description").fill(
        "Supported housing with 24-hour cover for young people at risk."
    )
    page.get_by_label("Procurement lead").select_option(label="Jordan Blake")
    page.get_by_label("Service type").select_option(label="Accommodation based service")
    page.get_by_label("Client group").select_option(label="Young people at risk")
    page.get_by_label("Fenland (Cambridgeshire)").check()
    page.get_by_label("Estimated contract value").fill("48,000")
    page.get_by_label("Annual value").check()
    page.get_by_label("Contract term in years").fill("3")
    page.get_by_label("Optional extensions in years").fill("2")
    page.get_by_label("0% (exempt or zero-rated").check()
    page.get_by_label("Contract regulations").select_option("cambridgeshire-2008")
    page.get_by_label("Light-touch services").check()
    page.get_by_label("Day", exact=True).fill("2")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Continue").click()

    # The route is shown, with its reason, before anything is saved.
    expect(page.get_by_role("heading", name="Route: Advertised tender")).to_be_visible()
    expect(page.get_by_test_id("route-explanation")).to_contain_text("£240,000.00")
    page.get_by_role("button", name="Create procurement").click()

    expect(page.get_by_text("Procurement CCC-YP-FEN-2027 created.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Young people's supported housing, Fenland")
    ).to_be_visible()
    page.get_by_role("link", name="All procurements").click()
    expect(page.locator('[data-stage="planning"]')).to_contain_text("CCC-YP-FEN-2027")

    # They set up two-factor sign-in: the page shows a QR code and the key to type instead.
    page.goto("/account/two-factor")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    key = page.locator(".tf-setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Two-factor sign-in is set up.")).to_be_visible()
