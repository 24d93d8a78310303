"""Sensitivity: does the winner hold when the weights move?"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tenderflow.domain.evaluation import (
    BidPrice,
    EvaluationModel,
    EvaluatorScore,
    PassFailResult,
    SensitivityResult,
    compute_results,
    parse_model,
    sensitivity,
)

A, B = "Ashwell Housing", "Brampton Care"


def model(sections: list[dict[str, Any]], price: int, **changes: Any) -> EvaluationModel:
    return parse_model(
        {
            "name": "sensitivity",
            "sections": sections,
            "price": {"weight": price, "formula": "relative-lowest"},
            **changes,
        }
    )


def one_section(weight: int = 60) -> list[dict[str, Any]]:
    return [{"name": "Quality", "criteria": [{"id": "Q1", "title": "x", "weight": weight}]}]


def scored(scores: dict[str, dict[str, float]]) -> list[EvaluatorScore]:
    return [
        EvaluatorScore(bidder, criterion, "E1", value, "c")
        for bidder, by_criterion in scores.items()
        for criterion, value in by_criterion.items()
    ]


def priced(**amounts: str) -> list[BidPrice]:
    names = {"a": A, "b": B}
    return [BidPrice(names[key], Decimal(value)) for key, value in amounts.items()]


def scenario(result: SensitivityResult, starts: str) -> Any:
    (found,) = [s for s in result.scenarios if s.label.startswith(starts)]
    return found


def test_a_close_result_that_flips_when_price_gains_ten_points_is_not_robust() -> None:
    # 60/40: Ashwell 60 + 40 x 75/100 = 90 beats Brampton 48 + 40 = 88.
    # 50/50: Ashwell 50 + 37.5 = 87.5 loses to Brampton 40 + 50 = 90.
    result = sensitivity(
        model(one_section(), 40),
        scored({A: {"Q1": 5}, B: {"Q1": 4}}),
        priced(a="100000", b="75000"),
    )
    assert result.winner == A
    assert result.robust is False
    flipped = scenario(result, "Quality/price split 50/50")
    assert (flipped.winner, flipped.changed) == (B, True)
    assert (flipped.quality_weight, flipped.price_weight) == (50, 50)
    held = scenario(result, "Quality/price split 70/30")
    assert (held.winner, held.changed) == (A, False)
    # With one quality section, moving it 5 points moves price too: 55/45 flips it as well
    # (Ashwell 55 + 33.75 = 88.75, Brampton 44 + 45 = 89).
    assert result.changed_by == [
        "Quality/price split 50/50 (quality -10 points)",
        "Quality section -5 points (to 55)",
    ]


def test_a_bid_better_on_quality_and_cheaper_is_robust() -> None:
    result = sensitivity(
        model(one_section(), 40),
        scored({A: {"Q1": 5}, B: {"Q1": 2}}),
        priced(a="75000", b="100000"),
    )
    assert result.robust is True
    assert result.to_dict()["robust"] is True
    assert all(s.winner == A for s in result.scenarios)


def test_moving_one_of_two_sections_five_points_can_change_the_winner() -> None:
    # Service delivery 30 and Staffing 30, equal prices (both get the full 40).
    # Published: Ashwell 30 + 12 = 42 beats Brampton 12 + 27 = 39.
    # Service delivery 25, Staffing 35: Ashwell 25 + 14 = 39 loses to Brampton 10 + 31.5 = 41.5.
    sections = [
        {"name": "Service delivery", "criteria": [{"id": "Q1", "title": "x", "weight": 30}]},
        {"name": "Staffing", "criteria": [{"id": "Q2", "title": "y", "weight": 30}]},
    ]
    result = sensitivity(
        model(sections, 40),
        scored({A: {"Q1": 5, "Q2": 2}, B: {"Q1": 2, "Q2": 4.5}}),
        priced(a="100000", b="100000"),
    )
    assert result.winner == A
    moved = scenario(result, "Service delivery section -5 points")
    # With two sections, one down 5 is the other up 5: the scenario is run once, named for both.
    assert moved.label == (
        "Service delivery section -5 points (to 25); Staffing section +5 points (to 35)"
    )
    assert moved.section_weights == {"Service delivery": 25, "Staffing": 35}
    assert moved.price_weight == 40
    assert (moved.winner, moved.changed) == (B, True)
    assert len(result.scenarios) == 4


def test_other_sections_give_up_the_five_points_in_proportion_to_their_weights() -> None:
    sections = [
        {"name": "Delivery", "criteria": [{"id": "Q1", "title": "x", "weight": 20}]},
        {"name": "Staffing", "criteria": [{"id": "Q2", "title": "y", "weight": 30}]},
        {"name": "Social value", "criteria": [{"id": "SV1", "title": "z", "weight": 10}]},
    ]
    result = sensitivity(
        model(sections, 40),
        scored({b: {"Q1": 3, "Q2": 3, "SV1": 3} for b in (A, B)}),
        priced(a="100000", b="90000"),
    )
    moved = scenario(result, "Delivery section +5 points")
    assert moved.section_weights == {
        "Delivery": 25,
        "Staffing": pytest.approx(26.25),
        "Social value": pytest.approx(8.75),
    }
    assert moved.quality_weight == pytest.approx(60)


def test_a_model_with_one_quality_section_takes_the_five_points_from_price() -> None:
    result = sensitivity(
        model(one_section(), 40),
        scored({A: {"Q1": 5}, B: {"Q1": 4}}),
        priced(a="100000", b="75000"),
    )
    up = scenario(result, "Quality section +5 points")
    assert (up.quality_weight, up.price_weight) == (65, 35)


def test_a_scenario_that_would_take_a_weight_to_zero_is_not_run_and_is_noted() -> None:
    sections = [
        {"name": "Quality", "criteria": [{"id": "Q1", "title": "x", "weight": 55}]},
        {"name": "Social value", "criteria": [{"id": "SV1", "title": "y", "weight": 5}]},
    ]
    result = sensitivity(
        model(sections, 40),
        scored({b: {"Q1": 3, "SV1": 3} for b in (A, B)}),
        priced(a="100000", b="90000"),
    )
    assert (
        "Social value section -5 points (to 0): not run, as a weight would fall to zero or "
        "below" in result.notes
    )
    assert not any(s.label.startswith("Social value section -5") for s in result.scenarios)


def test_a_price_weight_under_ten_cannot_lose_ten_points() -> None:
    result = sensitivity(
        model(one_section(95), 5),
        scored({A: {"Q1": 5}, B: {"Q1": 4}}),
        priced(a="100000", b="75000"),
    )
    assert any(note.startswith("Quality/price split 105/-5") for note in result.notes)


def test_disqualified_bids_stay_out_of_every_scenario() -> None:
    result = sensitivity(
        model(one_section(), 40, pass_fail=[{"id": "PF1", "title": "Insurance"}]),
        scored({A: {"Q1": 5}, B: {"Q1": 4}}),
        priced(a="100000", b="75000"),
        pass_fail=[PassFailResult(A, "PF1", "fail")],
    )
    assert result.winner == B
    assert result.robust is True


def test_sensitivity_is_shown_beside_the_result() -> None:
    scores = scored({A: {"Q1": 5}, B: {"Q1": 4}})
    prices = priced(a="100000", b="75000")
    result = compute_results(model(one_section(), 40), scores, prices, include_sensitivity=True)
    assert result.sensitivity is not None
    assert result.sensitivity == sensitivity(model(one_section(), 40), scores, prices)
    data = result.to_dict()["sensitivity"]
    assert data["robust"] is False
    assert set(data["scenarios"][0]) == {
        "label",
        "quality_weight",
        "price_weight",
        "section_weights",
        "winner",
        "changed",
    }


def test_under_price_per_quality_point_only_section_moves_are_run() -> None:
    sections = [
        {"name": "Quality", "criteria": [{"id": "Q1", "title": "x", "weight": 40}]},
        {"name": "Social value", "criteria": [{"id": "SV1", "title": "y", "weight": 20}]},
    ]
    evaluation = parse_model(
        {
            "name": "per-point",
            "sections": sections,
            "price": {"weight": 40, "formula": "price-per-quality-point"},
        }
    )
    # Ashwell: 40 + 8 = 48 points for £60,000 (£1,250 a point). Brampton: 16 + 20 = 36 points
    # for £43,200 (£1,200 a point) wins. With social value 25 and quality 35, Ashwell has
    # 35 + 10 = 45 points (£1,333.33) and Brampton 14 + 25 = 39 (£1,107.69): Brampton holds.
    # With social value 15 and quality 45, Ashwell 45 + 6 = 51 (£1,176.47) and Brampton
    # 18 + 15 = 33 (£1,309.09): Ashwell wins.
    result = sensitivity(
        evaluation,
        scored({A: {"Q1": 5, "SV1": 2}, B: {"Q1": 2, "SV1": 5}}),
        priced(a="60000", b="43200"),
    )
    assert result.winner == B
    assert [s.label for s in result.scenarios] == [
        "Quality section +5 points (to 45); Social value section -5 points (to 15)",
        "Quality section -5 points (to 35); Social value section +5 points (to 25)",
    ]
    assert result.changed_by == [result.scenarios[0].label]
    assert result.notes == [
        "Quality/price split: not run, as under price per quality point price carries no weight"
    ]
