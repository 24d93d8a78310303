"""Supporting documents: kept under the upload directory (outside the web root) by random names."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from tenderflow.domain.capital import attachments_field
from tenderflow.domain.capital.attachments import attachment_problem, file_kind, safe_filename
from tenderflow.models import CapitalAttachment, CapitalScheme, User
from tenderflow.services import ServiceError
from tenderflow.services.capital import can_edit, matrix_for

SUBDIRECTORY = "capital"


def stored_path(upload_dir: Path | str, attachment: CapitalAttachment) -> Path:
    """Return where an attachment's bytes are kept."""
    return Path(upload_dir) / SUBDIRECTORY / attachment.stored_name


def add_attachment(
    session: Session,
    scheme: CapitalScheme,
    user: User,
    filename: str,
    content: bytes,
    upload_dir: Path | str,
    now: datetime,
) -> CapitalAttachment:
    """Check a file by its content and keep it with the scheme; raise ServiceError if refused."""
    item = attachments_field(matrix_for(scheme.round))
    if item is None or not can_edit(user, scheme):
        raise ServiceError("Documents cannot be added to this scheme now")
    problem = attachment_problem(item, content, len(scheme.attachments))
    if problem is not None:
        raise ServiceError(problem, {"file": problem})
    kind = file_kind(content)
    assert kind is not None
    folder = Path(upload_dir) / SUBDIRECTORY
    folder.mkdir(parents=True, exist_ok=True)
    attachment = CapitalAttachment(
        scheme=scheme,
        filename=safe_filename(filename, kind),
        stored_name=secrets.token_hex(16),
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id,
        uploaded_at=now,
    )
    path = folder / attachment.stored_name
    path.write_bytes(content)
    path.chmod(0o600)
    session.add(attachment)
    session.flush()
    return attachment


def remove_attachment(
    session: Session,
    scheme: CapitalScheme,
    attachment: CapitalAttachment,
    user: User,
    upload_dir: Path | str,
) -> None:
    """Remove a document from a scheme the user may change."""
    if attachment.scheme_id != scheme.id or not can_edit(user, scheme):
        raise ServiceError("This document cannot be removed now")
    path = stored_path(upload_dir, attachment)
    session.delete(attachment)
    session.flush()
    path.unlink(missing_ok=True)
