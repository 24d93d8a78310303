"""Capital-bid matrices: the regional matrix, the district's form, scoring and the priority list.

Pure rules: no web, database, workflow or document code. Dates are passed in.
"""

from tenderflow.domain.capital.forms import (
    AnswerCheck,
    Section,
    answer_fields,
    answer_text,
    attachments_field,
    check_answers,
    form_sections,
    gateways_answered_no,
)
from tenderflow.domain.capital.matrix import (
    CORE_FIELDS,
    CapitalMatrix,
    Criterion,
    Field,
    Gateway,
    MatrixError,
    Option,
)
from tenderflow.domain.capital.matrix_loading import (
    DEFAULT_MATRIX_PATH,
    default_matrix,
    load_matrix,
    matrix_from_snapshot,
    parse_matrix,
    validate_matrix,
)
from tenderflow.domain.capital.ranking import (
    CUT_LINE_RULE,
    ROUNDING_RULE,
    PriorityList,
    RankedScheme,
    RankingError,
    SchemeResult,
    rank_schemes,
    result_from_final,
    scheme_result,
)
from tenderflow.domain.capital.scoring import (
    Agreed,
    FinalScores,
    Flag,
    ScoreSheet,
    final_scores,
    flags_for,
    weighted_scores,
)

__all__ = [
    "CORE_FIELDS",
    "CUT_LINE_RULE",
    "ROUNDING_RULE",
    "DEFAULT_MATRIX_PATH",
    "Agreed",
    "AnswerCheck",
    "CapitalMatrix",
    "Criterion",
    "Field",
    "FinalScores",
    "Flag",
    "Gateway",
    "MatrixError",
    "Option",
    "PriorityList",
    "RankedScheme",
    "RankingError",
    "SchemeResult",
    "ScoreSheet",
    "Section",
    "answer_fields",
    "answer_text",
    "attachments_field",
    "check_answers",
    "default_matrix",
    "final_scores",
    "flags_for",
    "form_sections",
    "gateways_answered_no",
    "load_matrix",
    "matrix_from_snapshot",
    "parse_matrix",
    "rank_schemes",
    "result_from_final",
    "scheme_result",
    "validate_matrix",
    "weighted_scores",
]
