"""Typed figures are worked out once per value in a worker (issue 14): the cache changes no figure and
no finding. Each expected value is worked out by hand from the rule (``cells.parse_number``: a float's
shortest repr, to 9 places, normalised; ``to_pounds``: to 3 places, halves up)."""

from __future__ import annotations

from decimal import Decimal as D

from jwmodel.excel import reading
from jwmodel.findings import Location


class _Reader(reading._Reader):
    def __init__(self) -> None:  # no workbook: only the cell methods are used
        self.file, self.findings = "f.xlsx", []


def _sheet(*values: object) -> reading._Sheet:
    return reading._Sheet("f.xlsx", "Baseline", [list(values)])


def test_a_cached_figure_still_warns_each_time_it_is_rounded_to_the_pound():
    reader, sheet = _Reader(), _sheet(12.3456, 12.3456)
    # 12.3456 (£000s) is £12,345.60: to the pound, 12.346 (the 0.6 of a pound rounds up)
    assert reader.number(sheet, 0, 0, "Gross", money=True) == D("12.346")
    assert reader.number(sheet, 0, 1, "Gross", money=True) == D("12.346")  # the second from the cache
    assert [f.code for f in reader.findings] == ["ROUNDED_TO_POUND", "ROUNDED_TO_POUND"]
    assert reader.findings[1].where == Location("f.xlsx", "Baseline", "B1")
    assert reader.number(sheet, 0, 0, "FTE") == D("12.3456")  # not money: as typed


def test_zero_and_minus_zero_are_not_mixed_up_by_the_cache():
    reader = _Reader()
    # -0.0 and 0.0 are equal as keys but their Decimals differ (-0 and 0): zero is never cached
    assert str(reader.number(_sheet(-0.0), 0, 0, "Net")) == "-0"
    assert str(reader.number(_sheet(0.0), 0, 0, "Net")) == "0"
    assert str(reader.number(_sheet(-0.0), 0, 0, "Net")) == "-0"


def test_a_value_that_is_no_figure_is_refused_every_time_and_never_kept():
    reader = _Reader()
    for _ in range(2):
        assert reader.number(_sheet(float("inf")), 0, 0, "Net") is None
    assert [f.code for f in reader.findings] == ["NOT_A_NUMBER", "NOT_A_NUMBER"]
    assert float("inf") not in reading._FIGURES
