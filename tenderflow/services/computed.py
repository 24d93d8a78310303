"""Results computed from data that has not changed since, kept in this process's memory.

Evaluation results (with their sensitivity) and the capital priority list take tens of
milliseconds to compute and are asked for far more often than their inputs change. Each web
process keeps what it computed, keyed on the data version of its scope: a token the database
itself replaces, in the same transaction, on every change to a table the computation reads
(triggers from migration 0021v). Reading the token is one primary-key look-up, so every
request of every process knows whether what it kept still holds; time plays no part.

The token is read before the data, so what is kept under a token was computed from data at
least as new as the token says. When the token cannot be read (its row is missing) nothing is
kept. Only plain values are kept (no database objects), and never anything filtered for one
person: callers filter per viewer after, as the need-to-know rules say.

One more scope, :data:`WRITES`, changes with every committed transaction that wrote anything
through the ORM, whatever the table: :func:`install` bumps it in the commit itself. It suits
what reads too many tables to list: the busiest pages, kept whole by
:mod:`tenderflow.web.kept_pages`. An audit entry alone (a view of commercial information) does
not change it, since none of those pages shows the audit log.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from tenderflow.models import DataVersion

T = TypeVar("T")

EVALUATION = "evaluation"
CAPITAL = "capital"
WRITES = "writes"

# Enough for every lot of every procurement being evaluated at once, and every capital round.
MAX_ENTRIES = 512


@dataclass
class Counts:
    """How often the kept results were used, for tests and benchmarks."""

    hits: int = 0
    misses: int = 0
    uncached: int = 0


class ComputedCache:
    """A bounded, thread-safe store of computed values, least recently used out first."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.counts = Counts()

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], T], keep: Callable[[T], bool] | None = None
    ) -> T:
        """Return the value kept under ``key``, or ``compute()`` (kept unless ``keep`` says no)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.counts.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            self.counts.misses += 1
        # Computed outside the lock: two requests may both compute, and both get the same.
        value = compute()
        if keep is not None and not keep(value):
            return value
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.counts = Counts()


CACHE = ComputedCache()


def data_version(session: Session, scope: str) -> str | None:
    """Return the scope's current data version token, or None when there is none."""
    return session.scalar(select(DataVersion.token).where(DataVersion.scope == scope))


def kept(scope: str, token: str | None, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Return ``compute()``, or what it gave before for ``key`` under the same data version.

    ``token`` is the scope's data version, read with :func:`data_version` before any of the
    data ``compute`` reads (and ``compute`` reads its data afresh, not from objects the session
    loaded before the token).
    """
    if token is None:
        CACHE.counts.uncached += 1
        return compute()
    return CACHE.get_or_compute((scope, token, *key), compute)


# Set on a session when its transaction wrote through the ORM; cleared when it ends.
_WROTE = "tenderflow.computed.wrote"

_BUMP = text(
    "INSERT INTO data_versions (scope, token) VALUES (:scope, :token) "
    "ON CONFLICT (scope) DO UPDATE SET token = excluded.token"
)


def _note_flush(session: Session, _context: Any) -> None:
    # after_flush still shows what the flush wrote.
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


# Engines whose database has the data_versions table: asked again until it has (a database
# still being migrated up to it takes writes without a token).
_VERSIONED: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _versioned(session: Session) -> bool:
    engine = session.get_bind().engine
    if not _VERSIONED.get(engine):
        _VERSIONED[engine] = inspect(session.connection()).has_table(DataVersion.__tablename__)
    return _VERSIONED[engine]


def _bump_on_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush would come after this listener
    if session.info.pop(_WROTE, False) and _versioned(session):
        # Last in the transaction, so the row is locked only while the commit completes.
        session.execute(_BUMP, {"scope": WRITES, "token": secrets.token_hex(16)})


def _forget_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def install(session_class: Any) -> None:
    """Change the :data:`WRITES` token in every commit that wrote through ``session_class``.

    Installed after the audit log's listeners, so a commit takes the audit chain's lock before
    this row's, always in that order.
    """
    for name, listener in (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_statement),
        ("before_commit", _bump_on_commit),
        ("after_transaction_end", _forget_writes),
    ):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)
