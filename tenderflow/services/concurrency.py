"""No lost updates: a form carries the version of each record it showed, and a record changed
since is refused with who changed it and when, never silently overwritten.

The versioned models count their versions with SQLAlchemy's ``version_id_col``, so an UPDATE
that races past the check still matches no row and fails (StaleDataError); two first saves
at once meet the unique constraint (IntegrityError). ``guarded`` turns both into the same
refusal as the check, after rolling back, so the writer loses nothing they typed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tenderflow.domain.dates import long_date_time
from tenderflow.services import ServiceError

# The version each record had when the form was opened, by the form's own key for it;
# "" for a record that did not exist yet.
Opened = Mapping[Hashable, str]


def version_text(record: Any | None) -> str:
    """Return what a form keeps of a record's version ("" when there is no record yet)."""
    return "" if record is None else str(record.version)


def versions_of(records: Iterable[Any]) -> str:
    """Return one text that changes when any of the records changes, appears or goes."""
    return ",".join(sorted(f"{r.id}.{r.version}" for r in records))


@dataclass(frozen=True)
class LastChange:
    """Who last changed a record, and when (from the audit log)."""

    by: str
    at: datetime | None


def last_change(session: Session, record: Any) -> LastChange:
    """Return who last changed ``record`` and when, as the audit log has it."""
    from tenderflow.models import AuditEvent, User

    # Every versioned model has a single ``id`` key, which the audit log keeps as text.
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.entity == record.__tablename__, AuditEvent.entity_id == str(record.id))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return LastChange("someone else", None)
    user = session.get(User, event.actor_id) if event.actor_id is not None else None
    return LastChange(user.name if user is not None else event.actor, event.at)


def changed_message(session: Session, what: str, record: Any | None) -> str:
    """Say that ``what`` changed since the page was opened, naming who and when."""
    if record is None:
        return f"{what} was removed since you opened this page"
    change = last_change(session, record)
    when = f" at {long_date_time(change.at)}" if change.at is not None else ""
    return f"{what} was changed by {change.by}{when} since you opened this page"


class ChangedMeanwhile(ServiceError):
    """Records the form showed were changed since it was opened; nothing was written.

    ``changes`` maps the form's keys to messages; ``current`` maps them to the versions now,
    for the form to carry if the writer, having seen the change, saves again.
    """

    def __init__(self, changes: dict[Hashable, str], current: dict[Hashable, str]) -> None:
        first = next(iter(changes.values()), "This page was changed since you opened it")
        super().__init__(first, {str(key): message for key, message in changes.items()})
        self.changes = changes
        self.current = current


def check_opened(
    session: Session,
    opened: Opened,
    records: Mapping[Hashable, Any | None],
    describe: Callable[[Hashable], str],
) -> None:
    """Raise ChangedMeanwhile naming each record whose version differs from the one opened."""
    changes: dict[Hashable, str] = {}
    current: dict[Hashable, str] = {}
    for key, version in opened.items():
        record = records.get(key)
        now = version_text(record)
        current[key] = now
        if version != now:
            changes[key] = changed_message(session, describe(key), record)
    if changes:
        raise ChangedMeanwhile(changes, current)


def check_fingerprint(session: Session, opened: str | None, records: list[Any], what: str) -> None:
    """Raise ChangedMeanwhile if any record changed since ``versions_of`` gave ``opened``.

    The key in the error is "version"; ``current`` holds the fingerprint now.
    """
    now = versions_of(records)
    if opened is None or opened == now:
        return
    before = dict(part.split(".", 1) for part in opened.split(",") if "." in part)
    changed = [r for r in records if before.get(str(r.id)) != str(r.version)]
    if changed:
        latest = max(
            changed, key=lambda r: last_change(session, r).at or datetime.min.replace(tzinfo=UTC)
        )
        message = changed_message(session, what, latest)
    else:
        message = f"{what} was changed since you opened this page"
    raise ChangedMeanwhile({"version": message}, {"version": now})


def _duplicate(error: IntegrityError) -> bool:
    # A unique constraint met by a racing first save, not some other broken rule (a bug).
    original = error.orig
    return getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(
        original
    )


@contextmanager
def guarded(session: Session, recheck: Callable[[], None] | None = None) -> Iterator[None]:
    """Run a write; if it lost a race (a stale version or a duplicate first save), roll back
    and raise ChangedMeanwhile: ``recheck`` (the check made before writing, run again on
    fresh data) names who changed what; failing that, a plain message says so.
    """
    try:
        yield
        session.flush()
    except (StaleDataError, IntegrityError) as error:
        if isinstance(error, IntegrityError) and not _duplicate(error):
            raise
        session.rollback()
        if recheck is not None:
            recheck()
        raise ChangedMeanwhile(
            {"version": "This was changed by someone else as you saved: check it and save again"},
            {},
        ) from None


def keep_lost_race(
    session: Session,
    message: str,
    entity: str,
    entity_id: str | int,
    procurement_id: int | None = None,
) -> None:
    """Undo a write refused because the record changed since the form was opened, and keep
    only that refusal in the audit log."""
    from tenderflow import audit
    from tenderflow.services.unit_of_work import unit_of_work

    session.rollback()
    with unit_of_work(session):
        audit.refused(session, entity, entity_id, f"Not saved: {message}", procurement_id)
