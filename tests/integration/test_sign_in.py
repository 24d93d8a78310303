"""Signing in and out, and how passwords are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tests.integration.conftest import PASSWORD, sign_in


def test_a_user_signs_in_with_the_right_password_and_sees_their_home_page(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD, name="Jo Lead")
    response = client.post(
        "/login", data={"email": lead.email.upper(), "password": PASSWORD}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jo Lead" in page
    assert "Start a new procurement" in page


def test_a_wrong_password_is_refused_with_an_error_summary(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    response = client.post("/login", data={"email": lead.email, "password": "not it"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "govuk-error-summary" in page
    assert "Enter a correct email address and password" in page


def test_empty_sign_in_lists_both_missing_answers(client: FlaskClient) -> None:
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_an_inactive_account_cannot_sign_in(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    person.active = False
    db.session.commit()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_passwords_are_stored_as_key_derivation_hashes(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    assert PASSWORD not in person.password_hash
    assert person.password_hash.split(":")[0] in {"scrypt", "pbkdf2"}
    person.set_password("another long password")
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    try:
        person.set_password("another long password")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert person.password_hash.startswith("scrypt:")
    assert person.check_password("another long password")


def test_signing_out_ends_the_session(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/").status_code == 200
    client.post("/logout")
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_sign_in_does_not_redirect_to_another_site(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.ADMIN)
    response = client.post(
        "/login?next=//evil.example/x", data={"email": person.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_forms_refuse_a_post_without_the_csrf_token(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 400
        login_page = client.get("/login").get_data(as_text=True)
        assert 'name="csrf_token"' in login_page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
