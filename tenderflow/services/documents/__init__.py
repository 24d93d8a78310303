"""Keep generated Word documents and councils' templates: stored by content hash, never lost."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenderflow.documents import render_docx
from tenderflow.documents.content import Document
from tenderflow.documents.templates import DEFAULT_TEMPLATE, TemplateError, check_template
from tenderflow.models import DocumentTemplate, GeneratedDocument, User
from tenderflow.services import ServiceError

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Storage:
    """Where documents live on disk: outside the web root, under the instance folder."""

    root: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    def path_of(self, document: GeneratedDocument) -> Path:
        return self.generated / document.stored_name

    def template_path(self, template: DocumentTemplate) -> Path:
        return self.templates / template.stored_name


def safe_filename(text: str, suffix: str = ".docx") -> str:
    """Return a file name people can save anywhere: letters, digits, hyphens."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:120] or "document"
    return f"{stem}{suffix}"


def active_template(session: Session) -> DocumentTemplate | None:
    """Return the council's active template, if one has been uploaded and chosen."""
    return session.scalar(select(DocumentTemplate).where(DocumentTemplate.active.is_(True)))


def template_path(session: Session, storage: Storage) -> tuple[Path, DocumentTemplate | None]:
    """Return the base template to write with: the council's active one, or the default."""
    template = active_template(session)
    if template is None:
        return DEFAULT_TEMPLATE, None
    return storage.template_path(template), template


def upload_template(
    session: Session,
    storage: Storage,
    *,
    name: str,
    filename: str,
    data: bytes,
    uploaded_by: User,
    now: datetime,
    make_active: bool = True,
) -> DocumentTemplate:
    """Check and keep a council's template; refuse it, naming every missing style, if unusable."""
    if not data:
        raise ServiceError("The selected file is empty", {"template": "The selected file is empty"})
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ServiceError("Too big", {"template": "The selected file must be smaller than 10MB"})
    try:
        check_template(io.BytesIO(data))
    except TemplateError as exc:
        raise ServiceError(str(exc), {"template": str(exc)}) from exc
    storage.templates.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.docx"
    (storage.templates / stored_name).write_bytes(data)
    if make_active:
        session.execute(update(DocumentTemplate).values(active=False))
    template = DocumentTemplate(
        name=name.strip() or filename,
        original_filename=filename,
        stored_name=stored_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        active=make_active,
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )
    session.add(template)
    session.flush()
    return template


def choose_template(session: Session, template_id: int | None) -> None:
    """Make one uploaded template the active one, or none (the default template) when None."""
    session.execute(update(DocumentTemplate).values(active=False))
    if template_id is not None:
        template = session.get(DocumentTemplate, template_id)
        if template is None:
            raise ServiceError("Unknown template", {"template": "Select a template from the list"})
        template.active = True
    session.flush()


def save_document(
    session: Session,
    storage: Storage,
    document: Document,
    *,
    subject: str,
    kind: str,
    filename: str,
    now: datetime,
    procurement_id: int | None = None,
    bidder: str | None = None,
    generated_by: User | None = None,
    flow_run_request_id: int | None = None,
) -> GeneratedDocument:
    """Write a document on the active template, keep the file and record its hash."""
    base, template = template_path(session, storage)
    data = render_docx(document, base)
    storage.generated.mkdir(parents=True, exist_ok=True)
    stored_name = f"{now:%Y%m}-{secrets.token_hex(12)}.docx"
    (storage.generated / stored_name).write_bytes(data)
    record = GeneratedDocument(
        subject=subject,
        procurement_id=procurement_id,
        kind=kind,
        title=document.title,
        bidder=bidder,
        filename=filename,
        stored_name=stored_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        template=template,
        flow_run_request_id=flow_run_request_id,
        generated_by=generated_by,
        generated_at=now,
    )
    session.add(record)
    session.flush()
    return record


def read_document(storage: Storage, document: GeneratedDocument) -> bytes:
    """Return a kept document's bytes, refusing a file whose content no longer matches its hash."""
    data = storage.path_of(document).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ServiceError(f"{document.filename} has changed on disk since it was generated")
    return data


def latest_documents(session: Session, subject: str) -> list[GeneratedDocument]:
    """Return the newest document of each kind (and bidder) for a subject."""
    newest: dict[tuple[str, str | None], GeneratedDocument] = {}
    query = (
        select(GeneratedDocument)
        .where(GeneratedDocument.subject == subject)
        .order_by(GeneratedDocument.id.desc())
    )
    for document in session.scalars(query):
        newest.setdefault((document.kind, document.bidder), document)
    return sorted(newest.values(), key=lambda d: (d.kind, d.bidder or ""))


def zip_documents(storage: Storage, documents: Iterable[GeneratedDocument]) -> bytes:
    """Return one zip holding the documents, each under its own file name."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            name = document.filename
            counter = 2
            while name in used:
                name = f"{Path(document.filename).stem}-{counter}.docx"
                counter += 1
            used.add(name)
            archive.writestr(name, read_document(storage, document))
    return buffer.getvalue()
