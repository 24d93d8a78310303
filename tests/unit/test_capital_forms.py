"""The district's form, generated from the matrix, and the checks on its answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tenderflow.domain.capital import (
    answer_fields,
    answer_text,
    attachments_field,
    check_answers,
    default_matrix,
    form_sections,
    gateways_answered_no,
)
from tests.capital_data import complete_answers

DISTRICTS = {"fenland": "Fenland"}


def check(answers: dict[str, Any], complete: bool = True) -> Any:
    return check_answers(default_matrix(), answers, complete=complete, districts=DISTRICTS)


def test_the_form_is_generated_from_the_matrix_in_sections() -> None:
    sections = form_sections(default_matrix())
    assert [s.title for s in sections] == [
        "About the scheme",
        "Funding and timetable",
        "Gateway questions",
        "Evidence for each criterion",
    ]
    evidence = [f.id for f in sections[-1].fields]
    assert evidence == [
        "criterion_strategic_relevance",
        "criterion_evidence_of_need",
        "criterion_added_value",
        "criterion_deliverability",
        "criterion_unique_factors",
    ]
    assert all(f.type == "textarea" and f.errors["required"] for f in sections[-1].fields)


def test_gateway_questions_are_yes_no_with_details_and_keep_their_conditions() -> None:
    fields = {f.id: f for f in answer_fields(default_matrix())}
    question = fields["gateway_no_suitable_accommodation"]
    assert [o.value for o in question.options] == ["yes", "no"]
    assert question.applies_when["development"] == ("new",)
    assert fields["gateway_revenue_funding"].applies_when == {}


def test_attachments_are_asked_apart_with_their_limits() -> None:
    item = attachments_field(default_matrix())
    assert item is not None and item.max_files == 5 and item.max_size_mb == 10
    assert "attachments" not in {f.id for f in answer_fields(default_matrix())}


def test_a_complete_set_of_answers_is_cleaned_to_json_ready_values() -> None:
    result = check(complete_answers())
    assert result.ok, result.errors
    assert result.values["capital_sought"] == "1250000.00"
    assert result.values["revenue_per_year"] == "96000.00"
    assert result.values["units"] == 14
    assert result.values["start_date"] == "2028-04-01"
    assert result.values["client_group"] == "young-people-at-risk"


def test_submission_lists_every_missing_answer_in_form_order() -> None:
    result = check({"scheme_name": "Half-finished scheme"})
    assert list(result.errors)[:3] == ["district", "provider", "client_group"]
    assert result.errors["provider"] == "Enter the provider"
    assert result.errors["criterion_evidence_of_need"] == "Enter the evidence of need"
    assert result.errors["gateway_revenue_funding"].startswith("Select yes if revenue funding")
    # Norfolk's questions depend on the service type, which is not answered yet.
    assert "gateway_no_suitable_accommodation" not in result.errors


def test_norfolks_questions_are_required_for_a_new_accommodation_based_service() -> None:
    answers = complete_answers()
    del answers["gateway_no_suitable_accommodation"]
    result = check(answers)
    assert result.errors == {
        "gateway_no_suitable_accommodation": (
            "Select yes if no existing accommodation meets these service users' needs"
        )
    }


def test_norfolks_answers_are_dropped_for_a_remodelled_service() -> None:
    result = check(complete_answers(development="remodel"))
    assert result.ok
    assert "gateway_no_suitable_accommodation" not in result.values
    assert "gateway_revenue_funding" in result.values


def test_a_draft_needs_only_its_name_but_bad_answers_are_still_refused() -> None:
    assert check({"scheme_name": "Just a name"}, complete=False).ok
    result = check({"units": "many"}, complete=False)
    assert result.errors == {
        "scheme_name": "Enter the scheme name",
        "units": "Number of units must be a whole number, like 12",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("units", "0", "Number of units must be 1 or more"),
        ("units", "501", "Number of units must be 500 or fewer"),
        ("units", "12.5", "Number of units must be a whole number, like 12"),
        ("capital_sought", "0", "Capital sought must be more than £0"),
        ("capital_sought", "50000000.01", "Capital sought must be £50,000,000 or less"),
        ("capital_sought", "lots", "Capital sought must be an amount in pounds, like 1250000"),
        ("capital_sought", "12.345", "Capital sought must be an amount in pounds, like 1250000"),
        ("revenue_per_year", "-5", "Revenue support sought must be £0 or more"),
        ("client_group", "astronauts", "Select a client group from the list"),
        ("district", "huntingdonshire", "District council must be your own district"),
        (
            "start_date",
            {"day": "31", "month": "2", "year": "2028"},
            "Expected start date must be a real date",
        ),
        (
            "start_date",
            {"day": "1", "month": "", "year": "2028"},
            "Expected start date must be a real date",
        ),
        ("scheme_name", "x" * 121, "Scheme name must be 120 characters or fewer"),
    ],
)
def test_each_check_uses_the_matrixs_own_message(field: str, value: Any, message: str) -> None:
    result = check(complete_answers(**{field: value}))
    expected = message.replace("Expected start date", "Expected service start date")
    assert result.errors == {field: expected}


def test_limits_are_inclusive() -> None:
    result = check(complete_answers(units="500", capital_sought="50000000", scheme_name="x" * 120))
    assert result.ok, result.errors
    assert check(complete_answers(units="1", revenue_per_year="0")).ok


def test_answers_from_a_spreadsheet_are_read_too() -> None:
    result = check(
        complete_answers(
            units=14.0,
            capital_sought=1250000,
            revenue_per_year=96000.5,
            start_date=datetime(2028, 4, 1),
            client_group="Young people at risk",
            service_type="accommodation based service",
            district="Fenland",
            gateway_revenue_funding="Yes",
        )
    )
    assert result.ok, result.errors
    assert result.values["client_group"] == "young-people-at-risk"
    assert result.values["revenue_per_year"] == "96000.50"
    assert result.values["district"] == "fenland"


@pytest.mark.parametrize("text", ["1/4/2028", "01-04-2028", "2028-04-01", "1 4 2028"])
def test_dates_are_read_in_the_usual_ways(text: str) -> None:
    assert check(complete_answers(start_date=text)).values["start_date"] == "2028-04-01"


def test_answers_are_shown_as_people_read_them() -> None:
    matrix = default_matrix()
    fields = {f.id: f for f in answer_fields(matrix)}
    assert answer_text(fields["capital_sought"], "1250000.00") == "£1,250,000.00"
    assert answer_text(fields["start_date"], "2028-04-01") == "1 April 2028"
    assert answer_text(fields["client_group"], "offenders").startswith("Offenders")
    assert answer_text(fields["district"], "fenland", DISTRICTS) == "Fenland"
    assert answer_text(fields["units"], None) == ""


def test_gateways_the_district_answered_no_to_are_named() -> None:
    values = check(complete_answers(gateway_no_suitable_accommodation="no")).values
    assert gateways_answered_no(default_matrix(), values) == ["No suitable existing accommodation"]
    assert date(2028, 4, 1).isoformat() == values["start_date"]
