"""Whether scheduled workflows run: the rules that turn observations into problems in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tenderflow.services.flow_runs.health import (
    ScheduleState,
    assess,
    errors_in_log,
    heartbeat_problem,
    read_server_log,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SERVER = "http://127.0.0.1:4200/api"

# What Prefect 3.8.8's server logged every minute under SQLAlchemy 2.1 (traceback shortened).
SCHEDULER_FAILING = """\
06:43:40.001 | INFO    | prefect.server - Scheduler service started
06:43:46.070 | ERROR   | docket.dependencies - ↩ [    60ms] schedule_recent_deployments(){schedule_recent_deployments}
Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/prefect/server/services/scheduler.py", line 226, in schedule_recent_deployments
    inserted_runs = await models.deployments._insert_scheduled_flow_runs(
    raise exc.InvalidRequestError(
sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement; please supply a bulk_dml decorated function
06:44:41.135 | ERROR   | docket.dependencies - ↩ [   101ms] schedule_deployments(){schedule_deployments}
Traceback (most recent call last):
    raise exc.InvalidRequestError(
sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement; please supply a bulk_dml decorated function
06:44:50.000 | INFO    | prefect.server - still here
"""


def healthy_schedules() -> list[ScheduleState]:
    return [
        ScheduleState(
            name,
            registered=True,
            active=True,
            next_run=NOW + timedelta(minutes=1),
            last_run=NOW - timedelta(minutes=1),
            last_state="Completed",
        )
        for name in ("worker-heartbeat/heartbeat", "deadline-watcher/watch")
    ]


def test_all_is_well_with_runs_waiting_and_a_heartbeat_a_minute_old() -> None:
    assert (
        assess(
            now=NOW,
            server=SERVER,
            reachable=True,
            heartbeat_at=NOW - timedelta(minutes=1),
            schedules=healthy_schedules(),
        )
        == []
    )


def test_a_scheduler_that_creates_no_runs_is_named_with_where_to_look() -> None:
    schedules = healthy_schedules()
    schedules[1] = ScheduleState("deadline-watcher/watch", registered=True, active=True)
    problems = assess(now=NOW, server=SERVER, reachable=True, heartbeat_at=NOW, schedules=schedules)
    assert problems == [
        "The workflow server is not creating scheduled runs of deadline-watcher/watch: none is "
        "waiting to run. Read the workflow server's log for the scheduler's errors."
    ]


def test_runs_left_waiting_past_their_time_mean_no_worker_picks_them_up() -> None:
    schedules = [
        ScheduleState(
            "worker-heartbeat/heartbeat",
            registered=True,
            active=True,
            next_run=NOW - timedelta(minutes=12),
        )
    ]
    (problem,) = assess(
        now=NOW, server=SERVER, reachable=True, heartbeat_at=NOW, schedules=schedules
    )
    assert problem.startswith("A scheduled run of worker-heartbeat/heartbeat has waited since 12")
    assert "no worker is picking the runs up" in problem


def test_a_deployment_never_served_or_without_a_schedule_is_a_problem() -> None:
    problems = assess(
        now=NOW,
        server=SERVER,
        reachable=True,
        heartbeat_at=NOW,
        schedules=[
            ScheduleState("capital-round/advance", registered=False),
            ScheduleState("deadline-watcher/watch", registered=True, active=False),
        ],
    )
    assert problems == [
        "capital-round/advance is not registered: no worker has served it.",
        "deadline-watcher/watch has no active schedule, so it never runs by itself.",
    ]


def test_a_server_that_cannot_be_reached_or_is_not_configured_is_said_first() -> None:
    assert assess(now=NOW, server=SERVER, reachable=False, heartbeat_at=NOW, schedules=None) == [
        f"The workflow server at {SERVER} cannot be reached."
    ]
    assert assess(now=NOW, server=None, reachable=False, heartbeat_at=NOW, schedules=None) == [
        "No workflow server is configured (PREFECT_API_URL is not set)."
    ]


def test_the_heartbeat_is_stale_after_five_minutes_and_never_seen_is_said_plainly() -> None:
    assert heartbeat_problem(NOW - timedelta(minutes=5), NOW) is None
    assert heartbeat_problem(NOW - timedelta(minutes=5, seconds=1), NOW) == (
        "The worker was last seen 5 minutes ago: the heartbeat runs every minute."
    )
    assert heartbeat_problem(NOW - timedelta(hours=3), NOW) == (
        "The worker was last seen 3 hours ago: the heartbeat runs every minute."
    )
    assert heartbeat_problem(None, NOW) == (
        "The worker has never been seen: no heartbeat has been recorded."
    )
    assert heartbeat_problem(NOW - timedelta(seconds=30), NOW, timedelta(seconds=10)) == (
        "The worker was last seen less than a minute ago: the heartbeat runs every minute."
    )


def test_the_scheduler_errors_in_the_server_log_are_read_newest_first_with_their_exception() -> (
    None
):
    errors = errors_in_log(SCHEDULER_FAILING.splitlines())
    assert [e.at for e in errors] == ["06:44:41", "06:43:46"]
    assert errors[0].message.startswith("docket.dependencies - ↩ [   101ms] schedule_deployments()")
    assert errors[0].message.endswith(
        "sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement; "
        "please supply a bulk_dml decorated function"
    )
    assert all(e.source == "workflow server log" for e in errors)
    assert len(errors_in_log(SCHEDULER_FAILING.splitlines(), limit=1)) == 1


def test_a_missing_log_has_no_errors_and_a_real_file_is_read(tmp_path: Path) -> None:
    assert read_server_log(tmp_path / "absent.log") == []
    log = tmp_path / "prefect-server.log"
    log.write_text("x" * 300_000 + "\n" + SCHEDULER_FAILING)
    assert len(read_server_log(log)) == 2
