"""How documents print dates, scores, weights and money: British style, fixed decimals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from tenderflow.domain.dates import long_date
from tenderflow.domain.money import format_gbp

__all__ = [
    "format_date",
    "format_datetime",
    "format_gbp",
    "format_percent",
    "format_per_point",
    "format_score",
    "format_total",
    "ordinal",
    "yes_no",
]

DASH = "–"  # shown in a cell that has no value, so an empty cell never looks like a lost one


def format_date(value: date | None) -> str:
    """Format as "2 March 2026", or a dash when there is no date."""
    return DASH if value is None else long_date(value)


def format_datetime(value: datetime | None) -> str:
    """Format as "11:45 on 2 March 2026", or a dash."""
    if value is None:
        return DASH
    return f"{value:%H:%M} on {long_date(value)}"


def format_score(value: Decimal | int | None) -> str:
    """Format a criterion score without trailing zeros: "4", "3.5"; a dash when missing."""
    if value is None:
        return DASH
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_total(value: Decimal | None) -> str:
    """Format a weighted or total score to two decimals: "78.40"."""
    if value is None:
        return DASH
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def format_per_point(value: Decimal | None) -> str:
    """Format a price per quality point in pounds: "£1,312.50"; a dash when there is none."""
    return DASH if value is None else format_gbp(value)


def format_percent(value: Decimal | int) -> str:
    """Format a weight as a percentage: "15%", "12.5%"."""
    return f"{format_score(value)}%"


def ordinal(number: int) -> str:
    """Return "1st", "2nd", "3rd", "11th" and so on."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def yes_no(value: bool) -> str:
    """Return "Yes" or "No"."""
    return "Yes" if value else "No"
