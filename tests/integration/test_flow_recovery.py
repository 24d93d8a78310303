"""Flows that pick up where a dead run stopped, and the dispatcher sending dead runs again.

Each multi-step flow is run in-process (``.fn()``) after only some of its steps have been
done, as a run killed half way would leave them; the next run must finish the work without
doing any of it twice. The recovery rules are driven with Prefect's answer stood in for
(``read_state``); the real thing, with workers killed, is in test_faults.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.cli import main
from tenderflow.domain.capital import statuses as st
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest, GeneratedDocument, OutboxMessage
from tenderflow.services import flow_runs, gates
from tenderflow.services.capital import priority
from tenderflow.services.capital.documents import (
    priority_list_document_missing,
    rounds_missing_priority_list_document,
)
from tenderflow.services.timetable import transitions
from tests.integration.capital_world import a_round, a_scheme, accept, close, score
from tests.integration.conftest import sign_in_as
from tests.integration.timetable_data import add_plan, national_procurement
from workflows.capital_round import advance_capital_rounds
from workflows.documents import generate_documents
from workflows.timetable import run_transition


def messages_about(transition_id: int) -> list[str]:
    return sorted(
        db.session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.key.like(f"transition:{transition_id}:%"))
        )
    )


def test_a_move_whose_run_died_after_the_gates_is_applied_once_by_the_next_run(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead, asker = make_user(Role.PROCUREMENT_LEAD), make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    transition = transitions.request_transition(db.session, procurement, "eoi", asker, clock.now())
    db.session.commit()
    # The dead run checked the gates and stopped before applying the move.
    assert gates.check_transition(db.session, transition.id, clock.now()) == []
    db.session.rollback()

    outcome = run_transition.fn(transition_id=transition.id)
    db.session.expire_all()
    assert outcome["status"] == "applied" and procurement.stage == "eoi"
    assert len(messages_about(transition.id)) == 2  # the lead and the person who asked

    again = run_transition.fn(transition_id=transition.id)
    db.session.expire_all()
    assert again["status"] == "applied" and again["messages"] == 0
    assert len(messages_about(transition.id)) == 2


def test_a_move_whose_run_died_after_applying_it_is_not_applied_again_and_tells_people_once(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    transition = transitions.request_transition(db.session, procurement, "eoi", lead, clock.now())
    db.session.commit()
    # The dead run applied the move, and died before its follow-up messages.
    assert transitions.apply(db.session, transition.id, [], clock.now()) == "applied"
    db.session.commit()
    decided_at = transition.decided_at
    assert messages_about(transition.id) == []

    outcome = run_transition.fn(transition_id=transition.id)
    db.session.expire_all()
    assert outcome["status"] == "applied" and outcome["messages"] == 1
    assert transition.decided_at == decided_at and procurement.stage == "eoi"
    assert messages_about(transition.id) == [f"transition:{transition.id}:applied:{lead.id}"]


@pytest.fixture
def capital_people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "admin": make_user(Role.ADMIN),
        "fenland": make_user(Role.DISTRICT_OFFICER, district="fenland"),
        "partnership": make_user(Role.PARTNERSHIP_OFFICER),
        "scorer": make_user(Role.SP_SCORER),
    }


def scored_round(people: dict[str, Any]) -> Any:
    """A closed round whose one scheme is scored: its priority list can be produced."""
    round_ = a_round(people["admin"])
    scheme = a_scheme(round_, people["fenland"], "Wisbech foyer")
    accept(scheme, people["partnership"])
    score(scheme, people["scorer"], 4, 4, 4, 4, 4)
    close(round_)
    return round_


def priority_documents(round_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(GeneratedDocument.id)).where(
                GeneratedDocument.subject == f"capital-round:{round_id}"
            )
        )
        or 0
    )


def test_a_priority_list_produced_by_a_run_that_died_gets_its_document_and_is_not_produced_again(
    app: Any, capital_people: dict[str, Any]
) -> None:
    round_ = scored_round(capital_people)
    # The dead run produced the list and stopped before writing its document.
    assert priority.produce_if_complete(db.session, round_, clock.now()) is True
    db.session.commit()
    listed_at, snapshot = round_.listed_at, round_.priority_list
    assert priority_list_document_missing(db.session, round_)
    assert rounds_missing_priority_list_document(db.session) == [round_.id]

    outcome = advance_capital_rounds.fn(round_id=round_.id)
    db.session.expire_all()
    steps = outcome[str(round_.id)]
    assert steps["priority_list"] is False  # not produced again
    assert steps["document"].endswith(".docx")
    assert round_.status == st.ROUND_LISTED
    assert round_.listed_at == listed_at and round_.priority_list == snapshot
    assert priority_documents(round_.id) == 1
    assert not priority_list_document_missing(db.session, round_)

    # Run again, by request or by the hourly schedule: nothing more is written.
    advance_capital_rounds.fn(round_id=round_.id)
    advance_capital_rounds.fn()
    assert priority_documents(round_.id) == 1
    assert rounds_missing_priority_list_document(db.session) == []


def test_the_hourly_run_writes_the_document_a_dead_run_left_missing(
    app: Any, capital_people: dict[str, Any]
) -> None:
    round_ = scored_round(capital_people)
    priority.produce_if_complete(db.session, round_, clock.now())
    db.session.commit()
    outcome = advance_capital_rounds.fn()  # the listed round is no longer open or closed
    assert outcome[str(round_.id)]["document"].endswith(".docx")
    assert priority_documents(round_.id) == 1


def test_documents_already_written_for_a_request_are_not_written_again(
    app: Any, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = national_procurement(lead)
    add_plan(procurement, lead)
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.DOCUMENTS,
        parameters={"procurement_id": procurement.id, "kinds": ["procurement-plan"]},
        key="documents:recovery-test",
        description="Write the plan",
        now=clock.now(),
        requested_by=lead,
    )
    db.session.commit()
    first = generate_documents.fn(procurement.id, ["procurement-plan"], lead.id, request.id)
    kept = db.session.scalars(select(GeneratedDocument)).all()
    assert len(kept) == 1 and first["procurement-plan"]["files"] == [kept[0].filename]

    # The same request run again (its first run died after writing) writes nothing new.
    request.status = "running"
    db.session.commit()
    again = generate_documents.fn(procurement.id, ["procurement-plan"], lead.id, request.id)
    assert again["procurement-plan"]["files"] == first["procurement-plan"]["files"]
    assert db.session.scalar(select(func.count(GeneratedDocument.id))) == 1


# --- sending dead runs again ---------------------------------------------------------------


@pytest.fixture
def prefect_says(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand in for the workflow server: what it says of each run, and runs marked Crashed."""
    said: dict[str, Any] = {"states": {}, "crashed": []}
    monkeypatch.setattr(flow_runs, "api_url", lambda: "http://127.0.0.1:4200/api")
    monkeypatch.setattr(flow_runs, "server_reachable", lambda url: True)
    monkeypatch.setattr(flow_runs, "read_state", lambda run_id: said["states"].get(run_id))
    monkeypatch.setattr(
        flow_runs, "_crash_in_prefect", lambda run_id, reason: said["crashed"].append(run_id)
    )
    return said


def running_request(run_id: str, *, heartbeat_ago: float | None = None) -> FlowRunRequest:
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.TRANSITION,
        parameters={"transition_id": 1},
        key=f"recovery:{run_id}",
        description=f"Move for {run_id}",
        now=clock.now(),
    )
    request.status = "running"
    request.flow_run_id = run_id
    if heartbeat_ago is not None:
        request.heartbeat_at = clock.wall_now() - timedelta(seconds=heartbeat_ago)
    db.session.commit()
    return request


def test_a_run_prefect_reports_crashed_is_sent_again_under_a_new_key_with_the_crash_kept(
    app: Any, prefect_says: dict[str, Any]
) -> None:
    request = running_request("run-a")
    key_before = request.prefect_key
    prefect_says["states"]["run-a"] = flow_runs.PrefectState(
        "CRASHED", "Crashed", "Flow run infrastructure exited with non-zero status code -9."
    )
    assert flow_runs.refresh_unfinished(db.session, clock.now()) == 1
    db.session.commit()
    assert request.status == "queued" and request.flow_run_id is None
    assert request.recoveries == 1 and request.prefect_key != key_before
    assert request.crash is not None and request.crash.startswith("Run run-a crashed (Crashed:")
    assert "status code -9" in request.crash
    assert "Sent again (recovery 1 of 3)" in (request.error or "")
    assert prefect_says["crashed"] == []  # Prefect already knows it crashed


def test_a_silent_run_is_taken_for_dead_only_once_its_lease_has_run_out(
    app: Any, prefect_says: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDERFLOW_RUN_LEASE_SECONDS", "30")
    alive = running_request("run-alive", heartbeat_ago=10)
    dead = running_request("run-dead", heartbeat_ago=45)
    for run_id in ("run-alive", "run-dead"):
        prefect_says["states"][run_id] = flow_runs.PrefectState("RUNNING", "Running", "")
    flow_runs.refresh_unfinished(db.session, clock.now())
    db.session.commit()
    assert alive.status == "running" and alive.recoveries == 0 and alive.crash is None
    assert dead.status == "queued" and dead.recoveries == 1
    assert "no heartbeat for 45 s (the lease is 30 s)" in (dead.crash or "")
    assert prefect_says["crashed"] == ["run-dead"]  # marked Crashed on the server too


def test_a_run_taken_by_a_worker_that_never_began_gets_the_start_grace_not_the_lease(
    app: Any, prefect_says: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDERFLOW_RUN_LEASE_SECONDS", "30")
    monkeypatch.setenv("TENDERFLOW_RUN_START_SECONDS", "120")
    starting = running_request("run-starting")
    stuck = running_request("run-stuck")
    wall_now = clock.wall_now()
    prefect_says["states"]["run-starting"] = flow_runs.PrefectState(
        "PENDING", "Pending", "", wall_now - timedelta(seconds=60)
    )
    prefect_says["states"]["run-stuck"] = flow_runs.PrefectState(
        "PENDING", "Pending", "", wall_now - timedelta(seconds=150)
    )
    flow_runs.refresh_unfinished(db.session, clock.now())
    db.session.commit()
    assert starting.status == "running" and starting.recoveries == 0
    assert stuck.status == "queued" and stuck.recoveries == 1
    assert "never started: Pending for 150 s without a heartbeat" in (stuck.crash or "")
    assert prefect_says["crashed"] == ["run-stuck"]


def test_a_run_that_failed_without_recording_its_outcome_is_sent_again_but_a_recorded_failure_is_not(
    app: Any, prefect_says: dict[str, Any]
) -> None:
    unrecorded = running_request("run-db-down")
    recorded = running_request("run-recorded")
    flow_runs.mark_finished(db.session, recorded.id, clock.now(), failed=True, error="Refused")
    db.session.commit()
    for run_id in ("run-db-down", "run-recorded"):
        prefect_says["states"][run_id] = flow_runs.PrefectState("FAILED", "Failed", "boom")
    flow_runs.refresh_unfinished(db.session, clock.now())
    db.session.commit()
    assert unrecorded.status == "queued" and unrecorded.recoveries == 1
    assert "without recording its outcome" in (unrecorded.crash or "")
    assert recorded.status == "failed" and recorded.recoveries == 0 and recorded.error == "Refused"


def test_a_run_that_keeps_crashing_is_failed_after_its_last_recovery(
    app: Any, prefect_says: dict[str, Any]
) -> None:
    request = running_request("run-again")
    request.recoveries = 3
    db.session.commit()
    prefect_says["states"]["run-again"] = flow_runs.PrefectState("CRASHED", "Crashed", "-9")
    flow_runs.refresh_unfinished(db.session, clock.now())
    db.session.commit()
    assert request.status == "failed" and request.finished_at is not None
    assert "Not sent again: it was sent again 3 times" in (request.error or "")


def test_a_run_whose_request_was_sent_again_no_longer_beats_or_finishes_it(app: Any) -> None:
    request = running_request("run-new")
    assert flow_runs.record_heartbeat(db.session, request.id, "run-new", clock.wall_now())
    assert not flow_runs.record_heartbeat(db.session, request.id, "run-old", clock.wall_now())
    db.session.commit()
    assert flow_runs.still_ours(db.session, request.id, "run-new")
    assert not flow_runs.still_ours(db.session, request.id, "run-old")


def test_a_recovered_crash_shows_on_the_workflows_page_and_in_the_doctors_report(
    app: Any,
    client: Any,
    make_user: Callable[..., Any],
    prefect_says: dict[str, Any],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = running_request("run-shown")
    prefect_says["states"]["run-shown"] = flow_runs.PrefectState("CRASHED", "Crashed", "-9")
    flow_runs.refresh_unfinished(db.session, clock.now())
    request.status, request.flow_run_id = "completed", "run-next"  # the next run finished it
    db.session.commit()

    sign_in_as(client, make_user(Role.ADMIN))
    monkeypatch.setattr(flow_runs, "server_reachable", lambda url: False)
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert "Crashed run of Move for run-shown" in page
    assert "recovered 1 time, now completed" in page
    assert "Recovered 1 time from a crash. Last: Run run-shown crashed" in page

    monkeypatch.setenv("DATABASE_URL", database_url)
    with pytest.raises(SystemExit):
        main(["doctor"])
    printed = capsys.readouterr().out
    assert "Error (Crashed run of Move for run-shown (request" in printed
    assert "Run run-shown crashed (Crashed: -9)" in printed
