"""The contract review report to the commissioning body: a committee report built from the
contract's records, with a chart of its indicators against their targets.

The records arrive as plain data (:class:`ContractReviewData`); this module only arranges
them. ``tenderflow.services.contracts.review`` gathers them from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenderflow.documents.charts import IndicatorChartData, IndicatorSeries, indicator_chart_png
from tenderflow.documents.committee_report import build_committee_report
from tenderflow.documents.content import Chart, Document, Table
from tenderflow.documents.formatting import format_date
from tenderflow.documents.inputs import CommitteeReportInput, Person, ReportSection
from tenderflow.domain.money import format_gbp


@dataclass(frozen=True)
class IndicatorFigures:
    code: str
    title: str
    target: Decimal
    values: tuple[Decimal | None, ...]  # one per period, oldest first


@dataclass(frozen=True)
class ContractReviewData:
    """Everything the report says about one contract."""

    reference: str
    title: str
    supplier: str
    value: Decimal
    start: date
    end: date
    extension_options: str
    extensions_left: int
    band: str | None
    score: int | None
    band_entails: tuple[str, ...]
    band_reason: str
    periods: tuple[str, ...]
    indicators: tuple[IndicatorFigures, ...]
    grades: tuple[tuple[int, str], ...]  # (year, grade), latest first
    meetings: tuple[tuple[date, str], ...]  # (held on, notes), latest first
    plan: tuple[tuple[str, str, date, date | None], ...]  # description, owner, due, done
    changes: tuple[str, ...]
    meeting_date: date
    author: Person


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def below_target(data: ContractReviewData) -> list[str]:
    """Return "indicator (period)" for every figure below its target, oldest first."""
    found = []
    for indicator in data.indicators:
        for period, value in zip(data.periods, indicator.values, strict=True):
            if value is not None and value < indicator.target:
                found.append(f"{indicator.title.lower()} ({period})")
    return found


def _misses(data: ContractReviewData) -> str:
    parts = []
    for indicator in data.indicators:
        returned = [v for v in indicator.values if v is not None]
        below = sum(1 for v in returned if v < indicator.target)
        if below:
            parts.append(f"{indicator.title.lower()} in {below} of {len(returned)} quarters")
    return "; ".join(parts)


def performance_table(data: ContractReviewData) -> Table:
    """The quarterly figures, one row per quarter, misses shaded."""
    rows = []
    shaded = set()
    for r, period in enumerate(data.periods):
        row = [period]
        for c, indicator in enumerate(data.indicators, start=1):
            value = indicator.values[r]
            row.append(_number(value))
            if value is not None and value < indicator.target:
                shaded.add((r, c))
        rows.append(tuple(row))
    columns = ("Quarter", *(f"{i.title} (target {_number(i.target)})" for i in data.indicators))
    return Table(
        columns=columns,
        rows=tuple(rows),
        caption="Quarterly returns; figures below their target are shaded",
        numeric_columns=frozenset(range(1, len(columns))),
        highlight=frozenset(shaded),
    )


def performance_chart(data: ContractReviewData) -> Chart:
    """The indicators against their targets, as a line chart."""
    chart = IndicatorChartData(
        title=f"{data.reference}: performance indicators against targets",
        periods=data.periods,
        series=tuple(
            IndicatorSeries(
                i.title,
                tuple(None if v is None else float(v) for v in i.values),
                float(i.target),
            )
            for i in data.indicators
        ),
        value_label="Per cent",
    )
    missed = below_target(data)
    return Chart(
        title=chart.title,
        png=indicator_chart_png(chart),
        caption="Each indicator quarter by quarter; its target is the dashed line of its colour",
        alt_text=(
            f"Line chart of {len(data.indicators)} indicators over {len(data.periods)} "
            f"quarters. {len(missed)} figures fall below their target."
        ),
    )


def _recommendations(data: ContractReviewData, today: date) -> tuple[str, ...]:
    asked = [f"note the performance of contract {data.reference} with {data.supplier}"]
    months_left = (data.end.year - today.year) * 12 + data.end.month - today.month
    if data.extensions_left and months_left <= 12:
        asked.append(
            f"decide whether to take up an extension option ({data.extension_options}) "
            f"before the contract ends on {format_date(data.end)}"
        )
    elif months_left <= 12:
        asked.append(f"note that the contract ends on {format_date(data.end)} and is re-procured")
    if data.plan and any(done is None for *_, done in data.plan):
        asked.append("note the improvement plan and its progress")
    return tuple(asked)


def build_contract_review(data: ContractReviewData) -> Document:
    """Build the review report in the committee-report shape."""
    missed = below_target(data)
    band = (
        f"The contract is in the {data.band} priority band ({data.score} points of 75)."
        if data.band
        else "The contract's priority has not yet been reviewed."
    )
    sections = [
        ReportSection(
            "The contract",
            (
                f"{data.title} is provided by {data.supplier} from {format_date(data.start)} "
                f"to {format_date(data.end)}, worth {format_gbp(data.value)} excluding VAT.",
                f"Extension options: {data.extension_options or 'none'}; "
                f"{data.extensions_left} not yet taken up.",
                *data.changes,
            ),
        ),
        ReportSection(
            "Performance against targets",
            (
                f"{len(data.periods)} quarters of returns are reported. "
                + (
                    f"{len(missed)} figures fell below target: {_misses(data)}."
                    if missed
                    else "Every figure returned met its target."
                ),
                performance_table(data),
                performance_chart(data),
            )
            if data.periods
            else ("No quarterly returns have been made yet.",),
        ),
        ReportSection(
            "Quality",
            tuple(
                f"{year}: Quality Assessment Framework grade {grade}."
                for year, grade in data.grades
            )
            or ("No Quality Assessment Framework grade has been recorded.",),
        ),
        ReportSection(
            "Contract management",
            (
                band + (f" {data.band_reason}" if data.band_reason else ""),
                *(f"It entails: {item.lower()}." for item in data.band_entails),
                *(f"Meeting of {format_date(held)}: {notes}" for held, notes in data.meetings[:4]),
            ),
        ),
    ]
    if data.plan:
        sections.append(
            ReportSection(
                "Improvement plan",
                (
                    Table(
                        columns=("Improvement", "Owner", "Due", "Done"),
                        rows=tuple(
                            (
                                what,
                                owner,
                                format_date(due),
                                format_date(done) if done else "Not yet",
                            )
                            for what, owner, due, done in data.plan
                        ),
                        caption="The steps agreed with the provider",
                        widths=(3, 2, 1.2, 1.2),
                    ),
                ),
            )
        )
    report = CommitteeReportInput(
        by=data.author.role,
        to="Commissioning Body",
        meeting_date=data.meeting_date,
        subject=f"Contract review: {data.title} ({data.reference})",
        classification="Unrestricted",
        summary=(
            f"This report reviews the contract with {data.supplier} for {data.title}: "
            "its performance against its targets, its quality, how it is managed and what "
            "follows when it ends.",
        ),
        recommendations=_recommendations(data, data.meeting_date),
        sections=tuple(sections),
        contact=data.author,
        conclusion=("The contract manager will report again at the next yearly review.",),
        background_documents=("Contract monitoring returns held in tenderflow",),
    )
    return build_committee_report(report)
