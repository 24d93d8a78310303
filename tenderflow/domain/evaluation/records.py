"""The plain records an evaluation is computed from.

They are named tuples, so a list of ordinary tuples in the same field order works too and a
large panel's scores go into pandas without per-row conversion.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class EvaluatorScore(NamedTuple):
    """One evaluator's independent score for one bid on one criterion."""

    bidder: str
    criterion: str
    evaluator: str
    score: float | Decimal | int | str  # text is read as a number; anything else is refused
    comment: str = ""


class BidPrice(NamedTuple):
    """A bid's total evaluated price in pounds, with its costing figures when known."""

    bidder: str
    price: Decimal | str  # text is read as a person typed it, e.g. "£75,000.50"
    hourly_rate: Decimal | None = None
    contact_hours: Decimal | None = None  # per person per week


class ConsensusScore(NamedTuple):
    """The score the panel agreed at moderation, with its written rationale."""

    bidder: str
    criterion: str
    score: float | Decimal | int | str
    rationale: str = ""


class PassFailResult(NamedTuple):
    """A bid's result on a gateway question: "pass" or "fail"."""

    bidder: str
    question: str
    result: str


class EvaluationInputError(ValueError):
    """Scores, prices or results that cannot be evaluated; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
