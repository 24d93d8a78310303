"""Money as exact pounds and pence: Decimal everywhere, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")

# Digits with an optional decimal part; commas, spaces and a pound sign are removed first.
_AMOUNT = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")

_EXAMPLE = "like 75000 or 75,000.50"


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as pounds rounded to the penny, halves rounded up."""
    # bool is an int subclass and float is inexact: both are refused rather than guessed at.
    if isinstance(value, bool | float):
        raise TypeError(f"money must be a Decimal, int or str, not {type(value).__name__}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount of money") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount of money")
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def parse_money(text: str) -> Decimal:
    """Parse what a person typed (e.g. "£75,000.50") into pounds, or raise ValueError."""
    cleaned = re.sub(r"[\s,£]", "", text or "")
    if not cleaned:
        raise ValueError("Enter an amount in pounds, " + _EXAMPLE)
    if cleaned.startswith("-"):
        raise ValueError("Amount must be £0 or more")
    if not _AMOUNT.match(cleaned):
        raise ValueError("Amount must be a number in pounds, " + _EXAMPLE)
    amount = Decimal(cleaned)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError("Amount must not have more than 2 decimal places, " + _EXAMPLE)
    return to_money(amount)


def format_amount(value: Decimal) -> str:
    """Format as a plain amount with two decimals, e.g. "75000.00" (for JSON and CSV)."""
    return f"{to_money(value):.2f}"


def format_gbp(value: Decimal) -> str:
    """Format for people, e.g. "£75,000.00"."""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
