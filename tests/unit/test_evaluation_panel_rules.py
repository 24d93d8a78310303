"""Panel rules: when scores are seen, spreads and flags, score sheets checked row by row."""

from __future__ import annotations

from decimal import Decimal

from tenderflow.domain.evaluation.model import DEFAULT_SCALE
from tenderflow.domain.evaluation.panel import (
    Progress,
    SheetRules,
    check_score_rows,
    flagged,
    moderation_open,
    moderation_over,
    next_step,
    parse_score,
    spread,
)

RULES = SheetRules(
    scale=DEFAULT_SCALE,
    bidders={"Ely Foyer Trust", "Fen Edge Support", "Conflicted Co"},
    criteria={"Q1", "Q2", "Q3"},
    assigned={"Q1", "Q2"},
    conflicted={"Conflicted Co"},
    locked={("Fen Edge Support", "Q2")},
)


def test_scores_are_seen_only_once_moderation_opens() -> None:
    assert not moderation_open("evaluation")
    assert moderation_open("moderation") and moderation_open("standstill")
    assert not moderation_over("moderation") and moderation_over("award")


def test_a_spread_reaching_the_threshold_is_flagged() -> None:
    assert spread([Decimal(2)]) is None
    assert spread([Decimal(1), Decimal(4), Decimal(3)]) == Decimal(3)
    assert flagged([Decimal(1), Decimal(3)], Decimal(2))
    assert not flagged([Decimal(2), Decimal("3.5")], Decimal(2))


def test_scores_must_lie_on_the_scale_in_half_points() -> None:
    assert parse_score("4.5", DEFAULT_SCALE) == (Decimal("4.5"), None)
    assert parse_score(3.0, DEFAULT_SCALE) == (Decimal(3), None)
    assert parse_score("", DEFAULT_SCALE) == (None, None)
    assert parse_score("6", DEFAULT_SCALE)[1] == "score 6 is off the scale 0 to 5"
    assert parse_score("3.3", DEFAULT_SCALE)[1] == "score 3.3 must be a whole or half point"
    assert parse_score("good", DEFAULT_SCALE)[1] == "score 'good' is not a number"


def test_every_bad_row_is_reported_and_good_rows_are_returned() -> None:
    rows = [
        (2, {"bidder": "Ely Foyer Trust", "criterion": "Q1", "score": 4, "comment": "Good."}),
        (3, {"bidder": "Ely Foyer Trust", "criterion": "Q2", "score": None, "comment": None}),
        (4, {"bidder": "Nobody", "criterion": "Q1", "score": 3, "comment": "x"}),
        (5, {"bidder": "Ely Foyer Trust", "criterion": "Q3", "score": 3, "comment": "x"}),
        (6, {"bidder": "Conflicted Co", "criterion": "Q1", "score": 3, "comment": "x"}),
        (7, {"bidder": "Fen Edge Support", "criterion": "Q1", "score": 3, "comment": ""}),
        (8, {"bidder": "Fen Edge Support", "criterion": "Q2", "score": 3, "comment": "x"}),
        (9, {"bidder": "Ely Foyer Trust", "criterion": "Q1", "score": 2, "comment": "Again."}),
        (10, {"bidder": "Fen Edge Support", "criterion": "Q9", "score": 2, "comment": "x"}),
    ]
    entries, problems = check_score_rows("Scores", rows, RULES)
    assert [(e.bidder, e.criterion, e.score) for e in entries] == [
        ("Ely Foyer Trust", "Q1", Decimal(4))
    ]
    assert [str(p) for p in problems] == [
        "Scores row 4: unknown bidder 'Nobody'",
        "Scores row 5: criterion Q3 is not assigned to you",
        "Scores row 6: you declared a conflict of interest with Conflicted Co",
        "Scores row 7: comment is missing: every score needs a comment",
        "Scores row 8: the score for Fen Edge Support on Q2 is already submitted",
        "Scores row 9: Ely Foyer Trust on Q1 is already scored in row 2",
        "Scores row 10: unknown criterion 'Q9'",
    ]


def test_the_next_step_follows_signing_declaring_scoring_and_moderation() -> None:
    none = Progress(4, 0, 0)
    done = Progress(4, 0, 4)
    assert next_step(stage="evaluation", signed=False, declared=False, progress=none) == "sign"
    assert next_step(stage="evaluation", signed=True, declared=False, progress=none) == "declare"
    assert next_step(stage="itt", signed=True, declared=True, progress=none) == "wait"
    assert next_step(stage="evaluation", signed=True, declared=True, progress=none) == "score"
    assert next_step(stage="evaluation", signed=True, declared=True, progress=done) == "done"
    assert (
        next_step(stage="moderation", signed=True, declared=True, progress=none, role="moderator")
        == "moderate"
    )
    assert next_step(stage="award", signed=True, declared=True, progress=done) == "results"
    assert none.status == "Not started" and done.status == "Submitted"
    assert Progress(4, 2, 1).status == "In progress"
