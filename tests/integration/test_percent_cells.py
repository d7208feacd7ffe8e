"""Fixed percentages typed as people type them, read from workbooks written by openpyxl and XlsxWriter.

The L&D example proposal splits its default option 40/15/45 (HC/HFRS/HCC) in Options!H5:J5.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import openpyxl

from jwmodel.codes import Code
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP
from jwmodel.excel.reading import read_submission
from jwmodel.excel.templates import write_workstream_proposal
from jwmodel.submissions import Status

PROPOSAL = Path("workbooks/examples/hampshire-2012/proposal-learning-and-development.xlsx")
SPLIT = {"HC": D(40), "HFRS": D(15), "HCC": D(45)}


def _typed(tmp_path: Path, cells: dict[str, tuple[object, str]]) -> Path:
    """The example with the option's % cells holding (value, number format), saved by openpyxl."""
    book = openpyxl.load_workbook(PROPOSAL)
    sheet = book["Options"]
    assert [sheet[f"{c}4"].value for c in "HIJ"] == ["% HC", "% HFRS", "% HCC"]
    for ref, (value, number_format) in cells.items():
        sheet[ref].value = value
        sheet[ref].number_format = number_format
    path = tmp_path / PROPOSAL.name
    book.save(path)
    return path


def _split(path: Path):
    read, record = read_submission(path)
    return read, record, read.service.options[0].rule if read is not None else None


def test_text_with_a_sign_a_plain_number_and_a_fraction_in_a_percent_cell_all_read_as_percent(tmp_path):
    path = _typed(tmp_path, {"H5": ("40%", "@"), "I5": (15, "General"), "J5": (0.45, "0%")})
    read, record, rule = _split(path)
    assert record.status == Status.ACCEPTED, record.findings
    assert dict(rule.percentages) == SPLIT


def test_numbers_typed_into_percent_formatted_cells_read_as_shown(tmp_path):
    # Excel stores 40 typed into a cell formatted 0.00% as 0.4, shown 40.00%
    path = _typed(tmp_path, {"H5": (0.4, "0.00%"), "I5": (0.15, "0.00%"), "J5": (0.45, "0.0%")})
    read, record, rule = _split(path)
    assert record.status == Status.ACCEPTED, record.findings
    assert dict(rule.percentages) == SPLIT


def test_a_sum_not_100_is_located_to_the_options_percentage_cells(tmp_path):
    path = _typed(tmp_path, {"H5": (40, "General"), "I5": ("15%", "@"), "J5": (0.4, "0%")})  # 40 + 15 + 40 = 95
    _, record, _ = _split(path)
    assert record.status == Status.REJECTED
    wrong = [f for f in record.findings if f.code == Code.PERCENT_SUM]
    assert [(f.where.sheet, f.where.cell, f.value) for f in wrong] == [("Options", "H5:J5", "95")]
    assert "add up to 95, not 100" in wrong[0].message


def test_fractions_in_plain_cells_are_not_guessed_at_but_found(tmp_path):
    # 0.4 in a cell not formatted as a percentage is 0.4 percent: 0.4 + 0.15 + 0.45 = 1.00, refused, located
    path = _typed(tmp_path, {"H5": (0.4, "General"), "I5": (0.15, "General"), "J5": (0.45, "General")})
    _, record, _ = _split(path)
    wrong = [f for f in record.findings if f.code == Code.PERCENT_SUM]
    assert [(f.where.cell, D(f.value)) for f in wrong] == [("H5:J5", D(1))]


def test_the_template_writes_percent_cells_formatted_as_percent_and_reads_them_back(tmp_path):
    read, record = read_submission(PROPOSAL)
    assert record.status == Status.ACCEPTED, record.findings
    path = write_workstream_proposal(tmp_path / "proposal.xlsx", HAMPSHIRE_SETUP, read)  # written by XlsxWriter
    sheet = openpyxl.load_workbook(path)["Options"]
    assert [(sheet[f"{c}5"].value, sheet[f"{c}5"].number_format) for c in "HIJ"] == [
        (0.4, "0.00%"),
        (0.15, "0.00%"),
        (0.45, "0.00%"),
    ]
    again, record = read_submission(path)
    assert record.status == Status.ACCEPTED, record.findings
    assert dict(again.service.options[0].rule.percentages) == SPLIT


def test_a_blank_minimum_is_read_as_one_percent(tmp_path):
    book = openpyxl.load_workbook(PROPOSAL)
    book["Options"]["G6"].value = None  # the share-of-baseline option's Minimum %
    book.save(tmp_path / PROPOSAL.name)
    read, record = read_submission(tmp_path / PROPOSAL.name)
    assert record.status == Status.ACCEPTED, record.findings
    assert read.service.options[1].rule.minimum_percent == 1
