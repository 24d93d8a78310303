"""Who may do what: every route, tried by every role and relationship, against the table.

The expectations come from ``tests/integration/access_table.py``, written out by hand, not
from each route's own declaration: a route that declares the wrong roles fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenderflow import clock, create_app
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.web.access import PUBLIC_ENDPOINTS
from tests.integration.access_table import TABLE
from tests.integration.conftest import a_database, migrate, sign_in_as
from tests.integration.timetable_data import asked_for_approval
from tests.integration.world import build_world


def _routes() -> list[tuple[str, str, str]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.endpoint, rule.rule, method))
    return sorted(found)


ROUTES = _routes()


# Every route tried by every person is some 5,000 requests. Who is admitted is decided in the
# app's Python, the same on either database, so the table is played once, on SQLite; the
# need-to-know queries themselves run on PostgreSQL too (test_probity_access.py,
# test_contracts.py and the other feature suites).
@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with a_database("sqlite", tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return migrate(database_url, tmp_path_factory)


def _url(app: Flask, endpoint: str, world: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {name: world["url_args"][name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    missing = [
        e
        for e in app.view_functions
        if e not in PUBLIC_ENDPOINTS and not hasattr(app.view_functions[e], "access_rule")
    ]
    assert missing == []


def _people(world: dict[str, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """Everyone the table names, each in their relationship to the world's procurement.

    The procurement is put in moderation, so every part of it can be reached by someone.
    """
    from tenderflow.models import Bid, ConflictDeclaration
    from tenderflow.services import need_to_know
    from tenderflow.services.capital import priority
    from tenderflow.services.capital.documents import save_priority_list
    from tenderflow.services.evaluation import panel
    from tests.integration import capital_world
    from tests.integration.bidders_world import a_deadline
    from tests.integration.documents_world import storage

    people = world["people"]
    procurement = world["procurement"]
    now = clock.now()
    procurement.stage = "moderation"
    # The world's bid is past its deadline and opened, so those who may see it can.
    bid = db.session.get(Bid, world["url_args"]["bid_id"])
    a_deadline(procurement, now - timedelta(days=1))
    bid.opened_at, bid.opened_by_id = now, people[Role.PROCUREMENT_LEAD].id
    # The capital round is scored, closed and its priority list written.
    round_, scheme = world["capital_round"], world["capital_scheme"]
    capital_world.accept(scheme, people[Role.PARTNERSHIP_OFFICER])
    capital_world.score(scheme, people[Role.SP_SCORER], 4, 4, 3, 4, 3)
    capital_world.close(round_)
    priority.produce_priority_list(db.session, round_, now)
    save_priority_list(db.session, storage(), round_, now, clock.today())
    co_lead = make_user(Role.PROCUREMENT_LEAD)
    row = need_to_know.add_co_lead(
        db.session, procurement, co_lead, people[Role.PROCUREMENT_LEAD], now
    )
    world["url_args"]["co_lead_id"] = row.id
    world["co_lead"] = (row.id, co_lead.id)
    conflicted = make_user(Role.MODERATOR)
    member = panel.add_member(db.session, procurement, conflicted.id, "moderator")
    db.session.add(
        ConflictDeclaration(
            panel_member_id=member.id, bidder_id=bid.bidder_id, conflicted=True, declared_at=now
        )
    )
    db.session.commit()
    return {
        "anonymous": None,
        "admin": people[Role.ADMIN],
        "own-lead": people[Role.PROCUREMENT_LEAD],
        "co-lead": co_lead,
        "other-lead": make_user(Role.PROCUREMENT_LEAD),
        "panel-evaluator": people[Role.EVALUATOR],
        "other-evaluator": make_user(Role.EVALUATOR),
        "panel-moderator": people[Role.MODERATOR],
        "other-moderator": make_user(Role.MODERATOR),
        "conflicted-moderator": conflicted,
        "body-not-asked": people[Role.COMMISSIONING_BODY],
        "district-officer": people[Role.DISTRICT_OFFICER],
        "partnership-officer": people[Role.PARTNERSHIP_OFFICER],
        "sp-scorer": people[Role.SP_SCORER],
        "contract-manager": people[Role.CONTRACT_MANAGER],
        "other-contract-manager": make_user(Role.CONTRACT_MANAGER),
        # Last: the lead asks the commissioning body for approval just before this one tries.
        "body-asked": people[Role.COMMISSIONING_BODY],
    }


def _keep_the_co_lead(world: dict[str, Any]) -> None:
    """Put the co-lead back if someone admitted removed them, so the next person finds them."""
    from tenderflow.models import ProcurementLead

    row_id, user_id = world["co_lead"]
    if db.session.get(ProcurementLead, row_id) is None:
        db.session.add(
            ProcurementLead(
                id=row_id,
                procurement_id=world["procurement"].id,
                user_id=user_id,
                added_at=clock.now(),
            )
        )
        db.session.commit()


def _admitted(status: int) -> bool:
    # Shown a page, sent on, or told the form is incomplete: not refused.
    return status < 400 or status == 400


@pytest.mark.parametrize(
    ("endpoint", "path", "method"), ROUTES, ids=[f"{m} {p}" for _, p, m in ROUTES]
)
def test_each_person_is_admitted_or_refused_as_the_table_says(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    endpoint: str,
    path: str,
    method: str,
) -> None:
    from tenderflow.services import need_to_know

    assert (endpoint, method) in TABLE, f"{method} {path} ({endpoint}) has no row in the table"
    admitted = TABLE[(endpoint, method)]
    world = build_world(make_user)
    people = _people(world, make_user)
    url = _url(app, endpoint, world)
    for who, person in people.items():
        _keep_the_co_lead(world)
        procurement = world["procurement"]
        if who == "body-asked" and need_to_know.approval_request(db.session, procurement) is None:
            asked_for_approval(procurement, people["own-lead"])
            db.session.commit()
        if person is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            sign_in_as(client, person)
        response = client.open(url, method=method, data={})
        status = response.status_code
        assert status < 500, f"{who} broke {method} {url}"
        if who in admitted:
            assert _admitted(status), f"{who} was refused ({status}) by {method} {url}"
        elif person is None:
            assert status == 302 and "/login" in response.headers["Location"], (
                f"anonymous got {status} from {method} {url}"
            )
        else:
            assert status in (403, 404), f"{who} was let into {method} {url} ({status})"


def test_the_table_has_a_row_for_every_route_and_no_other() -> None:
    assert {(endpoint, method) for endpoint, _, method in ROUTES} == set(TABLE)


def test_a_route_without_an_access_rule_is_refused() -> None:
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})

    @fresh.route("/undeclared")
    def undeclared() -> str:
        return "should not be seen"

    response = fresh.test_client().get("/undeclared")
    assert response.status_code == 403
    assert "should not be seen" not in response.get_data(as_text=True)


# The Act's gate pages: readers of procurements see them; only the procurement's own lead and
# administrators confirm the assessment or record a check. "other-lead" is a lead of another
# procurement: the role admits them, the procurement does not.
READ = {Role.ADMIN, Role.PROCUREMENT_LEAD, Role.MODERATOR, Role.COMMISSIONING_BODY, "other-lead"}
WRITE = {Role.ADMIN, Role.PROCUREMENT_LEAD}
ACT_GATE_ROWS = [
    ("GET", "/conflicts-assessment", READ),
    ("GET", "/conflicts-assessment/confirm", WRITE),
    ("POST", "/conflicts-assessment/confirm", WRITE),
    ("GET", "/exclusions", READ),
    ("GET", "/exclusions/{bidder_id}", WRITE),
    ("POST", "/exclusions/{bidder_id}", WRITE),
]
ACT_GATE_WHO = [*Role, "other-lead"]


@pytest.mark.parametrize(
    ("method", "path", "admitted"), ACT_GATE_ROWS, ids=[f"{m} {p}" for m, p, _ in ACT_GATE_ROWS]
)
def test_every_role_on_the_acts_gate_pages(
    client: FlaskClient,
    make_user: Callable[..., Any],
    method: str,
    path: str,
    admitted: set[Any],
) -> None:
    from tenderflow.extensions import db
    from tenderflow.models import ConflictsAssessment, ExclusionCheck

    world = build_world(make_user)
    url = "/procurements/ACCESS-1" + path.format(**world["url_args"])
    people: dict[Any, Any] = {**world["people"], "other-lead": make_user(Role.PROCUREMENT_LEAD)}
    for who in ACT_GATE_WHO:
        sign_in_as(client, people[who])
        status = client.open(url, method=method, data={}).status_code
        if who in admitted:
            assert status in (200, 302), f"{who} got {status} from {method} {url}"
        else:
            assert status == 403, f"{who} got {status} from {method} {url}"
    # Empty forms are refused with their errors: whoever asked, nothing was written.
    assert db.session.scalar(db.select(db.func.count(ConflictsAssessment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ExclusionCheck.id))) == 0


# A direct award's transparency notice: only the procurement's own lead and administrators.
NOTICE_ROWS = [("GET", WRITE), ("POST", WRITE)]


@pytest.mark.parametrize(("method", "admitted"), NOTICE_ROWS, ids=[m for m, _ in NOTICE_ROWS])
def test_every_role_on_the_transparency_notice_page(
    client: FlaskClient, make_user: Callable[..., Any], method: str, admitted: set[Any]
) -> None:
    from decimal import Decimal

    from tenderflow import clock
    from tenderflow.extensions import db
    from tenderflow.services import procurements
    from tests.integration.world import procurement_input

    world = build_world(make_user)
    people: dict[Any, Any] = {**world["people"], "other-lead": make_user(Role.PROCUREMENT_LEAD)}
    direct = procurements.create_procurement(
        db.session,
        procurement_input(
            reference="ACCESS-DA", value=Decimal("300000"), direct_award="commodities"
        ),
        people[Role.PROCUREMENT_LEAD],
        clock.now(),
    )
    db.session.commit()
    url = "/procurements/ACCESS-DA/transparency-notice"
    for who in ACT_GATE_WHO:
        sign_in_as(client, people[who])
        status = client.open(url, method=method, data={}).status_code
        if who in admitted:
            assert status == 200, f"{who} got {status} from {method} {url}"
        else:
            assert status == 403, f"{who} got {status} from {method} {url}"
    db.session.expire_all()
    assert direct.transparency_notice_published_on is None  # empty forms write nothing
