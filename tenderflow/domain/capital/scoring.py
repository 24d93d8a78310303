"""Scoring a scheme: gateway results, weighted criteria, and flags between two scorers.

Each SP team scorer records a pass or fail for every gateway that applies and, when all pass,
a score for every criterion. A criterion's final score is the agreed score where one was
recorded, otherwise the scorers' mean, kept exact (three scorers giving 3, 3 and 4 have a mean
of 10/3, not 3.33); a gateway's result is the agreed one, otherwise the scorers' shared
answer. Scores ``spread_flag`` or more points apart, and gateways the scorers answered
differently, are flagged until a score or result is agreed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from tenderflow.domain.capital.matrix import CapitalMatrix
from tenderflow.domain.exact import score_text


@dataclass(frozen=True)
class ScoreSheet:
    """One scorer's answers for one scheme: gateway passes and criterion scores."""

    scorer: str
    gateways: Mapping[str, bool] = field(default_factory=dict)
    scores: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Agreed:
    """A score (criterion) or result (gateway) the scorers agreed after a flag."""

    item: str
    score: Decimal | None = None
    passed: bool | None = None


@dataclass(frozen=True)
class Flag:
    """A criterion or gateway on which the scorers differ enough to need agreement."""

    item: str
    kind: str  # "criterion" or "gateway"
    values: Mapping[str, str]  # scorer -> what they gave, as text
    spread: Decimal | None
    agreed: bool


@dataclass(frozen=True)
class FinalScores:
    """A scheme's results once its sheets and agreements are combined."""

    gateways: Mapping[str, bool]
    scores: Mapping[str, Fraction]  # exact: the agreed score, or the scorers' mean
    flags: tuple[Flag, ...]

    @property
    def open_flags(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if not f.agreed)

    @property
    def failed_gateways(self) -> tuple[str, ...]:
        return tuple(g for g, passed in self.gateways.items() if not passed)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def flags_for(
    matrix: CapitalMatrix, sheets: Sequence[ScoreSheet], agreed: Sequence[Agreed] = ()
) -> list[Flag]:
    """Return every gateway the scorers answered differently and every wide criterion spread."""
    done = {a.item for a in agreed}
    found = []
    for gateway in matrix.gateways:
        given = {s.scorer: s.gateways[gateway.id] for s in sheets if gateway.id in s.gateways}
        if len(set(given.values())) > 1:
            values = {who: "pass" if ok else "fail" for who, ok in given.items()}
            found.append(Flag(gateway.id, "gateway", values, None, gateway.id in done))
    for criterion in matrix.criteria:
        given_scores = {
            s.scorer: s.scores[criterion.id] for s in sheets if criterion.id in s.scores
        }
        if len(given_scores) < 2:
            continue
        spread = max(given_scores.values()) - min(given_scores.values())
        if spread >= matrix.spread_flag:
            values = {who: _plain(score) for who, score in given_scores.items()}
            found.append(Flag(criterion.id, "criterion", values, spread, criterion.id in done))
    return found


def final_scores(
    matrix: CapitalMatrix,
    sheets: Sequence[ScoreSheet],
    agreed: Sequence[Agreed] = (),
    applicable: Sequence[str] | None = None,
) -> FinalScores:
    """Combine scorers' sheets and agreed scores; ``applicable`` limits the gateways considered."""
    agreements = {a.item: a for a in agreed}
    gateway_ids = matrix.gateway_ids if applicable is None else tuple(applicable)
    gateways: dict[str, bool] = {}
    for gateway_id in gateway_ids:
        settled = agreements.get(gateway_id)
        if settled is not None and settled.passed is not None:
            gateways[gateway_id] = settled.passed
            continue
        given = {s.gateways[gateway_id] for s in sheets if gateway_id in s.gateways}
        if len(given) == 1:
            gateways[gateway_id] = given.pop()
    scores: dict[str, Fraction] = {}
    for criterion in matrix.criteria:
        settled = agreements.get(criterion.id)
        if settled is not None and settled.score is not None:
            scores[criterion.id] = Fraction(settled.score)
            continue
        given_scores = [
            Fraction(s.scores[criterion.id]) for s in sheets if criterion.id in s.scores
        ]
        if given_scores:
            scores[criterion.id] = sum(given_scores, Fraction(0)) / len(given_scores)
    return FinalScores(gateways, scores, tuple(flags_for(matrix, sheets, agreed)))


def weighted_scores(
    matrix: CapitalMatrix, scores: Mapping[str, Decimal | Fraction]
) -> dict[str, Fraction]:
    """Return each criterion's contribution, weight x score / scale maximum, exactly."""
    return {c.id: matrix.weighted(c, scores[c.id]) for c in matrix.criteria if c.id in scores}


def score_problems(matrix: CapitalMatrix, scores: Mapping[str, Decimal | Fraction]) -> list[str]:
    """Return what is wrong with a set of criterion scores (missing, unknown, off the scale)."""
    problems = []
    for criterion in matrix.criteria:
        if criterion.id not in scores:
            problems.append(f"no score for {criterion.id}")
        elif not matrix.scale_min <= scores[criterion.id] <= matrix.scale_max:
            problems.append(
                f"{criterion.id} score {score_text(scores[criterion.id])} is off the scale "
                f"{matrix.scale_label()}"
            )
    known = set(matrix.criterion_ids)
    problems += [f"unknown criterion {item!r}" for item in scores if item not in known]
    return problems
