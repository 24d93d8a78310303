"""Opening a round on the web starts the round's workflow on the real worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import CapitalNotice, CapitalRound, FlowRunRequest
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


def test_opening_a_round_runs_its_workflow_which_tells_the_districts(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    fenland = make_user(Role.DISTRICT_OFFICER, district="fenland")
    sign_in_as(client, make_user(Role.ADMIN))
    response = client.post(
        "/capital/rounds/new",
        data={
            "title": "Capital bid round 2027 to 2028",
            "county": "Cambridgeshire",
            "deadline": ["30", "9", "2026"],
            "revenue_budget": "250000",
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalar(select(CapitalRound))
    assert round_ is not None
    request = db.session.scalar(
        select(FlowRunRequest).where(FlowRunRequest.deployment == flow_runs.CAPITAL_ROUND)
    )
    assert sent_from_the_request(request), request and request.error
    assert request.parameters["round_id"] == round_.id
    finished = wait_for_request(request.id)
    assert finished.status == "completed", finished.error
    assert finished.result[str(round_.id)]["opening_notices"] == 1
    notice = db.session.scalar(select(CapitalNotice))
    assert notice is not None and notice.email == fenland.email
    page = client.get(f"/capital/rounds/{round_.id}").get_data(as_text=True)
    assert "Capital bid round open" in page and "Done" in page
