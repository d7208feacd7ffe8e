"""Versions of the business case: verify reproduces every figure, changes lists exactly what differs.

The expected differences are worked out here from the rules (fixed 40/15/45 for Learning &
Development with the fire service; a split by net baseline between HC and HCC without it), never
by calling the code under test.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

import jwmodel
from jwmodel.changes import ADDED, CHANGED, REMOVED
from jwmodel.cli import main
from jwmodel.codes import Code
from jwmodel.examples import hampshire_2012 as h

LD = "Learning & Development"
WITHOUT_FIRE = {LD: "HC and HCC"}


def _largest_remainder(amount: D, percents: dict[str, D]) -> dict[str, D]:
    """Split ``amount`` (£000s) by percentages to £1 (0.001), largest remainder: the rule, written out again."""
    exact = {p: amount * pc / 100 for p, pc in percents.items()}
    floor = {p: (v * 1000).to_integral_value(rounding="ROUND_FLOOR") / 1000 for p, v in exact.items()}
    left = int((amount - sum(floor.values())) * 1000)
    for p in sorted(exact, key=lambda q: exact[q] - floor[q], reverse=True)[:left]:
        floor[p] += D("0.001")
    return floor


def _baseline_percentages() -> dict[str, D]:
    """HC and HCC's whole percentages of Learning & Development's net baseline (largest remainder)."""
    net = {p: D(h.BASELINE[p][0][0]) for p in ("HC", "HCC")}  # L&D is the first service area
    total = sum(net.values())
    exact = {p: v * 100 / total for p, v in net.items()}
    whole = {p: D(int(v)) for p, v in exact.items()}
    for p in sorted(exact, key=lambda q: exact[q] - whole[q], reverse=True)[: 100 - int(sum(whole.values()))]:
        whole[p] += 1
    return whole


@pytest.fixture(scope="module")
def runs():
    run = jwmodel.consolidate_folder("workbooks/examples/hampshire-2012", workers=0)
    return run, run.with_options(WITHOUT_FIRE)


def test_changes_without_the_fire_service_in_learning_and_development_are_exactly_its_lines_and_shares(runs):
    with_fire, without = runs
    found = jwmodel.compare_versions(
        jwmodel.version_of(with_fire, "With HFRS", created="2012-03-01"),
        jwmodel.version_of(without, "Without HFRS", created="2012-04-01"),
    )
    fixed = {"HC": D(40), "HFRS": D(15), "HCC": D(45)}
    by_baseline = _baseline_percentages()
    assert by_baseline == {"HC": 47, "HCC": 53}  # 1452 / (1452 + 1637) = 47.005%
    lines = {x.line_id: x for x in found.lines}
    # only Learning & Development's two saving lines and its one-off cost differ; nothing is added or removed
    assert set(lines) == {"LD-S01", "LD-S02", "LD-C01"}
    assert {x.status for x in found.lines} == {CHANGED}
    assert not found.inputs and not found.findings
    # LD-S01 applies only if HFRS takes part: it stops counting and no partner has a share of it
    s01 = {f.field: (f.old, f.new) for f in lines["LD-S01"].fields}
    assert s01["counted"] == (True, False)
    for partner, percent in fixed.items():
        low, high = _largest_remainder(D(-16), fixed)[partner], _largest_remainder(D(-39), fixed)[partner]
        assert s01[f"share {partner} low"] == (low, None) and s01[f"share {partner} high"] == (high, None)
        assert s01[f"% {partner}"] == (percent, None)
    # LD-S02 (8 / (15)) and LD-C01 (25 / 32) are split by baseline between HC and HCC instead
    for line_id, (low, high) in {"LD-S02": (D(8), D(-15)), "LD-C01": (D(25), D(32))}.items():
        fields = {f.field: (f.old, f.new) for f in lines[line_id].fields}
        expected = {"basis"}
        for partner in fixed:
            old = {b: _largest_remainder(v, fixed)[partner] for b, v in (("low", low), ("high", high))}
            new = {b: _largest_remainder(v, by_baseline).get(partner) for b, v in (("low", low), ("high", high))}
            assert fields[f"% {partner}"] == (fixed[partner], by_baseline.get(partner))
            expected.add(f"% {partner}")
            for bound in ("low", "high"):
                if old[bound] != new[bound]:
                    assert fields[f"share {partner} {bound}"] == (old[bound], new[bound])
                    expected.add(f"share {partner} {bound}")
        assert set(fields) == expected, line_id  # the line's own figures, profile and row are unchanged
        where = {f.where.sheet for f in lines[line_id].fields}
        assert where == {"Options"}  # every change comes from the option in use, in the proposal's Options sheet
    # the totals move by LD-S01 alone: it no longer counts
    programme = {f.figure: f.difference for f in found.scope("programme")}
    assert programme == {"cashable.low": 16, "cashable.high": 39, "recurring.low": 16, "recurring.high": 39}
    assert {(f.key, f.figure) for f in found.scope("service")} == {(LD, k) for k in programme}
    # each partner moves by its new shares less its old ones, line by line
    partner_moves = {(f.key, f.figure): f.difference for f in found.scope("partner")}
    for partner in fixed:
        for bound, s01_v, s02_v, c01_v in (("low", -16, 8, 25), ("high", -39, -15, 32)):
            old_rec = _largest_remainder(D(s01_v), fixed)[partner] + _largest_remainder(D(s02_v), fixed)[partner]
            new_rec = _largest_remainder(D(s02_v), by_baseline).get(partner, D(0))
            old_one, new_one = (
                _largest_remainder(D(c01_v), fixed)[partner],
                _largest_remainder(D(c01_v), by_baseline).get(partner, D(0)),
            )
            assert partner_moves[(partner, f"recurring.{bound}")] == new_rec - old_rec
            assert partner_moves[(partner, f"one_off.{bound}")] == new_one - old_one
    assert len(partner_moves) == 3 * 4
    assert [m.figure for m in found.parameters] == ["options", "options_in_use"]


def test_jwmodel_changes_writes_the_workbook_and_json_from_two_version_files(runs, tmp_path):
    with_fire, without = runs
    old, new = tmp_path / "cabinet.json", tmp_path / "without.json"
    jwmodel.save_version(with_fire, old, "Cabinet April 2012", created="2012-04-24")
    jwmodel.save_version(without, new, "Without HFRS", created="2012-05-01")
    assert (
        main(["changes", str(old), str(new), "-o", str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "c.json")]) == 0
    )
    document = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [x["id"] for x in document["lines"]] == ["LD-S01", "LD-S02", "LD-C01"]
    assert document["totals"][0] == {
        "key": "",
        "figure": "cashable.low",
        "old": "-69",
        "new": "-53",
        "difference": "16",
    }
    book = CalamineWorkbook.from_path(str(tmp_path / "c.xlsx"))
    assert book.sheet_names == ["Read me", "Parameters", "Inputs", "Figures", "Lines", "Findings"]
    rows = book.get_sheet_by_name("Lines").to_python()
    header = rows[2]
    assert header[:6] == ["ID", "Status", "Service area", "Kind", "Description", "Field"]
    counted = [r for r in rows[3:] if r[0] == "LD-S01" and r[5] == "counted"]
    assert counted and counted[0][6:8] == [True, False]
    assert {r[0] for r in rows[3:]} == {"LD-S01", "LD-S02", "LD-C01"}
    lines = openpyxl.load_workbook(tmp_path / "c.xlsx")["Lines"]  # the shared page set-up: A4 landscape, titles
    assert lines.page_setup.orientation == "landscape" and lines.print_title_rows == "$1:$3"
    assert "Cabinet April 2012 to Without HFRS" in lines.oddHeader.left.text


def test_a_line_dropped_between_versions_is_removed_and_its_id_vanishing_is_a_finding(runs):
    with_fire, _ = runs
    old = jwmodel.version_of(with_fire, "A", created="2012-01-01")
    programme = with_fire.programme
    dropped = programme.saving_lines[3]  # EPS-S01
    fewer = type(programme)(
        **{
            **{f: getattr(programme, f) for f in programme.__dataclass_fields__},
            "saving_lines": tuple(x for x in programme.saving_lines if x is not dropped),
        }
    )
    from jwmodel.service import _consolidated

    run = _consolidated(with_fire.folder, fewer, with_fire.read_sources, with_fire.financial_year, {}, None, {})
    found = jwmodel.compare_versions(old, jwmodel.version_of(run, "B", created="2012-02-01"))
    removed = [x for x in found.lines if x.status == REMOVED]
    assert [x.line_id for x in removed] == ["EPS-S01"]
    assert [x.line_id for x in found.lines if x.status == ADDED] == []
    assert [(f.code, f.value, f.where.cell) for f in found.findings] == [
        (Code.LINE_ID_VANISHED, "EPS-S01", dropped.where.cell)
    ]
    assert {(f.field, f.old, f.new) for f in removed[0].fields} == {("low", D(-56), None), ("high", D(-75), None)}


def test_verify_reproduces_every_figure_then_names_the_file_and_figures_an_input_cell_moved(tmp_path, capsys):
    folder = tmp_path / "returns"
    shutil.copytree(Path("workbooks/examples/hampshire-2012"), folder)
    version = tmp_path / "cabinet.json"
    code = main(
        [
            "consolidate",
            str(folder),
            "-o",
            str(tmp_path / "c.xlsx"),
            "--workers",
            "0",
            "-q",
            "--save-version",
            str(version),
            "--version-name",
            "Cabinet April 2012",
        ]
    )
    assert code == 0
    saved = json.loads(version.read_text(encoding="utf-8"))
    assert saved["name"] == "Cabinet April 2012" and len(saved["inputs"]) == 11
    assert main(["verify", str(version), str(folder), "--workers", "0"]) == 0
    assert "Every figure reproduces" in capsys.readouterr().out

    # LD-S02's low (8: an additional cost in the prudent case) becomes 10 in its proposal
    proposal = folder / "proposal-learning-and-development.xlsx"
    book = openpyxl.load_workbook(proposal)
    sheet = book["Saving lines"]
    header = [c.value for c in sheet[4]]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, header.index("ID") + 1).value == "LD-S02")
    assert sheet.cell(row, header.index("Low (£000s)") + 1).value == 8
    sheet.cell(row, header.index("Low (£000s)") + 1).value = 10
    book.save(proposal)

    result = jwmodel.verify_version(version, folder, workers=0)
    assert not result.ok
    assert result.changed == ("proposal-learning-and-development.xlsx",) and not result.missing and not result.added
    moved = {m.figure: (m.old, m.new) for m in result.moved}
    # +2 on LD-S02's low: the line, Learning & Development's and the programme's cashable and recurring
    # lows, each partner's share of it (40 / 15 / 45 of 2 = 0.8 / 0.3 / 0.9) and the central-case appraisal
    assert moved["lines[LD-S02].low"] == (8, 10)
    assert moved["totals.cashable.low"] == (-69, -67) and moved["totals.recurring.low"] == (-182, -180)
    assert moved["by_service[Learning & Development].cashable.low"] == (-8, -6)
    assert moved["lines[LD-S02].shares.HFRS.low"] == (1.2, 1.5)
    assert moved["by_partner[HC].recurring.low"] == (-129.04, -128.24)
    assert not [m for m in moved if ".high" in m and "appraisal" not in m]
    assert not [m for m in moved if m.startswith("lines[") and "LD-S02" not in m]

    assert main(["verify", str(version), str(folder), "--workers", "0"]) == 1
    out = capsys.readouterr().out
    assert "changed since the version (SHA-256 differs): proposal-learning-and-development.xlsx" in out
    assert "totals.cashable.low: -69 in the version, -67 now" in out


def test_verify_names_a_file_gone_from_the_folder_and_what_it_took_with_it(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(Path("workbooks/examples/hampshire-2012"), folder)
    run = jwmodel.consolidate_folder(folder, workers=0)
    version = jwmodel.version_of(run, "Cabinet April 2012", created="2012-04-24")
    (folder / "proposal-legal-services.xlsx").unlink()
    result = jwmodel.verify_version(version, folder, workers=0)
    assert result.missing == ("proposal-legal-services.xlsx",) and not result.changed and not result.added
    moved = {m.figure: (m.old, m.new) for m in result.moved}
    assert moved["lines[LS-S01].low"] == (-8, None)  # its lines are gone with it
    assert moved["by_service[Legal Services].cashable.low"] == (-8 + 2, None)  # LS-S01 (8) and LS-S02 2 (a cost)


def test_text_a_partner_typed_is_written_to_the_changes_workbook_as_text(runs, tmp_path):
    with_fire, _ = runs
    programme = with_fire.programme
    hostile = '=HYPERLINK("http://example.invalid","click")'
    lines = tuple(replace(x, description=hostile) if x.line_id == "LS-S01" else x for x in programme.saving_lines)
    from jwmodel.service import _consolidated

    run = _consolidated(
        with_fire.folder,
        replace(programme, saving_lines=lines),
        with_fire.read_sources,
        with_fire.financial_year,
        {},
        None,
        {},
    )
    found = jwmodel.compare_versions(jwmodel.version_of(with_fire, "A"), jwmodel.version_of(run, "B"))
    assert [(x.line_id, [f.field for f in x.fields]) for x in found.lines] == [("LS-S01", ["description"])]
    (path,) = jwmodel.write_changes(found, workbook=tmp_path / "c.xlsx")
    cells = [c for row in openpyxl.load_workbook(path)["Lines"].iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, never a formula
