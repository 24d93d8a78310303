"""The SP team's score sheet and agreement form, generated from the matrix, and their checks."""

from __future__ import annotations

from decimal import Decimal

from tenderflow.domain.capital import Flag, default_matrix
from tenderflow.domain.capital.score_sheets import (
    agreement_fields,
    check_agreement,
    check_score_sheet,
    score_sheet_sections,
)
from tests.capital_data import score_answers

MATRIX = default_matrix()
NEW_ACCOMMODATION = MATRIX.applicable_gateways(
    {"service_type": "accommodation-based", "development": "new"}
)


def test_the_sheet_asks_the_applicable_gateways_then_each_criterion_with_descriptors() -> None:
    sections = score_sheet_sections(MATRIX, NEW_ACCOMMODATION)
    assert [s.title for s in sections] == [
        "Gateway questions",
        "Strategic Relevance (30 points)",
        "Evidence of Need (25 points)",
        "Added Value (15 points)",
        "Deliverability (20 points)",
        "Unique Factors (10 points)",
    ]
    score = sections[1].fields[0]
    assert [o.value for o in score.options] == ["0", "1", "2", "3", "4", "5"]
    assert score.options[5].hint == MATRIX.criterion("strategic-relevance").descriptors[5]
    remodel = score_sheet_sections(MATRIX, MATRIX.applicable_gateways({"development": "remodel"}))
    assert [f.id for f in remodel[0].fields] == ["pass_revenue_funding", "comment_revenue_funding"]


def test_a_complete_sheet_gives_results_scores_and_comments() -> None:
    checked = check_score_sheet(MATRIX, NEW_ACCOMMODATION, score_answers(4, 3, 2, 5, 1))
    assert checked.errors == {}
    assert all(checked.gateways.values()) and len(checked.gateways) == 4
    assert checked.scores == {
        "strategic-relevance": 4,
        "evidence-of-need": 3,
        "added-value": 2,
        "deliverability": 5,
        "unique-factors": 1,
    }
    assert checked.comments["added-value"] == "Scored 2 on the evidence given."


def test_every_missing_score_and_comment_is_named() -> None:
    answers = score_answers(4, 3, 2, 5, 1)
    answers["score_deliverability"] = "6"
    del answers["comment_added_value"], answers["pass_revenue_funding"]
    checked = check_score_sheet(MATRIX, NEW_ACCOMMODATION, answers)
    assert checked.errors == {
        "pass_revenue_funding": "Select pass or fail for revenue funding for the support is identified",
        "comment_added_value": "Enter a comment on the Added Value score",
        "score_deliverability": "Select a score for Deliverability",
    }


def test_a_failed_gateway_needs_a_comment_and_no_scores() -> None:
    answers = {"pass_revenue_funding": "fail"}
    checked = check_score_sheet(MATRIX, MATRIX.gateways[:1], answers)
    assert checked.errors == {
        "comment_revenue_funding": "Enter why the scheme fails: revenue funding for the support is identified"
    }
    answers["comment_revenue_funding"] = "No revenue source."
    checked = check_score_sheet(MATRIX, MATRIX.gateways[:1], answers)
    assert (
        checked.errors == {}
        and checked.scores == {}
        and checked.gateways == {"revenue-funding": False}
    )


def test_each_flag_needs_an_agreed_answer_and_a_reason() -> None:
    flags = [
        Flag("strategic-relevance", "criterion", {"A": "5", "B": "3"}, Decimal(2), False),
        Flag("revenue-funding", "gateway", {"A": "pass", "B": "fail"}, None, False),
    ]
    assert [s.title for s in agreement_fields(MATRIX, flags)] == [
        "Strategic Relevance",
        "Revenue funding for the support is identified",
    ]
    agreed, errors = check_agreement(MATRIX, flags, {"agreed_strategic_relevance": "4"})
    assert agreed == []
    assert set(errors) == {
        "comment_strategic_relevance",
        "agreed_revenue_funding",
        "comment_revenue_funding",
    }
    agreed, errors = check_agreement(
        MATRIX,
        flags,
        {
            "agreed_strategic_relevance": "4",
            "comment_strategic_relevance": "Agreed.",
            "agreed_revenue_funding": "pass",
            "comment_revenue_funding": "Funding letter seen.",
        },
    )
    assert errors == {}
    assert [(a.item, a.score, a.passed) for a in agreed] == [
        ("strategic-relevance", 4, None),
        ("revenue-funding", None, True),
    ]
