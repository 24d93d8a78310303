"""The domain's probity rules: history is not re-planned, the deadline is fixed at the ITT,
and results hash the same however their numbers are written."""

from __future__ import annotations

from decimal import Decimal

from tenderflow.domain.probity import (
    extension_notice,
    itt_issued,
    replan_problem,
    results_fingerprint,
)

STAGES = ("planning", "eoi", "itt", "evaluation", "moderation", "award", "contract")


def test_a_stage_before_the_current_one_is_history_even_without_an_actual_end() -> None:
    problem = replan_problem(
        STAGES, "itt", "planning", ended=False, itt_issued=True, moves_tender_deadline=False
    )
    assert problem == "Planning has ended: its dates are history and cannot be re-planned"


def test_a_stage_with_an_actual_end_is_history() -> None:
    problem = replan_problem(
        STAGES, "eoi", "eoi", ended=True, itt_issued=False, moves_tender_deadline=False
    )
    assert problem is not None and problem.startswith("Expressions of interest has ended")


def test_the_tender_deadline_moves_freely_until_the_itt_is_issued() -> None:
    assert (
        replan_problem(
            STAGES, "eoi", "itt", ended=False, itt_issued=False, moves_tender_deadline=True
        )
        is None
    )
    problem = replan_problem(
        STAGES, "itt", "itt", ended=False, itt_issued=True, moves_tender_deadline=True
    )
    assert problem is not None and "The tender deadline is fixed" in problem


def test_later_stages_can_still_be_planned_after_the_itt_is_issued() -> None:
    assert (
        replan_problem(
            STAGES, "itt", "moderation", ended=False, itt_issued=True, moves_tender_deadline=False
        )
        is None
    )


def test_the_itt_is_issued_from_the_itt_stage_on() -> None:
    assert not itt_issued(STAGES, "eoi")
    assert itt_issued(STAGES, "itt")
    assert itt_issued(STAGES, "contract")
    assert not itt_issued(("planning", "award", "contract"), "award")  # no ITT on the route


def test_results_hash_the_same_however_a_price_or_score_is_written() -> None:
    one = results_fingerprint({"bids": [[1, Decimal("9210000")]], "consensus": [[1, Decimal("4")]]})
    two = results_fingerprint(
        {"consensus": [[1, Decimal("4.0")]], "bids": [[1, Decimal("9210000.00")]]}
    )
    assert one == two and len(one) == 64
    assert one != results_fingerprint({"bids": [[1, Decimal("9210001")]], "consensus": [[1, 4]]})


def test_an_extension_tells_bidders_the_old_and_new_deadline_and_why() -> None:
    question, answer = extension_notice(
        "1 July 2027 at 12:00pm", "8 July 2027 at 12:00pm", " Portal down. "
    )
    assert question == "Has the tender deadline changed?"
    assert answer == (
        "The tender deadline is extended from 1 July 2027 at 12:00pm to 8 July 2027 at "
        "12:00pm. Portal down."
    )
