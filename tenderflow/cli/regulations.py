"""``tenderflow route`` and ``tenderflow standstill``: the contract-regulation rule engine."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from tenderflow.clock import today
from tenderflow.domain.money import format_gbp, parse_money
from tenderflow.domain.regulations import (
    AUTHORITIES,
    CATEGORIES,
    PROCEDURES,
    RouteDecision,
    RouteInputError,
    RouteRequest,
    RuleSetError,
    decide_route,
    default_library,
)
from tenderflow.domain.standstill import StandstillPeriod, standstill_period


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Parse a YYYY-MM-DD option, failing with a message that names it."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a valid date (use YYYY-MM-DD)") from None


def _money_option(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    """Parse an amount in pounds, e.g. 75000, 75,000.50 or £75,000."""
    try:
        return parse_money(value)
    except ValueError as exc:
        raise click.BadParameter(f"{exc} (got {value!r})") from None


def _vat_option(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    """Parse a VAT rate as a fraction between 0 and 1, e.g. 0.20."""
    try:
        rate = Decimal(value.strip())
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise click.BadParameter(f"{value!r} is not a VAT rate between 0 and 1, like 0.20")
    return rate


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command("route")
@click.option(
    "--rules",
    "rules",
    required=True,
    metavar="NAME",
    help="Rule set: a council's standing orders or a national regime.",
)
@click.option(
    "--value",
    required=True,
    callback=_money_option,
    help="Estimated value excluding VAT (whole-life, or per year with --annual).",
)
@click.option("--annual", is_flag=True, help="--value is per year; multiply by the term.")
@click.option("--years", type=click.IntRange(min=1), help="Contract term in years (with --annual).")
@click.option(
    "--extension-years",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Optional extension years (with --annual).",
)
@click.option("--category", type=click.Choice(CATEGORIES), default="services", show_default=True)
@click.option(
    "--authority", type=click.Choice(AUTHORITIES), default="sub-central", show_default=True
)
@click.option("--vat-rate", default="0.20", callback=_vat_option, show_default=True)
@click.option(
    "--start-date",
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="When the procurement begins [default: today].",
)
@click.option("--exemption", metavar="REASON", help="Exemption code, e.g. specialist-firm.")
@click.option("--exemption-approver", metavar="NAME", help="Who approved the exemption.")
@click.option(
    "--procedure",
    type=click.Choice(PROCEDURES),
    default="open",
    show_default=True,
    help="The national procedure, at or above the threshold.",
)
@click.option(
    "--planned-procurement-notice",
    "planned_notice",
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="When a planned procurement notice (PCR 2015: prior information notice) was published.",
)
@click.option(
    "--tender-notice",
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="When the tender notice is published [default: the start date].",
)
@click.option("--urgency", is_flag=True, help="A state of urgency shortens the minimum periods.")
@click.option(
    "--paper-tenders",
    is_flag=True,
    help="Tenders are not all submitted electronically with every document available.",
)
@click.option(
    "--direct-award",
    metavar="JUSTIFICATION",
    help="Award directly on this ground, e.g. extreme-urgency or single-supplier-technical.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def route(
    rules: str,
    value: Decimal,
    annual: bool,
    years: int | None,
    extension_years: int,
    category: str,
    authority: str,
    vat_rate: Decimal,
    start_date: date | None,
    exemption: str | None,
    exemption_approver: str | None,
    procedure: str,
    planned_notice: date | None,
    tender_notice: date | None,
    urgency: bool,
    paper_tenders: bool,
    direct_award: str | None,
    as_json: bool,
) -> None:
    """Decide which procurement route a contract must take."""
    if annual and years is None:
        raise click.UsageError("--annual needs --years (the contract term in years)")
    if not annual and (years is not None or extension_years):
        raise click.UsageError("--years and --extension-years need --annual")
    try:
        request = RouteRequest(
            value=value,
            start_date=start_date or today(),
            annual=annual,
            years=years,
            extension_years=extension_years,
            vat_rate=vat_rate,
            category=category,
            authority=authority,
            exemption=exemption,
            exemption_approver=exemption_approver,
            procedure=procedure,
            planned_procurement_notice=planned_notice,
            tender_notice=tender_notice,
            urgency=urgency,
            paper_tenders=paper_tenders,
            direct_award=direct_award,
        )
        decision = decide_route(request, rules)
    except (RuleSetError, RouteInputError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _emit(decision.to_dict())
    else:
        click.echo(_summary(decision))


def _summary(decision: RouteDecision) -> str:
    standstill = (
        f"{decision.standstill.days} {decision.standstill.kind} days"
        if decision.standstill
        else "none"
    )
    lines = [
        f"Rule set:          {decision.rule_set} (national regime {decision.national_regime})",
        f"Whole-life value:  {format_gbp(decision.whole_life_value)} excluding VAT, "
        f"{format_gbp(decision.value_including_vat)} including VAT",
        f"Route:             {decision.route} ({decision.band})",
        f"Min candidates:    {decision.min_candidates or '-'}",
        f"Procedure:         {decision.procedure or '-'}",
        f"Min periods:       participation {_days(decision.min_participation_days)}, "
        f"tendering {_days(decision.min_tendering_days)}",
        f"National threshold {format_gbp(decision.national_threshold)}: "
        f"{'at or above' if decision.above_national_threshold else 'below'}",
        f"Standstill:        {standstill}",
        f"Notices:           {', '.join(decision.notices + decision.conditional_notices) or '-'}",
        "",
        decision.explanation,
    ]
    return "\n".join(lines)


def _days(days: int | None) -> str:
    return "-" if days is None else f"{days} days"


@click.command("standstill")
@click.option(
    "--regime",
    required=True,
    metavar="NAME",
    help="National regime, e.g. procurement-act-2023 or pcr-2015.",
)
@click.option(
    "--from",
    "start",
    required=True,
    callback=_date_option,
    metavar="YYYY-MM-DD",
    help="Day the award notice is published (PA 2023) or the decision sent (PCR 2015).",
)
@click.option(
    "--not-electronic",
    is_flag=True,
    help="The award decision was not sent electronically (PCR 2015: 15 days).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the period as JSON.")
def standstill(regime: str, start: date, not_electronic: bool, as_json: bool) -> None:
    """Work out when a mandatory standstill period ends."""
    try:
        library = default_library()
        regimes = sorted(r.name for r in library.national_regimes())
        if regime not in regimes:
            raise click.BadParameter(
                f"unknown regime {regime!r}: choose from {', '.join(regimes)}",
                param_hint="'--regime'",
            )
        case = "not-sent-electronically" if not_electronic else None
        period = standstill_period(regime, start, library, case=case)
    except (RuleSetError, RouteInputError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _emit(period.to_dict())
    else:
        click.echo(_standstill_summary(period))


def _standstill_summary(period: StandstillPeriod) -> str:
    lines = [
        f"Regime:                 {period.regime}",
        f"From:                   {period.start.isoformat()}",
        f"Last day of standstill: {period.last_day.isoformat()}",
        f"Contract from:          {period.earliest_contract_date.isoformat()}",
    ]
    for day in period.excluded_days:
        lines.append(f"Not counted:            {day.date.isoformat()} {day.name}")
    return "\n".join(lines)
