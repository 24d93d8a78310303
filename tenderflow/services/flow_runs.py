"""Ask Prefect to run a deployment without ever making the asker wait.

A request is first recorded in the app's database (``flow_run_requests``), then
submitted with ``run_deployment(..., timeout=0)`` and an idempotency key. When the
Prefect server cannot be reached the request stays queued, visibly, and the worker's
dispatcher submits it once the server is back; nothing is lost.

Several processes may try to send the same request: the web app right after answering, and
the dispatcher of every worker. Each first claims the request (``_claim``), so only one of
them hands it to Prefect; the idempotency key would still stop a second run.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenderflow.models import FlowRunRequest, User
from tenderflow.models.flow_runs import COMPLETED, FAILED, QUEUED, RUNNING, SUBMITTED

# How long a web request may spend reaching the Prefect server before giving up. A busy
# machine (a test run beside other work, say) can raise them through the environment.
CONNECT_TIMEOUT_SECONDS = 0.25
REQUEST_TIMEOUT_SECONDS = 3.0


def _timeout(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


_STATE_STATUS = {
    "SCHEDULED": SUBMITTED,
    "PENDING": SUBMITTED,
    "PAUSED": SUBMITTED,
    "RUNNING": RUNNING,
    "CANCELLING": RUNNING,
    "COMPLETED": COMPLETED,
    "FAILED": FAILED,
    "CRASHED": FAILED,
    "CANCELLED": FAILED,
}


def request_run(
    session: Session,
    *,
    deployment: str,
    parameters: dict[str, Any],
    key: str,
    description: str,
    now: datetime,
    requested_by: User | None = None,
    procurement_id: int | None = None,
) -> FlowRunRequest:
    """Record a run request, or return the existing one with the same key."""
    existing = session.scalar(select(FlowRunRequest).where(FlowRunRequest.key == key))
    if existing is not None:
        return existing
    request = FlowRunRequest(
        key=key,
        deployment=deployment,
        parameters=parameters,
        description=description,
        status=QUEUED,
        token=secrets.token_hex(16),
        requested_by=requested_by,
        procurement_id=procurement_id,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    # The flow needs to find its request, so the parameters carry its id.
    request.parameters = {**parameters, "request_id": request.id}
    session.flush()
    return request


def api_url() -> str | None:
    """Return the configured Prefect API address, if there is one."""
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return str(value) if value else None


def server_reachable(url: str | None) -> bool:
    """Return whether the Prefect server's port accepts a connection, quickly."""
    if not url:
        return False
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", port),
            _timeout("TENDERFLOW_PREFECT_CONNECT_TIMEOUT", CONNECT_TIMEOUT_SECONDS),
        ):
            return True
    except OSError:
        return False


def submit(session: Session, request: FlowRunRequest, now: datetime) -> bool:
    """Hand a queued request to Prefect; return whether it is with Prefect now.

    The caller commits, which also releases the claim on the request.
    """
    if request.status != QUEUED:
        return request.flow_run_id is not None
    url = api_url()
    if not server_reachable(url):
        request.error = (
            "The workflow server is not configured"
            if url is None
            else "The workflow server cannot be reached; the request will be sent when it is back"
        )
        return False
    # A request not stored (a copy, say) has nothing to claim: Prefect's idempotency key alone
    # stops it starting a second run.
    if request.id is not None and not _claim(session, request):
        # Another process holds it, or has sent it since it was read.
        session.refresh(request)
        return request.flow_run_id is not None
    from prefect.deployments import run_deployment
    from prefect.settings import (
        PREFECT_API_REQUEST_TIMEOUT,
        PREFECT_CLIENT_MAX_RETRIES,
        temporary_settings,
    )

    request.attempts += 1
    try:
        with temporary_settings(
            updates={
                PREFECT_CLIENT_MAX_RETRIES: 0,
                PREFECT_API_REQUEST_TIMEOUT: _timeout(
                    "TENDERFLOW_PREFECT_REQUEST_TIMEOUT", REQUEST_TIMEOUT_SECONDS
                ),
            }
        ):
            flow_run = run_deployment(
                name=request.deployment,
                parameters=request.parameters,
                timeout=0,
                idempotency_key=request.prefect_key,
                as_subflow=False,
                tags=["tenderflow"],
            )
    except Exception as exc:  # any failure leaves the request queued for the dispatcher
        request.error = f"Not sent to the workflow server: {type(exc).__name__}: {exc}"[:2000]
        return False
    request.flow_run_id = str(flow_run.id)
    request.state_name = flow_run.state.name if flow_run.state else "Scheduled"
    request.status = SUBMITTED
    request.submitted_at = now
    request.error = None
    return True


def _claim(session: Session, request: FlowRunRequest) -> bool:
    """Take a queued request for this transaction alone; return False when another has it.

    PostgreSQL locks the row and skips one another process has locked, so several workers'
    dispatchers share the queue without waiting on each other. SQLite locks the whole
    database for a write: a conditional update takes that lock, a second sender waits for
    it and then finds the request no longer queued.
    """
    if session.get_bind().dialect.name == "postgresql":
        claimed = session.scalar(
            select(FlowRunRequest.id)
            .where(FlowRunRequest.id == request.id, FlowRunRequest.status == QUEUED)
            .with_for_update(skip_locked=True)
        )
        return claimed is not None
    result = session.execute(
        update(FlowRunRequest)
        .where(FlowRunRequest.id == request.id, FlowRunRequest.status == QUEUED)
        .values(attempts=FlowRunRequest.attempts)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def submit_by_id(session: Session, request_id: int, now: datetime) -> bool:
    """Send one queued request from a fresh transaction, and commit; return whether it is sent."""
    if session.get_bind().dialect.name != "postgresql":
        # Claim before reading, so a read snapshot never has to be upgraded to a write.
        session.execute(
            update(FlowRunRequest)
            .where(FlowRunRequest.id == request_id, FlowRunRequest.status == QUEUED)
            .values(attempts=FlowRunRequest.attempts)
            .execution_options(synchronize_session=False)
        )
    request = session.get(FlowRunRequest, request_id)
    if request is None:
        session.rollback()
        return False
    sent = submit(session, request, now)
    session.commit()
    return sent


def submit_queued(session: Session, now: datetime, limit: int = 50) -> int:
    """Submit queued requests, oldest first, committing each; return how many were sent.

    Each request is claimed and committed on its own, so workers' dispatchers running side by
    side each send a share and never the same one.
    """
    session.commit()
    queued = list(
        session.scalars(
            select(FlowRunRequest.id)
            .where(FlowRunRequest.status == QUEUED)
            .order_by(FlowRunRequest.id)
            .limit(limit)
        )
    )
    session.commit()
    accepted = 0
    for request_id in queued:
        if not server_reachable(api_url()):
            break  # the server is unreachable: try again on the next round
        if submit_by_id(session, request_id, now):
            accepted += 1
    return accepted


def refresh(session: Session, request: FlowRunRequest, now: datetime) -> FlowRunRequest:
    """Bring a submitted request's state up to date from Prefect (best effort)."""
    if request.finished or not request.flow_run_id or not server_reachable(api_url()):
        return request
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    try:
        with (
            temporary_settings(updates={PREFECT_CLIENT_MAX_RETRIES: 0}),
            get_client(sync_client=True) as client,
        ):
            flow_run = client.read_flow_run(request.flow_run_id)  # type: ignore[arg-type]
    except Exception:
        return request
    if flow_run.state is None:
        return request
    request.state_name = flow_run.state.name
    status = _STATE_STATUS.get(flow_run.state.type.value, request.status)
    # A flow records its own outcome; a crash or cancellation is only seen from Prefect.
    if status == FAILED and request.status != FAILED:
        request.status = FAILED
        request.error = request.error or f"The run ended as {flow_run.state.name}"
        request.finished_at = now
    elif status == RUNNING and request.status == SUBMITTED:
        # Only while it is still submitted: the flow may have recorded its outcome since the
        # request was read (a worker's dispatcher reads many, then asks Prefect of each), and
        # writing "running" over "completed" would leave it unfinished for ever.
        session.execute(
            update(FlowRunRequest)
            .where(FlowRunRequest.id == request.id, FlowRunRequest.status == SUBMITTED)
            .values(status=RUNNING)
            .execution_options(synchronize_session=False)
        )
    return request


def refresh_unfinished(session: Session, now: datetime, limit: int = 50) -> int:
    """Record Prefect's word on submitted and running requests (a crash is seen only there)."""
    unfinished = list(
        session.scalars(
            select(FlowRunRequest)
            .where(FlowRunRequest.status.in_([SUBMITTED, RUNNING]))
            .where(FlowRunRequest.flow_run_id.is_not(None))
            .order_by(FlowRunRequest.id)
            .limit(limit)
        )
    )
    changed = 0
    for request in unfinished:
        before = (request.status, request.state_name)
        refresh(session, request, now)
        changed += (request.status, request.state_name) != before
    session.flush()
    return changed


def mark_running(session: Session, request_id: int, flow_run_id: str | None) -> FlowRunRequest:
    """Record that a flow has started work on its request."""
    request = _get(session, request_id)
    if not request.finished:
        request.status = RUNNING
        request.flow_run_id = request.flow_run_id or flow_run_id
        request.state_name = "Running"
    return request


def mark_finished(
    session: Session,
    request_id: int,
    now: datetime,
    *,
    failed: bool = False,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> FlowRunRequest:
    """Record a request's outcome."""
    request = _get(session, request_id)
    request.status = FAILED if failed else COMPLETED
    request.state_name = "Failed" if failed else "Completed"
    request.result = result
    request.error = error
    request.finished_at = now
    return request


def _get(session: Session, request_id: int) -> FlowRunRequest:
    request = session.get(FlowRunRequest, request_id)
    if request is None:
        raise LookupError(f"no flow run request {request_id}")
    return request
