"""Planned timetables: proposed from the route, checked against the legal minima on every edit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tenderflow.domain import regulations
from tenderflow.domain import timetable as tt
from tenderflow.domain.regulations import RouteRequest, decide_route
from tenderflow.domain.stages import stages_for

DURATIONS = {
    "planning": 28,
    "eoi": 21,
    "evaluation": 15,
    "moderation": 5,
    "approval": 14,
    "mobilisation": 28,
}


def rules_for(
    value: str,
    category: str = "services",
    start: date = date(2026, 6, 1),
    *,
    legacy: bool = False,
) -> tt.Rules:
    """Rules for a new procurement, or (``legacy``) one planned before stages followed the procedure."""
    decision = decide_route(
        RouteRequest(value=Decimal(value), start_date=start, category=category),
        "cambridgeshire-2008",
    ).to_dict()
    regime = regulations.load_rule_set(decision["national_regime"])
    return tt.rules_from(
        decision["route"],
        decision,
        stages_for(decision["route"], decision, legacy=legacy),
        DURATIONS,
        regime.title,
        term_years=3,
    )


def by_stage(planned: tuple[tt.PlannedStage, ...]) -> dict[str, tt.PlannedStage]:
    return {entry.stage: entry for entry in planned}


def test_an_above_threshold_procurement_planned_before_stages_followed_the_procedure_keeps_its_eoi() -> (
    None
):
    rules = rules_for("900000", legacy=True)
    planned = by_stage(tt.propose(rules, date(2026, 6, 1)))
    assert list(planned) == list(rules.stages)
    assert planned["planning"] == tt.PlannedStage("planning", date(2026, 6, 1), date(2026, 6, 29))
    assert planned["eoi"].days == 21
    # The Act's minimum tendering period with electronic submission: 25 days.
    assert planned["itt"].days == 25
    assert planned["evaluation"].days == 15
    # Moderation, then the commissioning body's approval of the recommendation.
    assert planned["moderation"].days == 5 + 14
    # Eight working days beginning with Thu 17 Sep 2026: last day Mon 28 Sep.
    assert planned["standstill"].start == date(2026, 9, 17)
    assert planned["standstill"].end == date(2026, 9, 29)
    assert planned["award"] == tt.PlannedStage("award", date(2026, 9, 29), date(2026, 10, 27))


def test_each_stage_starts_the_day_the_one_before_it_ends() -> None:
    planned = tt.propose(rules_for("50000"), date(2026, 6, 1))
    for before, after in zip(planned, planned[1:], strict=False):
        assert after.start == before.end


def test_a_standstill_over_christmas_skips_the_bank_holidays() -> None:
    rules = rules_for("900000")
    planned = tt.propose(rules, date(2026, 6, 1))
    moved = tt.replan(
        rules, planned, "moderation", by_stage(planned)["moderation"].start, date(2026, 12, 18)
    )
    standstill = by_stage(moved)["standstill"]
    assert standstill.start == date(2026, 12, 18)
    assert standstill.end == date(2027, 1, 1)


def test_a_quotes_route_has_no_eoi_and_no_standstill_milestones() -> None:
    rules = rules_for("10000")
    planned = tt.propose(rules, date(2026, 6, 1))
    assert [p.stage for p in planned] == [
        "planning",
        "itt",
        "evaluation",
        "moderation",
        "award",
        "contract",
    ]
    assert [m.kind for m in tt.milestones(planned)] == ["clarification-deadline", "tender-deadline"]
    assert by_stage(planned)["itt"].days == 5  # the written-quotes band's local minimum


def test_milestones_fall_in_their_stages() -> None:
    planned = by_stage(tt.propose(rules_for("900000", legacy=True), date(2026, 6, 1)))
    milestones = {m.kind: m.due for m in tt.milestones(tuple(planned.values()))}
    assert milestones["eoi-deadline"] == planned["eoi"].end
    assert milestones["tender-deadline"] == planned["itt"].end
    assert milestones["clarification-deadline"] == planned["itt"].end - timedelta(days=6)
    assert milestones["standstill-end"] == date(2026, 9, 28)


def test_a_tendering_period_shorter_than_the_minimum_is_refused_with_the_reason() -> None:
    rules = rules_for("900000")
    planned = tt.propose(rules, date(2026, 6, 1))
    itt = by_stage(planned)["itt"]
    with pytest.raises(tt.TimetableError) as refused:
        tt.replan(rules, planned, "itt", itt.start, itt.start + timedelta(days=24))
    message = refused.value.errors["end"]
    assert "24 days, shorter than the minimum of 25 days" in message
    assert "Procurement Act 2023" in message


def test_a_tendering_period_of_exactly_the_minimum_is_accepted() -> None:
    rules = rules_for("900000")
    planned = tt.propose(rules, date(2026, 6, 1))
    itt = by_stage(planned)["itt"]
    moved = tt.replan(rules, planned, "itt", itt.start, itt.start + timedelta(days=25))
    assert by_stage(moved)["itt"].days == 25


def test_a_standstill_cut_short_is_refused() -> None:
    rules = rules_for("900000", legacy=True)
    planned = tt.propose(rules, date(2026, 6, 1))
    standstill = by_stage(planned)["standstill"]
    with pytest.raises(tt.TimetableError) as refused:
        tt.replan(
            rules, planned, "standstill", standstill.start, standstill.end - timedelta(days=1)
        )
    assert "runs until the end of 28 September 2026" in refused.value.errors["end"]


def test_a_stage_ending_before_it_starts_or_starting_before_the_last_ends_is_refused() -> None:
    rules = rules_for("50000")
    planned = tt.propose(rules, date(2026, 6, 1))
    evaluation = by_stage(planned)["evaluation"]
    with pytest.raises(tt.TimetableError) as refused:
        tt.replan(
            rules,
            planned,
            "evaluation",
            evaluation.start - timedelta(days=1),
            evaluation.start - timedelta(days=2),
        )
    assert set(refused.value.errors) == {"start", "end"}
    assert "must start on or after Invitation to tender ends" in refused.value.errors["start"]


def test_later_stages_follow_an_edit_keeping_their_lengths() -> None:
    rules = rules_for("50000")
    planned = tt.propose(rules, date(2026, 6, 1))
    evaluation = by_stage(planned)["evaluation"]
    moved = by_stage(
        tt.replan(rules, planned, "evaluation", evaluation.start, evaluation.end + timedelta(7))
    )
    old = by_stage(planned)
    assert moved["moderation"].start == old["moderation"].start + timedelta(days=7)
    assert moved["moderation"].days == old["moderation"].days
    assert moved["itt"] == old["itt"]


def test_lateness_is_any_actual_date_after_the_planned_one() -> None:
    planned = (date(2026, 6, 1), date(2026, 6, 10))
    assert not tt.is_late(*planned, date(2026, 6, 1), date(2026, 6, 10))
    assert tt.is_late(*planned, date(2026, 6, 2), None)
    assert tt.is_late(*planned, date(2026, 6, 1), date(2026, 6, 11))
    assert not tt.is_late(*planned, None, None)


def test_the_chart_puts_planned_and_actual_bars_on_one_axis() -> None:
    rows, first, last = tt.chart(
        [
            ("planning", date(2026, 6, 1), date(2026, 6, 11), date(2026, 6, 1), date(2026, 6, 16)),
            ("itt", date(2026, 6, 11), date(2026, 6, 21), date(2026, 6, 16), None),
        ],
        today=date(2026, 6, 21),
    )
    assert (first, last) == (date(2026, 6, 1), date(2026, 6, 21))
    assert rows[0].planned == tt.ChartBar(0.0, 50.0)
    assert rows[0].actual == tt.ChartBar(0.0, 75.0)
    assert rows[0].late and not rows[0].in_progress
    assert rows[1].actual == tt.ChartBar(75.0, 25.0)
    assert rows[1].in_progress and rows[1].label == "Invitation to tender"


def test_a_direct_award_has_no_competition_stages_and_keeps_its_standstill() -> None:
    def stages(ground: str) -> tuple[str, ...]:
        decision = decide_route(
            RouteRequest(Decimal("900000"), date(2026, 6, 1), direct_award=ground),
            "cambridgeshire-2008",
        ).to_dict()
        return stages_for(decision["route"], decision)

    assert stages("single-supplier-technical") == ("planning", "standstill", "award", "contract")
    assert stages("extreme-urgency") == ("planning", "award", "contract")


def flexible_rules(
    chosen: tuple[str, ...] = ("participation", "shortlisting"), **facts: object
) -> tt.Rules:
    decision = decide_route(
        RouteRequest(
            value=Decimal("900000"),
            start_date=date(2026, 6, 1),
            procedure="competitive-flexible",
            **facts,  # type: ignore[arg-type]
        ),
        "cambridgeshire-2008",
    ).to_dict()
    return tt.rules_from(
        decision["route"],
        decision,
        stages_for(decision["route"], decision, chosen),
        {**DURATIONS, "negotiation": 14, "further-tendering": 10},
        "Procurement Act 2023",
        term_years=3,
    )


def test_a_competitive_flexible_procedure_plans_the_25_day_participation_period() -> None:
    planned = by_stage(tt.propose(flexible_rules(), date(2026, 6, 1)))
    assert planned["eoi"].days == 25  # longer than the council's 21 days
    assert planned["itt"].days == 25


def test_the_councils_eoi_length_stands_where_it_exceeds_the_minimum() -> None:
    legacy = rules_for("900000", legacy=True)
    assert by_stage(tt.propose(legacy, date(2026, 6, 1)))["eoi"].days == 21


def test_the_open_procedure_has_no_participation_stage_and_tenders_straight_after_planning() -> (
    None
):
    planned = tt.propose(rules_for("900000"), date(2026, 6, 1))
    assert [p.stage for p in planned] == [
        "planning",
        "itt",
        "evaluation",
        "moderation",
        "standstill",
        "award",
        "contract",
    ]
    assert by_stage(planned)["itt"].start == date(2026, 6, 29)
    assert by_stage(planned)["itt"].days == 25
    assert "eoi-deadline" not in {m.kind for m in tt.milestones(planned)}


def test_a_competitive_flexible_procedure_has_only_the_stages_the_lead_chose() -> None:
    everything = ("participation", "shortlisting", "negotiation", "further-tendering")
    planned = by_stage(tt.propose(flexible_rules(everything), date(2026, 6, 1)))
    assert list(planned)[:6] == [
        "planning",
        "eoi",
        "itt",
        "negotiation",
        "further-tendering",
        "evaluation",
    ]
    assert (planned["negotiation"].days, planned["further-tendering"].days) == (14, 10)
    assert planned["negotiation"].start == planned["itt"].end
    tendering_only = [p.stage for p in tt.propose(flexible_rules(()), date(2026, 6, 1))]
    assert tendering_only[:3] == ["planning", "itt", "evaluation"]
    no_negotiation = [
        p.stage for p in tt.propose(flexible_rules(("further-tendering",)), date(2026, 6, 1))
    ]
    assert no_negotiation[:4] == ["planning", "itt", "further-tendering", "evaluation"]


def test_a_participation_period_shorter_than_the_minimum_is_refused() -> None:
    rules = flexible_rules()
    planned = tt.propose(rules, date(2026, 6, 1))
    eoi = by_stage(planned)["eoi"]
    with pytest.raises(tt.TimetableError) as refused:
        tt.replan(rules, planned, "eoi", eoi.start, eoi.start + timedelta(days=24))
    assert refused.value.errors["end"].startswith(
        "The participation period would be 24 days, shorter than the minimum of 25 days"
    )
    moved = tt.replan(rules, planned, "eoi", eoi.start, eoi.start + timedelta(days=25))
    assert by_stage(moved)["eoi"].days == 25


def test_the_tendering_case_sets_the_planned_itt() -> None:
    urgent = by_stage(tt.propose(flexible_rules(urgency=True), date(2026, 6, 1)))
    paper = by_stage(tt.propose(flexible_rules(paper_tenders=True), date(2026, 6, 1)))
    assert (urgent["eoi"].days, urgent["itt"].days) == (21, 10)  # the council's 21 exceeds 10
    assert paper["itt"].days == 30
