"""Exact score arithmetic: fractions while working, two-decimal Decimals where published.

Scores, weights and prices arrive as Decimals. A mean of three scores or a price divided by
quality points is not a finite decimal, so working figures are kept as exact fractions and
rounded once, half up, only where a figure is published (a table, a document, the JSON).
Nothing that decides a rank ever passes through a binary float.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Exact = Fraction

ZERO = Fraction(0)


def exact(value: Decimal | Fraction | int | str) -> Fraction:
    """Return ``value`` as an exact fraction; floats are refused as they are already inexact."""
    if isinstance(value, bool | float):
        raise TypeError(f"an exact figure must not be a {type(value).__name__}")
    return Fraction(value)


def published(value: Decimal | Fraction | int, places: int = 2) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero, as it is published."""
    scaled = Fraction(value) * 10**places
    whole, remainder = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    sign = -1 if scaled < 0 else 1
    return Decimal(sign * whole).scaleb(-places)


def score_text(value: Decimal | Fraction | int) -> str:
    """Write a score for a sentence: two decimals at most, e.g. "1.5" or "1.33"."""
    text = f"{published(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
