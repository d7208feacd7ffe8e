"""Percentages typed as people type them: one rule, decided from the text or the cell's number format."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jwmodel.cells import CellError, is_percent_format, parse_percent


@pytest.mark.parametrize("code", ["0%", "0.00%", "#,##0.0%", "[Red]0%", "0%;(0%)"])
def test_formats_that_show_a_percentage(code):
    assert is_percent_format(code)


@pytest.mark.parametrize("code", ["General", "0", "#,##0.0##;(#,##0.0##);0", '0"%"', "0\\%", "[$%-809]0", "", None])
def test_formats_that_do_not(code):
    # '0"%"' and '0\%' print a sign after a whole number: the value is the percentage itself
    assert not is_percent_format(code)


@pytest.mark.parametrize(
    ("value", "formatted", "expected"),
    [
        ("25%", False, D(25)),  # text with a sign: as typed
        (" 25 % ", True, D(25)),  # the format never changes text
        ("25", False, D(25)),
        ("12.5%", False, D("12.5")),
        (25, False, D(25)),  # a plain number in a plain cell is the percentage
        (25.0, False, D(25)),
        (0.25, True, D(25)),  # Excel shows 0.25 as 25% in a % cell (25 typed there is stored as 0.25)
        (1.0, True, D(100)),
        (0.3333, True, D("33.33")),
        (0.0, True, D(0)),
        (0.25, False, D("0.25")),  # a quarter of one per cent: no guessing from the size
        (None, True, None),
        ("", False, None),
    ],
)
def test_a_percentage_is_read_as_meant(value, formatted, expected):
    got = parse_percent(value, percent_format=formatted)
    assert got == expected
    if got is not None:
        assert "E" not in str(got)  # 100, never 1E+2, in a message


@pytest.mark.parametrize("value", ["%", "abc%", "25%%", "1e2%", True])
def test_what_is_not_a_percentage_is_refused(value):
    with pytest.raises(CellError):
        parse_percent(value)
