"""Scheduled workflows on the real stack, with their schedules on.

The other workflow tests serve the deployments without schedules, so that no scheduled run
lands in the middle of a test. This one starts what `make run` starts, through the same
code: a Prefect server (`prefect server start`, with its scheduler) and `tenderflow worker`
serving with schedules, against a database of its own. It waits for the scheduler to create
runs and the worker to run them: a heartbeat recorded by the app, and the deadline watcher
ending a standstill that has run its course. Only the interval is shortened, through
`TENDERFLOW_SCHEDULE_EVERY_SECONDS`.

It runs once (not per database): it starts its own server and worker, which take a while.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select

from tenderflow import create_app
from tenderflow.cli.workflow_commands import _stop, start_workflow_services
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import StageDates, WorkerHeartbeat
from tenderflow.paths import MIGRATIONS_DIR
from tenderflow.services import users
from tenderflow.services.reference_data import load_reference_data
from tests.integration.conftest import PASSWORD, config_for
from tests.integration.timetable_data import national_procurement

# Its own servers and workers: run after the parallel part, with the machine to itself.
pytestmark = pytest.mark.alone

EVERY_SECONDS = 20
# The server takes ~15 s to start, the worker ~10 s to register; then two intervals at most.
WAIT_SECONDS = 180
# The worker's clock: the standstill below (begun 16 June 2026) ended on 26 June.
WORKER_NOW = "2026-06-26T09:00:00+01:00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(self, app: Flask, env: dict[str, str], processes: list[Any], logs: Path) -> None:
        self.app = app
        self.env = env
        self.processes = processes
        self.logs = logs

    def logs_text(self) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-6000:]}")
        return "\n".join(parts)

    def doctor(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(Path(sys.executable).parent / "tenderflow"), "doctor", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("scheduled")
    database_url = f"sqlite:///{root / 'tenderflow.sqlite3'}"
    app = create_app(config_for(database_url, root))
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        load_reference_data(db.session)
        lead = users.create_user(
            db.session,
            users.UserInput(
                email="lead@council.example",
                name="Test lead",
                roles={Role.PROCUREMENT_LEAD},
                password=PASSWORD,
            ),
        )
        db.session.commit()
        procurement = national_procurement(lead)
        procurement.stage = "standstill"
        standstill = db.session.scalar(
            select(StageDates).where(
                StageDates.procurement_id == procurement.id, StageDates.stage == "standstill"
            )
        )
        assert standstill is not None
        standstill.actual_start = date(2026, 6, 16)  # its last day is Thursday 25 June
        db.session.commit()
        db.session.remove()

    logs = root / "logs"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "tests-only-secret-key",
        "TENDERFLOW_NOW": WORKER_NOW,
        "TENDERFLOW_SCHEDULE_EVERY_SECONDS": str(EVERY_SECONDS),
        "TENDERFLOW_LOG_DIR": str(logs),
        "TENDERFLOW_PREFECT_PORT": str(_free_port()),
        "PREFECT_HOME": str(root / "prefect"),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    env.pop("PREFECT_API_URL", None)
    processes, api = start_workflow_services(env)
    assert len(processes) == 2, "a server and a worker, as `make run` starts them"
    try:
        yield Stack(app, env, processes, logs)
    finally:
        _stop(processes)


def _wait(what: str, stack: Stack, found: Any) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with stack.app.app_context():
            value = found()
            db.session.remove()
        if value:
            return value
        for process in stack.processes:
            if process.poll() is not None:
                pytest.fail(f"a workflow process stopped:\n{stack.logs_text()}", pytrace=False)
        time.sleep(2)
    pytest.fail(f"{what} within {WAIT_SECONDS} s:\n{stack.logs_text()}", pytrace=False)


def test_the_scheduler_runs_the_heartbeat_and_the_app_records_it(stack: Stack) -> None:
    beat = _wait(
        "no scheduled heartbeat was recorded",
        stack,
        lambda: db.session.scalar(
            select(WorkerHeartbeat).where(WorkerHeartbeat.flow_run_id.is_not(None))
        ),
    )
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: stack.env["PREFECT_API_URL"]}),
        get_client(sync_client=True) as client,
    ):
        run = client.read_flow_run(beat.flow_run_id)
        deadline = time.monotonic() + 60
        while not (run.state and run.state.is_final()) and time.monotonic() < deadline:
            time.sleep(1)
            run = client.read_flow_run(beat.flow_run_id)
    # Created by the scheduler, not asked for by anyone, and finished cleanly.
    assert run.auto_scheduled, run
    assert run.state is not None and run.state.is_completed(), run.state


def test_the_deadline_watcher_run_by_its_schedule_ends_a_standstill_that_has_run_its_course(
    stack: Stack,
) -> None:
    ended = _wait(
        "the scheduled deadline watcher did not end the standstill",
        stack,
        lambda: db.session.scalar(
            select(StageDates.actual_end).where(
                StageDates.stage == "standstill", StageDates.actual_end.is_not(None)
            )
        ),
    )
    assert ended == date(2026, 6, 26)


def test_the_health_check_passes_while_scheduled_runs_happen_and_fails_once_the_worker_stops(
    stack: Stack,
) -> None:
    _wait(
        "no scheduled heartbeat was recorded",
        stack,
        lambda: db.session.scalar(select(WorkerHeartbeat.id)),
    )
    healthy = stack.doctor()
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "OK: scheduled runs are being created" in healthy.stdout
    for name in ("worker-heartbeat/heartbeat", "deadline-watcher/watch", "capital-round/advance"):
        assert f"{name}: next run 20" in healthy.stdout, healthy.stdout

    server, worker = stack.processes
    _stop([worker])
    time.sleep(8)
    silent = stack.doctor("--stale-minutes", "0.1")
    assert silent.returncode == 1, silent.stdout + silent.stderr
    assert "Problem: The worker was last seen" in silent.stderr
    assert "tenderflow doctor" in silent.stderr  # says what to do

    _stop([server])
    down = stack.doctor("--json")
    assert down.returncode == 1
    assert '"reachable": false' in down.stdout
