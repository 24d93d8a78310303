"""Scoring schemes, flags between scorers, ranking with its tie-break, and the cut line."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tenderflow.domain.capital import (
    Agreed,
    RankingError,
    ScoreSheet,
    default_matrix,
    final_scores,
    flags_for,
    rank_schemes,
    result_from_final,
    scheme_result,
)
from tenderflow.domain.capital.ranking import CUT_LINE_RULE

IDS = ("strategic-relevance", "evidence-of-need", "added-value", "deliverability", "unique-factors")


def scores(*points: float | int | str) -> dict[str, Decimal]:
    return {c: Decimal(str(p)) for c, p in zip(IDS, points, strict=True)}


def result(name: str, *points: int, revenue: str | None = None, failed: tuple[str, ...] = ()):
    return scheme_result(
        default_matrix(),
        name,
        name,
        scores(*points) if points else {},
        failed,
        Decimal(revenue) if revenue is not None else None,
    )


def test_a_scheme_totals_weight_times_score_over_five_out_of_100() -> None:
    scored = result("Foyer", 5, 5, 5, 5, 5)
    assert scored.total == Decimal("100.00")
    mixed = result("Refuge", 4, 3, 2, 5, 1)
    assert mixed.criteria == {
        "strategic-relevance": Decimal("24.00"),
        "evidence-of-need": Decimal("15.00"),
        "added-value": Decimal("6.00"),
        "deliverability": Decimal("20.00"),
        "unique-factors": Decimal("2.00"),
    }
    assert mixed.total == Decimal("67.00")
    assert result("Nothing", 0, 0, 0, 0, 0).total == 0


def test_a_scheme_that_fails_a_gateway_is_not_scored() -> None:
    failed = result("Hostel", 5, 5, 5, 5, 5, failed=("revenue-funding",))
    assert failed.criteria == {} and failed.total == 0 and not failed.ranked


def test_a_scheme_without_every_score_cannot_be_scored() -> None:
    with pytest.raises(RankingError, match="no score for unique-factors"):
        scheme_result(default_matrix(), "x", "x", {c: Decimal(3) for c in IDS[:4]})


def test_schemes_rank_by_total_and_failed_ones_come_last_without_a_rank() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [
            result("Low", 1, 1, 1, 1, 1),
            result("Failed", failed=("revenue-funding",)),
            result("High", 5, 4, 4, 4, 4),
            result("Middle", 3, 3, 3, 3, 3),
        ],
    )
    assert [(s.result.name, s.rank) for s in ranked.schemes] == [
        ("High", 1),
        ("Middle", 2),
        ("Low", 3),
        ("Failed", None),
    ]


def test_equal_totals_go_to_the_higher_strategic_relevance() -> None:
    # Both 60: A has 3 x 30 = 18 strategic, B has 4 x 30 = 24 strategic.
    a = result("A scheme", 3, 3, 3, 3, 3)
    b = result("B scheme", 4, 3, 1, 3, 3)
    assert a.total == b.total == Decimal("60.00")
    ranked = rank_schemes(default_matrix(), [a, b])
    assert [s.result.name for s in ranked.schemes] == ["B scheme", "A scheme"]


def test_then_to_the_higher_evidence_of_need() -> None:
    # Both 60 with the same Strategic Relevance (18); D has more Evidence of Need (20 to 15).
    a = result("A scheme", 3, 3, 3, 3, 3)  # 18 + 15 + 9 + 12 + 6
    d = result("D scheme", 3, 4, 2, 3, 2)  # 18 + 20 + 6 + 12 + 4
    assert a.total == d.total == Decimal("60.00")
    ranked = rank_schemes(default_matrix(), [a, d])
    assert [s.result.name for s in ranked.schemes] == ["D scheme", "A scheme"]


def test_then_by_scheme_name_ignoring_case() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [result("banbury", 3, 3, 3, 3, 3), result("Abbey", 3, 3, 3, 3, 3)],
    )
    assert [(s.result.name, s.rank) for s in ranked.schemes] == [("Abbey", 1), ("banbury", 2)]
    assert "scheme name, A to Z" in ranked.tie_break_rule
    assert ranked.tie_break_rule.index("Strategic Relevance") < ranked.tie_break_rule.index(
        "Evidence of Need"
    )


def test_the_cut_line_stops_at_the_first_scheme_that_does_not_fit() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [
            result("First", 5, 5, 5, 5, 5, revenue="60000"),
            result("Second", 4, 4, 4, 4, 4, revenue="40000"),
            result("Third", 3, 3, 3, 3, 3, revenue="50000"),
            result("Fourth", 2, 2, 2, 2, 2, revenue="10000"),
            result("Failed", failed=("revenue-funding",)),
        ],
        budget=Decimal("120000"),
    )
    rows = [(s.result.name, s.cumulative_revenue, s.within_budget) for s in ranked.schemes]
    assert rows == [
        ("First", Decimal("60000"), True),
        ("Second", Decimal("100000"), True),
        ("Third", Decimal("150000"), False),
        # It would fit the £20,000 left, but a lower priority is not funded ahead of a higher one.
        ("Fourth", Decimal("160000"), False),
        ("Failed", None, False),
    ]
    assert ranked.cut_after_rank == 2
    assert ranked.committed == Decimal("100000") and ranked.headroom == Decimal("20000")


def test_a_scheme_that_exactly_uses_the_budget_is_within_it() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [result("Exact", 4, 4, 4, 4, 4, revenue="100000.00")],
        budget=Decimal("100000.00"),
    )
    assert ranked.schemes[0].within_budget is True and ranked.headroom == 0


def test_no_scheme_fits_a_budget_smaller_than_the_first() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [result("Big", 4, 4, 4, 4, 4, revenue="100000.01")],
        budget=Decimal("100000"),
    )
    assert ranked.schemes[0].within_budget is False and ranked.cut_after_rank is None


def test_a_budget_needs_every_ranked_schemes_revenue() -> None:
    with pytest.raises(RankingError, match="none for Costless"):
        rank_schemes(default_matrix(), [result("Costless", 3, 3, 3, 3, 3)], budget=Decimal("1000"))


def test_the_json_has_the_command_lines_keys() -> None:
    ranked = rank_schemes(
        default_matrix(),
        [result("Foyer", 4, 3, 2, 5, 1, revenue="96000")],
        budget=Decimal("100000"),
    )
    data = ranked.to_dict()
    assert data["schemes"] == [
        {
            "scheme": "Foyer",
            "rank": 1,
            "total": 67.0,
            "criteria": {
                "strategic-relevance": 24.0,
                "evidence-of-need": 15.0,
                "added-value": 6.0,
                "deliverability": 20.0,
                "unique-factors": 2.0,
            },
            "failed_gateways": [],
            "within_budget": True,
            "cumulative_revenue": "96000.00",
        }
    ]
    assert data["cut_line_rule"] == CUT_LINE_RULE and data["headroom"] == "4000.00"
    assert (
        "within_budget"
        not in rank_schemes(default_matrix(), [result("x", 1, 1, 1, 1, 1)]).to_dict()["schemes"][0]
    )


# --- two scorers --------------------------------------------------------------------------


def test_scores_two_or_more_apart_are_flagged_and_closer_ones_are_not() -> None:
    matrix = default_matrix()
    first = ScoreSheet("scorer-1", {"revenue-funding": True}, scores(5, 3, 3, 3, 3))
    second = ScoreSheet("scorer-2", {"revenue-funding": True}, scores(3, 2, 3, 3, 3))
    flags = flags_for(matrix, [first, second])
    assert [(f.item, f.spread, f.agreed) for f in flags] == [
        ("strategic-relevance", Decimal(2), False)
    ]
    assert flags[0].values == {"scorer-1": "5", "scorer-2": "3"}


def test_one_scorer_raises_no_flag() -> None:
    assert flags_for(default_matrix(), [ScoreSheet("only", {}, scores(5, 0, 5, 0, 5))]) == []


def test_gateways_answered_differently_are_flagged() -> None:
    first = ScoreSheet("a", {"revenue-funding": True}, {})
    second = ScoreSheet("b", {"revenue-funding": False}, {})
    flags = flags_for(default_matrix(), [first, second])
    assert [(f.item, f.kind, f.values) for f in flags] == [
        ("revenue-funding", "gateway", {"a": "pass", "b": "fail"})
    ]
    final = final_scores(default_matrix(), [first, second], applicable=["revenue-funding"])
    assert final.gateways == {} and len(final.open_flags) == 1


def test_final_scores_use_the_agreed_score_else_the_mean() -> None:
    matrix = default_matrix()
    first = ScoreSheet("a", {"revenue-funding": True}, scores(5, 3, 3, 4, 3))
    second = ScoreSheet("b", {"revenue-funding": True}, scores(2, 4, 3, 3, 3))
    final = final_scores(matrix, [first, second], [Agreed("strategic-relevance", Decimal(4))])
    assert final.scores["strategic-relevance"] == 4
    assert final.scores["evidence-of-need"] == Decimal("3.50")
    assert final.scores["deliverability"] == Decimal("3.50")
    assert final.open_flags == () and final.flags[0].agreed
    assert final.gateways == {"revenue-funding": True}


def test_an_agreed_gateway_fail_fails_the_scheme() -> None:
    first = ScoreSheet("a", {"revenue-funding": True}, scores(3, 3, 3, 3, 3))
    second = ScoreSheet("b", {"revenue-funding": False}, {})
    final = final_scores(
        default_matrix(),
        [first, second],
        [Agreed("revenue-funding", passed=False)],
        applicable=["revenue-funding"],
    )
    assert final.failed_gateways == ("revenue-funding",)


# --- rounding once ------------------------------------------------------------------------


def test_three_scorers_giving_3_3_and_4_on_every_criterion_total_66_67() -> None:
    # The mean is 10/3 on every criterion, so the exact total is 100 x (10/3) / 5 = 66.666...
    # Rounding the mean to 3.33, then each weighted score, then adding gave 66.60.
    matrix = default_matrix()
    sheets = [
        ScoreSheet(scorer, {"revenue-funding": True}, scores(*[value] * 5))
        for scorer, value in (("a", 3), ("b", 3), ("c", 4))
    ]
    final = final_scores(matrix, sheets)
    assert final.scores["strategic-relevance"] == Fraction(10, 3)
    scored = result_from_final(matrix, "1", "Foyer", final)
    assert scored.total == Decimal("66.67")
    assert scored.criteria == {
        "strategic-relevance": Decimal("20.00"),
        "evidence-of-need": Decimal("16.67"),
        "added-value": Decimal("10.00"),
        "deliverability": Decimal("13.33"),
        "unique-factors": Decimal("6.67"),
    }
    entry = rank_schemes(matrix, [scored]).to_dict()["schemes"][0]
    assert (entry["total"], entry["criteria"]["evidence-of-need"]) == (
        Decimal("66.67"),
        Decimal("16.67"),
    )


def test_the_total_is_the_exact_sum_rounded_once_not_the_sum_of_rounded_parts() -> None:
    # Three scorers give 3, 3 and 4 on evidence of need (weight 25) and unique factors (10), and
    # 3 on the rest: 18 + 16.666... + 9 + 12 + 6.666... = 62.333..., published 62.33, while
    # the published parts 18.00 + 16.67 + 9.00 + 12.00 + 6.67 add up to 62.34.
    matrix = default_matrix()
    sheets = [
        ScoreSheet(scorer, {}, scores(3, fourth, 3, 3, fourth))
        for scorer, fourth in (("a", 3), ("b", 3), ("c", 4))
    ]
    scored = result_from_final(matrix, "1", "Refuge", final_scores(matrix, sheets))
    assert scored.total == Decimal("62.33")
    assert sum(scored.criteria.values()) == Decimal("62.34")
