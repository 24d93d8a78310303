"""The four documents converted to PDF by LibreOffice and read back as a reader would.

Every document is converted once per session, in one LibreOffice run. Without LibreOffice
the tests fail, naming the command that installs it (`make test` runs it first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tenderflow.documents import (
    build_assessment_summaries,
    build_committee_report,
    build_evaluation_report,
    build_procurement_plan,
    convert_to_pdf,
    pdf_page_count,
    pdf_text,
    write_docx,
)
from tenderflow.documents.content import Document, Table
from tenderflow.documents.pdf import soffice_path
from tests import sample_documents as sample

TOTALS = ("79.83", "73.81", "70.00", "69.37")


@dataclass(frozen=True)
class Pdf:
    """A converted document: its page count, its text per page, and all of it on one line."""

    pages: int
    page_texts: list[str]
    text: str


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    if soffice_path() is None:
        # `make test` installs it first; run on their own, these tests say how.
        pytest.fail(
            "LibreOffice (soffice) is not installed: scripts/ensure-system-packages libreoffice",
            pytrace=False,
        )
    folder = tmp_path_factory.mktemp("documents")
    documents = {
        "evaluation-report": build_evaluation_report(sample.evaluation_input()),
        "committee-report": build_committee_report(sample.committee_report_input()),
        "procurement-plan": build_procurement_plan(sample.procurement_plan_input()),
    }
    documents["long-table"] = Document(
        "test",
        "A long table",
        (
            Table(
                columns=("Bidder", "Total score", "Note"),
                rows=tuple((f"Bidder {n} Ltd", f"{n / 2:.2f}", "Evaluated") for n in range(1, 151)),
            ),
        ),
    )
    summaries = build_assessment_summaries(sample.assessment_input())
    for number, summary in enumerate(summaries.values(), start=1):
        documents[f"assessment-summary-{number}"] = summary
    paths = [write_docx(doc, None, folder / f"{name}.docx") for name, doc in documents.items()]
    converted = {}
    for path in convert_to_pdf(paths, folder / "pdf"):
        pages = pdf_text(path).split("\f")
        converted[path.stem] = Pdf(pdf_page_count(path), pages, flat(" ".join(pages)))
    converted.update(
        {
            f"summary for {b}": converted[f"assessment-summary-{n}"]
            for n, b in enumerate(summaries, 1)
        }
    )
    return converted


def test_the_evaluation_report_runs_to_a_sensible_number_of_pages(pdfs: dict[str, Pdf]) -> None:
    assert 8 <= pdfs["evaluation-report"].pages <= 20


def test_the_evaluation_report_opens_with_its_cover_then_the_contents(pdfs: dict[str, Pdf]) -> None:
    pages = pdfs["evaluation-report"].page_texts
    assert "Tender evaluation report" in pages[0] and "KCC-SP-2026-014" in pages[0]
    assert "Page 1 of" not in pages[0]
    assert flat(pages[1]).startswith("Contents 1. Summary and recommendation")
    assert f"Page 2 of {pdfs['evaluation-report'].pages}" in pages[1]


def test_the_evaluation_report_holds_the_recommendation_every_bidder_and_the_scores(
    pdfs: dict[str, Pdf],
) -> None:
    text = pdfs["evaluation-report"].text
    assert flat(sample.RECOMMENDATION) in text
    for bidder in sample.ALL_BIDDERS:
        assert bidder in text
    for total in TOTALS:
        assert total in text
    assert "Sign-off" in pdfs["evaluation-report"].page_texts[-1]


def test_a_table_running_over_several_pages_repeats_its_header_row_on_each(
    pdfs: dict[str, Pdf],
) -> None:
    long_table = pdfs["long-table"]
    assert long_table.pages >= 3
    for page in long_table.page_texts[1:]:
        assert flat(page).startswith("Bidder Total score Note")
    assert "Bidder 150 Ltd" in long_table.text


def test_the_committee_report_reads_like_a_council_paper(pdfs: dict[str, Pdf]) -> None:
    report = pdfs["committee-report"]
    assert 2 <= report.pages <= 5
    text = report.text
    for label in ("By:", "To:", "Subject:", "Classification:", "Summary", "Background documents"):
        assert label in text
    assert "The Commissioning Body is asked to note and agree:" in text
    assert "(1) The Commissioning Body agreed the procurement plan" in text
    assert "Sam Oduya" in text and "sam.oduya@kent.example" in text
    for total in TOTALS:
        assert total in text


def test_the_procurement_plan_has_every_kent_heading(pdfs: dict[str, Pdf]) -> None:
    plan = pdfs["procurement-plan"]
    assert 2 <= plan.pages <= 6
    for heading in (
        "1. Description",
        "3. Value",
        "7. Procurement risks",
        "8. Procurement route options and evaluation",
        "12. Estimated timetable",
        "14. Reviews planned",
    ):
        assert heading in plan.text
    assert "Up to £3.5 million a year" in plan.text


@pytest.mark.parametrize("bidder", sample.ASSESSED)
def test_each_assessment_summary_holds_its_own_scores_and_no_other_loser(
    pdfs: dict[str, Pdf], bidder: str
) -> None:
    summary = pdfs[f"summary for {bidder}"]
    assert 2 <= summary.pages <= 4
    if bidder != sample.WINNER:  # it also sets out the winner's scores beside its own
        assert summary.pages > pdfs[f"summary for {sample.WINNER}"].pages
    results = {r.bidder: r for r in sample.evaluation_input().results}
    assert bidder in summary.text
    assert f"{results[bidder].total:.2f}" in summary.text
    assert "14 October 2026" in summary.text and "24 October 2026" in summary.text
    losers = [b for b in sample.ASSESSED if b not in (bidder, sample.WINNER)]
    for other in losers:
        assert other not in summary.text
        assert f"{results[other].total:.2f}" not in summary.text
