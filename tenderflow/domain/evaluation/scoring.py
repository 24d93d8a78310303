"""The arithmetic of an evaluation: compliance, weighted scores, price scores and ranks.

``prepare`` does the work that does not depend on weights (scores used, spreads,
disqualifications) once; ``score`` then applies a set of weights, so sensitivity scenarios
re-weight the same frames instead of starting again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from tenderflow.domain.evaluation.inputs import Inputs, input_problems, to_frames
from tenderflow.domain.evaluation.model import EvaluationModel, PriceRule, plain
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluationInputError,
    EvaluatorScore,
    PassFailResult,
)
from tenderflow.domain.money import PENNY, format_gbp


def two_dp(value: float) -> float:
    """Round a score to two decimals, halves up, as it is published."""
    return float(Decimal(repr(float(value))).quantize(PENNY, rounding=ROUND_HALF_UP))


def score_text(value: float) -> str:
    """Write a score for a sentence: two decimals at most, e.g. "1.5" or "1.33"."""
    return f"{two_dp(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Prepared:
    """Everything about an evaluation that does not depend on the weights."""

    model: EvaluationModel
    inputs: Inputs
    bidders: list[str]  # in the order their prices were given
    criteria: list[str]  # in model order
    used: pd.DataFrame  # bidder x criterion: the consensus score, or the evaluators' mean
    stats: pd.DataFrame  # (bidder, criterion) -> mean, min, max, count, spread
    prices: pd.Series  # bidder -> price as a float, for the formulas
    exact_prices: dict[str, Decimal]
    reasons: dict[str, list[str]]  # disqualification reasons; empty for a compliant bid
    provisional: bool
    notes: list[str]

    @property
    def compliant(self) -> pd.Series:
        """Return bidder -> True for the bids not disqualified."""
        return pd.Series({b: not self.reasons[b] for b in self.bidders}, dtype=bool)

    def base_weights(self) -> pd.Series:
        """Return criterion -> weight as published."""
        return pd.Series({c.id: float(c.weight) for c in self.model.criteria})


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


def prepare(model: EvaluationModel, inputs: Inputs) -> Prepared:
    """Work out the scores used, spreads and disqualifications (inputs already checked)."""
    bidders = list(dict.fromkeys(inputs.prices["bidder"]))
    criteria = [c.id for c in model.criteria]
    stats = (
        inputs.scores.groupby(["bidder", "criterion"], sort=False)["score"]
        .agg(["mean", "min", "max", "count"])
        .astype(float)
    )
    stats["spread"] = stats["max"] - stats["min"]
    provisional = inputs.consensus is None
    if provisional:
        used = stats["mean"].unstack("criterion")
    else:
        assert inputs.consensus is not None
        used = inputs.consensus.pivot(index="bidder", columns="criterion", values="score")
    used = used.reindex(index=bidders, columns=criteria).astype(float)
    exact = dict(zip(inputs.prices["bidder"], inputs.prices["price"], strict=True))
    prices = pd.Series({b: float(exact[b]) for b in bidders}, dtype=float)
    notes: list[str] = []
    if provisional:
        notes.append(
            "Provisional: there are no consensus scores yet, so each criterion uses the "
            "evaluators' mean; results will change at moderation."
        )
    reasons: dict[str, list[str]] = {b: [] for b in bidders}
    _apply_pass_fail(model, inputs, bidders, reasons, notes)
    _apply_minimums(model, used, provisional, reasons)
    _apply_budget(model.price, exact, reasons)
    return Prepared(
        model, inputs, bidders, criteria, used, stats, prices, exact, reasons, provisional, notes
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
    model: EvaluationModel, used: pd.DataFrame, provisional: bool, reasons: dict[str, list[str]]
) -> None:
    minimums = pd.Series(
        {c.id: np.nan if c.minimum is None else float(c.minimum) for c in model.criteria}
    )
    below = used.lt(minimums, axis=1).to_numpy()
    basis = " (the evaluators' mean, before moderation)" if provisional else ""
    for row, column in np.argwhere(below):
        bidder, criterion = used.index[row], model.criteria[column]
        assert criterion.minimum is not None
        reasons[bidder].append(
            f"Scored {score_text(used.iat[row, column])} on {criterion.id} ({criterion.title})"
            f"{basis}, below the minimum of {plain(criterion.minimum)}"
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

    points: pd.DataFrame  # bidder x criterion: weight x score / scale max
    quality: pd.Series
    price_score: pd.Series
    total: pd.Series
    ranks: dict[str, int | None]
    winner: str | None


def score(
    prepared: Prepared, weights: pd.Series | None = None, price_weight: float | None = None
) -> Scored:
    """Apply ``weights`` (criterion -> weight; default: the model's) and rank the bids."""
    model = prepared.model
    weights = prepared.base_weights() if weights is None else weights
    price_weight = float(model.price.weight) if price_weight is None else price_weight
    points = prepared.used * (weights.reindex(prepared.criteria) / model.scale.max)
    quality = points.sum(axis=1)
    compliant = prepared.compliant
    price_score = price_scores(model.price, prepared.prices, quality, compliant, price_weight)
    total = quality + price_score
    ranks = rank(model.tie_break, total, quality, prepared.prices, compliant)
    firsts = [b for b, r in ranks.items() if r == 1]
    return Scored(
        points, quality, price_score, total, ranks, firsts[0] if len(firsts) == 1 else None
    )


def price_scores(
    rule: PriceRule,
    prices: pd.Series,
    quality: pd.Series,
    compliant: pd.Series,
    weight: float,
) -> pd.Series:
    """Score price among compliant bids only; disqualified bids get 0 and set no benchmark."""
    result = pd.Series(0.0, index=prices.index)
    bids = prices[compliant]
    if bids.empty or weight == 0:
        return result
    if rule.formula == "price-per-quality-point":
        with np.errstate(divide="ignore"):
            ratio = bids / quality[compliant].to_numpy()
        best = ratio.min()
        # A bid with no quality points has an infinite ratio and so scores 0.
        scores = weight * best / ratio if np.isfinite(best) else ratio * 0.0
    elif rule.formula == "benchmark":
        benchmark = float(rule.parameters["benchmark"])
        zero_at = benchmark * float(rule.parameters["zero_at_percent_above"]) / 100
        over = (bids - benchmark).clip(lower=0)
        scores = weight * (1 - over / zero_at).clip(lower=0)
    else:  # relative-lowest, and budget (the ceiling is applied as a disqualification)
        scores = weight * bids.min() / bids
    result[scores.index] = scores.fillna(0.0)
    return result


def rank(
    tie_break: str,
    total: pd.Series,
    quality: pd.Series,
    prices: pd.Series,
    compliant: pd.Series,
) -> dict[str, int | None]:
    """Rank compliant bids by total as published, then the tie-break; equal keys share a rank."""
    keys: dict[str, tuple[float, ...]] = {}
    for bidder in total.index:
        if not compliant[bidder]:
            continue
        key: tuple[float, ...] = (-two_dp(total[bidder]),)
        if tie_break == "higher-quality":
            key += (-two_dp(quality[bidder]),)
        elif tie_break == "lower-price":
            key += (float(prices[bidder]),)
        keys[bidder] = key
    ranks: dict[str, int | None] = {b: None for b in total.index}
    previous: tuple[float, ...] | None = None
    current = 0
    for position, (bidder, key) in enumerate(sorted(keys.items(), key=lambda kv: kv[1]), 1):
        if key != previous:
            current, previous = position, key
        ranks[bidder] = current
    return ranks
