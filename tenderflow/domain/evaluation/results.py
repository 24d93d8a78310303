"""Evaluation results: who scored what, who is disqualified and why, and who wins.

Each criterion contributes weight x score / scale max, using the consensus score or, before
moderation, the evaluators' mean (and the result is then marked provisional). Pass/fail,
minimum-score and budget disqualifications are applied first; disqualified bids take no part
in price scoring and are not ranked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
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
    columns,
    prepare_evaluation,
    score,
)
from tenderflow.domain.evaluation.sensitivity import SensitivityResult, analyse
from tenderflow.domain.exact import ZERO, published


def _number(value: Decimal | None) -> float | None:
    """Return a published figure as a JSON number (it is already rounded to two decimals)."""
    return None if value is None else float(value)


@dataclass(frozen=True)
class CriterionResult:
    """One bid on one criterion: the score used, its weighted points and the panel's scores."""

    criterion: str
    score: Decimal  # the consensus score, or the evaluators' mean when provisional (published)
    weighted: Decimal  # weight x score / scale max, published
    evaluator_scores: Mapping[str, Decimal]
    spread: Decimal | None  # highest minus lowest evaluator score; None without evaluator scores
    rationale: str | None = None  # the consensus rationale


@dataclass(frozen=True)
class BidderResult:
    """A bid's published scores, rank (None when disqualified) and any disqualification reasons.

    Every figure is worked out exactly and rounded once, to two decimals, here: the total is
    the exact quality plus the exact price score, rounded, not the sum of the rounded parts.
    """

    bidder: str
    rank: int | None
    total: Decimal
    quality: Decimal  # every non-price section: quality, social value, interviews
    price_score: Decimal  # 0 for a disqualified bid, and under price per quality point
    price: Decimal
    sections: dict[str, Decimal]
    criteria: dict[str, CriterionResult]
    disqualified: bool
    reasons: list[str]
    # Under price per quality point: price / quality points, in pounds to the penny (None for
    # a disqualified bid or one with no quality points). None under every other formula.
    price_per_quality_point: Decimal | None = None

    def to_dict(self, per_quality_point: bool = False) -> dict[str, Any]:
        """Return the command line's JSON for this bid, scores rounded to two decimals.

        ``per_quality_point`` adds the bid's price per quality point, for models ranked on it.
        """
        data: dict[str, Any] = {
            "bidder": self.bidder,
            "rank": self.rank,
            "total": _number(self.total),
            "quality": _number(self.quality),
            "price_score": _number(self.price_score),
            "sections": {name: _number(value) for name, value in self.sections.items()},
            "disqualified": self.disqualified,
            "reasons": list(self.reasons),
        }
        if per_quality_point:
            data["price_per_quality_point"] = _number(self.price_per_quality_point)
        return data


@dataclass(frozen=True)
class Flag:
    """A criterion whose evaluators' scores for one bid differ enough to discuss at moderation."""

    bidder: str
    criterion: str
    spread: Decimal

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {
            "bidder": self.bidder,
            "criterion": self.criterion,
            "spread": _number(published(self.spread)),
        }


@dataclass(frozen=True)
class EvaluationResult:
    """The result of an evaluation, ranked bids first and disqualified bids after."""

    model: str
    provisional: bool
    winner: str | None
    tie_break_rule: str
    bidders: list[BidderResult]
    flags: list[Flag]
    notes: list[str] = field(default_factory=list)
    sensitivity: SensitivityResult | None = None
    per_quality_point: bool = False  # ranked on price per quality point, lowest first
    rounding_rule: str = ""

    def bidder(self, name: str) -> BidderResult:
        """Return the result for bidder ``name``, or raise KeyError."""
        for item in self.bidders:
            if item.bidder == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Return the command line's JSON: scores as numbers rounded to two decimals."""
        data: dict[str, Any] = {
            "model": self.model,
            "provisional": self.provisional,
            "winner": self.winner,
            "tie_break_rule": self.tie_break_rule,
            "bidders": [b.to_dict(self.per_quality_point) for b in self.bidders],
            "flags": [f.to_dict() for f in self.flags],
            "notes": list(self.notes),
        }
        if self.sensitivity is not None:
            data["sensitivity"] = self.sensitivity.to_dict()
        return data


def compute_results(
    model: EvaluationModel,
    scores: Sequence[EvaluatorScore],
    prices: Sequence[BidPrice],
    consensus: Sequence[ConsensusScore] | None = None,
    pass_fail: Sequence[PassFailResult] | None = None,
    *,
    include_sensitivity: bool = False,
) -> EvaluationResult:
    """Compute results from the panel's scores, or raise EvaluationInputError listing problems."""
    prepared = prepare_evaluation(model, scores, prices, consensus, pass_fail)
    return results_from(prepared, include_sensitivity=include_sensitivity)


def results_from(prepared: Prepared, *, include_sensitivity: bool = False) -> EvaluationResult:
    """Compute results from prepared scores (see ``prepare_evaluation``)."""
    model = prepared.model
    scored = score(prepared)
    details = _Details.of(prepared)
    bidders = [_bidder_result(prepared, scored, details, name) for name in prepared.bidders]
    position = {name: index for index, name in enumerate(prepared.bidders)}
    bidders.sort(key=lambda b: (b.rank is None, b.rank or 0, position[b.bidder]))
    notes = list(prepared.notes)
    firsts = [b.bidder for b in bidders if b.rank == 1]
    if not firsts:
        notes.append("Every bid is disqualified, so there is no winner.")
    elif len(firsts) > 1:
        notes.append(
            f"{' and '.join(firsts)} share first place after the tie-break: the panel must "
            "decide the recommendation."
        )
    for bidder, ratio in scored.ratio.items():
        if ratio is None:
            notes.append(
                f"{bidder} scored no quality points, so has no price per quality point and is "
                "ranked after every bid that has one."
            )
    sensitivity = None
    if include_sensitivity:
        sensitivity = analyse(prepared, scored)
    return EvaluationResult(
        model=model.name,
        provisional=prepared.provisional,
        winner=scored.winner,
        tie_break_rule=model.tie_break_rule,
        bidders=bidders,
        flags=_flags(prepared),
        notes=notes,
        sensitivity=sensitivity,
        per_quality_point=model.ranks_on_price_per_quality_point,
        rounding_rule=model.rounding_rule,
    )


@dataclass(frozen=True)
class _Details:
    """Per-bid lookups built once, so building results does not search lists bid by bid."""

    panel: dict[tuple[str, str], dict[str, Decimal]]
    rationales: dict[tuple[str, str], str]

    @classmethod
    def of(cls, prepared: Prepared) -> _Details:
        panel: dict[tuple[str, str], dict[str, Decimal]] = {}
        for bidder, criterion, evaluator, value in columns(
            prepared.inputs.scores, "bidder", "criterion", "evaluator", "exact_score"
        ):
            panel.setdefault((bidder, criterion), {})[evaluator] = value
        rationales: dict[tuple[str, str], str] = {}
        if prepared.inputs.consensus is not None:
            for bidder, criterion, rationale in columns(
                prepared.inputs.consensus, "bidder", "criterion", "rationale"
            ):
                rationales[bidder, criterion] = rationale
        return cls(panel=panel, rationales=rationales)


def _bidder_result(
    prepared: Prepared, scored: Scored, details: _Details, bidder: str
) -> BidderResult:
    used, points = prepared.used[bidder], scored.points[bidder]
    criteria = {}
    for criterion in prepared.criteria:
        panel = prepared.panel.get((bidder, criterion))
        criteria[criterion] = CriterionResult(
            criterion=criterion,
            score=published(used[criterion]),
            weighted=published(points[criterion]),
            evaluator_scores=details.panel.get((bidder, criterion), {}),
            spread=None if panel is None else panel.spread,
            rationale=details.rationales.get((bidder, criterion)),
        )
    sections = {
        section.name: published(sum((points[c.id] for c in section.criteria), ZERO))
        for section in prepared.model.sections
    }
    reasons = prepared.reasons[bidder]
    ratio = scored.ratio.get(bidder)
    return BidderResult(
        bidder=bidder,
        rank=scored.ranks[bidder],
        total=published(scored.total[bidder]),
        quality=published(scored.quality[bidder]),
        price_score=published(scored.price_score[bidder]),
        price=prepared.prices[bidder],
        sections=sections,
        criteria=criteria,
        disqualified=bool(reasons),
        reasons=list(reasons),
        price_per_quality_point=None if ratio is None else published(ratio),
    )


def _flags(prepared: Prepared) -> list[Flag]:
    threshold = prepared.model.moderation.spread_flag
    order = {c: i for i, c in enumerate(prepared.criteria)}
    position = {b: i for i, b in enumerate(prepared.bidders)}
    found = [
        Flag(bidder, criterion, panel.spread)
        for (bidder, criterion), panel in prepared.panel.items()
        if panel.count >= 2 and panel.spread >= threshold
    ]
    return sorted(found, key=lambda f: (position[f.bidder], order[f.criterion]))
