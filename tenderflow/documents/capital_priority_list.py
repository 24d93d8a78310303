"""The capital-bid priority list for the commissioning body, as a committee report.

Inputs arrive worked out (ranks, weighted scores, the cut line) by the capital-bid rules; this
module only arranges them: a summary, recommendations, the matrix, the list with its cut line,
a chart of scores, the scores by criterion, schemes not scored, money and the pipeline.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from tenderflow.documents.committee_report import build_committee_report  # noqa: E402
from tenderflow.documents.content import Bullets, Chart, Document, Table  # noqa: E402
from tenderflow.documents.formatting import (  # noqa: E402
    DASH,
    format_date,
    format_gbp,
    format_total,
)
from tenderflow.documents.inputs import CommitteeReportInput, Person, ReportSection  # noqa: E402
from tenderflow.documents.prose import plural  # noqa: E402

KIND = "capital-priority-list"
CHART_LIMIT = 25  # schemes drawn in the chart; the tables list every one
COLOURS = ("#1d3557", "#457b9d", "#2a9d8f", "#e9c46a", "#f4a261", "#8d99ae", "#6d597a")


@dataclass(frozen=True)
class PriorityCriterion:
    """A criterion of the matrix as the report explains it."""

    title: str
    weight: int
    guidance: str


@dataclass(frozen=True)
class PriorityScheme:
    """One scheme on the list; ``criteria`` are weighted scores in the matrix's order."""

    rank: int | None
    name: str
    district: str
    provider: str
    client_group: str
    revenue_per_year: Decimal
    capital_sought: Decimal | None
    total: Decimal
    criteria: tuple[Decimal | None, ...]
    cumulative_revenue: Decimal | None
    within_budget: bool
    failed_gateways: tuple[str, ...] = ()
    decision: str | None = None
    reasons: str | None = None
    next_review: date | None = None


@dataclass(frozen=True)
class PriorityListInput:
    """Everything the priority-list report shows, already worked out."""

    round_title: str
    county: str
    meeting_date: date
    produced_on: date | None
    budget: Decimal
    committed: Decimal
    headroom: Decimal
    tie_break_rule: str
    cut_line_rule: str
    matrix_title: str
    criteria: tuple[PriorityCriterion, ...]
    gateways: tuple[str, ...]
    schemes: tuple[PriorityScheme, ...]
    districts: tuple[str, ...]
    review_dates: str
    by: str
    contact: Person
    spread_flag: int = 2
    rounding_rule: str = ""  # how weighted scores and totals are rounded

    @property
    def ranked(self) -> tuple[PriorityScheme, ...]:
        return tuple(s for s in self.schemes if s.rank is not None)

    @property
    def within(self) -> tuple[PriorityScheme, ...]:
        return tuple(s for s in self.schemes if s.within_budget)

    @property
    def not_scored(self) -> tuple[PriorityScheme, ...]:
        return tuple(s for s in self.schemes if s.rank is None)

    @property
    def below_line(self) -> tuple[PriorityScheme, ...]:
        return tuple(s for s in self.ranked if not s.within_budget)


def _names(schemes: tuple[PriorityScheme, ...], limit: int = 8) -> str:
    names = [f"{s.name} ({s.district})" for s in schemes[:limit]]
    more = len(schemes) - limit
    text = ", ".join(names)
    return f"{text} and {plural(more, 'other')}" if more > 0 else text


def _summary(data: PriorityListInput) -> tuple[str, ...]:
    lines = [
        f"District councils in {data.county} put forward {plural(len(data.schemes), 'scheme')} "
        f"for capital funding in {data.round_title}. The sub-regional housing partnership checked "
        "each one and the Supporting People team scored it against the regional matrix.",
        f"{plural(len(data.ranked), 'scheme')} passed the gateway questions and "
        f"{'is' if len(data.ranked) == 1 else 'are'} ranked below; "
        f"{plural(len(data.not_scored), 'scheme')} failed a gateway and "
        f"{'was' if len(data.not_scored) == 1 else 'were'} not scored.",
        f"Taken in rank order, {plural(len(data.within), 'scheme')} fit within the revenue budget "
        f"of {format_gbp(data.budget)} a year, needing {format_gbp(data.committed)} a year and "
        f"leaving {format_gbp(data.headroom)}.",
    ]
    return tuple(lines)


def _recommendations(data: PriorityListInput) -> tuple[str, ...]:
    found = ["the priority list of capital schemes set out in section 3"]
    if data.within:
        found.append(
            "support for bids for capital funding for the schemes above the cut line, subject to "
            f"resources: {_names(data.within)}"
        )
    if data.below_line:
        found.append(
            "that the schemes below the cut line are deferred to the pipeline, for review at the "
            f"next twice-yearly review ({data.review_dates})"
        )
    if data.not_scored:
        found.append(
            "that these schemes failed a gateway question and were not scored: "
            + _names(data.not_scored)
        )
    return tuple(found)


def _matrix_section(data: PriorityListInput) -> ReportSection:
    criteria = Table(
        columns=("Criterion", "Weight", "What it looks at"),
        rows=tuple((c.title, str(c.weight), c.guidance) for c in data.criteria),
        caption="The criteria and their weights",
        widths=(3.0, 1.2, 9.0),
        numeric_columns=frozenset({1}),
    )
    return ReportSection(
        "How schemes were assessed",
        (
            "Supporting People money is revenue only and cannot pay for buildings, so new and "
            "remodelled supported housing needs capital from elsewhere. Each scheme was assessed "
            f"on {data.matrix_title}.",
            "Gateway questions come first and a scheme that fails one is not scored: "
            + "; ".join(g[0].lower() + g[1:] for g in data.gateways)
            + ". New accommodation-based services must also show that floating support cannot "
            "deliver the service, that no suitable accommodation exists and that users need "
            "intensive or specialist support.",
            "Each criterion is scored from 0 to 5 with a descriptor for each point and contributes "
            "its weight multiplied by the score divided by 5, so totals are out of 100. Where two "
            f"scorers differed by {data.spread_flag} points or more, they agreed a score.",
            criteria,
            f"Ranking: {data.tie_break_rule}.",
            *([f"Rounding: {data.rounding_rule}."] if data.rounding_rule else []),
            f"Cut line: {data.cut_line_rule}.",
        ),
    )


def _list_table(data: PriorityListInput) -> Table:
    rows = []
    emphasis = set()
    for index, s in enumerate(data.ranked):
        rows.append(
            (
                str(s.rank),
                s.name,
                s.district,
                s.client_group,
                format_total(s.total),
                format_gbp(s.revenue_per_year),
                format_gbp(s.cumulative_revenue) if s.cumulative_revenue is not None else DASH,
                "Yes" if s.within_budget else "No",
            )
        )
        if s.within_budget:
            emphasis.add(index)
    return Table(
        columns=(
            "Rank",
            "Scheme",
            "District",
            "Client group",
            "Total",
            "Revenue a year",
            "Running total",
            "Within budget",
        ),
        rows=tuple(rows),
        caption="The priority list (schemes within the budget in bold)",
        widths=(1.0, 4.0, 2.3, 3.0, 1.3, 2.2, 2.2, 1.4),
        numeric_columns=frozenset({0, 4, 5, 6}),
        emphasis_rows=frozenset(emphasis),
    )


def _criteria_table(data: PriorityListInput) -> Table:
    rows = tuple(
        (
            str(s.rank),
            s.name,
            *(DASH if v is None else format_total(v) for v in s.criteria),
            format_total(s.total),
        )
        for s in data.ranked
    )
    return Table(
        columns=("Rank", "Scheme", *(f"{c.title} ({c.weight})" for c in data.criteria), "Total"),
        rows=rows,
        caption="Weighted scores by criterion",
        widths=(1.0, 4.0, *(1.8 for _ in data.criteria), 1.4),
        numeric_columns=frozenset(range(2, len(data.criteria) + 3)) | {0},
    )


def _list_section(data: PriorityListInput) -> ReportSection:
    content: list[str | Table | Chart] = []
    if not data.ranked:
        content.append("No scheme passed the gateway questions, so none is ranked.")
        return ReportSection("The priority list", tuple(content))
    last = data.within[-1].rank if data.within else None
    content.append(
        "The schemes are listed in rank order. "
        + (
            f"The cut line falls after rank {last}: the schemes above it fit within the revenue "
            f"budget of {format_gbp(data.budget)} a year."
            if last is not None
            else f"No scheme fits within the revenue budget of {format_gbp(data.budget)} a year."
        )
    )
    content.append(_list_table(data))
    content.append(priority_chart(data))
    content.append(_criteria_table(data))
    if data.headroom > 0 and data.below_line:
        content.append(
            f"{format_gbp(data.headroom)} a year is left above the cut line. A smaller scheme "
            "further down the list might fit it; funding one ahead of a higher-ranked scheme "
            "would be a decision for the Commissioning Body to make and record."
        )
    return ReportSection("The priority list", tuple(content))


def _not_scored_section(data: PriorityListInput) -> ReportSection | None:
    if not data.not_scored:
        return None
    table = Table(
        columns=("Scheme", "District", "Gateway failed"),
        rows=tuple((s.name, s.district, "; ".join(s.failed_gateways)) for s in data.not_scored),
        caption="Schemes that failed a gateway question",
        widths=(5.0, 3.0, 7.0),
    )
    return ReportSection(
        "Schemes not scored",
        (
            "These schemes failed a gateway question and were not scored. The districts may "
            "put them forward again once the gateway is met.",
            table,
        ),
    )


def _money_section(data: PriorityListInput) -> ReportSection:
    capital = sum((s.capital_sought or Decimal(0) for s in data.within), Decimal(0))
    return ReportSection(
        "Financial implications",
        (
            f"The revenue budget available is {format_gbp(data.budget)} a year. The schemes above "
            f"the cut line need {format_gbp(data.committed)} a year of revenue support, leaving "
            f"{format_gbp(data.headroom)}.",
            f"They seek {format_gbp(capital)} of capital in total, from the sources each district "
            "has identified; the priority list supports their bids but commits no capital.",
        ),
    )


def _decisions_section(data: PriorityListInput) -> ReportSection | None:
    decided = [s for s in data.schemes if s.decision]
    if not decided:
        return None
    table = Table(
        columns=("Scheme", "Decision", "Reasons", "Next review"),
        rows=tuple(
            (
                s.name,
                s.decision or "",
                s.reasons or "",
                format_date(s.next_review) if s.next_review else DASH,
            )
            for s in decided
        ),
        caption="Decisions recorded",
        widths=(4.0, 3.0, 6.0, 2.5),
    )
    return ReportSection(
        "Decisions and the pipeline",
        (
            "The Commissioning Body's decisions recorded so far are below. Schemes approved for "
            "bidding or deferred stay in the pipeline and are reviewed at least twice a year "
            f"({data.review_dates}).",
            table,
        ),
    )


def build_priority_list(data: PriorityListInput) -> Document:
    """Build the priority-list report for the commissioning body."""
    sections = [
        ReportSection(
            "Background",
            (
                "The Commissioning Body reviews pipeline schemes at least twice a year and as "
                "bidding rounds require. Each year district councils complete the regional "
                "matrix for every supported-housing scheme that needs capital; the sub-regional "
                "housing partnership checks each matrix and the Supporting People team scores it.",
                "Schemes in this round came from these district councils:",
                Bullets.of(*(f"{d}" for d in data.districts))
                if data.districts
                else "No district put a scheme forward.",
            ),
        ),
        _matrix_section(data),
        _list_section(data),
    ]
    sections += [s for s in (_not_scored_section(data), _decisions_section(data)) if s]
    sections.append(_money_section(data))
    report = CommitteeReportInput(
        by=data.by,
        to="Commissioning Body",
        meeting_date=data.meeting_date,
        subject=f"Capital bid priority list: {data.round_title}",
        classification="Unrestricted",
        summary=_summary(data),
        recommendations=_recommendations(data),
        sections=tuple(sections),
        contact=data.contact,
        conclusion=(
            "The scores give a priority list of the schemes the Commissioning Body would like to "
            "fund in the following year or years, if resources allow. Schemes not funded now stay "
            "in the pipeline for review.",
        ),
        background_documents=(
            data.matrix_title,
            "Supporting People Strategy: development priorities and direction of travel",
            "The districts' completed matrices and supporting documents",
        ),
    )
    document = build_committee_report(report)
    return Document(
        kind=KIND,
        title=document.title,
        blocks=document.blocks,
        dated=document.dated,
    )


# --- the chart ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityChartData:
    """Stacked weighted scores for the top schemes, those within the budget marked."""

    title: str
    labels: tuple[str, ...]
    criteria: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # one tuple per scheme, in criteria order
    within: tuple[bool, ...]


def chart_data(data: PriorityListInput) -> PriorityChartData:
    """Return the chart's series: the highest-ranked schemes' weighted scores by criterion."""
    shown = data.ranked[:CHART_LIMIT]
    return PriorityChartData(
        title="Total scores by criterion, highest ranked first",
        labels=tuple(f"{s.rank}. {s.name}" for s in shown),
        criteria=tuple(c.title for c in data.criteria),
        values=tuple(tuple(float(v or 0) for v in s.criteria) for s in shown),
        within=tuple(s.within_budget for s in shown),
    )


def priority_chart(data: PriorityListInput) -> Chart:
    """Return the chart of scores for the document."""
    series = chart_data(data)
    more = len(data.ranked) - len(series.labels)
    caption = (
        "Weighted scores of the "
        + (
            f"{len(series.labels)} highest-ranked schemes (of {len(data.ranked)})"
            if more > 0
            else "ranked schemes"
        )
        + "; hatched bars are below the cut line"
    )
    alt = "; ".join(
        f"{label}: {sum(values):.2f}{'' if within else ', below the cut line'}"
        for label, values, within in zip(series.labels, series.values, series.within, strict=True)
    )
    return Chart(title=series.title, png=chart_png(series), caption=caption, alt_text=alt)


def chart_png(series: PriorityChartData) -> bytes:
    """Draw the stacked bars; bars below the cut line are hatched, not only paler."""
    count = max(len(series.labels), 1)
    legend_inches = 0.45  # the key sits under the axis, clear of the bars
    height = min(1.3 + legend_inches + 0.28 * count, 8.0)
    figure = Figure(figsize=(6.3, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(series.labels)))[::-1]
    lefts = [0.0] * len(series.labels)
    for index, criterion in enumerate(series.criteria):
        widths = [values[index] for values in series.values]
        colour = COLOURS[index % len(COLOURS)]
        bars = axes.barh(positions, widths, left=lefts, height=0.7, color=colour, label=criterion)
        for bar, within in zip(bars, series.within, strict=True):
            if not within:
                bar.set_alpha(0.45)
                bar.set_hatch("///")
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
    for position, total in zip(positions, lefts, strict=True):
        axes.text(total + 0.8, position, f"{total:.2f}", va="center", fontsize=6)
    cut = sum(series.within)
    if 0 < cut < len(series.labels):
        line = positions[cut - 1] - 0.5
        axes.axhline(line, color="#d4351c", linestyle="--", linewidth=1)
    labels = [label if len(label) <= 34 else label[:33] + "…" for label in series.labels]
    axes.set_yticks(positions, [label.replace("$", r"\$") for label in labels], fontsize=6.5)
    axes.set_ylim(-0.6, len(series.labels) - 0.4)
    axes.set_xlim(0, 108)
    axes.set_xlabel("Weighted score (out of 100)", fontsize=8)
    axes.set_title(series.title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=7)
    handles: list[Patch | Line2D] = [
        Patch(color=COLOURS[i % len(COLOURS)], label=c) for i, c in enumerate(series.criteria)
    ]
    handles.append(
        Patch(facecolor="white", edgecolor="#505a5f", hatch="///", label="Below the cut line")
    )
    handles.append(Line2D([], [], color="#d4351c", linestyle="--", linewidth=1, label="Cut line"))
    figure.legend(
        handles=handles,
        fontsize=6.5,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.02),
        ncol=4,
        frameon=False,
    )
    longest = max((len(label) for label in labels), default=1)
    figure.subplots_adjust(
        left=min((longest * 6.5 * 0.6 / 72 + 0.2) / 6.3, 0.45),
        right=0.97,
        top=1 - 0.35 / height,
        bottom=(0.55 + legend_inches) / height,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    figure.clear()
    return buffer.getvalue()
