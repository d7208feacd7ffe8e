"""The true-up workbook: the declared tables as values (no formula), text from a return written as text, the
shared page set-up, and the JSON holding the same rows."""

from __future__ import annotations

import zipfile

import openpyxl

from jwmodel.consolidation import consolidate
from jwmodel.excel.trueup import SHEETS, write_true_up
from jwmodel.tables.outputs import TRUE_UP_SHARES
from jwmodel.trueup import TrueUpSettings, true_up
from tests.unit.test_trueup import FM, LEGAL, YEARS, _programme, _return


def _result(basis: str):
    returns = [
        _return("A", "2012/13 Q4", (LEGAL, "Cases", 40), (FM, "baseline net", 700)),
        _return("B", "2012/13 Q4", (LEGAL, "Cases", 40), (FM, "baseline net", 300)),
        _return("C", "2012/13 Q4", (LEGAL, "Cases", 20)),
    ]
    returns[0] = type(returns[0])(
        returns[0].cover,
        "A",
        "2012/13 Q4",
        actuals=tuple(a.__class__(a.service, a.driver, a.year, a.value, basis) for a in returns[0].actuals),
    )
    programme = _programme()
    return true_up(programme, consolidate(programme), returns, YEARS, TrueUpSettings("2012/13"))


def test_text_typed_on_a_return_is_written_as_text_and_every_figure_as_a_value(tmp_path):
    injected = '=HYPERLINK("http://example.org","click")'
    path = write_true_up(tmp_path / "t.xlsx", _result(injected), version="Test")
    wb = openpyxl.load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    ws = wb["Shares"]
    headers = [c.value for c in ws[2]]
    assert headers == list(TRUE_UP_SHARES.headers())
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if r[0].value]
    a_fm = next(r for r in rows if r[:3] == ["Facilities", "", "A"])
    assert a_fm[headers.index("Basis")] == injected
    # Facilities 700/300 gives 70/30 against 60/40: F-S1 -25 paid -15/-10, due -17.5/-7.5: A -2.5, B +2.5.
    assert a_fm[headers.index("Balancing payment (£000s)")] == -2.5


def test_the_payments_sheet_lists_each_balance_then_who_pays_whom(tmp_path):
    path = write_true_up(tmp_path / "t.xlsx", _result("outturn"))
    ws = openpyxl.load_workbook(path)["Payments"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    # Legal A -2, B +2 (see tests/unit/test_trueup.py); Facilities A -2.5, B +2.5: A -4.5, B +4.5, C 0.
    balances = {r[0]: r[3] for r in values[2:5]}
    assert balances == {"A": -4.5, "B": 4.5, "C": 0}
    transfers = [r[:3] for r in values if r[:2] == ["B", "A"]]
    assert transfers == [["B", "A", 4.5]]
