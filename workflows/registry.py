"""Every deployment the worker serves, listed in one place (``_declared``).

The app asks for a run by the deployment's full name, "flow name/deployment name"; those
names, and the schedules of the deployments that also run on one, are in
``tenderflow.services.flow_runs``, where the app's health check reads them without loading
Prefect. Each entry here serves one of those names with its flow.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from tenderflow.services import flow_runs

SCHEDULE_OPTIONS = frozenset({"cron", "interval", "rrule", "schedule", "schedules"})

# Runs every scheduled deployment this often instead of its own schedule: for tests and
# demonstrations that need to see scheduled runs happen within seconds.
SCHEDULE_SECONDS_ENV = "TENDERFLOW_SCHEDULE_EVERY_SECONDS"


def _schedule_override() -> timedelta | None:
    value = os.environ.get(SCHEDULE_SECONDS_ENV, "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(
            f"{SCHEDULE_SECONDS_ENV} must be a number of seconds, not {value!r}"
        ) from None
    if seconds < 1:
        raise ValueError(f"{SCHEDULE_SECONDS_ENV} must be at least 1 second, not {value!r}")
    return timedelta(seconds=seconds)


def _declared() -> list[tuple[Any, str, dict[str, Any]]]:
    """Return (flow, deployment name, options) for every deployment: the one list of them."""
    # Imported here: the web app reads the scheduled names without loading every flow at start.
    from workflows import capital_round, contracts, documents, email, maintenance, timetable

    served = [
        (maintenance.heartbeat, flow_runs.HEARTBEAT),
        # Only benchmarks/transitions.py asks for it: a run served and started exactly as a
        # stage transition's is, that does no work of its own.
        (maintenance.noop, flow_runs.NOOP),
        (capital_round.advance_capital_rounds, flow_runs.CAPITAL_ROUND),
        (timetable.run_transition, flow_runs.TRANSITION),
        (timetable.watch_deadlines, flow_runs.DEADLINES),
        (documents.generate_documents, flow_runs.DOCUMENTS),
        (email.deliver_messages, flow_runs.EMAIL),
        (contracts.watch_contracts, flow_runs.CONTRACTS),
    ]
    found = []
    for flow, full_name in served:
        flow_name, deployment_name = full_name.split("/")
        assert flow.name == flow_name, (flow.name, full_name)
        found.append((flow, deployment_name, dict(flow_runs.SCHEDULES.get(full_name, {}))))
    return found


def served(*, schedules: bool = True) -> list[tuple[Any, str, dict[str, Any]]]:
    """Return (flow, deployment name, options) for every deployment, as it is to be served.

    Without ``schedules`` the deployments run only when asked for: a worker serving a test
    database must not have the hourly and quarter-hourly runs land in the middle of a test.
    """
    override = _schedule_override() if schedules else None
    found = []
    for flow, deployment_name, options in _declared():
        scheduled = bool(SCHEDULE_OPTIONS & set(options))
        options = {k: v for k, v in options.items() if k not in SCHEDULE_OPTIONS or schedules}
        if override is not None and scheduled:
            options = {k: v for k, v in options.items() if k not in SCHEDULE_OPTIONS}
            options["interval"] = override
        found.append((flow, deployment_name, {"tags": ["tenderflow"], **options}))
    return found


def deployments(*, schedules: bool = True, pooled: bool = False) -> list[Any]:
    """Return a RunnerDeployment for every flow the app submits to (see :func:`served`).

    ``pooled`` makes them for a work pool's workers: each flow is found by its module path
    and runs in the project's directory, the code the worker's machine has installed.
    """
    found = []
    for flow, deployment_name, options in served(schedules=schedules):
        if pooled:
            from prefect.deployments.runner import EntrypointType

            from tenderflow.paths import PROJECT_ROOT

            options["entrypoint_type"] = EntrypointType.MODULE_PATH
            options["job_variables"] = {"working_dir": str(PROJECT_ROOT)}
        found.append(flow.to_deployment(name=deployment_name, **options))
    return found


def register(pool: str, *, schedules: bool = True) -> list[str]:
    """Create the process work pool when missing and register every deployment in it.

    Registering again updates each deployment in place (same name), so its schedule stays
    one schedule however many workers take runs from the pool.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(
                WorkPoolCreate(
                    name=pool,
                    type=ProcessWorker.type,
                    base_job_template=ProcessWorker.get_default_base_job_template(),
                )
            )
    registered = []
    for deployment in deployments(schedules=schedules, pooled=True):
        deployment.apply(work_pool_name=pool)
        registered.append(f"{deployment.flow_name}/{deployment.name}")
    return registered


def deployment_names() -> list[str]:
    """Return every served deployment's full name, "flow name/deployment name"."""
    return [f"{flow.name}/{deployment_name}" for flow, deployment_name, _ in _declared()]
