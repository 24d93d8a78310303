"""``tenderflow capital rank``: a priority list from a matrix and spreadsheets, without the database."""

from __future__ import annotations

from decimal import Decimal

import click

from tenderflow.domain.capital import (
    CapitalMatrix,
    MatrixError,
    PriorityList,
    RankingError,
    load_matrix,
    rank_schemes,
)
from tenderflow.domain.capital.ranking import CUT_LINE_RULE, ROUNDING_RULE, json_text
from tenderflow.domain.capital.rows import check_rank_rows
from tenderflow.domain.evaluation.rows import EvaluationFileError
from tenderflow.domain.money import format_gbp, parse_money
from tenderflow.services.evaluation.files import read_csv_rows


@click.group("capital")
def capital() -> None:
    """Capital-bid matrices: rank supported-housing schemes seeking capital."""


@capital.command("rank")
@click.option(
    "--matrix", "matrix_file", required=True, metavar="FILE.yaml", help="The capital-bid matrix."
)
@click.option("--scores", required=True, metavar="SCORES.csv", help="scheme,criterion,score")
@click.option("--costs", metavar="COSTS.csv", help="scheme,revenue_per_year (with --budget)")
@click.option("--budget", metavar="AMOUNT", help="Revenue budget a year, e.g. 250000.")
@click.option("--json", "as_json", is_flag=True, help="Print the priority list as JSON.")
def rank(
    matrix_file: str, scores: str, costs: str | None, budget: str | None, as_json: bool
) -> None:
    """Rank schemes by their matrix scores and, with a budget, mark the cut line."""
    if (costs is None) != (budget is None):
        raise click.ClickException("--costs and --budget go together: give both or neither")
    amount: Decimal | None = None
    if budget is not None:
        try:
            amount = parse_money(budget)
        except ValueError as exc:
            raise click.ClickException(f"--budget {budget!r}: {exc}") from None
    try:
        matrix = load_matrix(matrix_file)
        score_rows = read_csv_rows(scores)
        cost_rows = read_csv_rows(costs) if costs is not None else None
        results = check_rank_rows(matrix, score_rows, cost_rows)
        ranked = rank_schemes(matrix, results, amount)
    except (MatrixError, EvaluationFileError, RankingError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json_text(ranked.to_dict()))
    else:
        click.echo(table(matrix, ranked))


def table(matrix: CapitalMatrix, ranked: PriorityList) -> str:
    """Lay the priority list out as a readable table."""
    short = {c.id: c.title.split()[0][:10] for c in matrix.criteria}
    width = max([len("Scheme")] + [len(s.result.name) for s in ranked.schemes])
    with_budget = ranked.budget is not None
    head = f"{'Rank':<5} {'Scheme':<{width}} {'Total':>7}" + "".join(
        f" {short[c]:>10}" for c in matrix.criterion_ids
    )
    if with_budget:
        head += f" {'Cumulative':>14}  Budget"
    lines = [f"Matrix: {matrix.name} ({matrix.title})", "", head]
    for entry in ranked.schemes:
        rank = "-" if entry.rank is None else str(entry.rank)
        row = f"{rank:<5} {entry.result.name:<{width}} {entry.result.total:>7.2f}"
        row += "".join(
            f" {entry.result.criteria[c]:>10.2f}" if c in entry.result.criteria else f" {'-':>10}"
            for c in matrix.criterion_ids
        )
        if with_budget:
            cumulative = (
                "" if entry.cumulative_revenue is None else format_gbp(entry.cumulative_revenue)
            )
            row += f" {cumulative:>14}  {'within' if entry.within_budget else 'outside'}"
        if entry.result.failed_gateways:
            row += "  failed gateway: " + ", ".join(entry.result.failed_gateways)
        lines.append(row)
    lines += ["", f"Ranking: {ranked.tie_break_rule}", f"Rounding: {ROUNDING_RULE}"]
    if with_budget and ranked.budget is not None and ranked.headroom is not None:
        lines.append(
            f"Budget: {format_gbp(ranked.budget)} a year; {format_gbp(ranked.committed)} within it, "
            f"{format_gbp(ranked.headroom)} left above the cut line"
        )
        lines.append(f"Cut line: {CUT_LINE_RULE}")
    return "\n".join(lines)
