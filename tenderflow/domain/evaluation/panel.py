"""Rules for an evaluation panel: when scores may be seen, spreads, and checking score sheets.

Scores are entered one bid and criterion at a time, in the browser or in a workbook; both go
through :func:`check_score_rows`, which collects every problem in every row so a workbook with
any bad row is refused whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tenderflow.domain.evaluation.model import Scale, plain
from tenderflow.domain.evaluation.rows import _text  # cells read as the CSV checks read them

# Stages in which the panel's own scores may be seen by others (moderation has opened).
MODERATION_OPEN_STAGES = frozenset({"moderation", "standstill", "award", "contract"})
# Stages after moderation has closed: the commissioning body and the panel may see results.
AFTER_MODERATION_STAGES = frozenset({"standstill", "award", "contract"})
# Stages in which a change to the published model is still before any bid is opened.
SCORING_STAGE = "evaluation"


def moderation_open(stage: str) -> bool:
    """Say whether moderation has opened, so scores may be compared."""
    return stage in MODERATION_OPEN_STAGES


def moderation_over(stage: str) -> bool:
    """Say whether moderation has closed."""
    return stage in AFTER_MODERATION_STAGES


def spread(scores: Sequence[Decimal]) -> Decimal | None:
    """Return the highest minus the lowest score, or None with fewer than two scores."""
    if len(scores) < 2:
        return None
    return max(scores) - min(scores)


def flagged(scores: Sequence[Decimal], threshold: Decimal) -> bool:
    """Say whether the scores differ by the model's spread flag or more."""
    difference = spread(scores)
    return difference is not None and difference >= threshold


@dataclass(frozen=True)
class ScoreEntry:
    """One checked score: a bid (by bidder name) on a criterion, with its comment."""

    bidder: str
    criterion: str
    score: Decimal
    comment: str


@dataclass(frozen=True)
class SheetProblem:
    """A problem in one row of a score sheet."""

    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}: {self.message}"


def parse_score(value: Any, scale: Scale) -> tuple[Decimal | None, str | None]:
    """Read a score typed or stored in a cell; return (score, problem)."""
    text = _text(value)
    if not text:
        return None, None
    try:
        score = Decimal(text)
    except InvalidOperation:
        return None, f"score {text!r} is not a number"
    if not score.is_finite() or not scale.contains(score):
        return None, f"score {text} is off the scale {scale.label}"
    if score * 2 != (score * 2).to_integral_value():
        return None, f"score {text} must be a whole or half point"
    return score, None


@dataclass(frozen=True)
class SheetRules:
    """What an evaluator may score: the bidders in the evaluation and their criteria."""

    scale: Scale
    bidders: Collection[str]
    criteria: Collection[str]  # every criterion of the model
    assigned: Collection[str]  # the criteria assigned to this evaluator
    conflicted: Collection[str] = ()  # bidders the evaluator declared a conflict with
    locked: Collection[tuple[str, str]] = ()  # (bidder, criterion) already submitted


def check_score_rows(
    sheet: str, rows: Sequence[tuple[int, Mapping[str, Any]]], rules: SheetRules
) -> tuple[list[ScoreEntry], list[SheetProblem]]:
    """Check every row (bidder, criterion, score, comment); rows with neither score nor
    comment are left unscored. Return the entries and every problem found."""
    entries: list[ScoreEntry] = []
    problems: list[SheetProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        found: list[str] = []
        bidder = _text(row.get("bidder"))
        criterion = _text(row.get("criterion"))
        comment = _text(row.get("comment"))
        score, score_problem = parse_score(row.get("score"), rules.scale)
        raw_score = _text(row.get("score"))
        if not bidder:
            found.append("bidder is missing")
        elif bidder not in rules.bidders:
            found.append(f"unknown bidder {bidder!r}")
        elif bidder in rules.conflicted:
            found.append(f"you declared a conflict of interest with {bidder}")
        if not criterion:
            found.append("criterion is missing")
        elif criterion not in rules.criteria:
            found.append(f"unknown criterion {criterion!r}")
        elif criterion not in rules.assigned:
            found.append(f"criterion {criterion} is not assigned to you")
        if not raw_score and not comment:
            if found:
                problems += [SheetProblem(sheet, number, text) for text in found]
            continue  # not scored yet
        if score_problem:
            found.append(score_problem)
        elif score is None:
            found.append("score is missing")
        if not comment:
            found.append("comment is missing: every score needs a comment")
        key = (bidder, criterion)
        if key in rules.locked:
            found.append(f"the score for {bidder} on {criterion} is already submitted")
        if key in seen and bidder and criterion:
            found.append(f"{bidder} on {criterion} is already scored in row {seen[key]}")
        seen.setdefault(key, number)
        if found:
            problems += [SheetProblem(sheet, number, text) for text in found]
        elif score is not None:
            entries.append(ScoreEntry(bidder, criterion, score, comment))
    return entries, problems


def score_text(score: Decimal | None) -> str:
    """Write a score as people read it: "3" or "3.5"."""
    return "" if score is None else plain(score)


@dataclass(frozen=True)
class Progress:
    """How far one evaluator has got: scores expected, drafted and submitted."""

    expected: int
    drafted: int
    submitted: int

    @property
    def finished(self) -> bool:
        return self.expected > 0 and self.submitted >= self.expected

    @property
    def status(self) -> str:
        """Describe the progress in words."""
        if self.expected == 0:
            return "Nothing to score"
        if self.finished:
            return "Submitted"
        if self.drafted or self.submitted:
            return "In progress"
        return "Not started"


def next_step(
    *, stage: str, signed: bool, declared: bool, progress: Progress, role: str = "evaluator"
) -> str:
    """Return the panel member's next step: sign, declare, wait, score, moderate or results."""
    if not signed:
        return "sign"
    if not declared:
        return "declare"
    if role == "moderator":
        if moderation_over(stage):
            return "results"
        return "moderate" if moderation_open(stage) else "wait"
    if moderation_over(stage):
        return "results"
    if moderation_open(stage):
        return "moderation"
    if stage != SCORING_STAGE:
        return "wait"
    return "done" if progress.finished else "score"
