"""The Prefect side of the app: the worker, and `tenderflow run` supervising everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click

from tenderflow.paths import INSTANCE_DIR, logs_dir

DEFAULT_PREFECT_PORT = 4200
REFRESH_SECONDS = 5.0


def _dispatch_forever(stop: threading.Event, every: float) -> None:
    """Send queued run requests to Prefect until told to stop."""
    from tenderflow import clock, create_app
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs
    from tenderflow.services.unit_of_work import unit_of_work

    app = create_app()
    last_refresh = 0.0
    while not stop.wait(every):
        with app.app_context():
            try:
                # Each request is claimed, sent and committed on its own.
                sent = flow_runs.submit_queued(db.session, clock.now())
                # Every few seconds, record what Prefect says of runs under way (a crash is
                # seen only there); the pages that poll a run only read.
                if time.monotonic() - last_refresh >= REFRESH_SECONDS:
                    last_refresh = time.monotonic()
                    with unit_of_work(db.session):
                        flow_runs.refresh_unfinished(db.session, clock.now())
                if sent:
                    click.echo(f"Sent {sent} queued request(s) to the workflow server.")
            except Exception as exc:  # keep dispatching whatever one round does
                click.echo(f"Dispatch failed: {exc}", err=True)
            finally:
                db.session.remove()  # closing the session rolls back whatever was left


DEFAULT_POOL = "tenderflow"


@click.command("worker")
@click.option(
    "--poll-seconds",
    default=0.5,
    show_default=True,
    type=float,
    help="How often to ask the server for runs to start (half of it, on average, is added to "
    "the time until a run starts).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Do not serve: check the worker and the scheduled runs, as `tenderflow doctor` does.",
)
@click.option("--limit", default=4, show_default=True, type=int, help="Flow runs at once.")
@click.option(
    "--no-schedules",
    is_flag=True,
    help="Run flows only when asked for: no heartbeat, deadline watch or hourly round runs.",
)
@click.option(
    "--pool",
    default=None,
    help="Take runs from this Prefect work pool (see `tenderflow deploy`) instead of serving "
    "the deployments in this process; run as many such workers as needed.",
)
@click.option("--name", default=None, help="The worker's name in Prefect (with --pool).")
def worker(
    poll_seconds: float,
    limit: int,
    no_schedules: bool,
    check: bool,
    pool: str | None,
    name: str | None,
) -> None:
    """Serve every deployment, and send queued requests once the server is up."""
    if check:
        raise SystemExit(_report_health(as_json=False, stale_minutes=None))
    if pool is not None and no_schedules:
        raise click.UsageError(
            "--no-schedules applies only without --pool: a pool's schedules are set by "
            "`tenderflow deploy --no-schedules`"
        )
    if name is not None and pool is None:
        raise click.UsageError("--name applies only with --pool")
    if poll_seconds <= 0 or limit < 1:
        raise click.UsageError("--poll-seconds must be more than 0 and --limit at least 1")
    from tenderflow.services.flow_runs import api_url, server_reachable

    stop = threading.Event()
    threading.Thread(
        target=_dispatch_forever, args=(stop, min(poll_seconds, 1.0)), daemon=True
    ).start()
    waiting_said = False
    try:
        while True:
            if not server_reachable(api_url()):
                if not waiting_said:
                    click.echo(f"Waiting for the workflow server at {api_url()} ...")
                    waiting_said = True
                time.sleep(2)
                continue
            waiting_said = False
            try:
                if pool is None:
                    _serve(poll_seconds=poll_seconds, limit=limit, no_schedules=no_schedules)
                else:
                    _work_pool(pool, name=name, poll_seconds=poll_seconds, limit=limit)
                return
            except Exception as exc:  # the server went away: wait for it and serve again
                click.echo(f"Worker stopped ({type(exc).__name__}: {exc}); restarting.", err=True)
                time.sleep(2)
    finally:
        stop.set()


def _serve(*, poll_seconds: float, limit: int, no_schedules: bool) -> None:
    """Serve every deployment from this process (one machine, `make run`)."""
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    from workflows.launch import fork_runs_from_a_loaded_process
    from workflows.registry import served

    fork_runs_from_a_loaded_process()
    runner = Runner(limit=limit, query_seconds=poll_seconds, pause_on_shutdown=False)
    # Added as flows, not as deployments (as `prefect.serve` adds them): the runner then starts
    # each run from the flow it holds, forked ready-loaded, instead of a new `python -m
    # prefect.engine` that imports everything again.
    for flow, deployment_name, options in served(schedules=not no_schedules):
        runner.add_flow(flow, name=deployment_name, **options)
    click.echo("Worker serving tenderflow's deployments.")
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        click.echo("Worker stopped.")


def _work_pool(pool: str, *, name: str | None, poll_seconds: float, limit: int) -> None:
    """Take runs from a process work pool, as `prefect worker start --pool` does."""
    import anyio
    from prefect.settings import PREFECT_WORKER_QUERY_SECONDS, temporary_settings
    from prefect.workers.process import ProcessWorker

    from workflows.runtime import host_name

    worker_name = name or f"tenderflow {host_name()} {os.getpid()}"
    click.echo(f"Worker {worker_name!r} taking runs from work pool {pool!r}.")
    with temporary_settings(updates={PREFECT_WORKER_QUERY_SECONDS: poll_seconds}):
        process_worker = ProcessWorker(
            work_pool_name=pool,
            name=worker_name,
            limit=limit,
            prefetch_seconds=max(poll_seconds * 2, 2.0),
            create_pool_if_not_found=False,
        )
        anyio.run(process_worker.start)


@click.command("deploy")
@click.option(
    "--pool",
    default=DEFAULT_POOL,
    show_default=True,
    help="The Prefect process work pool to create (when missing) and register in.",
)
@click.option(
    "--no-schedules",
    is_flag=True,
    help="Register the deployments without their schedules (they run only when asked for).",
)
def deploy(pool: str, no_schedules: bool) -> None:
    """Register every deployment, schedules included, in a process work pool."""
    from tenderflow.services.flow_runs import api_url, server_reachable
    from workflows.registry import register

    if not pool.strip() or "/" in pool:
        raise click.UsageError(f"--pool must be a work pool name, not {pool!r}")
    if not server_reachable(api_url()):
        raise click.ClickException(
            f"the workflow server cannot be reached at {api_url() or '(PREFECT_API_URL unset)'}"
        )
    for full_name in register(pool, schedules=not no_schedules):
        click.echo(f"Registered {full_name} in work pool {pool!r}.")
    click.echo(f"Start workers with: tenderflow worker --pool {pool}")


def _report_health(*, as_json: bool, stale_minutes: float | None) -> int:
    """Print the workflows' health; return 0 when all is well, 1 when anything is wrong."""
    import json
    from datetime import timedelta

    from tenderflow import clock
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs
    from tenderflow.services.flow_runs import health as workflow_health
    from tenderflow.services.unit_of_work import unit_of_work

    stale_after = (
        timedelta(minutes=stale_minutes)
        if stale_minutes is not None
        else workflow_health.HEARTBEAT_STALE_AFTER
    )
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # Without PREFECT_API_URL, look where `tenderflow run` starts its local server.
    port = int(os.environ.get("TENDERFLOW_PREFECT_PORT", DEFAULT_PREFECT_PORT))
    server = flow_runs.api_url() or f"http://127.0.0.1:{port}/api"
    with (
        temporary_settings(updates={PREFECT_API_URL: server}),
        app_context("workflow check"),
        unit_of_work(db.session),
    ):  # only reads
        health = workflow_health.check(
            db.session,
            clock.wall_now(),
            deployments=flow_runs.scheduled_deployment_names(),
            server=server,
            reachable=flow_runs.server_reachable(server),
            stale_after=stale_after,
        )
    if as_json:
        click.echo(json.dumps(health.as_json(), indent=2))
        return 0 if health.healthy else 1
    click.echo(
        f"Workflow server: {health.server or 'not configured'}"
        f" ({'reachable' if health.reachable else 'cannot be reached'})"
    )
    seen = health.heartbeat_at.isoformat(timespec="seconds") if health.heartbeat_at else "never"
    click.echo(
        f"Worker last seen: {seen}"
        + (f" on {health.heartbeat_host}" if health.heartbeat_host else "")
    )
    for state in health.schedules or []:
        upcoming = state.next_run.isoformat(timespec="seconds") if state.next_run else "none"
        last = (
            f"{state.last_state} at {state.last_run.isoformat(timespec='seconds')}"
            if state.last_run
            else "never ran"
        )
        click.echo(f"  {state.deployment}: next run {upcoming}; last run {last}")
    for error in health.errors:
        click.echo(f"Error ({error.source}{', ' + error.at if error.at else ''}): {error.message}")
    if health.healthy:
        click.echo("OK: scheduled runs are being created and the worker is answering.")
        return 0
    for problem in health.problems:
        click.echo(f"Problem: {problem}", err=True)
    click.echo(workflow_health.WHAT_TO_DO, err=True)
    return 1


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--stale-minutes",
    type=click.FloatRange(min=0.1),
    default=None,
    help="How old the worker's last heartbeat may be (default 5 minutes).",
)
def doctor(as_json: bool, stale_minutes: float | None) -> None:
    """Check the workflow server, its scheduler and the worker; exit 1 when anything is wrong."""
    raise SystemExit(_report_health(as_json=as_json, stale_minutes=stale_minutes))


@click.command("dispatch")
def dispatch() -> None:
    """Send every queued run request to Prefect now."""
    from tenderflow import clock
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs

    with app_context():
        # Each request is claimed, sent and committed on its own.
        sent = flow_runs.submit_queued(db.session, clock.now())
    click.echo(f"Sent {sent} queued request(s).")


def _wait_for(url: str, seconds: float) -> bool:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("ab")
    # A new session, so Ctrl+C in the terminal reaches us and we stop the children in order.
    return subprocess.Popen(
        command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start_workflow_services(env: dict[str, str]) -> tuple[list[subprocess.Popen[bytes]], str]:
    """Start a local Prefect server (unless PREFECT_API_URL names one) and the worker."""
    bin_dir = Path(sys.executable).parent
    logs = logs_dir(env)
    processes: list[subprocess.Popen[bytes]] = []
    if env.get("PREFECT_API_URL"):
        api = env["PREFECT_API_URL"].rstrip("/")
    else:
        port = int(env.get("TENDERFLOW_PREFECT_PORT", DEFAULT_PREFECT_PORT))
        api = f"http://127.0.0.1:{port}/api"
        env["PREFECT_HOME"] = env.get("PREFECT_HOME", str(INSTANCE_DIR / "prefect"))
        env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        env.setdefault("PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT", "false")
        if not _wait_for(api, 0.5):
            command = [
                str(bin_dir / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ]
            processes.append(_start(command, env, logs / "prefect-server.log"))
        env["PREFECT_API_URL"] = api
    processes.append(_start([str(bin_dir / "tenderflow"), "worker"], env, logs / "worker.log"))
    return processes, api


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Serve the web app with the Prefect server and worker, and stop them together."""
    from waitress import serve

    from tenderflow.demo import DEMO_LOGINS, DEMO_PASSWORD
    from tenderflow.logging_config import configure_logging

    configure_logging()
    env = dict(os.environ)
    processes, api = start_workflow_services(env)
    # The web app submits runs to the same server; set before Prefect is first imported.
    os.environ["PREFECT_API_URL"] = api
    os.environ.setdefault("PREFECT_HOME", env.get("PREFECT_HOME", str(INSTANCE_DIR / "prefect")))

    def stop_all(*_: Any) -> None:
        _stop(processes)
        raise SystemExit(0)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop_all)
    from tenderflow import create_app

    app = create_app()
    click.echo(f"\ntenderflow is running at http://{host}:{port}/")
    click.echo(f"Workflow server: {api.removesuffix('/api')} (logs in {logs_dir()})\n")
    if app.config["TENDERFLOW_ENV"] != "production":
        click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for email, role in DEMO_LOGINS:
            click.echo(f"  {email:<42} {role}")
    click.echo("\nPress Ctrl+C to stop everything.\n")
    try:
        serve(app, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("Stopping the worker and the workflow server ...")
        _stop(processes)
