"""Form helpers shared by the journeys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, Field, StringField
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, StopValidation, ValidationError

from tenderflow.domain.money import parse_money

# A yes-or-no question's choices; and with "Not known", where the answer may not be known yet.
YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [*YES_NO, ("unknown", "Not known")]


def answer_of(choice: str | None) -> bool | None:
    """Return the answer a yes-or-no choice gave: True, False, or None (none, or not known)."""
    return {"yes": True, "no": False}.get(choice or "")


def choice_for(answer: bool | None, unknown: str | None = None) -> str | None:
    """Return the choice that shows ``answer``; ``unknown`` where the answer is not known."""
    return unknown if answer is None else ("yes" if answer else "no")


class MoneyField(StringField):
    """A pounds-and-pence field whose data is a Decimal."""

    def __init__(self, label: str, missing: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.missing = missing
        self.amount: Decimal | None = None

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").strip()
        if not text:
            raise ValidationError(self.missing)
        try:
            self.amount = parse_money(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def apply_errors(form: Any, errors: dict[str, str]) -> None:
    """Show service-level errors against the form's fields (or the form as a whole)."""
    for name, message in errors.items():
        field: Field | None = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), message]
        else:
            form.form_errors.append(message)


class NamedDateInput(GovDateInput):
    """A date input whose day, month and year boxes say what they are the date of.

    A form with two dates then has no two boxes labelled just "Day".
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def map_gov_params(self, field: Any, **kwargs: Any) -> Any:
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            item["label"] = f"{item['label']} of the {self.what}"
        return params


class GovDateField(DateField):
    """A date entered as day, month and year boxes, all posted under the field's name."""

    def __init__(self, label: str, invalid: str, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%d %m %Y")
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, **kwargs)
        self.invalid = invalid

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        # The widget unpacks exactly three values; anything else means nothing usable was sent.
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = None

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) != 3 or not any(v.strip() for v in valuelist):
            self.data = None
            return
        day, month, year = (v.strip() for v in valuelist)
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self.data = None
            raise ValueError(self.invalid) from None
        if not 1900 <= self.data.year <= 2200:
            self.data = None
            raise ValueError(self.invalid)

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.process_errors:
            for validator in self.validators:
                if isinstance(validator, InputRequired):
                    raise StopValidation(validator.message)


def audit_lost_race(
    message: str, entity: str, entity_id: str | int, procurement_id: int | None = None
) -> None:
    """After rolling back a write refused because the record changed since the form was
    opened, keep that refusal in the audit log (and nothing else)."""
    from tenderflow.extensions import db
    from tenderflow.services.concurrency import keep_lost_race

    keep_lost_race(db.session, message, entity, entity_id, procurement_id)
