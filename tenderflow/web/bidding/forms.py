"""What the bidding pages share: a date-and-time form, a button's form, and the form page.

The bidders, bids and clarifications pages (and the Act's gates and the notices) use these;
none of them imports another page's module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import StringField

from tenderflow import clock
from tenderflow.domain.bidding import parse_time_of_day
from tenderflow.models import Procurement
from tenderflow.web.forms import GovDateField


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, or None for the empty choice."""
    return int(value) if value not in (None, "") else None


class WhenForm(FlaskForm):
    """A form with an optional date and time, left blank for now."""

    def instant(self, date_field: GovDateField, time_field: StringField) -> datetime | None:
        """Return the UTC instant entered in the date and time boxes, or None for now."""
        if date_field.data is None:
            if (time_field.data or "").strip():
                date_field.errors = [
                    *date_field.errors,
                    f"Enter the {date_field.label.text.lower()}",
                ]
                raise ValueError
            return None
        text = (time_field.data or "").strip() or "12:00"
        try:
            moment = parse_time_of_day(text)
        except ValueError:
            time_field.errors = [*time_field.errors, "Enter a real time, for example 14:30"]
            raise
        return datetime.combine(date_field.data, moment, clock.LONDON).astimezone(UTC)


class ActionForm(FlaskForm):
    """A button that only posts (the CSRF token and nothing else)."""


def render_form(
    procurement: Procurement, form: FlaskForm, heading: str, back: str, **extra: Any
) -> str:
    """Render a GOV.UK form page for one of the bidding journeys."""
    return render_template(
        extra.pop("template", "bidding/form.html"),
        procurement=procurement,
        form=form,
        heading=heading,
        back_url=back,
        **extra,
    )
