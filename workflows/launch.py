"""How a serving worker starts each flow run's process: forked from one that has loaded the flows.

Prefect's runner starts every flow run of a served deployment in a new Python process
("spawn"), which imports Prefect, the app and the flow's module before the run can begin:
about two seconds of a two-core machine's processor per run, most of the time from asking for
a stage move to its being applied. A fork server instead imports them once, in a process of
its own that runs no threads, and forks each run's process from it, ready to run. Each run is
still a process of its own (killed, cancelled and reaped as before), and the fork server
starts afresh from the worker's environment, not as a copy of the worker.
"""

from __future__ import annotations

import copyreg
import importlib
import multiprocessing
import sys
from typing import Any


def flow_modules() -> list[str]:
    """Return the registry and every module holding a flow it serves: what a run needs loaded."""
    from workflows import registry

    held = {flow.fn.__module__ for flow, _name, _options in registry.served(schedules=False)}
    return [registry.__name__, *sorted(held)]


class _ForkServer:
    """Stands in for the `multiprocessing` module where Prefect asks it for a context."""

    @staticmethod
    def get_context(method: str | None = None) -> Any:
        return multiprocessing.get_context("forkserver")


def flow_named(module: str, name: str) -> Any:
    """Return the flow ``name`` of ``module``: how a run's process finds its flow."""
    return getattr(importlib.import_module(module), name)


def _by_reference(flow: Any) -> Any:
    """Send a module's flow to a run's process by its name, as its function would be sent.

    Left to itself, the flow's function is sent by value with everything it refers to (the
    module's database handle among them), which cannot be sent: its module's name for it is
    the flow, not the function.
    """
    module, name = flow.fn.__module__, flow.fn.__name__
    if getattr(sys.modules.get(module), name, None) is flow:
        return flow_named, (module, name)
    return flow.__reduce_ex__(2)


def fork_runs_from_a_loaded_process() -> None:
    """Make the served deployments' flow runs start from a fork server with the flows loaded.

    Prefect's `run_flow_in_subprocess` takes its process context from
    `multiprocessing.get_context("spawn")` in `prefect.flow_engine`; that one name is given
    the fork server's context instead (``tests/unit/test_launch.py`` checks Prefect still
    asks for its context there). Each run's flow is sent to its process by name
    (:func:`_by_reference`).
    """
    import prefect.flow_engine
    from prefect.flows import Flow

    copyreg.pickle(Flow, _by_reference)
    multiprocessing.set_forkserver_preload(flow_modules())
    prefect.flow_engine.multiprocessing = _ForkServer  # type: ignore[assignment]
