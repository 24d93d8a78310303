"""The web app's sender: a recorded run request goes to Prefect after the page has answered.

A web request only records what it asks for (``flow_runs.start``); reaching the Prefect server
(which may be slow, busy or down) happens on a thread after the answer, and the workers'
dispatchers send whatever that thread could not. So a page answers in the same time whether
Prefect is up, down or slow.
"""

from __future__ import annotations

import threading
from contextlib import suppress

from flask import current_app

from tenderflow import clock
from tenderflow.extensions import db
from tenderflow.services import flow_runs


def submit_without_waiting(request_id: int | None) -> None:
    """Send the request's run to Prefect after answering the browser; the dispatcher retries it.

    The request is recorded and committed first, so nothing is lost if this never runs. Tests
    set ``SUBMIT_IN_BACKGROUND`` false to submit before answering, which they can then check.
    """
    if request_id is None:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def submit() -> None:
        with app.app_context():
            # On any failure the worker's dispatcher sends it instead; removing the session
            # rolls back what was left.
            try:
                with suppress(Exception):
                    flow_runs.submit_by_id(db.session, request_id, clock.now())
            finally:
                db.session.remove()

    if app.config.get("SUBMIT_IN_BACKGROUND", not app.testing):
        threading.Thread(target=submit, name=f"submit-run-{request_id}", daemon=True).start()
    else:
        submit()
