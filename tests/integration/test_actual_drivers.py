"""The monitoring return's Actual drivers sheet (the yearly true-up): written from its declaration, read back
exactly, every bad cell an error located to it, and a return from an older template (no sheet) read as before."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from jwmodel.excel import schema as s
from jwmodel.excel.build_workbooks import EAST_HERTS_SETUP
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_monitoring_return
from jwmodel.monitoring import DriverActual, MonitoringReturn, ReturnStatus, SignOff
from jwmodel.submissions import Cover


def _return() -> MonitoringReturn:
    cover = Cover(s.MONITORING_RETURN, s.VERSION, "2012/13", "Pat Example", "", "2013-05-10", "1")
    return MonitoringReturn(
        cover,
        "EHC",
        "2012/13",
        ReturnStatus.FINAL,
        SignOff("Sam Example", "Section 151 officer", "2013-05-10"),
        actuals=(
            DriverActual("Facilities Management", "baseline net", "2012/13", D(700), "Outturn 2012/13"),
            DriverActual("ICT", "Users of the shared system", "2012/13", D("412.5"), '=HYPERLINK("http://x")'),
        ),
    )


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return write_monitoring_return(tmp_path / "return.xlsx", EAST_HERTS_SETUP, _return())


def test_actual_drivers_read_back_exactly_and_located_to_their_rows(filled):
    read, record = read_submission(filled)
    assert record.status == "accepted" and "2 actual drivers" in record.taken
    assert [(a.service, a.driver, a.year, a.value, a.basis) for a in read.actuals] == [
        (a.service, a.driver, a.year, a.value, a.basis) for a in _return().actuals
    ]
    assert (read.actuals[1].where.sheet, read.actuals[1].where.cell) == (s.ACTUALS, "A6")


def _edit(path: Path, cell: str, value: object) -> Path:
    wb = openpyxl.load_workbook(path)
    wb[s.ACTUALS][cell] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("cell", "value", "code"),
    [
        ("C5", "2012-13", "BAD_YEAR"),
        ("D5", "n/a", "NOT_A_NUMBER"),
        ("D5", -5, "NEGATIVE"),
        ("B6", "Baseline NET", "ACTUALS_TWICE"),
        ("D6", None, "VALUE_MISSING"),
    ],
)
def test_a_bad_actual_is_an_error_located_to_its_cell(filled, cell, value, code):
    path = _edit(filled, cell, value)
    if code == "ACTUALS_TWICE":  # the second row gives FM's baseline net again (names compared ignoring case)
        path = _edit(path, "A6", "facilities management")
    read, record = read_submission(path)
    assert read is None and record.status == "rejected"
    assert (code, s.ACTUALS, cell) in {(f.code, f.where.sheet, f.where.cell) for f in record.findings}


def test_a_return_from_a_template_without_the_sheet_reads_as_before(filled):
    wb = openpyxl.load_workbook(filled)
    del wb[s.ACTUALS]
    wb.save(filled)
    read, record = read_submission(filled)
    assert record.status == "accepted" and read.actuals == () and record.findings == ()
