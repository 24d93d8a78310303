"""Administrators invite people and send password resets by one-time links that expire."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import OutboxMessage, User
from tenderflow.services import users
from tests.integration.conftest import PASSWORD, sign_in, sign_in_as

NEW_PASSWORD = "lantern marsh cobble"


def link_sent_to(person: User) -> str:
    db.session.expire_all()
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_id == person.id, OutboxMessage.kind == "account-link")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None
    found = re.search(r"http://localhost(/account/set-password/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def invite(client: FlaskClient, email: str) -> User:
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Rowan Ashby",
            "email": email,
            "roles": ["evaluator"],
            "district": "",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    person = users.find_by_email(db.session, email)
    assert person is not None
    return person


def test_an_invited_person_sets_their_password_once_and_signs_in(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    person = invite(client, "rowan.ashby@council.example")
    assert not person.has_password
    link = link_sent_to(person)
    page = client.get("/admin/users").get_data(as_text=True)
    assert link in page  # shown to the administrator until email delivery is set up
    client.post("/logout")

    assert "Set your password" in client.get(link).get_data(as_text=True)
    refused = client.post(
        link, data={"new_password": "qwertyuiop", "confirm_password": "qwertyuiop"}
    )
    assert "<title>Error: Set your password" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not person.has_password

    done = client.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.headers["Location"] == "/login"
    response = client.post("/login", data={"email": person.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 410


def test_an_invited_person_cannot_sign_in_before_setting_a_password(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    person = invite(client, "no.password.yet@council.example")
    client.post("/logout")
    for guess in ("", " ", "None"):
        response = client.post("/login", data={"email": person.email, "password": guess or "x"})
        assert response.status_code == 200


def test_a_link_expires(
    client: FlaskClient, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    person = invite(client, "late.starter@council.example")
    link = link_sent_to(person)
    client.post("/logout")
    almost = clock.wall_now() + timedelta(hours=71, minutes=59)
    monkeypatch.setattr(clock, "wall_now", lambda: almost)
    assert client.get(link).status_code == 200
    expired = almost + timedelta(minutes=1)
    monkeypatch.setattr(clock, "wall_now", lambda: expired)
    page = client.get(link)
    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)


def test_a_password_reset_replaces_the_earlier_link_and_ends_the_persons_sessions(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    from flask import current_app

    person = make_user(Role.EVALUATOR)
    theirs = current_app.test_client()
    sign_in(theirs, person)
    sign_in_as(client, make_user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/link")
    first = link_sent_to(person)
    client.post(f"/admin/users/{person.id}/link")
    second = link_sent_to(person)
    assert first != second
    assert "Choose a new password" in client.get(second).get_data(as_text=True)
    assert client.get(first).status_code == 410

    assert theirs.get("/").status_code == 200  # sending a reset alone signs nobody out
    client.post(second, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert theirs.get("/").status_code == 302
    db.session.expire_all()
    assert person.check_password(NEW_PASSWORD)
    assert not person.check_password(PASSWORD)


def test_a_disabled_accounts_link_does_not_work(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    sign_in_as(client, make_user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/link")
    link = link_sent_to(person)
    users.set_active(db.session, person, False)
    db.session.commit()
    assert client.get(link).status_code == 410


def test_only_the_tokens_hash_is_kept(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    from tenderflow.models import AccountLink, AuditEvent

    person = make_user(Role.EVALUATOR)
    sign_in_as(client, make_user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/link")
    token = link_sent_to(person).rsplit("/", 1)[1]
    record = db.session.scalars(select(AccountLink)).one()
    assert token not in record.token_hash
    logged = " ".join(str(e.new_value) for e in db.session.scalars(select(AuditEvent)))
    assert record.token_hash not in logged


def test_other_administrators_do_not_see_a_link_in_messages(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.ADMIN)
    sign_in_as(client, make_user(Role.ADMIN))
    client.post(f"/admin/users/{person.id}/link", follow_redirects=True)  # its notice shown once
    link = link_sent_to(person)
    page = client.get("/messages").get_data(as_text=True)
    assert "Reset your tenderflow password" in page
    assert link not in page
    assert "shown only to its recipient" in page


def test_an_administrator_cannot_disable_their_own_account_or_drop_their_role(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    admin = make_user(Role.ADMIN)
    sign_in_as(client, admin)
    base = {"name": admin.name, "email": admin.email, "district": ""}
    page = client.post(f"/admin/users/{admin.id}", data={**base, "roles": ["admin"]})
    assert "You cannot disable your own account" in page.get_data(as_text=True)
    page = client.post(
        f"/admin/users/{admin.id}", data={**base, "roles": ["evaluator"], "active": "y"}
    )
    assert "You cannot remove your own administrator role" in page.get_data(as_text=True)
    db.session.expire_all()
    assert admin.active and admin.roles == {Role.ADMIN}
    assert client.get("/admin/users").status_code == 200


def test_the_users_list_shows_who_is_invited_active_or_disabled(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    invite(client, "still.invited@council.example")
    disabled = make_user(Role.EVALUATOR, name="Dana Disabled")
    users.set_active(db.session, disabled, False)
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert re.search(
        r"still.invited@council.example</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>\s*Invited",
        page,
    ), page[-3000:]
    assert re.search(r"Dana Disabled.*?Disabled", page, re.S)
