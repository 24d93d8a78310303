"""Are the workflows running? What an administrator and an operator's monitor need to know.

Scheduled work (the heartbeat, the deadline watch, the capital round) only happens when
Prefect's scheduler creates the runs and the worker picks them up. Either can fail quietly:
the scheduler logs its errors on the server and creates nothing, a stopped worker leaves
runs waiting. ``assess`` turns what was observed into problems in words; the observing is
kept apart so that the rules can be tested on their own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from tenderflow.models import WorkerHeartbeat
from tenderflow.paths import logs_dir

# The heartbeat runs every minute: five minutes without one means the worker (or the
# scheduler that creates its runs) has stopped.
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)
# A scheduled run still waiting this long after its time has not been picked up by a worker.
LATE_AFTER = timedelta(minutes=5)
# Only the end of a long log is read: the recent errors are what matter.
LOG_TAIL_BYTES = 256 * 1024
RECENT_ERRORS = 5

WHAT_TO_DO = (
    "Check that the workflow server and `tenderflow worker` are running (`make run` starts both), "
    "then run `tenderflow doctor` and read the workflow server's log."
)


@dataclass(frozen=True)
class ScheduleState:
    """What the workflow server says of one scheduled deployment."""

    deployment: str
    registered: bool
    active: bool = False
    next_run: datetime | None = None
    last_run: datetime | None = None
    last_state: str | None = None


@dataclass(frozen=True)
class WorkflowError:
    """An error reported by the workflow server or a failed run."""

    source: str
    message: str
    at: str | None = None


@dataclass
class WorkflowHealth:
    """Everything observed, and the problems found in it."""

    checked_at: datetime
    server: str | None
    reachable: bool
    heartbeat_at: datetime | None
    heartbeat_host: str | None = None
    schedules: list[ScheduleState] | None = None
    errors: list[WorkflowError] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """Return the health as plain data for `tenderflow doctor --json`."""

        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "healthy": self.healthy,
            "checked_at": when(self.checked_at),
            "server": self.server,
            "reachable": self.reachable,
            "heartbeat_at": when(self.heartbeat_at),
            "heartbeat_host": self.heartbeat_host,
            "schedules": [
                {
                    "deployment": s.deployment,
                    "registered": s.registered,
                    "active": s.active,
                    "next_run": when(s.next_run),
                    "last_run": when(s.last_run),
                    "last_state": s.last_state,
                }
                for s in self.schedules or []
            ],
            "errors": [{"source": e.source, "message": e.message, "at": e.at} for e in self.errors],
            "problems": list(self.problems),
        }


def _ago(now: datetime, then: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute ago"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours ago"
    return f"{hours // 24} days ago"


def heartbeat_problem(
    heartbeat_at: datetime | None, now: datetime, stale_after: timedelta = HEARTBEAT_STALE_AFTER
) -> str | None:
    """Say what is wrong with the worker's last heartbeat, or None when it is recent."""
    if heartbeat_at is None:
        return "The worker has never been seen: no heartbeat has been recorded."
    if now - heartbeat_at > stale_after:
        return (
            f"The worker was last seen {_ago(now, heartbeat_at)}: the heartbeat runs every minute."
        )
    return None


def assess(
    *,
    now: datetime,
    server: str | None,
    reachable: bool,
    heartbeat_at: datetime | None,
    schedules: list[ScheduleState] | None,
    stale_after: timedelta = HEARTBEAT_STALE_AFTER,
) -> list[str]:
    """Return every problem, in words, with the workflows as observed (empty when all is well)."""
    problems = []
    if not server:
        problems.append("No workflow server is configured (PREFECT_API_URL is not set).")
    elif not reachable:
        problems.append(f"The workflow server at {server} cannot be reached.")
    for state in schedules or []:
        name = state.deployment
        if not state.registered:
            problems.append(f"{name} is not registered: no worker has served it.")
        elif not state.active:
            problems.append(f"{name} has no active schedule, so it never runs by itself.")
        elif state.next_run is None:
            problems.append(
                f"The workflow server is not creating scheduled runs of {name}: "
                "none is waiting to run. Read the workflow server's log for the scheduler's errors."
            )
        elif now - state.next_run > LATE_AFTER:
            problems.append(
                f"A scheduled run of {name} has waited since {_ago(now, state.next_run)}: "
                "no worker is picking the runs up."
            )
    problem = heartbeat_problem(heartbeat_at, now, stale_after)
    if problem:
        problems.append(problem)
    return problems


def last_heartbeat(session: Session) -> WorkerHeartbeat | None:
    """Return the worker's newest heartbeat."""
    return session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.id.desc()).limit(1))


_ERROR_LINE = re.compile(r"\|\s*(ERROR|CRITICAL)\s*\|")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b:?")
_TIME = re.compile(r"^(\d{2}:\d{2}:\d{2})")


def server_log_path() -> Path:
    """Return where the local workflow server writes its log (`tenderflow run` puts it there)."""
    return logs_dir() / "prefect-server.log"


def errors_in_log(lines: Iterable[str], limit: int = RECENT_ERRORS) -> list[WorkflowError]:
    """Return the newest errors in a Prefect server log, each with the exception that ended it."""
    found: list[WorkflowError] = []
    current: list[str] | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if _ERROR_LINE.search(line):
            if current:
                found.append(_error(current))
            current = [line]
        elif current is not None and _EXCEPTION_LINE.match(line):
            current.append(line)
            found.append(_error(current))
            current = None
    if current:
        found.append(_error(current))
    return found[-limit:][::-1]


def _error(lines: list[str]) -> WorkflowError:
    head = lines[0]
    time_match = _TIME.match(head)
    message = head.split("|", 2)[-1].strip() if "|" in head else head
    if len(lines) > 1:
        message = f"{message}: {lines[-1].strip()}"
    return WorkflowError(
        source="workflow server log", message=message[:500], at=time_match and time_match.group(1)
    )


def read_server_log(path: Path | None = None, limit: int = RECENT_ERRORS) -> list[WorkflowError]:
    """Return the newest errors in the local workflow server's log, if it keeps one here."""
    path = path or server_log_path()
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - LOG_TAIL_BYTES))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return errors_in_log(text.splitlines(), limit)


def read_schedules(
    deployments: list[str], now: datetime
) -> tuple[list[ScheduleState], list[WorkflowError]]:
    """Ask the workflow server about each scheduled deployment and the runs that failed lately."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.exceptions import ObjectNotFound

    states: list[ScheduleState] = []
    errors: list[WorkflowError] = []
    with get_client(sync_client=True) as client:
        ids = {}
        for name in deployments:
            try:
                deployment = client.read_deployment_by_name(name)
            except ObjectNotFound:
                states.append(ScheduleState(name, registered=False))
                continue
            ids[deployment.id] = name
            only_this = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
            waiting = client.read_flow_runs(
                deployment_filter=only_this,
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=1,
            )
            ran = client.read_flow_runs(
                deployment_filter=only_this,
                flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(is_null_=False)),
                sort=FlowRunSort.START_TIME_DESC,
                limit=1,
            )
            states.append(
                ScheduleState(
                    name,
                    registered=True,
                    active=not deployment.paused and any(s.active for s in deployment.schedules),
                    next_run=waiting[0].expected_start_time if waiting else None,
                    last_run=ran[0].start_time if ran else None,
                    last_state=ran[0].state.name if ran and ran[0].state else None,
                )
            )
        failed = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.FAILED, StateType.CRASHED])
                ),
                start_time=FlowRunFilterStartTime(after_=now - timedelta(days=1)),
            ),
            sort=FlowRunSort.START_TIME_DESC,
            limit=RECENT_ERRORS,
        )
        for run in failed:
            what = ids.get(run.deployment_id, run.name) if run.deployment_id else run.name
            message = run.state.message if run.state and run.state.message else "no message"
            errors.append(
                WorkflowError(
                    source=f"{run.state.name if run.state else 'Failed'} run of {what}",
                    message=message[:500],
                    at=run.start_time.isoformat() if run.start_time else None,
                )
            )
    return states, errors


def crashes(session: Session, limit: int = RECENT_ERRORS) -> list[WorkflowError]:
    """Return the newest runs the app recovered from a crash: whose, and how it was seen."""
    from tenderflow.services.flow_runs import recoveries

    try:
        recovered = recoveries(session, limit)
    except SQLAlchemyError:
        session.rollback()
        return []
    found = []
    for request in recovered:
        outcome = "sent again" if not request.finished else request.status
        found.append(
            WorkflowError(
                source=(
                    f"Crashed run of {request.description} (request {request.id}, "
                    f"recovered {request.recoveries} time{'s' if request.recoveries != 1 else ''},"
                    f" now {outcome})"
                ),
                message=(request.crash or "")[:500],
            )
        )
    return found


def check(
    session: Session,
    now: datetime,
    *,
    deployments: list[str],
    server: str | None,
    reachable: bool,
    ask_server: bool = True,
    stale_after: timedelta = HEARTBEAT_STALE_AFTER,
) -> WorkflowHealth:
    """Observe the heartbeat, the scheduled ``deployments`` and recent errors, and assess them."""
    database_problem = None
    try:
        beat = last_heartbeat(session)
    except SQLAlchemyError as exc:
        session.rollback()
        beat = None
        database_problem = (
            "The app's database cannot be read, so the worker's heartbeat is unknown "
            f"({type(exc.orig or exc).__name__}: {str(exc.orig or exc).splitlines()[0]}); "
            "run `tenderflow db upgrade`."
        )
    schedules: list[ScheduleState] | None = None
    errors: list[WorkflowError] = []
    if ask_server and server and reachable:
        try:
            schedules, errors = read_schedules(deployments, now)
        except Exception as exc:  # a server that answers badly is itself the finding
            errors.append(WorkflowError("workflow server", f"{type(exc).__name__}: {exc}"))
    errors = read_server_log() + crashes(session) + errors
    heartbeat_at = beat.at if beat else None
    return WorkflowHealth(
        checked_at=now,
        server=server,
        reachable=reachable,
        heartbeat_at=heartbeat_at,
        heartbeat_host=beat.host if beat else None,
        schedules=schedules,
        errors=errors,
        problems=([database_problem] if database_problem else [])
        + assess(
            now=now,
            server=server,
            reachable=reachable,
            heartbeat_at=heartbeat_at,
            schedules=schedules,
            stale_after=stale_after,
        ),
    )
