"""The consolidated workbook as a committee reads it: the Summary's figures, the one number style, n/a."""

from __future__ import annotations

import dataclasses
import json
import re
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


def test_saving_lines_with_no_start_year_are_warned_about_once_a_service_area(tmp_path, hampshire_folder):
    _, proposals = hampshire_submissions()
    for name, file, blanked in (
        ("Legal Services", "proposal-legal-services.xlsx", 1),  # its second line is an additional cost
        ("Estates & Property Services", "proposal-estates-and-property-services.xlsx", 2),
    ):
        proposal = next(p for p in proposals if p.service.name == name)
        lines = [dataclasses.replace(x, profile=None) for x in proposal.saving_lines[:blanked]]
        proposal = dataclasses.replace(proposal, saving_lines=(*lines, *proposal.saving_lines[blanked:]))
        write_workstream_proposal(hampshire_folder / file, HAMPSHIRE_SETUP, proposal)
    out = tmp_path / "out"
    assert (
        main(["consolidate", str(hampshire_folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"])
        == 0
    )
    doc = json.loads((out / "s.json").read_text(encoding="utf-8"))
    warned = sorted((f for f in doc["findings"] if f["code"] == "START_YEAR_BLANK"), key=lambda f: f["file"])
    assert [(f["severity"], f["file"], f["sheet"], f["cell"]) for f in warned] == [
        ("warning", "proposal-estates-and-property-services.xlsx", "Saving lines", "A5"),
        ("warning", "proposal-legal-services.xlsx", "Saving lines", "A5"),
    ]
    assert "2 saving lines" in warned[0]["message"] and "2012/13" in warned[1]["message"]  # how many; from when
    assert doc["totals"]["recurring"] == {"low": -182, "high": -337}  # the figures themselves are unchanged


def test_compare_prints_every_figure_in_the_one_number_style(capsys):
    code = main(["compare", str(HAMPSHIRE_DIR), "--with", "Learning & Development=HC and HCC", "--workers", "0"])
    assert code == 0
    table = capsys.readouterr().out.split("central case", 1)[1]
    # HFRS leaves L&D: it no longer takes 15% of L&D's (8)/(54) recurring or 25/32 one-off:
    # +1.2 and +8.1 recurring, (3.75) and (4.8) one-off, shown whole with the falls in brackets
    assert re.search(r"HFRS\s+change\s+1\s+8\s+\(4\)\s+\(5\)\s+\(\d+\)\s+\d\.\d\s*$", table, re.MULTILINE), table
    assert "+" not in table and not re.search(r"\d\.\d\d", table)  # no signs, no second decimals
