"""How long asking for a stage transition takes on the web, and how long the worker takes to apply it.

Targets: submitting a transition returns to the browser in under 150 ms at the median,
whether the Prefect server is running or down; with a running worker the move is applied
within 3 s of asking at the median, and within 1.5 times the floor: a no-op flow run
("noop/noop") asked for, sent and started the same way, timed in the same run. The script
uses a fresh SQLite database, the Flask test client and (for the running case) a temporary
Prefect server with the real `tenderflow worker` (serving, or with --pool taking runs from a
work pool that `tenderflow deploy` registered).

Run with: .venv/bin/python benchmarks/transitions.py [--moves 20] [--down-only] [--pool]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

SUBMIT_TARGET_MS = 150.0
COMPLETE_TARGET_S = 3.0
FLOOR_RATIO_TARGET = 1.5
POLL_SECONDS = 0.02

os.environ.setdefault("TENDERFLOW_NOW", "2026-06-15T10:00:00+01:00")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="tenderflow-bench-prefect-")
os.environ.pop("PREFECT_API_URL", None)


def build_app(database: Path) -> Any:
    import flask_migrate

    from tenderflow import create_app
    from tenderflow.extensions import db
    from tenderflow.paths import MIGRATIONS_DIR
    from tenderflow.services.reference_data import load_reference_data

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "benchmark-only",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        load_reference_data(db.session)
        db.session.commit()
    return app


def make_procurements(app: Any, prefix: str, count: int) -> tuple[int, list[str]]:
    from datetime import date

    from tenderflow import clock
    from tenderflow.domain.roles import Role
    from tenderflow.extensions import db
    from tenderflow.services import procurements, users

    with app.app_context():
        lead = users.find_by_email(db.session, "bench-lead@council.example") or users.create_user(
            db.session,
            users.UserInput(
                email="bench-lead@council.example",
                name="Benchmark lead",
                roles={Role.PROCUREMENT_LEAD},
                password="a-long-benchmark-password",
            ),
        )
        references = []
        for number in range(count):
            procurement = procurements.create_procurement(
                db.session,
                procurements.ProcurementInput(
                    title=f"Floating support {number}",
                    reference=f"{prefix}-{number}",
                    rule_set="cambridgeshire-2008",
                    value=Decimal("900000"),
                    value_basis="whole-life",
                    category="services",
                    start_date=date(2026, 6, 1),
                    districts=["fenland"],
                ),
                lead,
                clock.now(),
            )
            references.append(procurement.reference)
        db.session.commit()
        return lead.id, references


def submit_all(app: Any, lead_id: int, references: list[str]) -> list[float]:
    """POST the move for each procurement; return each response's time in milliseconds."""
    from tenderflow import clock
    from tenderflow.extensions import db
    from tenderflow.models import User
    from tenderflow.web import sessions

    client = app.test_client()
    with app.app_context():
        version = db.session.get(User, lead_id).session_version
        db.session.remove()
    began = clock.wall_now().timestamp()
    with client.session_transaction() as session:
        session["_user_id"] = str(lead_id)
        session["_fresh"] = True
        session[sessions.VERSION] = version
        session[sessions.STARTED] = began
        session[sessions.SEEN] = began
    timings = []
    for reference in references:
        started = time.perf_counter()
        response = client.post(f"/procurements/{reference}/move", data={})
        timings.append((time.perf_counter() - started) * 1000)
        # Back to the procurement page: a redirect to sign in would mean nothing was asked.
        location = response.headers.get("Location", "")
        assert response.status_code == 302 and f"/procurements/{reference}" in location, (
            response.status_code,
            location,
            response.get_data(as_text=True)[:300],
        )
    return timings


def wait_applied(app: Any, references: list[str], started: dict[str, float]) -> list[float]:
    """Wait until every move is decided; return seconds from asking to applied."""
    from sqlalchemy import select

    from tenderflow.extensions import db
    from tenderflow.models import Procurement, Transition

    done: dict[str, float] = {}
    deadline = time.monotonic() + 120
    with app.app_context():
        while len(done) < len(references) and time.monotonic() < deadline:
            rows = db.session.execute(
                select(Procurement.reference, Transition.status)
                .join(Transition, Transition.procurement_id == Procurement.id)
                .where(Procurement.reference.in_(references))
            ).all()
            for reference, status in rows:
                if status != "queued" and reference not in done:
                    done[reference] = time.monotonic() - started[reference]
            db.session.remove()
            time.sleep(POLL_SECONDS)
    missing = set(references) - set(done)
    if missing:
        raise SystemExit(f"not applied within 120 s: {sorted(missing)}")
    return [done[r] for r in references]


def report(label: str, values: list[float], unit: str, target: float) -> bool:
    median = statistics.median(values)
    ok = median < target
    print(
        f"{label}: median {median:.1f} {unit}, max {max(values):.1f} {unit} "
        f"over {len(values)} (target under {target:g} {unit}) {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--down-only", action="store_true", help="Skip the running-server part.")
    parser.add_argument(
        "--pool", action="store_true", help="Run a work pool's worker instead of serving."
    )
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tenderflow-bench-"))
    database = work / "bench.sqlite3"
    app = build_app(database)
    results = []

    # The Prefect server is down: the move is recorded and stays queued.
    os.environ["PREFECT_API_URL"] = "http://127.0.0.1:9/api"
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        lead_id, references = make_procurements(app, "DOWN", options.moves)
        results.append(
            report(
                "Submit, server down", submit_all(app, lead_id, references), "ms", SUBMIT_TARGET_MS
            )
        )
    os.environ.pop("PREFECT_API_URL", None)
    if options.down_only:
        return 0 if all(results) else 1

    from prefect.testing.utilities import prefect_test_harness

    print("Starting a temporary Prefect server and the worker ...")
    with prefect_test_harness(server_startup_timeout=90):
        api = str(PREFECT_API_URL.value())
        env = {
            **os.environ,
            "PREFECT_API_URL": api,
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "benchmark-only",
        }
        worker_bin = Path(sys.executable).parent / "tenderflow"
        if options.pool:
            subprocess.run(
                [str(worker_bin), "deploy", "--pool", "bench", "--no-schedules"],
                env=env,
                check=True,
                capture_output=True,
            )
            command = [str(worker_bin), "worker", "--pool", "bench"]
        else:
            command = [str(worker_bin), "worker", "--no-schedules"]
        log = (work / "worker.log").open("wb")
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_deployment(worker)
            # The moves queued while the server was down are sent by the worker's dispatcher.
            started = {r: time.monotonic() for r in references}
            wait_applied(app, references, started)
            print(
                f"Moves queued while the server was down: all {len(references)} applied once it was up."
            )
            # Warm up: the first runs pay for the worker's own start.
            for _ in range(2):
                run_noop(app)

            # One move at a time, as a lead makes them: answer time, then time until applied;
            # and beside each, a no-op run asked for the same way: the floor.
            lead_id, running = make_procurements(app, "UP", options.moves)
            timings, completed, floor = [], [], []
            for reference in running:
                floor.append(run_noop(app))
                started = {reference: time.monotonic()}
                timings += submit_all(app, lead_id, [reference])
                completed += wait_applied(app, [reference], started)
            results.append(report("Submit, server running", timings, "ms", SUBMIT_TARGET_MS))
            report("Floor: a no-op run, asked to finished", floor, "s", COMPLETE_TARGET_S)
            results.append(
                report("Ask to applied, worker running", completed, "s", COMPLETE_TARGET_S)
            )
            ratio = statistics.median(completed) / statistics.median(floor)
            ok = ratio <= FLOOR_RATIO_TARGET
            print(
                f"Ask to applied against the floor: {ratio:.2f} times at the median "
                f"(target at most {FLOOR_RATIO_TARGET:g}) {'OK' if ok else 'MISSED'}"
            )
            results.append(ok)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0 if all(results) else 1


def run_noop(app: Any) -> float:
    """Ask for a no-op run as the web app asks for a move; return seconds until it finished."""
    import uuid

    from prefect.client.orchestration import get_client

    from tenderflow import clock
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs

    started = time.monotonic()
    with app.app_context():
        # As the app starts a run; when Prefect is too busy to take it, the dispatcher sends it.
        request = flow_runs.start(
            db.session,
            flow_runs.NOOP,
            {},
            key=f"noop:{uuid.uuid4().hex}",
            description="Benchmark floor",
            who=None,
            now=clock.now(),
        )
        request_id = request.id
        deadline = time.monotonic() + 120
        run_id = None
        while run_id is None and time.monotonic() < deadline:
            db.session.remove()
            run_id = db.session.get(flow_runs.FlowRunRequest, request_id).flow_run_id
            time.sleep(POLL_SECONDS)
        db.session.remove()
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(run_id).state
            if state is not None and state.is_final():
                assert state.is_completed(), state
                return time.monotonic() - started
            time.sleep(POLL_SECONDS)
    raise SystemExit("the no-op run did not finish within 120 s")


def _wait_for_deployment(worker: subprocess.Popen[bytes], seconds: float = 90) -> None:
    from prefect.client.orchestration import get_client

    from tenderflow.services import flow_runs

    deadline = time.monotonic() + seconds
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit("the worker stopped")
            try:
                client.read_deployment_by_name(flow_runs.TRANSITION)
                client.read_deployment_by_name(flow_runs.NOOP)
                return
            except Exception:
                time.sleep(0.5)
    raise SystemExit("the worker did not register its deployments")


if __name__ == "__main__":
    sys.exit(main())
