"""A real database through the migrations: SQLite always, PostgreSQL when configured.

Each backend is migrated once per session; every test starts from empty tables plus
the reference data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tenderflow import create_app
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import User
from tenderflow.paths import MIGRATIONS_DIR
from tenderflow.services import users
from tenderflow.services.reference_data import load_reference_data
from tests.conftest import POSTGRES_URL

BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
PASSWORD = "correct horse battery staple"


@contextmanager
def a_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Make an empty database of the given backend and yield its URL; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'tenderflow.sqlite3'}"
        return
    assert POSTGRES_URL
    # Each run gets its own schema, so runs side by side do not collide.
    schema = f"tf_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        pytest.fail(f"cannot reach PostgreSQL at {POSTGRES_URL}: {exc}", pytrace=False)
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def once_on_postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A module's database where it runs once, not per database: PostgreSQL (production's) where
    it is available, else SQLite. For modules whose subject is the same on either database,
    such as a real worker's wiring; use as ``pytest.fixture(scope="module", name="database_url")``.
    """
    with a_database("postgres" if POSTGRES_URL else "sqlite", tmp_path_factory) as url:
        yield url


def migrated_once(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The migrated app over :func:`once_on_postgresql`'s database (module scope)."""
    return migrate(database_url, tmp_path_factory)


def backend_of(database_url: str) -> str:
    return "postgres" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with a_database(request.param, tmp_path_factory) as url:
        yield url


def config_for(database_url: str, tmp_path: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "tests-only-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "FROZEN_NOW": "2026-06-15T10:00:00+01:00",
        # A cheaper key derivation keeps hundreds of test sign-ins fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "DOCUMENTS_DIR": str(tmp_path / "documents"),
    }


def migrate(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Return an app on ``database_url``, migrated to the newest schema."""
    app = create_app(config_for(database_url, tmp_path_factory.mktemp("files")))
    with app.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS_DIR))
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return migrate(database_url, tmp_path_factory)


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def app(migrated_app: Flask) -> Iterator[Flask]:
    with migrated_app.app_context():
        load_reference_data(db.session)
        db.session.commit()
        yield migrated_app
        db.session.rollback()
        db.session.remove()
        _empty_tables()


class IsolatedClient(FlaskClient):
    """A test client whose requests do not see ``g`` left over from the test or earlier requests.

    The test body holds an app context open so it can use the database; Flask reuses
    that context for each request, so the signed-in user cached on ``g`` is dropped first.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask import g, has_app_context

        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(*roles: Role, district: str | None = None, name: str | None = None) -> User:
        n = next(counter)
        label = "-".join(r.value for r in roles) or "nobody"
        user = users.create_user(
            db.session,
            users.UserInput(
                email=f"{label}-{n}@council.example",
                name=name or f"Test {label} {n}",
                roles=set(roles),
                password=PASSWORD,
                district_code=district,
            ),
        )
        db.session.commit()
        return user

    return make


def sign_in_as(client: FlaskClient, user: User) -> None:
    """Sign a test client in as ``user`` by setting its session (the login form is tested apart)."""
    from tenderflow import clock
    from tenderflow.web import sessions

    began = clock.wall_now().timestamp()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[sessions.VERSION] = user.session_version
        session[sessions.STARTED] = began
        session[sessions.SEEN] = began


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign a test client in as ``user`` through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A temporary Prefect server for the whole test session (it takes ~15 s to start)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield str(PREFECT_API_URL.value())


# Per module, not per session: a worker left serving the test database would send the queued
# requests later tests make (a move run in-process, say) and change their tables mid-test.
@pytest.fixture(scope="module")
def workflow_worker(
    prefect_api: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The real `tenderflow worker`, serving every deployment against this test database, for
    the tests of one module."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "tests-only-secret-key",
        "PREFECT_LOGGING_LEVEL": os.environ.get("TENDERFLOW_WORKER_LOG_LEVEL", "INFO"),
    }
    # No schedules: a heartbeat or deadline watch must not land in the middle of a test.
    command = [
        str(Path(sys.executable).parent / "tenderflow"),
        "worker",
        "--poll-seconds",
        "1",
        "--no-schedules",
    ]
    # One worker at a time: the previous database's worker would take this one's runs.
    while _WORKERS:
        _stop_process(_WORKERS.pop())
    _drop_unfinished_runs()
    with log.open("wb") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    _WORKERS.append(process)
    _wait_for_deployments(process, log)
    yield
    if process in _WORKERS:
        _WORKERS.remove(process)
        _stop_process(process)
    _drop_unfinished_runs()


_WORKERS: list[Any] = []


def _drop_unfinished_runs() -> None:
    """Delete flow runs still waiting or running on the test server: a run the last worker
    left would otherwise reach the next one and act on this database, whose ids start again."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    unfinished = FlowRunFilter(
        state=FlowRunFilterState(
            type=FlowRunFilterStateType(
                any_=[StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED]
            )
        )
    )
    with get_client(sync_client=True) as client:
        for run in client.read_flow_runs(flow_run_filter=unfinished, limit=200):
            client.delete_flow_run(run.id)


def _stop_process(process: Any) -> None:
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_for_deployments(process: Any, log: Any, seconds: float = 90) -> None:
    """Wait until the worker has registered every deployment with the server."""
    import time

    from prefect.client.orchestration import get_client

    from workflows.registry import deployment_names

    deadline = time.monotonic() + seconds
    missing = set(deployment_names())
    with get_client(sync_client=True) as client:
        while missing and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"the worker stopped:\n{log.read_text(errors='replace')}", pytrace=False
                )
            for name in list(missing):
                try:
                    client.read_deployment_by_name(name)
                    missing.discard(name)
                except Exception:
                    pass
            time.sleep(0.5)
    if missing:
        pytest.fail(
            f"the worker did not register {sorted(missing)}:\n{log.read_text(errors='replace')}"
        )


def sent_from_the_request(request: Any) -> bool:
    """Say whether the web request handed the run to Prefect itself.

    A busy Prefect server may answer 503; the request then waits, with that reason, for the
    worker's dispatcher, which sends it a second later. Anything else is a failure.
    """
    if request is None:
        return False
    if request.status == "queued":
        return "503" in (request.error or "")
    return request.status != "queued" and bool(request.flow_run_id)


def wait_for_request(request_id: int, seconds: float = 90) -> Any:
    """Wait until a flow run request finishes; return it."""
    import time

    from tenderflow.models import FlowRunRequest

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        request = db.session.get(FlowRunRequest, request_id)
        if request is not None and request.finished:
            return request
        db.session.rollback()
        time.sleep(0.25)
    raise AssertionError(f"flow run request {request_id} did not finish in {seconds} s")


# Fixtures that start a Prefect server or a worker of their own: a test that uses one runs with
# the tests marked ``alone``, after the parallel part (see the Makefile), not beside other tests.
MACHINE_WIDE_FIXTURES = {"prefect_api", "workflow_worker"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if MACHINE_WIDE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.alone)
