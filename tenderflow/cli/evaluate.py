"""``tenderflow evaluate``: results from a panel's spreadsheets, without the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from tenderflow.domain.evaluation import (
    EvaluationInputError,
    EvaluationModel,
    EvaluationResult,
    ModelError,
    compute_results,
    load_model,
    model_path,
)
from tenderflow.domain.evaluation.rows import EvaluationFileError
from tenderflow.domain.evaluation.value_for_money import (
    CostingModelError,
    Finding,
    load_costing_model,
    value_for_money_checks,
)
from tenderflow.domain.exact import score_text
from tenderflow.domain.money import format_gbp
from tenderflow.services.evaluation.files import read_evaluation_files


def _model(source: str) -> EvaluationModel:
    """Load a model file, or a ready-made model by name (e.g. housing-support-60-40)."""
    path = Path(source)
    if not path.exists() and path.suffix == "" and "/" not in source:
        path = model_path(source)
    return load_model(path)


@click.command("evaluate")
@click.option(
    "--model",
    "model_source",
    required=True,
    metavar="MODEL.yaml",
    help="Evaluation model: a YAML file, or the name of a ready-made model.",
)
@click.option(
    "--scores", required=True, metavar="SCORES.csv", help="bidder,criterion,evaluator,score,comment"
)
@click.option(
    "--prices",
    required=True,
    metavar="PRICES.csv",
    help="bidder,price (optionally hourly_rate,contact_hours)",
)
@click.option("--consensus", metavar="CONSENSUS.csv", help="bidder,criterion,score,rationale")
@click.option("--pass-fail", "pass_fail", metavar="PASSFAIL.csv", help="bidder,criterion,result")
@click.option(
    "--service-type",
    metavar="CODE",
    help="Costing-model service type for checking contact hours, e.g. floating-support-standard.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def evaluate(
    model_source: str,
    scores: str,
    prices: str,
    consensus: str | None,
    pass_fail: str | None,
    service_type: str | None,
    as_json: bool,
) -> None:
    """Compute evaluation results, sensitivity and value-for-money checks from CSV files."""
    try:
        model = _model(model_source)
        records = read_evaluation_files(model, scores, prices, consensus, pass_fail)
        result = compute_results(
            model,
            records.scores,
            records.prices,
            records.consensus,
            records.pass_fail,
            include_sensitivity=True,
        )
        compliant = [b.bidder for b in result.bidders if not b.disqualified]
        findings = value_for_money_checks(
            load_costing_model(),
            records.prices,
            compliant,
            service_type=service_type,
            abnormally_low_percent=model.price.abnormally_low_percent,
        )
    except (ModelError, EvaluationFileError, EvaluationInputError, CostingModelError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        data: dict[str, Any] = result.to_dict()
        data["warnings"] = model.warnings()
        data["value_for_money"] = [f.to_dict() for f in findings]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(summary(model, result, findings))


def summary(model: EvaluationModel, result: EvaluationResult, findings: list[Finding]) -> str:
    """Lay the results out as a readable table with the flags and checks beneath."""
    lines = [f"Evaluation model: {model.name} ({model.title})"]
    if result.provisional:
        lines.append("PROVISIONAL: evaluators' means, before moderation")
    width = max([len("Bidder")] + [len(b.bidder) for b in result.bidders])
    head = f"{'Rank':<5} {'Bidder':<{width}} {'Total':>7} {'Quality':>8} {'Price':>7}"
    if result.per_quality_point:
        head += f" {'Price per point':>15}"
    lines += ["", head]
    for bid in result.bidders:
        rank = "-" if bid.rank is None else str(bid.rank)
        row = (
            f"{rank:<5} {bid.bidder:<{width}} {bid.total:>7} {bid.quality:>8} {bid.price_score:>7}"
        )
        if result.per_quality_point:
            ratio = bid.price_per_quality_point
            row += f" {'-' if ratio is None else format_gbp(ratio):>15}"
        if bid.disqualified:
            row += "  disqualified: " + "; ".join(bid.reasons)
        lines.append(row)
    lines += [
        "",
        f"Winner: {result.winner or 'none'}",
        f"Ranking: {result.tie_break_rule}",
        f"Rounding: {result.rounding_rule}",
    ]
    spread = score_text(model.moderation.spread_flag)
    if result.flags:
        lines.append(f"Flagged for moderation (evaluators {spread} or more apart):")
        lines += [
            f"  {f.bidder}, {f.criterion}: spread {score_text(f.spread)}" for f in result.flags
        ]
    else:
        lines.append(f"Flagged for moderation: none (no evaluators {spread} or more apart)")
    if result.sensitivity is not None:
        changed = result.sensitivity.changed_by
        lines.append(
            "Sensitivity: the winner changes under: " + "; ".join(changed)
            if changed
            else "Sensitivity: the winner holds in every scenario"
        )
    if findings:
        lines.append("Value for money:")
        lines += [f"  {f.bidder}: {f.message}" for f in findings]
    lines += [f"Note: {note}" for note in result.notes]
    lines += [f"Warning: {warning}" for warning in model.warnings()]
    return "\n".join(lines)
