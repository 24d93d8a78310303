"""An evaluator signs, declares, scores with drafts and submits; a moderator agrees consensus."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

SCORING = "Floating support for young people, East Cambridgeshire and Fenland"
MODERATING = "Supported housing for single homeless people, Huntingdonshire"


def test_an_evaluator_signs_declares_scores_with_drafts_and_submits(page: Page) -> None:
    sign_in(page, "evaluator1@tenderflow.example")
    page.get_by_role("link", name="Evaluations").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()
    page.get_by_role("link", name=SCORING).click()
    # Nothing of the bids is shown before signing and declaring.
    expect(page.get_by_text("Ely Foyer Trust")).to_have_count(0)
    page.get_by_role("link", name="Sign the confidentiality agreement").click()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("I agree to keep the evaluation confidential").check()
    page.get_by_role("button", name="Sign the agreement").click()

    expect(page.get_by_role("heading", name="Declare conflicts of interest")).to_be_visible()
    for bidder in ("Ely Foyer Trust", "Fen Edge Support", "Isle Youth Housing Co-operative"):
        group = page.get_by_role("group", name=f"Do you have a conflict of interest with {bidder}?")
        group.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record my declaration").click()

    criteria = page.get_by_test_id("my-criteria")
    expect(criteria).to_contain_text("0 of 3 scored")
    criteria.get_by_role("link", name=re.compile("^Q1: ")).click()
    page.get_by_label("Score for Ely Foyer Trust").fill("4")
    page.get_by_label("Comment for Ely Foyer Trust").fill("Clear plan for care leavers.")
    page.get_by_label("Score for Fen Edge Support").fill("3")
    page.get_by_label("Score for Isle Youth Housing Co-operative").fill("6")
    page.get_by_label("Comment for Isle Youth Housing Co-operative").fill("Strong.")
    page.get_by_role("button", name="Save draft and go to Q2").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Fen Edge Support: comment is missing")
    expect(summary).to_contain_text("score 6 is off the scale 0 to 5")
    page.get_by_label("Comment for Fen Edge Support").fill("Adequate, some evidence.")
    page.get_by_label("Score for Isle Youth Housing Co-operative").fill("4.5")
    page.get_by_role("button", name="Save draft and go to Q2").click()

    expect(page.get_by_role("heading", name=re.compile("^Q2: "))).to_be_visible()
    page.get_by_label("Score for Ely Foyer Trust").fill("3")
    page.get_by_label("Comment for Ely Foyer Trust").fill("Partnerships named, few details.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("my-criteria")).to_contain_text("1 of 3 scored")

    # Submitting with gaps is refused and names them.
    page.get_by_role("button", name="Submit your scores").click()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Fen Edge Support on Q2")
    page.get_by_role("link", name="Back to your scores").click()
    page.get_by_test_id("my-criteria").get_by_role("link", name=re.compile("^Q2: ")).click()
    page.get_by_label("Score for Fen Edge Support").fill("2")
    page.get_by_label("Comment for Fen Edge Support").fill("Little on local partners.")
    page.get_by_label("Score for Isle Youth Housing Co-operative").fill("4")
    page.get_by_label("Comment for Isle Youth Housing Co-operative").fill("Good local links.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit your scores").click()
    page.get_by_role("button", name="Submit my scores").click()
    expect(
        page.get_by_text("You submitted 6 scores. They can no longer be changed.")
    ).to_be_visible()

    # Locked: the scores show as submitted, with nothing to edit.
    page.get_by_test_id("my-criteria").get_by_role("link", name=re.compile("^Q1: ")).click()
    expect(page.get_by_text("Submitted: 4.5")).to_be_visible()
    expect(page.get_by_label("Score for Ely Foyer Trust")).to_have_count(0)


def test_a_moderator_sees_flags_agrees_consensus_raises_a_query_and_reads_results(
    page: Page,
) -> None:
    sign_in(page, "moderator@tenderflow.example")
    page.get_by_role("link", name="Evaluations").click()
    page.get_by_role("link", name=MODERATING).click()
    page.get_by_role("link", name="Go to the moderation screen").click()
    expect(page.get_by_role("heading", name="Moderation")).to_be_visible()
    q1 = page.get_by_test_id("criterion-Q1")
    expect(q1).to_contain_text("Flagged")
    expect(q1).to_contain_text("Fiona MacLeod: 2")
    expect(q1).to_contain_text("Daniel Hughes: 5")

    page.get_by_role("link", name="Record consensus scores for Q1").click()
    page.get_by_label("Consensus score for Huntingdon Night Light Trust").fill("3")
    page.get_by_role("button", name="Save consensus scores").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the rationale for the consensus score for Huntingdon Night Light Trust"
    )
    page.get_by_label("Rationale for Huntingdon Night Light Trust").fill(
        "The support plan meets the requirement; the high score overlooked staffing gaps."
    )
    page.get_by_role("button", name="Save consensus scores").click()
    q1 = page.get_by_test_id("criterion-Q1")
    expect(q1).to_contain_text("the high score overlooked staffing gaps")
    expect(q1).to_contain_text("Daniel Hughes: 5")  # the original scores stay beside it

    page.get_by_role("link", name="Queries").first.click()
    page.get_by_label("Query").fill("Ask Huntingdon Night Light Trust to explain its low price.")
    page.get_by_label("Bid (optional)").select_option(label="Huntingdon Night Light Trust")
    page.get_by_role("button", name="Raise the query").click()
    queries = page.get_by_test_id("queries")
    expect(queries).to_contain_text("Open")
    queries.get_by_role("link", name="Resolve").click()
    page.get_by_label("How was it resolved?").fill("The trust confirmed volunteer hours.")
    page.get_by_role("button", name="Resolve the query").click()
    expect(page.get_by_test_id("queries")).to_contain_text("Resolved")

    page.goto(page.url.replace("/queries", "/results"))
    expect(page.get_by_role("heading", name="Evaluation results")).to_be_visible()
    expect(page.get_by_text(re.compile("Provisional: not every criterion"))).to_be_visible()
    expect(page.get_by_test_id("ranking")).to_contain_text("Ouse Valley Housing Support")
    expect(page.get_by_test_id("sensitivity")).to_be_visible()
    expect(page.get_by_test_id("value-for-money")).to_contain_text("Huntingdon Night Light Trust")
    expect(page.get_by_text(re.compile("higher quality score wins"))).to_be_visible()


def test_an_evaluator_scores_offline_in_the_workbook_and_a_bad_row_imports_nothing(
    page: Page, tmp_path: Path
) -> None:
    sign_in(page, "evaluator3@tenderflow.example")
    page.get_by_role("link", name="Evaluations").click()
    page.get_by_role("link", name=SCORING).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your scoring workbook").click()
    blank = tmp_path / "blank.xlsx"
    download.value.save_as(blank)
    book = openpyxl.load_workbook(blank)
    rows = list(book["Scores"].iter_rows(min_row=2))
    assert {r[0].value for r in rows} == {
        "Ely Foyer Trust",
        "Fen Edge Support",
        "Isle Youth Housing Co-operative",
    }
    for index, row in enumerate(rows):
        row[3].value = [4, 3, 2.5][index % 3]
        row[4].value = f"Evidence seen on {row[1].value}."
    # Two mistakes: a score off the scale and a missing comment. Nothing must be imported.
    rows[1][3].value = 7
    rows[4][4].value = None
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    page.get_by_role("link", name="Import a completed workbook").click()
    page.get_by_label("Scoring workbook (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Import the workbook").click()
    problems = page.get_by_test_id("workbook-problems")
    expect(problems).to_contain_text("Nothing was imported")
    expect(problems).to_contain_text("Scores row 3")
    expect(problems).to_contain_text("Scores row 6")
    expect(problems.locator("li")).to_have_count(2)
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_test_id("my-criteria")).to_contain_text("0 of 3 scored")

    rows[1][3].value = 3.5
    rows[4][4].value = "Evidence seen, thinly."
    good = tmp_path / "good.xlsx"
    book.save(good)
    page.get_by_role("link", name="Import a completed workbook").click()
    page.get_by_label("Scoring workbook (.xlsx)").set_input_files(str(good))
    page.get_by_label("Submit the scores on import (they are then locked)").check()
    page.get_by_role("button", name="Import the workbook").click()
    expect(page.get_by_text(f"{len(rows)} scores imported and submitted.")).to_be_visible()
    corrected = f"^{rows[1][1].value}: "  # the criterion of the corrected row
    page.get_by_test_id("my-criteria").get_by_role("link", name=re.compile(corrected)).click()
    expect(page.get_by_text("Submitted: 3.5")).to_be_visible()
    expect(page.get_by_label(f"Score for {rows[1][0].value}")).to_have_count(0)
