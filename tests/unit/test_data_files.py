"""The one way data files are read and checked: every problem listed, each where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenderflow.domain import data_files
from tenderflow.domain.capital import MatrixError
from tenderflow.domain.contract_priority import PriorityMatrixError
from tenderflow.domain.data_files import DataFileError
from tenderflow.domain.evaluation import ModelError
from tenderflow.domain.evaluation.value_for_money import CostingModelError
from tenderflow.domain.regulations import RuleSetError
from tenderflow.paths import PROJECT_ROOT

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "items"],
    "properties": {
        "name": {"type": "string"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "size": {"type": "integer"},
                    "amount": {
                        "description": "An amount in pounds, as text or a whole number.",
                        "oneOf": [{"type": "string"}, {"type": "integer"}],
                    },
                },
            },
        },
    },
}


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "thing.schema.json"
    path.write_text(json.dumps(SCHEMA), encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sound_file_is_returned_as_data(tmp_path: Path, schema: Path) -> None:
    path = write(tmp_path, "name: box\nitems:\n  - size: 3\n")
    assert data_files.load(path, schema) == {"name": "box", "items": [{"size": 3}]}


def test_every_problem_is_listed_with_where_it_is_after_the_file(
    tmp_path: Path, schema: Path
) -> None:
    path = write(tmp_path, "items:\n  - size: big\n  - colour: red\n")
    with pytest.raises(DataFileError) as raised:
        data_files.load(path, schema)
    assert raised.value.errors == [
        "'name' is a required property",
        "items[0].size: 'big' is not of type 'integer'",
        "items[1]: Additional properties are not allowed ('colour' was unexpected)",
    ]
    assert raised.value.source == str(path)
    assert str(raised.value) == f"{path}: " + "; ".join(raised.value.errors)


def test_a_choice_with_a_description_says_what_is_wanted(tmp_path: Path, schema: Path) -> None:
    path = write(tmp_path, "name: box\nitems:\n  - amount: 1.5\n")
    with pytest.raises(DataFileError) as raised:
        data_files.load(path, schema)
    assert raised.value.errors == [
        "items[0].amount: 1.5 is not valid: An amount in pounds, as text or a whole number"
    ]


def test_the_most_relevant_problem_can_lead(schema: Path) -> None:
    data = {"name": 5, "items": "none"}
    assert data_files.schema_errors(data, schema) == [
        "items: 'none' is not of type 'array'",
        "name: 5 is not of type 'string'",
    ]
    assert data_files.schema_errors(data, schema, best_first=True) == [
        "name: 5 is not of type 'string'",
        "items: 'none' is not of type 'array'",
    ]


def test_data_that_is_not_a_mapping_is_refused_naming_what_it_should_be(schema: Path) -> None:
    assert data_files.schema_errors(["a"], schema, what="matrix") == [
        "the matrix must be a YAML mapping of keys to values"
    ]
    assert data_files.schema_errors("text", None) == [
        "the file must be a YAML mapping of keys to values"
    ]


def test_a_file_that_is_not_yaml_or_is_missing_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "name: [unclosed\n")
    with pytest.raises(DataFileError, match=r"thing\.yaml: cannot be read as YAML \(while"):
        data_files.load(path)
    with pytest.raises(DataFileError, match=r"missing\.yaml: cannot be read \(No such file"):
        data_files.load(tmp_path / "missing.yaml")


def test_an_impossible_date_is_reported_as_unreadable_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "from: 2026-02-30\n")
    with pytest.raises(DataFileError, match="cannot be read as YAML"):
        data_files.load(path)


def test_the_caller_names_the_error_raised_and_the_source(tmp_path: Path) -> None:
    path = write(tmp_path, "- a\n")
    with pytest.raises(RuleSetError) as raised:
        data_files.load(path, error=RuleSetError, source="rules")
    assert str(raised.value) == "rules: the file must be a YAML mapping of keys to values"


def test_files_in_the_project_are_named_from_its_root() -> None:
    assert data_files.shown(PROJECT_ROOT / "rule_sets" / "x.yaml") == "rule_sets/x.yaml"


@pytest.mark.parametrize(
    "error", [RuleSetError, ModelError, MatrixError, CostingModelError, PriorityMatrixError]
)
def test_each_kind_of_data_file_reports_its_problems_the_same_way(
    error: type[DataFileError],
) -> None:
    assert issubclass(error, DataFileError) and issubclass(error, ValueError)
    raised = error(["a: wrong", "b: wrong too"], "file.yaml")
    assert (raised.errors, str(raised)) == (
        ["a: wrong", "b: wrong too"],
        "file.yaml: a: wrong; b: wrong too",
    )
    assert str(error("just this")) == "just this"
