"""The arithmetic of an evaluation: compliance, weighted scores, price scores and ranks.

``prepare`` does the work that does not depend on weights (scores used, spreads,
disqualifications) once; ``score`` then applies a set of weights, so sensitivity scenarios
re-weight the same scores instead of starting again.

Every figure is exact (``tenderflow.domain.exact``): scores and prices as given, means and
ratios as fractions. Ranks are decided on the figures the model's ranking rule names, as they
are published: the total (or, under price per quality point, the price per quality point) to
two decimals, then the tie-break.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from tenderflow.domain.evaluation.inputs import Inputs, input_problems, to_frames
from tenderflow.domain.evaluation.model import EvaluationModel, PriceRule, plain
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluationInputError,
    EvaluatorScore,
    PassFailResult,
)

if TYPE_CHECKING:
    import pandas as pd
from tenderflow.domain.exact import ZERO, published, score_text
from tenderflow.domain.money import format_gbp

PRICE_PER_QUALITY_POINT = "price-per-quality-point"


@dataclass(frozen=True)
class PanelScores:
    """The evaluators' scores for one bid on one criterion."""

    count: int
    total: Decimal
    low: Decimal
    high: Decimal

    @property
    def mean(self) -> Fraction:
        return Fraction(self.total) / self.count

    @property
    def spread(self) -> Decimal:
        """Return the highest score minus the lowest."""
        return self.high - self.low


@dataclass(frozen=True)
class Prepared:
    """Everything about an evaluation that does not depend on the weights."""

    model: EvaluationModel
    inputs: Inputs
    bidders: list[str]  # in the order their prices were given
    criteria: list[str]  # in model order
    used: dict[str, dict[str, Fraction]]  # bidder -> criterion -> consensus score or the mean
    panel: dict[tuple[str, str], PanelScores]  # (bidder, criterion) -> the evaluators' scores
    prices: dict[str, Decimal]
    reasons: dict[str, list[str]]  # disqualification reasons; empty for a compliant bid
    provisional: bool
    notes: list[str]

    @property
    def compliant(self) -> dict[str, bool]:
        """Return bidder -> True for the bids not disqualified."""
        return {b: not self.reasons[b] for b in self.bidders}

    def base_weights(self) -> dict[str, Fraction]:
        """Return criterion -> weight as published."""
        return {c.id: Fraction(c.weight) for c in self.model.criteria}


def prepare_evaluation(
    model: EvaluationModel,
    scores: Sequence[EvaluatorScore],
    prices: Sequence[BidPrice],
    consensus: Sequence[ConsensusScore] | None = None,
    pass_fail: Sequence[PassFailResult] | None = None,
) -> Prepared:
    """Check the inputs, raising EvaluationInputError listing every problem, then prepare."""
    inputs = to_frames(scores, prices, consensus, pass_fail)
    problems = input_problems(model, inputs)
    if problems:
        raise EvaluationInputError([str(problem) for problem in problems])
    return prepare(model, inputs)


def columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """Zip a frame's columns as plain lists: far quicker than iterating pandas value by value."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def _panel(scores: pd.DataFrame) -> dict[tuple[str, str], PanelScores]:
    found: dict[tuple[str, str], list[Decimal]] = {}
    for bidder, criterion, value in columns(scores, "bidder", "criterion", "exact_score"):
        found.setdefault((bidder, criterion), []).append(value)
    return {
        key: PanelScores(len(values), sum(values, Decimal(0)), min(values), max(values))
        for key, values in found.items()
    }


def prepare(model: EvaluationModel, inputs: Inputs) -> Prepared:
    """Work out the scores used, spreads and disqualifications (inputs already checked)."""
    bidders = list(dict.fromkeys(inputs.prices["bidder"]))
    criteria = [c.id for c in model.criteria]
    panel = _panel(inputs.scores)
    provisional = inputs.consensus is None
    if inputs.consensus is None:
        used = {b: {c: panel[b, c].mean for c in criteria} for b in bidders}
    else:
        agreed = {
            (bidder, criterion): Fraction(value)
            for bidder, criterion, value in columns(
                inputs.consensus, "bidder", "criterion", "exact_score"
            )
        }
        used = {b: {c: agreed[b, c] for c in criteria} for b in bidders}
    prices = dict(zip(inputs.prices["bidder"], inputs.prices["price"], strict=True))
    notes: list[str] = []
    if provisional:
        notes.append(
            "Provisional: there are no consensus scores yet, so each criterion uses the "
            "evaluators' mean; results will change at moderation."
        )
    reasons: dict[str, list[str]] = {b: [] for b in bidders}
    _apply_pass_fail(model, inputs, bidders, reasons, notes)
    _apply_minimums(model, bidders, used, provisional, reasons)
    _apply_budget(model.price, prices, reasons)
    return Prepared(
        model, inputs, bidders, criteria, used, panel, prices, reasons, provisional, notes
    )


def _apply_pass_fail(
    model: EvaluationModel,
    inputs: Inputs,
    bidders: list[str],
    reasons: dict[str, list[str]],
    notes: list[str],
) -> None:
    if not model.pass_fail:
        return
    if inputs.pass_fail is None:
        notes.append(
            "No pass/fail results were given, so the gateway questions "
            f"({', '.join(q.id for q in model.pass_fail)}) were not applied."
        )
        return
    frame = inputs.pass_fail
    pairs = zip(frame["bidder"], frame["question"], strict=True)
    results = dict(zip(pairs, frame["result"], strict=True))
    for bidder in bidders:
        for question in model.pass_fail:
            result = results.get((bidder, question.id))
            if result is None:
                notes.append(
                    f"No pass/fail result for {bidder} on {question.id}: not treated as a "
                    "fail; record it before the award."
                )
            elif result.lower() == "fail":
                reasons[bidder].append(
                    f"Failed pass/fail question {question.id} ({question.title})"
                )


def _apply_minimums(
    model: EvaluationModel,
    bidders: list[str],
    used: dict[str, dict[str, Fraction]],
    provisional: bool,
    reasons: dict[str, list[str]],
) -> None:
    basis = " (the evaluators' mean, before moderation)" if provisional else ""
    for bidder in bidders:
        for criterion in model.criteria:
            if criterion.minimum is None or used[bidder][criterion.id] >= criterion.minimum:
                continue
            reasons[bidder].append(
                f"Scored {score_text(used[bidder][criterion.id])} on {criterion.id} "
                f"({criterion.title}){basis}, below the minimum of {plain(criterion.minimum)}"
            )


def _apply_budget(
    rule: PriceRule, prices: dict[str, Decimal], reasons: dict[str, list[str]]
) -> None:
    if rule.budget is None:
        return
    for bidder, price in prices.items():
        if price > rule.budget:
            reasons[bidder].append(
                f"Price {format_gbp(price)} is over the budget of {format_gbp(rule.budget)}"
            )


@dataclass(frozen=True)
class Scored:
    """One set of weights applied: points per criterion, totals, ranks and the winner."""

    points: dict[str, dict[str, Fraction]]  # bidder -> criterion -> weight x score / scale max
    quality: dict[str, Fraction]
    price_score: dict[str, Fraction]
    total: dict[str, Fraction]
    # Under price per quality point: price / quality points for each compliant bid with
    # quality points (None without any); empty under every other formula.
    ratio: dict[str, Fraction | None]
    ranks: dict[str, int | None]
    winner: str | None


def score(
    prepared: Prepared,
    weights: Mapping[str, Fraction] | None = None,
    price_weight: Fraction | None = None,
) -> Scored:
    """Apply ``weights`` (criterion -> weight; default: the model's) and rank the bids."""
    model = prepared.model
    weights = prepared.base_weights() if weights is None else weights
    price_weight = Fraction(model.price.weight) if price_weight is None else price_weight
    top = model.scale.max
    per_point = {c: Fraction(weights[c]) / top for c in prepared.criteria}
    points = {
        b: {c: per_point[c] * prepared.used[b][c] for c in prepared.criteria}
        for b in prepared.bidders
    }
    quality = {b: sum(points[b].values(), ZERO) for b in prepared.bidders}
    compliant = prepared.compliant
    price_score = price_scores(model.price, prepared.prices, compliant, price_weight)
    total = {b: quality[b] + price_score[b] for b in prepared.bidders}
    ratio = (
        price_per_quality_point(prepared.prices, quality, compliant)
        if model.price.formula == PRICE_PER_QUALITY_POINT
        else {}
    )
    ranks = rank(model, total, quality, ratio, prepared.prices, compliant)
    firsts = [b for b, r in ranks.items() if r == 1]
    return Scored(
        points, quality, price_score, total, ratio, ranks, firsts[0] if len(firsts) == 1 else None
    )


def price_scores(
    rule: PriceRule,
    prices: Mapping[str, Decimal],
    compliant: Mapping[str, bool],
    weight: Fraction,
) -> dict[str, Fraction]:
    """Score price among compliant bids only; disqualified bids get 0 and set no benchmark.

    Under price per quality point price earns no points: bids are ranked on the ratio instead,
    so adding a price score to quality would count quality twice.
    """
    result = dict.fromkeys(prices, ZERO)
    bids = {b: Fraction(p) for b, p in prices.items() if compliant[b]}
    if not bids or weight == 0 or rule.formula == PRICE_PER_QUALITY_POINT:
        return result
    if rule.formula == "benchmark":
        benchmark = Fraction(rule.parameters["benchmark"])
        zero_at = benchmark * Fraction(rule.parameters["zero_at_percent_above"]) / 100
        for bidder, price in bids.items():
            over = max(price - benchmark, ZERO)
            result[bidder] = weight * max(1 - over / zero_at, ZERO)
    else:  # relative-lowest, and budget (the ceiling is applied as a disqualification)
        lowest = min(bids.values())
        for bidder, price in bids.items():
            result[bidder] = weight * lowest / price
    return result


def price_per_quality_point(
    prices: Mapping[str, Decimal], quality: Mapping[str, Fraction], compliant: Mapping[str, bool]
) -> dict[str, Fraction | None]:
    """Return each compliant bid's price divided by its quality points (None without points)."""
    return {
        bidder: Fraction(price) / quality[bidder] if quality[bidder] > 0 else None
        for bidder, price in prices.items()
        if compliant[bidder]
    }


def rank(
    model: EvaluationModel,
    total: Mapping[str, Fraction],
    quality: Mapping[str, Fraction],
    ratio: Mapping[str, Fraction | None],
    prices: Mapping[str, Decimal],
    compliant: Mapping[str, bool],
) -> dict[str, int | None]:
    """Rank compliant bids on the published figures the ranking rule names; equal keys share."""
    keys: dict[str, tuple[Decimal, ...]] = {}
    for bidder in total:
        if not compliant[bidder]:
            continue
        key: tuple[Decimal, ...]
        if model.price.formula == PRICE_PER_QUALITY_POINT:
            value = ratio[bidder]
            # Lowest price per point first; a bid with no quality points comes after them all.
            key = (Decimal(1), Decimal(0)) if value is None else (Decimal(0), published(value))
        else:
            key = (-published(total[bidder]),)
        if model.tie_break == "higher-quality":
            key += (-published(quality[bidder]),)
        elif model.tie_break == "lower-price":
            key += (prices[bidder],)
        keys[bidder] = key
    ranks: dict[str, int | None] = dict.fromkeys(total, None)
    previous: tuple[Decimal, ...] | None = None
    current = 0
    for position, (bidder, key) in enumerate(sorted(keys.items(), key=lambda kv: kv[1]), 1):
        if key != previous:
            current, previous = position, key
        ranks[bidder] = current
    return ranks
