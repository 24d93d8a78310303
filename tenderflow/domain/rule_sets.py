"""Contract-regulation rule sets: the YAML files in ``rule_sets/``, checked and loaded.

A rule set is either a council's ``standing-orders`` (bands below the national threshold) or a
``national-regime`` (thresholds, standstill, notices). Files are checked against
``rule_sets/rule-set.schema.json`` and then for rules a schema cannot express.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files
from tenderflow.domain.calendar import UK_REGIONS
from tenderflow.domain.data_files import DataFileError
from tenderflow.domain.exclusion import DEFAULT_DEBARMENT_CHECK_DAYS
from tenderflow.domain.money import PENNY, format_amount, format_gbp

RULE_SETS_ENV = "TENDERFLOW_RULE_SETS_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "rule_sets" / "rule-set.schema.json"

KINDS = ("standing-orders", "national-regime")
CATEGORIES = ("goods", "services", "works", "light-touch")
AUTHORITIES = ("sub-central", "central")
PROCEDURES = ("open", "competitive-flexible")
ROUTES = (
    "oral-quote",
    "written-quotes",
    "invited-tender",
    "advertised-tender",
    "national-procedure",
    "direct-award",
    "exempt",
    "below-threshold",  # only when deciding under a national regime alone
)
# Regimes whose working day is fixed by statute: the Procurement Act 2023 excludes a bank holiday
# in any part of the United Kingdom, so its rule set may not list fewer regions.
STATUTORY_REGIONS: Mapping[str, tuple[str, ...]] = {"procurement-act-2023": UK_REGIONS}


class RuleSetError(DataFileError):
    """A rule set is missing, unknown or malformed."""


class RouteInputError(ValueError):
    """The facts given about a procurement cannot be decided on."""


# --- rule-set model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One value band of a council's standing orders; ``upper`` None means "to the threshold"."""

    route: str
    lower: Decimal
    upper: Decimal | None
    description: str
    min_candidates: int | None
    advertise: bool
    written_confirmation: bool
    written_confirmation_over: Decimal | None
    min_tendering_days: int | None

    @property
    def label(self) -> str:
        """Describe the band's range, e.g. "£30,000.01 to £75,000.00"."""
        if self.upper is None:
            return f"{format_gbp(self.lower)} up to the national threshold"
        if self.lower == 0:
            return f"up to {format_gbp(self.upper)}"
        return f"{format_gbp(self.lower)} to {format_gbp(self.upper)}"

    def needs_written_confirmation(self, value: Decimal) -> bool:
        """Say whether a purchase of ``value`` in this band must be confirmed in writing."""
        if self.written_confirmation_over is not None:
            return value > self.written_confirmation_over
        return self.written_confirmation


@dataclass(frozen=True)
class StandingOrders:
    """A council's contract standing orders."""

    name: str
    title: str
    source: str
    band_value: str
    national_regimes: tuple[str, ...]
    bands: tuple[Band, ...]
    above_description: str
    above_min_candidates: int | None
    above_advertise: bool
    exemptions: Mapping[str, str]
    timetable: Mapping[str, int]
    # How many days before the award the debarment list may have been checked.
    debarment_check_days: int = DEFAULT_DEBARMENT_CHECK_DAYS

    @property
    def kind(self) -> str:
        """Return the rule-set kind, as written in the YAML."""
        return "standing-orders"

    def band_for(self, value: Decimal) -> Band:
        """Return the band that ``value`` falls in."""
        for band in self.bands:
            if band.upper is None or value <= band.upper:
                return band
        raise AssertionError("the last band is open-ended")  # guaranteed by _check_bands


@dataclass(frozen=True)
class Standstill:
    """A mandatory standstill's length."""

    days: int
    kind: str  # "working" or "calendar"

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready values."""
        return {"days": self.days, "kind": self.kind}


@dataclass(frozen=True)
class StandstillAlternative:
    """A longer (or shorter) standstill that applies in a named case."""

    code: str
    condition: str
    days: int


@dataclass(frozen=True)
class StandstillRule:
    """How a national regime's standstill is counted."""

    days: int
    kind: str
    counting: str  # "beginning-with-trigger-day" or "after-trigger-day"
    trigger: str
    extend_to_working_day: bool
    not_required_for: tuple[str, ...]
    voluntary_when_not_required: bool
    alternatives: tuple[StandstillAlternative, ...]

    def alternative(self, code: str) -> StandstillAlternative | None:
        """Return the alternative standstill with ``code``, if the regime has one."""
        return next((alt for alt in self.alternatives if alt.code == code), None)


@dataclass(frozen=True)
class Notice:
    """A notice the regime requires, possibly only above a value or when advertised.

    ``min_values`` holds (first day, value per authority) in date order; an empty tuple means
    the notice is needed whatever the value.
    """

    name: str
    condition: str | None = None
    only_if_advertised: bool = False
    min_values: tuple[tuple[date | None, Mapping[str, Decimal]], ...] = ()

    def min_value(self, authority: str, on: date) -> Decimal | None:
        """Return the value from which the notice is needed on ``on``, or None if always."""
        found: Decimal | None = None
        for start, values in self.min_values:
            if start is None or on >= start:
                found = values[authority]
        if self.min_values and found is None:
            found = self.min_values[0][1][authority]  # before the first date: the first values
        return found

    def applies(
        self, value: Decimal, authority: str, advertised: bool, on: date | None = None
    ) -> bool:
        """Say whether this notice is needed for a contract of ``value`` begun on ``on``."""
        if self.only_if_advertised and not advertised:
            return False
        limit = self.min_value(authority, on or date.max)
        return limit is None or value >= limit


@dataclass(frozen=True)
class NoticeWindow:
    """When a prior notice must have been published to shorten a period."""

    at_least_days_before: int
    at_most_months_before: int


@dataclass(frozen=True)
class PeriodCase:
    """One case of a minimum period: its days and the condition under which it applies.

    ``when`` says which fact brings the case into play: ``prior-notice`` (a qualifying prior
    notice, within ``window``), ``urgency``, ``electronic`` (tenders submitted electronically
    with every document available) or ``otherwise``.
    """

    code: str
    when: str
    days: int
    condition: str
    window: NoticeWindow | None = None


@dataclass(frozen=True)
class DirectAwardJustification:
    """A lawful ground for awarding a contract without competition."""

    code: str
    source: str
    description: str
    standstill: bool
    light_touch_only: bool = False
    without_notices: tuple[str, ...] = ()  # the route's notices this ground does not need


@dataclass(frozen=True)
class DirectAward:
    """A regime's direct-award route: its notices and justifications."""

    notices: tuple[Notice, ...]
    justifications: Mapping[str, DirectAwardJustification]


@dataclass(frozen=True)
class ThresholdPeriod:
    """National thresholds in effect for procurements begun between two dates."""

    start: date
    end: date | None
    values: Mapping[tuple[str, str], Decimal]  # (authority, category) -> threshold
    value_basis: str | None = None  # overrides the regime's basis for this period


@dataclass(frozen=True)
class NationalRegime:
    """A national procurement regime (the law above the threshold)."""

    name: str
    title: str
    source: str
    begun_from: date
    begun_before: date | None
    value_basis: str
    threshold_test: str
    thresholds: tuple[ThresholdPeriod, ...]
    standstill: StandstillRule
    regions: tuple[str, ...]
    procedures: tuple[str, ...]
    min_tendering_assumed: str
    tendering_cases: tuple[PeriodCase, ...]
    light_touch_min_tendering_days: int | None
    participation_cases: tuple[PeriodCase, ...]
    light_touch_min_participation_days: int | None
    notices_above: tuple[Notice, ...]
    notices_below: tuple[Notice, ...]
    regulated_below_threshold: Mapping[str, Decimal] | None
    below_threshold_shortlisting: bool
    direct_award: DirectAward | None
    bidder_feedback: str
    conflicts: str
    timetable: Mapping[str, int] | None

    @property
    def min_tendering_options(self) -> dict[str, int]:
        """Map each tendering-period case's code to its days."""
        return {case.code: case.days for case in self.tendering_cases}

    @property
    def kind(self) -> str:
        """Return the rule-set kind, as written in the YAML."""
        return "national-regime"

    def applies_to(self, start: date) -> bool:
        """Say whether a procurement begun on ``start`` falls under this regime."""
        return start >= self.begun_from and (self.begun_before is None or start < self.begun_before)

    def coverage(self) -> str:
        """Describe which start dates the regime covers."""
        text = f"procurements begun on or after {self.begun_from.isoformat()}"
        if self.begun_before is not None:
            text += f" and before {self.begun_before.isoformat()}"
        return text

    def _period(self, start: date) -> ThresholdPeriod:
        for period in self.thresholds:
            if start >= period.start and (period.end is None or start <= period.end):
                return period
        first = self.thresholds[0].start.isoformat()
        raise RouteInputError(
            f"{self.name} holds no thresholds for a procurement begun on {start.isoformat()} "
            f"(its thresholds start on {first})"
        )

    def threshold(self, start: date, authority: str, category: str) -> Decimal:
        """Return the threshold for a procurement begun on ``start``."""
        return self._period(start).values[(authority, category)]

    def value_basis_on(self, start: date) -> str:
        """Say whether values are compared "net" or "gross" of VAT for a start on ``start``."""
        return self._period(start).value_basis or self.value_basis

    def reaches(self, value: Decimal, threshold: Decimal) -> bool:
        """Say whether ``value`` brings a contract within the regime."""
        return value >= threshold if self.threshold_test == "at-or-above" else value > threshold

    def is_regulated_below_threshold(self, value: Decimal, authority: str) -> bool:
        """Say whether a below-threshold contract of ``value`` is regulated (Part 6 of the Act)."""
        limits = self.regulated_below_threshold
        return limits is not None and value >= limits[authority]

    def standstill_mandatory(self, category: str) -> bool:
        """Say whether the regime requires a standstill for an above-threshold contract."""
        return category not in self.standstill.not_required_for

    def standstill_for(self, category: str) -> Standstill | None:
        """Return the standstill to plan above the threshold: mandatory, or voluntary by default."""
        rule = self.standstill
        if self.standstill_mandatory(category) or rule.voluntary_when_not_required:
            return Standstill(rule.days, rule.kind)
        return None


RuleSet = StandingOrders | NationalRegime


# --- loading ------------------------------------------------------------------------------


def default_rule_set_directory() -> Path:
    """Return the rule-set directory: TENDERFLOW_RULE_SETS_DIR, or the repository's rule_sets."""
    override = os.environ.get(RULE_SETS_ENV, "").strip()
    return Path(override) if override else REPO_ROOT / "rule_sets"


def _schema_errors(data: Any) -> list[str]:
    if isinstance(data, dict) and data.get("kind") not in KINDS:
        return [f"'kind' must be {' or '.join(map(repr, KINDS))}"]
    return data_files.schema_errors(data, SCHEMA_PATH, best_first=True)


def available_rule_sets(directory: Path | str | None = None) -> list[str]:
    """List the names of the rule sets in ``directory``."""
    folder = Path(directory) if directory is not None else default_rule_set_directory()
    if not folder.is_dir():
        raise RuleSetError(f"rule-set directory {data_files.shown(folder)} does not exist")
    return sorted(path.stem for path in folder.glob("*.yaml"))


def rule_set_path(name: str, directory: Path | str | None = None) -> Path:
    """Return the file holding rule set ``name``, or raise RuleSetError if there is none."""
    folder = Path(directory) if directory is not None else default_rule_set_directory()
    names = available_rule_sets(folder)
    if name not in names:
        raise RuleSetError(
            f"unknown rule set {name!r}: choose from {', '.join(names) or '(none found)'}"
        )
    return folder / f"{name}.yaml"


def load_rule_set(name: str, directory: Path | str | None = None) -> RuleSet:
    """Load and check one rule set by name, raising RuleSetError naming any problem."""
    return _load_file(rule_set_path(name, directory))


def standing_orders(directory: Path | str | None = None) -> list[StandingOrders]:
    """Load every council's standing orders in ``directory``, by name."""
    loaded = [load_rule_set(name, directory) for name in available_rule_sets(directory)]
    return [rule_set for rule_set in loaded if isinstance(rule_set, StandingOrders)]


def _load_file(path: Path) -> RuleSet:
    return _parse_file(data_files.read_text(path, error=RuleSetError), path)


@lru_cache(maxsize=64)
def _parse_file(text: str, path: Path) -> RuleSet:
    # Keyed on the file's text: pages name rule sets on every request, and the text only
    # changes when someone edits the file, which is then read afresh. Rule sets are immutable.
    shown = data_files.shown(path)
    data = _dates_as_text(data_files.parse_yaml(text, source=shown, error=RuleSetError))
    problems = _schema_errors(data)
    if not problems:
        try:
            if data["name"] != path.stem:
                problems = [f"name {data['name']!r} must match the file name {path.stem!r}"]
            elif data["kind"] == "standing-orders":
                return _standing_orders(data)
            else:
                return _national_regime(data)
        except ValueError as exc:
            problems = [str(exc)]
    raise RuleSetError(problems, shown)


def _dates_as_text(data: Any) -> Any:
    """Turn YAML's unquoted dates back into text, so the schema checks what was written."""
    if isinstance(data, dict):
        return {key: _dates_as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(value) for value in data]
    return data.isoformat() if isinstance(data, date) else data


def _standing_orders(data: dict[str, Any]) -> StandingOrders:
    bands = tuple(
        Band(
            route=raw["route"],
            lower=Decimal(raw["from"]),
            upper=Decimal(raw["to"]) if "to" in raw else None,
            description=raw["description"],
            min_candidates=raw["min_candidates"],
            advertise=raw["advertise"],
            written_confirmation=raw["written_confirmation"] is not False,
            written_confirmation_over=(
                Decimal(raw["written_confirmation"]["over"])
                if isinstance(raw["written_confirmation"], dict)
                else None
            ),
            min_tendering_days=raw["local_defaults"]["min_tendering_days"],
        )
        for raw in data["bands"]
    )
    _check_bands(bands)
    codes = [item["code"] for item in data["exemptions"]]
    if len(set(codes)) != len(codes):
        raise ValueError("exemptions: each code may appear only once")
    above = data["above_threshold"]
    return StandingOrders(
        name=data["name"],
        title=data["title"],
        source=data["source"],
        band_value=data["band_value"],
        national_regimes=tuple(data["national_regimes"]),
        bands=bands,
        above_description=above["description"],
        above_min_candidates=above["min_candidates"],
        above_advertise=above["advertise"],
        exemptions={item["code"]: item["description"] for item in data["exemptions"]},
        timetable=dict(data["local_defaults"]["timetable"]),
        debarment_check_days=data["local_defaults"].get(
            "debarment_check_days", DEFAULT_DEBARMENT_CHECK_DAYS
        ),
    )


def _check_bands(bands: Sequence[Band]) -> None:
    """Bands must start at zero, ascend without gaps or overlaps, and end open-ended."""
    if bands[0].lower != 0:
        raise ValueError(f"bands[0].from must be 0.00, not {format_amount(bands[0].lower)}")
    for index, band in enumerate(bands):
        last = index == len(bands) - 1
        if band.upper is None and not last:
            raise ValueError(f"bands[{index}]: only the last band may leave out 'to'")
        if band.upper is not None and last:
            raise ValueError(
                f"bands[{index}]: the last band must leave out 'to' (it runs to "
                "the national threshold)"
            )
        if band.upper is not None and band.upper < band.lower:
            raise ValueError(f"bands[{index}]: 'to' is below 'from'")
        expected = (bands[index - 1].upper or 0) + PENNY if index else band.lower
        if band.lower != expected:
            raise ValueError(
                f"bands[{index}].from must be {format_amount(expected)} (one penny above the "
                f"previous band's 'to'), not {format_amount(band.lower)}"
            )


def _iso(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a real date") from None


def _per_authority(raw: Mapping[str, str]) -> dict[str, Decimal]:
    return {authority: Decimal(raw[authority]) for authority in AUTHORITIES}


def _notices(raw: list[dict[str, Any]], where: str) -> tuple[Notice, ...]:
    notices = []
    for index, item in enumerate(raw):
        limits = item.get("min_value")
        values: list[tuple[date | None, Mapping[str, Decimal]]] = []
        if isinstance(limits, dict):
            values.append((None, _per_authority(limits)))
        previous: date | None = None
        for number, period in enumerate(limits if isinstance(limits, list) else []):
            start = _iso(period["from"], f"{where}[{index}].min_value[{number}].from")
            if previous is not None and start <= previous:
                raise ValueError(f"{where}[{index}].min_value[{number}]: dates must ascend")
            values.append((start, _per_authority(period)))
            previous = start
        notices.append(
            Notice(
                name=item["name"],
                condition=item.get("condition"),
                only_if_advertised=item.get("only_if_advertised", False),
                min_values=tuple(values),
            )
        )
    return tuple(notices)


def _period_cases(raw: list[dict[str, Any]], where: str) -> tuple[PeriodCase, ...]:
    cases = []
    for index, item in enumerate(raw):
        window = item.get("notice_window")
        if (item["when"] == "prior-notice") != (window is not None):
            raise ValueError(
                f"{where}[{index}]: a 'prior-notice' case needs a notice_window, and only it"
            )
        cases.append(
            PeriodCase(
                code=item["code"],
                when=item["when"],
                days=item["days"],
                condition=item["condition"],
                window=(
                    NoticeWindow(window["at_least_days_before"], window["at_most_months_before"])
                    if window
                    else None
                ),
            )
        )
    codes = [case.code for case in cases]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{where}: each code may appear only once")
    if not any(case.when == "otherwise" for case in cases):
        raise ValueError(f"{where}: one case must apply 'otherwise'")
    return tuple(cases)


def _direct_award(raw: dict[str, Any] | None) -> DirectAward | None:
    if raw is None:
        return None
    grounds = [
        DirectAwardJustification(
            code=item["code"],
            source=item["source"],
            description=item["description"],
            standstill=item["standstill"],
            light_touch_only=item.get("light_touch_only", False),
            without_notices=tuple(item.get("without_notices", ())),
        )
        for item in raw["justifications"]
    ]
    if len({ground.code for ground in grounds}) != len(grounds):
        raise ValueError("direct_award.justifications: each code may appear only once")
    notices = _notices(raw["notices"], "direct_award.notices")
    names = {notice.name for notice in notices}
    for index, ground in enumerate(grounds):
        unknown = [name for name in ground.without_notices if name not in names]
        if unknown:
            raise ValueError(
                f"direct_award.justifications[{index}].without_notices: {unknown[0]!r} is not "
                "one of the direct award notices"
            )
    return DirectAward(notices, {ground.code: ground for ground in grounds})


def _national_regime(data: dict[str, Any]) -> NationalRegime:
    applies = data["applies_to_procurements_begun"]
    begun_from = _iso(applies["from"], "applies_to_procurements_begun.from")
    begun_before = (
        _iso(applies["before"], "applies_to_procurements_begun.before")
        if "before" in applies
        else None
    )
    if begun_before is not None and begun_before <= begun_from:
        raise ValueError("applies_to_procurements_begun: 'before' must be after 'from'")
    periods: list[ThresholdPeriod] = []
    for index, raw in enumerate(data["thresholds"]):
        start = _iso(raw["from"], f"thresholds[{index}].from")
        end = _iso(raw["to"], f"thresholds[{index}].to") if "to" in raw else None
        if end is not None and end < start:
            raise ValueError(f"thresholds[{index}]: 'to' is before 'from'")
        if periods and (periods[-1].end is None or start <= periods[-1].end):
            raise ValueError(
                f"thresholds[{index}] overlaps thresholds[{index - 1}]: periods must be in date "
                "order and must not overlap"
            )
        values = {
            (authority, category): Decimal(raw[authority][category])
            for authority in AUTHORITIES
            for category in CATEGORIES
        }
        periods.append(ThresholdPeriod(start, end, values, raw.get("value_basis")))
    tendering = data["min_tendering_days"]
    tendering_cases = _period_cases(tendering["options"], "min_tendering_days.options")
    if tendering["assume"] not in {case.code for case in tendering_cases}:
        raise ValueError(
            f"min_tendering_days.assume: {tendering['assume']!r} is not one of the options"
        )
    participation = data.get("min_participation_days")
    if "competitive-flexible" in data["procedures"] and participation is None:
        raise ValueError(
            "min_participation_days: needed when 'competitive-flexible' is one of the procedures"
        )
    regions = tuple(data["working_days"]["regions"])
    statutory = STATUTORY_REGIONS.get(data["name"])
    if statutory is not None and set(regions) != set(statutory):
        raise ValueError(
            f"working_days.regions: {data['title']} counts a bank holiday in any part of the "
            f"United Kingdom, so the regions must be {', '.join(statutory)} and cannot be narrowed"
        )
    regulated = data.get("regulated_below_threshold")
    stand = data["standstill"]
    return NationalRegime(
        name=data["name"],
        title=data["title"],
        source=data["source"],
        begun_from=begun_from,
        begun_before=begun_before,
        value_basis=data["value_basis"],
        threshold_test=data["threshold_test"],
        thresholds=tuple(periods),
        standstill=StandstillRule(
            days=stand["days"],
            kind=stand["kind"],
            counting=stand["counting"],
            trigger=stand["trigger"],
            extend_to_working_day=stand["extend_to_working_day"],
            not_required_for=tuple(stand["not_required_for"]),
            voluntary_when_not_required=stand.get("voluntary_when_not_required", False),
            alternatives=tuple(
                StandstillAlternative(alt["code"], alt["condition"], alt["days"])
                for alt in stand.get("alternatives", [])
            ),
        ),
        regions=regions,
        procedures=tuple(data["procedures"]),
        min_tendering_assumed=tendering["assume"],
        tendering_cases=tendering_cases,
        light_touch_min_tendering_days=tendering["light_touch"],
        participation_cases=(
            _period_cases(participation["options"], "min_participation_days.options")
            if participation
            else ()
        ),
        light_touch_min_participation_days=(participation or {}).get("light_touch"),
        notices_above=_notices(data["notices"]["above_threshold"], "notices.above_threshold"),
        notices_below=_notices(data["notices"]["below_threshold"], "notices.below_threshold"),
        regulated_below_threshold=_per_authority(regulated["min_value"]) if regulated else None,
        below_threshold_shortlisting=regulated["shortlisting_allowed"] if regulated else True,
        direct_award=_direct_award(data.get("direct_award")),
        bidder_feedback=data["bidder_feedback"],
        conflicts=data["conflicts"],
        timetable=dict(data["timetable"]) if "timetable" in data else None,
    )


class RuleLibrary:
    """Every rule set in a directory, loaded and cross-checked."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_rule_set_directory()
        self._rule_sets: dict[str, RuleSet] = {
            name: _load_file(self.directory / f"{name}.yaml")
            for name in available_rule_sets(self.directory)
        }
        self._check_references()

    def _check_references(self) -> None:
        regimes = sorted(self.national_regimes(), key=lambda regime: regime.begun_from)
        for earlier, later in zip(regimes, regimes[1:], strict=False):
            if earlier.begun_before is None or later.begun_from < earlier.begun_before:
                raise RuleSetError(
                    f"{data_files.shown(self.directory)}: national regimes {earlier.name} and "
                    f"{later.name} cover overlapping start dates"
                )
        for rule_set in self._rule_sets.values():
            if isinstance(rule_set, StandingOrders):
                for name in rule_set.national_regimes:
                    if not isinstance(self._rule_sets.get(name), NationalRegime):
                        raise RuleSetError(
                            f"{data_files.shown(self.directory / (rule_set.name + '.yaml'))}: "
                            f"national_regimes names {name!r}, which is not a national regime "
                            "in this directory"
                        )

    def names(self) -> list[str]:
        """List every rule set's name."""
        return sorted(self._rule_sets)

    def get(self, name: str) -> RuleSet:
        """Return the rule set called ``name``, or raise RuleSetError."""
        try:
            return self._rule_sets[name]
        except KeyError:
            raise RuleSetError(
                f"unknown rule set {name!r}: choose from {', '.join(self.names()) or '(none)'}"
            ) from None

    def national_regimes(self) -> list[NationalRegime]:
        """List the national regimes."""
        return [rs for rs in self._rule_sets.values() if isinstance(rs, NationalRegime)]

    def national_regime_for(
        self, start_date: date, among: Sequence[str] | None = None
    ) -> NationalRegime:
        """Return the national regime in force for a procurement begun on ``start_date``."""
        candidates = [r for r in self.national_regimes() if among is None or r.name in among]
        for regime in candidates:
            if regime.applies_to(start_date):
                return regime
        covered = "; ".join(f"{r.name} covers {r.coverage()}" for r in candidates)
        raise RouteInputError(
            f"no national regime covers a procurement begun on {start_date.isoformat()} "
            f"({covered or 'none loaded'})"
        )


def default_library() -> RuleLibrary:
    """Return the library for the default directory, reloaded when its files change."""
    directory = default_rule_set_directory()
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    fingerprint = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _cached_library(str(directory), fingerprint)


@lru_cache(maxsize=4)
def _cached_library(directory: str, fingerprint: tuple[tuple[str, int, int], ...]) -> RuleLibrary:
    return RuleLibrary(directory)
