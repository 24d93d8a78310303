"""The fields the contract forms are made of, each with its GOV.UK widget and messages.

A field given ``required`` (the message when it is left empty) must be answered; without it
the field is optional.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderflow.web.forms import GovDateField


def _answer(required: str | None) -> list[Any]:
    return [InputRequired(required)] if required else [Optional()]


def text(
    label: str,
    required: str | None = None,
    *,
    max_length: int | None = None,
    too_long: str | None = None,
    description: str = "",
) -> Any:
    """A line of text, at most ``max_length`` characters ("Enter up to N characters")."""
    validators = _answer(required)
    if max_length is not None:
        message = too_long or f"Enter up to {max_length} characters"
        validators.append(Length(max=max_length, message=message))
    return StringField(label, description=description, widget=GovTextInput(), validators=validators)


def area(label: str, required: str | None = None, *, description: str = "") -> Any:
    """A box of text."""
    return TextAreaField(
        label, description=description, widget=GovTextArea(), validators=_answer(required)
    )


def date(label: str, required: str | None = None, *, description: str = "") -> Any:
    """A date in day, month and year boxes; a date that is not real is named by its label."""
    return GovDateField(
        label,
        invalid=f"{label.removesuffix(' (optional)')} must be a real date",
        description=description,
        validators=_answer(required),
    )


def year(label: str = "Year") -> Any:
    """A year, like 2026."""
    return IntegerField(
        label, widget=GovTextInput(), validators=[InputRequired("Enter the year, like 2026")]
    )


def choice(label: str, choices: Any, required: str) -> Any:
    """One of ``choices`` (pairs of value and text), as radio buttons."""
    return RadioField(
        label, choices=list(choices), widget=GovRadioInput(), validators=[InputRequired(required)]
    )


def submit(label: str) -> Any:
    """The form's button."""
    return SubmitField(label, widget=GovSubmitInput())


def form(name: str, fields: Iterable[tuple[str, Any]]) -> Any:
    """A form of ``fields`` (pairs of name and field, in order): for one whose fields vary."""
    return type(name, (FlaskForm,), dict(fields))()
