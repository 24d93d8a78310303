"""Run requests are recorded first, sent without waiting, and never lost when Prefect is down."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import FlowRunRequest, WorkerHeartbeat
from tenderflow.services import flow_runs
from workflows.maintenance import heartbeat

DEAD_SERVER = "http://127.0.0.1:9/api"  # the discard port: nothing answers there


def _request(key: str = "heartbeat:test") -> FlowRunRequest:
    request = flow_runs.request_run(
        db.session,
        deployment=flow_runs.HEARTBEAT,
        parameters={},
        key=key,
        description="Check the worker is running",
        now=clock.now(),
    )
    db.session.commit()
    return request


@contextmanager
def a_busy_server() -> Iterator[tuple[str, list[str]]]:
    """A stand-in Prefect server that answers every request 503; yield its API address and
    the paths asked for."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Busy(BaseHTTPRequestHandler):
        def _busy(self) -> None:
            seen.append(self.path)
            body = b'{"exception_message": "Service Unavailable"}'
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _busy

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_same_key_never_makes_a_second_request(app: Any) -> None:
    first = _request()
    second = _request()
    assert first.id == second.id
    assert db.session.scalar(select(func.count(FlowRunRequest.id))) == 1
    assert first.parameters == {"request_id": first.id}


def test_a_request_stays_queued_with_a_reason_when_the_server_is_down(app: Any) -> None:
    request = _request()
    with temporary_settings(updates={PREFECT_API_URL: DEAD_SERVER}):
        started = time.monotonic()
        accepted = flow_runs.submit(db.session, request, clock.now())
        elapsed = time.monotonic() - started
    db.session.commit()
    assert accepted is False
    assert request.status == "queued"
    assert request.error is not None and "cannot be reached" in request.error
    assert elapsed < 1.0, "a web request must not wait on a server that is down"


def test_a_busy_server_leaves_the_request_in_the_queue_with_the_reason(
    app: Any,
) -> None:
    import prefect.deployments  # noqa: F401  (imported once per process, not per request)

    request = _request()
    with a_busy_server() as (url, seen), temporary_settings(updates={PREFECT_API_URL: url}):
        started = time.monotonic()
        accepted = flow_runs.submit(db.session, request, clock.now())
        elapsed = time.monotonic() - started
    assert accepted is False
    assert request.status == "queued" and request.flow_run_id is None
    assert request.error is not None and "503" in request.error
    assert len(seen) == 1, "the dispatcher, not the web request, sends it again"
    # Prefect's client pauses 2 s after a 503 even when told not to retry.
    assert elapsed < 3.5, "a web request does not wait long on a busy server"


def test_without_a_configured_server_requests_wait_in_the_queue(app: Any) -> None:
    request = _request()
    with temporary_settings(updates={PREFECT_API_URL: None}):
        assert flow_runs.submit(db.session, request, clock.now()) is False
    assert request.status == "queued"
    assert request.error == "The workflow server is not configured"


def test_a_flow_records_its_outcome_on_its_request(app: Any) -> None:
    request = _request()
    outcome = heartbeat.fn(request_id=request.id)
    db.session.expire_all()
    assert outcome["heartbeats"] == 1
    assert request.status == "completed"
    assert request.result == {"heartbeats": 1}
    assert db.session.scalar(select(func.count(WorkerHeartbeat.id))) == 1


def test_a_flow_that_fails_marks_its_request_failed(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflows.maintenance as maintenance

    def broken() -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(maintenance, "record_heartbeat", broken)
    request = _request()
    with pytest.raises(RuntimeError):
        maintenance.heartbeat.fn(request_id=request.id)
    db.session.expire_all()
    assert request.status == "failed"
    assert request.error == "RuntimeError: disk full"


def test_only_the_requester_or_procurement_staff_see_a_run(
    app: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    from tests.integration.conftest import sign_in_as

    request = _request()
    evaluator = make_user(Role.EVALUATOR)
    sign_in_as(client, evaluator)
    assert client.get(f"/runs/{request.id}").status_code == 403
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    body = client.get(f"/runs/{request.id}").get_json()
    assert body["status"] == "queued"
    assert body["label"] == "Queued"
    assert body["finished"] is False


def test_a_request_another_process_is_sending_is_not_sent_again(app: Any) -> None:
    """Workers' dispatchers and the web app may reach for the same request: one sends it."""
    import threading

    from sqlalchemy import text

    request = _request()
    request_id = request.id
    db.session.commit()
    other = db.engine.connect()
    # The other sender has claimed the request and is recording that Prefect took it.
    other.execute(
        text(
            "UPDATE flow_run_requests SET status = 'submitted', flow_run_id = 'elsewhere'"
            " WHERE id = :id"
        ),
        {"id": request_id},
    )
    finishing = threading.Timer(0.5, other.commit)
    finishing.start()
    try:
        with a_busy_server() as (url, seen), temporary_settings(updates={PREFECT_API_URL: url}):
            flow_runs.submit_by_id(db.session, request_id, clock.now())
    finally:
        finishing.join()
        other.close()
    assert seen == [], "the request was sent a second time"
    db.session.expire_all()
    request = db.session.get(FlowRunRequest, request_id)
    assert request is not None
    assert (request.status, request.flow_run_id, request.attempts) == ("submitted", "elsewhere", 0)


def test_starting_a_run_commits_its_request_before_sending_it(app: Any) -> None:
    sent: list[int] = []

    def sender(request_id: int) -> None:
        # The request is already committed: a fresh transaction finds it.
        with app.app_context():
            assert db.session.get(FlowRunRequest, request_id) is not None
            db.session.remove()
        sent.append(request_id)

    request = flow_runs.start(
        db.session,
        flow_runs.HEARTBEAT,
        {},
        key="heartbeat:start",
        description="Check the worker is running",
        who=None,
        now=clock.now(),
        sender=sender,
    )
    assert sent == [request.id]
    assert request.parameters == {"request_id": request.id}
    again = flow_runs.start(
        db.session,
        flow_runs.HEARTBEAT,
        {},
        key="heartbeat:start",
        description="Check the worker is running",
        who=None,
        now=clock.now(),
        sender=sender,
    )
    assert again.id == request.id, "the same key records one request"


def test_a_run_started_while_the_server_is_down_waits_in_the_queue(app: Any) -> None:
    with temporary_settings(updates={PREFECT_API_URL: DEAD_SERVER}):
        request = flow_runs.start(
            db.session,
            flow_runs.HEARTBEAT,
            {},
            key="heartbeat:down",
            description="Check the worker is running",
            who=None,
            now=clock.now(),
        )
    db.session.expire_all()
    assert request.status == "queued" and request.flow_run_id is None
    assert "cannot be reached" in (request.error or "")
