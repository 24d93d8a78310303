"""``tenderflow timetable`` and ``tenderflow advance``: a procurement's timetable and its moves."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from typing import Any

import click

from tenderflow.domain.dates import short_date
from tenderflow.domain.vocabulary import STAGES

TERMINAL = ("applied", "refused", "failed")


def _procurement(reference: str) -> Any:
    from tenderflow.extensions import db
    from tenderflow.services.procurements import get_by_reference

    found = get_by_reference(db.session, reference) or get_by_reference(
        db.session, reference.upper()
    )
    if found is None:
        raise click.ClickException(f"no procurement with reference {reference!r}")
    return found


def _date(value: date | None) -> str:
    return short_date(value) if value else "-"


@click.command("timetable")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print the stages as JSON.")
def timetable(reference: str, as_json: bool) -> None:
    """Show a procurement's stages, planned against actual dates."""
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import timetable as service

    with app_context():
        procurement = _procurement(reference)
        rows = service.timetable(db.session, procurement)
        if as_json:
            click.echo(json.dumps([row.to_json() for row in rows], indent=2))
            return
        click.echo(f"{procurement.reference}: {procurement.title} (now at {procurement.stage})")
        header = f"{'stage':<12} {'planned':<27} {'actual':<27} delay reason"
        click.echo(header)
        click.echo("-" * len(header))
        for row in rows:
            planned = f"{_date(row.planned_start)} to {_date(row.planned_end)}"
            actual = (
                f"{_date(row.actual_start)} to {_date(row.actual_end) if row.actual_end else 'now'}"
                if row.actual_start
                else "not started"
            )
            flag = "" if row.delay_reason or not row.late else "(reason needed)"
            click.echo(f"{row.stage:<12} {planned:<27} {actual:<27} {row.delay_reason or flag}")


def _contract(options: dict[str, Any]) -> Any:
    from tenderflow.domain.money import parse_money
    from tenderflow.services.timetable.transitions import ContractDetails

    given = {k: v for k, v in options.items() if v is not None}
    if not given:
        return None
    try:
        return ContractDetails(
            value=parse_money(given["value"]) if "value" in given else Decimal("0"),
            start_date=date.fromisoformat(given["start"]) if "start" in given else date.min,
            end_date=date.fromisoformat(given["end"]) if "end" in given else date.min,
            supplier_name=given.get("supplier", ""),
            extension_options=given.get("extensions", ""),
        )
    except ValueError as exc:
        raise click.ClickException(f"contract details: {exc}") from None


@click.command("advance")
@click.argument("reference")
@click.option("--to", "to_stage", required=True, metavar="STAGE", help="The stage to move into.")
@click.option("--wait", is_flag=True, help="Wait for the workflow and print the outcome.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait with --wait.")
@click.option("--delay-reason", help="Why the move is later than planned (needed when it is).")
@click.option("--contract-value", help="Award: the contract value in pounds.")
@click.option("--contract-start", help="Award: the contract start date, YYYY-MM-DD.")
@click.option("--contract-end", help="Award: the contract end date, YYYY-MM-DD.")
@click.option("--supplier", help="Award: the supplier's name (default: the approved bidder).")
@click.option("--extensions", help="Award: the extension options.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def advance(
    reference: str,
    to_stage: str,
    wait: bool,
    timeout: float,
    delay_reason: str | None,
    contract_value: str | None,
    contract_start: str | None,
    contract_end: str | None,
    supplier: str | None,
    extensions: str | None,
    as_json: bool,
) -> None:
    """Ask for a procurement to move to its next stage, as the web app does."""
    from tenderflow import clock
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import ServiceError, flow_runs
    from tenderflow.services.timetable import transitions
    from tenderflow.services.unit_of_work import unit_of_work

    if to_stage not in STAGES:
        raise click.ClickException(f"unknown stage {to_stage!r}: use {', '.join(STAGES)}")
    with app_context():
        procurement = _procurement(reference)
        if to_stage not in procurement.stages:
            raise click.ClickException(
                f"{procurement.reference} has no {to_stage} stage: its stages are "
                f"{', '.join(procurement.stages)}"
            )
        contract = _contract(
            {
                "value": contract_value,
                "start": contract_start,
                "end": contract_end,
                "supplier": supplier,
                "extensions": extensions,
            }
        )
        if to_stage == "award":
            contract = _award_details(db.session, procurement, contract)
        now = clock.now()
        try:
            # A refused attempt keeps its audit entry; any other refusal changes nothing.
            with unit_of_work(db.session):
                transition = transitions.request_transition(
                    db.session,
                    procurement,
                    to_stage,
                    procurement.lead,
                    now,
                    contract=contract,
                    delay_reason=delay_reason,
                )
        except ServiceError as exc:
            details = "; ".join(exc.errors.values()) if exc.errors else ""
            message = str(exc) if str(exc) != "The move was not asked for" else details
            raise click.ClickException(message) from None
        flow_runs.send(db.session, transition.flow_run_request_id, now)
        if wait:
            deadline = time.monotonic() + timeout
            while transition.status not in TERMINAL and time.monotonic() < deadline:
                time.sleep(0.25)
                db.session.expire_all()
                request = transitions.run_request(db.session, transition)
                if request is not None and request.status == "failed":
                    break
        result = transitions.outcome(db.session, transition)
        request = transitions.run_request(db.session, transition)
        if request is not None and request.status == "failed" and result["status"] == "queued":
            result["status"] = "failed"
            result["unmet"] = [request.error or "the workflow run failed"]
        if not as_json:
            _say(result, request)
            return
        click.echo(json.dumps(result, indent=2))


def _award_details(session: Any, procurement: Any, given: Any) -> Any:
    from dataclasses import replace

    from tenderflow.services.timetable.transitions import default_contract_details

    suggested = default_contract_details(session, procurement)
    if given is None:
        return suggested
    return replace(
        suggested,
        value=given.value if given.value else suggested.value,
        start_date=given.start_date if given.start_date != date.min else suggested.start_date,
        end_date=given.end_date if given.end_date != date.min else suggested.end_date,
        supplier_id=None if given.supplier_name else suggested.supplier_id,
        supplier_name=given.supplier_name or suggested.supplier_name,
        extension_options=given.extension_options or suggested.extension_options,
    )


def _say(result: dict[str, Any], request: Any) -> None:
    status = result["status"]
    move = f"{result['reference']}: {result['from']} to {result['to']}"
    if status == "applied":
        click.echo(f"{move}: applied.")
    elif status in ("refused", "failed"):
        click.echo(f"{move}: {status}.")
        for item in result["unmet"]:
            click.echo(f"  - {item}")
    else:
        where = f" (flow run {result['flow_run_id']})" if result["flow_run_id"] else ""
        click.echo(f"{move}: queued{where}.")
        if request is not None and request.error:
            click.echo(f"  {request.error}")
