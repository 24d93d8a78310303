"""The scoring sections of the evaluation report: scores, prices, ranking and sensitivity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from tenderflow.documents import charts
from tenderflow.documents.content import Block, Bullets, Chart, NumberedSection, Paragraph, Table
from tenderflow.documents.formatting import (
    DASH,
    format_gbp,
    format_per_point,
    format_percent,
    format_score,
    format_total,
    yes_no,
)
from tenderflow.documents.inputs import BidderResult, EvaluationReportInput
from tenderflow.documents.prose import plural


@dataclass(frozen=True)
class Spread:
    """How far apart the evaluators' own scores were for one criterion of one bid."""

    bidder: str
    criterion: str
    low: Decimal
    high: Decimal

    @property
    def size(self) -> Decimal:
        """Return the difference between the highest and lowest score."""
        return self.high - self.low


def spreads(data: EvaluationReportInput) -> dict[tuple[str, str], Spread]:
    """Return each (bidder, criterion) spread among evaluators who scored it."""
    scores: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for item in data.evaluator_scores:
        scores[(item.bidder, item.criterion)].append(item.score)
    return {key: Spread(key[0], key[1], min(values), max(values)) for key, values in scores.items()}


def flagged_spreads(data: EvaluationReportInput) -> list[Spread]:
    """Return the spreads at or above the method's threshold, in bidder and criterion order."""
    threshold = data.method.spread_threshold
    return [s for s in spreads(data).values() if s.size >= threshold]


def ranked(data: EvaluationReportInput) -> list[BidderResult]:
    """Return results in rank order, disqualified bids last in name order."""
    placed = sorted((r for r in data.results if r.rank is not None), key=lambda r: r.rank or 0)
    out = sorted((r for r in data.results if r.rank is None), key=lambda r: r.bidder)
    return placed + out


def quality_weight(data: EvaluationReportInput) -> Decimal:
    """Return the weight of all non-price criteria together."""
    return sum((c.weight for c in data.method.criteria), Decimal(0))


def evaluator_refs(data: EvaluationReportInput) -> dict[str, str]:
    """Return each scoring panel member's reference, E1, E2..., in panel order."""
    scorers = [member.name for member in data.panel if member.scores]
    return {name: f"E{index}" for index, name in enumerate(scorers, start=1)}


# --- scores ---------------------------------------------------------------------------------


def scores_section(data: EvaluationReportInput, number: str, draw: bool) -> NumberedSection:
    """Each evaluator's scores beside the consensus score and its rationale, per bid."""
    threshold = format_score(data.method.spread_threshold)
    flagged = flagged_spreads(data)
    blocks: list[Block] = [
        Paragraph.of(
            "Each evaluator scored every bid alone. At moderation the panel agreed one consensus "
            "score per criterion with a written rationale; the consensus is not an average. "
            f"Where evaluators' scores differed by {threshold} points or more the spread is "
            "flagged and shaded, and the rationale records how it was resolved. A dash means "
            "the evaluator did not score that bid, for the conflict recorded in section 4."
        ),
        Paragraph.of(
            f"{plural(len(flagged), 'score')} had a spread of {threshold} or more: "
            + (", ".join(f"{s.bidder} {s.criterion}" for s in flagged) or "none")
            + "."
        ),
    ]
    if draw:
        blocks.append(spread_chart(data))
    consensus = {(c.bidder, c.criterion): c for c in data.consensus}
    by_score = {(s.bidder, s.criterion, s.evaluator): s.score for s in data.evaluator_scores}
    refs = evaluator_refs(data)
    all_spreads = spreads(data)
    assessed = [r for r in ranked(data) if any(c.bidder == r.bidder for c in data.consensus)]
    for index, result in enumerate(assessed, start=1):
        rows, highlight = [], set()
        for row_index, criterion in enumerate(data.method.criteria):
            agreed = consensus.get((result.bidder, criterion.code))
            spread = all_spreads.get((result.bidder, criterion.code))
            spread_text = DASH if spread is None else format_score(spread.size)
            if spread is not None and spread.size >= data.method.spread_threshold:
                spread_text += " (flag)"
                highlight.add((row_index, 2 + len(refs)))
            rows.append(
                (
                    f"{criterion.code} {criterion.title}",
                    format_percent(criterion.weight),
                    *(
                        format_score(by_score.get((result.bidder, criterion.code, name)))
                        for name in refs
                    ),
                    spread_text,
                    format_score(agreed.score) if agreed else DASH,
                    format_total(agreed.weighted) if agreed else DASH,
                    agreed.rationale if agreed else DASH,
                )
            )
        blank = ("",) * len(refs)
        rows.append(
            ("Quality total", format_percent(quality_weight(data)), *blank, "", "")
            + (format_total(result.quality), "")
        )
        columns = ("Criterion", "Weight", *refs.values(), "Spread", "Agreed", "Weighted")
        table = Table(
            columns=(*columns, "Rationale for the agreed score"),
            rows=tuple(rows),
            caption=f"Scores for {result.bidder}",
            widths=(3.0, 1.3, *(0.9 for _ in refs), 1.3, 1.3, 1.5, 5.5),
            numeric_columns=frozenset(range(1, len(columns))),
            highlight=frozenset(highlight),
            emphasis_rows=frozenset({len(rows) - 1}),
        )
        title = result.bidder + (" (disqualified)" if result.disqualified else "")
        blocks.append(NumberedSection(f"{number}{index}", title, (table,)))
    return NumberedSection(number, "Evaluators' and consensus scores", tuple(blocks))


def spread_chart(data: EvaluationReportInput) -> Chart:
    """Chart the range of evaluator spreads for each criterion, flagging the wide ones."""
    chart_data = spread_chart_data(data)
    flagged = [c for c, f in zip(chart_data.categories, chart_data.flagged, strict=True) if f]
    return Chart(
        title=chart_data.title,
        png=charts.range_chart_png(chart_data),
        caption="Score spread between evaluators, by criterion",
        alt_text=(
            f"For each of {len(chart_data.categories)} criteria, the smallest and largest "
            "difference between evaluators' scores across the bids. Criteria flagged at "
            f"{format_score(data.method.spread_threshold)} points or more: "
            f"{', '.join(flagged) or 'none'}."
        ),
    )


def spread_chart_data(data: EvaluationReportInput) -> charts.RangeChartData:
    """Return, per criterion, the smallest and largest spread among the bids."""
    by_criterion: dict[str, list[Decimal]] = defaultdict(list)
    for spread in spreads(data).values():
        by_criterion[spread.criterion].append(spread.size)
    codes = [c.code for c in data.method.criteria]
    return charts.RangeChartData(
        title="Spread of evaluators' scores by criterion",
        categories=tuple(codes),
        lows=tuple(float(min(by_criterion[c], default=0)) for c in codes),
        highs=tuple(float(max(by_criterion[c], default=0)) for c in codes),
        threshold=float(data.method.spread_threshold),
        value_label="Highest minus lowest evaluator score (points)",
        maximum=float(data.method.max_score),
    )


# --- price and value for money --------------------------------------------------------------


def price_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """Prices, price scores, abnormally low prices and the value-for-money checks."""
    prices = sorted(data.prices, key=lambda p: p.whole_life_price)
    lowest = prices[0].whole_life_price if prices else Decimal(0)
    per_point = data.method.per_quality_point
    rows = []
    for price in prices:
        above = (price.whole_life_price - lowest) / lowest * 100 if lowest else Decimal(0)
        rows.append(
            (
                price.bidder,
                format_gbp(price.whole_life_price),
                format_gbp(price.annual_price),
                "Lowest" if price.whole_life_price == lowest else f"+{above:.1f}%",
                format_per_point(price.price_per_quality_point)
                if per_point
                else format_total(price.price_score),
                "Yes: investigated" if price.abnormally_low else "No",
            )
        )
    scored = (
        "Price was not scored in points: "
        if per_point
        else f"Price was scored out of {format_score(data.method.price_weight)} points. "
    )
    blocks: list[Block] = [
        Paragraph.of(scored + data.method.price_formula),
        Table(
            columns=(
                "Bidder",
                "Whole-life price",
                "Annual price",
                "Above lowest",
                "Price per quality point" if per_point else "Price score",
                "Abnormally low",
            ),
            rows=tuple(rows),
            caption="Prices and price scores",
            widths=(4.2, 2.6, 2.4, 1.8, 1.6, 2.4),
            numeric_columns=frozenset({1, 2, 3, 4}),
            highlight=frozenset((i, 5) for i, p in enumerate(prices) if p.abnormally_low),
        ),
    ]
    notes = [f"{p.bidder}: {p.investigation}" for p in prices if p.abnormally_low]
    if notes:
        blocks.append(Paragraph.of("Abnormally low prices were investigated before any decision:"))
        blocks.append(Bullets.of(*notes))
    if data.vfm_checks:
        blocks.append(
            Paragraph.of("Each bid was checked against the costing model's caps and target ranges:")
        )
        checks = data.vfm_checks
        blocks.append(
            Table(
                columns=("Bidder", "Check", "Limit or target", "Bid", "Met", "Note"),
                rows=tuple(
                    (c.bidder, c.check, c.limit, c.value, yes_no(c.met), c.note) for c in checks
                ),
                caption="Value-for-money checks",
                widths=(3.4, 3.2, 2.6, 1.8, 1.0, 3.5),
                numeric_columns=frozenset({3}),
                highlight=frozenset((i, 4) for i, c in enumerate(checks) if not c.met),
            )
        )
    return NumberedSection(number, "Price analysis and value for money", tuple(blocks))


# --- ranking and sensitivity ----------------------------------------------------------------


def ranking_section(data: EvaluationReportInput, number: str, draw: bool) -> NumberedSection:
    """The bids in rank order with their quality, price and total scores, and two charts."""
    results = ranked(data)
    quality = format_score(quality_weight(data))
    price = format_score(data.method.price_weight)
    per_point = data.method.per_quality_point
    rows = tuple(
        (
            str(r.rank) if r.rank is not None else DASH,
            r.bidder,
            format_total(r.quality),
            format_gbp(r.price) if per_point else format_total(r.price_score),
            format_per_point(r.price_per_quality_point) if per_point else format_total(r.total),
            f"Disqualified: {r.reason}" if r.disqualified else r.reason,
        )
        for r in results
    )
    recommended = [i for i, r in enumerate(results) if r.bidder == data.recommended_bidder]
    blocks: list[Block] = [
        Table(
            columns=(
                "Rank",
                "Bidder",
                f"Quality (of {quality})",
                "Whole-life price" if per_point else f"Price (of {price})",
                "Price per quality point" if per_point else "Total (of 100)",
                "Note",
            ),
            rows=rows,
            caption="Ranking of the bids",
            widths=(1.0, 4.5, 2.0, 1.8, 1.8, 4.5),
            numeric_columns=frozenset({0, 2, 3, 4}),
            emphasis_rows=frozenset(recommended),
        )
    ]
    if data.method.ranking_rule:
        blocks.insert(0, Paragraph.of(data.method.ranking_rule))
    if draw:
        # Under price per quality point the total is only the quality score: no totals chart.
        blocks += [] if per_point else [total_scores_chart(data)]
        blocks.append(quality_price_chart(data))
    return NumberedSection(number, "Ranking", tuple(blocks))


def total_scores_chart(data: EvaluationReportInput) -> Chart:
    """Chart each ranked bid's total score, the recommended bid highlighted."""
    chart_data = total_scores_chart_data(data)
    return Chart(
        title=chart_data.title,
        png=charts.bar_chart_png(chart_data),
        caption="Total scores by bidder",
        alt_text="Total score out of 100 for each ranked bid: "
        + "; ".join(
            f"{b} {v:.2f}" for b, v in zip(chart_data.labels, chart_data.values, strict=True)
        )
        + f". Recommended: {data.recommended_bidder}.",
    )


def total_scores_chart_data(data: EvaluationReportInput) -> charts.BarChartData:
    """Return the ranked bids' totals, highest first, with the recommended bid marked."""
    results = [r for r in ranked(data) if r.rank is not None]
    names = tuple(r.bidder for r in results)
    return charts.BarChartData(
        title="Total scores by bidder",
        labels=names,
        values=tuple(float(r.total) for r in results),
        highlight=names.index(data.recommended_bidder)
        if data.recommended_bidder in names
        else None,
        value_label="Total score (out of 100)",
        maximum=100.0,
    )


def quality_price_chart(data: EvaluationReportInput) -> Chart:
    """Chart quality score against whole-life price for each ranked bid."""
    chart_data = quality_price_chart_data(data)
    numbered = any(p.label.isdigit() for p in chart_data.points)
    return Chart(
        title=chart_data.title,
        png=charts.scatter_chart_png(chart_data),
        caption="Quality against price" + (" (points are numbered by rank)" if numbered else ""),
        alt_text="Quality score against whole-life price for each ranked bid: "
        + "; ".join(
            f"{r.bidder} quality {format_total(r.quality)}, price {format_gbp(r.price)}"
            for r in ranked(data)
            if r.rank is not None
        )
        + ".",
    )


def quality_price_chart_data(
    data: EvaluationReportInput, names_up_to: int = 8
) -> charts.ScatterChartData:
    """Return one point per ranked bid, named, or numbered by rank when there are many."""
    results = [r for r in ranked(data) if r.rank is not None]
    by_name = len(results) <= names_up_to  # more names than this overlap and become unreadable

    def label(result: BidderResult) -> str:
        if by_name:
            return result.bidder
        if result.bidder == data.recommended_bidder:
            return f"{result.rank}. {result.bidder}"
        return str(result.rank)

    return charts.ScatterChartData(
        title="Quality against price",
        points=tuple(
            charts.ScatterPoint(
                label=label(r),
                x=float(r.price) / 1_000_000,
                y=float(r.quality),
                highlight=r.bidder == data.recommended_bidder,
            )
            for r in results
        ),
        x_label="Whole-life price (£ million)",
        y_label=f"Quality score (out of {format_score(quality_weight(data))})",
        y_maximum=float(quality_weight(data)),
    )


def sensitivity_section(data: EvaluationReportInput, number: str) -> NumberedSection:
    """How the result holds up when weights or contested scores change."""
    scenarios = data.sensitivity
    held = sum(1 for s in scenarios if not s.changed)
    verdict = (
        f"The recommended bidder, {data.recommended_bidder}, stays first in {held} of "
        f"{plural(len(scenarios), 'scenario')}."
    )
    if held < len(scenarios):
        verdict += " The scenarios that change the result are shaded; the panel considered each."
    table = Table(
        columns=("Scenario", "First-ranked bidder", "Result changes", "Note"),
        rows=tuple((s.label, s.winner, yes_no(s.changed), s.note) for s in scenarios),
        caption="Sensitivity of the result",
        widths=(5.0, 3.8, 1.8, 4.8),
        highlight=frozenset((i, 2) for i, s in enumerate(scenarios) if s.changed),
    )
    return NumberedSection(number, "Sensitivity of the result", (Paragraph.of(verdict), table))
