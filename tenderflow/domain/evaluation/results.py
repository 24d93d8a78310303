"""Evaluation results: who scored what, who is disqualified and why, and who wins.

Each criterion contributes weight x score / scale max, using the consensus score or, before
moderation, the evaluators' mean (and the result is then marked provisional). Pass/fail,
minimum-score and budget disqualifications are applied first; disqualified bids take no part
in price scoring and are not ranked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
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
from tenderflow.domain.evaluation.sensitivity import SensitivityResult, analyse


@dataclass(frozen=True)
class CriterionResult:
    """One bid on one criterion: the score used, its weighted points and the panel's scores."""

    criterion: str
    score: float  # the consensus score, or the evaluators' mean when provisional
    weighted: float  # weight x score / scale max
    evaluator_scores: Mapping[str, float]
    spread: float | None  # highest minus lowest evaluator score; None without evaluator scores
    rationale: str | None = None  # the consensus rationale


@dataclass(frozen=True)
class BidderResult:
    """A bid's scores, rank (None when disqualified) and the reasons for any disqualification."""

    bidder: str
    rank: int | None
    total: float
    quality: float  # every non-price section: quality, social value, interviews
    price_score: float  # 0 for a disqualified bid, which is not price-scored
    price: Decimal
    sections: dict[str, float]
    criteria: dict[str, CriterionResult]
    disqualified: bool
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Return the command line's JSON for this bid, scores rounded to two decimals."""
        return {
            "bidder": self.bidder,
            "rank": self.rank,
            "total": two_dp(self.total),
            "quality": two_dp(self.quality),
            "price_score": two_dp(self.price_score),
            "sections": {name: two_dp(value) for name, value in self.sections.items()},
            "disqualified": self.disqualified,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Flag:
    """A criterion whose evaluators' scores for one bid differ enough to discuss at moderation."""

    bidder: str
    criterion: str
    spread: float

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {"bidder": self.bidder, "criterion": self.criterion, "spread": two_dp(self.spread)}


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
            "bidders": [b.to_dict() for b in self.bidders],
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
    """Compute results from prepared frames (see ``prepare_evaluation``)."""
    model = prepared.model
    scored = score(prepared)
    details = _Details.of(prepared, scored)
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
    )


@dataclass(frozen=True)
class _Details:
    """Per-bid lookups built once, so building results does not index frames cell by cell."""

    used: dict[str, dict[str, float]]
    points: dict[str, dict[str, float]]
    sections: dict[str, dict[str, float]]
    panel: dict[tuple[str, str], dict[str, float]]
    spreads: dict[tuple[str, str], float]
    rationales: dict[tuple[str, str], str]

    @classmethod
    def of(cls, prepared: Prepared, scored: Scored) -> _Details:
        section_of = {c.id: c.section for c in prepared.model.criteria}
        sections = scored.points.T.groupby(section_of, sort=False).sum().T
        panel: dict[tuple[str, str], dict[str, float]] = {}
        for bidder, criterion, evaluator, value in _columns(
            prepared.inputs.scores, "bidder", "criterion", "evaluator", "score"
        ):
            panel.setdefault((bidder, criterion), {})[evaluator] = value
        rationales: dict[tuple[str, str], str] = {}
        if prepared.inputs.consensus is not None:
            for bidder, criterion, rationale in _columns(
                prepared.inputs.consensus, "bidder", "criterion", "rationale"
            ):
                rationales[bidder, criterion] = rationale
        return cls(
            used=prepared.used.to_dict("index"),
            points=scored.points.to_dict("index"),
            sections=sections.to_dict("index"),
            panel=panel,
            spreads=prepared.stats["spread"].to_dict(),
            rationales=rationales,
        )


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    # Plain lists first: iterating a pandas column value by value is many times slower.
    return zip(*(frame[name].tolist() for name in names), strict=True)


def _bidder_result(
    prepared: Prepared, scored: Scored, details: _Details, bidder: str
) -> BidderResult:
    used, points = details.used[bidder], details.points[bidder]
    criteria = {
        criterion: CriterionResult(
            criterion=criterion,
            score=float(used[criterion]),
            weighted=float(points[criterion]),
            evaluator_scores=details.panel.get((bidder, criterion), {}),
            spread=details.spreads.get((bidder, criterion)),
            rationale=details.rationales.get((bidder, criterion)),
        )
        for criterion in prepared.criteria
    }
    reasons = prepared.reasons[bidder]
    return BidderResult(
        bidder=bidder,
        rank=scored.ranks[bidder],
        total=float(scored.total[bidder]),
        quality=float(scored.quality[bidder]),
        price_score=float(scored.price_score[bidder]),
        price=prepared.exact_prices[bidder],
        sections={s.name: float(details.sections[bidder][s.name]) for s in prepared.model.sections},
        criteria=criteria,
        disqualified=bool(reasons),
        reasons=list(reasons),
    )


def _flags(prepared: Prepared) -> list[Flag]:
    stats = prepared.stats
    threshold = float(prepared.model.moderation.spread_flag)
    # Rounded first so that 2.3 - 0.3 counts as a spread of exactly 2.
    flagged = stats[(stats["count"] >= 2) & (stats["spread"].round(6) >= threshold)]
    order = {c: i for i, c in enumerate(prepared.criteria)}
    position = {b: i for i, b in enumerate(prepared.bidders)}
    found = [
        Flag(bidder, criterion, float(spread))
        for (bidder, criterion), spread in flagged["spread"].items()
    ]
    return sorted(found, key=lambda f: (position[f.bidder], order[f.criterion]))
