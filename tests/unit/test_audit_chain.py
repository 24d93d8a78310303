"""The audit log's hash chain: each entry seals the one before; any change breaks a link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tenderflow.domain import audit_chain
from tenderflow.domain.audit_chain import GENESIS, canonical, chain, entry_hash, is_hash, walk


def _entries(count: int = 4) -> list[dict[str, Any]]:
    return [
        {
            "at": datetime(2026, 6, 15, 9, n, tzinfo=UTC),
            "actor_id": 7,
            "actor": "lead@council.example",
            "action": "update",
            "entity": "consensus_scores",
            "entity_id": str(n),
            "field": "score",
            "old_value": "3",
            "new_value": "4",
            "procurement_id": 12,
            "summary": None,
        }
        for n in range(count)
    ]


def _stored(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chain(GENESIS, entries)
    return [{"id": n + 1, **entry} for n, entry in enumerate(entries)]


def test_an_intact_chain_walks_to_its_last_hash() -> None:
    rows = _stored(_entries())
    result = walk(rows)
    assert result.broken is None
    assert result.entries == 4
    assert result.last_hash == rows[-1]["hash"]
    assert rows[0]["prev_hash"] == GENESIS and rows[1]["prev_hash"] == rows[0]["hash"]


def test_a_changed_value_breaks_the_chain_at_that_entry() -> None:
    rows = _stored(_entries())
    rows[2]["new_value"] = "5"
    result = walk(rows)
    assert result.broken is not None
    assert result.broken.entry_id == 3
    assert "content does not match" in result.broken.reason


def test_a_removed_entry_breaks_the_chain_at_the_entry_after_it() -> None:
    rows = _stored(_entries())
    del rows[1]
    result = walk(rows)
    assert result.broken is not None and result.broken.entry_id == 3
    assert "does not follow" in result.broken.reason


def test_rehashing_a_changed_entry_still_breaks_the_next_link() -> None:
    rows = _stored(_entries())
    rows[1]["actor"] = "someone-else@council.example"
    rows[1]["hash"] = entry_hash(rows[1]["prev_hash"], rows[1])
    result = walk(rows)
    assert result.broken is not None and result.broken.entry_id == 3


def test_an_entry_written_outside_the_chain_is_named() -> None:
    rows = _stored(_entries(2))
    rows.append({"id": 3, **_entries(1)[0], "prev_hash": None, "hash": None})
    result = walk(rows)
    assert result.broken is not None and result.broken.entry_id == 3
    assert "outside the chain" in result.broken.reason


def test_the_same_instant_in_any_time_zone_hashes_the_same() -> None:
    utc, london = _entries(1)[0], _entries(1)[0]
    london["at"] = utc["at"].astimezone(timezone(timedelta(hours=1)))
    assert canonical(utc) == canonical(london)
    assert entry_hash(GENESIS, utc) == entry_hash(GENESIS, london)


def test_an_anchor_is_found_only_while_its_entry_is_in_the_chain() -> None:
    rows = _stored(_entries())
    anchor = rows[-1]["hash"]
    assert walk(rows, anchor).anchor_found
    assert not walk(rows[:-1], anchor).anchor_found


def test_only_sixty_four_hex_digits_make_a_hash() -> None:
    assert is_hash("a" * 64)
    assert not is_hash("a" * 63)
    assert not is_hash("g" * 64)
    assert audit_chain.FIELDS[0] == "at"
