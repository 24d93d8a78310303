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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenderflow.models import DataVersion

T = TypeVar("T")

EVALUATION = "evaluation"
CAPITAL = "capital"

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

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self.counts.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            self.counts.misses += 1
        # Computed outside the lock: two requests may both compute, and both get the same.
        value = compute()
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
