"""The district's form, generated from the matrix, and the checks on its answers.

``form_sections`` describes the questions as plain data (the web layer renders GOV.UK
components from it; the spreadsheet template and import use the same list).
``check_answers`` checks answers from any source - a web form, a spreadsheet row - and returns
clean, JSON-ready values with one message per field that fails, in the form's order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tenderflow.domain.capital.matrix import CapitalMatrix, Field, Option
from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_gbp, parse_money

GATEWAY_SECTION = "Gateway questions"
EVIDENCE_SECTION = "Evidence for each criterion"
YES_NO = (Option("yes", "Yes"), Option("no", "No"))
# The field a draft cannot be saved without: the list of schemes is by name.
DRAFT_REQUIRED = ("scheme_name",)

_DATE_TEXT = re.compile(r"^\s*(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})\s*$")


@dataclass(frozen=True)
class Section:
    """A heading on the form and the questions under it."""

    title: str
    fields: tuple[Field, ...]


def gateway_fields(matrix: CapitalMatrix) -> list[Field]:
    """Return the yes/no question and the details box for every gateway."""
    found = []
    for gateway in matrix.gateways:
        found.append(
            Field(
                id=gateway.answer_field,
                section=GATEWAY_SECTION,
                label=gateway.question,
                hint=gateway.hint,
                type="choice",
                widget="radios",
                options=YES_NO,
                errors={
                    "required": gateway.errors["required"],
                    "invalid": gateway.errors["required"],
                },
                applies_when=gateway.applies_when,
                about=gateway.id,
            )
        )
        details_errors = {"required": gateway.errors["details_required"]}
        if "details_too_long" in gateway.errors:
            details_errors["too_long"] = gateway.errors["details_too_long"]
        found.append(
            Field(
                id=gateway.details_field,
                section=GATEWAY_SECTION,
                label=gateway.details_label,
                type="textarea",
                max_length=gateway.details_max_length,
                errors=details_errors,
                applies_when=gateway.applies_when,
                about=gateway.id,
            )
        )
    return found


def evidence_fields(matrix: CapitalMatrix) -> list[Field]:
    """Return the evidence box for every criterion."""
    return [
        Field(
            id=criterion.evidence_field,
            section=EVIDENCE_SECTION,
            label=criterion.evidence.label,
            hint=criterion.evidence.hint,
            type="textarea",
            max_length=criterion.evidence.max_length,
            errors=dict(criterion.evidence.errors),
            about=criterion.id,
        )
        for criterion in matrix.criteria
    ]


def answer_fields(matrix: CapitalMatrix) -> list[Field]:
    """Return every question answered on the form, in order (attachments are added apart)."""
    declared = [f for f in matrix.fields if f.type != "attachments"]
    return declared + gateway_fields(matrix) + evidence_fields(matrix)


def form_sections(matrix: CapitalMatrix) -> list[Section]:
    """Return the form's questions grouped under their headings, in order."""
    sections: dict[str, list[Field]] = {}
    for item in answer_fields(matrix):
        sections.setdefault(item.section, []).append(item)
    return [Section(title, tuple(items)) for title, items in sections.items()]


def attachments_field(matrix: CapitalMatrix) -> Field | None:
    """Return the matrix's attachments question, if it has one."""
    return next((f for f in matrix.fields if f.type == "attachments"), None)


# --- checking answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCheck:
    """Clean answers (JSON-ready) and a message for each field that failed, in form order."""

    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, Mapping):
        return all(_blank(v) for v in value.values())
    return isinstance(value, str) and not value.strip()


def _text(item: Field, value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").strip()
    if item.max_length is not None and len(text) > item.max_length:
        raise _Invalid("too_long")
    return text


def _in_range(item: Field, number: Decimal) -> None:
    if item.minimum is not None and number < item.minimum:
        raise _Invalid("too_small")
    if item.maximum is not None and number > item.maximum:
        raise _Invalid("too_large")


def _number(item: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid("invalid")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(re.sub(r"[\s,]", "", str(value)))
        except InvalidOperation:
            raise _Invalid("invalid") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _Invalid("invalid")
    if number < 0 and item.minimum is None:
        raise _Invalid("invalid")
    _in_range(item, number)
    return int(number)


def _money(item: Field, value: Any) -> str:
    if isinstance(value, bool):
        raise _Invalid("invalid")
    text = str(Decimal(str(value))) if isinstance(value, int | float | Decimal) else str(value)
    negative = text.strip().startswith("-")
    try:
        amount = parse_money(text.lstrip().lstrip("-") if negative else text)
    except ValueError:
        raise _Invalid("invalid") from None
    if negative and amount != 0:
        raise _Invalid("too_small" if item.minimum is not None else "invalid")
    _in_range(item, amount)
    return f"{amount:.2f}"


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        found = value
    else:
        if isinstance(value, Mapping):
            parts = [str(value.get(k) or "").strip() for k in ("day", "month", "year")]
        else:
            text = str(value).strip()
            if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                try:
                    return date.fromisoformat(text).isoformat()
                except ValueError:
                    raise _Invalid("invalid") from None
            match = _DATE_TEXT.match(text)
            if not match:
                raise _Invalid("invalid")
            parts = list(match.groups())
        if not all(p.isdigit() for p in parts):
            raise _Invalid("invalid")
        day, month, year = (int(p) for p in parts)
        try:
            found = date(year, month, day)
        except ValueError:
            raise _Invalid("invalid") from None
    if not 1900 <= found.year <= 2200:
        raise _Invalid("invalid")
    return found.isoformat()


def _choice(item: Field, value: Any) -> str:
    text = str(value).strip()
    for option in item.options:
        if text == option.value or text.lower() in (option.value, option.label.lower()):
            return option.value
    raise _Invalid("invalid")


def _district(value: Any, districts: Mapping[str, str]) -> str:
    text = str(value).strip()
    for code, name in districts.items():
        if text.lower() in (code, name.lower()):
            return code
    raise _Invalid("invalid")


def _clean(item: Field, value: Any, districts: Mapping[str, str]) -> Any:
    if item.type in ("text", "textarea"):
        return _text(item, value)
    if item.type == "number":
        return _number(item, value)
    if item.type == "money":
        return _money(item, value)
    if item.type == "date":
        return _date(value)
    if item.type == "choice":
        return _choice(item, value)
    if item.type == "district":
        return _district(value, districts)
    raise _Invalid("invalid")


def check_answers(
    matrix: CapitalMatrix,
    answers: Mapping[str, Any],
    *,
    complete: bool,
    districts: Mapping[str, str],
) -> AnswerCheck:
    """Check answers against the matrix's questions.

    ``complete`` asks for every required answer (submission); otherwise only a draft's scheme
    name is needed. ``districts`` maps the district codes allowed to their names. Questions
    for a gateway that does not apply to the scheme are dropped.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    fields = answer_fields(matrix)
    for item in fields:
        if item.applies_when:
            continue  # checked below, once the answers they depend on are known
        _check_one(item, answers.get(item.id), complete, districts, values, errors)
    for item in fields:
        if not item.applies_when:
            continue
        if all(values.get(name) in allowed for name, allowed in item.applies_when.items()):
            _check_one(item, answers.get(item.id), complete, districts, values, errors)
    order = {item.id: index for index, item in enumerate(fields)}
    return AnswerCheck(
        values={k: values[k] for k in sorted(values, key=order.__getitem__)},
        errors={k: errors[k] for k in sorted(errors, key=order.__getitem__)},
    )


def _check_one(
    item: Field,
    raw: Any,
    complete: bool,
    districts: Mapping[str, str],
    values: dict[str, Any],
    errors: dict[str, str],
) -> None:
    if _blank(raw):
        needed = item.required and (complete or item.id in DRAFT_REQUIRED)
        if needed:
            errors[item.id] = item.errors["required"]
        return
    try:
        values[item.id] = _clean(item, raw, districts)
    except _Invalid as problem:
        errors[item.id] = item.errors.get(problem.key) or item.errors.get(
            "invalid", "Check this answer"
        )


# --- showing answers -------------------------------------------------------------------------


def answer_text(item: Field, value: Any, districts: Mapping[str, str] | None = None) -> str:
    """Return an answer as people read it: labels for codes, pounds, dates in words."""
    if value is None or value == "":
        return ""
    if item.type == "money":
        return format_gbp(Decimal(str(value)))
    if item.type == "date":
        return long_date(date.fromisoformat(str(value)))
    if item.type == "choice":
        return item.option_label(str(value))
    if item.type == "district":
        return (districts or {}).get(str(value), str(value))
    return str(value)


def gateways_answered_no(matrix: CapitalMatrix, values: Mapping[str, Any]) -> list[str]:
    """Return the titles of applicable gateways the district answered "no" to."""
    return [
        gateway.title
        for gateway in matrix.applicable_gateways(values)
        if values.get(gateway.answer_field) == "no"
    ]
