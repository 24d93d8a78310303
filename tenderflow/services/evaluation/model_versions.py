"""Choosing and publishing a procurement's model, which is fixed at the tender deadline."""

from __future__ import annotations

from datetime import datetime

import yaml
from sqlalchemy.orm import Session

from tenderflow.domain import data_files
from tenderflow.domain.bidding import is_sealed
from tenderflow.domain.dates import long_date_time
from tenderflow.domain.evaluation import available_models, model_path, validate_model
from tenderflow.domain.probity import METHOD_FIXED
from tenderflow.models import EvaluationModelVersion, Procurement, User
from tenderflow.services import ServiceError, probity
from tenderflow.services.bidding.deadline import tender_deadline
from tenderflow.services.evaluation import bids_opened, current_model_version


class ModelRefused(ServiceError):
    """An uploaded model breaks rules; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The model was not saved", {"model": problems[0] if problems else ""})
        self.problems = problems


def ready_made_models() -> list[tuple[str, str]]:
    """Return (name, title) of each ready-made model."""
    found = []
    for name in available_models():
        data = data_files.load(model_path(name))
        found.append((name, str(data.get("title", name))))
    return found


def ready_made_text(name: str) -> str:
    """Return a ready-made model's YAML."""
    if name not in available_models():
        raise ServiceError("Unknown model", {"ready_made": "Select a ready-made model"})
    return model_path(name).read_text(encoding="utf-8")


def check_model_text(yaml_text: str) -> list[str]:
    """Check model YAML; return its warnings, or raise ModelRefused with every rule it breaks."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise ModelRefused(
            [f"The file cannot be read as YAML: {' '.join(str(exc).split())}"]
        ) from None
    errors, warnings = validate_model(data)
    if errors:
        raise ModelRefused(errors)
    return warnings


def method_fixed_reason(session: Session, procurement: Procurement, now: datetime) -> str | None:
    """Say why the model can no longer change (bids opened, or the deadline passed), or None."""
    deadline = tender_deadline(session, procurement)
    if bids_opened(session, procurement):
        return f"{METHOD_FIXED}, and bids have been opened"
    if deadline is not None and not is_sealed(deadline, now):
        return f"{METHOD_FIXED}: it passed on {long_date_time(deadline)}"
    return None


def _refuse_if_fixed(
    session: Session, procurement: Procurement, now: datetime, attempt: str
) -> None:
    probity.refuse_if_terminated(session, procurement, attempt, "model")
    reason = method_fixed_reason(session, procurement, now)
    if reason is not None:
        probity.refuse(
            session,
            procurement,
            attempt,
            f"{reason}. To change the method, terminate the procurement with its reason and "
            "start again",
            field="model",
            entity="evaluation_model_versions",
        )


def save_model(
    session: Session,
    procurement: Procurement,
    user: User,
    now: datetime,
    *,
    source: str,
    yaml_text: str,
    reason: str | None = None,
) -> tuple[EvaluationModelVersion, list[str]]:
    """Set the procurement's model; return the version and any warnings.

    An unpublished version is replaced; a published one gets a new, unpublished version (to be
    published to every bidder). Once the tender deadline has passed, or any bid is opened, the
    method is fixed and any change is refused and audited.
    """
    _refuse_if_fixed(session, procurement, now, "change the evaluation model")
    warnings = check_model_text(yaml_text)
    reason = (reason or "").strip() or None
    current = current_model_version(session, procurement)
    if current is not None and current.published_at is None:
        current.source, current.yaml_text = source, yaml_text
        current.change_reason = reason or current.change_reason
        current.created_by_id, current.created_at = user.id, now
        session.flush()
        return current, warnings
    version = EvaluationModelVersion(
        procurement_id=procurement.id,
        version=(current.version + 1) if current else 1,
        source=source,
        yaml_text=yaml_text,
        change_reason=reason,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    return version, warnings


def publish_model(
    session: Session, procurement: Procurement, now: datetime
) -> EvaluationModelVersion:
    """Publish the current model with the ITT."""
    version = current_model_version(session, procurement)
    if version is None:
        raise ServiceError("No model", {"model": "Choose or upload an evaluation model first"})
    if version.published_at is None:
        _refuse_if_fixed(session, procurement, now, "publish a changed evaluation model")
        version.published_at = now
    session.flush()
    return version


def publish_guidance(
    session: Session, procurement: Procurement, now: datetime
) -> EvaluationModelVersion:
    """Release the evaluation guidance (the published model) to the panel."""
    version = current_model_version(session, procurement)
    if version is None or version.published_at is None:
        raise ServiceError(
            "Model not published", {"model": "Publish the evaluation model before the guidance"}
        )
    if version.guidance_published_at is None:
        version.guidance_published_at = now
    session.flush()
    return version


def is_frozen(session: Session, procurement: Procurement, now: datetime) -> bool:
    """The method is fixed once the tender deadline has passed or any bid has been opened."""
    return method_fixed_reason(session, procurement, now) is not None


def freeze_model(session: Session, procurement: Procurement, now: datetime) -> bool:
    """Record the moment the current model was fixed, once it is; return whether it is.

    The rule itself is :func:`is_frozen`, so a model is fixed even before this is called.
    """
    version = current_model_version(session, procurement)
    if version is None or not is_frozen(session, procurement, now):
        return False
    if version.frozen_at is None:
        version.frozen_at = now
        session.flush()
    return True
