"""The demonstration evaluations: scoring, moderation and a decided one with final results."""

from __future__ import annotations

from datetime import date
from typing import Any

from tenderflow import clock
from tenderflow.demo import load_demo
from tenderflow.demo.evaluation import DECIDED, MODERATING
from tenderflow.extensions import db
from tenderflow.services import users
from tenderflow.services.gates import unmet_conditions
from tenderflow.services.procurements import get_by_reference
from tests.integration.conftest import sign_in_as


def test_the_commissioning_body_reads_the_decided_evaluations_final_results(
    client: Any, app: Any
) -> None:
    load_demo(db.session, date(2026, 6, 15))
    db.session.commit()
    decided = get_by_reference(db.session, DECIDED)
    assert decided is not None
    decided.stage = "moderation"
    assert unmet_conditions(db.session, decided, "standstill", clock.now()) == []
    decided.stage = "standstill"
    moderating = get_by_reference(db.session, MODERATING)
    assert moderating is not None
    assert unmet_conditions(db.session, moderating, "standstill", clock.now())
    db.session.commit()
    commissioner = users.find_by_email(db.session, "commissioning@tenderflow.example")
    sign_in_as(client, commissioner)
    page = client.get(f"/procurements/{DECIDED}").get_data(as_text=True)
    assert "See the evaluation results" in page
    page = client.get(f"/evaluations/{DECIDED}/results").get_data(as_text=True)
    assert "Final" in page and "Provisional:" not in page
    assert "Highest-ranked bid: <strong>Safe Harbour Women&#39;s Aid</strong>" in page
    # Not yet asked for approval on the one in moderation: as if it did not exist.
    assert client.get(f"/evaluations/{MODERATING}/results").status_code == 404
