"""A procurement's council papers, written by the worker so a large report never holds up a page.

The web app records a request for the kinds wanted and returns at once; this flow writes each
kind in its own task and keeps every document with its date, the user and a hash of its content.
A kind that cannot be written yet (no consensus, no plan) is reported with its reason, and the
other kinds are still written. A kind already written for the same request (by a run whose
worker then died) is not written again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.models import Procurement, User
from tenderflow.services import ServiceError, documents
from tenderflow.services.documents import reports
from tenderflow.services.unit_of_work import unit_of_work
from workflows.runtime import app_context, tracked


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def write_kind(
    procurement_id: int, kind: str, user_id: int | None, request_id: int | None
) -> dict[str, Any]:
    """Write and keep one kind's documents; return their file names, or why it cannot be written."""
    try:
        with unit_of_work(db.session):
            return _write_kind(procurement_id, kind, user_id, request_id)
    except ServiceError as exc:  # this kind is not written (a refusal keeps its audit entry)
        return {"kind": kind, "files": [], "refused": str(exc)}


def _write_kind(
    procurement_id: int, kind: str, user_id: int | None, request_id: int | None
) -> dict[str, Any]:
    procurement = db.session.get(Procurement, procurement_id)
    if procurement is None:
        raise LookupError(f"no procurement {procurement_id}")
    if request_id is not None:
        done = reports.written_for_request(db.session, procurement, kind, request_id)
        if done:  # written by an earlier run of this request that then crashed
            return {"kind": kind, "files": [record.filename for record in done], "refused": None}
    user = db.session.get(User, user_id) if user_id is not None else None
    storage = documents.Storage(Path(current_app.config["DOCUMENTS_DIR"]))
    kept = reports.generate(
        db.session,
        storage,
        procurement,
        kind,
        now=clock.now(),
        today=clock.today(),
        user=user,
        flow_run_request_id=request_id,
    )
    return {"kind": kind, "files": [record.filename for record in kept], "refused": None}


@flow(name="procurement-documents", log_prints=True)
def generate_documents(
    procurement_id: int,
    kinds: list[str],
    user_id: int | None = None,
    request_id: int | None = None,
) -> dict[str, Any]:
    """Write the procurement's documents of each kind asked for."""
    with app_context("documents workflow"), tracked(request_id) as outcome:
        for kind in kinds:
            result = write_kind(procurement_id, kind, user_id, request_id)
            outcome[kind] = {"files": result["files"], "refused": result["refused"]}
    return outcome
