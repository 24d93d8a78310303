"""WTForms forms made from the capital-bid matrix's questions.

``matrix_form`` turns sections of plain field descriptions (the district's form, the SP
team's score sheet, the agreement form) into a FlaskForm subclass whose fields render with
govuk-frontend-wtf's GOV.UK widgets. The fields do not validate: the services check the
answers against the matrix, and ``MatrixForm.show_errors`` puts their messages back on the
fields, so ``wtforms_errors`` lists them in the order the form asks its questions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field as WTField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.utils import unset_value

from tenderflow.domain.capital import Field, Section

WIDTHS = {"2", "3", "4", "5", "10", "20", "30"}
DATE_PARTS = ("day", "month", "year")


def _width(item: Field) -> str:
    if item.width in WIDTHS:
        return f"govuk-input--width-{item.width}"
    if item.width:
        return f"govuk-!-width-{item.width}"
    return ""


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {k: str(value.get(k) or "") for k in DATE_PARTS}
    if value:
        try:
            found = date.fromisoformat(str(value))
        except ValueError:
            return dict.fromkeys(DATE_PARTS, "")
        return {"day": str(found.day), "month": str(found.month), "year": str(found.year)}
    return dict.fromkeys(DATE_PARTS, "")


# --- widgets: govuk-frontend-wtf's, given each field's own GOV.UK parameters ------------------


class _OwnParams:
    """Pass the field's GOV.UK parameters (a fresh copy: the widgets change what they get)."""

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs["params"] = copy.deepcopy(kwargs.get("params", {}))
        return super().__call__(field, **kwargs)  # type: ignore[misc]


class MatrixInput(_OwnParams, GovTextInput):
    """A text, number or money question."""


class MatrixTextArea(_OwnParams, GovTextArea):
    """A long answer without a limit."""


class MatrixCharacterCount(_OwnParams, GovCharacterCount):
    """A long answer with a limit, counted as it is typed."""


class Radios(_OwnParams, GovRadioInput):
    """Radios; a question without a hint shows none (not an empty one)."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> Any:
        params = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)
        return params


class MatrixSelect(_OwnParams, GovSelect):
    """A choice shown as a list, which starts with "Select an answer"."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> Any:
        params = super().map_gov_params(field, **kwargs)
        params["items"] = [{"value": "", "text": "Select an answer"}, *params["items"]]
        return params


class MatrixDate(_OwnParams, GovDateInput):
    """A date as day, month and year boxes, posted as ``<id>-day``, ``<id>-month``, ``<id>-year``."""

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs["id"] = field.name  # the field's own id names its first box, for error links
        return super().__call__(field, **kwargs)

    def map_gov_params(self, field: Any, **kwargs: Any) -> Any:
        params = GovFormBase.map_gov_params(self, field, **kwargs)
        for key in ("name", "label", "value", "attributes"):
            params.pop(key, None)
        if params.get("hint") is None:
            params.pop("hint", None)
        error = " govuk-input--error" if field.errors else ""
        parts = _date_parts(field.data)
        params["namePrefix"] = field.name
        params["items"] = [
            {"name": part, "classes": f"govuk-input--width-{width}{error}", "value": parts[part]}
            for part, width in zip(DATE_PARTS, ("2", "2", "4"), strict=True)
        ]
        return params


# --- fields ----------------------------------------------------------------------------------


class DateParts(WTField):
    """A date question's answer: its day, month and year as typed (or from an ISO date)."""

    widget = MatrixDate()

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(None, data, extra_filters)
        if formdata is not None:
            self.data = {part: formdata.get(f"{self.name}-{part}", "") for part in DATE_PARTS}
            self.raw_data = [self.data[part] for part in DATE_PARTS]

    def _value(self) -> str:
        return ""


def _field(item: Field, hint: str | None, rows: int) -> Any:
    """Return the unbound WTForms field asking the matrix's question ``item``."""
    description = hint or item.hint or ""
    label = {"text": item.label, "classes": "govuk-label--s"}
    legend = {"legend": {"text": item.label, "classes": "govuk-fieldset__legend--s"}}
    if item.type == "choice" and item.widget == "radios":
        params: dict[str, Any] = {
            "idPrefix": item.id,
            "fieldset": legend,
            "items": [{"hint": {"text": o.hint}} if o.hint else {} for o in item.options],
        }
        if len(item.options) == 2 and all(len(o.label) < 6 for o in item.options):
            params["classes"] = "govuk-radios--inline"
        return RadioField(
            item.label,
            choices=[(o.value, o.label) for o in item.options],
            validate_choice=False,
            description=description,
            widget=Radios(),
            render_kw={"params": params},
        )
    if item.type == "choice":
        return SelectField(
            item.label,
            choices=[(o.value, o.label) for o in item.options],
            validate_choice=False,
            description=description,
            widget=MatrixSelect(),
            render_kw={"params": {"label": label}},
        )
    if item.type == "date":
        return DateParts(
            item.label,
            id=f"{item.id}-day",
            description=description,
            render_kw={"params": {"fieldset": legend}},
        )
    if item.type == "textarea":
        params = {"label": label, "rows": rows}
        if item.max_length:
            params["maxlength"] = item.max_length
            widget: Any = MatrixCharacterCount()
        else:
            widget = MatrixTextArea()
        return TextAreaField(
            item.label, description=description, widget=widget, render_kw={"params": params}
        )
    params = {"label": label, "classes": _width(item)}
    if item.type == "number":
        params["inputmode"] = "numeric"
    elif item.type == "money":
        params.update(inputmode="decimal", prefix={"text": "£"}, spellcheck=False)
    return StringField(
        item.label, description=description, widget=MatrixInput(), render_kw={"params": params}
    )


class MatrixForm(FlaskForm):
    """A form generated from the matrix: its questions by section, answered and shown again.

    Errors the service gives for something the form does not ask (a key that is no field) are
    listed after the fields', linking to ``#key``.
    """

    sections_asked: tuple[tuple[str, tuple[Field, ...]], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.other_errors: dict[str, str] = {}

    @property
    def asked(self) -> list[str]:
        """Every question's field name, in the order asked."""
        return [item.id for _, items in self.sections_asked for item in items]

    def answers(self) -> dict[str, Any]:
        """Return the posted answers by field id: a date as its three parts, and only what
        was posted (a question the page did not show is left out)."""
        found: dict[str, Any] = {}
        for name in self.asked:
            field = self[name]
            if isinstance(field, DateParts):
                found[name] = dict(field.data or _date_parts(None))
            elif field.raw_data:
                found[name] = field.data
        return found

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Put the service's messages on the fields they are about."""
        for name, message in errors.items():
            if name in self._fields and name in self.asked:
                field = self[name]
                field.errors = [*list(field.errors), message]
            else:
                self.other_errors[name] = message

    @property
    def errors(self) -> dict[Any, Any]:
        return {**super().errors, **{k: [v] for k, v in self.other_errors.items()}}

    def sections(self, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Return each section's title, its bound fields and the matrix's questions they ask,
        leaving out ``skip``."""
        skipped = set(skip)
        found = []
        for title, items in self.sections_asked:
            questions = [item for item in items if item.id not in skipped]
            if questions:
                found.append(
                    {
                        "title": title,
                        "fields": [self[item.id] for item in questions],
                        "questions": questions,
                    }
                )
        return found


F = TypeVar("F", bound=MatrixForm)


def matrix_form(
    sections: Sequence[Section],
    *,
    base: type[F],
    hints: Mapping[str, str] | None = None,
    textarea_rows: int = 5,
) -> type[F]:
    """Return a subclass of ``base`` asking the sections' questions, in order.

    ``hints`` replaces the matrix's hint for some questions; ``textarea_rows`` sizes the long
    answers.
    """
    attributes: dict[str, Any] = {}
    for section in sections:
        for item in section.fields:
            if hasattr(base, item.id):
                raise ValueError(f"The matrix's field id {item.id!r} is taken by the form")
            attributes[item.id] = _field(item, (hints or {}).get(item.id), textarea_rows)
    attributes["sections_asked"] = tuple((section.title, section.fields) for section in sections)
    return type("GeneratedMatrixForm", (base,), attributes)


def filled(form_class: type[F], values: Mapping[str, Any]) -> F:
    """Return the form: what was posted, or else ``values`` to show."""
    form = form_class()
    if not form.is_submitted():
        form.process(data=dict(values))
    return form
