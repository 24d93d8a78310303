"""Probity, need to know: each attack on commercial information, played on the demo data as the
person who would try it, is answered 404 with nothing written and the attempt audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.demo import load_demo
from tenderflow.extensions import db
from tenderflow.models import (
    AuditEvent,
    Bid,
    Bidder,
    ConflictDeclaration,
    PanelMember,
    Procurement,
    User,
)
from tenderflow.services import procurements
from tenderflow.services.documents import reports
from tests.integration.conftest import sign_in_as
from tests.integration.documents_world import storage
from tests.integration.test_get_changes_nothing import _tables_fingerprint
from tests.integration.timetable_data import asked_for_approval

KENT = "KCC-IDAS-2026"
HUNTS = "CCC-SH-HUNTS-2027"  # in moderation; the commissioning body has not been asked
CONFLICTED_BIDDER = "Weald Refuge Partnership"  # evaluator2@ declared a conflict on Kent


@pytest.fixture
def demo(app: Any) -> Iterator[None]:
    load_demo(db.session, clock.today())
    db.session.commit()
    yield


def person(name: str) -> User:
    found = db.session.scalar(select(User).where(User.email == f"{name}@tenderflow.example"))
    assert found is not None
    return found


def procurement(reference: str) -> Procurement:
    found = procurements.get_by_reference(db.session, reference)
    assert found is not None
    return found


def first_bid(reference: str) -> Bid:
    found = db.session.scalar(
        select(Bid).where(Bid.procurement_id == procurement(reference).id).order_by(Bid.id)
    )
    assert found is not None
    return found


def bid_of(reference: str, bidder: str) -> Bid:
    found = db.session.scalar(
        select(Bid)
        .join(Bidder, Bid.bidder_id == Bidder.id)
        .where(Bid.procurement_id == procurement(reference).id, Bidder.name == bidder)
        .order_by(Bid.id)
    )
    assert found is not None
    return found


def _refusals(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "refused", AuditEvent.actor_id == user.id
            )
        )
        or 0
    )


def refused(client: FlaskClient, user: User, url: str, method: str = "GET") -> str:
    """Try the URL as the user: 404, nothing changed, one refusal audited. Return the page."""
    sign_in_as(client, user)
    before, audited = _tables_fingerprint(), _refusals(user)
    response = client.open(url, method=method, data={})
    db.session.expire_all()
    assert response.status_code == 404, f"{user.email} got {response.status_code} from {url}"
    assert _tables_fingerprint() == before, f"{method} {url} as {user.email} changed something"
    assert _refusals(user) == audited + 1, f"{method} {url} as {user.email} was not audited"
    return response.get_data(as_text=True)


def test_another_procurements_lead_reads_no_bid_price_or_document_of_kent(
    client: FlaskClient, demo: None
) -> None:
    bid = first_bid(KENT)
    price = f"£{bid.price:,.2f}"
    sign_in_as(client, person("lead"))
    assert price in client.get(f"/procurements/{KENT}/bids/{bid.id}").get_data(as_text=True)

    intruder = person("lead2")
    page = refused(client, intruder, f"/procurements/{KENT}/bids/{bid.id}")
    assert price not in page
    refused(client, intruder, f"/procurements/{KENT}/bids")
    refused(client, intruder, f"/procurements/{KENT}/bids/{bid.id}/price")
    refused(client, intruder, f"/procurements/{KENT}/bids/{bid.id}/price", "POST")
    refused(client, intruder, f"/procurements/{KENT}/bids/{bid.id}/exclude", "POST")
    refused(client, intruder, f"/procurements/{KENT}/documents")
    refused(client, intruder, f"/procurements/{KENT}/documents.zip")
    refused(client, intruder, f"/evaluations/{KENT}/results")
    refused(client, intruder, f"/evaluations/{KENT}/pass-fail")
    refused(client, intruder, f"/evaluations/{KENT}/queries")
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "refused", AuditEvent.actor_id == intruder.id)
        .order_by(AuditEvent.id)
    ).first()
    assert event is not None and event.procurement_id == procurement(KENT).id
    assert "lead2@tenderflow.example has no need to know on KCC-IDAS-2026" in event.summary


def test_a_moderator_on_no_panel_of_the_procurement_reads_nothing_of_it(
    client: FlaskClient, demo: None, make_user: Any
) -> None:
    from tenderflow.domain.roles import Role

    outsider = make_user(Role.MODERATOR)
    bid = first_bid(KENT)
    for url in (
        f"/procurements/{KENT}/bids",
        f"/procurements/{KENT}/bids/{bid.id}",
        f"/procurements/{KENT}/documents",
        f"/evaluations/{KENT}/results",
        f"/evaluations/{KENT}/moderation",
        f"/evaluations/{HUNTS}/moderation",
        f"/evaluations/{HUNTS}/results",
    ):
        refused(client, outsider, url)
    # The moderator on the panel sees them.
    sign_in_as(client, person("moderator"))
    assert client.get(f"/procurements/{KENT}/bids/{bid.id}").status_code == 200
    assert client.get(f"/evaluations/{HUNTS}/moderation").status_code == 200


def test_the_commissioning_body_sees_results_and_papers_only_once_asked_for_approval(
    client: FlaskClient, demo: None
) -> None:
    body = person("commissioning")
    hunts = procurement(HUNTS)
    bid = first_bid(HUNTS)
    refused(client, body, f"/procurements/{HUNTS}/bids")
    refused(client, body, f"/procurements/{HUNTS}/bids/{bid.id}")
    refused(client, body, f"/evaluations/{HUNTS}/results")
    refused(client, body, f"/procurements/{HUNTS}/documents")
    page = client.get(f"/procurements/{HUNTS}").get_data(as_text=True)
    assert "See the evaluation results" not in page
    assert f"/procurements/{HUNTS}/bids" not in page

    # Once the lead has asked for approval (asking itself is played in test_probity_bids),
    # the commissioning body sees them.
    asked_for_approval(hunts, person("lead"))
    db.session.commit()

    sign_in_as(client, body)
    assert client.get(f"/evaluations/{HUNTS}/results").status_code == 200
    assert client.get(f"/procurements/{HUNTS}/documents").status_code == 200
    assert "See the evaluation results" in client.get(f"/procurements/{HUNTS}").get_data(
        as_text=True
    )
    # Asked on Kent in the demo history; never on the procurement being scored.
    assert client.get(f"/evaluations/{KENT}/results").status_code == 200
    refused(client, body, "/procurements/CCC-YP-FLOAT-2027/bids")


def test_a_moderator_who_declared_a_conflict_never_sees_that_bid_or_its_price(
    client: FlaskClient, demo: None
) -> None:
    moderator = person("moderator")
    kent = procurement(KENT)
    member = db.session.scalar(
        select(PanelMember).where(
            PanelMember.procurement_id == kent.id, PanelMember.user_id == moderator.id
        )
    )
    assert member is not None
    conflicted = bid_of(KENT, CONFLICTED_BIDDER)
    declaration = db.session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.panel_member_id == member.id,
            ConflictDeclaration.bidder_id == conflicted.bidder_id,
        )
    )
    assert declaration is not None
    declaration.conflicted, declaration.details = True, "A relative is on its board"
    db.session.commit()

    page = refused(client, moderator, f"/procurements/{KENT}/bids/{conflicted.id}")
    assert f"{conflicted.price:,.2f}" not in page
    refused(client, moderator, f"/procurements/{KENT}/documents")
    listing = client.get(f"/procurements/{KENT}/bids").get_data(as_text=True)
    assert CONFLICTED_BIDDER not in listing
    assert "withheld from you" in listing
    results = client.get(f"/evaluations/{KENT}/results").get_data(as_text=True)
    assert CONFLICTED_BIDDER not in results
    assert "withheld from you" in results


def test_an_evaluator_who_declared_a_conflict_sees_the_results_without_that_bid(
    client: FlaskClient, demo: None
) -> None:
    evaluator = person("evaluator2")
    sign_in_as(client, evaluator)
    response = client.get(f"/evaluations/{KENT}/results")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert CONFLICTED_BIDDER not in page
    assert "2 bids are withheld from you" not in page and "1 bid is withheld from you" in page
    # Kent has two lots: in the lot with the withheld bid the winner, which could name it, is
    # withheld too; the other lot's shows.
    assert page.count('data-testid="winner"') == 1
    # Another evaluator on the panel sees every bid.
    sign_in_as(client, person("evaluator1"))
    assert CONFLICTED_BIDDER in client.get(f"/evaluations/{KENT}/results").get_data(as_text=True)


def test_a_co_lead_added_by_the_lead_sees_the_bids_and_only_the_lead_adds_co_leads(
    client: FlaskClient, demo: None
) -> None:
    bid = first_bid(KENT)
    co_lead = person("lead2")
    refused(client, co_lead, f"/procurements/{KENT}/bids/{bid.id}")
    sign_in_as(client, co_lead)
    assert (
        client.post(f"/procurements/{KENT}/co-leads", data={"user_id": co_lead.id}).status_code
        == 403
    )

    sign_in_as(client, person("lead"))
    assert (
        client.post(f"/procurements/{KENT}/co-leads", data={"user_id": co_lead.id}).status_code
        == 302
    )
    page = client.get(f"/procurements/{KENT}").get_data(as_text=True)
    assert 'data-testid="co-leads"' in page and co_lead.name in page

    sign_in_as(client, co_lead)
    assert f"£{bid.price:,.2f}" in client.get(f"/procurements/{KENT}/bids/{bid.id}").get_data(
        as_text=True
    )
    # Reports written for the co-lead are the procurement's own papers.
    reports.generate(
        db.session,
        storage(),
        procurement(KENT),
        "committee",
        now=clock.now(),
        today=clock.today(),
        user=co_lead,
    )
    db.session.commit()
    assert client.get(f"/procurements/{KENT}/documents.zip").status_code == 200


def test_the_procurement_list_and_page_show_no_commercial_figures_without_need_to_know(
    client: FlaskClient, demo: None
) -> None:
    kent = procurement(KENT)
    prices = [
        f"£{b.price:,.2f}"
        for b in db.session.scalars(select(Bid).where(Bid.procurement_id == kent.id))
        if b.price is not None
    ]
    assert prices
    sign_in_as(client, person("lead2"))
    for url in ("/", f"/procurements/{KENT}"):
        page = client.get(url).get_data(as_text=True)
        assert not [p for p in prices if p in page], url
    page = client.get(f"/procurements/{KENT}").get_data(as_text=True)
    assert f"/procurements/{KENT}/bids" not in page
    assert "See the evaluation results" not in page
    assert 'id="documents"' not in page
    assert "Withheld: you have no need to know" in page  # the recommended bidder
    checks = client.get(f"/procurements/{KENT}/exclusions").get_data(as_text=True)
    assert ">Recommended<" not in checks
    sign_in_as(client, person("lead"))
    page = client.get(f"/procurements/{KENT}").get_data(as_text=True)
    assert f"/procurements/{KENT}/bids" in page and 'id="documents"' in page
    assert "Withheld: you have no need to know" not in page
    checks = client.get(f"/procurements/{KENT}/exclusions").get_data(as_text=True)
    assert ">Recommended<" in checks


def test_every_view_of_a_bid_price_or_results_by_those_admitted_is_audited(
    demo: None, client: FlaskClient
) -> None:
    lead = person("lead")
    bid = first_bid(KENT)
    sign_in_as(client, lead)
    for url in (f"/procurements/{KENT}/bids/{bid.id}", f"/evaluations/{KENT}/results"):
        assert client.get(url).status_code == 200
    seen = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "viewed", AuditEvent.actor_id == lead.id)
            .order_by(AuditEvent.id)
        )
    )
    kent = str(procurement(KENT).id)
    # The bid page checks the procurement, then the bid: each admission is kept.
    assert [(e.entity, e.entity_id) for e in seen] == [
        ("procurements", kent),
        ("bids", str(bid.id)),
        ("procurements", kent),
    ]
    assert all(e.procurement_id == procurement(KENT).id for e in seen)
    assert seen[-1].summary == "Viewed: see the evaluation results"
