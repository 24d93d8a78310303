"""Production mode refuses unsafe starts and demo data; the first administrator comes from the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tenderflow import ProductionConfigError, create_app
from tenderflow.cli import main
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.services import users


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Production settings that pass, on an empty SQLite file."""
    monkeypatch.setenv("TENDERFLOW_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("REMEMBER_COOKIE_SECURE", raising=False)
    database = tmp_path / "production.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    return database


def test_production_starts_with_its_settings_and_secure_cookies(production: Path) -> None:
    app = create_app()
    assert app.config["TENDERFLOW_ENV"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key_in_the_environment(
    production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(ProductionConfigError, match="SECRET_KEY is not set in the environment"):
        create_app()


@pytest.mark.parametrize("cookie", ["SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"])
def test_production_refuses_cookies_that_are_not_secure(
    production: Path, monkeypatch: pytest.MonkeyPatch, cookie: str
) -> None:
    monkeypatch.setenv(cookie, "0")
    with pytest.raises(ProductionConfigError, match=f"{cookie} is off"):
        create_app()


def test_production_refuses_a_database_holding_demo_accounts(
    app: Flask, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENDERFLOW_ENV", "production")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    make_user(Role.ADMIN)
    assert create_app({"SQLALCHEMY_DATABASE_URI": url}).config["TENDERFLOW_ENV"] == "production"
    users.create_user(
        db.session,
        users.UserInput(
            email="admin@tenderflow.example", name="Demo", roles={Role.ADMIN}, password="x" * 12
        ),
    )
    db.session.commit()
    with pytest.raises(ProductionConfigError, match=r"1 demonstration account\(s\) exist"):
        create_app({"SQLALCHEMY_DATABASE_URI": url})


def test_every_demo_account_counts_as_one(app: Flask) -> None:
    from tenderflow.demo import DEMO_USERS, load_demo

    load_demo(db.session, __import__("datetime").date(2026, 6, 15))
    db.session.commit()
    assert users.count_demo_accounts(db.session()) == len(DEMO_USERS)


def test_the_demonstration_starts_without_those_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TENDERFLOW_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    assert app.config["TENDERFLOW_ENV"] == "demonstration"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_an_unknown_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERFLOW_ENV", "staging")
    with pytest.raises(ValueError, match="TENDERFLOW_ENV must be production or demonstration"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_demo_load_refuses_in_production(
    production: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "load"]) == 2
    error = capsys.readouterr().err
    assert error.strip() == (
        "Error: demo data is never loaded in production (TENDERFLOW_ENV=production)"
    )
    assert not production.exists()


def test_serve_exits_1_naming_the_reason(
    production: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "no")
    assert main(["serve", "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert "SECRET_KEY is not set in the environment" in error
    assert "SESSION_COOKIE_SECURE is off" in error


def _create_admin(monkeypatch: pytest.MonkeyPatch, email: str, password: str, *extra: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", "create-admin", email, *extra])


def test_create_admin_reads_the_password_from_standard_input(
    app: Flask, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    status = _create_admin(
        monkeypatch,
        "Head.Of.Service@council.example",
        "lantern marsh cobble",
        "--name",
        "Head of Service",
    )
    assert status == 0, capsys.readouterr().err
    assert "lantern marsh cobble" not in capsys.readouterr().out
    db.session.expire_all()
    person = users.find_by_email(db.session, "head.of.service@council.example")
    assert person is not None
    assert person.roles == {Role.ADMIN}
    assert person.name == "Head of Service"
    assert person.check_password("lantern marsh cobble")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("chief@council.example", "password123", "on a list of common passwords"),
        ("chief@council.example", "short", "Password must be 10 characters or more"),
        ("not-an-email", "lantern marsh cobble", "Enter an email address in the correct format"),
    ],
)
def test_create_admin_refuses_bad_input_with_one_line_and_status_2(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    email: str,
    password: str,
    message: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    assert _create_admin(monkeypatch, email, password) == 2
    error = capsys.readouterr().err
    assert message in error
    assert len(error.strip().splitlines()) == 1
    db.session.expire_all()
    assert users.find_by_email(db.session, email) is None


def test_create_admin_refuses_an_address_already_in_use(
    app: Flask,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    existing = make_user(Role.EVALUATOR)
    assert _create_admin(monkeypatch, existing.email, "lantern marsh cobble") == 2
    assert "An account with this email address already exists" in capsys.readouterr().err
