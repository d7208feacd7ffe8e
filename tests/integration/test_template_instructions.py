"""Each template's Instructions sheet names the sheets and columns issue 12 added, in the docs' words
(docs/templates.md), so a partner reading it finds what the cells ask for."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

WORKBOOKS = Path(__file__).resolve().parents[2] / "workbooks"


def _instructions(name: str) -> str:
    ws = openpyxl.load_workbook(WORKBOOKS / name, read_only=True)["Instructions"]
    return "\n".join(str(row[0]) for row in ws.iter_rows(values_only=True) if row and row[0])


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("partner_return.xlsx", ("Targets (optional)", "Recharges (optional)", "pays or receives", "to £1")),
        ("workstream_proposal.xlsx", ("From year and Before then", "'Applies if'", "'Own split'", "(FTE)")),
        ("monitoring_return.xlsx", ("Actual drivers (optional", "'baseline net'", "'baseline FTE'")),
    ],
)
def test_the_instructions_name_the_optional_sheets_and_columns(template, named):
    text = _instructions(template)
    assert [n for n in named if n not in text] == []


def test_the_sheets_and_columns_the_instructions_name_are_in_the_templates():
    partner = openpyxl.load_workbook(WORKBOOKS / "partner_return.xlsx")
    assert {"Targets", "Recharges"} <= set(partner.sheetnames)
    assert "Actual drivers" in openpyxl.load_workbook(WORKBOOKS / "monitoring_return.xlsx").sheetnames
    proposal = openpyxl.load_workbook(WORKBOOKS / "workstream_proposal.xlsx")
    headers = {
        sheet: {c.value for row in proposal[sheet].iter_rows() for c in row if c.value}
        for sheet in ("Options", "Saving lines", "One-off costs")
    }
    assert {"From year", "Before then"} <= headers["Options"]
    assert {"Applies if", "Own split"} <= headers["Saving lines"] & headers["One-off costs"]
