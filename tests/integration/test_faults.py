"""Faults on the real stack: a worker killed mid-flow, PostgreSQL stopped, the Prefect server stopped.

The module starts what production runs: a PostgreSQL server of its own (``initdb`` into a
temporary directory, on a free port; the machine's own server is never touched), a Prefect
server (`prefect server start`, its own PREFECT_HOME, a free port) and `tenderflow worker`
processes, killed and started as each test needs. Flows are stopped at a known point by
``TENDERFLOW_FAULT_PAUSE`` (see workflows/faults.py). The lease is shortened to seconds
(``TENDERFLOW_RUN_HEARTBEAT_SECONDS``, ``TENDERFLOW_RUN_LEASE_SECONDS``) so that a dead
worker is noticed quickly.

It runs once (not per database): it starts its own servers, which take a while.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from tenderflow import clock, create_app
from tenderflow.cli.workflow_commands import _start, _stop, _wait_for
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    FlowRunRequest,
    GeneratedDocument,
    OutboxMessage,
    Procurement,
    Transition,
    User,
)
from tenderflow.paths import MIGRATIONS_DIR
from tenderflow.services import ServiceError, flow_runs, users
from tenderflow.services.reference_data import load_reference_data
from tenderflow.services.timetable import transitions
from tests.integration.capital_world import a_round, a_scheme, accept, close, score
from tests.integration.conftest import PASSWORD, IsolatedClient, config_for, sign_in_as
from tests.integration.timetable_data import national_procurement
from workflows.registry import deployment_names

# Its own servers and workers: run after the parallel part, with the machine to itself.
pytestmark = pytest.mark.alone

PG_BIN = Path("/usr/lib/postgresql/15/bin")
FROZEN_NOW = "2026-06-15T10:00:00+01:00"  # the same as config_for's, for the workers
HEARTBEAT_SECONDS = 2
LEASE_SECONDS = 20
# From the kill to the move applied: a fresh worker starts (~15 s), the lease runs out (20 s),
# the dispatcher notices (within 5 s) and the run is sent again and done (~10 s): about 30 to
# 60 s. The limit allows for a machine so busy that a flow's process takes a minute to start.
RECOVERY_SECONDS = 180
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL server of the test's own, in a temporary directory, on a free port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        # initdb refuses to run as root: run the server's commands as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.as_user, *command], check=True, capture_output=True, timeout=120, cwd="/"
        )

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.fail(f"PostgreSQL 15's initdb is needed at {PG_BIN}", pytrace=False)
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=100"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "postgres.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


class Stack:
    """The servers and workers, and how to start and stop them."""

    def __init__(self, root: Path, postgres: PrivatePostgres, app: Flask, env: dict[str, str]):
        self.root = root
        self.postgres = postgres
        self.app = app
        self.env = env
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.logs = root / "logs"
        self.api = env["PREFECT_API_URL"]

    def start_server(self) -> None:
        command = [
            str(Path(sys.executable).parent / "prefect"),
            "server", "start", "--host", "127.0.0.1", "--port", self.env["FAULTS_PREFECT_PORT"],
        ]  # fmt: skip
        self.server = _start(command, self.env, self.logs / "prefect-server.log")
        if not _wait_for(self.api, START_SECONDS):
            pytest.fail(f"the Prefect server did not start:\n{self.logs_text()}", pytrace=False)

    def stop_server(self) -> None:
        if self.server is not None:
            _stop([self.server])
            self.server = None

    def start_worker(self, **extra: str) -> subprocess.Popen[bytes]:
        """Start `tenderflow worker` (in a session of its own) and wait for its deployments."""
        env = {**self.env, **extra}
        command = [
            str(Path(sys.executable).parent / "tenderflow"),
            "worker", "--poll-seconds", "1", "--no-schedules",
        ]  # fmt: skip
        n = len(self.workers) + 1
        began = time.monotonic()
        worker = _start(command, env, self.logs / f"worker-{n}.log")
        self.workers.append(worker)
        self._wait_for_deployments(worker)
        print(f"worker {n} serving after {time.monotonic() - began:.1f} s")
        return worker

    def _wait_for_deployments(self, worker: subprocess.Popen[bytes]) -> None:
        from prefect.client.orchestration import get_client

        # A deployment served by an earlier worker is already registered: wait for this one's
        # own registration, which updates the deployment after it started.
        started = time.time()
        deadline = time.monotonic() + START_SECONDS
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                if worker.poll() is not None:
                    pytest.fail(f"the worker stopped:\n{self.logs_text()}", pytrace=False)
                try:
                    found = [client.read_deployment_by_name(n) for n in deployment_names()]
                    if all(d.updated and d.updated.timestamp() >= started - 1 for d in found):
                        return
                except Exception:
                    pass
                time.sleep(0.5)
        pytest.fail(f"the worker did not serve its deployments:\n{self.logs_text()}")

    def kill_worker(self, worker: subprocess.Popen[bytes], also: int | None = None) -> None:
        """kill -9 the worker and every process it started (its flow runs)."""
        with suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        if also is not None:
            with suppress(ProcessLookupError):
                os.kill(also, signal.SIGKILL)
        worker.wait(timeout=30)

    def stop_workers(self) -> None:
        """Stop every worker (SIGTERM, then after a few seconds SIGKILL to what is left)."""
        alive = [w for w in self.workers if w.poll() is None]
        for worker in alive:
            worker.terminate()
        for worker in alive:
            with suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=5)
            # Its process group too: a flow run left paused by a fault point goes with it.
            with suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

    def logs_text(self) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            lines = log.read_text(errors="replace").splitlines()
            # The runner's "skipped (at capacity)" lines say nothing about what went wrong.
            lines = [line for line in lines if "(at capacity)" not in line]
            parts.append(f"--- {log.name}\n" + "\n".join(lines)[-12000:])
        return "\n".join(parts)

    def wait(self, what: str, found: Callable[[], Any], seconds: float) -> float:
        """Wait until ``found()`` is true; return how long it took."""
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            db.session.rollback()
            db.session.expire_all()
            try:
                if found():
                    took = time.monotonic() - began
                    print(f"{what.replace(' not ', ' ')} after {took:.1f} s")
                    return took
            except DBAPIError:
                db.session.rollback()
            time.sleep(0.5)
        pytest.fail(
            f"{what} within {seconds} s:\n{requests_text()}\n{self.logs_text()}", pytrace=False
        )

    def admin_page(self, admin: User) -> str:
        client = self.app.test_client()
        sign_in_as(client, admin)
        response = client.get("/admin/workflows")
        assert response.status_code == 200
        return str(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    root = Path(tempfile.mkdtemp(prefix="tenderflow-faults-"))
    os.chmod(root, 0o755)  # the postgres user reaches its data directory through it
    postgres = PrivatePostgres(root / "postgres")
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, root, ignore_errors=True)
        postgres.init()
        postgres.start()
        cleanup.callback(lambda: postgres.running() and postgres.stop())
        engine = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE tenderflow"))
        engine.dispose()
        database_url = postgres.url("tenderflow")

        app = create_app(config_for(database_url, root))
        app.test_client_class = IsolatedClient
        with app.app_context():
            flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
            load_reference_data(db.session)
            db.session.commit()
            db.session.remove()

        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "tests-only-secret-key",
            "TENDERFLOW_NOW": FROZEN_NOW,
            "TENDERFLOW_DOCUMENTS_DIR": str(root / "documents"),
            "TENDERFLOW_UPLOAD_DIR": str(root / "uploads"),
            "TENDERFLOW_LOG_DIR": str(root / "logs"),
            "TENDERFLOW_RUN_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "TENDERFLOW_RUN_LEASE_SECONDS": str(LEASE_SECONDS),
            "TENDERFLOW_RUN_START_SECONDS": "120",
            "FAULTS_PREFECT_PORT": str(port),
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_HOME": str(root / "prefect"),
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "INFO",
        }
        for name in ("TENDERFLOW_FAULT_PAUSE", "TENDERFLOW_FAULT_MARKER"):
            env.pop(name, None)
        the_stack = Stack(root, postgres, app, env)
        cleanup.callback(the_stack.stop_server)
        cleanup.callback(the_stack.stop_workers)  # runs first: workers, then the server
        the_stack.start_server()
        cleanup.enter_context(temporary_settings(updates={PREFECT_API_URL: the_stack.api}))
        cleanup.enter_context(app.app_context())
        yield the_stack
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def requests_text() -> str:
    """Every run request as the app sees it, for a failure's message."""
    db.session.rollback()
    return "\n".join(
        f"request {r.id} {r.description}: {r.status} ({r.state_name}), run {r.flow_run_id}, "
        f"recovered {r.recoveries}, error {r.error!r}, crash {r.crash!r}"
        for r in db.session.scalars(select(FlowRunRequest).order_by(FlowRunRequest.id))
    )


def a_user(*roles: Role, district: str | None = None) -> User:
    n = db.session.scalar(select(func.count(User.id))) + 1
    user = users.create_user(
        db.session,
        users.UserInput(
            email=f"fault-{n}@council.example",
            name=f"Fault test {n}",
            roles=set(roles),
            password=PASSWORD,
            district_code=district,
        ),
    )
    db.session.commit()
    return user


def ask_for_move(procurement: Procurement, lead: User) -> Transition:
    """Ask for the move to EOI as the web app does: record it, then try to send it."""
    transition = transitions.request_transition(db.session, procurement, "eoi", lead, clock.now())
    db.session.commit()
    flow_runs.send(db.session, transition.flow_run_request_id, clock.now())
    return transition


def applied_once(transition: Transition) -> bool:
    """Say whether the move is applied, its request done, and nothing was done twice."""
    db.session.refresh(transition)
    request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
    if transition.status != "applied" or request is None or request.status != "completed":
        return False
    procurement = db.session.get(Procurement, transition.procurement_id)
    assert procurement is not None and procurement.stage == "eoi"
    stage_changes = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.entity == "procurements",
            AuditEvent.entity_id == str(procurement.id),
            AuditEvent.field == "stage",
        )
    )
    assert stage_changes == 1, f"{procurement.reference} changed stage {stage_changes} times"
    messages = db.session.scalars(
        select(OutboxMessage.key).where(OutboxMessage.key.like(f"transition:{transition.id}:%"))
    ).all()
    assert messages == [f"transition:{transition.id}:applied:{procurement.lead_id}"], messages
    return True


def marker_pid(marker: Path, stack: Stack, seconds: float = 180) -> int:
    """Wait until a flow has stopped at its fault point; return the flow's process id."""
    stack.wait("the flow did not reach its fault point", marker.exists, seconds)
    time.sleep(0.2)  # the marker is written in one go; let it land
    return int(marker.read_text().split()[0])


def test_a_worker_killed_between_the_gates_and_the_move_is_replaced_and_the_move_applied_once(
    stack: Stack,
) -> None:
    lead = a_user(Role.PROCUREMENT_LEAD)
    admin = a_user(Role.ADMIN)
    procurement = national_procurement(lead, "TT-FAULT-1")
    marker = stack.root / "after-gates"
    worker = stack.start_worker(
        TENDERFLOW_FAULT_PAUSE="stage-transition:after-gates", TENDERFLOW_FAULT_MARKER=str(marker)
    )
    transition = ask_for_move(procurement, lead)
    flow_pid = marker_pid(marker, stack)
    db.session.refresh(transition)
    assert transition.status == "queued" and procurement.stage == "planning"

    stack.kill_worker(worker, also=flow_pid)
    killed_at = time.monotonic()
    stack.start_worker()  # a fresh worker, without the fault point
    stack.wait("the move was not applied", lambda: applied_once(transition), RECOVERY_SECONDS)
    took = time.monotonic() - killed_at
    assert took < RECOVERY_SECONDS

    request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
    assert request is not None
    assert request.recoveries == 1, (request.recoveries, request.crash, stack.logs_text())
    assert "no heartbeat for" in (request.crash or "") and "its worker has died" in request.crash
    page = stack.admin_page(admin)
    assert "Crashed run of Move TT-FAULT-1 to Expressions of interest" in page
    assert "recovered 1 time, now completed" in page
    stack.stop_workers()


def test_a_flow_killed_between_the_priority_list_and_its_document_is_run_again_to_write_it(
    stack: Stack,
) -> None:
    people = {
        "admin": a_user(Role.ADMIN),
        "fenland": a_user(Role.DISTRICT_OFFICER, district="fenland"),
        "partnership": a_user(Role.PARTNERSHIP_OFFICER),
        "scorer": a_user(Role.SP_SCORER),
    }
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    score(scheme, people["scorer"], 4, 4, 4, 4, 4)
    close(round_)
    marker = stack.root / "after-priority-list"
    # This worker keeps its fault point for the tests after this one: it touches only this flow.
    worker = stack.start_worker(
        TENDERFLOW_FAULT_PAUSE="capital-round:after-priority-list",
        TENDERFLOW_FAULT_MARKER=str(marker),
    )
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.CAPITAL_ROUND,
        parameters={"round_id": round_.id},
        key=f"capital-round-fault:{round_.id}",
        description=f"Advance {round_.title}",
        now=clock.now(),
    )
    db.session.commit()
    assert flow_runs.submit(db.session, request, clock.now())
    db.session.commit()
    flow_pid = marker_pid(marker, stack)
    db.session.refresh(round_)
    listed_at = round_.listed_at
    assert listed_at is not None

    # Only the flow's process dies (as when the kernel kills it for memory): the worker sees
    # it end and Prefect records it Crashed; the dispatcher sends the request again.
    os.kill(flow_pid, signal.SIGKILL)

    def finished() -> bool:
        db.session.refresh(request)
        return request.status == "completed"

    took = stack.wait("the round's run was not finished", finished, RECOVERY_SECONDS)
    assert took < RECOVERY_SECONDS
    assert worker.poll() is None
    db.session.refresh(round_)
    assert round_.listed_at == listed_at  # the list was produced once
    documents = db.session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.subject == f"capital-round:{round_.id}")
    ).all()
    assert len(documents) == 1 and documents[0].flow_run_request_id == request.id
    assert (stack.root / "documents" / "generated" / documents[0].stored_name).exists()
    assert request.recoveries == 1 and "crashed (Crashed" in (request.crash or "")
    assert request.result is not None
    assert request.result[str(round_.id)]["priority_list"] is False  # not produced again
    page = stack.admin_page(people["admin"])
    assert f"Crashed run of Advance {round_.title}" in page


def test_moves_asked_for_while_postgresql_is_stopped_and_restarted_are_all_applied_once(
    stack: Stack,
) -> None:
    # Each move stops for a few seconds after its gates, so that the database goes while
    # moves are half done: they must ride it out (their steps retry) or be sent again.
    stack.stop_workers()
    marker = stack.root / "pg-after-gates"
    stack.start_worker(
        TENDERFLOW_FAULT_PAUSE="stage-transition:after-gates",
        TENDERFLOW_FAULT_MARKER=str(marker),
        TENDERFLOW_FAULT_PAUSE_SECONDS="4",
    )
    lead = a_user(Role.PROCUREMENT_LEAD)
    # As many moves as the worker runs at once (--limit 4): three asked for before the
    # database stops, one while it is down and coming back.
    procurements = [national_procurement(lead, f"TT-PG-{n}") for n in range(1, 5)]
    before = [ask_for_move(p, lead) for p in procurements[:3]]
    later = [p.id for p in procurements[3:]]
    marker_pid(marker, stack)  # a move is half done

    stack.postgres.stop()
    down_at = time.monotonic()
    # Back after a few seconds; meanwhile the app keeps asking for the last move.
    restart = threading.Timer(5, stack.postgres.start)
    restart.start()
    asked: list[Transition] = []
    refused_while_down = 0
    try:
        for procurement_id in later:
            while time.monotonic() - down_at < 60:
                try:
                    procurement = db.session.get(Procurement, procurement_id)
                    assert procurement is not None
                    asked.append(ask_for_move(procurement, lead))
                    break
                except ServiceError:  # recorded, then the database went before it was sent
                    db.session.rollback()
                    asked.append(
                        db.session.scalars(
                            select(Transition).where(Transition.procurement_id == procurement_id)
                        ).one()
                    )
                    break
                except DBAPIError:
                    db.session.rollback()
                    refused_while_down += 1
                    time.sleep(0.5)
    finally:  # the server is started again however the asking went
        restart.join()
    assert refused_while_down > 0, "the database was never seen down"
    assert len(asked) == 1

    for transition in before + asked:
        stack.wait(
            f"move {transition.id} was not applied",
            lambda t=transition: applied_once(t),
            RECOVERY_SECONDS,
        )
    assert db.session.scalar(
        select(func.count(Procurement.id)).where(
            Procurement.reference.like("TT-PG-%"), Procurement.stage == "eoi"
        )
    ) == len(procurements)
    print(requests_text())


def test_moves_asked_for_while_the_prefect_server_is_stopped_wait_visibly_then_are_applied_once(
    stack: Stack,
) -> None:
    if not any(w.poll() is None for w in stack.workers):
        stack.start_worker()
    lead = a_user(Role.PROCUREMENT_LEAD)
    admin = a_user(Role.ADMIN)
    procurements = [national_procurement(lead, f"TT-PREFECT-{n}") for n in range(1, 3)]
    stack.stop_server()
    asked = [ask_for_move(p, lead) for p in procurements]
    for transition in asked:
        request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
        assert request is not None and request.status == "queued"
        assert "cannot be reached" in (request.error or "")
    page = stack.admin_page(admin)
    assert "cannot be reached" in page
    assert page.count("The workflow server cannot be reached; the request will be sent") >= 2
    time.sleep(3)  # the worker's dispatcher, finding no server, leaves them queued
    db.session.expire_all()
    assert all(
        db.session.get(FlowRunRequest, t.flow_run_request_id).status == "queued"  # type: ignore[union-attr]
        for t in asked
    )

    stack.start_server()
    for transition in asked:
        stack.wait(
            f"move {transition.id} was not applied",
            lambda t=transition: applied_once(t),
            RECOVERY_SECONDS,
        )
    print(requests_text())
