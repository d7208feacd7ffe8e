"""The one number style of every output: the terminal's text (report_text) and the workbook's formats agree."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jwmodel.excel import xlsx_cells
from jwmodel.report_text import BEYOND_PLAN, NOT_APPLICABLE, fte, money, payback, payback_shown, percent, years


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("-56"), "(56)"),  # a saving, bracketed as Appendix A
        (D("14"), "14"),
        (D("0"), "0"),
        (D("-182.5"), "(183)"),  # halves away from zero, as a spreadsheet shows them
        (D("1234.4"), "1,234"),
        (D("-0.4"), "(0)"),  # what the workbook's format shows for the same number
        (None, "n/a"),
    ],
)
def test_money_is_whole_thousands_with_savings_in_brackets(value, shown):
    assert money(value) == shown


def test_exact_money_is_to_the_pound():
    assert money(D("-147.75"), exact=True) == "(147.750)"
    assert money(D("1234.5678"), exact=True) == "1,234.568"


def test_percentages_are_whole_years_one_decimal_fte_one_decimal():
    assert percent(D("54.3")) == "54%" and percent(D("-28.5")) == "(29%)" and percent(None) == NOT_APPLICABLE
    assert years(D("2.4113821")) == "2.4" and years(D("-0.25")) == "(0.3)" and years(None) == NOT_APPLICABLE
    assert fte(D("216.25")) == "216.3"


def test_payback_with_nothing_to_pay_back_is_na_and_one_never_reached_is_beyond_the_plan():
    assert payback(D(0)) == NOT_APPLICABLE  # no flows, or savings from year 0 with no cost before them
    assert payback(None) == BEYOND_PLAN
    assert payback(D("1.718796992")) == "1.7"
    assert payback_shown(D("1.718796992")) == D("1.718796992")  # the workbook keeps the figure; its format shows 1.7


def test_the_workbook_formats_show_the_same_style():
    positive, negative, zero = xlsx_cells.MONEY.split(";")
    assert positive == "#,##0" and negative == "(#,##0)" and zero == "0"  # money(): 1,234 / (56) / 0
    assert xlsx_cells.MONEY_EXACT.split(";")[1] == "(#,##0.000)"  # money(exact=True)
    assert xlsx_cells.YEARS.split(";")[:2] == ["0.0", "(0.0)"] and xlsx_cells.FTE == "#,##0.0"  # years(), fte()
    assert xlsx_cells.PERCENT.split(";")[:2] == ['0"%"', '(0"%")']  # percent(): 54%, (29%)
    assert xlsx_cells.NOT_APPLICABLE == NOT_APPLICABLE
