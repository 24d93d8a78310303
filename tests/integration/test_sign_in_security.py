"""Sign-in throttling, the audit of every sign-in, and two-factor sign-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, SignInAttempt
from tests.integration.conftest import PASSWORD, sign_in, sign_in_as

REFUSED = "Enter a correct email address and password"


def attempt(client: FlaskClient, email: str, password: str, address: str = "192.0.2.10") -> Any:
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_after_five_wrong_passwords_even_the_right_one_is_refused_and_the_lockout_recorded(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.ADMIN)
    for _ in range(5):
        page = attempt(client, person.email, "not the password").get_data(as_text=True)
        assert REFUSED in page
    refused = attempt(client, person.email, PASSWORD)
    assert refused.status_code == 200
    assert REFUSED in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    (lockout,) = events("lockout")
    assert lockout.actor_id == person.id
    assert f"account {person.email}" in (lockout.summary or "")
    outcomes = [
        a.outcome for a in db.session.scalars(select(SignInAttempt).order_by(SignInAttempt.id))
    ]
    assert outcomes == ["wrong-password"] * 5 + ["refused-throttled"]


def test_the_pause_lifts_once_the_window_has_passed(
    client: FlaskClient, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_user(Role.EVALUATOR)
    for _ in range(5):
        attempt(client, person.email, "not the password")
    assert REFUSED in attempt(client, person.email, PASSWORD).get_data(as_text=True)
    later = clock.wall_now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "wall_now", lambda: later)
    assert attempt(client, person.email, PASSWORD).status_code == 302


def test_attempts_older_than_thirty_days_are_removed_as_new_ones_arrive_the_audit_keeps_them(
    client: FlaskClient, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_user(Role.EVALUATOR)
    other = make_user(Role.EVALUATOR)
    attempt(client, person.email, "not the password", address="192.0.2.20")
    attempt(client, other.email, "not the password", address="192.0.2.30")
    later = clock.wall_now() + timedelta(days=31)
    monkeypatch.setattr(clock, "wall_now", lambda: later)
    assert attempt(client, person.email, PASSWORD, address="192.0.2.40").status_code == 302
    db.session.expire_all()
    kept = [(a.email, a.outcome) for a in db.session.scalars(select(SignInAttempt))]
    # The account's old failure is gone; another account's, from another address, is not.
    assert kept == [(other.email, "wrong-password"), (person.email, "success")]
    assert len(events("sign-in-failed")) == 2


def test_many_failures_from_one_address_pause_sign_in_from_it_for_every_account(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_PER_ADDRESS", 3)
    first, second, third = (
        make_user(Role.EVALUATOR),
        make_user(Role.MODERATOR),
        make_user(Role.ADMIN),
    )
    attempt(client, first.email, "wrong guess one", "198.51.100.7")
    attempt(client, second.email, "wrong guess two", "198.51.100.7")
    attempt(client, "nobody@council.example", "wrong guess three", "198.51.100.7")
    assert REFUSED in attempt(client, third.email, PASSWORD, "198.51.100.7").get_data(as_text=True)
    assert attempt(client, third.email, PASSWORD, "203.0.113.5").status_code == 302
    (lockout,) = events("lockout")
    assert "address 198.51.100.7" in (lockout.summary or "")


def test_an_unknown_email_and_a_disabled_account_get_the_same_message_as_a_wrong_password(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    disabled = make_user(Role.EVALUATOR)
    disabled.active = False
    db.session.commit()
    pages = [
        attempt(client, "nobody@council.example", PASSWORD).get_data(as_text=True),
        attempt(client, disabled.email, PASSWORD).get_data(as_text=True),
    ]
    for page in pages:
        assert REFUSED in page
        assert "govuk-error-summary" in page


def test_every_sign_in_success_or_failure_is_in_the_audit_log(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.PROCUREMENT_LEAD)
    attempt(client, person.email, "not the password", "192.0.2.44")
    attempt(client, "nobody@council.example", "not the password", "192.0.2.44")
    assert attempt(client, person.email, PASSWORD, "192.0.2.44").status_code == 302
    (success,) = events("sign-in")
    assert success.actor_id == person.id
    assert success.summary == "Signed in (from 192.0.2.44)"
    failures = events("sign-in-failed")
    assert [(f.actor_id, f.entity_id) for f in failures] == [
        (person.id, str(person.id)),
        (None, "nobody@council.example"),
    ]


def test_a_successful_sign_in_ends_the_run_of_failures(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user(Role.EVALUATOR)
    for _ in range(4):
        attempt(client, person.email, "not the password")
    sign_in(client, person)
    client.post("/logout")
    for _ in range(4):
        attempt(client, person.email, "not the password")
    assert attempt(client, person.email, PASSWORD).status_code == 302


def next_code(secret: str) -> str:
    """Return the code of the step after now: the current one was spent setting up."""
    return pyotp.TOTP(secret).at(clock.wall_now() + timedelta(seconds=30))


def _set_up_two_factor(client: FlaskClient) -> str:
    client.get("/account/two-factor")
    with client.session_transaction() as session:
        secret = session["_two_factor_setup"]
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return str(secret)


def test_in_the_demonstration_two_factor_is_offered_but_a_password_is_enough(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    assert client.get("/").status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page


def test_the_setup_page_shows_the_setup_address_as_a_qr_code_and_as_a_key(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    import html
    import re

    import segno

    lead = make_user(Role.PROCUREMENT_LEAD)
    sign_in_as(client, lead)
    page = client.get("/account/two-factor").get_data(as_text=True)
    with client.session_transaction() as session:
        secret = session["_two_factor_setup"]
    # The address is shown as text too (as HTML, not as escaped markup).
    shown = re.search(r"<code>(otpauth://[^<]+)</code>", page)
    assert shown is not None and "&lt;code&gt;" not in page
    address = html.unescape(shown.group(1))
    assert f"secret={secret}" in address and "issuer=" in address
    figure = re.search(r'<figure class="tf-setup-qr"[^>]*>(.*?)</figure>', page, re.S)
    assert figure is not None and 'aria-label="QR code' in page
    # The code drawn is the one for this address (and so for this secret), not another.
    drawn = figure.group(1)
    assert drawn == segno.make(address, error="m").svg_inline(scale=4, border=4, omitsize=False)
    assert drawn != segno.make(address.replace(secret, "A" * len(secret)), error="m").svg_inline(
        scale=4, border=4, omitsize=False
    )


def test_once_set_up_signing_in_asks_for_a_code_and_refuses_a_wrong_one(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    sign_in_as(client, lead)
    secret = _set_up_two_factor(client)
    db.session.expire_all()
    assert lead.totp_secret == secret
    client.post("/logout")

    response = attempt(client, lead.email, PASSWORD)
    assert response.headers["Location"] == "/login/two-factor"
    assert client.get("/").status_code == 302  # not signed in until the code is given
    wrong = client.post("/login/two-factor", data={"code": "000000"}).get_data(as_text=True)
    assert "Enter the correct 6-digit code from your authenticator app" in wrong
    assert client.post("/login/two-factor", data={"code": next_code(secret)}).status_code == 302
    assert client.get("/").status_code == 200
    assert [e.summary for e in events("sign-in-failed")] == [
        "Sign-in refused: wrong two-factor code (from 127.0.0.1)"
    ]


def test_a_code_is_accepted_once_only(client: FlaskClient, make_user: Callable[..., Any]) -> None:
    person = make_user(Role.EVALUATOR)
    sign_in_as(client, person)
    secret = _set_up_two_factor(client)
    client.post("/logout")
    code = next_code(secret)
    attempt(client, person.email, PASSWORD)
    assert client.post("/login/two-factor", data={"code": code}).status_code == 302
    client.post("/logout")
    attempt(client, person.email, PASSWORD)
    page = client.post("/login/two-factor", data={"code": code}).get_data(as_text=True)
    assert "Enter the correct 6-digit code" in page
    assert client.get("/").status_code == 302


def test_in_production_an_administrator_sets_up_two_factor_before_getting_in(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "TENDERFLOW_ENV", "production")
    admin = make_user(Role.ADMIN)
    assert attempt(client, admin.email, PASSWORD).headers["Location"] == "/login/two-factor"
    page = client.get("/login/two-factor").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    assert client.get("/").status_code == 302
    with client.session_transaction() as session:
        secret = session["_pending_sign_in"]["secret"]
    assert secret in page.replace(" ", "").replace("</code>", "")
    assert (
        client.post("/login/two-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    )
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert admin.totp_secret == secret
    # An evaluator is not made to use it, even in production.
    evaluator = make_user(Role.EVALUATOR)
    other = app.test_client()
    assert attempt(other, evaluator.email, PASSWORD).headers["Location"] == "/"


def test_a_required_two_factor_cannot_be_turned_off_by_its_holder(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead = make_user(Role.PROCUREMENT_LEAD)
    sign_in_as(client, lead)
    _set_up_two_factor(client)
    monkeypatch.setitem(app.config, "TWO_FACTOR_ROLES", ["procurement-lead"])
    client.post("/account/two-factor/off")
    db.session.expire_all()
    assert lead.totp_secret is not None
    monkeypatch.setitem(app.config, "TWO_FACTOR_ROLES", [])
    client.post("/account/two-factor/off")
    db.session.expire_all()
    assert lead.totp_secret is None
