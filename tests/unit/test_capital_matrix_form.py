"""The WTForms form made from the capital-bid matrix: what it reads and how it lists errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from govuk_frontend_wtf.main import wtforms_errors

from tenderflow.domain.capital import Field, Section, default_matrix, form_sections
from tenderflow.web.capital.fields import MatrixForm, filled, matrix_form


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    yield app


def posted(app: Flask, data: dict[str, str]) -> Any:
    return app.test_request_context("/", method="POST", data=data)


def test_the_form_asks_the_matrixs_questions_in_order(app: Flask) -> None:
    sections = form_sections(default_matrix())
    with app.test_request_context("/"):
        form = filled(matrix_form(sections, base=MatrixForm), {"units": 14})
        assert form.asked == [item.id for s in sections for item in s.fields]
        assert form.units.data == 14
        shown = form.sections(skip=["district"])
        assert [s["title"] for s in shown] == [s.title for s in sections]
        assert "district" not in [f.name for f in shown[0]["fields"]]


def test_posted_answers_keep_a_date_as_its_parts_and_leave_out_what_was_not_posted(
    app: Flask,
) -> None:
    made = matrix_form(form_sections(default_matrix()), base=MatrixForm)
    data = {
        "scheme_name": "Wisbech foyer",
        "units": "",
        "service_type": "accommodation-based",
        "start_date-day": "1",
        "start_date-month": "4",
        "start_date-year": "2028",
    }
    with posted(app, data):
        form = filled(made, {"provider": "Shown only before posting"})
        assert form.answers() == {
            "scheme_name": "Wisbech foyer",
            "units": "",
            "service_type": "accommodation-based",
            "start_date": {"day": "1", "month": "4", "year": "2028"},
        }


def test_errors_are_listed_in_the_forms_order_then_anything_else(app: Flask) -> None:
    made = matrix_form(form_sections(default_matrix()), base=MatrixForm)
    with posted(app, {}):
        form = made()
        form.show_errors(
            {
                "status": "The scheme cannot be submitted now",
                "start_date": "Enter the expected service start date",
                "scheme_name": "Enter the scheme name",
            }
        )
        listed = wtforms_errors(form)["errorList"]
    assert listed == [
        {"text": "Enter the scheme name", "href": "#scheme_name"},
        {"text": "Enter the expected service start date", "href": "#start_date-day"},
        {"text": "The scheme cannot be submitted now", "href": "#status"},
    ]


def test_a_question_may_not_take_a_name_the_form_uses() -> None:
    taken = Field(id="errors", section="About", label="Errors", type="text", errors={})
    with pytest.raises(ValueError, match="'errors'"):
        matrix_form([Section("About", (taken,))], base=MatrixForm)
