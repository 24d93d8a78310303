"""The priority list: scored schemes ranked, and the revenue budget's cut line.

Scores are exact until published: a scheme's weighted scores and its total are each rounded
once, to two decimals (halves up), from the exact figures, so the total is the exact sum
rounded and not the sum of the rounded weighted scores (which can differ from it by a penny
or two).

Ranking, on the published figures: the higher total first; equal totals are separated by the
matrix's tie-break criteria (by default Strategic Relevance, then Evidence of Need, weighted
scores, higher first), then by scheme name (A to Z, ignoring case). Every ranked scheme has
its own rank. A scheme that fails a gateway is not scored or ranked; it is listed after the
ranked schemes.

The cut line: schemes are funded in rank order. Revenue per year is added up in that order; a
scheme is within the budget while the running total stays within it. The first scheme that
does not fit ends the funded list: it and every scheme below it are outside the budget, even
when a smaller scheme further down would fit the money left. A commissioning body funds its
priorities in order; passing over a higher priority because it is bigger would let the size of
a bid, not its score, decide. The money left above the cut line is reported, so the body can
choose to look at smaller schemes below it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tenderflow.domain.capital.matrix import CapitalMatrix
from tenderflow.domain.capital.scoring import FinalScores, weighted_scores
from tenderflow.domain.exact import published
from tenderflow.domain.money import format_amount, format_gbp

ROUNDING_RULE = (
    "each weighted score and each total is worked out exactly (a mean of several scorers "
    "included) and rounded once, to two decimal places with halves rounded up; a total is the "
    "exact sum rounded, so the weighted scores shown can add up to a penny or two more or less"
)
CUT_LINE_RULE = (
    "schemes are funded in rank order while their revenue per year, added up, stays within the "
    "budget; the first scheme that does not fit, and every scheme below it, is outside the budget"
)


class RankingError(ValueError):
    """The schemes cannot be ranked as asked (for example a budget without costs)."""


@dataclass(frozen=True)
class SchemeResult:
    """A scheme's published scores: weighted score per criterion, total, any failed gateways."""

    key: str
    name: str
    criteria: Mapping[str, Decimal]
    total: Decimal
    failed_gateways: tuple[str, ...] = ()
    revenue_per_year: Decimal | None = None

    @property
    def ranked(self) -> bool:
        return not self.failed_gateways


def scheme_result(
    matrix: CapitalMatrix,
    key: str,
    name: str,
    scores: Mapping[str, Decimal | Fraction],
    failed_gateways: Sequence[str] = (),
    revenue_per_year: Decimal | None = None,
) -> SchemeResult:
    """Score a scheme from its criterion scores; one that failed a gateway is not scored."""
    exact: dict[str, Fraction] = {}
    if not failed_gateways:
        missing = [c for c in matrix.criterion_ids if c not in scores]
        if missing:
            raise RankingError(f"{name}: no score for {', '.join(missing)}")
        exact = weighted_scores(matrix, scores)
    return SchemeResult(
        key=key,
        name=name,
        criteria={criterion: published(value) for criterion, value in exact.items()},
        total=published(sum(exact.values(), Fraction(0))),
        failed_gateways=tuple(failed_gateways),
        revenue_per_year=revenue_per_year,
    )


def result_from_final(
    matrix: CapitalMatrix,
    key: str,
    name: str,
    final: FinalScores,
    revenue_per_year: Decimal | None = None,
) -> SchemeResult:
    """Score a scheme from its combined score sheets."""
    return scheme_result(matrix, key, name, final.scores, final.failed_gateways, revenue_per_year)


@dataclass(frozen=True)
class RankedScheme:
    """A scheme's place on the priority list."""

    result: SchemeResult
    rank: int | None
    cumulative_revenue: Decimal | None = None
    within_budget: bool | None = None

    def to_dict(self, with_budget: bool) -> dict[str, Any]:
        """Return the command line's JSON for this scheme (scores as two-decimal Decimals)."""
        data: dict[str, Any] = {
            "scheme": self.result.name,
            "rank": self.rank,
            "total": self.result.total,
            "criteria": dict(self.result.criteria),
            "failed_gateways": list(self.result.failed_gateways),
        }
        if with_budget:
            data["within_budget"] = bool(self.within_budget)
            data["cumulative_revenue"] = (
                None if self.cumulative_revenue is None else format_amount(self.cumulative_revenue)
            )
        return data


@dataclass(frozen=True)
class PriorityList:
    """Ranked schemes first, then those that failed a gateway; with the budget's cut line."""

    schemes: tuple[RankedScheme, ...]
    tie_break_rule: str
    budget: Decimal | None = None

    @property
    def ranked(self) -> tuple[RankedScheme, ...]:
        return tuple(s for s in self.schemes if s.rank is not None)

    @property
    def within(self) -> tuple[RankedScheme, ...]:
        return tuple(s for s in self.schemes if s.within_budget)

    @property
    def committed(self) -> Decimal:
        """Revenue per year of the schemes within the budget."""
        return sum((s.result.revenue_per_year or Decimal(0) for s in self.within), Decimal(0))

    @property
    def headroom(self) -> Decimal | None:
        """Budget left above the cut line."""
        return None if self.budget is None else self.budget - self.committed

    @property
    def cut_after_rank(self) -> int | None:
        """The last rank within the budget (None without a budget or when none fits)."""
        ranks = [s.rank for s in self.within if s.rank is not None]
        return max(ranks) if ranks else None

    def to_dict(self) -> dict[str, Any]:
        """Return the command line's JSON; ``json_text`` writes its Decimals as numbers."""
        with_budget = self.budget is not None
        data: dict[str, Any] = {
            "schemes": [s.to_dict(with_budget) for s in self.schemes],
            "tie_break_rule": self.tie_break_rule,
        }
        if with_budget:
            assert self.budget is not None and self.headroom is not None
            data["budget"] = format_amount(self.budget)
            data["committed_revenue"] = format_amount(self.committed)
            data["headroom"] = format_amount(self.headroom)
            data["cut_line_rule"] = CUT_LINE_RULE
        return data


def tie_break_rule(matrix: CapitalMatrix) -> str:
    """Describe how equal totals are separated."""
    titles = [matrix.criterion(c).title for c in matrix.tie_break]
    steps = [f"the higher {t} weighted score" for t in titles] + ["scheme name, A to Z"]
    return "higher total, to two decimal places, first; where totals are equal, " + ", then ".join(
        steps
    )


def _order(matrix: CapitalMatrix, result: SchemeResult) -> tuple[Any, ...]:
    ties = tuple(-result.criteria.get(c, Decimal(0)) for c in matrix.tie_break)
    return (-result.total, *ties, result.name.casefold(), result.key)


def rank_schemes(
    matrix: CapitalMatrix, results: Sequence[SchemeResult], budget: Decimal | None = None
) -> PriorityList:
    """Rank scored schemes and, given a revenue budget, mark the cut line."""
    if budget is not None and budget < 0:
        raise RankingError(f"the budget must be £0 or more, not {format_gbp(budget)}")
    keys = [r.key for r in results]
    if len(set(keys)) != len(keys):
        raise RankingError("each scheme may appear only once")
    ranked = sorted((r for r in results if r.ranked), key=lambda r: _order(matrix, r))
    failed = sorted((r for r in results if not r.ranked), key=lambda r: (r.name.casefold(), r.key))
    if budget is not None:
        costless = [r.name for r in ranked if r.revenue_per_year is None]
        if costless:
            raise RankingError(
                f"a budget needs the revenue per year of every ranked scheme: none for "
                f"{', '.join(costless)}"
            )
    entries: list[RankedScheme] = []
    running = Decimal(0)
    fits = True
    for rank, result in enumerate(ranked, start=1):
        if budget is None:
            entries.append(RankedScheme(result, rank))
            continue
        assert result.revenue_per_year is not None
        running += result.revenue_per_year
        fits = fits and running <= budget
        entries.append(RankedScheme(result, rank, running, fits))
    for result in failed:
        within = None if budget is None else False
        entries.append(RankedScheme(result, None, None, within))
    return PriorityList(tuple(entries), tie_break_rule(matrix), budget)


_NUMBER = "\u0000number:"


def json_text(data: Any) -> str:
    """Write data as indented JSON, Decimals as numbers keeping their decimals (67.00, not 67.0)."""

    def number(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"{_NUMBER}{value}"
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(data, indent=2, ensure_ascii=False, default=number)
    return re.sub(r'"\\u0000number:(-?[0-9.]+)"', r"\1", text)
