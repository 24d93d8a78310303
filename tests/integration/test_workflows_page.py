"""The Workflows page warns an administrator when scheduled workflows are not running."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect.settings import PREFECT_API_URL, temporary_settings

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import WorkerHeartbeat
from tests.integration.conftest import sign_in_as
from tests.unit.test_workflow_health import SCHEDULER_FAILING

WARNING = "Scheduled workflows are not running as they should"


def _page(client: Any) -> str:
    response = client.get("/admin/workflows")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_a_worker_never_seen_is_a_warning_that_says_what_to_do(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        page = _page(client)
    assert "govuk-warning-text" in page and WARNING in page
    assert "The worker has never been seen" in page
    assert "The workflow server at http://127.0.0.1:9/api cannot be reached." in page
    assert "tenderflow doctor" in page
    assert "Worker last seen" in page and "Never" in page


def test_a_recent_heartbeat_clears_its_warning_and_an_old_one_says_how_old(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    db.session.add(WorkerHeartbeat(at=clock.wall_now() - timedelta(hours=3), host="old-host"))
    db.session.commit()
    page = _page(client)
    assert "The worker was last seen 3 hours ago" in page

    db.session.add(WorkerHeartbeat(at=clock.wall_now(), host="worker-1"))
    db.session.commit()
    page = _page(client)
    assert "The worker was last seen" not in page and "never been seen" not in page
    assert "on worker-1" in page


def test_errors_in_the_workflow_servers_log_reach_the_administrator(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    log = Path(os.environ["TENDERFLOW_LOG_DIR"]) / "prefect-server.log"
    log.write_text(SCHEDULER_FAILING)
    try:
        sign_in_as(client, make_user(Role.ADMIN))
        page = _page(client)
    finally:
        log.unlink()
    assert "Recent errors" in page
    assert page.count("Can&#39;t evaluate bulk DML statement") == 2
    assert "06:44:41" in page


def test_people_other_than_administrators_cannot_see_the_page(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    for role in Role:
        if role is Role.ADMIN:
            continue
        district = "fenland" if role is Role.DISTRICT_OFFICER else None
        sign_in_as(client, make_user(role, district=district))
        assert client.get("/admin/workflows").status_code == 403
