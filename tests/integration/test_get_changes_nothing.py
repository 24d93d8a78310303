"""Every GET route, asked by every role and by someone signed out, leaves the database and the
stored files as they were: documents are written by POST or by the workflow, never by a GET."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import AuditEvent, GeneratedDocument
from tenderflow.services.capital import priority
from tenderflow.services.capital.documents import save_priority_list
from tenderflow.web.access import PUBLIC_ENDPOINTS
from tests.integration import capital_world
from tests.integration.conftest import a_database, backend_of, migrate, sign_in_as
from tests.integration.documents_world import storage
from tests.integration.world import build_world


@pytest.fixture(scope="module")
def migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A database of this module's own: the session's workflow worker serves the shared test
    database and may be finishing an earlier test's runs, which would change its tables."""
    with a_database(backend_of(database_url), tmp_path_factory) as url:
        yield migrate(url, tmp_path_factory)


def _tables_fingerprint() -> dict[str, tuple[int, str]]:
    """Return each table's row count and a checksum of its rows, in primary-key order.

    Refused attempts and views of commercial information are written to the audit log by
    design (that log records who tried and who saw); they are left out here and checked apart.
    """
    found = {}
    for table in db.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        if table.name == AuditEvent.__tablename__:
            query = query.where(table.c.action.not_in(["refused", "viewed"]))
        rows = db.session.execute(query).all()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
        found[table.name] = (len(rows), digest)
    return found


def _files(app: Flask) -> set[str]:
    return {
        str(path)
        for folder in (app.config["UPLOAD_DIR"], app.config["DOCUMENTS_DIR"])
        for path in Path(folder).rglob("*")
        if path.is_file()
    }


def _world_with_a_produced_priority_list(make_user: Callable[..., Any]) -> dict[str, Any]:
    """The access test's world, with its capital round scored, listed and its document written."""
    world = build_world(make_user)
    people = world["people"]
    round_, scheme = world["capital_round"], world["capital_scheme"]
    capital_world.accept(scheme, people[Role.PARTNERSHIP_OFFICER])
    capital_world.score(scheme, people[Role.SP_SCORER], 4, 4, 3, 4, 3)
    capital_world.close(round_)
    priority.produce_priority_list(db.session, round_, clock.now())
    save_priority_list(db.session, storage(), round_, clock.now(), clock.today())
    db.session.commit()
    return world


def _get_urls(app: Flask, world: dict[str, Any]) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in (rule.methods or set()):
                continue
            args = {name: world["url_args"][name] for name in rule.arguments}
            urls.append(url_for(rule.endpoint, **args))
    return sorted(urls)


@pytest.mark.parametrize("role", [None, *Role], ids=["signed-out", *[r.value for r in Role]])
def test_no_get_request_changes_the_database_or_the_stored_files(
    app: Flask, client: FlaskClient, make_user: Callable[..., Any], role: Role | None
) -> None:
    world = _world_with_a_produced_priority_list(make_user)
    urls = _get_urls(app, world)
    assert any(u.endswith("/priority-list.docx") for u in urls)
    if role is not None:
        sign_in_as(client, world["people"][role])
    before, files_before = _tables_fingerprint(), _files(app)
    documents_before = db.session.scalar(select(func.count(GeneratedDocument.id)))
    statuses = {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        db.session.expire_all()
        after = _tables_fingerprint()
        changed = [name for name in after if after[name] != before[name]]
        assert changed == [], f"GET {url} as {role} changed {changed}"
        assert _files(app) == files_before, f"GET {url} as {role} wrote a file"
        assert response.status_code < 500, f"GET {url} as {role} broke"
    assert db.session.scalar(select(func.count(GeneratedDocument.id))) == documents_before
    if role in (Role.ADMIN, Role.COMMISSIONING_BODY, Role.SP_SCORER):
        docx = next(u for u in urls if u.endswith("/priority-list.docx"))
        assert statuses[docx] == 200, "the written priority list downloads"
