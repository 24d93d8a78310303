"""Sensitivity: would a different weighting have picked a different winner?

Scenarios, each re-weighting the frames already prepared (nothing is re-read or re-checked):

- the quality/price split moves 10 points each way; every non-price criterion is scaled by the
  same factor so the weights still add up to 100;
- each non-price section moves 5 points each way; its criteria are scaled together, and the 5
  points come from (or go to) the other non-price sections in proportion to their weights, so
  the quality/price split is unchanged. A model with one non-price section takes them from
  price instead.

A scenario that would push a weight to zero or below is not run, and is listed in ``notes``.
Disqualifications do not depend on weights, so they stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tenderflow.domain.evaluation.model import EvaluationModel
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluatorScore,
    PassFailResult,
)
from tenderflow.domain.evaluation.scoring import (
    Prepared,
    Scored,
    prepare_evaluation,
    score,
    two_dp,
)

SPLIT_SHIFT = 10.0
SECTION_SHIFT = 5.0


@dataclass(frozen=True)
class Scenario:
    """One re-weighting and the winner it gives."""

    label: str
    quality_weight: float
    price_weight: float
    section_weights: dict[str, float]
    winner: str | None
    changed: bool

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {
            "label": self.label,
            "quality_weight": two_dp(self.quality_weight),
            "price_weight": two_dp(self.price_weight),
            "section_weights": {k: two_dp(v) for k, v in self.section_weights.items()},
            "winner": self.winner,
            "changed": self.changed,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """Every scenario, and whether the winner held in all of them."""

    winner: str | None
    scenarios: list[Scenario]
    notes: list[str] = field(default_factory=list)

    @property
    def robust(self) -> bool:
        """Say whether no scenario changes the winner."""
        return not any(s.changed for s in self.scenarios)

    @property
    def changed_by(self) -> list[str]:
        """List the scenarios that change the winner."""
        return [s.label for s in self.scenarios if s.changed]

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {
            "winner": self.winner,
            "robust": self.robust,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "notes": list(self.notes),
        }


def sensitivity(
    model: EvaluationModel,
    scores: Sequence[EvaluatorScore],
    prices: Sequence[BidPrice],
    consensus: Sequence[ConsensusScore] | None = None,
    pass_fail: Sequence[PassFailResult] | None = None,
) -> SensitivityResult:
    """Check whether the winner changes when the weights move (inputs checked first)."""
    prepared = prepare_evaluation(model, scores, prices, consensus, pass_fail)
    return analyse(prepared)


def analyse(prepared: Prepared, base: Scored | None = None) -> SensitivityResult:
    """Run every scenario on prepared frames; ``base`` is the published weighting's result."""
    base = base or score(prepared)
    weights = prepared.base_weights()
    model = prepared.model
    price = float(model.price.weight)
    section_of = pd.Series({c.id: c.section for c in model.criteria})
    scenarios: list[Scenario] = []
    notes: list[str] = []

    def run(label: str, new_weights: pd.Series | None, new_price: float) -> None:
        if new_weights is None or (new_weights <= 0).any() or new_price < 0:
            notes.append(f"{label}: not run, as a weight would fall to zero or below")
            return
        sections = new_weights.groupby(section_of, sort=False).sum().to_dict()
        for index, earlier in enumerate(scenarios):
            # With two non-price sections, one up 5 is the other down 5: run it once.
            if earlier.price_weight == new_price and _same(earlier.section_weights, sections):
                scenarios[index] = replace(earlier, label=f"{earlier.label}; {label}")
                return
        winner = score(prepared, new_weights, new_price).winner
        scenarios.append(
            Scenario(
                label=label,
                quality_weight=float(new_weights.sum()),
                price_weight=new_price,
                section_weights=sections,
                winner=winner,
                changed=winner != base.winner,
            )
        )

    quality = float(weights.sum())
    for shift in (SPLIT_SHIFT, -SPLIT_SHIFT):
        new_quality = quality + shift
        split = f"{_points(new_quality)}/{_points(price - shift)}"
        run(
            f"Quality/price split {split} (quality {_signed(shift)} points)",
            weights * (new_quality / quality) if new_quality > 0 else None,
            price - shift,
        )
    section_weights = weights.groupby(section_of, sort=False).sum()
    for name, current in section_weights.items():
        for shift in (SECTION_SHIFT, -SECTION_SHIFT):
            new_weights, new_price = _move_section(weights, section_of, str(name), shift, price)
            label = f"{name} section {_signed(shift)} points (to {_points(current + shift)})"
            run(label, new_weights, new_price)
    return SensitivityResult(base.winner, scenarios, notes)


def _move_section(
    weights: pd.Series, section_of: pd.Series, name: str, shift: float, price: float
) -> tuple[pd.Series | None, float]:
    """Move section ``name`` by ``shift`` points, balancing it from the others or from price."""
    inside = section_of == name
    own = float(weights[inside].sum())
    if own + shift <= 0:
        return None, price
    moved = weights.copy()
    moved[inside] = weights[inside] * ((own + shift) / own)
    others = float(weights[~inside].sum())
    if others == 0:
        return moved, price - shift
    if others - shift <= 0:
        return None, price
    moved[~inside] = weights[~inside] * ((others - shift) / others)
    return moved, price


def _same(first: dict[str, float], second: dict[str, float]) -> bool:
    return all(abs(first[key] - second[key]) < 1e-9 for key in first)


def _points(value: float) -> str:
    return f"{two_dp(value):g}"


def _signed(value: float) -> str:
    return f"{value:+g}"
