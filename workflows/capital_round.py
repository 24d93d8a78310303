"""Capital bid rounds moved on by date, never by a flow left waiting for weeks.

A scheduled deployment runs every hour (at seven minutes past) and advances every open or closed round as its dates
say: tell districts the round is open, remind districts that have not submitted as the
deadline approaches, close the round once its deadline day has ended, and produce the priority
list once scoring is complete. The app also asks for a run of one round when an administrator
opens or closes it. Every step can run again without repeating itself: notices have unique
keys and each status changes once. Producing the priority list also writes it as a Word
document for the commissioning body, kept with the round's other generated documents. A run
taking over from one that crashed between the two writes the missing document without
producing the list again (and a scheduled run looks for such rounds too).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import CapitalRound
from tenderflow.services import documents
from tenderflow.services.capital import priority, rounds
from tenderflow.services.capital.documents import (
    ensure_priority_list_document,
    priority_list_document_missing,
    rounds_missing_priority_list_document,
)
from tenderflow.services.unit_of_work import unit_of_work
from workflows.faults import pause_point
from workflows.runtime import app_context, tracked


def _round(round_id: int) -> CapitalRound:
    found = db.session.get(CapitalRound, round_id)
    if found is None:
        raise LookupError(f"no capital round {round_id}")
    return found


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def rounds_to_advance(round_id: int | None) -> list[int]:
    """Return the round asked for, or every round still open or closed or missing its list's
    document."""
    if round_id is not None:
        return [round_id]
    found = rounds.rounds_to_advance(db.session)
    return sorted(set(found) | set(rounds_missing_priority_list_document(db.session)))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def document_missing(round_id: int) -> bool:
    """Say whether the round's produced priority list still needs its document (only reads)."""
    with unit_of_work(db.session):
        return priority_list_document_missing(db.session, _round(round_id))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def send_opening_notices(round_id: int) -> int:
    """Queue the opening notice for every district officer not yet told; return how many."""
    with unit_of_work(db.session):
        return rounds.send_opening_notices(db.session, _round(round_id), clock.now())


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def send_deadline_reminders(round_id: int, today: date) -> int:
    """Queue the reminder due today to districts without a submitted scheme; return how many."""
    with unit_of_work(db.session):
        return rounds.send_due_reminders(db.session, _round(round_id), today, clock.now())


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def close_if_due(round_id: int, today: date) -> bool:
    """Close the round if its deadline day has ended; return whether it closed now."""
    with unit_of_work(db.session):
        return rounds.close_if_due(db.session, _round(round_id), today, clock.now())


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def produce_priority_list(round_id: int) -> bool:
    """Produce the priority list if scoring is complete; return whether it was produced now."""
    with unit_of_work(db.session):
        return priority.produce_if_complete(db.session, _round(round_id), clock.now())


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=10)
def write_priority_list_document(round_id: int, request_id: int | None) -> str:
    """Write the produced priority list as a Word document, unless it is written; return its
    file name."""
    storage = documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))
    with unit_of_work(db.session):
        record, _ = ensure_priority_list_document(
            db.session,
            storage,
            _round(round_id),
            clock.now(),
            clock.today(),
            flow_run_request_id=request_id,
        )
    return record.filename


@flow(name="capital-round", log_prints=True)
def advance_capital_rounds(
    request_id: int | None = None, round_id: int | None = None, today: str | None = None
) -> dict[str, Any]:
    """Advance one round (or every open or closed round) as far as its dates allow."""
    with app_context("capital round workflow"), tracked(request_id) as outcome:
        day = date.fromisoformat(today) if today else clock.today()
        for current in rounds_to_advance(round_id):
            steps: dict[str, Any] = {
                "opening_notices": send_opening_notices(current),
                "reminders": send_deadline_reminders(current, day),
                "closed": close_if_due(current, day),
                "priority_list": produce_priority_list(current),
            }
            if steps["priority_list"]:
                pause_point("capital-round:after-priority-list")
            if document_missing(current):
                steps["document"] = write_priority_list_document(current, request_id)
            outcome[str(current)] = steps
    return outcome
