"""The moderation screen's cells: the evaluators' mean as the results publish it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from tenderflow.services.evaluation.moderation import Cell


def cell(*scores: str) -> Cell:
    criterion: Any = SimpleNamespace(id="Q1")
    bid: Any = SimpleNamespace(id=1)
    given: Any = [SimpleNamespace(score=Decimal(s)) for s in scores]
    return Cell(bid, criterion, given)


def test_the_mean_is_rounded_once_with_halves_up_as_the_results_page_rounds_it() -> None:
    # 12.5 / 4 = 3.125: rounded half to even it was 3.12 here while the results said 3.13.
    assert cell("3", "3", "3", "3.5").mean == Decimal("3.13")


def test_a_mean_in_thirds_is_rounded_from_its_exact_value() -> None:
    assert cell("0", "1", "1").mean == Decimal("0.67")
    assert cell("3", "3", "4").mean == Decimal("3.33")


def test_a_cell_without_scores_has_no_mean() -> None:
    assert cell().mean is None
