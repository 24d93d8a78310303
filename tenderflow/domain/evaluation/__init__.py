"""Tender evaluation: models, results, sensitivity and value-for-money checks (pure rules)."""

from tenderflow.domain.evaluation.inputs import InputProblem, input_problems, to_frames
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
from tenderflow.domain.evaluation.records import (
    BidPrice,
    ConsensusScore,
    EvaluationInputError,
    EvaluatorScore,
    PassFailResult,
)
from tenderflow.domain.evaluation.results import (
    BidderResult,
    CriterionResult,
    EvaluationResult,
    Flag,
    compute_results,
    results_from,
)
from tenderflow.domain.evaluation.scoring import Prepared, prepare_evaluation
from tenderflow.domain.evaluation.sensitivity import Scenario, SensitivityResult, sensitivity

__all__ = [
    "BidPrice",
    "BidderResult",
    "ConsensusScore",
    "Criterion",
    "CriterionResult",
    "EvaluationInputError",
    "EvaluationModel",
    "EvaluationResult",
    "EvaluatorScore",
    "Flag",
    "InputProblem",
    "ModelError",
    "Moderation",
    "PassFailQuestion",
    "PassFailResult",
    "Prepared",
    "PriceRule",
    "Scale",
    "ScalePoint",
    "Scenario",
    "Section",
    "SensitivityResult",
    "available_models",
    "compute_results",
    "input_problems",
    "load_model",
    "model_path",
    "parse_model",
    "prepare_evaluation",
    "results_from",
    "sensitivity",
    "to_frames",
    "validate_model",
]
