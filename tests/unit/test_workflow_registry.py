"""The worker's deployments, with and without their schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tenderflow.services import flow_runs
from tenderflow.services.flow_runs import scheduled_deployment_names
from workflows.registry import SCHEDULE_SECONDS_ENV, deployment_names, deployments


def _by_name(found: list) -> dict[str, object]:
    return {f"{d.flow_name}/{d.name}": d for d in found}


def test_every_deployment_the_app_submits_to_is_served() -> None:
    served = set(deployment_names())
    for name in (
        flow_runs.HEARTBEAT,
        flow_runs.CAPITAL_ROUND,
        flow_runs.TRANSITION,
        flow_runs.DOCUMENTS,
    ):
        assert name in served
    assert set(_by_name(deployments())) == served


def test_the_worker_schedules_the_heartbeat_deadline_watch_round_and_email_runs() -> None:
    scheduled = {name for name, d in _by_name(deployments()).items() if d.schedules}
    assert scheduled == {
        flow_runs.HEARTBEAT,
        flow_runs.CAPITAL_ROUND,
        flow_runs.DEADLINES,
        flow_runs.EMAIL,
        flow_runs.CONTRACTS,
    }


def test_without_schedules_flows_run_only_when_asked_for() -> None:
    found = _by_name(deployments(schedules=False))
    assert set(found) == set(deployment_names())
    assert all(not d.schedules for d in found.values())


def test_the_scheduled_deployments_are_named_for_the_health_check() -> None:
    assert set(scheduled_deployment_names()) == {
        flow_runs.HEARTBEAT,
        flow_runs.CAPITAL_ROUND,
        flow_runs.DEADLINES,
        flow_runs.EMAIL,
        flow_runs.CONTRACTS,
    }


def test_a_short_test_interval_replaces_every_schedule_and_only_schedules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SCHEDULE_SECONDS_ENV, "5")
    found = _by_name(deployments())
    for name in scheduled_deployment_names():
        (schedule,) = found[name].schedules
        assert schedule.schedule.interval == timedelta(seconds=5)
    assert not found[flow_runs.TRANSITION].schedules
    assert not found[flow_runs.DOCUMENTS].schedules
    assert all(not d.schedules for d in deployments(schedules=False))


@pytest.mark.parametrize("value", ["soon", "0", "-3"])
def test_a_test_interval_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(SCHEDULE_SECONDS_ENV, value)
    with pytest.raises(ValueError, match=SCHEDULE_SECONDS_ENV):
        deployments()
