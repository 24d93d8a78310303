"""The priority list page says when its Word document was written before the latest decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from tenderflow.services.capital.documents import decided_since

WRITTEN = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def _view(*decided_at: datetime | None) -> Any:
    rows = [
        SimpleNamespace(decision=SimpleNamespace(decided_at=at) if at else None)
        for at in decided_at
    ]
    return SimpleNamespace(rows=rows)


def test_a_decision_after_the_document_was_written_is_noticed() -> None:
    later = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)
    assert decided_since(_view(None, later), SimpleNamespace(generated_at=WRITTEN)) is True


def test_decisions_before_the_document_was_written_are_in_it() -> None:
    earlier = datetime(2026, 7, 1, 8, 55, tzinfo=UTC)
    assert decided_since(_view(earlier, None), SimpleNamespace(generated_at=WRITTEN)) is False


def test_without_a_document_there_is_nothing_to_be_out_of_date() -> None:
    assert decided_since(_view(datetime(2026, 7, 2, tzinfo=UTC)), None) is False
