"""Results as a person who declared a conflict sees them: that bid is withheld everywhere."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from tenderflow.domain.evaluation.results import BidderResult, EvaluationResult, Flag
from tenderflow.domain.evaluation.sensitivity import SensitivityResult
from tenderflow.domain.evaluation.value_for_money import Finding
from tenderflow.services.evaluation.results import ProcurementResults, results_as_seen


def _bid(bidder_id: int, name: str) -> Any:
    return SimpleNamespace(bidder_id=bidder_id, bidder=SimpleNamespace(name=name))


def _row(name: str, rank: int) -> BidderResult:
    return BidderResult(
        bidder=name,
        rank=rank,
        total=Decimal(80 - rank),
        quality=Decimal(50),
        price_score=Decimal(30 - rank),
        price=Decimal(100000 * rank),
        sections={},
        criteria={},
        disqualified=False,
        reasons=[],
    )


def _results() -> ProcurementResults:
    result = EvaluationResult(
        model="housing-support-60-40",
        provisional=False,
        winner="Alder Care",
        tie_break_rule="Higher quality wins",
        bidders=[_row("Alder Care", 1), _row("Birch Support", 2)],
        flags=[Flag("Alder Care", "Q1", Decimal(3)), Flag("Birch Support", "Q2", Decimal(2))],
        notes=["Alder Care's price is the lowest.", "Scores are exact."],
        sensitivity=SensitivityResult(winner="Alder Care", scenarios=[]),
    )
    data = SimpleNamespace(bids=[_bid(1, "Alder Care"), _bid(2, "Birch Support")])
    findings = [
        Finding("Alder Care", "abnormally-low", "Below the costing model."),
        Finding("Birch Support", "ok", "Within the costing model."),
    ]
    return ProcurementResults(data, result, findings, problems=[])  # type: ignore[arg-type]


def test_without_a_conflict_the_results_are_shown_whole() -> None:
    seen = results_as_seen(_results(), set())
    assert seen.withheld == 0
    assert seen.result is not None and seen.result.winner == "Alder Care"
    assert [b.bidder for b in seen.result.bidders] == ["Alder Care", "Birch Support"]


def test_a_conflicted_bid_is_withheld_from_rows_flags_notes_findings_winner_and_sensitivity() -> (
    None
):
    seen = results_as_seen(_results(), {1})
    assert seen.withheld == 1
    result = seen.result
    assert result is not None
    assert [b.bidder for b in result.bidders] == ["Birch Support"]
    assert [f.bidder for f in result.flags] == ["Birch Support"]
    assert result.notes == ["Scores are exact."]
    assert result.winner is None and result.sensitivity is None
    assert [f.bidder for f in seen.findings] == ["Birch Support"]
