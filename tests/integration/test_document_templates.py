"""Councils' Word templates are checked on upload; generated documents are kept with their hash."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from flask import Flask
from sqlalchemy import func, select

from tenderflow import clock
from tenderflow.documents.content import Document, Paragraph
from tenderflow.documents.templates import DEFAULT_TEMPLATE
from tenderflow.domain.roles import Role
from tenderflow.extensions import db
from tenderflow.models import DocumentTemplate, GeneratedDocument
from tenderflow.services import ServiceError
from tenderflow.services import documents as service
from tests.integration.conftest import sign_in_as


def _storage(app: Flask) -> service.Storage:
    return service.Storage(Path(app.config["DOCUMENTS_DIR"]))


def _upload(
    client: Any, data: bytes, filename: str = "council.docx", name: str = "Council papers"
) -> Any:
    return client.post(
        "/admin/templates/",
        data={"name": name, "template": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _stored_files(app: Flask) -> list[Path]:
    folder = _storage(app).templates
    return sorted(folder.iterdir()) if folder.exists() else []


def test_an_administrator_uploads_a_template_with_every_style_and_it_is_used(
    app: Flask, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    response = _upload(client, DEFAULT_TEMPLATE.read_bytes())
    assert response.status_code == 302
    template = db.session.scalar(select(DocumentTemplate))
    assert template is not None and template.active
    assert template.sha256 == hashlib.sha256(DEFAULT_TEMPLATE.read_bytes()).hexdigest()
    page = client.get("/admin/templates/").get_data(as_text=True)
    assert "Council papers" in page and "In use" in page


def test_a_template_missing_styles_is_refused_naming_each_and_nothing_is_kept(
    app: Flask, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    files_before = _stored_files(app)
    plain = io.BytesIO()
    docx.Document().save(plain)  # python-docx's own template lacks tenderflow's styles
    page = _upload(client, plain.getvalue()).get_data(as_text=True)
    assert "<title>Error: Word templates" in page
    assert "govuk-error-summary" in page
    for style in ("Cover Title", "Key Value", "tenderflow Table"):
        assert style in page
    assert db.session.scalar(select(func.count(DocumentTemplate.id))) == 0
    assert _stored_files(app) == files_before


def test_a_file_that_is_not_a_word_document_is_refused(
    app: Flask, client: Any, make_user: Callable[..., Any]
) -> None:
    sign_in_as(client, make_user(Role.ADMIN))
    page = _upload(client, b"<html>not a template</html>", filename="looks-like.docx").get_data(
        as_text=True
    )
    assert "govuk-error-summary" in page
    assert db.session.scalar(select(func.count(DocumentTemplate.id))) == 0


def test_documents_are_written_on_the_active_template_and_kept_with_their_hash(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    admin = make_user(Role.ADMIN)
    storage = _storage(app)
    uploaded = service.upload_template(
        db.session,
        storage,
        name="Council",
        filename="c.docx",
        data=DEFAULT_TEMPLATE.read_bytes(),
        uploaded_by=admin,
        now=clock.now(),
    )
    document = Document(
        kind="note", title="Smith & Jones <Ltd>", blocks=(Paragraph.of("Hello & goodbye"),)
    )
    kept = service.save_document(
        db.session,
        storage,
        document,
        subject="procurement:1",
        kind="note",
        filename="note.docx",
        now=clock.now(),
        generated_by=admin,
    )
    db.session.commit()
    data = service.read_document(storage, kept)
    assert hashlib.sha256(data).hexdigest() == kept.sha256
    assert kept.template_id == uploaded.id
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Hello & goodbye" in text

    storage.path_of(kept).write_bytes(data + b"tampered")
    with pytest.raises(ServiceError, match="has changed on disk"):
        service.read_document(storage, kept)


def test_a_set_of_documents_downloads_as_one_zip_with_distinct_names(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    storage = _storage(app)
    document = Document(kind="note", title="A note", blocks=(Paragraph.of("Text"),))
    for bidder in ("First", "Second"):
        service.save_document(
            db.session,
            storage,
            document,
            subject="procurement:9",
            kind="summary",
            filename="summary.docx",
            bidder=bidder,
            now=clock.now(),
        )
    db.session.commit()
    latest = service.latest_documents(db.session, "procurement:9")
    with zipfile.ZipFile(io.BytesIO(service.zip_documents(storage, latest))) as archive:
        assert sorted(archive.namelist()) == ["summary-2.docx", "summary.docx"]
    assert db.session.scalar(select(func.count(GeneratedDocument.id))) == 2


def test_choosing_the_default_template_again_stops_using_the_upload(
    app: Flask, client: Any, make_user: Callable[..., Any]
) -> None:
    admin = make_user(Role.ADMIN)
    service.upload_template(
        db.session,
        _storage(app),
        name="Council",
        filename="c.docx",
        data=DEFAULT_TEMPLATE.read_bytes(),
        uploaded_by=admin,
        now=clock.now(),
    )
    db.session.commit()
    sign_in_as(client, admin)
    client.post("/admin/templates/choose", data={"template_id": ""})
    db.session.expire_all()
    assert service.active_template(db.session) is None
