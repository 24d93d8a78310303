"""Contract management in the browser: a contract manager records a quarterly return and
holds the meeting the band requires; the commissioning body takes up an extension; anyone
signed in downloads the transparency register."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, sign_out

REFUGE = "KCC-REFUGE-2024"


def test_a_contract_manager_uploads_a_return_one_bad_row_refused_then_accepted(
    page: Page, tmp_path: Path
) -> None:
    sign_in(page, "contracts@tenderflow.example")
    page.get_by_role("link", name="Contracts", exact=True).click()
    page.get_by_role("link", name=REFUGE).click()
    expect(page.get_by_test_id("band")).to_contain_text("High priority")
    page.get_by_role("button", name="Upload returns").click()
    bad = tmp_path / "returns.csv"
    bad.write_text(
        "year,quarter,indicator,value\n"
        "2026,3,staffing,94\n"
        "2026,3,utilisation,ninety\n"
        "2026,3,throughput,61\n"
    )
    page.get_by_label("Upload a file of returns").set_input_files(str(bad))
    page.get_by_role("button", name="Upload the returns").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has 1 problem; nothing was saved")
    expect(summary).to_contain_text("Row 3: enter the value as a number, like 96.5")
    assert page.title().startswith("Error:")
    good = tmp_path / "returns-corrected.csv"
    good.write_text(
        "year,quarter,indicator,value\n"
        "2026,3,staffing,94\n"
        "2026,3,utilisation,90\n"
        "2026,3,throughput,61\n"
    )
    page.get_by_label("Upload a file of returns").set_input_files(str(good))
    page.get_by_role("button", name="Upload the returns").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 figures recorded")
    expect(page.get_by_test_id("returns")).to_contain_text("2026 Q3")


def test_a_contract_manager_schedules_the_meeting_the_band_needs_and_records_its_actions(
    page: Page,
) -> None:
    sign_in(page, "contracts@tenderflow.example")
    page.goto(f"/contracts/{REFUGE}")
    page.get_by_role("button", name="Schedule a meeting").click()
    # High band: every 3 months from the meeting held in September.
    expect(page.locator("main")).to_contain_text("needs a meeting by 16 December 2026")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_test_id("upcoming-meeting")).to_contain_text("16 December 2026")
    page.get_by_role("link", name="record the meeting").click()
    group = page.get_by_role("group", name="Date the meeting was held")
    group.get_by_label("Day").fill("16")
    group.get_by_label("Month").fill("11")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("Notes").fill("Staff issues: one post filled, one still vacant.")
    page.get_by_label("An action agreed (optional)").fill("Advertise the vacant post again")
    page.get_by_label("Who owns the action").fill("Provider's service manager")
    due = page.get_by_role("group", name="When the action is due")
    due.get_by_label("Day").fill("15")
    due.get_by_label("Month").fill("12")
    due.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_test_id("meetings")).to_contain_text("Advertise the vacant post again")
    expect(page.locator("main")).to_contain_text("The band needs one by 16 February 2027")


def test_the_commissioning_body_takes_up_an_extension(page: Page) -> None:
    sign_in(page, "contracts@tenderflow.example")
    page.goto("/contracts/CCC-FS-2023")
    page.get_by_role("button", name="Ask for an extension").click()
    page.get_by_label("The case for extending").fill("Every target met for two years.")
    page.get_by_role("button", name="Ask the commissioning body").click()
    expect(page.get_by_test_id("pending-extension")).to_contain_text("30 June 2028")
    sign_out(page)
    sign_in(page, "commissioning@tenderflow.example")
    page.get_by_role("link", name="Contract decisions").click()
    page.get_by_role("link", name="CCC-FS-2023", exact=False).click()
    page.get_by_label("Take up the extension").check()
    page.get_by_label("Minute reference (optional)").fill("CB/2026/41")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("main")).to_contain_text("Nothing is waiting for a decision")


def test_the_transparency_register_downloads_as_csv(page: Page, tmp_path: Path) -> None:
    sign_in(page, "fenland@tenderflow.example")
    page.goto("/transparency/contracts")
    expect(page.get_by_test_id("register")).to_contain_text(REFUGE)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the register (CSV)").click()
    saved = tmp_path / "register.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Reference,Title,Description,Supplier")
    assert any(line.startswith(f"{REFUGE},") for line in lines)
