"""Changes to a contract after award: modifications (Procurement Act 2023 s.74), extensions
the contract provides for, and termination, with the notices each needs.

A modification is permitted on one of the Act's grounds; a contract change notice (UK10)
must be published before most of them (s.75), but not before a below-threshold modification
(s.74(1)(c)), nor one that changes the value by less than 10% (15% for works) without
extending the term (s.75(5)). A contract ending or terminated needs a contract termination
notice (UK11) within 30 days (s.80). Contracts begun under the Public Contracts Regulations
2015 publish neither. Dates are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from tenderflow.domain.contract_priority import add_months

ACT_FROM = date(2025, 2, 24)
GROUNDS = {
    "provided-for": "Provided for in the contract (Schedule 8, paragraph 1)",
    "additional-supply": "Additional goods, services or works (Schedule 8, paragraph 2)",
    "unforeseeable": "Unforeseeable circumstances (Schedule 8, paragraph 5)",
    "successor-supplier": "A successor supplier after a restructuring (Schedule 8, paragraph 7)",
    "not-substantial": "Not a substantial modification (section 74(1)(b))",
    "below-threshold": "A below-threshold modification (section 74(1)(c))",
}
# s.75(5): no change notice below 10% of the value (15% for works) without a longer term.
SMALL_CHANGE_PERCENT = {"services": Decimal("10"), "goods": Decimal("10"), "works": Decimal("15")}
TERMINATION_NOTICE_DAYS = 30


@dataclass(frozen=True)
class NoticeNeed:
    code: str | None
    reason: str


def under_the_act(start: date, regime: str | None = None) -> bool:
    """Say whether the contract falls under the Procurement Act 2023 (else PCR 2015)."""
    if regime is not None:
        return regime == "procurement-act-2023"
    return start >= ACT_FROM


def change_percent(value: Decimal, change: Decimal) -> Decimal:
    """Return the change as a percentage of the contract's value."""
    if value <= 0:
        return Decimal("100")
    return abs(change) * 100 / value


def modification_notice(
    ground: str,
    value: Decimal,
    value_change: Decimal,
    extends_term: bool,
    *,
    act: bool,
    category: str = "services",
) -> NoticeNeed:
    """Say whether a modification needs a contract change notice (UK10), and why."""
    if ground not in GROUNDS:
        raise ValueError(f"unknown ground {ground!r}: choose from {', '.join(GROUNDS)}")
    if not act:
        return NoticeNeed(None, "The contract began under PCR 2015, which has no change notice")
    if ground == "below-threshold":
        return NoticeNeed(None, "A below-threshold modification needs no notice (s.75(5))")
    limit = SMALL_CHANGE_PERCENT.get(category, Decimal("10"))
    percent = change_percent(value, value_change)
    if percent < limit and not extends_term:
        return NoticeNeed(
            None,
            f"The value changes by {percent.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%, under {limit}%, and the term is not extended "
            "(s.75(5))",
        )
    return NoticeNeed("UK10", "A contract change notice is published before the change (s.75)")


def termination_notice(ended: date, *, act: bool) -> tuple[str | None, date | None]:
    """Return the termination notice the contract needs and its last day."""
    if not act:
        return None, None
    return "UK11", ended + timedelta(days=TERMINATION_NOTICE_DAYS - 1)


def extended_end(end: date, months: int) -> date:
    """Return the end date after an extension of ``months``."""
    return add_months(end + timedelta(days=1), months) - timedelta(days=1)
