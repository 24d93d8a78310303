"""Choosing, publishing and (after bids are opened) re-publishing a procurement's model."""

from __future__ import annotations

from datetime import datetime

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenderflow.domain.council_papers import join_words
from tenderflow.domain.evaluation import available_models, model_path, validate_model
from tenderflow.models import (
    EvaluationModelVersion,
    EvaluatorAssignment,
    EvaluatorScore,
    PanelMember,
    Procurement,
    User,
)
from tenderflow.services import ServiceError
from tenderflow.services.evaluation import bids_opened, current_model_version, model_of


class ModelRefused(ServiceError):
    """An uploaded model breaks rules; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The model was not saved", {"model": problems[0] if problems else ""})
        self.problems = problems


def ready_made_models() -> list[tuple[str, str]]:
    """Return (name, title) of each ready-made model."""
    found = []
    for name in available_models():
        data = yaml.safe_load(model_path(name).read_text(encoding="utf-8"))
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

    Before a bid is opened an unpublished version is replaced and a published one gets a new,
    unpublished version. Once bids are opened the model is frozen: a change needs a reason and
    becomes a new version, re-published at once (the panel works from it).
    """
    warnings = check_model_text(yaml_text)
    reason = (reason or "").strip() or None
    current = current_model_version(session, procurement)
    frozen = bids_opened(session, procurement)
    if frozen and reason is None:
        raise ServiceError(
            "A reason is needed",
            {"reason": "Enter why the model changes after bids were opened"},
        )
    if current is not None and current.published_at is None and not frozen:
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
    if frozen:
        version.published_at = version.frozen_at = now
        if current is not None and current.guidance_published_at is not None:
            version.guidance_published_at = now
    session.add(version)
    session.flush()
    if frozen and current is not None:
        warnings = [*warnings, *_carry_panel_over(session, procurement, current, version)]
    return version, warnings


def _carry_panel_over(
    session: Session,
    procurement: Procurement,
    before: EvaluationModelVersion,
    after: EvaluationModelVersion,
) -> list[str]:
    """Fit the panel's assignments to a model changed after bids were opened; say what changed.

    Assignments to criteria the new model drops are removed; scores already given on them are
    kept, for the record, but no longer count. New criteria need an evaluator.
    """
    old = [c.id for c in model_of(before).criteria]
    new = [c.id for c in model_of(after).criteria]
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    warnings = []
    if removed:
        for assignment in session.scalars(
            select(EvaluatorAssignment)
            .join(PanelMember, EvaluatorAssignment.panel_member_id == PanelMember.id)
            .where(
                PanelMember.procurement_id == procurement.id,
                EvaluatorAssignment.criterion_id.in_(removed),
            )
        ):
            session.delete(assignment)
        scored = session.scalar(
            select(func.count(EvaluatorScore.id))
            .join(PanelMember, EvaluatorScore.panel_member_id == PanelMember.id)
            .where(
                PanelMember.procurement_id == procurement.id,
                EvaluatorScore.criterion_id.in_(removed),
            )
        )
        warnings.append(
            f"{join_words(removed)} {'is' if len(removed) == 1 else 'are'} no longer in the model: "
            f"{scored or 0} score(s) given on {'it' if len(removed) == 1 else 'them'} are kept "
            "but no longer count"
        )
    if added:
        warnings.append(
            f"{join_words(added)} {'is' if len(added) == 1 else 'are'} new: assign "
            f"{'it' if len(added) == 1 else 'them'} to an evaluator before moderation"
        )
    session.flush()
    for member in session.scalars(
        select(PanelMember).where(PanelMember.procurement_id == procurement.id)
    ):
        session.expire(member, ["assignments"])
    return warnings


def publish_model(
    session: Session, procurement: Procurement, now: datetime
) -> EvaluationModelVersion:
    """Publish the current model with the ITT."""
    version = current_model_version(session, procurement)
    if version is None:
        raise ServiceError("No model", {"model": "Choose or upload an evaluation model first"})
    if version.published_at is None:
        version.published_at = now
    if bids_opened(session, procurement) and version.frozen_at is None:
        version.frozen_at = now
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


def is_frozen(session: Session, procurement: Procurement) -> bool:
    """The model is frozen once any bid has been opened."""
    return bids_opened(session, procurement)


def freeze_model(session: Session, procurement: Procurement, now: datetime) -> bool:
    """Record the moment the current model froze, when bids have been opened; call it from
    bid opening. Return whether the model is frozen. The rule itself is :func:`is_frozen`, so
    a model is treated as frozen even before this is called."""
    version = current_model_version(session, procurement)
    if version is None or not bids_opened(session, procurement):
        return False
    if version.frozen_at is None:
        version.frozen_at = now
        session.flush()
    return True
