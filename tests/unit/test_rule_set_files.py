"""The shipped rule-set files, their schema, and how malformed files are reported."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tenderflow.domain import data_files, regulations, rule_sets
from tenderflow.domain.regulations import (
    NationalRegime,
    RuleLibrary,
    RuleSetError,
    StandingOrders,
    load_rule_set,
)
from tenderflow.domain.rule_sets import StandstillAlternative

SHIPPED = rule_sets.REPO_ROOT / "rule_sets"
SCHEMA = json.loads((SHIPPED / "rule-set.schema.json").read_text(encoding="utf-8"))
NAMES = ["cambridgeshire-2008", "example-district-2024", "pcr-2015", "procurement-act-2023"]


def shipped(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def write(directory: Path, name: str, data: Any) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def problem(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], Any]) -> str:
    """Load shipped rule set ``name`` after ``change`` edits it; return the error message."""
    data = shipped(name)
    change(data)
    return problem_with(tmp_path, name, data)


def problem_with(tmp_path: Path, name: str, data: Any) -> str:
    """Load ``data`` as rule set ``name``; return the error message after the file name."""
    write(tmp_path, name, data)
    with pytest.raises(RuleSetError) as raised:
        load_rule_set(name, tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / name}.yaml: ")
    return message.split(".yaml: ", 1)[1]


# --- shipped files --------------------------------------------------------------------------


def test_the_shipped_rule_sets_are_the_expected_four() -> None:
    assert regulations.available_rule_sets(SHIPPED) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_each_shipped_rule_set_loads_and_is_named_after_its_file(name: str) -> None:
    rule_set = load_rule_set(name, SHIPPED)
    assert rule_set.name == name
    assert rule_set.title and rule_set.source


def test_the_shipped_rule_sets_load_together_as_a_library() -> None:
    assert RuleLibrary(SHIPPED).names() == NAMES


def test_cambridgeshire_local_defaults_are_held_in_data() -> None:
    orders = load_rule_set("cambridgeshire-2008", SHIPPED)
    assert isinstance(orders, StandingOrders)
    assert orders.band_value == "net"
    assert [band.min_tendering_days for band in orders.bands] == [None, 5, 14, 21]
    assert dict(orders.timetable) == {
        "planning": 28,
        "eoi": 21,
        "evaluation": 15,
        "moderation": 5,
        "approval": 14,
        "mobilisation": 28,
        "negotiation": 14,
        "further-tendering": 14,
    }
    assert set(orders.exemptions) == {"specialist-firm", "unforeseen-emergency"}
    assert orders.national_regimes == ("procurement-act-2023", "pcr-2015")


def test_the_procurement_act_counts_bank_holidays_in_every_part_of_the_uk() -> None:
    regime = load_rule_set("procurement-act-2023", SHIPPED)
    assert isinstance(regime, NationalRegime)
    assert regime.regions == ("ENG", "NIR", "SCT", "WLS")
    assert (regime.standstill.days, regime.standstill.kind) == (8, "working")
    assert regime.standstill.counting == "beginning-with-trigger-day"
    assert regime.min_tendering_options == {
        "planned-procurement-notice": 10,
        "state-of-urgency": 10,
        "electronic-with-documents": 25,
        "otherwise": 30,
    }
    assert regime.light_touch_min_tendering_days is None
    assert regime.conflicts == "conflicts assessment"


def test_pcr_2015_records_the_longer_standstill_when_not_sent_electronically() -> None:
    regime = load_rule_set("pcr-2015", SHIPPED)
    assert isinstance(regime, NationalRegime)
    assert (regime.standstill.days, regime.standstill.kind) == (10, "calendar")
    assert regime.standstill.extend_to_working_day is True
    assert regime.standstill.alternatives == (
        StandstillAlternative(
            "not-sent-electronically", "the award decision is not sent electronically", 15
        ),
    )
    assert regime.min_tendering_options == {
        "prior-information-notice": 15,
        "urgency": 15,
        "electronic": 30,
        "not-electronic": 35,
    }


# --- the schema -----------------------------------------------------------------------------


def object_schemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield path, node
        for key, child in node.items():
            if key != "if":  # an "if" clause tests a value; it must stay open
                yield from object_schemas(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from object_schemas(child, f"{path}/{index}")


def test_the_schema_is_json_schema_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_object_in_the_schema_refuses_unknown_keys() -> None:
    found = list(object_schemas(SCHEMA))
    assert len(found) > 10
    for path, node in found:
        assert node.get("additionalProperties") is False, path


# --- malformed files ------------------------------------------------------------------------


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    message = problem(tmp_path, "cambridgeshire-2008", lambda d: d.pop("bands"))
    assert message == "'bands' is a required property"


def test_the_default_directory_names_files_relative_to_the_repository() -> None:
    assert data_files.shown(SHIPPED / "x.yaml") == "rule_sets/x.yaml"


def test_an_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    message = problem(tmp_path, "pcr-2015", lambda d: d.update(colour="blue"))
    assert "'colour' was unexpected" in message


def test_an_unknown_key_inside_a_band_is_refused_and_located(tmp_path: Path) -> None:
    message = problem(tmp_path, "cambridgeshire-2008", lambda d: d["bands"][1].update(max="1"))
    assert message.startswith("bands[1]: ")
    assert "'max' was unexpected" in message


def test_an_unquoted_amount_is_refused_because_it_would_load_as_a_float(tmp_path: Path) -> None:
    message = problem(tmp_path, "cambridgeshire-2008", lambda d: d["bands"][0].update(to=2000.0))
    assert message == "bands[0].to: 2000.0 is not of type 'string'"


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    message = problem(tmp_path, "pcr-2015", lambda d: d.update(kind="eu-directive"))
    assert message == "'kind' must be 'standing-orders' or 'national-regime'"


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    assert problem_with(tmp_path, "pcr-2015", ["a", "list"]) == (
        "the file must be a YAML mapping of keys to values"
    )


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="broken.yaml: cannot be read as YAML"):
        load_rule_set("broken", tmp_path)


def test_a_name_that_differs_from_the_file_name_is_refused(tmp_path: Path) -> None:
    message = problem(tmp_path, "pcr-2015", lambda d: d.update(name="pcr-2016"))
    assert message == "name 'pcr-2016' must match the file name 'pcr-2015'"


def test_a_gap_between_bands_is_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "cambridgeshire-2008", lambda d: d["bands"][2].update({"from": "30000.02"})
    )
    assert message.startswith("bands[2].from must be 30000.01")


def test_overlapping_bands_are_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "cambridgeshire-2008", lambda d: d["bands"][1].update({"from": "1500.00"})
    )
    assert message.startswith("bands[1].from must be 2000.01")


def test_bands_in_descending_order_are_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "cambridgeshire-2008", lambda d: d["bands"][1].update({"to": "1000.00"})
    )
    assert message == "bands[1]: 'to' is below 'from'"


def test_bands_must_start_at_zero(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "cambridgeshire-2008", lambda d: d["bands"][0].update({"from": "0.01"})
    )
    assert message == "bands[0].from must be 0.00, not 0.01"


def test_the_last_band_must_run_to_the_national_threshold(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "cambridgeshire-2008", lambda d: d["bands"][3].update({"to": "200000.00"})
    )
    assert message.startswith("bands[3]: the last band must leave out 'to'")


def test_only_the_last_band_may_be_open_ended(tmp_path: Path) -> None:
    message = problem(tmp_path, "cambridgeshire-2008", lambda d: d["bands"][1].pop("to"))
    assert message == "bands[1]: only the last band may leave out 'to'"


def test_overlapping_threshold_periods_are_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path,
        "procurement-act-2023",
        lambda d: d["thresholds"][1].update({"from": "2025-12-31"}),
    )
    assert message.startswith("thresholds[1] overlaps thresholds[0]")


def test_an_open_ended_threshold_period_must_be_the_last(tmp_path: Path) -> None:
    message = problem(tmp_path, "procurement-act-2023", lambda d: d["thresholds"][0].pop("to"))
    assert message.startswith("thresholds[1] overlaps thresholds[0]")


def test_a_threshold_period_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "pcr-2015", lambda d: d["thresholds"][4].update({"to": "2021-12-31"})
    )
    assert message == "thresholds[4]: 'to' is before 'from'"


def test_an_impossible_date_is_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "pcr-2015", lambda d: d["thresholds"][0].update({"to": "2023-02-30"})
    )
    assert message == "thresholds[0].to: '2023-02-30' is not a real date"


def test_an_unquoted_date_is_read_as_the_text_written(tmp_path: Path) -> None:
    text = (SHIPPED / "pcr-2015.yaml").read_text(encoding="utf-8")
    (tmp_path / "pcr-2015.yaml").write_text(text.replace('"2015-02-26"', "2015-02-26"))
    regime = load_rule_set("pcr-2015", tmp_path)
    assert isinstance(regime, NationalRegime)
    assert regime.begun_from.isoformat() == "2015-02-26"


def test_an_unknown_working_day_region_is_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "pcr-2015", lambda d: d["working_days"].update(regions=["ENG", "GB"])
    )
    assert message.startswith("working_days.regions[1]: 'GB' is not one of")


def test_the_assumed_tendering_period_must_be_one_of_the_options(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "pcr-2015", lambda d: d["min_tendering_days"].update(assume="by-post")
    )
    assert message == "min_tendering_days.assume: 'by-post' is not one of the options"


def test_a_library_refuses_standing_orders_naming_a_missing_regime(tmp_path: Path) -> None:
    write(tmp_path, "cambridgeshire-2008", shipped("cambridgeshire-2008"))
    write(tmp_path, "procurement-act-2023", shipped("procurement-act-2023"))
    with pytest.raises(RuleSetError, match="names 'pcr-2015', which is not a national regime"):
        RuleLibrary(tmp_path)


def test_a_library_refuses_national_regimes_covering_the_same_dates(tmp_path: Path) -> None:
    write(tmp_path, "procurement-act-2023", shipped("procurement-act-2023"))
    legacy = shipped("pcr-2015")
    legacy["applies_to_procurements_begun"]["before"] = "2025-03-01"
    write(tmp_path, "pcr-2015", legacy)
    with pytest.raises(RuleSetError, match="pcr-2015 and procurement-act-2023 cover overlapping"):
        RuleLibrary(tmp_path)


def test_a_missing_rule_set_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="does not exist"):
        regulations.available_rule_sets(tmp_path / "nowhere")


# --- procedures, periods, direct award and the Act's working day ------------------------------


def test_the_act_refuses_a_narrowed_set_of_regions(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "procurement-act-2023", lambda d: d["working_days"].update(regions=["ENG"])
    )
    assert message == (
        "working_days.regions: Procurement Act 2023 counts a bank holiday in any part of the "
        "United Kingdom, so the regions must be ENG, NIR, SCT, WLS and cannot be narrowed"
    )


def test_the_act_accepts_its_regions_in_any_order(tmp_path: Path) -> None:
    data = shipped("procurement-act-2023")
    data["working_days"]["regions"] = ["WLS", "SCT", "NIR", "ENG"]
    write(tmp_path, "procurement-act-2023", data)
    assert isinstance(load_rule_set("procurement-act-2023", tmp_path), NationalRegime)


def test_a_council_may_narrow_the_regions_of_a_regime_the_act_does_not_fix(tmp_path: Path) -> None:
    data = shipped("pcr-2015")
    data["working_days"]["regions"] = ["ENG", "WLS"]
    write(tmp_path, "pcr-2015", data)
    regime = load_rule_set("pcr-2015", tmp_path)
    assert isinstance(regime, NationalRegime)
    assert regime.regions == ("ENG", "WLS")


def test_the_act_offers_both_procedures_and_a_participation_period() -> None:
    regime = load_rule_set("procurement-act-2023", SHIPPED)
    assert isinstance(regime, NationalRegime)
    assert regime.procedures == ("open", "competitive-flexible")
    assert {case.code: case.days for case in regime.participation_cases} == {
        "state-of-urgency": 10,
        "standard": 25,
    }
    assert regime.light_touch_min_participation_days is None
    assert regime.regulated_below_threshold == {
        "sub-central": Decimal("30000.00"),
        "central": Decimal("12000.00"),
    }
    assert regime.direct_award is not None
    assert regime.direct_award.justifications["extreme-urgency"].standstill is False
    assert regime.direct_award.justifications["user-choice"].light_touch_only is True


def test_pcr_2015_holds_net_thresholds_before_2022() -> None:
    regime = load_rule_set("pcr-2015", SHIPPED)
    assert isinstance(regime, NationalRegime)
    assert regime.thresholds[0].start.isoformat() == "2015-02-26"
    assert regime.value_basis_on(date(2021, 12, 31)) == "net"
    assert regime.value_basis_on(date(2022, 1, 1)) == "gross"
    assert regime.direct_award is None
    assert regime.procedures == ("open",)


def test_a_competitive_flexible_procedure_needs_a_participation_period(tmp_path: Path) -> None:
    message = problem(tmp_path, "procurement-act-2023", lambda d: d.pop("min_participation_days"))
    assert message.startswith("min_participation_days: needed when 'competitive-flexible'")


def test_a_prior_notice_case_needs_its_window(tmp_path: Path) -> None:
    message = problem(
        tmp_path,
        "procurement-act-2023",
        lambda d: d["min_tendering_days"]["options"][0].pop("notice_window"),
    )
    assert message.startswith("min_tendering_days.options[0]: a 'prior-notice' case needs")


def test_period_cases_need_one_that_applies_otherwise(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "procurement-act-2023", lambda d: d["min_tendering_days"]["options"].pop()
    )
    assert message == "min_tendering_days.options: one case must apply 'otherwise'"


def test_an_unknown_period_condition_is_refused(tmp_path: Path) -> None:
    message = problem(
        tmp_path,
        "procurement-act-2023",
        lambda d: d["min_tendering_days"]["options"][1].update(when="by-post"),
    )
    assert message.startswith("min_tendering_days.options[1].when: 'by-post' is not one of")


def test_a_direct_award_justification_may_appear_only_once(tmp_path: Path) -> None:
    def repeat(data: dict[str, Any]) -> None:
        grounds = data["direct_award"]["justifications"]
        grounds.append(dict(grounds[0]))

    message = problem(tmp_path, "procurement-act-2023", repeat)
    assert message == "direct_award.justifications: each code may appear only once"


def test_dated_notice_limits_must_ascend(tmp_path: Path) -> None:
    def reverse(data: dict[str, Any]) -> None:
        data["notices"]["below_threshold"][0]["min_value"].reverse()

    message = problem(tmp_path, "pcr-2015", reverse)
    assert message == "notices.below_threshold[0].min_value[1]: dates must ascend"


def test_a_ground_may_drop_only_notices_the_direct_award_route_has(tmp_path: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        data["direct_award"]["justifications"][0]["without_notices"] = ["tender notice"]

    message = problem(tmp_path, "procurement-act-2023", drop)
    assert message == (
        "direct_award.justifications[0].without_notices: 'tender notice' is not one of the "
        "direct award notices"
    )
