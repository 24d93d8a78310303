"""What every flow needs: the app's database, and its request kept up to date."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from tenderflow import audit, clock
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest
from tenderflow.services import flow_runs
from tenderflow.services.unit_of_work import unit_of_work


@cache
def _app() -> Flask:
    from tenderflow import create_app

    return create_app({"WEB_PAGES": False})


@contextmanager
def app_context(actor: str = "workflow") -> Iterator[Flask]:
    """Use the current app (tests call flows with ``.fn()`` inside one), or create it once."""
    if has_app_context():
        with audit.acting_as(actor):
            yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    app = _app()
    with app.app_context(), audit.acting_as(actor):
        try:
            yield app
        finally:
            db.session.remove()


def current_flow_run_id() -> str | None:
    """Return the running flow run's id, when there is one."""
    try:
        from prefect.runtime import flow_run

        value = flow_run.id
    except Exception:
        return None
    return str(value) if value else None


def current_deployment() -> str | None:
    """Return the running flow run's deployment as "flow name/deployment name", if any."""
    try:
        from prefect.runtime import deployment, flow_run

        name, flow = deployment.name, flow_run.flow_name
    except Exception:
        return None
    return f"{flow}/{name}" if name and flow else None


def _is_ours(request_id: int) -> bool:
    """Say whether the request is this run's: a run left over from elsewhere (its request's
    row since gone, its id reused after a restore) must not finish someone else's request."""
    request = db.session.get(FlowRunRequest, request_id)
    if request is None:
        return False
    run_id, deployment = current_flow_run_id(), current_deployment()
    if request.flow_run_id and run_id and request.flow_run_id != run_id:
        return False
    return not (deployment and request.deployment != deployment)


@contextmanager
def tracked(request_id: int | None) -> Iterator[dict[str, Any]]:
    """Mark the app's request running, then completed with the outcome put in the dict, or failed.

    While the flow works it records a heartbeat on its request, so a run whose worker dies
    is seen to have stopped and is sent again. A run whose request was sent again meanwhile
    (it was taken for dead) leaves the request to the new run.
    """
    outcome: dict[str, Any] = {}
    if request_id is None or not _is_ours(request_id):
        yield outcome
        return
    run_id = current_flow_run_id()
    with unit_of_work(db.session):
        flow_runs.mark_running(db.session, request_id, run_id)
    try:
        with heartbeat(request_id, run_id):
            yield outcome
    except Exception as exc:
        # Each step's unit of work has rolled back its own work; record the failure apart.
        with unit_of_work(db.session):
            _finish(request_id, run_id, failed=True, error=f"{type(exc).__name__}: {exc}")
        raise
    with unit_of_work(db.session):
        _finish(request_id, run_id, result=outcome)


def _finish(request_id: int, run_id: str | None, **outcome: Any) -> None:
    """Record the request's outcome, unless it was sent again to another run meanwhile."""
    if flow_runs.still_ours(db.session, request_id, run_id):
        flow_runs.mark_finished(db.session, request_id, clock.now(), **outcome)


@contextmanager
def heartbeat(request_id: int, run_id: str | None) -> Iterator[None]:
    """Record, every few seconds on a thread of its own, that this run is alive."""
    if run_id is None:  # called directly (``.fn()``), not as a Prefect run: nothing to lease
        yield
        return
    stop = threading.Event()
    engine = db.engine

    def beat() -> None:
        while not stop.wait(flow_runs.heartbeat_seconds()):
            try:
                with Session(engine) as session, session.begin():
                    if not flow_runs.record_heartbeat(
                        session, request_id, run_id, clock.wall_now()
                    ):
                        return  # sent again to another run: this one is no longer leased
            except Exception:  # noqa: S112 - the database may be away a moment; the lease allows it
                continue

    thread = threading.Thread(target=beat, name=f"heartbeat-{request_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def host_name() -> str:
    """Return this machine's name, for the heartbeat."""
    return os.uname().nodename
