"""Security headers on every response, proxy support and the access log."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenderflow import create_app
from tenderflow.domain.roles import Role
from tenderflow.logging_config import logging_settings
from tests.integration.conftest import sign_in_as
from tests.integration.world import build_world


def _directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture
def lead_client(client: FlaskClient, make_user: Callable[..., Any]) -> FlaskClient:
    sign_in_as(client, make_user(Role.PROCUREMENT_LEAD))
    return client


def test_the_content_security_policy_allows_no_inline_script_or_style(
    lead_client: FlaskClient,
) -> None:
    directives = _directives(lead_client.get("/"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_only_inline_script_carries_this_responses_nonce(lead_client: FlaskClient) -> None:
    first, second = lead_client.get("/"), lead_client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", _directives(first)["script-src"])
    assert nonce is not None
    page = first.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline)
    assert "initAll()" not in page  # GOV.UK Frontend starts from static/govuk-init.js
    assert nonce.group(1) not in _directives(second)["script-src"], "a new nonce each response"


def test_pages_are_not_to_be_framed(lead_client: FlaskClient) -> None:
    response = lead_client.get("/")
    assert _directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_content_types_are_not_sniffed(client: FlaskClient) -> None:
    assert client.get("/login").headers["X-Content-Type-Options"] == "nosniff"


def test_the_referrer_policy_keeps_paths_on_this_site(client: FlaskClient) -> None:
    assert client.get("/login").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_strict_transport_security_is_sent_over_https_and_in_production(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://tenderflow.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    assert "max-age=31536000" in client.get("/login").headers["Strict-Transport-Security"]


def test_pages_and_downloads_with_prices_scores_and_bids_are_not_stored(
    client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    sign_in_as(client, world["people"][Role.PROCUREMENT_LEAD])
    reference = world["procurement"].reference
    page = client.get(f"/procurements/{reference}/bids")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    download = client.get(f"/procurements/{reference}/documents/{world['generated_document'].id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"


def test_static_files_may_still_be_cached(client: FlaskClient) -> None:
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_timetable_chart_uses_no_inline_style(
    lead_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    world = build_world(make_user)
    sign_in_as(lead_client, world["people"][Role.PROCUREMENT_LEAD])
    page = lead_client.get(f"/procurements/{world['procurement'].reference}")
    text = page.get_data(as_text=True)
    assert "tf-timetable-chart__bar--planned" in text
    assert "style=" not in text


def _proxied_app(monkeypatch: pytest.MonkeyPatch, hops: str) -> Flask:
    monkeypatch.setenv("TENDERFLOW_PROXY_HOPS", hops)
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_behind_one_proxy_the_forwarded_address_and_scheme_are_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = _proxied_app(monkeypatch, "1")
    with caplog.at_level(logging.INFO, logger="tenderflow.access"):
        response = app.test_client().get(
            "/accessibility?x=1",
            headers={**FORWARDED, "Referer": "https://intranet.example/", "User-Agent": 'Te"st'},
        )
    assert "Strict-Transport-Security" in response.headers  # the proxy said HTTPS
    line = caplog.records[-1].getMessage()
    assert re.fullmatch(
        r"203\.0\.113\.9 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "
        r'"GET /accessibility\?x=1 HTTP/1\.1" 200 \d+ "https://intranet\.example/" "Te\\"st"',
        line,
    ), line


def test_without_proxy_hops_forwarded_headers_are_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = _proxied_app(monkeypatch, "0")
    with caplog.at_level(logging.INFO, logger="tenderflow.access"):
        response = app.test_client().get("/accessibility", headers=FORWARDED)
    assert "Strict-Transport-Security" not in response.headers
    assert caplog.records[-1].getMessage().startswith("127.0.0.1 - - [")


def test_proxy_hops_must_be_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERFLOW_PROXY_HOPS", "yes")
    with pytest.raises(ValueError, match="TENDERFLOW_PROXY_HOPS must be a whole number"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


def test_logs_go_to_standard_output_at_the_level_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TENDERFLOW_LOG_LEVEL", "warning")
    settings: dict[str, Any] = logging_settings()
    assert settings["root"] == {"handlers": ["stdout"], "level": "WARNING"}
    handlers = settings["handlers"]
    assert handlers["stdout"]["stream"] == handlers["access"]["stream"] == "ext://sys.stdout"
    assert settings["loggers"]["tenderflow.access"]["level"] == "INFO"
    with pytest.raises(ValueError, match="TENDERFLOW_LOG_LEVEL"):
        logging_settings("chatty")
