"""Ask Prefect to run a deployment without ever making the asker wait.

A request is first recorded in the app's database (``flow_run_requests``), then
submitted with ``run_deployment(..., timeout=0)`` and an idempotency key. When the
Prefect server cannot be reached the request stays queued, visibly, and the worker's
dispatcher submits it once the server is back; nothing is lost.

A run whose worker dies is recovered the same way: the dispatcher sends its request again
when Prefect reports the run Crashed, or when the run has written no sign of life
(``heartbeat_at``) for longer than the lease. Every flow's steps see what is already done,
so the new run finishes the work without repeating it. A request is sent again at most
``MAX_RECOVERIES`` times; each crash is kept on the request (``crash``, ``recoveries``).

Several processes may try to send the same request: the web app right after answering, and
the dispatcher of every worker. Each first claims the request (``_claim``), so only one of
them hands it to Prefect; the idempotency key would still stop a second run.

A run is started one way, by :func:`start`: it records the request in a unit of work, then
sends it (:func:`send`). A use case that records its run request along with its own work (a
stage transition) calls :func:`request_run` inside, and its caller then calls :func:`send`.
The web app passes a ``sender`` that sends after the page has answered.

The deployments are asked for by name, below; the worker serves them (``workflows.registry``).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenderflow import clock
from tenderflow.models import FlowRunRequest, User
from tenderflow.models.flow_runs import COMPLETED, FAILED, QUEUED, RUNNING, SUBMITTED
from tenderflow.services.unit_of_work import unit_of_work

# The deployments the app asks for, "flow name/deployment name".
HEARTBEAT = "worker-heartbeat/heartbeat"
CAPITAL_ROUND = "capital-round/advance"
TRANSITION = "stage-transition/apply"
DEADLINES = "deadline-watcher/watch"
DOCUMENTS = "procurement-documents/generate"
EMAIL = "message-delivery/send"
CONTRACTS = "contract-watcher/watch"
NOOP = "noop/noop"

# The deployments that also run on a schedule, and when; the others run only when asked for.
# The worker serves them so (``workflows.registry``); the health check expects their runs.
SCHEDULES: dict[str, dict[str, Any]] = {
    # Every minute: the worker shows it is alive.
    HEARTBEAT: {"interval": timedelta(minutes=1)},
    # Every hour at a fixed minute: the run looks at dates, so its exact time does not matter.
    CAPITAL_ROUND: {"cron": "7 * * * *"},
    # At fixed minutes: the run looks at dates, so its exact time does not matter.
    DEADLINES: {"cron": "4-59/15 * * * *"},
    EMAIL: {"interval": timedelta(minutes=1)},
    # Once a day: returns, meetings and expiry are counted in days.
    CONTRACTS: {"cron": "10 6 * * *"},
}

# How a committed request is handed on: given its id, send it (now, or after the page answers).
Sender = Callable[[int], None]

# How long a web request may spend reaching the Prefect server before giving up. A busy
# machine (a test run beside other work, say) can raise them through the environment.
CONNECT_TIMEOUT_SECONDS = 0.25
REQUEST_TIMEOUT_SECONDS = 3.0


# A running flow writes its sign of life this often; one silent for the lease is taken for
# dead. The lease outlasts a database restart of a few seconds, when no heartbeat can land.
# A run a worker took but never began (the worker died starting it) has the longer start
# grace: on a busy machine a flow's process can take half a minute to start.
HEARTBEAT_SECONDS = 15.0
LEASE_SECONDS = 90.0
START_GRACE_SECONDS = 600.0
MAX_RECOVERIES = 3


def _timeout(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def heartbeat_seconds() -> float:
    """Return how often a running flow records that it is alive."""
    return _timeout("TENDERFLOW_RUN_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)


def start_grace() -> timedelta:
    """Return how long a run taken by a worker may take to begin beating."""
    return timedelta(seconds=_timeout("TENDERFLOW_RUN_START_SECONDS", START_GRACE_SECONDS))


def lease() -> timedelta:
    """Return how long a run may go without a sign of life before it is taken for dead."""
    return timedelta(seconds=_timeout("TENDERFLOW_RUN_LEASE_SECONDS", LEASE_SECONDS))


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


def start(
    session: Session,
    deployment: str,
    parameters: dict[str, Any],
    *,
    key: str,
    description: str,
    who: User | None,
    now: datetime,
    procurement_id: int | None = None,
    sender: Sender | None = None,
) -> FlowRunRequest:
    """Start a run of ``deployment``: record its request and commit it, then send it.

    The request is committed before anything is sent, so nothing is lost if sending fails: the
    worker's dispatcher sends whatever is still queued. A request with the same ``key`` is not
    recorded twice.
    """
    with unit_of_work(session):
        request = request_run(
            session,
            deployment=deployment,
            parameters=parameters,
            key=key,
            description=description,
            now=now,
            requested_by=who,
            procurement_id=procurement_id,
        )
    send(session, request.id, now, sender=sender)
    return request


def send(
    session: Session, request_id: int | None, now: datetime, *, sender: Sender | None = None
) -> bool:
    """Send a committed request to Prefect; return whether it is with Prefect now.

    ``sender`` sends it otherwise (the web app: after answering; then this returns False).
    Without one it is sent at once, from a fresh transaction that commits.
    """
    if request_id is None:
        return False
    if sender is not None:
        sender(request_id)
        return False
    return submit_by_id(session, request_id, now)


def scheduled_deployment_names() -> list[str]:
    """Return the deployments that run on a schedule as well as when asked for."""
    return list(SCHEDULES)


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


@dataclass(frozen=True)
class PrefectState:
    """What Prefect says of a run: its state's type, name and message."""

    type: str
    name: str
    message: str
    since: datetime | None = None  # when the run entered this state


# Ends of a run that leave its request unfinished in the app: the run died, or could not
# record its outcome.
UNRECORDED_ENDS = frozenset({"CRASHED", "FAILED"})


def read_state(flow_run_id: str) -> PrefectState | None:
    """Ask Prefect for a run's state; None when it cannot be read (best effort, no retries)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    try:
        with (
            temporary_settings(updates={PREFECT_CLIENT_MAX_RETRIES: 0}),
            get_client(sync_client=True) as client,
        ):
            flow_run = client.read_flow_run(flow_run_id)  # type: ignore[arg-type]
    except Exception:
        return None
    if flow_run.state is None:
        return None
    state = flow_run.state
    return PrefectState(state.type.value, state.name, state.message or "", state.timestamp)


def refresh(
    session: Session, request: FlowRunRequest, now: datetime, state: PrefectState | None = None
) -> FlowRunRequest:
    """Bring a submitted request's state up to date from Prefect (best effort).

    A crashed run is left unfinished here: the dispatcher sends it again
    (``refresh_unfinished``), or records it failed once it has been sent too often.
    """
    if request.finished or not request.flow_run_id:
        return request
    if state is None:
        if not server_reachable(api_url()):
            return request
        state = read_state(request.flow_run_id)
    if state is None:
        return request
    request.state_name = state.name
    status = _STATE_STATUS.get(state.type, request.status)
    # A flow records its own outcome, before Prefect hears of it; a crash or cancellation is
    # only seen from Prefect. A run Prefect calls Failed whose outcome the app never got could
    # not reach the database: like a crash, the dispatcher sends it again.
    if state.type in UNRECORDED_ENDS:
        return request
    if status == FAILED and request.status != FAILED:
        request.status = FAILED
        request.error = request.error or f"The run ended as {state.name}"
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
    """Record Prefect's word on submitted and running requests, and recover crashed runs.

    A run Prefect reports Crashed, or one silent for longer than the lease while Prefect still
    calls it Pending or Running (its worker was killed, its machine stopped), is sent again.
    """
    if not server_reachable(api_url()):
        return 0  # nothing can be read or sent again until the server is back
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
    wall_now = clock.wall_now()
    for listed in unfinished:
        run_id = listed.flow_run_id
        assert run_id is not None
        state = read_state(run_id)
        if state is None:
            continue
        # Read the row again, locked: its flow may have recorded its outcome since it was
        # listed, and writing the stale status back would undo that.
        request = session.scalar(
            select(FlowRunRequest)
            .where(FlowRunRequest.id == listed.id, FlowRunRequest.flow_run_id == run_id)
            .where(FlowRunRequest.status.in_([SUBMITTED, RUNNING]))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if request is None:
            continue  # finished, sent again, or being written by its flow right now
        before = (request.status, request.state_name, request.flow_run_id)
        refresh(session, request, now, state)
        if state.type in UNRECORDED_ENDS:
            recover(session, request, now, wall_now, _ended(state))
        elif state.type in ("PENDING", "RUNNING") and silent(request, wall_now, state):
            reason = _silence(request, wall_now, state)
            if recover(session, request, now, wall_now, reason, only_if_silent=state):
                _crash_in_prefect(before[2], reason)
        changed += (request.status, request.state_name, request.flow_run_id) != before
    session.flush()
    return changed


def silent(request: FlowRunRequest, wall_now: datetime, state: PrefectState | None = None) -> bool:
    """Say whether a run has gone without a sign of life for too long.

    Once the flow has begun its work it beats every few seconds, and the lease applies. Before
    that (a worker took the run and died starting it), the run has the start grace from when
    Prefect last changed its state: starting a flow's process can take a while on a busy machine.
    """
    if request.heartbeat_at is not None:
        return wall_now - request.heartbeat_at > lease()
    since = state.since if state is not None else None
    return since is not None and wall_now - since > start_grace()


def _ended(state: PrefectState) -> str:
    message = (state.message or "no message").strip()
    if state.type == "CRASHED":
        return f"crashed ({state.name}: {message})"
    return f"ended {state.name} without recording its outcome in the app ({message})"


def _silence(request: FlowRunRequest, wall_now: datetime, state: PrefectState) -> str:
    if request.heartbeat_at is not None:
        quiet = (wall_now - request.heartbeat_at).total_seconds()
        return (
            f"stopped: no heartbeat for {quiet:.0f} s (the lease is "
            f"{lease().total_seconds():.0f} s); its worker has died"
        )
    waited = (wall_now - state.since).total_seconds() if state.since else 0
    return (
        f"never started: {state.name} for {waited:.0f} s without a heartbeat (the start grace "
        f"is {start_grace().total_seconds():.0f} s); its worker has died"
    )


def recover(
    session: Session,
    request: FlowRunRequest,
    now: datetime,
    wall_now: datetime,
    reason: str,
    *,
    only_if_silent: PrefectState | None = None,
) -> bool:
    """Queue a crashed or silent run's request again; return whether it was queued.

    The request gets a new token, so Prefect's idempotency key starts a new run instead of
    handing back the dead one. After ``MAX_RECOVERIES`` the request is recorded failed.
    """
    dead_run = request.flow_run_id
    # Only one dispatcher recovers a run: the row is locked, and must still name that run.
    locked = session.scalar(
        select(FlowRunRequest)
        .where(FlowRunRequest.id == request.id, FlowRunRequest.flow_run_id == dead_run)
        .where(FlowRunRequest.status.in_([SUBMITTED, RUNNING]))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if locked is None or (
        only_if_silent is not None and not silent(locked, wall_now, only_if_silent)
    ):
        return False
    crash = f"Run {dead_run} {reason}; seen at {wall_now.isoformat(timespec='seconds')}"
    request.crash = crash[:2000]
    request.state_name = "Crashed"
    request.heartbeat_at = None
    if request.recoveries >= _max_recoveries():
        request.status = FAILED
        request.error = f"{crash}. Not sent again: it was sent again {request.recoveries} times."
        request.finished_at = now
        return False
    request.recoveries += 1
    request.status = QUEUED
    request.flow_run_id = None
    request.submitted_at = None
    request.token = secrets.token_hex(16)
    request.error = (
        f"{crash}. Sent again (recovery {request.recoveries} of {_max_recoveries()})."
    )[:2000]
    return True


def _max_recoveries() -> int:
    return int(_timeout("TENDERFLOW_RUN_MAX_RECOVERIES", MAX_RECOVERIES))


def _crash_in_prefect(flow_run_id: str | None, reason: str) -> None:
    """Mark a silent run Crashed in Prefect too, so it no longer shows there as running."""
    if not flow_run_id:
        return
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings
    from prefect.states import Crashed

    try:
        with (
            temporary_settings(updates={PREFECT_CLIENT_MAX_RETRIES: 0}),
            get_client(sync_client=True) as client,
        ):
            client.set_flow_run_state(
                flow_run_id,  # type: ignore[arg-type]
                Crashed(message=f"Recovered by tenderflow: the run {reason}"),
                force=True,
            )
    except Exception:  # the app's record is what counts; Prefect's is for people looking there
        return


def record_heartbeat(
    session: Session, request_id: int, flow_run_id: str, wall_now: datetime
) -> bool:
    """Record that a request's run is alive; return False once the request is no longer its."""
    from sqlalchemy import update

    done = session.execute(
        update(FlowRunRequest)
        .where(FlowRunRequest.id == request_id, FlowRunRequest.flow_run_id == flow_run_id)
        .values(heartbeat_at=wall_now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


def still_ours(session: Session, request_id: int, flow_run_id: str | None) -> bool:
    """Say whether the request still belongs to this run (it was not sent again meanwhile)."""
    request = session.get(FlowRunRequest, request_id)
    if request is None:
        return False
    return not (flow_run_id and request.flow_run_id and request.flow_run_id != flow_run_id)


def recoveries(session: Session, limit: int = 5) -> list[FlowRunRequest]:
    """Return the requests most recently recovered from a crash, newest first."""
    return list(
        session.scalars(
            select(FlowRunRequest)
            .where(FlowRunRequest.crash.is_not(None))
            .order_by(FlowRunRequest.id.desc())
            .limit(limit)
        )
    )


def mark_running(session: Session, request_id: int, flow_run_id: str | None) -> FlowRunRequest:
    """Record that a flow has started work on its request."""
    request = _get(session, request_id)
    if not request.finished:
        request.status = RUNNING
        request.flow_run_id = request.flow_run_id or flow_run_id
        request.state_name = "Running"
        request.heartbeat_at = clock.wall_now()
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
