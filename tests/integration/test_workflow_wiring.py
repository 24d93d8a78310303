"""The real thing: a Prefect server, the `tenderflow worker` process, and the app's requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest
from tenderflow.services import flow_runs
from tests.integration.conftest import (
    migrated_once,
    once_on_postgresql,
    sent_from_the_request,
    sign_in_as,
    wait_for_request,
)

# A real worker's wiring is the same on either database, and each module starts its own worker
# (some 20 s): the module runs once, on PostgreSQL (production's database) where it is
# available. The claim on SQLite is tested in test_flow_runs.py.
database_url = pytest.fixture(scope="module", name="database_url")(once_on_postgresql)
migrated_app = pytest.fixture(scope="module", name="migrated_app")(migrated_once)

pytestmark = pytest.mark.usefixtures("workflow_worker")


def test_an_administrator_checks_the_worker_and_sees_it_answer(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    response = client.post("/admin/workflows/heartbeat")
    assert response.status_code == 302
    request = db.session.scalar(select(FlowRunRequest))
    assert request is not None
    assert sent_from_the_request(request), request and request.error
    finished = wait_for_request(request.id)
    assert finished.status == "completed", finished.error
    assert finished.result["heartbeats"] >= 1
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert "Done" in page and "The worker has never been seen" not in page
    assert "The worker was last seen" not in page


def test_a_request_queued_while_the_server_was_down_completes_once_it_is_back(app: Any) -> None:
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.HEARTBEAT,
        parameters={},
        key="heartbeat:while-down",
        description="Check the worker is running",
        now=clock.now(),
    )
    # Tried before the request is committed: the worker's dispatcher cannot see it, let alone
    # send it first, until the failed try is over.
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert flow_runs.submit(db.session, request, clock.now()) is False
    assert request.status == "queued"
    assert "cannot be reached" in (request.error or "")
    db.session.commit()

    # Back up: the worker's dispatcher sends it without anyone asking again.
    finished = wait_for_request(request.id)
    assert finished.status == "completed", finished.error


def _send(request: FlowRunRequest, tries: int = 5) -> bool:
    """Submit as the worker's dispatcher does: a busy server (503) is asked again a second later."""
    import time

    for _ in range(tries):
        if flow_runs.submit(db.session, request, clock.now()):
            return True
        if "503" not in (request.error or ""):
            return False
        time.sleep(1)
    return False


def test_submitting_the_same_request_twice_starts_one_flow_run(app: Any) -> None:
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.HEARTBEAT,
        parameters={},
        key="heartbeat:twice",
        description="Check the worker is running",
        now=clock.now(),
    )
    db.session.commit()
    assert _send(request), request.error
    db.session.commit()
    # As if the first answer had been lost and the request sent again: a detached copy, so
    # the worker's own updates to the stored request are not disturbed.
    again = FlowRunRequest(
        key=request.key,
        token=request.token,
        deployment=request.deployment,
        parameters=request.parameters,
        status="queued",
        attempts=0,
    )
    assert _send(again), again.error
    assert again.flow_run_id == request.flow_run_id
    wait_for_request(request.id)
