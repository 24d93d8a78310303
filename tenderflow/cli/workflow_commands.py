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

from tenderflow.paths import INSTANCE_DIR

DEFAULT_PREFECT_PORT = 4200


def _dispatch_forever(stop: threading.Event, every: float) -> None:
    """Send queued run requests to Prefect until told to stop."""
    from tenderflow import clock, create_app
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs

    app = create_app()
    while not stop.wait(every):
        with app.app_context():
            try:
                sent = flow_runs.submit_queued(db.session, clock.now())
                db.session.commit()
                if sent:
                    click.echo(f"Sent {sent} queued request(s) to the workflow server.")
            except Exception as exc:  # keep dispatching whatever one round does
                db.session.rollback()
                click.echo(f"Dispatch failed: {exc}", err=True)
            finally:
                db.session.remove()


@click.command("worker")
@click.option("--poll-seconds", default=1.0, show_default=True, type=float)
@click.option("--limit", default=4, show_default=True, type=int, help="Flow runs at once.")
@click.option(
    "--no-schedules",
    is_flag=True,
    help="Run flows only when asked for: no heartbeat, deadline watch or hourly round runs.",
)
def worker(poll_seconds: float, limit: int, no_schedules: bool) -> None:
    """Serve every deployment, and send queued requests once the server is up."""
    from prefect import serve

    from tenderflow.services.flow_runs import api_url, server_reachable
    from workflows.registry import deployments

    stop = threading.Event()
    threading.Thread(
        target=_dispatch_forever, args=(stop, max(poll_seconds, 1.0)), daemon=True
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
            click.echo("Worker serving tenderflow's deployments.")
            try:
                serve(
                    *deployments(schedules=not no_schedules),
                    limit=limit,
                    query_seconds=poll_seconds,
                    print_starting_message=False,
                    pause_on_shutdown=False,
                )
                return
            except Exception as exc:  # the server went away: wait for it and serve again
                click.echo(f"Worker stopped ({type(exc).__name__}: {exc}); restarting.", err=True)
                time.sleep(2)
    finally:
        stop.set()


@click.command("dispatch")
def dispatch() -> None:
    """Send every queued run request to Prefect now."""
    from tenderflow import clock
    from tenderflow.cli.context import app_context
    from tenderflow.extensions import db
    from tenderflow.services import flow_runs

    with app_context():
        sent = flow_runs.submit_queued(db.session, clock.now())
        db.session.commit()
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
    logs = INSTANCE_DIR / "logs"
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
    click.echo(f"Workflow server: {api.removesuffix('/api')} (logs in {INSTANCE_DIR / 'logs'})\n")
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


COMMANDS = [worker, dispatch, run]
