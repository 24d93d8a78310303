"""Modifications, extensions and terminations: which notices they need."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenderflow.domain.contract_changes import (
    extended_end,
    modification_notice,
    termination_notice,
    under_the_act,
)

VALUE = Decimal("1000000")


def test_the_act_applies_from_24_february_2025_unless_the_regime_is_known() -> None:
    assert not under_the_act(date(2025, 2, 23))
    assert under_the_act(date(2025, 2, 24))
    assert not under_the_act(date(2026, 1, 1), "pcr-2015")


@pytest.mark.parametrize(
    ("change", "extends", "code"),
    [
        (Decimal("99999.99"), False, None),
        (Decimal("100000"), False, "UK10"),
        (Decimal("-150000"), False, "UK10"),
        (Decimal("1000"), True, "UK10"),
    ],
)
def test_a_change_of_10_percent_or_a_longer_term_needs_a_change_notice(
    change: Decimal, extends: bool, code: str | None
) -> None:
    need = modification_notice("unforeseeable", VALUE, change, extends, act=True)
    assert need.code == code


def test_works_have_a_15_percent_margin() -> None:
    need = modification_notice(
        "additional-supply", VALUE, Decimal("140000"), False, act=True, category="works"
    )
    assert need.code is None and "under 15%" in need.reason


def test_below_threshold_modifications_and_pcr_contracts_need_no_notice() -> None:
    assert modification_notice("below-threshold", VALUE, VALUE, True, act=True).code is None
    assert modification_notice("unforeseeable", VALUE, VALUE, True, act=False).code is None


def test_an_unknown_ground_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ground 'whim'"):
        modification_notice("whim", VALUE, VALUE, False, act=True)


def test_a_termination_notice_is_due_within_30_days() -> None:
    assert termination_notice(date(2026, 11, 30), act=True) == ("UK11", date(2026, 12, 29))
    assert termination_notice(date(2026, 11, 30), act=False) == (None, None)


def test_an_extension_runs_whole_months_from_the_day_after_the_end() -> None:
    assert extended_end(date(2027, 3, 31), 12) == date(2028, 3, 31)
    assert extended_end(date(2027, 2, 28), 12) == date(2028, 2, 29)
