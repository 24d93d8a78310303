"""The contract watcher.

``contract-watcher/watch`` runs every morning: it tells contract managers of quarterly returns
due and overdue and of meetings their band needs, and tells managers and leads as contracts
come within 12, 9 and 6 months of their end, prompting re-procurement. Each message goes
once, by its key, so a retried run repeats nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.services.contracts import watch as contract_watch
from tenderflow.services.unit_of_work import unit_of_work
from workflows.runtime import app_context, tracked


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def watch_contracts_task(today: date, now: datetime) -> dict[str, Any]:
    """Run the contract checks and queue their messages; return what was found."""
    with unit_of_work(db.session):
        return contract_watch.watch(db.session, today, now).to_dict()


@flow(name="contract-watcher", log_prints=True)
def watch_contracts(request_id: int | None = None, now: str | None = None) -> dict[str, Any]:
    """Chase returns and meetings and prompt re-procurement (scheduled every morning)."""
    with app_context("contract watcher"), tracked(request_id) as outcome:
        instant = clock.parse_instant(now, "now") if now else clock.now()
        outcome.update(watch_contracts_task(clock.local(instant).date(), instant))
    return outcome
