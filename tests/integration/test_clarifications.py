"""Clarifications: logged with who asked, answered, published without the asker, and the gate out of moderation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services.bidding import clarifications
from tenderflow.services.gates import unmet_conditions
from tests.integration.bidders_world import a_bidder
from tests.integration.conftest import sign_in_as
from tests.integration.test_bidders import a_procurement


def test_a_published_clarification_never_shows_who_asked(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    asker = a_bidder(procurement, "Wisbech Tenancy Support Ltd")
    sign_in_as(client, lead)

    client.post(
        "/procurements/BID-1/clarifications/new",
        data={"bidder_id": str(asker.id), "question": "Does TUPE apply to the current staff?"},
    )
    (item,) = clarifications.clarifications_of(db.session, procurement)
    assert (item.number, item.bidder_id, item.asked_at) == (1, asker.id, clock.now())

    early = client.post(
        f"/procurements/BID-1/clarifications/{item.id}/publish", follow_redirects=True
    )
    assert "Answer the question before publishing it" in early.get_data(as_text=True)
    assert item.published_at is None

    client.post(
        f"/procurements/BID-1/clarifications/{item.id}/answer",
        data={"answer": "Yes: staff information is in appendix C."},
    )
    client.post(f"/procurements/BID-1/clarifications/{item.id}/publish")
    db.session.refresh(item)
    assert item.published_at == clock.now()

    internal = client.get("/procurements/BID-1/clarifications").get_data(as_text=True)
    assert "Wisbech Tenancy Support Ltd" in internal

    sign_in_as(client, make_user(Role.COMMISSIONING_BODY))
    log = client.get("/procurements/BID-1/clarifications/published").get_data(as_text=True)
    assert "CQ-001" in log
    assert "Does TUPE apply to the current staff?" in log
    assert "Yes: staff information is in appendix C." in log
    assert "Wisbech" not in log
    assert [vars(p).keys() for p in clarifications.published_log(db.session, procurement)] == [
        {"reference", "question", "answer", "published_at"}
    ]

    # A published answer stays as published.
    sign_in_as(client, lead)
    changed = client.post(
        f"/procurements/BID-1/clarifications/{item.id}/answer", data={"answer": "No."}
    )
    assert "A published answer cannot be changed" in changed.get_data(as_text=True)


def test_an_empty_question_is_refused_and_nothing_logged(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    procurement = a_procurement(lead)
    sign_in_as(client, lead)
    response = client.post("/procurements/BID-1/clarifications/new", data={"question": ""})
    assert "Enter the question" in response.get_data(as_text=True)
    assert clarifications.clarifications_of(db.session, procurement) == []


def test_moderation_cannot_end_while_a_clarification_is_open(
    make_user: Callable[..., Any],
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    with_standstill = a_procurement(lead, "NAT-1", "500000")  # national procedure: standstill
    without = a_procurement(lead, "INV-1", "45000")  # invited tender: no standstill
    for procurement in (with_standstill, without):
        for question in ("Is parking provided?", "Can we bid for part?"):
            clarifications.log_question(
                db.session,
                procurement,
                bidder=None,
                question=question,
                asked_at=None,
                now=clock.now(),
            )
    db.session.commit()

    def unmet(procurement: Any, stage: str) -> list[str]:
        return [
            u
            for u in unmet_conditions(db.session, procurement, stage, clock.now())
            if "clarification" in u
        ]

    assert unmet(with_standstill, "standstill") == [
        "Answer the open clarifications: CQ-001, CQ-002"
    ]
    assert unmet(with_standstill, "award") == []  # already checked on the way into standstill
    assert unmet(without, "award") == ["Answer the open clarifications: CQ-001, CQ-002"]

    for procurement in (with_standstill, without):
        for item in clarifications.clarifications_of(db.session, procurement):
            clarifications.answer(db.session, item, "Answered.", lead, clock.now())
    db.session.commit()
    assert unmet(with_standstill, "standstill") == []
    assert unmet(without, "award") == []
