"""A serving worker's flow runs start from a fork server that has the flows loaded."""

from __future__ import annotations

import copyreg
import inspect
import multiprocessing
import pickle
from collections.abc import Iterator

import prefect.flow_engine
import pytest
from prefect.flows import Flow

from workflows import launch


@pytest.fixture
def restored() -> Iterator[object]:
    original = prefect.flow_engine.multiprocessing
    yield original
    prefect.flow_engine.multiprocessing = original  # type: ignore[assignment]
    multiprocessing.set_forkserver_preload(["__main__"])
    copyreg.dispatch_table.pop(Flow, None)


def test_prefect_still_takes_its_run_process_context_where_the_worker_replaces_it() -> None:
    # If an upgrade of Prefect moved this, the worker would quietly go back to spawning.
    source = inspect.getsource(prefect.flow_engine.run_flow_in_subprocess)
    assert 'multiprocessing.get_context("spawn")' in source


def test_after_the_switch_prefect_is_given_the_fork_server(restored: object) -> None:
    launch.fork_runs_from_a_loaded_process()
    context = prefect.flow_engine.multiprocessing.get_context("spawn")
    assert context is multiprocessing.get_context("forkserver")
    assert context.get_start_method() == "forkserver"


def loaded(names: list[str]) -> list[str]:
    """Run in a run's process: which of ``names`` were imported before it began."""
    import sys

    return [name for name in names if name in sys.modules]


def test_a_runs_process_starts_with_every_served_flows_module_loaded(restored: object) -> None:
    from workflows import registry

    held = {flow.fn.__module__ for flow, _name, _options in registry._declared()}
    assert {"workflows.timetable", "workflows.capital_round"} <= held
    launch.fork_runs_from_a_loaded_process()
    context = prefect.flow_engine.multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        found = pool.apply(loaded, (sorted(held),))
    assert found == sorted(held), "imported in the fork server, before the run's process began"


def test_every_served_flow_reaches_its_run_process_as_itself(restored: object) -> None:
    import cloudpickle

    from workflows import registry

    launch.fork_runs_from_a_loaded_process()
    for flow, _name, _options in registry._declared():
        assert pickle.loads(cloudpickle.dumps(flow)) is flow, flow.name
