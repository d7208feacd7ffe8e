"""What a number cell accepts, decided explicitly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jwmodel.cells import CellError, parse_date, parse_number, parse_text, to_pounds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234, "1234"),
        (12.3, "12.3"),
        (0.1 + 0.2, "0.3"),
        ("1,234", "1234"),
        ("1,234.5", "1234.5"),
        ("(56)", "-56"),
        ("-56", "-56"),
        ("£1,234", "1234"),
        (" 7 ", "7"),
        ("", None),
        (None, None),
    ],
)
def test_accepted_numbers(raw, expected):
    got = parse_number(raw)
    assert got == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    "raw",
    [
        "nan",
        "inf",
        "-inf",
        "1_000",
        "1e3",
        "١٢٣",
        "12,34",
        "--5",
        "(-5)",
        "five",
        True,
        dt.date(2012, 4, 1),
        float("nan"),
    ],
)
def test_refused_numbers(raw):
    with pytest.raises(CellError):
        parse_number(raw)


def test_rounding_to_the_pound_is_the_one_in_money_halves_towards_plus_infinity():
    assert to_pounds(Decimal("1.0005")) == Decimal("1.001")
    assert to_pounds(Decimal("-1.0005")) == Decimal("-1.000")  # halves towards +infinity: jwmodel.money


def test_dates_from_cells_serials_and_text():
    assert parse_date(dt.datetime(2012, 4, 2, 9, 30)) == "2012-04-02"
    assert parse_date(41001) == "2012-04-02"
    assert parse_date("2012-04-02") == "2012-04-02"
    with pytest.raises(CellError):
        parse_date("next Tuesday")


def test_text_keeps_whole_numbers_without_a_decimal_point():
    assert parse_text(1.0) == "1" and parse_text("  HC ") == "HC"
