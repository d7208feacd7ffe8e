"""The reader and line IDs: typed IDs kept, blank ones given, an old file without the column read as before."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from jwmodel.codes import Code
from jwmodel.excel.reading import read_submission
from jwmodel.submissions import Status

PROPOSAL = Path("workbooks/examples/hampshire-2012/proposal-learning-and-development.xlsx")


def _edited(tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(PROPOSAL)
    sheet = book["Saving lines"]
    header = [c.value for c in sheet[4]]
    edit(sheet, header)
    path = tmp_path / PROPOSAL.name
    book.save(path)
    return path


def _id_cell(sheet, header, row):
    return sheet.cell(row, header.index("ID") + 1)


def test_the_example_proposal_carries_its_ids_in_the_id_column():
    read, record = read_submission(PROPOSAL)
    assert record.status == Status.ACCEPTED
    assert [x.line_id for x in read.saving_lines] == ["LD-S01", "LD-S02"]
    assert [x.line_id for x in read.one_off_costs] == ["LD-C01"]


def test_a_typed_id_is_kept_and_a_blank_one_is_given_from_the_row(tmp_path):
    def edit(sheet, header):
        _id_cell(sheet, header, 5).value = "HR/2012/7"
        _id_cell(sheet, header, 6).value = None

    read, record = read_submission(_edited(tmp_path, edit))
    assert record.status == Status.ACCEPTED, record.findings
    assert [x.line_id for x in read.saving_lines] == ["HR/2012/7", "LD-S02"]


def test_a_file_from_before_the_id_column_is_read_with_given_ids(tmp_path):
    def edit(sheet, header):
        col = header.index("ID") + 1
        for table in list(sheet.tables):  # the Excel table would name a column that is gone
            del sheet.tables[table]
        sheet.delete_cols(col)

    read, record = read_submission(_edited(tmp_path, edit))
    assert record.status == Status.ACCEPTED, record.findings
    assert [x.line_id for x in read.saving_lines] == ["LD-S01", "LD-S02"]
    assert [x.description for x in read.saving_lines][0].startswith("Shared IT systems")


def test_two_lines_with_one_id_reject_the_file_naming_the_second_row(tmp_path):
    def edit(sheet, header):
        _id_cell(sheet, header, 6).value = "ld-s01"

    read, record = read_submission(_edited(tmp_path, edit))
    assert read is None and record.status == Status.REJECTED
    found = [(f.code, f.where.sheet, f.where.cell) for f in record.findings if f.code == Code.LINE_ID_DUPLICATE]
    assert found == [(Code.LINE_ID_DUPLICATE, "Saving lines", "A6")]


def test_an_id_that_could_be_a_formula_or_holds_a_space_is_refused_at_its_cell(tmp_path):
    def edit(sheet, header):
        _id_cell(sheet, header, 5).value = "LD S01"

    read, record = read_submission(_edited(tmp_path, edit))
    assert read is None
    bad = [f for f in record.findings if f.code == Code.LINE_ID_BAD]
    assert [(f.where.sheet, f.value) for f in bad] == [("Saving lines", "LD S01")]
    assert bad[0].where.cell.endswith("5") and bad[0].where.cell != "A5"
