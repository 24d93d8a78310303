"""Sensitivity: would a different weighting have picked a different winner?

Scenarios, each re-weighting the frames already prepared (nothing is re-read or re-checked):

- the quality/price split moves 10 points each way; every non-price criterion is scaled by the
  same factor so the weights still add up to 100;
- each non-price section moves 5 points each way; its criteria are scaled together, and the 5
  points come from (or go to) the other non-price sections in proportion to their weights, so
  the quality/price split is unchanged. A model with one non-price section takes them from
  price instead.

A scenario that would push a weight to zero or below is not run, and is listed in ``notes``.
Disqualifications do not depend on weights, so they stay as they are. Under price per quality
point price carries no weight, so the quality/price split (and moving the only non-price
section, which scales every quality score alike) cannot change the order and is not run.
Weights are moved exactly; a scenario's weights are rounded only where they are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

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
)
from tenderflow.domain.exact import ZERO, published

SPLIT_SHIFT = Fraction(10)
SECTION_SHIFT = Fraction(5)

Weights = dict[str, Fraction]


@dataclass(frozen=True)
class Scenario:
    """One re-weighting and the winner it gives."""

    label: str
    quality_weight: Decimal
    price_weight: Decimal
    section_weights: dict[str, Decimal]
    winner: str | None
    changed: bool

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {
            "label": self.label,
            "quality_weight": float(self.quality_weight),
            "price_weight": float(self.price_weight),
            "section_weights": {k: float(v) for k, v in self.section_weights.items()},
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
    """Run every scenario on prepared scores; ``base`` is the published weighting's result."""
    base = base or score(prepared)
    weights = prepared.base_weights()
    model = prepared.model
    price = Fraction(model.price.weight)
    section_of = {c.id: c.section for c in model.criteria}
    per_point = model.ranks_on_price_per_quality_point
    scenarios: list[Scenario] = []
    notes: list[str] = []

    def run(label: str, new_weights: Weights | None, new_price: Fraction) -> None:
        if new_weights is None or any(w <= 0 for w in new_weights.values()) or new_price < 0:
            notes.append(f"{label}: not run, as a weight would fall to zero or below")
            return
        sections = {
            name: published(weight) for name, weight in _by_section(new_weights, section_of).items()
        }
        shown_price = published(new_price)
        for index, earlier in enumerate(scenarios):
            # With two non-price sections, one up 5 is the other down 5: run it once.
            if earlier.price_weight == shown_price and earlier.section_weights == sections:
                scenarios[index] = replace(earlier, label=f"{earlier.label}; {label}")
                return
        winner = score(prepared, new_weights, new_price).winner
        scenarios.append(
            Scenario(
                label=label,
                quality_weight=published(sum(new_weights.values(), ZERO)),
                price_weight=shown_price,
                section_weights=sections,
                winner=winner,
                changed=winner != base.winner,
            )
        )

    quality = sum(weights.values(), ZERO)
    if per_point:
        notes.append(
            "Quality/price split: not run, as under price per quality point price carries no weight"
        )
    else:
        for shift in (SPLIT_SHIFT, -SPLIT_SHIFT):
            new_quality = quality + shift
            split = f"{_points(new_quality)}/{_points(price - shift)}"
            run(
                f"Quality/price split {split} (quality {_signed(shift)} points)",
                _scaled(weights, new_quality / quality) if new_quality > 0 else None,
                price - shift,
            )
    section_weights = _by_section(weights, section_of)
    if per_point and len(section_weights) == 1:
        notes.append(
            "Section moves: not run, as with one non-price section under price per quality "
            "point they scale every quality score alike"
        )
        return SensitivityResult(base.winner, scenarios, notes)
    for name, current in section_weights.items():
        for shift in (SECTION_SHIFT, -SECTION_SHIFT):
            new_weights, new_price = _move_section(weights, section_of, name, shift, price)
            label = f"{name} section {_signed(shift)} points (to {_points(current + shift)})"
            run(label, new_weights, new_price)
    return SensitivityResult(base.winner, scenarios, notes)


def _by_section(weights: Weights, section_of: dict[str, str]) -> dict[str, Fraction]:
    sections: dict[str, Fraction] = {}
    for criterion, weight in weights.items():
        sections[section_of[criterion]] = sections.get(section_of[criterion], ZERO) + weight
    return sections


def _scaled(weights: Weights, factor: Fraction) -> Weights:
    return {criterion: weight * factor for criterion, weight in weights.items()}


def _move_section(
    weights: Weights, section_of: dict[str, str], name: str, shift: Fraction, price: Fraction
) -> tuple[Weights | None, Fraction]:
    """Move section ``name`` by ``shift`` points, balancing it from the others or from price."""
    inside = {c for c in weights if section_of[c] == name}
    own = sum((weights[c] for c in inside), ZERO)
    if own + shift <= 0:
        return None, price
    others = sum((w for c, w in weights.items() if c not in inside), ZERO)
    if others == 0:
        return _scaled(weights, (own + shift) / own), price - shift
    if others - shift <= 0:
        return None, price
    moved = {
        c: w * ((own + shift) / own) if c in inside else w * ((others - shift) / others)
        for c, w in weights.items()
    }
    return moved, price


def _points(value: Fraction) -> str:
    return f"{published(value).normalize():f}"


def _signed(value: Fraction) -> str:
    return f"{int(value):+d}"  # shifts are whole points
