"""Refusing an attempt to bend a procurement: the refusal is audited, and nothing else written.

A service raises :class:`Refused` through :func:`refuse` before it changes anything. The web
rolls back, then :func:`keep_refusal` writes the audit entry again and commits only that.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy.orm import Session

from tenderflow import audit
from tenderflow.models import Procurement
from tenderflow.services import ServiceError


class Refused(ServiceError):
    """An attempt the rules forbid; ``summary`` is what the audit log says of it."""

    def __init__(
        self,
        message: str,
        errors: dict[str, str],
        *,
        entity: str,
        entity_id: str | int,
        procurement_id: int | None,
        summary: str,
    ) -> None:
        super().__init__(message, errors)
        self.entity, self.entity_id = entity, entity_id
        self.procurement_id, self.summary = procurement_id, summary


def refuse(
    session: Session,
    procurement: Procurement,
    attempt: str,
    reason: str,
    *,
    field: str,
    entity: str = "procurements",
    entity_id: str | int | None = None,
) -> NoReturn:
    """Audit a refused attempt and raise :class:`Refused` with ``reason`` on ``field``."""
    summary = f"Refused to {attempt}: {reason}"[:500]
    key = procurement.id if entity_id is None else entity_id
    audit.record(session, "refused", entity, key, summary, procurement_id=procurement.id)
    session.flush()
    raise Refused(
        reason,
        {field: reason},
        entity=entity,
        entity_id=key,
        procurement_id=procurement.id,
        summary=summary,
    )


def keep_refusal(session: Session, exc: Refused) -> None:
    """Undo everything but the refusal's audit entry, and commit that."""
    session.rollback()
    audit.record(
        session,
        "refused",
        exc.entity,
        exc.entity_id,
        exc.summary,
        procurement_id=exc.procurement_id,
    )
    session.commit()


def refuse_if_terminated(
    session: Session, procurement: Procurement, attempt: str, field: str
) -> None:
    """Refuse (and audit) any change to a procurement that has been terminated."""
    if procurement.terminated_at is not None:
        refuse(
            session,
            procurement,
            attempt,
            f"{procurement.reference} was terminated: {procurement.termination_reason}",
            field=field,
        )
