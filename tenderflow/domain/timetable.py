"""A procurement's timetable: planned dates for each stage, checked against the legal minima.

Stages follow each other on the same day: the day one stage is left is the day the next is
entered, as a transition records it. A stage's length is therefore ``end - start`` in days,
and the tendering period is the time from issuing the ITT to the tender deadline.

Durations come from the rule set's ``local_defaults.timetable`` (calendar days); the EOI lasts
at least the procedure's minimum participation period; the ITT lasts the minimum tendering
period of the route's case; the standstill is counted as the national regime says (working or
calendar days) by :mod:`tenderflow.domain.standstill`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from tenderflow.domain.dates import long_date
from tenderflow.domain.standstill import standstill_period
from tenderflow.domain.vocabulary import STAGE_LABELS, label

MILESTONE_KINDS = ("eoi-deadline", "clarification-deadline", "tender-deadline", "standstill-end")
MILESTONE_LABELS = {
    "eoi-deadline": "Expressions of interest deadline",
    "clarification-deadline": "Clarification questions deadline",
    "tender-deadline": "Tender deadline",
    "standstill-end": "End of the standstill",
}
# The stage a milestone falls in: it is done once that stage is left.
MILESTONE_STAGES = {
    "eoi-deadline": "eoi",
    "clarification-deadline": "itt",
    "tender-deadline": "itt",
    "standstill-end": "standstill",
}
# Clarification questions close this many days before the tender deadline, so answers can be
# published to every bidder in time; shorter tendering periods close them half-way.
CLARIFICATION_CUTOFF_DAYS = 6


class TimetableError(ValueError):
    """A planned timetable breaks a rule; ``errors`` maps "start"/"end" to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Rules:
    """What decides a procurement's timetable."""

    stages: tuple[str, ...]
    durations: Mapping[str, int]
    min_tendering_days: int | None
    regime: str
    regime_title: str
    standstill: bool
    term_years: int | None = None
    min_participation_days: int | None = None


@dataclass(frozen=True)
class PlannedStage:
    stage: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class PlannedMilestone:
    kind: str
    due: date  # the deadline is the end of this day


def rules_from(
    route: str,
    decision: Mapping[str, Any],
    stages: Sequence[str],
    durations: Mapping[str, int],
    regime_title: str,
    term_years: int | None = None,
) -> Rules:
    """Return the timetable rules for a procurement's route decision."""
    return Rules(
        stages=tuple(stages),
        durations=dict(durations),
        min_tendering_days=decision.get("min_tendering_days"),
        regime=str(decision.get("national_regime", "")),
        regime_title=regime_title,
        standstill="standstill" in stages,
        term_years=term_years,
        min_participation_days=decision.get("min_participation_days"),
    )


def tendering_days(rules: Rules) -> int:
    """Return the planned tendering period: the legal minimum, or the EOI's length if none."""
    if rules.min_tendering_days is not None:
        return rules.min_tendering_days
    return rules.durations.get("eoi", 14)


def standstill_end(rules: Rules, start: date) -> date:
    """Return the first day the contract may be entered into after a standstill from ``start``."""
    return standstill_period(rules.regime, start).earliest_contract_date


def participation_days(rules: Rules) -> int:
    """Return the planned EOI: the local length, or the minimum participation period if longer."""
    planned = rules.durations.get("eoi", 0)
    return max(planned, rules.min_participation_days or 0)


def _planned_days(rules: Rules, stage: str) -> int:
    durations = rules.durations
    if stage == "itt":
        return tendering_days(rules)
    if stage == "eoi":
        return participation_days(rules)
    if stage == "moderation":
        # The commissioning body's approval of the recommendation follows moderation.
        return durations.get("moderation", 0) + durations.get("approval", 0)
    if stage == "award":
        return durations.get("mobilisation", 0)
    if stage == "contract":
        return 365 * (rules.term_years or 1)
    return durations.get(stage, 0)


def _stage_from(rules: Rules, stage: str, start: date, days: int | None = None) -> PlannedStage:
    if stage == "standstill":
        end = standstill_end(rules, start)
        if days is not None:
            end = max(end, start + timedelta(days=days))
        return PlannedStage(stage, start, end)
    return PlannedStage(
        stage, start, start + timedelta(days=_planned_days(rules, stage) if days is None else days)
    )


def propose(rules: Rules, start: date) -> tuple[PlannedStage, ...]:
    """Propose planned dates for every stage, beginning on ``start``."""
    planned: list[PlannedStage] = []
    day = start
    for stage in rules.stages:
        entry = _stage_from(rules, stage, day)
        planned.append(entry)
        day = entry.end
    return tuple(planned)


def milestones(planned: Sequence[PlannedStage]) -> tuple[PlannedMilestone, ...]:
    """Return the milestones that fall in the planned stages."""
    by_stage = {entry.stage: entry for entry in planned}
    found: list[PlannedMilestone] = []
    if "eoi" in by_stage:
        found.append(PlannedMilestone("eoi-deadline", by_stage["eoi"].end))
    if "itt" in by_stage:
        itt = by_stage["itt"]
        cutoff = min(CLARIFICATION_CUTOFF_DAYS, itt.days // 2)
        found.append(PlannedMilestone("clarification-deadline", itt.end - timedelta(days=cutoff)))
        found.append(PlannedMilestone("tender-deadline", itt.end))
    if "standstill" in by_stage:
        # The standstill's last day is the day before the contract may be entered into.
        found.append(
            PlannedMilestone("standstill-end", by_stage["standstill"].end - timedelta(days=1))
        )
    return tuple(found)


def stage_label(stage: str) -> str:
    """Return a stage's name as people say it."""
    return label(STAGE_LABELS, stage)


# The stages with a legal minimum length: the period, what sets it and the deadline ending it.
_MINIMUM_PERIODS = {
    "eoi": ("participation", "procedure", "deadline for requests to participate"),
    "itt": ("tendering", "route", "tender deadline"),
}


def check(rules: Rules, planned: Sequence[PlannedStage], stage: str) -> dict[str, str]:
    """Return every rule ``stage``'s planned dates break, keyed "start" or "end"."""
    index = [entry.stage for entry in planned].index(stage)
    entry = planned[index]
    name = stage_label(stage)
    errors: dict[str, str] = {}
    if index > 0 and entry.start < planned[index - 1].end:
        before = planned[index - 1]
        errors["start"] = (
            f"{name} must start on or after {stage_label(before.stage)} ends ({long_date(before.end)})"
        )
    if entry.end < entry.start:
        errors["end"] = f"{name} must end on or after it starts ({long_date(entry.start)})"
    elif stage in _MINIMUM_PERIODS:
        kind, what, deadline = _MINIMUM_PERIODS[stage]
        minimum = rules.min_participation_days if stage == "eoi" else rules.min_tendering_days
        if minimum is not None and entry.days < minimum:
            errors["end"] = (
                f"The {kind} period would be {entry.days} days, shorter than the minimum of "
                f"{minimum} days for this {what} under {rules.regime_title}: set the {deadline} "
                f"on or after {long_date(entry.start + timedelta(days=minimum))}"
            )
    elif stage == "standstill":
        earliest = standstill_end(rules, entry.start)
        if entry.end < earliest:
            period = standstill_period(rules.regime, entry.start)
            errors["end"] = (
                f"The standstill under {rules.regime_title} starting {long_date(entry.start)} runs "
                f"until the end of {long_date(period.last_day)}: the award can be planned from "
                f"{long_date(earliest)}"
            )
    return errors


def replan(
    rules: Rules, planned: Sequence[PlannedStage], stage: str, start: date, end: date
) -> tuple[PlannedStage, ...]:
    """Move ``stage`` to ``start``-``end``; later stages follow, keeping their lengths.

    Raise :class:`TimetableError` when the new dates break a rule (a tendering period shorter
    than the minimum, a standstill cut short, a stage ending before it starts or starting
    before the one before it ends).
    """
    stages = [entry.stage for entry in planned]
    if stage not in stages:
        raise TimetableError({"start": f"{stage_label(stage)} is not a stage of this procurement"})
    index = stages.index(stage)
    moved = list(planned)
    moved[index] = replace(planned[index], start=start, end=end)
    errors = check(rules, moved, stage)
    if errors:
        raise TimetableError(errors)
    day = end
    for later in range(index + 1, len(moved)):
        old = planned[later]
        moved[later] = _stage_from(rules, old.stage, day, old.days)
        day = moved[later].end
    return tuple(moved)


def is_late(
    planned_start: date, planned_end: date, actual_start: date | None, actual_end: date | None
) -> bool:
    """Say whether an actual date falls after the planned one."""
    return bool(
        (actual_start is not None and actual_start > planned_start)
        or (actual_end is not None and actual_end > planned_end)
    )


def is_overdue(
    planned_end: date, actual_end: date | None, actual_start: date | None, today: date
) -> bool:
    """Say whether a stage that has begun has run past its planned end."""
    return actual_start is not None and actual_end is None and today > planned_end


@dataclass(frozen=True)
class ChartBar:
    """One bar of the planned-against-actual chart, as percentages of the chart's width."""

    left: float
    width: float


@dataclass(frozen=True)
class ChartRow:
    stage: str
    label: str
    planned: ChartBar
    actual: ChartBar | None
    late: bool
    in_progress: bool


def chart(
    rows: Sequence[tuple[str, date, date, date | None, date | None]], today: date
) -> tuple[list[ChartRow], date, date]:
    """Lay out planned and actual bars on one time axis; return the rows and the axis' ends.

    Each row is (stage, planned start, planned end, actual start, actual end). A stage under
    way runs to ``today``.
    """
    days: list[date] = []
    for _, p_start, p_end, a_start, a_end in rows:
        days += [p_start, p_end]
        if a_start is not None:
            days += [a_start, a_end or today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def bar(start: date, end: date) -> ChartBar:
        left = (start - first).days / span * 100
        # A stage entered and left on one day still shows as a sliver.
        width = max((end - start).days / span * 100, 0.6)
        return ChartBar(round(left, 2), round(min(width, 100 - left), 2) or 0.6)

    laid_out = []
    for stage, p_start, p_end, a_start, a_end in rows:
        actual = bar(a_start, a_end or today) if a_start is not None else None
        laid_out.append(
            ChartRow(
                stage=stage,
                label=stage_label(stage),
                planned=bar(p_start, p_end),
                actual=actual,
                late=is_late(p_start, p_end, a_start, a_end),
                in_progress=a_start is not None and a_end is None,
            )
        )
    return laid_out, first, last


def start_to_finish_by(rules: Rules, finish_by: date, earliest: date) -> date:
    """Return the latest start whose proposed timetable reaches its last stage (the contract)
    by ``finish_by``: a re-procurement planned backwards from the day a contract must begin.
    Never before ``earliest`` (today): a timetable that cannot fit starts then and runs late.
    """
    planned = propose(rules, finish_by)
    start = finish_by - (planned[-1].start - planned[0].start)
    # Working-day periods (the standstill) vary with the dates: step back until it fits.
    for _ in range(60):
        if propose(rules, start)[-1].start <= finish_by:
            break
        start -= timedelta(days=1)
    return max(start, earliest)
