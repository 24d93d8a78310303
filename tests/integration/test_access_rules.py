"""Every route declares who may use it, and every other role is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenderflow import create_app
from tenderflow.domain.roles import Role
from tenderflow.web.access import PUBLIC_ENDPOINTS, AccessRule
from tests.integration.conftest import sign_in_as
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


def _rule(app: Flask, endpoint: str) -> AccessRule:
    rule = getattr(app.view_functions[endpoint], "access_rule", None)
    assert rule is not None, f"{endpoint} declares no access rule"
    return rule


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


@pytest.mark.parametrize(
    ("endpoint", "path", "method"), ROUTES, ids=[f"{m} {p}" for _, p, m in ROUTES]
)
def test_each_role_is_admitted_or_refused_as_the_route_declares(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    endpoint: str,
    path: str,
    method: str,
) -> None:
    world = build_world(make_user)
    rule = _rule(app, endpoint)
    url = _url(app, endpoint, world)

    anonymous = client.open(url, method=method)
    if rule.public:
        assert anonymous.status_code != 403
    else:
        assert anonymous.status_code == 302
        assert "/login" in anonymous.headers["Location"]

    for role in Role:
        person = world["people"][role]
        sign_in_as(client, person)
        response = client.open(url, method=method)
        if rule.admits(person):
            if not rule.per_object:
                assert response.status_code != 403, f"{role} refused by {method} {url}"
            assert response.status_code < 500, f"{role} broke {method} {url}"
        else:
            assert response.status_code == 403, f"{role} was let into {method} {url}"


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
    # Notices: readers see every notice, its preview and its OCDS release; the procurement's
    # own lead and administrators record publication, mark drafts and say what notices give.
    ("GET", "/notices", READ),
    ("GET", "/notices/{notice_type}", READ),
    ("GET", "/notices/{notice_type}/release.json", READ),
    ("GET", "/notices/{notice_type}/publish", WRITE),
    ("POST", "/notices/{notice_type}/publish", WRITE),
    ("POST", "/notices/{notice_type}/drafted", WRITE),
    ("GET", "/notices/details", WRITE),
    ("POST", "/notices/details", WRITE),
    ("GET", "/notices/suppliers/{bidder_id}", WRITE),
    ("POST", "/notices/suppliers/{bidder_id}", WRITE),
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
    from tenderflow.models import ConflictsAssessment, ExclusionCheck, TransparencyNotice

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
    if "/drafted" not in path:
        assert db.session.scalar(db.select(db.func.count(TransparencyNotice.id))) == 0
