"""What every flow needs: the app's database, and its request kept up to date."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flask import Flask, current_app, has_app_context

from tenderflow import audit, clock
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest
from tenderflow.services import flow_runs


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
    """Mark the app's request running, then completed with the outcome put in the dict, or failed."""
    outcome: dict[str, Any] = {}
    if request_id is None or not _is_ours(request_id):
        yield outcome
        return
    flow_runs.mark_running(db.session, request_id, current_flow_run_id())
    db.session.commit()
    try:
        yield outcome
    except Exception as exc:
        db.session.rollback()
        flow_runs.mark_finished(
            db.session, request_id, clock.now(), failed=True, error=f"{type(exc).__name__}: {exc}"
        )
        db.session.commit()
        raise
    flow_runs.mark_finished(db.session, request_id, clock.now(), result=outcome)
    db.session.commit()


def host_name() -> str:
    """Return this machine's name, for the heartbeat."""
    return os.uname().nodename
