"""The regional capital-bid matrix: the default file, the schema and the rules in code."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tenderflow.domain.capital import (
    DEFAULT_MATRIX_PATH,
    MatrixError,
    default_matrix,
    load_matrix,
    matrix_from_snapshot,
    parse_matrix,
    validate_matrix,
)
from tenderflow.domain.capital.matrix_loading import SCHEMA_PATH


@pytest.fixture
def data() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_MATRIX_PATH.read_text(encoding="utf-8"))


def errors_for(data: dict[str, Any]) -> str:
    return " | ".join(validate_matrix(data))


def test_the_default_matrix_passes_its_schema_and_the_rules_in_code(data: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    normalised = copy.deepcopy(data)
    for criterion in normalised["criteria"]:
        criterion["descriptors"] = {str(k): v for k, v in criterion["descriptors"].items()}
    jsonschema.Draft202012Validator(schema).validate(normalised)
    assert validate_matrix(data) == []


def test_the_default_matrix_says_it_is_the_regions_to_change() -> None:
    header = DEFAULT_MATRIX_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert "REGION'S DEFAULT" in header and "CHANGE" in header


def test_the_default_weights_are_the_regions_default_out_of_100() -> None:
    matrix = default_matrix()
    assert {c.id: c.weight for c in matrix.criteria} == {
        "strategic-relevance": 30,
        "evidence-of-need": 25,
        "added-value": 15,
        "deliverability": 20,
        "unique-factors": 10,
    }
    assert (matrix.scale_min, matrix.scale_max, matrix.spread_flag) == (0, 5, 2)
    assert matrix.tie_break == ("strategic-relevance", "evidence-of-need")


def test_every_criterion_has_a_descriptor_for_each_point_and_evidence_guidance() -> None:
    for criterion in default_matrix().criteria:
        assert list(criterion.descriptors) == [0, 1, 2, 3, 4, 5]
        assert criterion.guidance and criterion.evidence.label


def test_a_criterion_contributes_weight_times_score_over_five() -> None:
    matrix = default_matrix()
    assert matrix.weighted(matrix.criterion("strategic-relevance"), Decimal(4)) == 24
    assert matrix.weighted(matrix.criterion("added-value"), Decimal(3)) == 9


def test_norfolks_test_applies_only_to_new_accommodation_based_services() -> None:
    matrix = default_matrix()
    norfolk = {
        "floating-support-cannot-deliver",
        "no-suitable-accommodation",
        "intensive-or-specialist-support",
    }
    new_accommodation = {"service_type": "accommodation-based", "development": "new"}
    applying = {g.id for g in matrix.applicable_gateways(new_accommodation)}
    assert applying == {"revenue-funding"} | norfolk
    for answers in (
        {"service_type": "accommodation-based", "development": "remodel"},
        {"service_type": "floating-support", "development": "new"},
        {},
    ):
        assert {g.id for g in matrix.applicable_gateways(answers)} == {"revenue-funding"}


def test_unknown_keys_are_refused_anywhere(data: dict[str, Any]) -> None:
    data["colour"] = "blue"
    data["criteria"][0]["bonus"] = 1
    data["fields"][0]["placeholder"] = "x"
    text = errors_for(data)
    assert "'colour' was unexpected" in text
    assert "criteria[0]: Additional properties are not allowed ('bonus'" in text
    assert "fields[0]: Additional properties are not allowed ('placeholder'" in text


def test_weights_must_add_up_to_100(data: dict[str, Any]) -> None:
    data["criteria"][0]["weight"] = 35
    assert "Criteria weights must add up to 100" in errors_for(data)
    assert "= 105" in errors_for(data)


def test_a_missing_descriptor_is_named(data: dict[str, Any]) -> None:
    del data["criteria"][1]["descriptors"][3]
    assert (
        "criteria (evidence-of-need): give one descriptor for each point from 0 to 5 (missing 3)"
        in (errors_for(data))
    )


def test_a_descriptor_off_the_scale_is_named(data: dict[str, Any]) -> None:
    data["criteria"][0]["descriptors"][6] = "Beyond excellent"
    assert "descriptor for point 6 is off the scale 0 to 5" in errors_for(data)


def test_every_limit_needs_its_error_message(data: dict[str, Any]) -> None:
    units = next(f for f in data["fields"] if f["id"] == "units")
    del units["errors"]["too_large"]
    name = data["fields"][0]
    del name["errors"]["too_long"]
    text = errors_for(data)
    assert "fields (units): give errors.too_large" in text
    assert "fields (scheme_name): give errors.too_long" in text


def test_the_fields_the_service_relies_on_must_be_there(data: dict[str, Any]) -> None:
    data["fields"] = [f for f in data["fields"] if f["id"] != "revenue_per_year"]
    assert "the service needs a field 'revenue_per_year' (money)" in errors_for(data)


def test_a_core_field_of_the_wrong_type_is_refused(data: dict[str, Any]) -> None:
    units = next(f for f in data["fields"] if f["id"] == "units")
    units["type"] = "text"
    del units["min"], units["max"]
    assert "fields (units): must be of type number, not text" in errors_for(data)


def test_a_gateway_condition_must_name_a_choice_and_its_options(data: dict[str, Any]) -> None:
    data["gateways"][1]["applies_when"] = {"service_type": ["hostel"], "provider": ["x"]}
    text = errors_for(data)
    assert "applies_when.service_type lists 'hostel', not among that field's options" in text
    assert "applies_when names 'provider', which is not a choice field" in text


def test_ids_must_be_unique(data: dict[str, Any]) -> None:
    data["gateways"][0]["id"] = "deliverability"
    data["fields"][2]["id"] = "scheme_name"
    text = errors_for(data)
    assert "Gateway and criterion ids must be unique: 'deliverability' is used 2 times" in text
    assert "Field ids must be unique: 'scheme_name' is used 2 times" in text


def test_tie_break_criteria_must_exist(data: dict[str, Any]) -> None:
    data["tie_break"] = ["strategic-relevance", "value-for-money"]
    assert "tie_break: 'value-for-money' is not a criterion" in errors_for(data)


def test_review_dates_must_be_in_every_year_and_at_least_two(data: dict[str, Any]) -> None:
    data["round"]["pipeline_reviews"] = [{"month": 2, "day": 29}, {"month": 8, "day": 1}]
    assert "day 29 of month 2 is not in every year" in errors_for(data)
    data["round"]["pipeline_reviews"] = [{"month": 4, "day": 1}]
    assert "round.pipeline_reviews" in errors_for(data)


def test_a_choice_field_needs_options(data: dict[str, Any]) -> None:
    client = next(f for f in data["fields"] if f["id"] == "client_group")
    del client["options"]
    assert "a choice field needs options and a widget" in errors_for(data)


def test_load_matrix_names_the_file_and_every_problem(tmp_path: Path, data: dict[str, Any]) -> None:
    data["criteria"][0]["weight"] = 20
    del data["criteria"][2]["descriptors"][0]
    path = tmp_path / "matrix.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(MatrixError) as raised:
        load_matrix(path)
    assert str(path) in str(raised.value)
    assert len(raised.value.errors) == 2


def test_a_file_that_is_not_yaml_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("criteria: [unclosed", encoding="utf-8")
    with pytest.raises(MatrixError, match=r"broken.yaml: cannot be read as YAML"):
        load_matrix(path)


def test_a_round_rebuilds_its_matrix_from_the_copy_it_kept() -> None:
    matrix = default_matrix()
    kept = json.loads(json.dumps(matrix.data))
    again = matrix_from_snapshot(kept)
    assert again.fingerprint == matrix.fingerprint
    assert again.criterion_ids == matrix.criterion_ids


def test_a_changed_matrix_has_a_different_fingerprint(data: dict[str, Any]) -> None:
    before = parse_matrix(copy.deepcopy(data)).fingerprint
    data["criteria"][0]["descriptors"][5] = "Changed"
    assert parse_matrix(data).fingerprint != before


def test_a_conditional_gateway_says_which_schemes_it_is_for(data: dict[str, Any]) -> None:
    matrix = default_matrix()
    gateway = matrix.gateway("no-suitable-accommodation")
    assert gateway.condition_text(matrix.fields_by_id) == (
        "Only for a new accommodation-based service (Norfolk's test)."
    )
    del data["gateways"][2]["applies_hint"]
    worked_out = parse_matrix(data).gateway("no-suitable-accommodation")
    assert worked_out.condition_text(matrix.fields_by_id) == (
        "Only when Service type: Accommodation based service or Accommodation based with floating "
        "or resettlement support; Is this a new service: A new service."
    )
    assert matrix.gateway("revenue-funding").condition_text(matrix.fields_by_id) is None
