"""Read evaluation models from YAML or dicts, checking the schema and the cross-field rules."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tenderflow.domain import data_files
from tenderflow.domain.evaluation.model import (
    DEFAULT_SCALE,
    DEFAULT_SPREAD_FLAG,
    TOTAL_WEIGHT,
    Criterion,
    EvaluationModel,
    ModelError,
    Moderation,
    PassFailQuestion,
    PriceRule,
    Scale,
    ScalePoint,
    Section,
    plain,
)
from tenderflow.paths import SCORING_MATRICES_DIR

SCHEMA_PATH = SCORING_MATRICES_DIR / "evaluation-model.schema.json"
MODELS_DIR = SCORING_MATRICES_DIR / "models"
DEFAULT_NAME = "evaluation-model"


def _normalised(data: Any) -> Any:
    """Key descriptors by point as text, as JSON requires: YAML reads ``0: Poor`` with an
    integer key, and a plain list of descriptors is taken to run from the scale's minimum."""
    if isinstance(data, dict) and isinstance(data.get("scale"), dict):
        scale = dict(data["scale"])
        descriptors = scale.get("descriptors")
        if isinstance(descriptors, list) and isinstance(scale.get("min"), int):
            descriptors = dict(enumerate(descriptors, start=scale["min"]))
        if isinstance(descriptors, dict):
            scale["descriptors"] = {str(k): v for k, v in descriptors.items()}
        data = {**data, "scale": scale}
    return data


def _decimal(value: Any) -> Decimal:
    # str() first: a YAML float such as 12.5 is read as the text written, not its binary value.
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    return number


def _kind(raw: dict[str, Any]) -> str:
    if "kind" in raw:
        return str(raw["kind"])
    # A model written without kinds still gets its social-value warning right.
    name = raw["name"].lower()
    if "social value" in name or "social-value" in name:
        return "social-value"
    return "interview" if "interview" in name else "quality"


def _scale(raw: dict[str, Any] | None, errors: list[str]) -> Scale:
    if raw is None:
        return DEFAULT_SCALE
    low, high = raw["min"], raw["max"]
    if low >= high:
        errors.append(f"scale.min ({low}) must be below scale.max ({high})")
        return DEFAULT_SCALE
    points: dict[int, ScalePoint] = {}
    for key, value in raw.get("descriptors", {}).items():
        if isinstance(value, str):
            points[int(key)] = ScalePoint(value)
        else:
            points[int(key)] = ScalePoint(value["label"], value.get("description"))
    if raw.get("descriptors") is None and (low, high) == (DEFAULT_SCALE.min, DEFAULT_SCALE.max):
        points = dict(DEFAULT_SCALE.descriptors)
    elif points:
        off = sorted(p for p in points if not low <= p <= high)
        missing = [p for p in range(low, high + 1) if p not in points]
        if off:
            errors.append(f"scale.descriptors: point {off[0]} is off the scale {low} to {high}")
        if missing:
            listed = ", ".join(str(p) for p in missing)
            errors.append(
                f"scale.descriptors: give one descriptor for each point from {low} to {high} "
                f"(missing {listed})"
            )
    return Scale(low, high, points)


def _sections(raw: list[dict[str, Any]], scale: Scale, errors: list[str]) -> tuple[Section, ...]:
    sections = []
    for s_index, raw_section in enumerate(raw):
        kind = _kind(raw_section)
        criteria = []
        for c_index, item in enumerate(raw_section["criteria"]):
            where = f"sections[{s_index}].criteria[{c_index}] ({item['id']})"
            weight = _decimal(item["weight"])
            if weight <= 0:
                errors.append(f"{where}: weight must be more than 0")
            minimum = _decimal(item["minimum"]) if "minimum" in item else None
            if minimum is not None and not scale.contains(minimum):
                errors.append(f"{where}: minimum {plain(minimum)} is off the scale {scale.label}")
            criteria.append(
                Criterion(
                    id=str(item["id"]),
                    title=item["title"],
                    weight=weight,
                    minimum=minimum,
                    guidance=item.get("guidance"),
                    section=raw_section["name"],
                    kind=kind,
                )
            )
        declared = _decimal(raw_section["weight"]) if "weight" in raw_section else None
        section = Section(
            name=raw_section["name"],
            kind=kind,
            criteria=tuple(criteria),
            description=raw_section.get("description"),
            declared_weight=declared,
        )
        if declared is not None and declared != section.weight:
            errors.append(
                f"Section weight must equal the sum of its criteria: {section.name!r} is "
                f"weighted {plain(declared)} but its criteria add up to {plain(section.weight)}"
            )
        sections.append(section)
    return tuple(sections)


def _price(raw: dict[str, Any], quality: Decimal, errors: list[str]) -> PriceRule:
    parameters = {key: _decimal(value) for key, value in raw.get("parameters", {}).items()}
    formula = raw["formula"]
    needed = {"budget": ["budget"], "benchmark": ["benchmark", "zero_at_percent_above"]}
    for key in needed.get(formula, []):
        if key not in parameters:
            errors.append(f"price: the {formula} formula needs price.parameters.{key}")
        elif parameters[key] <= 0:
            errors.append(f"price.parameters.{key} must be more than 0")
    if formula == "price-per-quality-point" and quality == 0:
        errors.append("price: the price-per-quality-point formula needs some quality weight")
    percent = raw.get("abnormally_low_percent")
    low = _decimal(percent) if percent is not None else None
    if low is not None and not 0 < low < 100:
        errors.append("price.abnormally_low_percent must be more than 0 and less than 100")
    return PriceRule(
        weight=_decimal(raw["weight"]),
        formula=formula,
        parameters=parameters,
        abnormally_low_percent=low,
        guidance=raw.get("guidance"),
    )


def _build(data: dict[str, Any], default_name: str) -> tuple[EvaluationModel, list[str]]:
    errors: list[str] = []
    scale = _scale(data.get("scale"), errors)
    sections = _sections(data["sections"], scale, errors)
    pass_fail = tuple(
        PassFailQuestion(str(q["id"]), q["title"], q.get("guidance"))
        for q in data.get("pass_fail", [])
    )
    names = Counter(s.name for s in sections)
    for name, count in names.items():
        if count > 1:
            errors.append(f"Section names must be unique: {name!r} is used {count} times")
    ids = Counter([c.id for s in sections for c in s.criteria] + [q.id for q in pass_fail])
    for item_id, count in ids.items():
        if count > 1:
            errors.append(
                f"Criterion and pass/fail question ids must be unique: {item_id!r} is used "
                f"{count} times"
            )
    quality = sum((s.weight for s in sections), Decimal(0))
    price = _price(data["price"], quality, errors)
    if quality + price.weight != TOTAL_WEIGHT:
        errors.append(
            f"Weights must add up to {plain(TOTAL_WEIGHT)}: criteria {plain(quality)} + price "
            f"{plain(price.weight)} = {plain(quality + price.weight)}"
        )
    spread = _decimal(data.get("moderation", {}).get("spread_flag", DEFAULT_SPREAD_FLAG))
    if spread <= 0:
        errors.append("moderation.spread_flag must be more than 0")
    name = data.get("name", default_name)
    model = EvaluationModel(
        name=name,
        title=data.get("title", name),
        scale=scale,
        sections=sections,
        pass_fail=pass_fail,
        price=price,
        moderation=Moderation(spread),
        tie_break=data.get("tie_break", "higher-quality"),
        description=data.get("description"),
    )
    return model, errors


def validate_model(data: Any) -> tuple[list[str], list[str]]:
    """Check model data; return (errors, warnings), each naming the rule concerned."""
    data = _normalised(data)
    errors = data_files.schema_errors(data, SCHEMA_PATH, what="model")
    if errors:
        return errors, []
    model, errors = _build(data, DEFAULT_NAME)
    return errors, [] if errors else model.warnings()


def parse_model(data: Any, *, default_name: str = DEFAULT_NAME) -> EvaluationModel:
    """Build a model from data (as loaded from YAML or ``to_dict``), or raise ModelError."""
    data = data_files.check(_normalised(data), SCHEMA_PATH, what="model", error=ModelError)
    model, errors = _build(data, default_name)
    if errors:
        raise ModelError(errors)
    return model


def load_model(source: str | Path) -> EvaluationModel:
    """Load a model from a YAML file path, or from YAML text (a str with a line break)."""
    if isinstance(source, str) and "\n" in source:
        shown, text, default_name = "model", source, DEFAULT_NAME
    else:
        path = Path(source)
        shown, default_name = data_files.shown(path), path.stem
        text = data_files.read_text(path, source=shown, error=ModelError)
    data = data_files.parse_yaml(text, source=shown, error=ModelError)
    try:
        return parse_model(data, default_name=default_name)
    except ModelError as exc:
        raise ModelError(exc.errors, shown) from None


def available_models(directory: Path | None = None) -> list[str]:
    """List the names of the ready-made models in ``scoring_matrices/models``."""
    return sorted(path.stem for path in (directory or MODELS_DIR).glob("*.yaml"))


def model_path(name: str, directory: Path | None = None) -> Path:
    """Return the file of ready-made model ``name``, or raise ModelError."""
    folder = directory or MODELS_DIR
    if name not in available_models(folder):
        choices = ", ".join(available_models(folder)) or "(none found)"
        raise ModelError([f"unknown evaluation model {name!r}: choose from {choices}"])
    return folder / f"{name}.yaml"
