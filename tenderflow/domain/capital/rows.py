"""Check rows of scheme scores and revenue costs (from CSV files) and turn them into results.

Scores: ``scheme,criterion,score`` with criterion ids from the matrix; a gateway's row gives
``pass`` or ``fail`` as its score. Costs: ``scheme,revenue_per_year``. Every problem in every
row is collected and reported together, naming the file and row.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tenderflow.domain.capital.matrix import CapitalMatrix
from tenderflow.domain.capital.ranking import SchemeResult, scheme_result
from tenderflow.domain.evaluation.rows import EvaluationFileError, RowProblem, SourceRows
from tenderflow.domain.money import parse_money

SCORE_COLUMNS = ("scheme", "criterion", "score")
COST_COLUMNS = ("scheme", "revenue_per_year")
GATEWAY_ANSWERS = {"pass": True, "fail": False}


class CapitalFileError(EvaluationFileError):
    """Rows that cannot be ranked; ``problems`` holds every one, the message a summary line."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _missing_columns(rows: SourceRows, needed: tuple[str, ...]) -> list[RowProblem]:
    missing = [c for c in needed if c not in rows.columns]
    if not missing:
        return []
    names = ", ".join(repr(c) for c in missing)
    plural = "s" if len(missing) > 1 else ""
    return [
        RowProblem(
            rows.source,
            rows.header_row,
            f"missing column{plural} {names} (needs {','.join(needed)})",
        )
    ]


def _score(matrix: CapitalMatrix, text: str) -> Decimal | None:
    try:
        score = Decimal(text)
    except InvalidOperation:
        return None
    if not score.is_finite() or not matrix.scale_min <= score <= matrix.scale_max:
        return None
    exponent = score.as_tuple().exponent
    return score if isinstance(exponent, int) and exponent >= -2 else None


class _Scheme:
    def __init__(self, first_row: int) -> None:
        self.first_row = first_row
        self.gateways: dict[str, bool] = {}
        self.scores: dict[str, Decimal] = {}
        self.bad: set[str] = set()  # items with a bad row, reported there and not as missing


def _read_scores(
    matrix: CapitalMatrix, rows: SourceRows, problems: list[RowProblem]
) -> dict[str, _Scheme]:
    criteria, gateways = set(matrix.criterion_ids), set(matrix.gateway_ids)
    known = ", ".join([*matrix.gateway_ids, *matrix.criterion_ids])
    schemes: dict[str, _Scheme] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows.rows:

        def problem(message: str, number: int = number) -> None:
            problems.append(RowProblem(rows.source, number, message))

        name, item, value = (_text(row.get(c)) for c in SCORE_COLUMNS)
        if not name:
            problem("scheme is missing")
            continue
        scheme = schemes.setdefault(name, _Scheme(number))
        if item not in criteria and item not in gateways:
            problem(
                f"criterion is missing (use one of {known})"
                if not item
                else f"unknown criterion {item!r} (use one of {known})"
            )
            continue
        if (name, item) in seen:
            problem(f"{name!r} has a second row for {item} (first on row {seen[(name, item)]})")
            continue
        seen[(name, item)] = number
        if item in gateways:
            answer = GATEWAY_ANSWERS.get(value.lower())
            if answer is None:
                scheme.bad.add(item)
                problem(f"gateway {item} must be pass or fail, not {value!r}")
            else:
                scheme.gateways[item] = answer
            continue
        score = _score(matrix, value)
        if score is None:
            scheme.bad.add(item)
            shown = repr(value) if value else "missing"
            problem(
                f"score {shown} for {item} must be a number from {matrix.scale_label()} "
                "(two decimals at most)"
            )
        else:
            scheme.scores[item] = score
    return schemes


def _read_costs(
    rows: SourceRows, schemes: dict[str, _Scheme], problems: list[RowProblem]
) -> dict[str, Decimal]:
    costs: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    for number, row in rows.rows:
        name, value = (_text(row.get(c)) for c in COST_COLUMNS)
        if not name:
            problems.append(RowProblem(rows.source, number, "scheme is missing"))
            continue
        if name in first:
            problems.append(
                RowProblem(
                    rows.source, number, f"{name!r} appears again (first on row {first[name]})"
                )
            )
            continue
        first[name] = number
        if name not in schemes:
            problems.append(
                RowProblem(rows.source, number, f"{name!r} has no scores in the scores file")
            )
        try:
            costs[name] = parse_money(value)
        except ValueError as exc:
            problems.append(
                RowProblem(
                    rows.source,
                    number,
                    f"revenue_per_year {value!r}: {str(exc)[0].lower()}{str(exc)[1:]}",
                )
            )
    return costs


def check_rank_rows(
    matrix: CapitalMatrix, scores: SourceRows, costs: SourceRows | None = None
) -> list[SchemeResult]:
    """Check scores (and costs) rows; return each scheme's result or raise CapitalFileError."""
    problems = _missing_columns(scores, SCORE_COLUMNS) + list(scores.problems)
    if costs is not None:
        problems += _missing_columns(costs, COST_COLUMNS) + list(costs.problems)
    if problems:
        raise CapitalFileError(problems)
    if not scores.rows:
        raise CapitalFileError(
            [RowProblem(scores.source, None, "there are no rows below the header")]
        )
    schemes = _read_scores(matrix, scores, problems)
    for name, scheme in schemes.items():
        failed = [g for g in matrix.gateway_ids if scheme.gateways.get(g) is False]
        missing = [
            c for c in matrix.criterion_ids if c not in scheme.scores and c not in scheme.bad
        ]
        if not failed and missing:
            problems.append(
                RowProblem(
                    scores.source,
                    scheme.first_row,
                    f"{name!r} has no score for {', '.join(missing)} (every criterion needs one "
                    "unless a gateway fails)",
                )
            )
    costs_by_name: dict[str, Decimal] = {}
    if costs is not None:
        costs_by_name = _read_costs(costs, schemes, problems)
        for name, scheme in schemes.items():
            failed_any = any(ok is False for ok in scheme.gateways.values())
            if not failed_any and name not in costs_by_name:
                problems.append(
                    RowProblem(
                        costs.source,
                        None,
                        f"no revenue_per_year row for {name!r} (scores row {scheme.first_row})",
                    )
                )
    if problems:
        order = {scores.source: 0, costs.source if costs else "": 1}
        problems.sort(key=lambda p: (order.get(p.source, 2), p.row is None, p.row or 0))
        raise CapitalFileError(problems)
    return [
        scheme_result(
            matrix,
            key=name,
            name=name,
            scores=scheme.scores,
            failed_gateways=[g for g in matrix.gateway_ids if scheme.gateways.get(g) is False],
            revenue_per_year=costs_by_name.get(name),
        )
        for name, scheme in schemes.items()
    ]
