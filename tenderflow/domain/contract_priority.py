"""The contract-management priority matrix (``scoring_matrices/contract-priority.yaml``).

A contract's annual value and its risk factors add up to a score from 0 to the matrix's
maximum (75); the score falls in a band (low, medium, high) that says how often the contract
is met and which returns it makes. The file is checked against its JSON Schema; the rules a
schema cannot say (bands cover every score once, the highest points add up to the maximum,
ids are unique) are checked here.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files
from tenderflow.domain.data_files import DataFileError
from tenderflow.paths import SCORING_MATRICES_DIR

MATRIX_PATH = SCORING_MATRICES_DIR / "contract-priority.yaml"
SCHEMA_PATH = SCORING_MATRICES_DIR / "contract-priority.schema.json"


class PriorityMatrixError(DataFileError):
    """The matrix is malformed, or an answer does not fit it."""


@dataclass(frozen=True)
class Band:
    """A band of the priority score and what it entails."""

    code: str
    title: str
    approach: str
    low: int
    high: int
    meeting_every_months: int
    entails: tuple[str, ...]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    points: int


@dataclass(frozen=True)
class Factor:
    id: str
    title: str
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option:
        """Return the option ``option_id``, or raise PriorityMatrixError naming the choices."""
        for option in self.options:
            if option.id == option_id:
                return option
        choices = ", ".join(o.id for o in self.options)
        raise PriorityMatrixError(f"{self.title}: choose one of {choices}")


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    unit: str
    default_target: Decimal


@dataclass(frozen=True)
class Scored:
    """A contract's priority: its points for value and each factor, total and band."""

    value_points: int
    factor_points: Mapping[str, int]
    score: int
    band: Band


@dataclass(frozen=True)
class PriorityMatrix:
    name: str
    title: str
    maximum: int
    bands: tuple[Band, ...]
    value_bands: tuple[tuple[Decimal | None, int], ...]
    factors: tuple[Factor, ...]
    indicators: tuple[Indicator, ...]
    returns_due_days: int = 30
    expiry_reminder_months: tuple[int, ...] = (12, 9, 6)

    def band_for(self, score: int) -> Band:
        """Return the band a score falls in."""
        for band in self.bands:
            if band.low <= score <= band.high:
                return band
        raise PriorityMatrixError(f"a score of {score} is outside 0 to {self.maximum}")

    def band(self, code: str) -> Band:
        """Return the band ``code``."""
        for band in self.bands:
            if band.code == code:
                return band
        raise PriorityMatrixError(f"unknown band {code!r}")

    def value_points(self, annual_value: Decimal) -> int:
        """Return the points for a contract's annual value."""
        for below, points in self.value_bands:
            if below is None or annual_value < below:
                return points
        return self.value_bands[-1][1]  # unreachable: the last band has no limit

    def score(self, annual_value: Decimal, answers: Mapping[str, str]) -> Scored:
        """Score a contract from its annual value and an option chosen for every factor."""
        missing = [f.title for f in self.factors if not answers.get(f.id)]
        if missing:
            raise PriorityMatrixError("choose an answer for " + "; ".join(missing))
        unknown = sorted(set(answers) - {f.id for f in self.factors})
        if unknown:
            raise PriorityMatrixError("unknown factors: " + ", ".join(unknown))
        factor_points = {f.id: f.option(answers[f.id]).points for f in self.factors}
        value_points = self.value_points(annual_value)
        total = value_points + sum(factor_points.values())
        return Scored(value_points, factor_points, total, self.band_for(total))


def annual_value(value: Decimal, start: date, end: date) -> Decimal:
    """Return a contract's value per year: its whole-life value over its length in years,
    counted in whole months (a contract shorter than a year counts as a year)."""
    if end < start:
        raise PriorityMatrixError("the contract must end after it starts")
    after = date.fromordinal(end.toordinal() + 1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day > start.day:
        months += 1
    return (value * 12 / max(months, 12)).quantize(Decimal("0.01"))


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_meeting_due(band: Band, last_meeting: date | None, start: date) -> date:
    """Return when the band's next contract management meeting is due."""
    return add_months(last_meeting or start, band.meeting_every_months)


def _check_unique(label: str, ids: list[str], where: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise PriorityMatrixError(f"{where}: {label} {', '.join(sorted(seen))} appears twice")


def parse_matrix(data: Any, where: str = "matrix") -> PriorityMatrix:
    """Check and build a matrix from loaded YAML data, or raise PriorityMatrixError."""
    data = data_files.check(
        data, SCHEMA_PATH, what="matrix", source=where, error=PriorityMatrixError, best_first=True
    )
    maximum = data["maximum"]
    bands = tuple(
        Band(
            code=b["code"],
            title=b["title"],
            approach=b["approach"],
            low=b["from"],
            high=b["to"],
            meeting_every_months=b["meeting_every_months"],
            entails=tuple(b["entails"]),
            returns=tuple(b["returns"]),
        )
        for b in sorted(data["bands"], key=lambda b: b["from"])
    )
    _check_unique("band", [b.code for b in bands], where)
    expected = 0
    for band in bands:
        if band.low != expected or band.high < band.low:
            raise PriorityMatrixError(
                f"{where}: the bands must cover every score from 0 to {maximum} once, in order "
                f"(band {band.code} starts at {band.low}, expected {expected})"
            )
        expected = band.high + 1
    if expected != maximum + 1:
        raise PriorityMatrixError(f"{where}: the last band must end at the maximum, {maximum}")
    value_bands: list[tuple[Decimal | None, int]] = []
    for i, row in enumerate(data["value_bands"]):
        last = i == len(data["value_bands"]) - 1
        if ("below" in row) == last:
            raise PriorityMatrixError(
                f"{where}: every value band but the last needs 'below'; the last has none"
            )
        below = Decimal(row["below"]) if "below" in row else None
        earlier = value_bands[-1][0] if value_bands else None
        if below is not None and earlier is not None and below <= earlier:
            raise PriorityMatrixError(f"{where}: value bands must rise")
        value_bands.append((below, row["points"]))
    factors = tuple(
        Factor(
            id=f["id"],
            title=f["title"],
            options=tuple(Option(o["id"], o["title"], o["points"]) for o in f["options"]),
        )
        for f in data["factors"]
    )
    _check_unique("factor", [f.id for f in factors], where)
    for factor in factors:
        _check_unique(f"option of {factor.id}", [o.id for o in factor.options], where)
    highest = max(p for _, p in value_bands) + sum(
        max(o.points for o in f.options) for f in factors
    )
    if highest != maximum:
        raise PriorityMatrixError(
            f"{where}: the highest value points and factor points add up to {highest}, "
            f"not the maximum {maximum}"
        )
    indicators = tuple(
        Indicator(i["code"], i["title"], i["unit"], Decimal(i["default_target"]))
        for i in data["indicators"]
    )
    _check_unique("indicator", [i.code for i in indicators], where)
    return PriorityMatrix(
        name=data["name"],
        title=data["title"],
        maximum=maximum,
        bands=bands,
        value_bands=tuple(value_bands),
        factors=factors,
        indicators=indicators,
        returns_due_days=data["returns_due_days"],
        expiry_reminder_months=tuple(sorted(data["expiry_reminder_months"], reverse=True)),
    )


def load_matrix(path: Path | None = None) -> PriorityMatrix:
    """Load and check the priority matrix (by default the council's)."""
    path = path or MATRIX_PATH
    text = data_files.read_text(path, source=path.name, error=PriorityMatrixError)
    return parse_matrix(
        data_files.parse_yaml(text, source=path.name, error=PriorityMatrixError), path.name
    )


@lru_cache(maxsize=1)
def default_matrix() -> PriorityMatrix:
    """The council's matrix, loaded once."""
    return load_matrix()
