"""Participation over time in the files (issue 12, part 3): the Options sheet's optional From year and Before
then columns are written by the template, read by the reader and the add-in's conversion; a proposal from a
template older than the columns reads exactly as before; a year that is not a financial year is located."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from jwaddin._runtime import FunctionInputError
from jwaddin.convert import programme_from_tables

import jwmodel
from jwmodel.consolidation import consolidate
from jwmodel.examples import east_herts_2011
from jwmodel.excel.build_workbooks import EAST_HERTS_SETUP, submissions
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_workstream_proposal
from jwmodel.submissions import Status
from jwmodel.tables import inputs


def _ict(tmp_path):
    _, proposals = submissions(east_herts_2011, EAST_HERTS_SETUP, "2011-02-08")
    proposal = next(p for p in proposals if p.service.name == "ICT")
    return proposal, write_workstream_proposal(tmp_path / "proposal-ict.xlsx", EAST_HERTS_SETUP, proposal)


def test_the_template_writes_and_the_reader_reads_an_options_start_year_and_the_option_before(tmp_path):
    proposal, path = _ict(tmp_path)
    read, record = read_submission(path)
    assert record.status != Status.REJECTED, record.findings
    joins = read.service.option(east_herts_2011.JOINS)
    assert (joins.from_year, joins.before) == ("2013/14", east_herts_2011.TWO)
    assert read.service.option(east_herts_2011.TWO).from_year is None
    assert [(o.name, o.partners, o.rule.method, o.from_year, o.before) for o in read.service.options] == [
        (o.name, o.partners, o.rule.method, o.from_year, o.before) for o in proposal.service.options
    ]


def test_a_proposal_from_a_template_without_the_new_columns_reads_as_before(tmp_path, monkeypatch):
    older = dataclasses.replace(
        inputs.OPTIONS, columns=tuple(c for c in inputs.OPTIONS.columns if c.key not in ("from_year", "before"))
    )
    proposal, _ = _ict(tmp_path)
    two_options = dataclasses.replace(
        proposal, service=dataclasses.replace(proposal.service, options=proposal.service.options[:2])
    )
    monkeypatch.setattr(inputs, "OPTIONS", older)
    path = write_workstream_proposal(tmp_path / "older.xlsx", EAST_HERTS_SETUP, two_options)
    monkeypatch.undo()
    headers = [c.value for c in openpyxl.load_workbook(path)["Options"][inputs.HEADER_ROW + 1]]
    assert "From year" not in headers and "Before then" not in headers
    read, record = read_submission(path)
    assert record.status != Status.REJECTED, record.findings

    def seen(options):
        return [(o.name, o.partners, o.default, o.rule.method, o.from_year, o.before) for o in options]

    assert seen(read.service.options) == seen(two_options.service.options)  # no start year, nothing else changed
    assert all(o.from_year is None and o.before is None for o in read.service.options)


def test_a_from_year_that_is_not_a_financial_year_is_an_error_located_at_its_cell(tmp_path):
    _, path = _ict(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Options"]
    headers = [c.value for c in ws[inputs.HEADER_ROW + 1]]
    column = headers.index("From year") + 1
    row = next(r for r in range(inputs.HEADER_ROW + 2, ws.max_row + 1) if ws.cell(r, 1).value == east_herts_2011.JOINS)
    ws.cell(row, column, "2013-14")
    wb.save(tmp_path / "typed.xlsx")
    _, record = read_submission(tmp_path / "typed.xlsx")
    bad = [f for f in record.findings if f.code == "BAD_YEAR"]
    assert len(bad) == 1 and bad[0].where.sheet == "Options"
    assert bad[0].where.cell == f"{openpyxl.utils.get_column_letter(column)}{row}"


def test_the_addins_conversion_reads_the_start_year_and_the_option_before():
    header = inputs.OPTIONS.headers(("EHC", "SBC", "NHDC"))
    row = {h: "" for h in header}
    row.update(
        {
            "Service area": "ICT",
            "Option": east_herts_2011.JOINS,
            "Partners": "EHC, SBC, NHDC",
            "Default": "No",
            "Method": "share of baseline",
            "From year": "2013/14",
            "Before then": east_herts_2011.TWO,
        }
    )
    two = dict(
        row,
        **{"Option": east_herts_2011.TWO, "Partners": "EHC, SBC", "Default": "Yes", "From year": "", "Before then": ""},
    )
    programme, _ = programme_from_tables(rules_table=[list(header), [two[h] for h in header], [row[h] for h in header]])
    joins = programme.services[0].option(east_herts_2011.JOINS)
    assert (joins.from_year, joins.before) == ("2013/14", east_herts_2011.TWO)
    assert consolidate(programme, options={"ICT": east_herts_2011.JOINS}).options_in_use == {
        "ICT": east_herts_2011.JOINS
    }


EAST_HERTS_FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "east-herts-stevenage-2011"


def test_the_workbook_marks_the_options_in_force_and_says_which_figures_follow_them(tmp_path):
    run = jwmodel.consolidate_folder(EAST_HERTS_FOLDER, options={"*": east_herts_2011.JOINS}, workers=0)
    path = run.write_workbook(tmp_path / "c.xlsx")
    ws = openpyxl.load_workbook(path)["Apportionment"]
    marks = {(ws.cell(r, 1).value, ws.cell(r, 2).value): ws.cell(r, 4).value for r in range(4, ws.max_row + 1)}
    assert marks[("ICT", east_herts_2011.JOINS)] == "IN USE from 2013/14"
    assert marks[("ICT", east_herts_2011.TWO)] == "IN FORCE to 2012/13"
    assert marks[("ICT", east_herts_2011.THREE)] in (None, "")
    notes = [ws.cell(r, 1).value or "" for r in range(1, ws.max_row + 1)]
    assert any(n.startswith("Participation over time:") and "Appendix A" in n for n in notes)


def test_the_options_by_year_table_has_a_row_per_service_area_and_year():
    run = jwmodel.consolidate_folder(EAST_HERTS_FOLDER, options={"*": east_herts_2011.JOINS}, workers=0)
    table, rows = run.table("options_by_year")
    assert table.keys == ("service", "year", "option")
    assert ("ICT", "2012/13", east_herts_2011.TWO) in rows and ("ICT", "2013/14", east_herts_2011.JOINS) in rows
    assert len(rows) == 5 * 5  # five service areas, five plan years (2011/12 to 2015/16)


def test_the_addins_conversion_refuses_a_from_year_that_is_not_a_financial_year():
    header = inputs.OPTIONS.headers(("EHC", "SBC"))
    row = dict.fromkeys(header, "")
    row.update({"Service area": "ICT", "Option": "x", "Partners": "EHC, SBC", "Method": "none", "From year": "2013"})
    with pytest.raises(
        FunctionInputError, match="rules_table, row 1, From year: expected a financial year such as 2013/14"
    ):
        programme_from_tables(rules_table=[list(header), [row[h] for h in header]])
