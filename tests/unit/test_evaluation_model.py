"""Evaluation models: the shipped YAML, the schema, and the weighting rules checked in code."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tenderflow.domain.evaluation import (
    EvaluationModel,
    ModelError,
    available_models,
    load_model,
    model_path,
    parse_model,
    validate_model,
)
from tenderflow.paths import SCORING_MATRICES_DIR

MODELS = SCORING_MATRICES_DIR / "models"
SCHEMA = json.loads(
    (SCORING_MATRICES_DIR / "evaluation-model.schema.json").read_text(encoding="utf-8")
)
SHIPPED = ["housing-support-60-40", "housing-support-social-value", "interview"]


def minimal(**changes: Any) -> dict[str, Any]:
    """A small valid model: quality 60 in two sections, price 40."""
    data: dict[str, Any] = {
        "name": "small",
        "sections": [
            {
                "name": "Quality",
                "criteria": [
                    {"id": "Q1", "title": "Service model", "weight": 30, "minimum": 2},
                    {"id": "Q2", "title": "Staffing", "weight": 20},
                ],
            },
            {"name": "Social value", "criteria": [{"id": "SV1", "title": "Jobs", "weight": 10}]},
        ],
        "pass_fail": [{"id": "PF1", "title": "Insurance"}],
        "price": {"weight": 40, "formula": "relative-lowest"},
    }
    data.update(changes)
    return data


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ModelError) as raised:
        parse_model(data)
    return raised.value.errors


# --- shipped models ---------------------------------------------------------------------------


def test_the_ready_made_models_are_the_three_named_in_the_issue() -> None:
    assert available_models() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_model_is_valid_against_the_schema_and_named_after_its_file(
    name: str,
) -> None:
    data = yaml.safe_load((MODELS / f"{name}.yaml").read_text(encoding="utf-8"))
    data["scale"]["descriptors"] = {str(k): v for k, v in data["scale"]["descriptors"].items()}
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    model = load_model(model_path(name))
    assert model.name == name
    assert model.quality_weight + model.price.weight == 100


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_criterion_and_gateway_question_has_guidance_for_evaluators(
    name: str,
) -> None:
    model = load_model(model_path(name))
    for item in [*model.criteria, *model.pass_fail]:
        assert item.guidance and len(item.guidance) > 80, item.id
    assert [model.scale.descriptors[p].label for p in range(6)] == [
        "No response or unacceptable",
        "Very poor",
        "Poor",
        "Satisfactory",
        "Good",
        "Excellent",
    ]


def test_the_60_40_model_weights_quality_60_and_price_40_by_the_lowest_price() -> None:
    model = load_model(model_path("housing-support-60-40"))
    assert (model.quality_weight, model.price.weight) == (Decimal(60), Decimal(40))
    assert model.price.formula == "relative-lowest"
    assert model.moderation.spread_flag == 2


def test_the_social_value_model_gives_social_value_ten_percent_and_no_warning() -> None:
    model = load_model(model_path("housing-support-social-value"))
    assert model.social_value_weight == Decimal(10)
    assert model.warnings() == []
    assert model.price.formula == "budget"
    assert model.price.budget == Decimal("2250000.00")


def test_the_interview_model_scores_interviews_as_their_own_criteria() -> None:
    model = load_model(model_path("interview"))
    interview = [s for s in model.sections if s.kind == "interview"]
    assert len(interview) == 1
    assert [c.id for c in interview[0].criteria] == ["INT1", "INT2", "INT3"]
    assert interview[0].weight == Decimal(15)
    assert all(c.kind == "interview" for c in interview[0].criteria)


# --- the schema -------------------------------------------------------------------------------


def object_schemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield path, node
        for key, child in node.items():
            yield from object_schemas(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from object_schemas(child, f"{path}/{index}")


@pytest.mark.parametrize("schema", ["evaluation-model", "costing-model"])
def test_every_object_in_the_schemas_refuses_unknown_keys(schema: str) -> None:
    path = SCORING_MATRICES_DIR / f"{schema}.schema.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    found = list(object_schemas(document))
    assert len(found) >= 5
    for where, node in found:
        assert node.get("additionalProperties") is False, where


def test_an_unknown_key_is_refused_and_located() -> None:
    data = minimal()
    data["sections"][0]["criteria"][1]["colour"] = "blue"
    assert errors_of(data) == [
        "sections[0].criteria[1]: Additional properties are not allowed ('colour' was unexpected)"
    ]


def test_a_model_that_is_not_a_mapping_is_refused() -> None:
    assert errors_of(["a", "list"]) == ["the model must be a YAML mapping of keys to values"]  # type: ignore[arg-type]


def test_an_unknown_price_formula_is_refused() -> None:
    (message,) = errors_of(minimal(price={"weight": 40, "formula": "cheapest-wins"}))
    assert message.startswith("price.formula: 'cheapest-wins' is not one of")


# --- weighting rules --------------------------------------------------------------------------


def test_weights_that_do_not_add_up_to_100_are_refused_naming_the_rule() -> None:
    data = minimal()
    data["sections"][1]["criteria"][0]["weight"] = 5
    assert errors_of(data) == ["Weights must add up to 100: criteria 55 + price 40 = 95"]


def test_weights_over_100_are_refused_too() -> None:
    data = minimal(price={"weight": 45, "formula": "relative-lowest"})
    assert errors_of(data) == ["Weights must add up to 100: criteria 60 + price 45 = 105"]


def test_a_section_weight_is_the_sum_of_its_criteria() -> None:
    model = parse_model(minimal())
    assert [s.weight for s in model.sections] == [Decimal(50), Decimal(10)]
    assert model.quality_weight == Decimal(60)


def test_a_declared_section_weight_must_match_its_criteria() -> None:
    data = minimal()
    data["sections"][0]["weight"] = 45
    assert errors_of(data) == [
        "Section weight must equal the sum of its criteria: 'Quality' is weighted 45 but its "
        "criteria add up to 50"
    ]


def test_criterion_and_question_ids_must_be_unique_across_sections_and_pass_fail() -> None:
    data = minimal(pass_fail=[{"id": "Q2", "title": "Insurance"}])
    assert errors_of(data) == [
        "Criterion and pass/fail question ids must be unique: 'Q2' is used 2 times"
    ]


def test_section_names_must_be_unique() -> None:
    data = minimal()
    data["sections"][1]["name"] = "Quality"
    assert "Section names must be unique: 'Quality' is used 2 times" in errors_of(data)


def test_a_minimum_off_the_scale_is_refused() -> None:
    data = minimal()
    data["sections"][0]["criteria"][0]["minimum"] = 6
    assert errors_of(data) == ["sections[0].criteria[0] (Q1): minimum 6 is off the scale 0 to 5"]


def test_a_criterion_weight_of_zero_is_refused() -> None:
    data = minimal(price={"weight": 60, "formula": "relative-lowest"})
    data["sections"][0]["criteria"][1]["weight"] = 0
    data["sections"][0]["criteria"][0]["weight"] = 30
    data["sections"][1]["criteria"][0]["weight"] = 10
    assert errors_of(data) == ["sections[0].criteria[1] (Q2): weight must be more than 0"]


def test_every_rule_broken_is_reported_at_once() -> None:
    data = minimal(pass_fail=[{"id": "Q1", "title": "Insurance"}])
    data["sections"][0]["criteria"][0]["minimum"] = 9
    data["price"]["weight"] = 35
    assert errors_of(data) == [
        "sections[0].criteria[0] (Q1): minimum 9 is off the scale 0 to 5",
        "Criterion and pass/fail question ids must be unique: 'Q1' is used 2 times",
        "Weights must add up to 100: criteria 60 + price 35 = 95",
    ]


def test_weights_written_as_decimals_are_read_exactly() -> None:
    data = minimal()
    data["sections"][0]["criteria"][0]["weight"] = 12.5
    data["sections"][0]["criteria"][1]["weight"] = "37.5"
    model = parse_model(data)
    assert model.criterion("Q1").weight == Decimal("12.5")
    assert model.criterion("Q2").weight == Decimal("37.5")


# --- warnings ---------------------------------------------------------------------------------


def test_social_value_under_ten_percent_is_warned_about_not_refused() -> None:
    data = minimal(price={"weight": 45, "formula": "relative-lowest"})
    data["sections"][1]["criteria"][0]["weight"] = 5
    errors, warnings = validate_model(data)
    assert errors == []
    assert warnings == [
        "Social value is 5% of the total score: central government requires at least 10% of "
        "the total score, and councils often use 10-30%"
    ]


def test_social_value_of_exactly_ten_percent_is_not_warned_about() -> None:
    assert validate_model(minimal()) == ([], [])


def test_a_model_without_social_value_is_warned_about() -> None:
    model = load_model(model_path("housing-support-60-40"))
    assert model.warnings()[0].startswith("The model has no social-value section")


def test_validate_model_returns_errors_without_raising() -> None:
    errors, warnings = validate_model(minimal(price={"weight": 30, "formula": "relative-lowest"}))
    assert errors == ["Weights must add up to 100: criteria 60 + price 30 = 90"]
    assert warnings == []


# --- defaults and inference -------------------------------------------------------------------


def test_a_model_written_only_with_the_issue_keys_gets_the_documented_defaults() -> None:
    model = parse_model(minimal())
    assert (model.scale.min, model.scale.max) == (0, 5)
    assert model.scale.descriptors[0].label == "No response or unacceptable"
    assert model.moderation.spread_flag == Decimal(2)
    assert model.tie_break == "higher-quality"
    assert model.tie_break_rule == (
        "Bids are ranked on their total score to two decimal places; where totals are equal, "
        "the higher quality score wins; bids still equal share the rank."
    )


def test_a_section_kind_is_taken_from_its_name_when_left_out() -> None:
    data = minimal()
    data["sections"].append(
        {"name": "Interview", "criteria": [{"id": "I1", "title": "Presentation", "weight": 5}]}
    )
    data["sections"][0]["criteria"][0]["weight"] = 25
    model = parse_model(data)
    assert [s.kind for s in model.sections] == ["quality", "social-value", "interview"]


def test_a_scale_of_one_to_ten_needs_a_descriptor_for_every_point_when_any_are_given() -> None:
    data = minimal(scale={"min": 1, "max": 10, "descriptors": {1: "Poor", 10: "Excellent"}})
    assert errors_of(data) == [
        "scale.descriptors: give one descriptor for each point from 1 to 10 "
        "(missing 2, 3, 4, 5, 6, 7, 8, 9)"
    ]


def test_descriptors_may_be_a_plain_list_running_from_the_minimum() -> None:
    labels = ["Very poor", "Poor", "Satisfactory", "Good", "Excellent"]
    model = parse_model(minimal(scale={"min": 1, "max": 5, "descriptors": labels}))
    assert {p: d.label for p, d in model.scale.descriptors.items()} == dict(
        enumerate(labels, start=1)
    )


def test_a_scale_must_run_upwards() -> None:
    assert "scale.min (5) must be below scale.max (5)" in errors_of(
        minimal(scale={"min": 5, "max": 5})
    )


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ({"formula": "budget"}, "price: the budget formula needs price.parameters.budget"),
        (
            {"formula": "benchmark", "parameters": {"benchmark": "90000.00"}},
            "price: the benchmark formula needs price.parameters.zero_at_percent_above",
        ),
        (
            {"formula": "relative-lowest", "abnormally_low_percent": 100},
            "price.abnormally_low_percent must be more than 0 and less than 100",
        ),
    ],
)
def test_a_price_formula_needs_its_parameters(price: dict[str, Any], expected: str) -> None:
    assert expected in errors_of(minimal(price={"weight": 40, **price}))


def test_price_per_quality_point_needs_some_quality_weight() -> None:
    data = minimal(price={"weight": 100, "formula": "price-per-quality-point"})
    data["sections"] = [{"name": "Quality", "criteria": [{"id": "Q1", "title": "x", "weight": 0}]}]
    assert "price: the price-per-quality-point formula needs some quality weight" in errors_of(data)


# --- storing and comparing --------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_to_dict_reads_back_as_the_same_model(name: str) -> None:
    model = load_model(model_path(name))
    data = json.loads(json.dumps(model.to_dict()))
    assert parse_model(data) == model


def test_the_fingerprint_ignores_layout_and_comments_but_not_content() -> None:
    text = (MODELS / "housing-support-60-40.yaml").read_text(encoding="utf-8")
    original = load_model(text)
    relaid = load_model("# a new comment\n" + text.replace("weight: 15", 'weight: "15"'))
    assert relaid.fingerprint() == original.fingerprint()
    changed = load_model(text.replace("title: Insurance", "title: Insurance cover"))
    assert changed.fingerprint() != original.fingerprint()
    assert len(original.fingerprint()) == 64


def test_loading_from_text_takes_the_name_from_the_model() -> None:
    model = load_model(yaml.safe_dump(minimal()))
    assert isinstance(model, EvaluationModel)
    assert model.name == "small"


def test_a_model_file_without_a_name_is_named_after_the_file(tmp_path: Path) -> None:
    data = minimal()
    del data["name"]
    path = tmp_path / "kent-da-2014.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_model(path).name == "kent-da-2014"


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    data = copy.deepcopy(minimal(price={"weight": 30, "formula": "relative-lowest"}))
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ModelError, match=r"model\.yaml: Weights must add up to 100"):
        load_model(path)


def test_a_file_that_is_not_yaml_or_is_missing_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("sections: [unclosed\n", encoding="utf-8")
    with pytest.raises(ModelError, match="broken.yaml: cannot be read as YAML"):
        load_model(broken)
    with pytest.raises(ModelError, match=r"missing\.yaml: cannot be read \(No such file"):
        load_model(tmp_path / "missing.yaml")


def test_an_unknown_ready_made_model_lists_the_choices() -> None:
    with pytest.raises(ModelError, match="unknown evaluation model 'kent': choose from housing"):
        model_path("kent")


def test_a_price_per_quality_point_model_is_warned_that_its_price_weight_plays_no_part() -> None:
    model = parse_model(minimal(price={"weight": 40, "formula": "price-per-quality-point"}))
    assert model.warnings() == [
        "Price is weighted 40%, but under price per quality point price earns no points: bids "
        "are ranked on price divided by the quality score (out of 60), and the price weight "
        "plays no part"
    ]
    unweighted = minimal(price={"weight": 0, "formula": "price-per-quality-point"})
    unweighted["sections"][0]["criteria"][0]["weight"] = 70
    assert parse_model(unweighted).warnings() == []


def test_the_price_per_quality_point_method_says_price_earns_no_points() -> None:
    rule = parse_model(minimal(price={"weight": 40, "formula": "price-per-quality-point"})).price
    assert "ranked on that figure, lowest first" in rule.describe()
    assert "the price score is 0 and the total is the quality score" in rule.describe()
