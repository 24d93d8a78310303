"""Where the web kit shows a refusal: on the field a view names, or every error in one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from tenderflow.services import ServiceError
from tenderflow.web import kit


class PriceForm(FlaskForm):
    price = StringField("Price")


def _refuse(exc: ServiceError) -> Callable[[], Any]:
    def change() -> Any:
        raise exc

    return change


def test_a_refusal_naming_no_field_goes_on_the_field_the_view_names(app: Flask) -> None:
    with app.test_request_context("/", method="POST"):
        form = PriceForm(meta={"csrf": False})
        answer = kit.save(
            form,
            _refuse(ServiceError("Bids are sealed until 3 March 2027")),
            message="Saved.",
            to="/bid",
            fields={"": "price"},
        )
        assert answer is None
        assert form.price.errors == ["Bids are sealed until 3 March 2027"]
        assert form.form_errors == []


def test_a_refusal_naming_no_field_is_shown_above_the_form_otherwise(app: Flask) -> None:
    with app.test_request_context("/", method="POST"):
        form = PriceForm(meta={"csrf": False})
        answer = kit.save(form, _refuse(ServiceError("Not now")), message="Saved.", to="/bid")
        assert answer is None
        assert form.form_errors == ["Not now"]
        assert not form.price.errors


def test_a_button_can_say_every_error_of_a_refusal(app: Flask) -> None:
    refusal = ServiceError("Cannot", {"a": "Write the risks.", "b": "Name the lead."})
    with app.test_request_context("/", method="POST"):
        answer = kit.act(_refuse(refusal), message="Done.", to="/plan", explain=kit.every_error)
        assert answer.location == "/plan"
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Write the risks. Name the lead.")
        ]
    with app.test_request_context("/", method="POST"):
        kit.act(_refuse(refusal), message="Done.", to="/plan")
        assert get_flashed_messages(with_categories=True) == [("error", "Cannot")]


def test_a_refusal_with_no_field_errors_is_said_by_its_message() -> None:
    assert kit.every_error(ServiceError("Write the plan first")) == "Write the plan first"
