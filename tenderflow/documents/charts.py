"""Charts for documents: series as plain data first, then drawn to PNG with matplotlib.

Each chart uses its own ``Figure`` and Agg canvas, never pyplot's global state, so charts can
be drawn in several threads at once. Colour is never the only cue: the recommended bidder and
flagged criteria also differ in marker, hatching or label.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

# Set before anything imports pyplot, so no process that renders documents needs a display.
matplotlib.use("Agg")

from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

DPI = 150
WIDTH_INCHES = 6.3  # 16 cm, the text width of an A4 page with 2.5 cm margins
HIGHLIGHT = "#1d3557"
MUTED = "#a8a8a8"
FLAG = "#c0392b"
LABEL_LIMIT = 38
MAX_HEIGHT_INCHES = 8.0  # a chart and its caption must fit on one A4 page


@dataclass(frozen=True)
class BarChartData:
    """Horizontal bars, one per label, with one bar highlighted."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    highlight: int | None
    value_label: str
    maximum: float


@dataclass(frozen=True)
class ScatterPoint:
    """A point; ``label`` is empty for points left unlabelled to avoid clutter."""

    label: str
    x: float
    y: float
    highlight: bool = False


@dataclass(frozen=True)
class ScatterChartData:
    """Points on two axes, such as quality score against price."""

    title: str
    points: tuple[ScatterPoint, ...]
    x_label: str
    y_label: str
    y_maximum: float


@dataclass(frozen=True)
class RangeChartData:
    """A low-to-high range per category, with categories at or over a threshold flagged."""

    title: str
    categories: tuple[str, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    threshold: float
    value_label: str
    maximum: float

    @property
    def flagged(self) -> tuple[bool, ...]:
        """Say for each category whether its high reaches the threshold."""
        return tuple(high >= self.threshold for high in self.highs)


def bar_chart_png(data: BarChartData) -> bytes:
    """Draw horizontal bars, largest first from the top, the highlighted one dark and labelled."""
    count = len(data.labels)
    figure = Figure(figsize=(WIDTH_INCHES, _height(count, 0.3)), dpi=DPI)
    axes = figure.add_subplot()
    positions = list(range(count))[::-1]
    colours = [HIGHLIGHT if i == data.highlight else MUTED for i in range(count)]
    axes.barh(positions, data.values, color=colours, height=0.65)
    labels = [_label(text) for text in data.labels]
    size = _font_size(count)
    axes.set_yticks(positions, labels, fontsize=size)
    for position, value, index in zip(positions, data.values, range(count), strict=True):
        marker = "  (recommended)" if index == data.highlight else ""
        axes.text(value, position, f" {value:.2f}{marker}", va="center", fontsize=size)
    axes.set_xlim(0, data.maximum * 1.22)
    axes.set_xlabel(_escape(data.value_label), fontsize=8)
    _finish(axes, data.title)
    return _png(figure, _label_width(labels, size))


def scatter_chart_png(data: ScatterChartData) -> bytes:
    """Draw labelled points; the highlighted point is a larger dark diamond."""
    figure = Figure(figsize=(WIDTH_INCHES, 3.8), dpi=DPI)
    axes = figure.add_subplot()
    plain = [p for p in data.points if not p.highlight]
    marked = [p for p in data.points if p.highlight]
    axes.scatter([p.x for p in plain], [p.y for p in plain], color=MUTED, s=28, zorder=2)
    axes.scatter(
        [p.x for p in marked], [p.y for p in marked], color=HIGHLIGHT, marker="D", s=48, zorder=3
    )
    for point in data.points:
        if point.label:
            axes.annotate(
                _label(point.label),
                (point.x, point.y),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=7,
                fontweight="bold" if point.highlight else "normal",
            )
    axes.set_ylim(0, data.y_maximum * 1.08)
    xs = [p.x for p in data.points] or [0.0]
    span = (max(xs) - min(xs)) or max(xs) or 1.0
    axes.set_xlim(min(xs) - 0.1 * span, max(xs) + 0.35 * span)  # room for labels on the right
    axes.set_xlabel(_escape(data.x_label), fontsize=8)
    axes.set_ylabel(_escape(data.y_label), fontsize=8)
    axes.grid(True, color="#e5e5e5", linewidth=0.6)
    _finish(axes, data.title)
    return _png(figure, 0.7)


def range_chart_png(data: RangeChartData) -> bytes:
    """Draw one low-to-high line per category; flagged ones red with a cross and a note."""
    count = len(data.categories)
    figure = Figure(figsize=(WIDTH_INCHES, _height(count, 0.24)), dpi=DPI)
    axes = figure.add_subplot()
    positions = list(range(count))[::-1]
    flags = data.flagged
    colours = [FLAG if flagged else HIGHLIGHT for flagged in flags]
    # One call per kind of mark, not per category: drawing 40 criteria stays fast.
    axes.hlines(positions, data.lows, data.highs, colors=colours, linewidth=2.2, zorder=2)
    axes.scatter(data.lows, positions, color=colours, s=14, zorder=3)
    for flagged, marker in ((False, "o"), (True, "X")):
        chosen = [i for i, f in enumerate(flags) if f == flagged]
        axes.scatter(
            [data.highs[i] for i in chosen],
            [positions[i] for i in chosen],
            color=FLAG if flagged else HIGHLIGHT,
            marker=marker,
            s=40,
            zorder=3,
        )
    for index in (i for i, f in enumerate(flags) if f):
        axes.text(
            data.highs[index], positions[index], "  flagged", va="center", fontsize=7, color=FLAG
        )
    axes.axvline(data.threshold, color=FLAG, linestyle="--", linewidth=0.9, zorder=1)
    labels = [_label(text) for text in data.categories]
    axes.set_yticks(positions, labels, fontsize=_font_size(count))
    axes.set_xlim(-0.2, data.maximum + 1.2)
    axes.set_ylim(-0.8, count)
    axes.set_xlabel(
        f"{_escape(data.value_label)}; dashed line: flagged at {data.threshold:g}", fontsize=8
    )
    axes.grid(True, axis="x", color="#e5e5e5", linewidth=0.6)
    _finish(axes, data.title)
    return _png(figure, _label_width(labels, _font_size(count)))


@dataclass(frozen=True)
class IndicatorSeries:
    """One performance indicator's quarterly figures (None where not returned) and target."""

    label: str
    values: tuple[float | None, ...]
    target: float


@dataclass(frozen=True)
class IndicatorChartData:
    """Indicators quarter by quarter, each against its target."""

    title: str
    periods: tuple[str, ...]
    series: tuple[IndicatorSeries, ...]
    value_label: str


MARKERS = ("o", "s", "^", "D", "v", "P")
LINE_COLOURS = ("#1d3557", "#2a9d8f", "#b5651d", "#6a4c93", "#3a5a40", "#8d5524")


def indicator_chart_png(data: IndicatorChartData) -> bytes:
    """Draw one line per indicator and its target dashed in the same colour; each indicator
    also has its own marker, so colour is not the only cue."""
    figure = Figure(figsize=(WIDTH_INCHES, 3.6), dpi=DPI)
    axes = figure.add_subplot()
    positions = list(range(len(data.periods)))
    highest = 0.0
    for index, series in enumerate(data.series):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        points = [(x, v) for x, v in zip(positions, series.values, strict=True) if v is not None]
        axes.plot(
            [x for x, _ in points],
            [v for _, v in points],
            color=colour,
            marker=MARKERS[index % len(MARKERS)],
            markersize=4,
            linewidth=1.4,
            label=_label(series.label),
        )
        axes.axhline(series.target, color=colour, linestyle="--", linewidth=0.8)
        highest = max([highest, series.target, *(v for _, v in points)])
    axes.set_xticks(positions, [_escape(p) for p in data.periods], fontsize=7)
    axes.set_ylim(0, highest * 1.1 or 1)
    axes.set_ylabel(f"{_escape(data.value_label)}; dashed lines: targets", fontsize=8)
    axes.grid(True, axis="y", color="#e5e5e5", linewidth=0.6)
    axes.legend(fontsize=7, loc="lower left", frameon=False)
    _finish(axes, data.title)
    return _png(figure, 0.7)


def _height(count: int, per_item: float) -> float:
    # Each bar or line gets its share of the height, up to what fits on a page.
    return min(1.2 + per_item * max(count, 2), MAX_HEIGHT_INCHES)


def _font_size(count: int) -> float:
    return 7 if count <= 25 else 6


def _label(text: str) -> str:
    # Long names are cut to keep the plot readable; the tables beside the chart give them whole.
    return _escape(text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…")


def _escape(text: str) -> str:
    # A pair of "$" would switch matplotlib into mathtext and mangle a bidder's name.
    return text.replace("$", r"\$")


def _finish(axes: Axes, title: str) -> None:
    axes.set_title(_escape(title), fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=7)


def _label_width(labels: list[str], size: float) -> float:
    # Room for the longest tick label, in inches, estimated from its length: measuring it
    # would cost a full extra draw (what tight_layout does).
    return max((len(label) for label in labels), default=1) * size * 0.64 / 72 + 0.2


def _png(figure: Figure, left_inches: float) -> bytes:
    FigureCanvasAgg(figure)
    width, height = figure.get_figwidth(), figure.get_figheight()
    figure.subplots_adjust(
        left=min(left_inches / width, 0.5),
        right=1 - 0.15 / width,
        top=1 - 0.35 / height,
        bottom=0.5 / height,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    figure.clear()
    return buffer.getvalue()
