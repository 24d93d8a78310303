"""The contract watcher as the worker runs it: a Prefect server, `tenderflow worker` and the
app's request for a run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import OutboxMessage
from tenderflow.services import contracts, flow_runs
from tests.integration.conftest import migrated_once, once_on_postgresql, wait_for_request

# A real worker's wiring is the same on either database, and each module starts its own worker
# (some 20 s): the module runs once, on PostgreSQL (production's database) where it is
# available. The claim on SQLite is tested in test_flow_runs.py.
database_url = pytest.fixture(scope="module", name="database_url")(once_on_postgresql)
migrated_app = pytest.fixture(scope="module", name="migrated_app")(migrated_once)

pytestmark = pytest.mark.usefixtures("workflow_worker")


def test_the_worker_runs_the_contract_watcher_and_its_messages_are_queued(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    manager = make_user(Role.CONTRACT_MANAGER)
    contracts.create_contract(
        db.session,
        contracts.ContractInput(
            reference="WIRED-1",
            title="Floating support, Wisbech",
            supplier_name="Nene Valley Support Trust",
            value=Decimal("300000"),
            start_date=date(2024, 4, 1),
            end_date=date(2027, 3, 31),
            manager_id=manager.id,
        ),
        lead,
        clock.now(),
    )
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.CONTRACTS,
        parameters={"now": "2026-06-15T07:10:00+01:00"},
        key="contracts:wired",
        description="Chase contract returns and meetings",
        now=clock.now(),
    )
    db.session.commit()
    assert flow_runs.submit(db.session, request, clock.now()) or "503" in (request.error or "")
    db.session.commit()
    finished = wait_for_request(request.id)
    assert finished.status == "completed", finished.error
    assert finished.result["expiring"] == ["WIRED-1"]
    assert finished.result["returns_overdue"] == ["WIRED-1"]  # 2026 Q1, due by 30 April
    subjects = set(db.session.scalars(select(OutboxMessage.subject)))
    assert "WIRED-1 ends within 12 months, on 31 March 2027" in subjects
    assert "WIRED-1: the 2026 Q1 return is overdue" in subjects
