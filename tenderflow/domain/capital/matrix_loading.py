"""Read capital-bid matrices from YAML or dicts, checking the schema and the cross-field rules."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files
from tenderflow.domain.capital.matrix import (
    CORE_FIELDS,
    DEFAULT_SPREAD_FLAG,
    TOTAL_WEIGHT,
    CapitalMatrix,
    Criterion,
    Evidence,
    Field,
    Gateway,
    MatrixError,
    Option,
    RoundRules,
)
from tenderflow.paths import SCORING_MATRICES_DIR

SCHEMA_PATH = SCORING_MATRICES_DIR / "capital-matrix.schema.json"
DEFAULT_MATRIX_PATH = SCORING_MATRICES_DIR / "capital-matrix.yaml"

# The checks each field type makes, so each needs a message in ``errors``.
_MESSAGES_NEEDED = {
    "number": ("invalid",),
    "money": ("invalid",),
    "date": ("invalid",),
    "choice": ("invalid",),
    "district": ("invalid",),
    "attachments": ("too_many", "too_large", "invalid", "empty"),
}


def _normalised(data: Any) -> Any:
    """Key descriptors by point as text, as JSON requires (YAML reads ``0:`` as an integer)."""
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        return data
    criteria = []
    for item in data["criteria"]:
        if isinstance(item, dict) and isinstance(item.get("descriptors"), dict):
            item = {**item, "descriptors": {str(k): v for k, v in item["descriptors"].items()}}
        criteria.append(item)
    return {**data, "criteria": criteria}


def fingerprint(data: Any) -> str:
    """Return a short digest of matrix data, to tell when a matrix has changed."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _duplicates(ids: list[str], what: str) -> list[str]:
    return [
        f"{what} ids must be unique: {item!r} is used {count} times"
        for item, count in Counter(ids).items()
        if count > 1
    ]


def _field(raw: dict[str, Any], errors: list[str]) -> Field:
    where = f"fields ({raw['id']})"
    kind = raw["type"]
    messages = dict(raw["errors"])
    required = raw.get("required", kind != "attachments")
    needed = list(_MESSAGES_NEEDED.get(kind, ()))
    if required:
        needed.append("required")
    if "max_length" in raw:
        needed.append("too_long")
        if kind not in ("text", "textarea"):
            errors.append(f"{where}: max_length applies only to text and textarea fields")
    if "min" in raw:
        needed.append("too_small")
    if "max" in raw:
        needed.append("too_large")
    if ("min" in raw or "max" in raw) and kind not in ("number", "money"):
        errors.append(f"{where}: min and max apply only to number and money fields")
    if "min" in raw and "max" in raw and raw["min"] > raw["max"]:
        errors.append(f"{where}: min ({raw['min']}) must not be above max ({raw['max']})")
    for key in dict.fromkeys(needed):
        if key not in messages:
            errors.append(f"{where}: give errors.{key}, the message shown when that check fails")
    if kind == "choice":
        if "options" not in raw or "widget" not in raw:
            errors.append(f"{where}: a choice field needs options and a widget (radios or select)")
        values = [o["value"] for o in raw.get("options", [])]
        errors += _duplicates(values, f"{where}: option")
    elif "options" in raw or "widget" in raw:
        errors.append(f"{where}: only choice fields have options and a widget")
    if kind == "attachments":
        if required:
            errors.append(f"{where}: attachments cannot be required")
        for key in ("max_files", "max_size_mb", "file_types"):
            if key not in raw:
                errors.append(f"{where}: an attachments field needs {key}")
    elif any(key in raw for key in ("max_files", "max_size_mb", "file_types")):
        errors.append(
            f"{where}: only attachments fields have max_files, max_size_mb and file_types"
        )
    return Field(
        id=raw["id"],
        section=raw["section"],
        label=raw["label"],
        type=kind,
        errors=messages,
        hint=raw.get("hint"),
        required=bool(required),
        max_length=raw.get("max_length"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        width=raw.get("width"),
        widget=raw.get("widget"),
        options=tuple(
            Option(o["value"], o["label"], o.get("hint")) for o in raw.get("options", [])
        ),
        max_files=raw.get("max_files"),
        max_size_mb=raw.get("max_size_mb"),
        file_types=tuple(raw.get("file_types", ())),
    )


def _core_field_errors(fields: dict[str, Field]) -> list[str]:
    errors = []
    for name, kinds in CORE_FIELDS.items():
        found = fields.get(name)
        if found is None:
            errors.append(f"fields: the service needs a field {name!r} ({' or '.join(kinds)})")
        elif found.type not in kinds:
            errors.append(
                f"fields ({name}): must be of type {' or '.join(kinds)}, not {found.type}"
            )
        elif not found.required:
            errors.append(f"fields ({name}): the service needs it, so it must be required")
    for kind in ("district", "attachments"):
        ids = [f.id for f in fields.values() if f.type == kind]
        if len(ids) > 1:
            errors.append(f"fields: only one field may be of type {kind} ({', '.join(ids)})")
    return errors


def _gateway(raw: dict[str, Any], fields: dict[str, Field], errors: list[str]) -> Gateway:
    where = f"gateways ({raw['id']})"
    conditions: dict[str, tuple[str, ...]] = {}
    for name, values in raw.get("applies_when", {}).items():
        target = fields.get(name)
        if target is None or target.type != "choice":
            errors.append(f"{where}: applies_when names {name!r}, which is not a choice field")
            continue
        offered = {o.value for o in target.options}
        unknown = [v for v in values if v not in offered]
        if unknown:
            errors.append(
                f"{where}: applies_when.{name} lists {', '.join(map(repr, unknown))}, not among "
                f"that field's options ({', '.join(sorted(offered))})"
            )
        conditions[name] = tuple(values)
    if "details_max_length" in raw and "details_too_long" not in raw["errors"]:
        errors.append(f"{where}: give errors.details_too_long, as details_max_length is set")
    return Gateway(
        id=raw["id"],
        title=raw["title"],
        question=raw["question"],
        details_label=raw["details_label"],
        errors=dict(raw["errors"]),
        hint=raw.get("hint"),
        details_max_length=raw.get("details_max_length"),
        applies_when=conditions,
        applies_hint=raw.get("applies_hint"),
    )


def _criterion(raw: dict[str, Any], low: int, high: int, errors: list[str]) -> Criterion:
    where = f"criteria ({raw['id']})"
    points = {int(k): v for k, v in raw["descriptors"].items()}
    off = sorted(p for p in points if not low <= p <= high)
    missing = [p for p in range(low, high + 1) if p not in points]
    if off:
        errors.append(f"{where}: descriptor for point {off[0]} is off the scale {low} to {high}")
    if missing:
        errors.append(
            f"{where}: give one descriptor for each point from {low} to {high} (missing "
            f"{', '.join(map(str, missing))})"
        )
    evidence = raw["evidence"]
    messages = dict(evidence["errors"])
    for key in ("required", *(("too_long",) if "max_length" in evidence else ())):
        if key not in messages:
            errors.append(f"{where}: give evidence.errors.{key}")
    return Criterion(
        id=raw["id"],
        title=raw["title"],
        weight=raw["weight"],
        guidance=raw["guidance"],
        evidence=Evidence(
            label=evidence["label"],
            errors=messages,
            hint=evidence.get("hint"),
            max_length=evidence.get("max_length"),
        ),
        descriptors=dict(sorted(points.items())),
    )


def _rules(raw: dict[str, Any], errors: list[str]) -> RoundRules:
    default = RoundRules()
    days = tuple(raw.get("reminder_days_before_deadline", default.reminder_days))
    if len(set(days)) != len(days):
        errors.append("round.reminder_days_before_deadline: each number of days only once")
    reviews = tuple(
        (item["month"], item["day"])
        for item in raw.get(
            "pipeline_reviews", [{"month": m, "day": d} for m, d in default.pipeline_reviews]
        )
    )
    for month, day in reviews:
        try:
            date(2001, month, day)  # a year that is not a leap year: every year has the date
        except ValueError:
            errors.append(
                f"round.pipeline_reviews: day {day} of month {month} is not in every year"
            )
    if len(set(reviews)) != len(reviews):
        errors.append("round.pipeline_reviews: each review date only once")
    return RoundRules(
        reminder_days=tuple(sorted(days, reverse=True)), pipeline_reviews=tuple(sorted(reviews))
    )


def _build(data: dict[str, Any]) -> tuple[CapitalMatrix, list[str]]:
    errors: list[str] = []
    low, high = data["scale"]["min"], data["scale"]["max"]
    if low >= high:
        errors.append(f"scale.min ({low}) must be below scale.max ({high})")
    fields = [_field(raw, errors) for raw in data["fields"]]
    by_id = {f.id: f for f in fields}
    errors += _duplicates([f.id for f in fields], "Field")
    errors += _core_field_errors(by_id)
    gateways = [_gateway(raw, by_id, errors) for raw in data["gateways"]]
    criteria = [_criterion(raw, low, high, errors) for raw in data["criteria"]]
    errors += _duplicates(
        [g.id for g in gateways] + [c.id for c in criteria], "Gateway and criterion"
    )
    generated = [g.answer_field for g in gateways] + [g.details_field for g in gateways]
    generated += [c.evidence_field for c in criteria]
    clashes = sorted(set(generated) & set(by_id))
    if clashes:
        errors.append(
            f"fields: {', '.join(map(repr, clashes))} clash with the fields made for gateways and "
            "criteria; choose other ids"
        )
    total = sum(c.weight for c in criteria)
    if total != TOTAL_WEIGHT:
        listed = " + ".join(f"{c.id} {c.weight}" for c in criteria)
        errors.append(f"Criteria weights must add up to {TOTAL_WEIGHT}: {listed} = {total}")
    tie_break = tuple(data.get("tie_break", []))
    known = {c.id for c in criteria}
    for item in tie_break:
        if item not in known:
            errors.append(f"tie_break: {item!r} is not a criterion")
    matrix = CapitalMatrix(
        name=data["name"],
        title=data["title"],
        version=data.get("version"),
        description=data.get("description"),
        scale_min=low,
        scale_max=high,
        spread_flag=data.get("spread_flag", DEFAULT_SPREAD_FLAG),
        tie_break=tie_break,
        rules=_rules(data.get("round", {}), errors),
        gateways=tuple(gateways),
        criteria=tuple(criteria),
        fields=tuple(fields),
        data=data,
        fingerprint=fingerprint(data),
    )
    return matrix, errors


def validate_matrix(data: Any) -> list[str]:
    """Check matrix data; return every rule it breaks (empty when it is sound)."""
    data = _normalised(data)
    errors = data_files.schema_errors(data, SCHEMA_PATH, what="matrix")
    if errors:
        return errors
    return _build(data)[1]


def parse_matrix(data: Any) -> CapitalMatrix:
    """Build a matrix from data (as loaded from YAML or kept by a round), or raise MatrixError."""
    data = data_files.check(_normalised(data), SCHEMA_PATH, what="matrix", error=MatrixError)
    matrix, errors = _build(data)
    if errors:
        raise MatrixError(errors)
    return matrix


def load_matrix(path: str | Path) -> CapitalMatrix:
    """Load and check a matrix file, raising MatrixError naming the file and every problem."""
    path = Path(path)
    shown = data_files.shown(path)
    text = data_files.read_text(path, source=shown, error=MatrixError)
    data = data_files.parse_yaml(text, source=shown, error=MatrixError)
    try:
        return parse_matrix(data)
    except MatrixError as exc:
        raise MatrixError(exc.errors, shown) from None


def default_matrix() -> CapitalMatrix:
    """Return the region's matrix from ``scoring_matrices/``, reloaded when the file changes."""
    stat = DEFAULT_MATRIX_PATH.stat()
    return _cached_default(stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _cached_default(mtime: int, size: int) -> CapitalMatrix:
    return load_matrix(DEFAULT_MATRIX_PATH)


@lru_cache(maxsize=16)
def _cached_snapshot(key: str, text: str) -> CapitalMatrix:
    return parse_matrix(json.loads(text))


def matrix_from_snapshot(data: dict[str, Any]) -> CapitalMatrix:
    """Rebuild the matrix a round kept (cached, since every page of a round needs it)."""
    text = json.dumps(data, sort_keys=True)
    return _cached_snapshot(fingerprint(data), text)
