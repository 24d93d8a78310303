"""No lost updates: the versions a form carries, and what a second writer is told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tenderflow.services.concurrency import (
    ChangedMeanwhile,
    check_opened,
    version_text,
    versions_of,
)


@dataclass
class Record:
    id: int
    version: int
    __tablename__ = "consensus_scores"


class NoHistory:
    """A session whose audit log holds nothing about the record."""

    def scalar(self, *args: Any) -> None:
        return None


def test_a_fingerprint_changes_when_any_record_changes_appears_or_goes() -> None:
    one, two = Record(1, 1), Record(2, 3)
    before = versions_of([one, two])
    assert before == versions_of([two, one])  # order does not matter
    assert versions_of([one, Record(2, 4)]) != before
    assert versions_of([one]) != before
    assert versions_of([one, two, Record(3, 1)]) != before


def test_a_record_not_yet_saved_has_an_empty_version() -> None:
    assert version_text(None) == ""
    assert version_text(Record(5, 2)) == "2"


def test_only_records_changed_since_the_page_opened_are_refused() -> None:
    records = {"a": Record(1, 2), "b": Record(2, 1)}
    check_opened(NoHistory(), {"a": "2", "b": "1"}, records, str)  # type: ignore[arg-type]
    with pytest.raises(ChangedMeanwhile) as refused:
        check_opened(
            NoHistory(),  # type: ignore[arg-type]
            {"a": "1", "b": "1", "c": ""},
            records,
            lambda key: f"Score {key}",
        )
    assert refused.value.changes == {
        "a": "Score a was changed by someone else since you opened this page"
    }
    assert refused.value.current == {"a": "2", "b": "1", "c": ""}


def test_a_first_save_that_someone_else_made_first_is_refused() -> None:
    with pytest.raises(ChangedMeanwhile) as refused:
        check_opened(NoHistory(), {"x": ""}, {"x": Record(9, 1)}, str)  # type: ignore[arg-type]
    assert refused.value.current == {"x": "1"}
