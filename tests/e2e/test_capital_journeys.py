"""District council officers put schemes forward; an SP team scorer scores and agrees a flag."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, sign_out

SCHEME = "Wisbech Road young people's flats"


def answer(page: Page, question: str, option: str) -> None:
    """Choose an option in the radios asked by ``question``."""
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def test_a_district_officer_completes_a_scheme_and_another_imports_a_spreadsheet(
    page: Page, tmp_path: Path
) -> None:
    sign_in(page, "fenland@tenderflow.example")
    page.get_by_role("link", name="Capital bids").click()
    expect(page.get_by_role("heading", name="Capital bids")).to_be_visible()
    expect(page.get_by_text("St Ives extra care courtyard")).to_have_count(0)  # Huntingdonshire's
    page.get_by_role("button", name="Start a scheme").first.click()

    # Only a name, then straight to submitting: every missing answer is listed, nothing submitted.
    page.get_by_label("Scheme name").fill(SCHEME)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    page.get_by_role("button", name="Submit the scheme").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the provider")
    expect(summary).to_contain_text("Enter the capital sought")
    expect(summary).to_contain_text("Enter the evidence of need")

    # The summary's links lead back to the questions.
    summary.get_by_role("link", name="Enter the provider").click()
    page.get_by_label("Provider").fill("Fenland Foyer Housing Association")
    page.get_by_label("Client group").select_option(label="Young people at risk")
    answer(page, "Service type", "Accommodation based service")
    answer(page, "Is this a new service?", "A new service")
    page.get_by_label("Number of units").fill("9")
    page.get_by_label("Describe the scheme").fill(
        "Nine flats with support for young people leaving care."
    )
    page.get_by_label("Capital sought").fill("850,000")
    page.get_by_label("Source of capital").select_option(
        label="Homes England Affordable Homes Programme"
    )
    page.get_by_label("Revenue support sought per year").fill("78000")
    dates = page.get_by_role("group", name="Expected service start date")
    dates.get_by_label("Day").fill("1")
    dates.get_by_label("Month").fill("10")
    dates.get_by_label("Year").fill("2028")
    for question in (
        "Has revenue funding been identified for the housing-related support?",
        "Is it true that floating support could not deliver this service effectively?",
        "Is it true that no existing accommodation meets these service users' needs?",
        "Do the service users need intensive or specialist support that can only be provided in an accommodation-based setting?",
    ):
        answer(page, question, "Yes")
    for label in (
        "Where the revenue funding will come from",
        "Why floating support could not deliver the service",
        "What existing accommodation was considered",
        "The intensive or specialist support needed",
        "Evidence of strategic relevance",
        "Evidence of need",
        "Evidence of added value",
        "Evidence of deliverability",
        "Unique factors",
    ):
        page.get_by_label(label, exact=True).fill("Set out in the district's needs analysis, 2026.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    page.get_by_role("button", name="Submit the scheme").click()
    expect(page.get_by_text(f"{SCHEME} has been submitted.")).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    sign_out(page)

    # Huntingdonshire keeps its matrices in a spreadsheet: fill in the template and upload it.
    sign_in(page, "huntingdonshire@tenderflow.example")
    page.get_by_role("link", name="Capital bids").click()
    expect(page.get_by_text(SCHEME)).to_have_count(0)  # never another district's schemes
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the spreadsheet template").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book["Schemes"]
    column = {re.search(r"\[(\w+)\]$", str(c.value)).group(1): c.column for c in sheet[1]}  # type: ignore[union-attr]
    row = {
        "scheme_name": "Godmanchester refuge annexe",
        "provider": "Great Ouse Women's Aid Housing",
        "client_group": "People at risk of domestic abuse",
        "service_type": "Accommodation based service",
        "development": "Remodelling or replacing an existing service",
        "units": 4,
        "description": "Four more refuge rooms with specialist support for women with complex needs.",
        "capital_sought": 480000,
        "capital_source": "District or county council capital programme",
        "revenue_per_year": 36000,
        "gateway_revenue_funding": "Yes",
        "gateway_revenue_funding_details": "Joint funding agreed with the neighbouring authority.",
    }
    for field in (
        "strategic_relevance",
        "evidence_of_need",
        "added_value",
        "deliverability",
        "unique_factors",
    ):
        row[f"criterion_{field}"] = "See the refuge review, 2026."
    for key, value in row.items():
        sheet.cell(row=2, column=column[key], value=value)
    sheet.cell(row=2, column=column["start_date"], value="1/4/2028")
    upload = tmp_path / "huntingdonshire-schemes.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)

    # A first try with a mistake is refused whole, naming the cell.
    sheet.cell(row=2, column=column["units"], value="four")
    book.save(upload)
    page.get_by_role("button", name="Upload a spreadsheet").first.click()
    page.get_by_label("Spreadsheet (.xlsx)").set_input_files(str(upload))
    page.get_by_label("Submit them now").check()
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_test_id("import-problems")).to_contain_text(
        "Number of units must be a whole number"
    )

    upload.write_bytes(buffer.getvalue())
    page.get_by_label("Spreadsheet (.xlsx)").set_input_files(str(upload))
    page.get_by_label("Submit them now").check()
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("1 scheme submitted from the spreadsheet.")).to_be_visible()
    expect(page.get_by_role("link", name="Godmanchester refuge annexe")).to_be_visible()


def test_an_sp_scorer_scores_a_scheme_sees_the_flag_and_agrees_it(page: Page) -> None:
    sign_in(page, "spteam@tenderflow.example")
    page.get_by_role("link", name="Scoring").click()
    queue = page.get_by_test_id("scoring-queue")
    expect(queue).to_contain_text("Ben Adeyemi")  # the second scorer got there first
    queue.get_by_role("link", name="Wisbech foyer for young people").click()
    expect(page.get_by_text("Also scored by Ben Adeyemi")).to_be_visible()

    page.get_by_role("button", name="Save scores").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select a score for Strategic Relevance"
    )

    for gateway in (
        "Revenue funding for the support is identified",
        "Floating support cannot deliver the service",
        "No suitable existing accommodation",
        "Users need intensive or specialist support",
    ):
        answer(page, gateway, "Pass")
    scores = {
        "Strategic Relevance": "3",  # Ben gave 5: two points apart
        "Evidence of Need": "4",
        "Added Value": "3",
        "Deliverability": "4",
        "Unique Factors": "2",
    }
    for criterion, score in scores.items():
        answer(page, f"Score for {criterion}", score)
        page.get_by_label(f"Comment on the {criterion} score").fill(
            "Judged against the descriptors."
        )
    page.get_by_role("button", name="Save scores").click()

    expect(
        page.get_by_role("heading", name="Agree scores for Wisbech foyer for young people")
    ).to_be_visible()
    flag = page.get_by_test_id("flag-strategic-relevance")
    expect(flag).to_contain_text("2 points apart")
    expect(flag).to_contain_text("Ben Adeyemi")
    expect(page.get_by_test_id("flag-unique-factors")).to_have_count(0)  # one point apart
    answer(page, "Agreed score for Strategic Relevance", "4")
    page.get_by_label("Why the scorers agreed this").fill(
        "Meets priority 9 but not a top-ranked one."
    )
    page.get_by_role("button", name="Save agreed scores").click()
    expect(
        page.get_by_text("The agreed scores for Wisbech foyer for young people are saved.")
    ).to_be_visible()
    row = page.get_by_test_id("scoring-queue").get_by_role("row", name=re.compile("Wisbech foyer"))
    expect(row).not_to_contain_text("to agree")
