"""The conflicts assessment and exclusion check rules, and the debarment check's age from the rule set."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from tenderflow.domain import rule_sets
from tenderflow.domain.conflicts import assessment_errors, under_the_act
from tenderflow.domain.exclusion import (
    DEFAULT_DEBARMENT_CHECK_DAYS,
    DISCRETIONARY_GROUNDS,
    MANDATORY_GROUNDS,
    ExclusionInput,
    check_errors,
    debarment_check_is_recent,
    earliest_debarment_check,
)
from tenderflow.domain.regulations import RuleSetError, StandingOrders, load_rule_set

SHIPPED = rule_sets.REPO_ROOT / "rule_sets"
TODAY = date(2026, 6, 15)
EVERY_GROUND = ExclusionInput(
    mandatory_checked=frozenset(code for code, _ in MANDATORY_GROUNDS),
    discretionary_checked=frozenset(code for code, _ in DISCRETIONARY_GROUNDS),
    on_debarment_list=False,
    debarment_checked_on=TODAY,
    outcome="no-grounds",
)


def test_only_procurements_under_the_act_need_its_gates() -> None:
    assert under_the_act("procurement-act-2023")
    assert not under_the_act("pcr-2015")


def test_an_assessment_needs_an_answer_and_details_of_any_conflict() -> None:
    assert assessment_errors(None, "", "") == {
        "conflicts_found": "Select whether any conflicts of interest were identified"
    }
    assert assessment_errors(False, "", "") == {}
    assert assessment_errors(True, "  ", "") == {
        "conflicts": "Enter the conflicts or potential conflicts of interest identified",
        "mitigation": "Enter the steps taken to mitigate each conflict",
    }
    assert assessment_errors(True, "A panel member was a trustee.", "Left the panel.") == {}


def test_no_grounds_holds_only_when_every_ground_was_checked_and_the_list_is_clear() -> None:
    assert check_errors(EVERY_GROUND, TODAY) == {}
    one_short = replace(
        EVERY_GROUND, mandatory_checked=EVERY_GROUND.mandatory_checked - {"terrorism"}
    )
    assert check_errors(one_short, TODAY) == {
        "mandatory_checked": "Check every mandatory exclusion ground before recording that "
        "none applies: 1 not ticked"
    }
    debarred = replace(EVERY_GROUND, on_debarment_list=True)
    assert "debarment list cannot be recorded" in check_errors(debarred, TODAY)["outcome"]


def test_an_exclusion_needs_its_reason_but_not_every_ground() -> None:
    excluded = ExclusionInput(
        mandatory_checked=frozenset({"theft-fraud-bribery"}),
        on_debarment_list=True,
        debarment_checked_on=TODAY,
        outcome="excluded",
    )
    assert check_errors(excluded, TODAY) == {"reason": "Enter why the supplier is excluded"}
    assert check_errors(replace(excluded, reason="On the debarment list."), TODAY) == {}


def test_an_empty_check_names_every_missing_answer_and_refuses_unknown_or_future_input() -> None:
    assert set(check_errors(ExclusionInput(), TODAY)) == {
        "on_debarment_list",
        "debarment_checked_on",
        "outcome",
    }
    tomorrow = replace(EVERY_GROUND, debarment_checked_on=date(2026, 6, 16))
    assert check_errors(tomorrow, TODAY) == {
        "debarment_checked_on": "The date the debarment list was checked must be today or in "
        "the past"
    }
    odd = replace(EVERY_GROUND, discretionary_checked=frozenset({"being-late"}))
    assert check_errors(odd, TODAY)["discretionary_checked"] == (
        "Select discretionary exclusion grounds from the list"
    )


@pytest.mark.parametrize(
    ("checked_on", "recent"),
    [(date(2026, 5, 16), True), (date(2026, 5, 15), False), (TODAY, True)],
)
def test_a_debarment_check_counts_for_exactly_the_days_allowed(
    checked_on: date, recent: bool
) -> None:
    assert earliest_debarment_check(TODAY, 30) == date(2026, 5, 16)
    assert debarment_check_is_recent(checked_on, TODAY, 30) is recent


def test_each_council_sets_how_recent_the_debarment_check_must_be() -> None:
    cambridgeshire = load_rule_set("cambridgeshire-2008", SHIPPED)
    district = load_rule_set("example-district-2024", SHIPPED)
    assert isinstance(cambridgeshire, StandingOrders) and isinstance(district, StandingOrders)
    assert cambridgeshire.debarment_check_days == 30 == DEFAULT_DEBARMENT_CHECK_DAYS
    assert district.debarment_check_days == 14


def test_a_rule_set_without_the_setting_uses_the_default_and_a_zero_is_refused(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load((SHIPPED / "cambridgeshire-2008.yaml").read_text(encoding="utf-8"))
    del data["local_defaults"]["debarment_check_days"]
    (tmp_path / "cambridgeshire-2008.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    orders = load_rule_set("cambridgeshire-2008", tmp_path)
    assert isinstance(orders, StandingOrders)
    assert orders.debarment_check_days == DEFAULT_DEBARMENT_CHECK_DAYS

    data["local_defaults"]["debarment_check_days"] = 0
    (tmp_path / "cambridgeshire-2008.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleSetError, match="debarment_check_days"):
        load_rule_set("cambridgeshire-2008", tmp_path)
