"""Sessions end: at sign-out, when an account is disabled, its roles or password change, or time runs out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import users
from tests.integration.conftest import PASSWORD, sign_in, sign_in_as


def signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def second_client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_signing_in_starts_a_fresh_session(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    with client.session_transaction() as session:
        session["left_over"] = "from before sign-in"
    sign_in(client, make_user(Role.EVALUATOR))
    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session["_sv"] == 1


def test_signing_out_ends_every_session_of_that_person_and_a_copied_cookie_stops_working(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.PROCUREMENT_LEAD)
    sign_in(client, person)
    elsewhere = second_client(app)
    sign_in(elsewhere, person)
    copied = client.get_cookie("session")
    assert copied is not None
    thief = second_client(app)
    thief.set_cookie("session", copied.value)
    assert signed_in(thief)

    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(elsewhere)
    assert not signed_in(thief)


def test_disabling_an_account_ends_its_sessions(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    sign_in(client, person)
    admin = second_client(app)
    sign_in_as(admin, make_user(Role.ADMIN))
    response = admin.post(
        f"/admin/users/{person.id}",
        data={"name": person.name, "email": person.email, "roles": ["evaluator"], "district": ""},
    )
    assert response.status_code == 302
    assert not signed_in(client)


def test_a_role_change_ends_the_sessions_but_a_change_of_name_does_not(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    sign_in(client, person)
    same_roles = users.UserInput(email=person.email, name="A New Name", roles={Role.EVALUATOR})
    users.update_user(db.session, person, same_roles)
    db.session.commit()
    assert signed_in(client)
    more_roles = users.UserInput(
        email=person.email, name="A New Name", roles={Role.EVALUATOR, Role.MODERATOR}
    )
    users.update_user(db.session, person, more_roles)
    db.session.commit()
    assert not signed_in(client)


def test_changing_your_password_ends_your_other_sessions_but_not_this_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.MODERATOR)
    sign_in(client, person)
    elsewhere = second_client(app)
    sign_in(elsewhere, person)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "lantern marsh cobble",
            "confirm_password": "lantern marsh cobble",
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(elsewhere)
    db.session.expire_all()
    assert person.check_password("lantern marsh cobble")


def test_a_password_change_with_problems_lists_them_and_changes_nothing(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.MODERATOR)
    sign_in_as(client, person)
    before = person.password_hash
    page = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": "password123",
            "confirm_password": "password123",
        },
    ).get_data(as_text=True)
    assert "<title>Error: Change your password" in page
    assert "Your current password is not correct" in page
    assert "on a list of common passwords" in page
    db.session.expire_all()
    assert person.password_hash == before
    assert person.session_version == 1


@pytest.mark.parametrize(
    ("setting", "value", "later", "ended"),
    [
        ("SESSION_IDLE_MINUTES", 20, timedelta(minutes=19), False),
        ("SESSION_IDLE_MINUTES", 20, timedelta(minutes=20), True),
        ("SESSION_MAX_HOURS", 1, timedelta(minutes=59), False),
    ],
)
def test_a_session_ends_after_the_configured_idle_or_absolute_time(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    value: int,
    later: timedelta,
    ended: bool,
) -> None:
    monkeypatch.setitem(app.config, setting, value)
    sign_in(client, make_user(Role.EVALUATOR))
    moved = clock.wall_now() + later
    monkeypatch.setattr(clock, "wall_now", lambda: moved)
    assert signed_in(client) is not ended


def test_a_session_in_constant_use_still_ends_at_the_absolute_limit(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 2)
    sign_in(client, make_user(Role.EVALUATOR))
    start = clock.wall_now()
    for minutes in range(0, 120, 30):
        moment = start + timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "wall_now", lambda moment=moment: moment)
        assert signed_in(client)
    end = start + timedelta(hours=2)
    monkeypatch.setattr(clock, "wall_now", lambda: end)
    assert not signed_in(client)


def test_the_timeouts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tenderflow.config import load_config

    monkeypatch.setenv("TENDERFLOW_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("TENDERFLOW_SESSION_MAX_HOURS", "8")
    config = load_config()
    assert (config["SESSION_IDLE_MINUTES"], config["SESSION_MAX_HOURS"]) == (15, 8)
    monkeypatch.setenv("TENDERFLOW_SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="TENDERFLOW_SESSION_IDLE_MINUTES must be a number"):
        load_config()
