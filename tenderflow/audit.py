"""Record every change to the database in the audit log, as a tamper-evident chain.

Mapper listeners note one row per changed field (or one per created or deleted
record, orphans included); the session appends them when it commits, in the same
transaction as the change, so nothing changes unaudited.
Entry points say who is acting: web requests use the signed-in user; commands and
flows wrap their work in ``acting_as``.

Each entry carries the hash of the one before (``tenderflow.domain.audit_chain``).
Appending takes a lock first (an advisory lock on PostgreSQL, the write lock on SQLite)
and holds it until the commit, so two appenders, in one process or two, never fork the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import Connection, event, insert, inspect, select, text
from sqlalchemy.orm import Session, object_session

from tenderflow import clock
from tenderflow.domain import audit_chain


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")
_acting: ContextVar[Actor | None] = ContextVar("tenderflow_actor", default=None)


def actor_for(user: Any) -> Actor:
    """Return the actor for a user, or a system label."""
    if isinstance(user, str):
        return Actor(None, user)
    return Actor(user.id, user.email)


@contextmanager
def acting_as(user: Any) -> Iterator[Actor]:
    """Attribute changes made inside the block to ``user`` (a User or a label)."""
    actor = actor_for(user)
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def current_actor() -> Actor:
    """Return who is acting now: the context's actor, the signed-in user, or the system."""
    actor = _acting.get()
    if actor is not None:
        return actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return Actor(current_user.id, current_user.email)
    return SYSTEM


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _procurement_id(obj: Any) -> int | None:
    try:
        value = getattr(obj, "audit_procurement_id", None)
    except Exception:  # a half-loaded object must not stop the flush
        return None
    return value if isinstance(value, int) else None


def _snapshot(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    redact: frozenset[str] = getattr(obj, "audit_redact", frozenset())
    return {
        attr.key: "(redacted)" if attr.key in redact else _text(getattr(obj, attr.key))
        for attr in mapper.column_attrs
    }


def _identity(obj: Any) -> str:
    # New rows have their keys by now, though the session has not yet recorded their identity.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in key)


def _row(obj: Any, action: str, **values: Any) -> dict[str, Any]:
    actor = current_actor()
    return {
        "at": clock.now(),
        "actor_id": actor.user_id,
        "actor": actor.label,
        "action": action,
        "entity": obj.__tablename__,
        "entity_id": _identity(obj),
        "procurement_id": _procurement_id(obj),
        "field": None,
        "old_value": None,
        "new_value": None,
        "summary": None,
        **values,
    }


def _pending(obj: Any) -> list[dict[str, Any]] | None:
    session = object_session(obj)
    if session is None or getattr(obj, "audit_exempt", False):
        return None
    return _pending_rows(session)


def _on_insert(mapper: Any, connection: Any, obj: Any) -> None:
    rows = _pending(obj)
    if rows is not None:
        rows.append(_row(obj, "create", new_value=_text(_snapshot(obj))))


def _on_delete(mapper: Any, connection: Any, obj: Any) -> None:
    rows = _pending(obj)
    if rows is not None:
        rows.append(_row(obj, "delete", old_value=_text(_snapshot(obj))))


def _on_update(mapper: Any, connection: Any, obj: Any) -> None:
    rows = _pending(obj)
    if rows is None:
        return
    state = inspect(obj)
    redact: frozenset[str] = getattr(obj, "audit_redact", frozenset())
    for attr in state.mapper.column_attrs:
        if attr.columns[0] is state.mapper.version_id_col:
            continue  # a lock counter, not content
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _text(old) == _text(new):
            continue
        hidden = attr.key in redact
        rows.append(
            _row(
                obj,
                "update",
                field=attr.key,
                old_value="(redacted)" if hidden else _text(old),
                new_value="(redacted)" if hidden else _text(new),
            )
        )
    for key in getattr(obj, "audit_collections", frozenset()):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        current = sorted(str(item) for item in getattr(obj, key))
        added = {str(item) for item in history.added}
        before = sorted((set(current) - added) | {str(item) for item in history.deleted})
        rows.append(
            _row(obj, "update", field=key, old_value=_text(before), new_value=_text(current))
        )


# PostgreSQL advisory lock key for appending to the chain (any constant will do).
CHAIN_LOCK = 0x7446_6175_6469_74


def _lock_chain(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    else:
        # A write that changes nothing takes SQLite's write lock until the commit, so the
        # tail read next cannot move under us.
        connection.execute(text("DELETE FROM audit_events WHERE 0 = 1"))


def append(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Chain ``rows`` onto the log's last entry and write them (inside the caller's transaction)."""
    from tenderflow.models.audit import AuditEvent

    table = AuditEvent.__table__
    _lock_chain(connection)
    last = connection.execute(
        select(table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    audit_chain.chain(last or audit_chain.GENESIS, rows)
    connection.execute(insert(table), rows)


def _before_commit(session: Session) -> None:
    session.flush()  # pending changes note their rows now, before they are appended
    rows = session.info.pop("audit_rows", None)
    if rows:
        append(session.connection(), rows)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    # Rows of a transaction that rolled back (or was closed) describe nothing that happened.
    if transaction.parent is None:
        session.info.pop("audit_rows", None)


def writing(session: Session) -> bool:
    """Say whether the session holds changes or audit entries not yet committed."""
    return bool(session.new or session.dirty or session.deleted or session.info.get("audit_rows"))


def _pending_rows(session: Session) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = session.info.setdefault("audit_rows", [])
    return rows


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: str | int,
    summary: str,
    procurement_id: int | None = None,
) -> None:
    """Record an event that is not a data change, such as a refused request (on commit)."""
    actor = current_actor()
    _pending_rows(session).append(
        {
            "at": clock.now(),
            "actor_id": actor.user_id,
            "actor": actor.label,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id)[:60],
            "procurement_id": procurement_id,
            "field": None,
            "old_value": None,
            "new_value": None,
            "summary": summary[:500],
        }
    )


def viewed(
    session: Session,
    entity: str,
    entity_id: str | int,
    summary: str,
    procurement_id: int | None = None,
) -> None:
    """Record that the acting user saw commercial information (a price, a bid, a score).

    The caller commits; a GET that shows such information commits only this entry.
    """
    record(session, "viewed", entity, entity_id, summary, procurement_id)


def refused(
    session: Session,
    entity: str,
    entity_id: str | int,
    summary: str,
    procurement_id: int | None = None,
) -> None:
    """Record a refused attempt; the caller rolls back what it tried, then commits this."""
    record(session, "refused", entity, entity_id, summary, procurement_id)


def verify(session: Session, anchor: str | None = None) -> audit_chain.Walk:
    """Walk the whole log in order and check every link."""
    from tenderflow.models.audit import AuditEvent

    table = AuditEvent.__table__
    rows = session.execute(select(table).order_by(table.c.id)).mappings()
    return audit_chain.walk((dict(row) for row in rows), anchor)


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def _track_old_values(model_base: Any) -> None:
    # After a commit attributes are expired; without active history, setting one would
    # not load the value it replaces, and the log would lose the old value.
    for mapper in model_base.registry.mappers:
        if getattr(mapper.class_, "audit_exempt", False):
            continue
        for attr in mapper.column_attrs:
            target = getattr(mapper.class_, attr.key)
            if not event.contains(target, "set", _keep_old_value):
                event.listen(target, "set", _keep_old_value, active_history=True, retval=True)


def install(session_factory: Any, model_base: Any) -> None:
    """Attach the audit listeners to a session class and every model (once)."""
    for name, session_listener in (
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(session_factory, name, session_listener):
            event.listen(session_factory, name, session_listener)
    for name, listener in (
        ("after_insert", _on_insert),
        ("after_update", _on_update),
        ("after_delete", _on_delete),
    ):
        if not event.contains(model_base, name, listener):
            event.listen(model_base, name, listener, propagate=True)
    _track_old_values(model_base)
