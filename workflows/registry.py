"""Every deployment the worker serves. Each workflow module lists its own in ``DEPLOYMENTS``."""

from __future__ import annotations

import importlib
from typing import Any

WORKFLOW_MODULES = [
    "workflows.maintenance",
    "workflows.capital_round",
    "workflows.timetable",
    "workflows.documents",
]


SCHEDULE_OPTIONS = frozenset({"cron", "interval", "rrule", "schedule", "schedules"})


def deployments(*, schedules: bool = True) -> list[Any]:
    """Return a RunnerDeployment for every flow the app submits to.

    Without ``schedules`` the deployments run only when asked for: a worker serving a test
    database must not have the hourly and quarter-hourly runs land in the middle of a test.
    """
    found = []
    for name in WORKFLOW_MODULES:
        module = importlib.import_module(name)
        for flow, deployment_name, options in module.DEPLOYMENTS:
            if not schedules:
                options = {k: v for k, v in options.items() if k not in SCHEDULE_OPTIONS}
            found.append(flow.to_deployment(name=deployment_name, tags=["tenderflow"], **options))
    return found


def deployment_names() -> list[str]:
    """Return every served deployment's full name, "flow name/deployment name"."""
    names = []
    for name in WORKFLOW_MODULES:
        module = importlib.import_module(name)
        for flow, deployment_name, _ in module.DEPLOYMENTS:
            names.append(f"{flow.name}/{deployment_name}")
    return names
