"""Evaluation models: the scale, weighted criteria, gateway questions and price formula.

A model is YAML checked against ``scoring_matrices/evaluation-model.schema.json`` and then
for rules a schema cannot express (weights add up to 100, ids are unique, minimums lie on the
scale). It is published with the ITT and fixed once the tender deadline passes;
``fingerprint()`` tells a later layer when a published model has changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tenderflow.domain.data_files import DataFileError
from tenderflow.domain.money import format_amount, format_gbp

SECTION_KINDS = ("quality", "social-value", "interview")
PRICE_FORMULAS = ("relative-lowest", "price-per-quality-point", "benchmark", "budget")
TIE_BREAKS = ("higher-quality", "lower-price", "shared")
TOTAL_WEIGHT = Decimal(100)
# Central government's minimum share for social value; below it the model is warned, not refused.
SOCIAL_VALUE_MINIMUM = Decimal(10)

TIE_BREAK_RULES = {
    "higher-quality": "where totals are equal, the higher quality score wins",
    "lower-price": "where totals are equal, the lower price wins",
    "shared": "equal totals share the rank",
}

FORMULA_DESCRIPTIONS = {
    "relative-lowest": (
        "the lowest compliant price gets the full price weight; each other compliant bid gets "
        "price weight x lowest price / its price"
    ),
    "price-per-quality-point": (
        "each compliant bid's price is divided by its quality score (the points it scored on "
        "every non-price criterion) to give its price per quality point, and bids are ranked on "
        "that figure, lowest first; price earns no points of its own, so the price score is 0 "
        "and the total is the quality score (a bid with no quality points has no price per "
        "quality point and is ranked after every bid that has one)"
    ),
    "benchmark": (
        "a compliant price at or below the benchmark gets the full price weight; above it the "
        "score falls in a straight line to 0 at the benchmark plus zero_at_percent_above percent"
    ),
    "budget": (
        "a price above the budget is disqualified; compliant bids within it are scored as "
        "relative-lowest"
    ),
}


class ModelError(DataFileError):
    """An evaluation model breaks a rule; ``errors`` names each rule broken."""


def plain(number: Decimal) -> str:
    """Write a decimal without exponent or trailing zeros, e.g. "60" or "12.5"."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class ScalePoint:
    """What one point on the scale means."""

    label: str
    description: str | None = None


@dataclass(frozen=True)
class Scale:
    """The scoring scale; descriptors are keyed by whole point."""

    min: int
    max: int
    descriptors: Mapping[int, ScalePoint]

    def contains(self, score: float | Decimal) -> bool:
        """Say whether ``score`` lies on the scale."""
        return self.min <= score <= self.max

    @property
    def label(self) -> str:
        """Describe the scale's range, e.g. "0 to 5"."""
        return f"{self.min} to {self.max}"


DEFAULT_SCALE = Scale(
    0,
    5,
    {
        0: ScalePoint("No response or unacceptable"),
        1: ScalePoint("Very poor"),
        2: ScalePoint("Poor"),
        3: ScalePoint("Satisfactory"),
        4: ScalePoint("Good"),
        5: ScalePoint("Excellent"),
    },
)
DEFAULT_SPREAD_FLAG = Decimal(2)


@dataclass(frozen=True)
class Criterion:
    """A scored question; ``section`` and ``kind`` come from the section that holds it."""

    id: str
    title: str
    weight: Decimal
    minimum: Decimal | None = None
    guidance: str | None = None
    section: str = ""
    kind: str = "quality"


@dataclass(frozen=True)
class Section:
    """A group of criteria; its weight is the sum of theirs."""

    name: str
    kind: str
    criteria: tuple[Criterion, ...]
    description: str | None = None
    declared_weight: Decimal | None = None

    @property
    def weight(self) -> Decimal:
        """Return the sum of the section's criteria weights."""
        return sum((c.weight for c in self.criteria), Decimal(0))


@dataclass(frozen=True)
class PassFailQuestion:
    """A gateway question: a fail disqualifies the bid."""

    id: str
    title: str
    guidance: str | None = None


@dataclass(frozen=True)
class PriceRule:
    """How price is scored; ``parameters`` holds budget, benchmark and the like."""

    weight: Decimal
    formula: str
    parameters: Mapping[str, Decimal] = field(default_factory=dict)
    abnormally_low_percent: Decimal | None = None
    guidance: str | None = None

    @property
    def budget(self) -> Decimal | None:
        """Return the affordability ceiling, if the model sets one."""
        return self.parameters.get("budget")

    def describe(self) -> str:
        """Describe the formula and its parameters in words, for reports."""
        text = FORMULA_DESCRIPTIONS[self.formula]
        named = [f"{key} {_parameter_text(key, value)}" for key, value in self.parameters.items()]
        return f"{text} ({', '.join(named)})" if named else text


def _parameter_text(key: str, value: Decimal) -> str:
    return format_gbp(value) if key in ("budget", "benchmark") else f"{plain(value)}%"


@dataclass(frozen=True)
class Moderation:
    """Moderation settings."""

    spread_flag: Decimal = DEFAULT_SPREAD_FLAG


@dataclass(frozen=True)
class EvaluationModel:
    """A complete, checked evaluation model."""

    name: str
    title: str
    scale: Scale
    sections: tuple[Section, ...]
    pass_fail: tuple[PassFailQuestion, ...]
    price: PriceRule
    moderation: Moderation
    tie_break: str = "higher-quality"
    description: str | None = None

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Return every scored criterion, section by section, in model order."""
        return tuple(c for section in self.sections for c in section.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """Return the criterion with ``criterion_id``, or raise KeyError."""
        for item in self.criteria:
            if item.id == criterion_id:
                return item
        raise KeyError(criterion_id)

    @property
    def quality_weight(self) -> Decimal:
        """Return the weight of everything but price (quality, social value, interviews)."""
        return sum((s.weight for s in self.sections), Decimal(0))

    @property
    def social_value_weight(self) -> Decimal:
        """Return the weight of the social-value sections."""
        return sum((s.weight for s in self.sections if s.kind == "social-value"), Decimal(0))

    @property
    def ranks_on_price_per_quality_point(self) -> bool:
        """Say whether bids are ranked on price per quality point rather than total score."""
        return self.price.formula == "price-per-quality-point"

    @property
    def tie_break_rule(self) -> str:
        """State the ranking rule in words."""
        if self.ranks_on_price_per_quality_point:
            rule = (
                "Bids are ranked on their price per quality point (the price divided by the "
                "quality score) to the penny, lowest first; "
            )
            rule += TIE_BREAK_RULES[self.tie_break].replace("totals", "prices per quality point")
        else:
            rule = "Bids are ranked on their total score to two decimal places; "
            rule += TIE_BREAK_RULES[self.tie_break]
        if self.tie_break != "shared":
            rule += "; bids still equal share the rank"
        return rule + "."

    @property
    def rounding_rule(self) -> str:
        """State how published figures are rounded and how the parts relate to the total."""
        return (
            "Scores are worked out exactly and each published figure is rounded once, to two "
            "decimal places with halves rounded up. The total is the exact quality score plus "
            "the exact price score, rounded once. Each part is rounded on its own, so the "
            "published quality and price scores can add up to 0.01 more or less than the "
            "published total, and the criteria's weighted scores to a few hundredths more or "
            "less than the quality score."
        )

    def warnings(self) -> list[str]:
        """List what is allowed but questionable, such as too little social value."""
        found = []
        share = self.social_value_weight
        if share < SOCIAL_VALUE_MINIMUM:
            carries = (
                "The model has no social-value section"
                if share == 0
                else f"Social value is {plain(share)}% of the total score"
            )
            found.append(
                f"{carries}: central government requires at least "
                f"{plain(SOCIAL_VALUE_MINIMUM)}% of the total score, and councils often use 10-30%"
            )
        if self.ranks_on_price_per_quality_point and self.price.weight > 0:
            found.append(
                f"Price is weighted {plain(self.price.weight)}%, but under price per quality "
                "point price earns no points: bids are ranked on price divided by the quality "
                f"score (out of {plain(self.quality_weight)}), and the price weight plays no part"
            )
        return found

    def to_dict(self) -> dict[str, Any]:
        """Return the model as JSON-ready data that ``parse_model`` reads back unchanged."""
        data: dict[str, Any] = {"name": self.name, "title": self.title}
        if self.description:
            data["description"] = self.description
        data["scale"] = {
            "min": self.scale.min,
            "max": self.scale.max,
            "descriptors": {
                str(point): _optional(label=desc.label, description=desc.description)
                for point, desc in sorted(self.scale.descriptors.items())
            },
        }
        data["sections"] = [_section_dict(s) for s in self.sections]
        data["pass_fail"] = [
            _optional(id=q.id, title=q.title, guidance=q.guidance) for q in self.pass_fail
        ]
        price = self.price
        data["price"] = _optional(
            weight=plain(price.weight),
            formula=price.formula,
            parameters={k: _parameter_value(k, v) for k, v in price.parameters.items()},
            abnormally_low_percent=_plain_or_none(price.abnormally_low_percent),
            guidance=price.guidance,
        )
        data["moderation"] = {"spread_flag": plain(self.moderation.spread_flag)}
        data["tie_break"] = self.tie_break
        return data

    def fingerprint(self) -> str:
        """Return a SHA-256 of the model's content, unchanged by YAML layout or comments."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _optional(**values: Any) -> dict[str, Any]:
    """Drop keys whose value is None, so optional YAML keys stay out."""
    return {key: value for key, value in values.items() if value is not None}


def _plain_or_none(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def _parameter_value(key: str, value: Decimal) -> str:
    return format_amount(value) if key in ("budget", "benchmark") else plain(value)


def _section_dict(section: Section) -> dict[str, Any]:
    return _optional(
        name=section.name,
        kind=section.kind,
        weight=_plain_or_none(section.declared_weight),
        description=section.description,
        criteria=[
            _optional(
                id=c.id,
                title=c.title,
                weight=plain(c.weight),
                minimum=_plain_or_none(c.minimum),
                guidance=c.guidance,
            )
            for c in section.criteria
        ],
    )
