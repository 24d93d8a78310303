"""The worker's deployments, with and without their schedules."""

from __future__ import annotations

from workflows import names
from workflows.registry import deployment_names, deployments


def _by_name(found: list) -> dict[str, object]:
    return {f"{d.flow_name}/{d.name}": d for d in found}


def test_every_deployment_the_app_submits_to_is_served() -> None:
    served = set(deployment_names())
    for name in (names.HEARTBEAT, names.CAPITAL_ROUND, names.TRANSITION, names.DOCUMENTS):
        assert name in served
    assert set(_by_name(deployments())) == served


def test_the_worker_schedules_the_heartbeat_deadline_watch_and_round_runs() -> None:
    scheduled = {name for name, d in _by_name(deployments()).items() if d.schedules}
    assert scheduled == {names.HEARTBEAT, names.CAPITAL_ROUND, names.DEADLINES}


def test_without_schedules_flows_run_only_when_asked_for() -> None:
    found = _by_name(deployments(schedules=False))
    assert set(found) == set(deployment_names())
    assert all(not d.schedules for d in found.values())
