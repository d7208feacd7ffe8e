"""The consolidated workbook as a committee reads it: the Summary's figures, the one number style, n/a."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from jwmodel.cli import main
from jwmodel.excel import xlsx_cells
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
from jwmodel.excel.templates import write_workstream_proposal
from jwmodel.report_text import BEYOND_PLAN, NOT_APPLICABLE
from tests.conftest import HAMPSHIRE_DIR


def rows(path: Path, sheet: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def labelled(table: list[list[object]], label: str) -> list[object]:
    return next(r for r in table if r and r[0] == label)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("committee")
    assert (
        main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"]) == 0
    )
    return out / "c.xlsx", json.loads((out / "s.json").read_text(encoding="utf-8"))


def test_the_summary_opens_with_the_headline_figures_and_each_partners_share(written):
    book, doc = written
    summary = rows(book, "Summary")
    assert labelled(summary, "Recurring cost/(saving) a year")[1:3] == [-182, -337]  # Appendix A's total
    assert labelled(summary, "One-off costs of change")[1:3] == [96, 124]
    cases = doc["appraisal"]["cases"]
    npv = labelled(summary, "NPV over the plan (benefit positive)")[1:4]
    assert npv == pytest.approx([cases[c]["npv"] for c in ("prudent", "central", "optimistic")], abs=0.0005)
    payback = labelled(summary, "Payback (years)")[1:4]
    assert payback == pytest.approx(
        [cases[c]["payback_years"] for c in ("prudent", "central", "optimistic")], abs=0.005
    )
    for p in doc["by_partner"]:
        row = labelled(summary, p["partner"])
        assert row[1:5] == [p["recurring"]["low"], p["recurring"]["high"], p["one_off"]["low"], p["one_off"]["high"]]
    assert any("Files: 10 seen = 8 accepted + 2 accepted with warnings" in str(r[0]) for r in summary[:3])


def test_summary_sheets_show_whole_thousands_and_the_line_sheets_the_pound(written):
    book, _ = written
    wb = openpyxl.load_workbook(book)
    summary = wb["Summary"]
    total = next(r for r in summary.iter_rows() if r[0].value == "Total")  # Appendix A's Total row
    assert {c.number_format for c in total[1:9]} == {xlsx_cells.MONEY}
    savings = wb["Savings"]
    assert (
        savings.column_dimensions["D"].number_format
        if hasattr(savings.column_dimensions["D"], "number_format")
        else True
    )
    by_partner = wb["By partner"]
    shares = next(r for r in by_partner.iter_rows() if r[0].value == "Legal Services")
    assert shares[1].number_format == xlsx_cells.MONEY_EXACT
    assert wb["Apportionment"]["I4"].number_format == xlsx_cells.PERCENT
    assert wb.sheetnames[0] == "Summary" and wb.active.title == "Summary"
    for ws in wb.worksheets:  # every sheet prints landscape, fitted to the page width
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title


def test_payback_is_na_with_nothing_to_pay_back_and_says_when_it_is_beyond_the_plan(written):
    book, _ = written
    appraisal = rows(book, "Appraisal")
    by_service = {r[0]: r for r in appraisal if r and isinstance(r[0], str)}
    assert by_service["Transport & Fleet Management"][4] == NOT_APPLICABLE  # no flows at all
    assert by_service["Research & Analysis"][4] == BEYOND_PLAN  # its costs outrun its savings every year
    assert by_service["Legal Services"][4] == pytest.approx(1.6795, abs=1e-4)  # kept whole; shown 1.7


def test_a_saving_line_with_no_start_year_is_warned_about(tmp_path, hampshire_folder):
    _, proposals = hampshire_submissions()
    legal = next(p for p in proposals if p.service.name == "Legal Services")
    blank = dataclasses.replace(legal.saving_lines[0], profile=None)  # no start year, no ramp
    legal = dataclasses.replace(legal, saving_lines=(blank, legal.saving_lines[1]))
    write_workstream_proposal(hampshire_folder / "proposal-legal-services.xlsx", HAMPSHIRE_SETUP, legal)
    out = tmp_path / "out"
    assert (
        main(["consolidate", str(hampshire_folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"])
        == 0
    )
    doc = json.loads((out / "s.json").read_text(encoding="utf-8"))
    warned = [f for f in doc["findings"] if f["code"] == "START_YEAR_BLANK"]
    assert [(f["severity"], f["file"], f["sheet"], f["cell"]) for f in warned] == [
        ("warning", "proposal-legal-services.xlsx", "Saving lines", "A5")
    ]
    assert "2012/13" in warned[0]["message"]  # the year it is counted from
    assert doc["totals"]["recurring"] == {"low": -182, "high": -337}  # the figures themselves are unchanged
