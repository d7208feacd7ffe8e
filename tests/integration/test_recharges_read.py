"""A partner return's Recharges sheet: written by the template, read back, refused at the cell when wrong."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import openpyxl

from jwmodel.codes import Code
from jwmodel.examples import east_herts_2011
from jwmodel.excel import schema as s
from jwmodel.excel.build_workbooks import EAST_HERTS_SETUP, submissions
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_partner_return
from jwmodel.model import Recharge, RechargeDirection
from jwmodel.submissions import Status
from jwmodel.tables import inputs


def _return(code: str):
    returns, _ = submissions(east_herts_2011, EAST_HERTS_SETUP, "2011-03-31")
    return next(r for r in returns if r.partner.code == code)


def test_a_returns_recharges_are_written_and_read_back_with_their_rows(tmp_path):
    path = write_partner_return(tmp_path / "return-SBC.xlsx", EAST_HERTS_SETUP, _return("SBC"))
    read, record = read_submission(path)
    assert record.status == Status.ACCEPTED, record.findings
    assert [(x.counterparty, x.direction.value, x.amount, x.from_year, x.to_year) for x in read.recharges] == [
        ("EHC", "receives", D(120), "", "2012/13"),
        ("EHC", "receives", D(300), "2013/14", ""),
        ("NHDC", "receives", D(200), "2013/14", ""),
    ]
    assert [x.where.cell for x in read.recharges] == ["A5", "A6", "A7"]  # headers on row 4, as every input table
    assert record.taken == "partner SBC: 4 baseline rows and stated totals, 3 recharges"


def test_the_recharges_sheet_has_the_declared_headers_and_a_pays_or_receives_dropdown(tmp_path):
    path = write_partner_return(tmp_path / "blank.xlsx", EAST_HERTS_SETUP)
    ws = openpyxl.load_workbook(path)[s.RECHARGES]
    headers = [c.value for c in ws[s.HEADER_ROW + 1] if c.value]
    assert headers == list(inputs.RECHARGES.headers(scope=inputs.Scope.ALL))
    assert '"pays,receives"' in {dv.formula1 for dv in ws.data_validations.dataValidation}


def test_a_return_stating_no_recharges_is_written_without_the_sheet_and_read_as_before(tmp_path):
    path = write_partner_return(tmp_path / "return-EHC.xlsx", EAST_HERTS_SETUP, replace(_return("EHC"), recharges=()))
    assert s.RECHARGES not in openpyxl.load_workbook(path).sheetnames
    read, record = read_submission(path)
    assert read is not None and read.recharges == () and record.taken.endswith("stated totals")


def test_a_wrong_recharge_row_rejects_the_return_at_its_cell(tmp_path):
    ehc = _return("EHC")
    pays = RechargeDirection.PAYS
    wrong = (
        Recharge("EHC", "SBC", pays, "ICT", D(-5)),  # row 5: negative (the amount, column D)
        Recharge("EHC", "XYZ", pays, "ICT", D(5)),  # row 6: not a partner (column B)
        Recharge("EHC", "EHC", pays, "HR", D(5)),  # row 7: itself, and not a service area (column A)
        Recharge("EHC", "SBC", pays, "ICT", D(5), "2013"),  # row 8: not a financial year (column E)
    )
    path = write_partner_return(tmp_path / "return-EHC.xlsx", EAST_HERTS_SETUP, replace(ehc, recharges=wrong))
    read, record = read_submission(path)
    assert read is None and record.status == Status.REJECTED
    found = {(f.code, f.where.sheet, f.where.cell) for f in record.findings}
    assert {
        (Code.NEGATIVE, "Recharges", "D5"),
        (Code.PARTNER_UNKNOWN, "Recharges", "B6"),
        (Code.SERVICE_UNKNOWN, "Recharges", "A7"),
        (Code.BAD_YEAR, "Recharges", "E8"),
    } <= found


def test_a_return_charging_itself_or_stating_a_charge_twice_is_refused_where_the_row_is(tmp_path):
    ehc = _return("EHC")
    twice = (*ehc.recharges, replace(ehc.recharges[1], amount=D(310)), replace(ehc.recharges[0], counterparty="EHC"))
    read, record = read_submission(
        write_partner_return(tmp_path / "return-EHC.xlsx", EAST_HERTS_SETUP, replace(ehc, recharges=twice))
    )
    assert read is None
    found = {(f.code, f.where.cell) for f in record.findings}
    # row 7 repeats row 6 (300 from 2013/14) with 310; row 8 names EHC itself
    assert {(Code.RECHARGE_DUPLICATE, "A7"), (Code.RECHARGE_SELF, "A8")} <= found


def test_jwmodel_check_reports_charges_that_differ_from_what_the_return_pays(tmp_path):
    ehc = _return("EHC")
    more = (replace(ehc.recharges[0], amount=D(130)), ehc.recharges[1])  # pays 130 in 2011/12; charges say 120
    read, record = read_submission(
        write_partner_return(tmp_path / "return-EHC.xlsx", EAST_HERTS_SETUP, replace(ehc, recharges=more))
    )
    assert record.status == Status.WARNINGS
    (finding,) = [f for f in record.findings if f.code == Code.RECHARGE_CHARGES_DIFFER]
    assert finding.where.sheet == "Baseline" and "difference -10" in finding.message  # 120 - 130
    assert "'Recharges'!A5" in finding.message  # the pays row, named
