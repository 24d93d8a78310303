"""Tender evaluation: models, results, sensitivity and value-for-money checks (pure rules)."""

from tenderflow.domain.evaluation.model import (
    Criterion,
    EvaluationModel,
    ModelError,
    Moderation,
    PassFailQuestion,
    PriceRule,
    Scale,
    ScalePoint,
    Section,
)
from tenderflow.domain.evaluation.model_loading import (
    available_models,
    load_model,
    model_path,
    parse_model,
    validate_model,
)

__all__ = [
    "Criterion",
    "EvaluationModel",
    "ModelError",
    "Moderation",
    "PassFailQuestion",
    "PriceRule",
    "Scale",
    "ScalePoint",
    "Section",
    "available_models",
    "load_model",
    "model_path",
    "parse_model",
    "validate_model",
]
