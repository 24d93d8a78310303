"""Document content as plain data: sections, numbers and wording, checked without Word."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from tenderflow.documents import (
    build_evaluation_report,
)
from tenderflow.documents.content import (
    Chart,
    Document,
    NumberedSection,
    Paragraph,
    Table,
    headings,
    iter_blocks,
    plain_text,
    tables,
)
from tenderflow.documents.evaluation_scores import spread_chart_data, total_scores_chart_data
from tenderflow.documents.formatting import format_date, format_score, format_total, ordinal
from tenderflow.documents.inputs import TimetableRow
from tenderflow.domain.money import format_gbp
from tests import sample_documents as sample

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report() -> Document:
    return build_evaluation_report(sample.evaluation_input())


def table_titled(document: Document, caption: str) -> Table:
    return next(t for t in tables(document) if t.caption == caption)


def section_titles(document: Document) -> list[str]:
    return [b.heading for b in document.blocks if isinstance(b, NumberedSection)]


# --- formatting ----------------------------------------------------------------------------


def test_dates_scores_and_money_are_written_the_british_way() -> None:
    assert format_date(date(2026, 3, 2)) == "2 March 2026"
    assert format_score(Decimal("3.50")) == "3.5"
    assert format_score(Decimal("4")) == "4"
    assert format_total(Decimal("78.4")) == "78.40"
    assert format_gbp(Decimal("9210000")) == "£9,210,000.00"
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 112)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "12th",
        "13th",
        "21st",
        "112th",
    ]


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells, the table has 2"):
        Table(columns=("Bidder", "Score"), rows=(("A", "1"), ("B",)))


# --- tender evaluation report ---------------------------------------------------------------


def test_the_evaluation_report_has_every_required_section_in_order(report: Document) -> None:
    assert section_titles(report) == [
        "1. Summary and recommendation",
        "2. Procurement route and compliance",
        "3. Timetable",
        "4. The panel and their declarations",
        "5. Bids received, late and excluded",
        "6. Evaluation method",
        "7. Pass/fail results",
        "8. Evaluators' and consensus scores",
        "9. Price analysis and value for money",
        "10. Ranking",
        "11. Sensitivity of the result",
        "12. Clarifications log",
        "13. Recommendation for contract award",
    ]


def test_the_evaluation_report_has_a_cover_contents_and_a_sign_off_block(report: Document) -> None:
    assert report.cover is not None and report.toc
    assert report.cover.title == "Tender evaluation report"
    assert ("Reference", "KCC-SP-2026-014") in report.cover.details
    assert report.sign_off is not None
    assert [s.name for s in report.sign_off.signatories] == [
        "Priya Natarajan",
        "Tom Ashdown",
        "Rachel Whitfield",
    ]


def test_the_summary_gives_the_recommendation_and_the_winning_score(report: Document) -> None:
    summary = report.blocks[0]
    assert isinstance(summary, NumberedSection)
    text = "\n".join(b.text for b in summary.blocks if isinstance(b, Paragraph))
    assert sample.RECOMMENDATION in text
    assert "Harbour Light Housing Trust ranked first with 79.83 out of 100" in text
    assert "6 tenders were received: 1 late and not opened, 1 excluded and 4 evaluated" in text


def test_the_route_section_states_the_rule_set_threshold_and_why(report: Document) -> None:
    rows = dict(table_titled(report, "Route decision").rows)
    assert rows["National regime"] == "Procurement Act 2023"
    assert rows["National threshold"] == "£663,540.00"
    assert rows["Whole-life value"] == "£17,500,000.00"
    assert rows["Route"] == "National procedure"
    assert "is at or above the Procurement Act 2023 threshold" in plain_text(report)


def test_each_evaluators_score_sits_beside_the_agreed_score_and_rationale(report: Document) -> None:
    scores = table_titled(report, f"Scores for {sample.WINNER}")
    assert scores.columns[:6] == ("Criterion", "Weight", "E1", "E2", "E3", "Spread")
    q5 = scores.rows[4]
    assert q5[:8] == ("Q5 Mobilisation and TUPE", "10%", "3", "1", "3", "2 (flag)", "3", "6.00")
    assert q5[8].startswith("A 12-week mobilisation plan")
    assert scores.rows[-1][0] == "Quality total" and scores.rows[-1][-2] == "57.00"


def test_spreads_at_or_over_the_threshold_are_flagged_and_shaded(report: Document) -> None:
    scores = table_titled(report, f"Scores for {sample.WINNER}")
    spread_column = scores.columns.index("Spread")
    assert scores.highlight == frozenset({(4, spread_column)})
    assert scores.rows[0][spread_column] == "1"  # a spread of 1 is not flagged


def test_an_evaluator_with_a_conflict_has_a_dash_for_the_bid_they_did_not_score(
    report: Document,
) -> None:
    scores = table_titled(report, f"Scores for {sample.WEALD}")
    assert {row[3] for row in scores.rows[:-1]} == {"–"}  # E2 declared a conflict
    panel = table_titled(report, "Evaluation panel and declarations")
    assert panel.rows[1][-1] == sample.WEALD


def test_a_delay_without_a_reason_is_shaded_and_named_in_the_compliance_checks() -> None:
    data = sample.evaluation_input()
    slipped = TimetableRow(
        "Moderation meeting",
        date(2026, 8, 25),
        date(2026, 8, 25),
        date(2026, 9, 8),
        date(2026, 9, 8),
    )
    document = build_evaluation_report(
        dataclasses.replace(data, timetable=(slipped,)), draw_charts=False
    )
    timetable = table_titled(document, "Timetable: planned against actual")
    assert timetable.rows[0][5:] == ("14 days late", "No reason recorded")
    assert timetable.highlight == frozenset({(0, 6)})
    assert "No reason is recorded for the delay to Moderation meeting." in plain_text(document)


def test_late_and_excluded_bids_are_listed_with_their_reasons(report: Document) -> None:
    bids = {row[0]: row for row in table_titled(report, "Tenders received").rows}
    assert bids[sample.LATE][2:] == ("Yes", "Rejected: late", "Received after the deadline")
    assert bids[sample.EXCLUDED][3] == "Excluded"
    assert bids[sample.EXCLUDED][4].startswith("Failed PF2")
    assert bids[sample.WINNER][1] == "11:02 on 31 July 2026"


def test_the_method_lists_weights_adding_to_100_the_scale_and_the_price_formula(
    report: Document,
) -> None:
    criteria = table_titled(report, "Award criteria and weights")
    assert criteria.rows[-1] == ("Total", "", "", "100%", "")
    assert criteria.rows[-2] == ("Price", "P", "Price", "30%", "–")
    scale = table_titled(report, "Scoring scale")
    assert [row[0] for row in scale.rows] == ["0", "1", "2", "3", "4", "5"]
    assert sample.METHOD.price_formula in plain_text(report)


def test_a_failed_gateway_question_is_shaded_and_explained(report: Document) -> None:
    results = table_titled(report, "Pass/fail results")
    row = [r[0] for r in results.rows].index(sample.EXCLUDED)
    assert results.rows[row][2] == "Fail" and results.highlight == frozenset({(row, 2)})
    assert "Brightwater Support Ltd failed PF2" in plain_text(report)


def test_prices_show_the_difference_from_the_lowest_and_abnormally_low_bids(
    report: Document,
) -> None:
    prices = table_titled(report, "Prices and price scores")
    assert prices.rows[0] == (
        sample.WEALD,
        "£7,010,000.00",
        "£1,402,000.00",
        "Lowest",
        "30.00",
        "Yes: investigated",
    )
    assert (sample.WINNER, "£9,210,000.00", "£1,842,000.00", "+31.4%", "22.83", "No") in prices.rows
    checks = table_titled(report, "Value-for-money checks")
    assert [r[0] for i, r in enumerate(checks.rows) if (i, 4) in checks.highlight] == [
        sample.OASTHOUSE
    ]


def test_the_ranking_lists_bids_in_order_with_the_recommended_bid_in_bold(
    report: Document,
) -> None:
    ranking = table_titled(report, "Ranking of the bids")
    assert [(r[0], r[1], r[4]) for r in ranking.rows] == [
        ("1", sample.WINNER, "79.83"),
        ("2", sample.AWKWARD, "73.81"),
        ("3", sample.WEALD, "70.00"),
        ("4", sample.OASTHOUSE, "69.37"),
    ]
    assert ranking.emphasis_rows == frozenset({0})


def test_the_sensitivity_section_counts_the_scenarios_the_result_survives(
    report: Document,
) -> None:
    assert "stays first in 5 of 5 scenarios" in plain_text(report)
    assert table_titled(report, "Sensitivity of the result").highlight == frozenset()


def test_an_unpublished_clarification_is_shaded_and_named() -> None:
    data = sample.evaluation_input()
    hidden = dataclasses.replace(data.clarifications[1], published=False)
    document = build_evaluation_report(
        dataclasses.replace(data, clarifications=(data.clarifications[0], hidden)),
        draw_charts=False,
    )
    log = table_titled(document, "Clarifications log")
    assert log.highlight == frozenset({(1, 5)})
    assert "Clarifications CQ02 were not published to all bidders." in plain_text(document)


def test_the_three_charts_are_png_and_described_for_screen_readers(report: Document) -> None:
    charts = [b for b in iter_blocks(report.blocks) if isinstance(b, Chart)]
    assert [c.caption for c in charts] == [
        "Score spread between evaluators, by criterion",
        "Total scores by bidder",
        "Quality against price",
    ]
    assert all(c.png.startswith(PNG) for c in charts)
    assert "Q3, Q5" in charts[0].alt_text
    assert f"Recommended: {sample.WINNER}." in charts[1].alt_text


def test_chart_series_are_plain_data() -> None:
    data = sample.evaluation_input()
    totals = total_scores_chart_data(data)
    assert totals.labels[0] == sample.WINNER and totals.highlight == 0
    assert totals.values == (79.83, 73.81, 70.0, 69.37)
    spread = spread_chart_data(data)
    assert spread.categories == ("Q1", "Q2", "Q3", "Q4", "Q5", "SV1")
    assert spread.flagged == (False, False, True, False, True, False)


def test_the_report_can_be_built_without_charts() -> None:
    document = build_evaluation_report(sample.evaluation_input(), draw_charts=False)
    assert not [b for b in iter_blocks(document.blocks) if isinstance(b, Chart)]


def test_a_recommended_bidder_without_a_result_is_refused() -> None:
    data = dataclasses.replace(sample.evaluation_input(), recommended_bidder="Nobody Ltd")
    with pytest.raises(ValueError, match="'Nobody Ltd' has no result"):
        build_evaluation_report(data, draw_charts=False)


def test_scores_from_someone_not_on_the_panel_are_refused() -> None:
    data = sample.evaluation_input()
    stranger = dataclasses.replace(data.evaluator_scores[0], evaluator="A Stranger")
    with pytest.raises(ValueError, match="'A Stranger' scored but is not a scoring panel member"):
        build_evaluation_report(
            dataclasses.replace(data, evaluator_scores=(stranger,)), draw_charts=False
        )


def test_awkward_bidder_names_pass_through_the_content_unchanged(report: Document) -> None:
    text = plain_text(report)
    assert "8.2 Smith & Jones <Ltd>" in headings(report)
    assert "&amp;" not in text and "&lt;" not in text
    assert "Oasthouse Women's Aid" in text
