"""The committed templates and example returns are what the code generates, and are usable."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from jwmodel.excel import schema as s
from jwmodel.excel.build_workbooks import build
from tests.conftest import WORKBOOKS
from tests.workbook_meaning import differences, meaning


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("workbooks")
    return root, build(root)


def test_regenerating_gives_the_committed_workbooks_by_meaning(regenerated):
    """Cells, formulas, cached values, validations, tables and names: not bytes, so an XlsxWriter
    upgrade that lays out the XML differently does not break it."""
    root, written = regenerated
    assert len(written) == 76  # 3 templates, 10 Hampshire and 8 East Herts submissions, 2 programme definitions;
    # the monitoring example: its business case (10 submissions, programme.json), version, programme.json, 36 returns;
    # the East Herts true-up example: its version, programme.json and 2 year-end returns with actual drivers
    for path in [*written, root / "joint_working_model.xlsx"]:
        committed = WORKBOOKS / path.relative_to(root)
        assert committed.exists(), f"{committed} is not committed: run `make workbooks`"
        if path.suffix == ".json":  # the examples' programme definitions, as text
            assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), committed
            continue
        ours, theirs = meaning(path), meaning(committed)
        assert ours == theirs, f"{committed} differs from what the code generates (run `make workbooks`): " + "; ".join(
            differences(ours, theirs)[:5]
        )


def test_the_comparison_by_meaning_sees_a_changed_cell_a_validation_and_a_table(tmp_path):
    import shutil

    committed = WORKBOOKS / "workstream_proposal.xlsx"
    for change in ("cell", "validation", "table"):
        copy = tmp_path / f"{change}.xlsx"
        shutil.copy(committed, copy)
        wb = openpyxl.load_workbook(copy)
        ws = wb[s.SAVINGS]
        if change == "cell":
            ws["A1"] = "Saving lines, renamed"
        elif change == "validation":
            ws.data_validations.dataValidation[0].formula1 = "PartnerCodes"
        else:
            ws.tables["SavingLinesTable"].ref = "A4:J40"
        wb.save(copy)
        assert differences(meaning(copy), meaning(committed)), change
    assert meaning(committed) == meaning(committed)


@pytest.mark.parametrize(
    ("name", "sheets", "tables"),
    [
        (
            "partner_return.xlsx",
            [s.INSTRUCTIONS, s.COVER, s.BASELINE, s.TARGETS, s.RECHARGES, s.LISTS],
            {s.BASELINE: "BaselineTable", s.TARGETS: "TargetsTable", s.RECHARGES: "RechargesTable"},
        ),
        (
            "workstream_proposal.xlsx",
            [s.INSTRUCTIONS, s.COVER, s.OPTIONS, s.DRIVERS, s.SAVINGS, s.ONE_OFF, s.LISTS],
            {
                s.OPTIONS: "OptionsTable",
                s.DRIVERS: "DriversTable",
                s.SAVINGS: "SavingLinesTable",
                s.ONE_OFF: "OneOffCostsTable",
            },
        ),
    ],
)
def test_templates_have_cover_tables_dropdowns_and_protection(name, sheets, tables):
    wb = openpyxl.load_workbook(WORKBOOKS / name)
    assert wb.sheetnames == sheets
    cover = wb[s.COVER]
    labels = {cover.cell(r, 1).value: cover.cell(r, 2) for r in range(1, cover.max_row + 1)}
    assert labels["Template"].value in (s.PARTNER_RETURN, s.WORKSTREAM_PROPOSAL)
    assert labels["Template version"].value == s.VERSION
    assert labels["Template"].protection.locked and not labels["Contact name"].protection.locked
    for sheet in sheets:
        assert wb[sheet].protection.sheet, f"{sheet} is not protected"
    for sheet, table in tables.items():
        ws = wb[sheet]
        assert list(ws.tables) == [table]
        first_data = s.HEADER_ROW + 2
        assert not ws.cell(first_data, 1).protection.locked, f"{sheet} input cells must be unlocked"
        assert ws.cell(1, 1).protection.locked
    sources = {dv.formula1 for ws in wb for dv in ws.data_validations.dataValidation}
    expected = (
        {"PartnerCodes", "YesNo", "Methods", "Categories", "OneOffTypes"}
        if "proposal" in name
        else {"PartnerCodes", "ServiceAreas"}
    )
    if "proposal" in name:
        expected.add("ServiceAreas")
    assert expected <= sources
    assert {"HC", "HFRS", "HCC"} == {c.value for c in wb[s.LISTS]["A"][1:] if c.value}


def test_category_dropdown_offers_every_category():
    wb = openpyxl.load_workbook(WORKBOOKS / "workstream_proposal.xlsx")
    listed = [c.value for c in wb[s.LISTS]["D"][1:] if c.value]
    assert listed == ["cashable staffing", "cashable non-staff", "procurement", "additional cost", "non-cashable"]


def test_templates_command_writes_templates_for_another_programme(tmp_path):
    from jwmodel.cli import main

    assert (
        main(
            [
                "templates",
                str(tmp_path),
                "--partner",
                "EHC=East Herts Council",
                "--partner",
                "SBC=Stevenage Borough Council",
                "--service",
                "ICT",
                "--service",
                "Human Resources",
                "--year",
                "2011/12",
            ]
        )
        == 0
    )
    wb = openpyxl.load_workbook(tmp_path / "return-SBC.xlsx")
    assert [c.value for c in wb[s.LISTS]["A"][1:] if c.value] == ["EHC", "SBC"]
    assert [c.value for c in wb[s.BASELINE]["A"][s.HEADER_ROW + 1 :] if c.value] == ["ICT", "Human Resources"]
    proposal = openpyxl.load_workbook(tmp_path / "proposal-human-resources.xlsx")
    headers = [c.value for c in proposal[s.OPTIONS][s.HEADER_ROW + 1] if c.value]
    assert "% EHC" in headers and "% SBC" in headers and "% HC" not in headers
