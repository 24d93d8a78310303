"""The capital-bid priority list for the commissioning body, built as plain content."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document as read_docx

from tenderflow.documents import render_docx
from tenderflow.documents.capital_priority_list import (
    CHART_LIMIT,
    PriorityCriterion,
    PriorityListInput,
    PriorityScheme,
    build_priority_list,
    chart_data,
)
from tenderflow.documents.content import Chart, KeyValue, headings, plain_text, tables
from tenderflow.documents.inputs import Person

CRITERIA = (
    PriorityCriterion("Strategic Relevance", 30, "Fit with the strategy."),
    PriorityCriterion("Evidence of Need", 25, "Data showing the need."),
    PriorityCriterion("Added Value", 15, "Partners and outcomes."),
    PriorityCriterion("Deliverability", 20, "Site, planning, provider."),
    PriorityCriterion("Unique Factors", 10, "Anything else."),
)


def scheme(
    rank: int | None,
    name: str,
    total: str,
    revenue: str,
    cumulative: str | None,
    within: bool,
    **extra,
) -> PriorityScheme:
    points = (Decimal(total) * w / 100 for w in (30, 25, 15, 20, 10))
    return PriorityScheme(
        rank=rank,
        name=name,
        district=extra.pop("district", "Fenland"),
        provider="Ouse Housing Trust",
        client_group="Young people at risk",
        revenue_per_year=Decimal(revenue),
        capital_sought=Decimal("900000"),
        total=Decimal(total),
        criteria=tuple(points) if rank is not None else (None,) * 5,
        cumulative_revenue=Decimal(cumulative) if cumulative else None,
        within_budget=within,
        **extra,
    )


def sample(**changes) -> PriorityListInput:
    values = dict(
        round_title="Capital bid round 2027 to 2028",
        county="Cambridgeshire",
        meeting_date=date(2026, 10, 8),
        produced_on=date(2026, 10, 1),
        budget=Decimal("150000"),
        committed=Decimal("70000"),
        headroom=Decimal("80000"),
        tie_break_rule="higher total first; then Strategic Relevance, then Evidence of Need, then scheme name",
        cut_line_rule="funded in rank order until the first that does not fit",
        matrix_title="Supporting People capital-bid matrix (regional default), version 2026.1",
        criteria=CRITERIA,
        gateways=("Revenue funding for the support is identified",),
        schemes=(
            scheme(
                1, "St Neots refuge", "88.00", "70000", "70000", True, district="Huntingdonshire"
            ),
            scheme(2, "Wisbech foyer", "80.00", "96000", "166000", False),
            scheme(
                None,
                "March night shelter",
                "0",
                "30000",
                None,
                False,
                failed_gateways=("Revenue funding for the support is identified",),
            ),
        ),
        districts=("Fenland", "Huntingdonshire"),
        review_dates="1 April and 1 October each year",
        by="Supporting People Team",
        contact=Person(
            "Jo Marsh", "Supporting People lead officer", email="jo.marsh@council.example"
        ),
    )
    values.update(changes)
    return PriorityListInput(**values)


def test_the_priority_list_is_a_committee_report() -> None:
    document = build_priority_list(sample())
    assert document.kind == "capital-priority-list"
    assert document.title == "Capital bid priority list: Capital bid round 2027 to 2028"
    key_values = document.blocks[0]
    assert isinstance(key_values, KeyValue)
    assert [label for label, _ in key_values.pairs] == ["By", "To", "Subject", "Classification"]
    assert dict(key_values.pairs)["To"] == "Commissioning Body – 8 October 2026"
    assert headings(document) == [
        "Summary",
        "Recommendations",
        "1. Background",
        "2. How schemes were assessed",
        "3. The priority list",
        "4. Schemes not scored",
        "5. Financial implications",
        "6. Conclusion",
        "7. Recommendations",
        "Background documents",
        "Contact officer",
    ]
    text = plain_text(document)
    assert "The Commissioning Body is asked to note and agree:" in text
    assert "support for bids for capital funding for the schemes above the cut line" in text
    assert "St Neots refuge (Huntingdonshire)" in text
    assert "Jo Marsh" in text


def test_the_list_shows_the_cut_line_and_every_ranked_scheme_in_order() -> None:
    document = build_priority_list(sample())
    listing = tables(document)[1]
    assert listing.caption == "The priority list (schemes within the budget in bold)"
    assert listing.column("Scheme") == ["St Neots refuge", "Wisbech foyer"]
    assert listing.column("Running total") == ["£70,000.00", "£166,000.00"]
    assert listing.column("Within budget") == ["Yes", "No"]
    assert listing.emphasis_rows == frozenset({0})
    assert "The cut line falls after rank 1" in plain_text(document)
    by_criterion = tables(document)[2]
    assert by_criterion.columns[2] == "Strategic Relevance (30)"
    assert by_criterion.rows[0][-1] == "88.00"
    failed = tables(document)[3]
    assert failed.rows == (
        ("March night shelter", "Fenland", "Revenue funding for the support is identified"),
    )


def test_the_chart_draws_the_highest_ranked_schemes_with_alt_text() -> None:
    document = build_priority_list(sample())
    charts = [
        b
        for section in document.blocks
        if hasattr(section, "blocks")
        for b in section.blocks
        if isinstance(b, Chart)
    ]
    assert len(charts) == 1
    assert charts[0].png.startswith(b"\x89PNG")
    assert "2. Wisbech foyer: 80.00, below the cut line" in charts[0].alt_text


def test_a_long_list_charts_only_the_top_schemes_but_tables_every_one() -> None:
    many = tuple(
        scheme(i, f"Scheme {i}", f"{90 - i * 0.05:.2f}", "1000", str(1000 * i), i <= 40)
        for i in range(1, 61)
    )
    data = sample(schemes=many)
    assert len(chart_data(data).labels) == CHART_LIMIT
    assert len(tables(build_priority_list(data))[1].rows) == 60


def test_sections_for_failed_schemes_and_decisions_appear_only_when_needed() -> None:
    plain = sample(schemes=sample().schemes[:2])
    assert "4. Schemes not scored" not in headings(build_priority_list(plain))
    decided = sample(
        schemes=(
            scheme(
                1,
                "St Neots refuge",
                "88.00",
                "70000",
                "70000",
                True,
                decision="Approved for bidding",
                reasons="Top priority.",
                next_review=date(2027, 4, 1),
            ),
        )
    )
    document = build_priority_list(decided)
    assert "4. Decisions and the pipeline" in headings(document)
    assert tables(document)[-1].rows == (
        ("St Neots refuge", "Approved for bidding", "Top priority.", "1 April 2027"),
    )


@pytest.mark.parametrize("count", [0, 1])
def test_a_round_with_few_schemes_still_builds(count: int) -> None:
    data = sample(
        schemes=sample().schemes[:count], committed=Decimal(0), headroom=Decimal("150000")
    )
    document = build_priority_list(data)
    assert "3. The priority list" in headings(document)


def test_the_document_is_written_with_the_engines_writer() -> None:
    data = render_docx(build_priority_list(sample()))
    docx = read_docx(io.BytesIO(data))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "The Commissioning Body is asked to note and agree:" in text
    assert len(docx.tables) == 4
    assert len(docx.inline_shapes) == 1


def test_the_method_states_how_scores_are_rounded_when_the_list_gives_the_rule() -> None:
    rule = "each weighted score and each total is rounded once"
    assert f"Rounding: {rule}." in plain_text(build_priority_list(sample(rounding_rule=rule)))
    assert "Rounding:" not in plain_text(build_priority_list(sample()))
