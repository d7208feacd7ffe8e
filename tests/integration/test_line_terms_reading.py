"""The reader and a line's terms: "Applies if" and "Own split" read, refused at their cell, older files as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from jwmodel.cli import main
from jwmodel.conditions import parse_condition
from jwmodel.excel.reading import read_submission
from jwmodel.findings import Location
from jwmodel.model import ApportionmentRule, Method
from jwmodel.submissions import Status

PROPOSAL = Path("workbooks/examples/hampshire-2012/proposal-learning-and-development.xlsx")


def _edited(tmp_path: Path, edit, sheet_name: str = "Saving lines") -> Path:
    book = openpyxl.load_workbook(PROPOSAL)
    sheet = book[sheet_name]
    header = [c.value for c in sheet[4]]
    edit(sheet, header)
    path = tmp_path / PROPOSAL.name
    book.save(path)
    return path


def _set(column: str, row: int, value: object):
    def edit(sheet, header):
        sheet.cell(row, header.index(column) + 1).value = value

    return edit


def _cell_of(header: list, column: str, row: int) -> str:
    return f"{openpyxl.utils.get_column_letter(header.index(column) + 1)}{row}"


def _header() -> list:
    return [c.value for c in openpyxl.load_workbook(PROPOSAL)["Saving lines"][4]]


def test_the_example_proposal_holds_the_hfrs_condition_in_applies_if():
    read, record = read_submission(PROPOSAL)
    assert record.status == Status.ACCEPTED
    assert read.saving_lines[0].condition == parse_condition("HFRS joins")
    assert read.saving_lines[0].condition.text == "HFRS joins"
    assert [x.rule for x in read.saving_lines] == [None, None]


def test_a_typed_condition_and_own_split_are_read(tmp_path):
    def edit(sheet, header):
        _set("Applies if", 5, 'HFRS does not join or option "HC and HCC"')(sheet, header)
        _set("Own split", 6, "share of baseline (FTE); minimum 5%")(sheet, header)

    read, record = read_submission(_edited(tmp_path, edit))
    assert record.status == Status.ACCEPTED, record.findings
    first, second = read.saving_lines
    assert first.condition.text == 'HFRS does not join or option "HC and HCC"'
    assert second.rule == ApportionmentRule(
        Method.BASELINE_FTE,
        minimum_percent=5,
        where=Location(PROPOSAL.name, "Saving lines", _cell_of(_header(), "Own split", 6)),
    )


@pytest.mark.parametrize(
    ("column", "typed", "code", "says"),
    [
        ("Applies if", "HFRS jions", "CONDITION_BAD", "'HFRS jions' is not a condition: expected 'joins'"),
        ("Applies if", "WHDC joins", "CONDITION_UNKNOWN_PARTNER", "names partner 'WHDC'"),
        ("Applies if", 'option "All four"', "CONDITION_UNKNOWN_OPTION", 'names option "All four"'),
        ("Own split", "by headcount", "LINE_RULE_BAD", "'by headcount' is not a split"),
        ("Own split", "fixed: HC 50%, WHDC 50%", "PARTNER_UNKNOWN", "'WHDC'"),
        ("Own split", "fixed: HC 50%, HCC 40%", "PERCENT_SUM", "add up to 90, not 100"),
    ],
)
def test_a_line_term_that_does_not_read_rejects_the_file_at_its_cell(tmp_path, column, typed, code, says):
    read, record = read_submission(_edited(tmp_path, _set(column, 5, typed)))
    assert record.status == Status.REJECTED
    found = [f for f in record.findings if f.code == code]
    assert len(found) == 1, record.findings
    assert says in found[0].message
    assert (found[0].where.file, found[0].where.sheet, found[0].where.cell) == (
        PROPOSAL.name,
        "Saving lines",
        _cell_of(_header(), column, 5),
    )


def test_an_older_file_with_only_if_partner_participates_and_no_own_split_reads_as_before(tmp_path):
    def edit(sheet, header):
        for table in list(sheet.tables):  # the Excel table would name columns that changed
            del sheet.tables[table]
        sheet.cell(4, header.index("Applies if") + 1).value = "Only if partner participates"
        sheet.cell(5, header.index("Applies if") + 1).value = "HFRS"  # a bare code, as older files hold it
        sheet.delete_cols(header.index("Own split") + 1)

    read, record = read_submission(_edited(tmp_path, edit))
    assert record.status == Status.ACCEPTED, record.findings
    assert read.saving_lines[0].condition == parse_condition("HFRS joins")
    assert read.saving_lines[1].condition is None
    assert all(x.rule is None for x in read.saving_lines)


def test_an_own_split_that_cannot_be_applied_is_reported_at_its_cell_when_the_folder_is_consolidated(tmp_path):
    folder = tmp_path / "hampshire"
    shutil.copytree(PROPOSAL.parent, folder)
    book = openpyxl.load_workbook(PROPOSAL)
    sheet = book["Saving lines"]
    header = [c.value for c in sheet[4]]
    sheet.cell(6, header.index("Own split") + 1).value = "fixed: HC 50%, HCC 50%"  # L&D's default is HC, HFRS, HCC
    book.save(folder / PROPOSAL.name)
    out = tmp_path / "s.json"
    assert (
        main(["consolidate", str(folder), "-o", str(out.with_suffix(".xlsx")), "--json", str(out), "-q"]) == 2
    )  # outputs written, with an error
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    cell = _cell_of(header, "Own split", 6)
    at_cell = {
        f["code"]: f["message"]
        for f in findings
        if (f["file"], f["sheet"], f["cell"]) == (PROPOSAL.name, "Saving lines", cell)
    }
    assert "no percentage for HFRS" in at_cell["PERCENT_MISSING"]  # the option in use has HFRS: found now
    assert "own split of 'Combined training resources" in at_cell["PERCENT_MISSING"]
