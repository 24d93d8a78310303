"""The audit log as a hash chain: each entry carries the hash of the one before.

An entry's hash covers its canonical content and the previous entry's hash, so changing,
removing or reordering any entry breaks every link after it. Plain Python: the service
appends and walks the rows; these functions only say what the hashes must be.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# The "previous hash" of the first entry.
GENESIS = "0" * 64

# The fields a hash covers, in the canonical order (the row id is left out: it is not known
# until the row is written, and the links already fix the order).
FIELDS = (
    "at",
    "actor_id",
    "actor",
    "action",
    "entity",
    "entity_id",
    "field",
    "old_value",
    "new_value",
    "procurement_id",
    "summary",
)


def _instant(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError("an audit entry's time must be a datetime")
    if value.tzinfo is None:
        raise ValueError("an audit entry's time must be aware")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def canonical(entry: Mapping[str, Any]) -> str:
    """Return the entry's content as one canonical JSON text."""
    content = {name: entry.get(name) for name in FIELDS}
    content["at"] = _instant(content["at"])
    for name in ("actor_id", "procurement_id"):
        number = content[name]
        if number is not None:
            content[name] = int(number)
    for name in ("actor", "action", "entity", "entity_id", "field", "old_value", "new_value"):
        if content[name] is not None:
            content[name] = str(content[name])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous: str, entry: Mapping[str, Any]) -> str:
    """Return the hash of an entry that follows the entry hashed ``previous``."""
    return hashlib.sha256(f"{previous}\n{canonical(entry)}".encode()).hexdigest()


def chain(previous: str, entries: Iterable[dict[str, Any]]) -> str:
    """Give each new entry its ``prev_hash`` and ``hash`` in order; return the last hash."""
    for entry in entries:
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(previous, entry)
    return previous


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why."""

    entry_id: int
    reason: str


@dataclass(frozen=True)
class Walk:
    """What walking the chain found."""

    entries: int
    last_hash: str
    broken: Break | None = None
    anchor_found: bool = False


def is_hash(text: str) -> bool:
    """Say whether ``text`` looks like an entry's hash (64 lower-case hex digits)."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def walk(rows: Iterable[Mapping[str, Any]], anchor: str | None = None) -> Walk:
    """Check every link in id order; stop at the first broken entry.

    With an ``anchor`` (a hash noted from an earlier walk), also say whether the chain
    still holds an entry with that hash.
    """
    previous, count, found = GENESIS, 0, False
    for row in rows:
        count += 1
        if row.get("prev_hash") != previous:
            reason = (
                "it has no hash: it was written outside the chain"
                if row.get("hash") is None
                else "it does not follow the entry before it: an entry was removed, "
                "inserted or reordered"
            )
            return Walk(count, previous, Break(int(row["id"]), reason), found)
        if row.get("hash") != entry_hash(previous, row):
            return Walk(
                count,
                previous,
                Break(int(row["id"]), "its content does not match its hash: it was changed"),
                found,
            )
        previous = str(row["hash"])
        found = found or previous == anchor
    return Walk(count, previous, None, found)
