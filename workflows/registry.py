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


def deployments() -> list[Any]:
    """Return a RunnerDeployment for every flow the app submits to."""
    found = []
    for name in WORKFLOW_MODULES:
        module = importlib.import_module(name)
        for flow, deployment_name, options in module.DEPLOYMENTS:
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
