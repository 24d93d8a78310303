"""Check evaluation inputs and turn them into the frames results are computed from.

Checks are vectorised so a panel of ten scoring a hundred bids on sixty criteria is checked in
milliseconds. Each problem points at the record it is about (its position in its list), so a
file reader can turn that into the row a spreadsheet user sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from tenderflow.domain.evaluation.model import EvaluationModel, plain
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluatorScore,
    PassFailResult,
)
from tenderflow.domain.money import parse_money

SCORE_COLUMNS = ["bidder", "criterion", "evaluator", "score", "comment"]
CONSENSUS_COLUMNS = ["bidder", "criterion", "score", "rationale"]
PASS_FAIL_COLUMNS = ["bidder", "question", "result"]


# pandas and numpy are imported where they are used: loading them costs a third of a second,
# which every workflow run that only imports this module (a stage move, say) would pay.
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


@dataclass(frozen=True)
class InputProblem:
    """One problem in the inputs: which list, which record (None for the list as a whole)."""

    kind: str  # "scores", "prices", "consensus" or "pass_fail"
    index: int | None
    message: str
    duplicate_of: int | None = None  # the earlier record this one repeats

    def text(self, name: Callable[[int], str]) -> str:
        """Return the message, naming any earlier record with ``name`` (e.g. as a row)."""
        if self.duplicate_of is None:
            return self.message
        return f"duplicate of {name(self.duplicate_of)} ({self.message})"

    def __str__(self) -> str:
        where = f"{self.kind}" if self.index is None else f"{self.kind} record {self.index + 1}"
        return f"{where}: {self.text(lambda index: f'record {index + 1}')}"


@dataclass(frozen=True)
class Inputs:
    """The inputs as frames, indexed by record position."""

    scores: pd.DataFrame
    prices: pd.DataFrame
    consensus: pd.DataFrame | None
    pass_fail: pd.DataFrame | None


def _text_column(values: Sequence[Any]) -> list[str]:
    return [v.strip() if type(v) is str else "" if v is None else str(v).strip() for v in values]


def _frame(records: Sequence[Any], columns: list[str], numeric: str | None) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    # Built column by column from plain lists: far quicker than pandas' string methods.
    transposed = list(zip(*records, strict=True)) if records else [() for _ in columns]
    if len(transposed) != len(columns):
        raise TypeError(f"each record needs {len(columns)} fields: {', '.join(columns)}")
    data: dict[str, Any] = {}
    for column, values in zip(columns, transposed, strict=True):
        if column != numeric:
            data[column] = _text_column(values)
        elif all(type(v) in (int, float) for v in values):
            data[column] = np.asarray(values, dtype=float)
        else:
            # Scores may arrive as typed text; the text is kept to quote back if it is no number.
            raw = pd.Series(values, dtype=object)
            data["raw_" + column] = raw
            stripped = raw.map(lambda v: v.strip() if isinstance(v, str) else v)
            data[column] = pd.to_numeric(stripped, errors="coerce").astype(float)
        if column == numeric:
            # The float column serves the checks; results are worked out from the exact one.
            data["exact_" + column] = pd.Series([_exact(v) for v in values], dtype=object)
    return pd.DataFrame(data, columns=[*columns, *(k for k in data if k not in columns)])


def _exact(value: Any) -> Decimal | None:
    """Return a score exactly as given (a float by its shortest decimal), or None if no number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        value = value.strip()
    if not isinstance(value, Decimal | int | str):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _money(value: Any) -> Decimal | str:
    """Return a price as Decimal, or the reason it is not one; text is read as a person typed it."""
    if isinstance(value, str):
        try:
            return parse_money(value)
        except ValueError as exc:
            return f"price {value.strip()!r}: {exc}"
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return f"price {value!r} is not an amount in pounds"
    amount = Decimal(value)
    return amount if amount.is_finite() else f"price {value!r} is not an amount in pounds"


def to_frames(
    scores: Sequence[EvaluatorScore],
    prices: Sequence[BidPrice],
    consensus: Sequence[ConsensusScore] | None = None,
    pass_fail: Sequence[PassFailResult] | None = None,
) -> Inputs:
    """Put the records into frames (scores as floats for the checks and exactly, text stripped)."""
    import pandas as pd

    price_frame = pd.DataFrame(
        {
            "bidder": [str(p.bidder).strip() for p in prices],
            "price": [_money(p.price) for p in prices],
        },
        dtype=object,
    )
    return Inputs(
        scores=_frame(scores, SCORE_COLUMNS, "score"),
        prices=price_frame,
        consensus=None if consensus is None else _frame(consensus, CONSENSUS_COLUMNS, "score"),
        pass_fail=None if pass_fail is None else _frame(pass_fail, PASS_FAIL_COLUMNS, None),
    )


def _problems(
    kind: str, mask: pd.Series | np.ndarray, message: str | Callable[[int], str]
) -> list[InputProblem]:
    """Turn the records picked by ``mask`` into problems; a message function sees only those."""
    import numpy as np

    picked = np.flatnonzero(np.asarray(mask))
    if isinstance(message, str):
        return [InputProblem(kind, int(i), message) for i in picked]
    return [InputProblem(kind, int(i), message(int(i))) for i in picked]


def _quoted(value: Any) -> str:
    return repr(value.strip()) if isinstance(value, str) else repr(value)


def _names(
    kind: str,
    frame: pd.DataFrame,
    bidders: set[str],
    column: str,
    known: set[str],
    unknown_message: Callable[[str], str],
) -> list[InputProblem]:
    """Check the bidder and the criterion (or question) named by each record."""
    names, items = frame["bidder"].tolist(), frame[column].tolist()
    blank = frame["bidder"] == ""
    found = _problems(kind, blank, "bidder is missing")
    # Name a bidder without a (valid) price once, at its first row, not on every one of its rows.
    unknown_bidder = ~blank & ~frame["bidder"].isin(bidders) & ~frame["bidder"].duplicated()
    found += _problems(
        kind, unknown_bidder, lambda i: f"bidder {names[i]!r} has no valid price (first named here)"
    )
    unknown = ~frame[column].isin(known)
    return found + _problems(kind, unknown, lambda i: unknown_message(items[i]))


def _scored(
    kind: str, frame: pd.DataFrame, model: EvaluationModel, bidders: set[str], keys: list[str]
) -> list[InputProblem]:
    """Check a list of scores (evaluators' or consensus): names, criteria, scale, duplicates."""
    import numpy as np

    scale = model.scale
    criteria = {c.id for c in model.criteria}
    questions = {q.id for q in model.pass_fail}

    def unknown(item: str) -> str:
        hint = " (it is a pass/fail question)" if item in questions else ""
        return f"unknown criterion {item!r}{hint}"

    found = _names(kind, frame, bidders, "criterion", criteria, unknown)
    score = frame["score"]
    if "raw_score" in frame:
        raw = frame["raw_score"].tolist()
        blank = [
            i for i in np.flatnonzero(score.isna().to_numpy()) if not str(raw[i] or "").strip()
        ]
        missing = np.zeros(len(frame), dtype=bool)
        missing[blank] = True
        found += _problems(kind, missing, "score is missing")
        not_number = score.isna().to_numpy() & ~missing
        found += _problems(kind, not_number, lambda i: f"score {_quoted(raw[i])} is not a number")
    else:
        found += _problems(kind, score.isna(), "score is missing")
    # Held to the scale exactly: 5.0000001 is off a 0-5 scale even though it is 5.0 as a float.
    exact = frame["exact_score"].tolist()
    off = score.notna().to_numpy() & np.array(
        [v is not None and not scale.min <= v <= scale.max for v in exact], dtype=bool
    )
    found += _problems(
        kind, off, lambda i: f"score {plain(exact[i])} is off the scale {scale.label}"
    )
    note = "comment" if kind == "scores" else "rationale"
    found += _problems(kind, frame[note] == "", f"{note} is missing")
    if kind == "scores":
        found += _problems(kind, frame["evaluator"] == "", "evaluator is missing")
    return found + _duplicates(kind, frame, keys)


def _duplicates(kind: str, frame: pd.DataFrame, keys: list[str]) -> list[InputProblem]:
    import numpy as np
    import pandas as pd

    # Each key column factorised to integers and combined: much quicker than hashing text rows.
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(frame[key])
        combined = combined * (len(uniques) + 1) + codes
    repeated = pd.Series(combined).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return []
    first: dict[int, int] = {}
    found = []
    columns = [frame[key].tolist() for key in keys]
    for index, code in enumerate(combined.tolist()):
        if code not in first:
            first[code] = index
        elif repeated[index]:
            described = ", ".join(str(column[index]) for column in columns)
            found.append(InputProblem(kind, index, described, first[code]))
    return found


def _missing_pairs(
    frame: pd.DataFrame, bidders: list[str], criteria: list[str]
) -> list[tuple[str, str]]:
    have = set(zip(frame["bidder"].tolist(), frame["criterion"].tolist(), strict=True))
    return [(b, c) for b in bidders for c in criteria if (b, c) not in have]


def input_problems(model: EvaluationModel, inputs: Inputs) -> list[InputProblem]:
    """List every problem in the inputs that stops results being computed."""
    prices = inputs.prices
    amounts = prices["price"].tolist()
    found = _problems("prices", prices["bidder"] == "", "bidder is missing")
    unreadable = prices["price"].map(lambda p: isinstance(p, str))
    found += _problems("prices", unreadable, lambda i: str(amounts[i]))
    not_positive = prices["price"].map(lambda p: isinstance(p, Decimal) and p <= 0)
    found += _problems("prices", not_positive, "price must be more than £0")
    found += _duplicates("prices", prices, ["bidder"])
    bidders = [b for b in dict.fromkeys(prices["bidder"]) if b]
    named = set(bidders)
    criteria = [c.id for c in model.criteria]
    found += _scored("scores", inputs.scores, model, named, SCORE_COLUMNS[:3])
    scored = set(inputs.scores["bidder"].tolist())
    for index, bidder in enumerate(prices["bidder"].tolist()):
        if bidder and bidder not in scored and inputs.consensus is None:
            found.append(InputProblem("prices", index, f"bidder {bidder!r} has no scores"))
    if inputs.consensus is not None:
        found += _scored("consensus", inputs.consensus, model, named, ["bidder", "criterion"])
        for bidder, criterion in _missing_pairs(inputs.consensus, bidders, criteria):
            found.append(
                InputProblem(
                    "consensus", None, f"no consensus score for {bidder!r} on {criterion!r}"
                )
            )
    else:
        gaps = _missing_pairs(inputs.scores, [b for b in bidders if b in scored], criteria)
        for bidder, criterion in gaps:
            found.append(InputProblem("scores", None, f"no score for {bidder!r} on {criterion!r}"))
    if inputs.pass_fail is not None:
        found += _pass_fail(model, inputs.pass_fail, named)
    return found


def _pass_fail(
    model: EvaluationModel, frame: pd.DataFrame, bidders: set[str]
) -> list[InputProblem]:
    questions = {q.id for q in model.pass_fail}
    listed = ", ".join(q.id for q in model.pass_fail) or "none in this model"
    found = _names(
        "pass_fail",
        frame,
        bidders,
        "question",
        questions,
        lambda item: f"unknown pass/fail question {item!r} (questions: {listed})",
    )
    results = frame["result"].tolist()
    bad = ~frame["result"].str.lower().isin(["pass", "fail"])
    found += _problems("pass_fail", bad, lambda i: f"result {results[i]!r} must be pass or fail")
    return found + _duplicates("pass_fail", frame, ["bidder", "question"])
