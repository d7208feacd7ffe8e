"""The monitoring return: the template made from the declarations, read back exactly, and bad cells located."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from jwmodel.cli import main
from jwmodel.excel import schema as s
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_monitoring_return
from jwmodel.excel.tracker import write_tracker
from jwmodel.monitoring import (
    LineReport,
    LineStatus,
    Measurement,
    MonitoringPlan,
    MonitoringReturn,
    ReturnStatus,
    SignOff,
    SpendReport,
    resolve_returns,
)
from jwmodel.submissions import Cover
from jwmodel.tables.monitoring import ACTUALS, DELIVERED, MEASUREMENTS, SPEND
from jwmodel.tracking import track

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def _return() -> MonitoringReturn:
    cover = Cover(s.MONITORING_RETURN, s.VERSION, "2013/14", "Pat Example", "pat@example.org", "2013-07-21", "1")
    return MonitoringReturn(
        cover,
        "HFRS",
        "2013/14 Q1",
        ReturnStatus.FINAL,
        SignOff("Sam Example", "Section 151 officer", "2013-07-20"),
        (
            LineReport("MC-1", D("-5.125"), D(-20), LineStatus.AT_RISK, "Calendar not agreed"),
            LineReport("MC-2", D(8), None, LineStatus.ON_TRACK, '=HYPERLINK("http://x")'),
        ),
        (SpendReport("MC-9", D("12.5"), "half way"),),
        (Measurement("Time to fix ICT incidents", D("13.5"), "2013-06-30", "median"),),
        D("1.5"),
    )


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    return write_monitoring_return(tmp_path / "return.xlsx", HAMPSHIRE_SETUP, _return())


def _strip(r: MonitoringReturn) -> tuple:
    return (
        r.cover,
        r.partner,
        r.period,
        r.status,
        r.sign_off,
        [(x.line_id, x.delivered, x.forecast, x.status, x.comment) for x in r.lines],
        [(x.line_id, x.spent, x.comment) for x in r.spend],
        [(x.measure, x.value, x.date, x.comment) for x in r.measurements],
        r.fte_released,
    )


def test_a_filled_return_reads_back_to_the_same_return(filled):
    read, record = read_submission(filled)
    assert (record.status, record.kind) == ("accepted", "monitoring return")
    assert _strip(read) == _strip(_return())
    assert read.lines[0].where.sheet == DELIVERED.sheet and read.lines[0].where.cell == "A5"


def test_the_committed_template_has_the_declared_tables_and_cover(tmp_path):
    assert (
        main(["templates", str(tmp_path), "--programme", str(WORKBOOKS / "examples/hampshire-2012/programme.json")])
        == 0
    )
    for path in (tmp_path / "monitoring-HC.xlsx", WORKBOOKS / "monitoring_return.xlsx"):
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == [s.INSTRUCTIONS, s.COVER, s.DELIVERED, s.SPEND, s.MEASUREMENTS, s.ACTUALS, s.LISTS]
        for table in (DELIVERED, SPEND, MEASUREMENTS, ACTUALS):
            ws = wb[table.sheet]
            assert [c.value for c in ws[s.HEADER_ROW + 1]][: len(table.columns)] == list(table.headers())
            assert table.excel_name in ws.tables
        labels = [wb[s.COVER].cell(row=3 + i, column=1).value for i in range(len(s.MONITORING_COVER))]
        assert labels == [f.label for f in s.MONITORING_COVER]


def _edit(path: Path, sheet: str, cell: str, value: object) -> Path:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "code"),
    [
        (s.COVER, "B7", "2013/14 Q5", "BAD_PERIOD"),
        (s.COVER, "B7", "2014/15 Q1", "BAD_PERIOD"),  # not in the cover's financial year
        (s.COVER, "B13", "Signed", "NOT_IN_LIST"),
        (s.DELIVERED, "D5", "n/a", "NOT_A_NUMBER"),
        (s.DELIVERED, "F5", "nearly", "NOT_IN_LIST"),
        (s.DELIVERED, "A6", "MC-1", "MONITORING_LINE_TWICE"),
        (s.DELIVERED, "D6", None, "VALUE_MISSING"),
        (s.MEASUREMENTS, "D5", "last week", "NOT_A_DATE"),
    ],
)
def test_a_bad_cell_is_an_error_located_to_it_and_the_return_is_rejected(filled, sheet, cell, value, code):
    read, record = read_submission(_edit(filled, sheet, cell, value))
    assert read is None and record.status == "rejected"
    assert (code, "return.xlsx", sheet, cell) in {
        (f.code, f.where.file, f.where.sheet, f.where.cell) for f in record.findings
    }


def test_text_from_a_return_is_written_to_the_tracker_as_text_never_a_formula(filled, tmp_path):
    from jwmodel.consolidation import consolidate
    from jwmodel.examples import hampshire_2012
    from jwmodel.tracking import PlannedLine

    read, _ = read_submission(filled)
    lines = consolidate(hampshire_2012.programme()).lines
    planned = [PlannedLine("MC-2", next(x for x in lines if x.description.startswith("Additional resource to manage")))]
    tracker = track(
        planned, ("2012/13", "2013/14"), resolve_returns([read]), MonitoringPlan(), partners=("HC",), as_of="2013-08-01"
    )
    path = write_tracker(tmp_path / "t.xlsx", tracker)
    ws = openpyxl.load_workbook(path)["By line"]
    typed = [c for c in ws["N"] if c.value == '=HYPERLINK("http://x")']
    assert len(typed) == 2 and {c.data_type for c in typed} == {"s"}  # a string in both years' rows, not a formula
