"""Moves between stages on the real Prefect server and `tenderflow worker`, from the web and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from tenderflow import clock
from tenderflow.cli import main
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest, Transition
from tenderflow.services import flow_runs
from tenderflow.services.timetable import transitions
from tests.integration.conftest import (
    migrated_once,
    once_on_postgresql,
    sent_from_the_request,
    sign_in_as,
    wait_for_request,
)
from tests.integration.timetable_data import national_procurement

# A real worker's wiring is the same on either database, and each module starts its own worker
# (some 20 s): the module runs once, on PostgreSQL (production's database) where it is
# available. The claim on SQLite is tested in test_flow_runs.py.
database_url = pytest.fixture(scope="module", name="database_url")(once_on_postgresql)
migrated_app = pytest.fixture(scope="module", name="migrated_app")(migrated_once)

pytestmark = pytest.mark.usefixtures("workflow_worker")


def test_a_move_asked_for_on_the_web_is_applied_by_the_worker(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, "TT-WIRE-1")
    sign_in_as(client, lead)
    response = client.post(f"/procurements/{procurement.reference}/move", data={})
    assert response.status_code == 302
    transition = db.session.scalar(select(Transition))
    assert transition is not None
    request = db.session.get(FlowRunRequest, transition.flow_run_request_id)
    assert sent_from_the_request(request), request and request.error
    finished = wait_for_request(request.id)
    assert finished.status == "completed", finished.error
    assert finished.result["status"] == "applied"
    db.session.expire_all()
    assert transition.status == "applied" and procurement.stage == "eoi"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moved to Expressions of interest" in page


def test_a_move_queued_while_the_server_was_down_is_applied_once_it_is_back(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, "TT-WIRE-2")
    transition = transitions.request_transition(db.session, procurement, "eoi", lead, clock.now())
    db.session.commit()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        sent = flow_runs.send(db.session, transition.flow_run_request_id, clock.now())
        assert sent is False
    assert transition.status == "queued"
    # The worker's dispatcher sends it without anyone asking again.
    finished = wait_for_request(transition.flow_run_request_id)
    assert finished.status == "completed", finished.error
    db.session.expire_all()
    assert transition.status == "applied" and procurement.stage == "eoi"


def test_advance_on_the_command_line_waits_and_prints_the_outcome(
    app: Any,
    make_user: Callable[..., Any],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead, "TT-WIRE-3")
    db.session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["advance", procurement.reference, "--to", "eoi", "--wait", "--json"]) == 0
    applied = json.loads(capsys.readouterr().out)
    assert applied["status"] == "applied" and applied["from"] == "planning"
    assert applied["to"] == "eoi" and applied["unmet"] == [] and applied["flow_run_id"]
    assert set(applied) == {
        "reference",
        "transition",
        "from",
        "to",
        "status",
        "unmet",
        "flow_run_id",
    }

    # Into standstill without the commissioning body's approval: refused, every reason listed.
    procurement.stage = "moderation"
    db.session.commit()
    assert main(["advance", procurement.reference, "--to", "standstill", "--wait"]) == 0
    printed = capsys.readouterr().out
    assert f"{procurement.reference}: moderation to standstill: refused." in printed
    assert (
        "  - The commissioning body's approval of the award recommendation is not recorded"
        in printed
    )
    db.session.expire_all()
    assert procurement.stage == "moderation"

    assert main(["advance", procurement.reference, "--to", "award", "--json"]) == 2
    assert "cannot move to Award" in capsys.readouterr().err
    assert main(["advance", "NO-SUCH-REF", "--to", "itt"]) == 2
    assert capsys.readouterr().err.strip() == "Error: no procurement with reference 'NO-SUCH-REF'"
    assert main(["advance", procurement.reference, "--to", "limbo"]) == 2
    assert "unknown stage 'limbo'" in capsys.readouterr().err


def test_the_timetable_command_prints_each_stage_with_exactly_six_keys(
    app: Any,
    make_user: Callable[..., Any],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    procurement = national_procurement(make_user(Role.PROCUREMENT_LEAD), "TT-WIRE-4")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["timetable", procurement.reference, "--json"]) == 0
    stages = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in stages][:3] == ["planning", "eoi", "itt"]
    assert all(
        set(s)
        == {"stage", "planned_start", "planned_end", "actual_start", "actual_end", "delay_reason"}
        for s in stages
    )
    assert stages[0] == {
        "stage": "planning",
        "planned_start": "2026-06-01",
        "planned_end": "2026-06-29",
        "actual_start": "2026-06-01",
        "actual_end": None,
        "delay_reason": None,
    }
    assert main(["timetable", procurement.reference]) == 0
    assert "planning     1 Jun 2026 to 29 Jun 2026" in capsys.readouterr().out
    assert main(["timetable", "NO-SUCH-REF", "--json"]) == 2
