"""Turn the matrix's plain field descriptions into GOV.UK component parameters, and back.

``component`` returns (macro name, parameters) for one field with its value and error; the
template's ``field`` macro calls the GOV.UK macro named. ``answers_from`` reads a posted form
into the answers the domain checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from tenderflow.domain.capital import Field, Section

WIDTHS = {"2", "3", "4", "5", "10", "20", "30"}


def _width(item: Field) -> str:
    if item.width in WIDTHS:
        return f"govuk-input--width-{item.width}"
    if item.width:
        return f"govuk-!-width-{item.width}"
    return ""


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {k: str(value.get(k) or "") for k in ("day", "month", "year")}
    if value:
        try:
            found = date.fromisoformat(str(value))
        except ValueError:
            return {"day": "", "month": "", "year": ""}
        return {"day": str(found.day), "month": str(found.month), "year": str(found.year)}
    return {"day": "", "month": "", "year": ""}


def error_href(item: Field) -> str:
    """Return the anchor an error summary links to for a field."""
    return f"#{item.id}-day" if item.type == "date" else f"#{item.id}"


def component(
    item: Field, value: Any, error: str | None, hint: str | None = None, rows: int = 5
) -> tuple[str, dict[str, Any]]:
    """Return the GOV.UK macro to render a field with, and its parameters."""
    hint_text = hint or item.hint
    params: dict[str, Any] = {"id": item.id, "name": item.id}
    if hint_text:
        params["hint"] = {"text": hint_text}
    if error:
        params["errorMessage"] = {"text": error}
    legend = {"text": item.label, "classes": "govuk-fieldset__legend--s"}
    if item.type == "choice" and item.widget == "radios":
        params.pop("id")
        params.update(
            idPrefix=item.id,
            fieldset={"legend": legend},
            items=[
                {
                    "value": o.value,
                    "text": o.label,
                    "checked": str(value) == o.value,
                    **({"hint": {"text": o.hint}} if o.hint else {}),
                }
                for o in item.options
            ],
        )
        if len(item.options) == 2 and all(len(o.label) < 6 for o in item.options):
            params["classes"] = "govuk-radios--inline"
        return "govukRadios", params
    label = {"text": item.label, "classes": "govuk-label--s"}
    if item.type == "choice":
        params.update(
            label=label,
            items=[{"value": "", "text": "Select an answer"}]
            + [
                {"value": o.value, "text": o.label, "selected": str(value) == o.value}
                for o in item.options
            ],
        )
        return "govukSelect", params
    if item.type == "date":
        parts = _date_parts(value)
        params.pop("name")
        params.update(
            namePrefix=item.id,
            fieldset={"legend": legend},
            items=[
                {
                    "name": "day",
                    "classes": "govuk-input--width-2" + (" govuk-input--error" if error else ""),
                    "value": parts["day"],
                },
                {
                    "name": "month",
                    "classes": "govuk-input--width-2" + (" govuk-input--error" if error else ""),
                    "value": parts["month"],
                },
                {
                    "name": "year",
                    "classes": "govuk-input--width-4" + (" govuk-input--error" if error else ""),
                    "value": parts["year"],
                },
            ],
        )
        return "govukDateInput", params
    text = "" if value is None else str(value)
    params.update(label=label, value=text)
    if item.type == "textarea":
        params["rows"] = rows
        if item.max_length:
            params["maxlength"] = item.max_length
            return "govukCharacterCount", params
        return "govukTextarea", params
    params["classes"] = _width(item)
    if item.type == "number":
        params["inputmode"] = "numeric"
    elif item.type == "money":
        params.update(inputmode="decimal", prefix={"text": "£"}, spellcheck=False)
    return "govukInput", params


def rendered(
    sections: Sequence[Section],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    skip: Iterable[str] = (),
    hints: Mapping[str, str] | None = None,
    textarea_rows: int = 5,
) -> list[dict[str, Any]]:
    """Return each section's title and its fields' components, for the template."""
    skipped = set(skip)
    found = []
    for section in sections:
        items = []
        for item in section.fields:
            if item.id in skipped:
                continue
            macro, params = component(
                item,
                values.get(item.id),
                errors.get(item.id),
                (hints or {}).get(item.id),
                textarea_rows,
            )
            items.append({"field": item, "macro": macro, "params": params})
        if items:
            found.append({"title": section.title, "fields": items})
    return found


def error_list(sections: Sequence[Section], errors: Mapping[str, str]) -> list[dict[str, str]]:
    """Return the error summary's list, in the order the form asks its questions."""
    by_id = {item.id: item for section in sections for item in section.fields}
    listed = [
        {
            "text": message,
            "href": error_href(by_id[field_id]) if field_id in by_id else f"#{field_id}",
        }
        for field_id, message in errors.items()
    ]
    order = {item_id: index for index, item_id in enumerate(by_id)}
    return sorted(
        listed, key=lambda e: order.get(e["href"].lstrip("#").removesuffix("-day"), len(order))
    )


def answers_from(form: Mapping[str, str], sections: Sequence[Section]) -> dict[str, Any]:
    """Read a posted form into answers keyed by field id (a date as its three parts)."""
    answers: dict[str, Any] = {}
    for section in sections:
        for item in section.fields:
            if item.type == "date":
                answers[item.id] = {
                    part: form.get(f"{item.id}-{part}", "") for part in ("day", "month", "year")
                }
            elif item.id in form:
                answers[item.id] = form.get(item.id, "")
    return answers
