"""Money is exact pounds and pence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderflow.domain.money import format_amount, format_gbp, parse_money, to_money


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Decimal("2.345"), Decimal("2.35")),
        (Decimal("2.344"), Decimal("2.34")),
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("-2.345"), Decimal("-2.35")),
        (5, Decimal("5.00")),
        ("75000.1", Decimal("75000.10")),
    ],
)
def test_money_is_rounded_to_the_penny_with_halves_rounded_up(
    given: Decimal | int | str, expected: Decimal
) -> None:
    result = to_money(given)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("given", [0.1, True])
def test_floats_and_booleans_are_refused_as_money(given: object) -> None:
    with pytest.raises(TypeError):
        to_money(given)  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["abc", "NaN", "Infinity"])
def test_text_that_is_not_a_finite_number_is_not_money(given: str) -> None:
    with pytest.raises(ValueError):
        to_money(given)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("75000", Decimal("75000.00")),
        ("75,000.50", Decimal("75000.50")),
        ("£75,000", Decimal("75000.00")),
        (" £ 1,234.5 ", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        (".5", Decimal("0.50")),
        ("2000.", Decimal("2000.00")),
    ],
)
def test_amounts_are_read_the_way_people_type_them(typed: str, expected: Decimal) -> None:
    assert parse_money(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount in pounds"),
        ("   ", "Enter an amount in pounds"),
        ("seventy", "Amount must be a number in pounds, like 75000 or 75,000.50"),
        ("1e5", "Amount must be a number"),
        ("NaN", "Amount must be a number"),
        ("12.34.56", "Amount must be a number"),
        ("-5", "Amount must be £0 or more"),
        ("-£5,000", "Amount must be £0 or more"),
        ("1.234", "Amount must not have more than 2 decimal places"),
        ("75.500", "Amount must not have more than 2 decimal places"),
    ],
)
def test_bad_amounts_are_refused_with_a_message_saying_what_to_do(typed: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_money(typed)
    assert str(raised.value).startswith(message)


def test_a_plain_amount_has_two_decimals_and_no_separators() -> None:
    assert format_amount(Decimal("75000")) == "75000.00"
    assert format_amount(Decimal("0.005")) == "0.01"


def test_pounds_for_people_have_a_pound_sign_and_thousands_separators() -> None:
    assert format_gbp(Decimal("75000")) == "£75,000.00"
    assert format_gbp(Decimal("5193000")) == "£5,193,000.00"
    assert format_gbp(Decimal("0.5")) == "£0.50"


def test_a_negative_amount_puts_the_minus_before_the_pound_sign() -> None:
    assert format_gbp(Decimal("-1234.5")) == "-£1,234.50"


def test_formatting_rounds_halves_up_not_to_even() -> None:
    assert format_gbp(Decimal("0.125")) == "£0.13"
