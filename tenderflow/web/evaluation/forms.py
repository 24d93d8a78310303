"""The evaluation's forms: fixed ones, and those built from the model, a field per bid.

The score grids, the consensus grid, the pass/fail answers and the conflict declaration have
a field per bid (and question), named as the page always named them (``score-<bid id>``); they
are built at request time by :func:`built`. An error about a whole part of the page (``scores``,
``model``) sits on an :class:`Anchor`, so the error summary links to that part.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from tenderflow.services import ServiceError
from tenderflow.services.evaluation import model_versions as models
from tenderflow.services.evaluation import panel as panel_service
from tenderflow.web.forms import apply_errors

MAX_MODEL_BYTES = 200_000
MAX_WORKBOOK_BYTES = 5_000_000


class Anchor(Field):
    """A part of the page an error about the whole form links to; it takes no input."""

    def __call__(self, **kwargs: Any) -> Markup:
        return Markup(f'<div id="{self.id}"></div>')

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None

    def _value(self) -> str:
        return ""


def built(name: str, fields: Mapping[str, UnboundField], **kwargs: Any) -> Any:
    """Build a form class at request time with these fields, in this order, and fill it in."""
    return type(name, (FlaskForm,), dict(fields))(**kwargs)


def posted(field: Field) -> bool:
    """Say whether the browser sent this field at all."""
    return bool(field.raw_data)


def sent(field: Field) -> str:
    """What the browser sent for this field, or an empty string if it sent nothing."""
    return str(field.raw_data[0]) if field.raw_data else ""


def first_error(form: Any, name: str, message: str) -> None:
    """Put ``message`` on the field unless the field already shows an error."""
    field = form._fields.get(name)
    if field is None or not field.errors:
        apply_errors(form, {name: message})


def text(label: str = "", hint: str = "", **kwargs: Any) -> UnboundField:
    return StringField(label, description=hint, widget=GovTextInput(), **kwargs)


def textarea(label: str = "", hint: str = "", **kwargs: Any) -> UnboundField:
    return TextAreaField(label, description=hint, widget=GovTextArea(), **kwargs)


def radios(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> UnboundField:
    return RadioField(
        label, choices=choices, validate_choice=False, widget=GovRadioInput(), **kwargs
    )


class ModelForm(FlaskForm):
    """Choose a ready-made model or upload one; or publish the model, or its guidance."""

    action = HiddenField()
    ready_made = StringField("Ready-made model")
    upload = FileField("Upload a model (YAML)", widget=GovFileInput())
    reason = textarea(
        "Reason for the change (optional)",
        "Before the tender deadline a change is published to every bidder again",
    )
    model = Anchor()

    chosen_source = ""
    chosen_text = ""

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        upload = self.upload.data
        if upload is not None and getattr(upload, "filename", None):
            data = upload.read(MAX_MODEL_BYTES + 1)
            if len(data) > MAX_MODEL_BYTES:
                apply_errors(self, {"upload": "The model file must be smaller than 200 KB"})
                return False
            try:
                self.chosen_source, self.chosen_text = "uploaded", data.decode("utf-8-sig")
            except UnicodeDecodeError:
                apply_errors(self, {"upload": "The model file must be YAML saved as UTF-8 text"})
                return False
            return True
        name = self.ready_made.data or ""
        if not name:
            apply_errors(self, {"ready_made": "Select a ready-made model or upload a YAML file"})
            return False
        try:
            self.chosen_source, self.chosen_text = name, models.ready_made_text(name)
        except ServiceError as exc:  # a lookup, not a change: it names an unknown model
            apply_errors(self, exc.errors)
            return False
        return True


class PanelForm(FlaskForm):
    """Add a person to the panel, as an evaluator or a moderator."""

    user_id = SelectField("Person", choices=[], validate_choice=False, widget=GovSelect())
    role = radios(
        "Role on the panel",
        [
            ("evaluator", "Evaluator: scores the criteria assigned"),
            ("moderator", "Moderator: agrees consensus scores"),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        role = self.role.data or ""
        if role not in panel_service.PANEL_ROLES:
            apply_errors(self, {"role": "Select whether they evaluate or moderate"})
            return False
        if not (self.user_id.data or "").isdigit():
            apply_errors(self, {"user_id": f"Select a {role} to add"})
            return False
        return True


class MemberForm(FlaskForm):
    """The sections and criteria an evaluator scores; or take them off the panel."""

    action = HiddenField()
    sections = SelectMultipleField(choices=[], validate_choice=False)
    criteria = SelectMultipleField(choices=[], validate_choice=False)
    member = Anchor()


class ConfidentialityForm(FlaskForm):
    agree = StringField()

    def validate_agree(self, field: Field) -> None:
        if field.data != "yes":
            raise ValidationError("Confirm that you agree to keep the evaluation confidential")


class SubmitForm(FlaskForm):
    opened = HiddenField()  # a form without it is checked on write only
    scores = Anchor()


class ImportForm(FlaskForm):
    """A scoring workbook, and whether to submit its scores on import."""

    workbook = FileField("Scoring workbook (.xlsx)", widget=GovFileInput())
    submit_scores = StringField()

    content = b""

    def validate_workbook(self, field: Field) -> None:
        upload = field.data
        data = upload.read(MAX_WORKBOOK_BYTES + 1) if upload and upload.filename else b""
        if not data:
            raise ValidationError("Select the scoring workbook to upload")
        if len(data) > MAX_WORKBOOK_BYTES:
            raise ValidationError("The workbook must be smaller than 5 MB")
        self.content = data


class QueryForm(FlaskForm):
    """Raise a moderation query, about a bid or a criterion if need be."""

    question = textarea("Query")
    bid = SelectField("Bid (optional)", choices=[], validate_choice=False, widget=GovSelect())
    criterion = SelectField(
        "Criterion (optional)", choices=[], validate_choice=False, widget=GovSelect()
    )


class ResolveForm(FlaskForm):
    resolution = textarea("How was it resolved?")
