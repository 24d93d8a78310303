"""Document content as plain data: sections, numbers and wording, checked without Word."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from tenderflow.documents import (
    build_assessment_summaries,
    build_committee_report,
    build_evaluation_report,
    build_procurement_plan,
    feedback_rules,
)
from tenderflow.documents.content import (
    Bullets,
    Chart,
    Document,
    Heading,
    KeyValue,
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
from tenderflow.documents.inputs import ReportSection, TimetableRow
from tenderflow.domain.money import format_gbp
from tenderflow.domain.regulations import default_library
from tests import sample_documents as sample

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report() -> Document:
    return build_evaluation_report(sample.evaluation_input())


@pytest.fixture(scope="module")
def summaries() -> dict[str, Document]:
    return build_assessment_summaries(sample.assessment_input())


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


# --- assessment summaries -------------------------------------------------------------------


def test_there_is_one_summary_per_assessed_bidder_the_winner_first(
    summaries: dict[str, Document],
) -> None:
    assert list(summaries) == [sample.WINNER, sample.OASTHOUSE, sample.AWKWARD, sample.WEALD]
    assert sample.EXCLUDED not in summaries and sample.LATE not in summaries


def test_an_unsuccessful_bidder_sees_their_scores_reasons_and_the_winners(
    summaries: dict[str, Document],
) -> None:
    document = summaries[sample.AWKWARD]
    own = table_titled(document, "Your scores and the reasons for them")
    assert own.rows[2][:4] == ("Q3 Refuge and safe accommodation", "10%", "3 of 5", "6.00")
    assert own.rows[2][4] == sample.RATIONALE[sample.AWKWARD][2]
    assert own.rows[-1] == ("Total", "100%", "", "73.81", "")
    beside = table_titled(document, "Your tender beside the most advantageous tender")
    assert beside.rows[1][:4] == ("Q2 Safeguarding and risk management", "15%", "9.00", "15.00")
    assert beside.rows[1][4] == sample.RATIONALE[sample.WINNER][1]
    assert beside.rows[-1][:4] == ("Total", "100%", "73.81", "79.83")


@pytest.mark.parametrize("bidder", [sample.AWKWARD, sample.OASTHOUSE, sample.WEALD])
def test_a_summary_never_mentions_another_unsuccessful_bidder(
    summaries: dict[str, Document], bidder: str
) -> None:
    text = plain_text(summaries[bidder])
    results = {r.bidder: r for r in sample.evaluation_input().results}
    for other in (b for b in (sample.AWKWARD, sample.OASTHOUSE, sample.WEALD) if b != bidder):
        assert other not in text
        assert format_total(results[other].total) not in text
        assert format_total(results[other].price_score) not in text
        for rationale in sample.RATIONALE[other]:
            assert rationale not in text
    for outsider in (sample.EXCLUDED, sample.LATE):
        assert outsider not in text
    assert bidder in text and sample.WINNER in text


def test_the_winner_is_told_they_won_and_sees_no_other_bidder(
    summaries: dict[str, Document],
) -> None:
    text = plain_text(summaries[sample.WINNER])
    assert "your tender was the most advantageous tender" in text
    assert "Your tender beside" not in text
    for other in (sample.AWKWARD, sample.OASTHOUSE, sample.WEALD):
        assert other not in text


def test_without_a_winner_comparison_a_bidder_sees_only_their_own_assessment() -> None:
    rules = dataclasses.replace(feedback_rules("procurement-act-2023"), winner_scores=False)
    document = build_assessment_summaries(sample.assessment_input(feedback=rules))[sample.AWKWARD]
    text = plain_text(document)
    assert "79.83" not in text
    assert sample.RATIONALE[sample.WINNER][1] not in text
    assert sample.WINNER in text  # the award itself is public


def test_a_pcr_2015_standstill_letter_gives_the_winning_tenders_relative_advantages() -> None:
    data = sample.assessment_input(feedback=feedback_rules("pcr-2015"))
    document = build_assessment_summaries(data)[sample.AWKWARD]
    assert document.blocks[0].text == "Standstill letter"  # type: ignore[union-attr]
    assert "Characteristics and relative advantages of the successful tender" in headings(document)
    advantages = next(
        b for b in iter_blocks(document.blocks) if isinstance(b, Bullets) and len(b.items) == 3
    )
    assert [item.text.split(":")[0] for item in advantages.items] == [
        "Q2 Safeguarding and risk management",
        "Q3 Refuge and safe accommodation",
        "SV1 Local employment and volunteering",
    ]
    assert "regulation 86 of the Public Contracts Regulations 2015" in plain_text(document)


def test_the_standstill_dates_are_given(summaries: dict[str, Document]) -> None:
    dates = next(
        b
        for b in iter_blocks(summaries[sample.OASTHOUSE].blocks)
        if isinstance(b, KeyValue) and b.pairs[0][0] == "Begins"
    )
    assert dates.pairs == (
        ("Begins", "14 October 2026"),
        ("Ends", "midnight at the end of 23 October 2026"),
        ("Contract from", "24 October 2026"),
    )


def test_every_national_regime_has_feedback_rules_and_unknown_ones_are_refused() -> None:
    for regime in default_library().national_regimes():
        assert feedback_rules(regime.name).regime == regime.name
    assert feedback_rules(None).winner_scores is False
    with pytest.raises(ValueError, match="no feedback rules for regime 'eu-2004'"):
        feedback_rules("eu-2004")


# --- committee report -----------------------------------------------------------------------


def test_the_committee_report_follows_the_council_shape() -> None:
    document = build_committee_report(sample.committee_report_input())
    header = document.blocks[0]
    assert isinstance(header, KeyValue)
    assert [label for label, _ in header.pairs] == ["By", "To", "Subject", "Classification"]
    assert header.pairs[1][1] == "Supporting People Commissioning Body – 29 September 2026"
    top = [
        b.text if isinstance(b, Heading) else b.heading
        for b in document.blocks
        if isinstance(b, Heading | NumberedSection)
    ]
    assert top == [
        "Summary",
        "Recommendations",
        "1. Introduction",
        "2. The procurement",
        "3. Evaluation outcome",
        "4. Financial implications",
        "5. Lessons learnt",
        "6. Conclusion",
        "7. Recommendations",
        "Background documents",
        "Report author",
        "Contact officer",
    ]


def test_recommendations_ask_the_body_and_are_numbered() -> None:
    document = build_committee_report(sample.committee_report_input())
    text = plain_text(document)
    assert text.count("The Commissioning Body is asked to note and agree:") == 2
    recommendations = next(b for b in document.blocks if isinstance(b, Bullets))
    assert recommendations.numbered and len(recommendations.items) == 3


def test_section_paragraphs_are_numbered_like_council_papers() -> None:
    document = build_committee_report(sample.committee_report_input())
    introduction = next(b for b in document.blocks if isinstance(b, NumberedSection))
    assert [b.number for b in introduction.blocks if isinstance(b, Paragraph)] == ["(1)", "(2)"]


def test_any_section_can_hold_tables_and_charts_for_a_priority_list() -> None:
    chart = Chart("Scores", b"\x89PNG\r\n\x1a\nstub", "Scheme scores", "Scores of three schemes")
    scores = Table(("Scheme", "Score"), (("Thanet foyer", "41"),), caption="Priority list")
    data = dataclasses.replace(
        sample.committee_report_input(),
        sections=(ReportSection("Priority list", ("Schemes in priority order:", scores, chart)),),
        background_documents=(),
    )
    document = build_committee_report(data)
    section = next(b for b in document.blocks if isinstance(b, NumberedSection))
    assert [type(b).__name__ for b in section.blocks] == ["Paragraph", "Table", "Chart"]
    assert "Background documents\nNone" in plain_text(document)


# --- procurement plan -----------------------------------------------------------------------


def test_the_procurement_plan_has_the_kent_headings_in_order() -> None:
    document = build_procurement_plan(sample.procurement_plan_input())
    assert section_titles(document) == [
        "1. Description",
        "2. Funding",
        "3. Value",
        "4. Business objectives",
        "5. Current supply arrangements",
        "6. Market position",
        "7. Procurement risks",
        "8. Procurement route options and evaluation",
        "9. Evaluation team",
        "10. Value for money",
        "11. Procurement route recommendation",
        "12. Estimated timetable",
        "13. Resources required",
        "14. Reviews planned",
    ]


def test_the_plan_header_gives_title_value_reference_and_leads() -> None:
    document = build_procurement_plan(sample.procurement_plan_input())
    header = dict(next(b for b in document.blocks if isinstance(b, KeyValue)).pairs)
    assert header["Value"] == "Up to £3.5 million a year (£17.5 million over five years)"
    assert header["Reference"] == "KCC-SP-2026-014"
    assert header["Procurement lead"] == "Tom Ashdown, Procurement Manager"
    assert header["Date"] == "2 March 2026"


def test_the_plan_tables_risks_with_controls_lots_and_the_timetable() -> None:
    document = build_procurement_plan(sample.procurement_plan_input())
    risks = table_titled(document, "Procurement risks and controls")
    assert risks.rows[0][0] == "TUPE: bidders put off by the costs"
    assert table_titled(document, "Lots").rows == (
        ("1", "East Kent", "£1,900,000.00"),
        ("2", "West Kent", "£1,600,000.00"),
    )
    timetable = table_titled(document, "Estimated outline timescales")
    assert timetable.rows[2] == ("Prepare tenders and clarifications", "1 Jun 2026", "17 Jul 2026")
    assert "threshold of £663,540.00" in plain_text(document)


# --- ranking rule, rounding and price per quality point ---------------------------------------

RANKING_RULE = (
    "Bids are ranked on their price per quality point (the price divided by the quality score) "
    "to the penny, lowest first; where prices per quality point are equal, the higher quality "
    "score wins; bids still equal share the rank."
)
ROUNDING_RULE = (
    "Scores are worked out exactly and each published figure is rounded once, to two decimal "
    "places with halves rounded up."
)


def per_point_input() -> sample.EvaluationReportInput:
    """The sample evaluation as if ranked on price per quality point (price / quality)."""
    report = sample.evaluation_input()
    per_point = {r.bidder: (r.price / r.quality).quantize(Decimal("0.01")) for r in report.results}
    order = sorted(per_point, key=per_point.__getitem__)
    results = tuple(
        dataclasses.replace(
            r,
            rank=order.index(r.bidder) + 1,
            price_score=Decimal("0.00"),
            total=r.quality,
            price_per_quality_point=per_point[r.bidder],
        )
        for r in report.results
    )
    return dataclasses.replace(
        report,
        method=dataclasses.replace(
            report.method,
            per_quality_point=True,
            ranking_rule=RANKING_RULE,
            rounding_rule=ROUNDING_RULE,
        ),
        results=results,
        prices=tuple(
            dataclasses.replace(p, price_per_quality_point=per_point[p.bidder])
            for p in report.prices
        ),
        recommended_bidder=order[0],
    )


def test_the_method_states_the_ranking_rule_and_how_figures_are_rounded() -> None:
    text = plain_text(build_evaluation_report(per_point_input()))
    assert f"Ranking. {RANKING_RULE}" in text
    assert f"Rounding. {ROUNDING_RULE}" in text


def test_under_price_per_quality_point_the_ranking_shows_the_ratio_not_a_total() -> None:
    data = per_point_input()
    report = build_evaluation_report(data)
    ranking = table_titled(report, "Ranking of the bids")
    assert ranking.columns[3:5] == ("Whole-life price", "Price per quality point")
    first = min(data.results, key=lambda r: r.price_per_quality_point or Decimal(0))
    assert ranking.rows[0][:5] == (
        "1",
        first.bidder,
        format_total(first.quality),
        format_gbp(first.price),
        format_gbp(first.price_per_quality_point or Decimal(0)),
    )
    prices = table_titled(report, "Prices and price scores")
    assert prices.columns[4] == "Price per quality point"
    assert "Price was not scored in points" in plain_text(report)
    ratio = format_gbp(first.price_per_quality_point or Decimal(0))
    assert f"{first.bidder} ranked first at {ratio} per quality point" in plain_text(report)
    # The totals chart is left out: under this method the total is only the quality score.
    assert "Total score out of 100" not in plain_text(report)


def test_an_assessment_summary_gives_the_price_per_quality_point_beside_the_winners() -> None:
    data = per_point_input()
    summaries = build_assessment_summaries(
        sample.assessment_input(
            method=data.method, results=data.results, winner=data.recommended_bidder
        )
    )
    loser = next(r for r in data.results if r.rank == 2)
    winner = next(r for r in data.results if r.rank == 1)
    document = summaries[loser.bidder]
    own = table_titled(document, "Your scores and the reasons for them")
    assert own.rows[-1][:4] == (
        "Price per quality point",
        "–",
        "–",
        format_gbp(loser.price_per_quality_point or Decimal(0)),
    )
    beside = table_titled(document, "Your tender beside the most advantageous tender")
    assert beside.rows[-1][:4] == (
        "Price per quality point",
        "–",
        format_gbp(loser.price_per_quality_point or Decimal(0)),
        format_gbp(winner.price_per_quality_point or Decimal(0)),
    )
    assert f"Ranking. {RANKING_RULE}" in plain_text(document)
