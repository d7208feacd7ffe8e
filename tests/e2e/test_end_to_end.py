"""The Hampshire case end to end through real files: returns in, workbook and JSON out."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import python_calamine

from jwmodel.cli import main
from jwmodel.excel import schema as s
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
from jwmodel.excel.reading import read_submission
from jwmodel.excel.report import SHEETS
from jwmodel.excel.templates import write_workstream_proposal
from tests.conftest import HAMPSHIRE_DIR


def run(folder: Path, out: Path, *extra: str) -> tuple[int, dict]:
    code = main(
        [
            "consolidate",
            str(folder),
            "-o",
            str(out / "consolidated.xlsx"),
            "--json",
            str(out / "summary.json"),
            "-q",
            *extra,
        ]
    )
    return code, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def sheet(path: Path, name: str) -> list[list[object]]:
    return (
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)
    )


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_summary_json_reproduces_the_published_figures(tmp_path):
    code, doc = run(HAMPSHIRE_DIR, tmp_path)
    assert code == 0
    assert doc["units"] == "GBP thousands" and doc["sign"] == "cost positive, saving negative"
    assert doc["partners"] == ["HC", "HFRS", "HCC"]
    assert doc["totals"]["cashable"] == {"low": -69, "high": -187}
    assert doc["totals"]["procurement"] == {"low": -113, "high": -150}
    assert doc["totals"]["recurring"] == {"low": -182, "high": -337}
    assert doc["totals"]["one_off"] == {"low": 96, "high": 124}
    assert doc["totals"]["non_cashable"] == {"low": 0, "high": 0}
    estates = next(x for x in doc["by_service"] if x["service"] == "Estates & Property Services")
    assert estates["recurring"] == {"low": -169, "high": -225} and estates["one_off"] == {"low": 18, "high": 24}
    shares = {(a["service"], a["option"]): (a["in_use"], a["method"], a["shares"]) for a in doc["apportionment"]}
    assert shares[("Learning & Development", "HC, HFRS and HCC")] == (
        True,
        "fixed percentages",
        {"HC": 40, "HFRS": 15, "HCC": 45},
    )
    assert shares[("Learning & Development", "HC and HCC")] == (False, "share of baseline", {"HC": 47, "HCC": 53})
    assert shares[("Facilities Management", "HC, HFRS and HCC")][2] == {"HC": 27, "HFRS": 7, "HCC": 66}
    assert shares[("Legal Services", "HC, HFRS and HCC")][2] == {"HC": 9, "HFRS": 1, "HCC": 90}
    recurring = [p["recurring"] for p in doc["by_partner"]]
    assert round(sum(r["low"] for r in recurring), 3) == -182 and round(sum(r["high"] for r in recurring), 3) == -337
    assert {(f["code"], f["file"], f["sheet"], f["cell"]) for f in doc["findings"]} == {
        ("BASELINE_TOTAL_MISMATCH", "return-HFRS.xlsx", "Cover", "B12"),
        ("FTE_TOTAL_MISMATCH", "return-HFRS.xlsx", "Cover", "B13"),
        ("BASELINE_TOTAL_MISMATCH", "return-HCC.xlsx", "Cover", "B12"),
    }
    # the stated totals are checked when each return is read (jwmodel check reports them too): a warning
    warned = {"return-HFRS.xlsx", "return-HCC.xlsx"}
    assert len(doc["sources"]) == 10
    assert {x["file"]: x["status"] for x in doc["sources"]} == {
        x["file"]: "accepted with warnings" if x["file"] in warned else "accepted" for x in doc["sources"]
    }
    assert all(len(x["sha256"]) == 64 for x in doc["sources"])


def test_the_workbook_reads_back_without_calculation(tmp_path):
    run(HAMPSHIRE_DIR, tmp_path)
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "consolidated.xlsx"))
    assert book.sheet_names == list(SHEETS)
    summary = sheet(tmp_path / "consolidated.xlsx", "Summary")
    rows: dict[str, list[object]] = {}
    for r in summary:
        if r and isinstance(r[0], str):
            rows.setdefault(r[0], r[1:7])  # Appendix A comes first; the one-off table repeats the names
    assert rows["Legal Services"] == [-6, -9, 0, 0, -6, -9]  # the row total is a formula; its cached result is there
    totals = [r for r in summary if r and r[0] == "Total"]
    assert totals[0][1:7] == [-69, -187, -113, -150, -182, -337]
    assert totals[1][1:3] == [96, 124]
    baseline = sheet(tmp_path / "consolidated.xlsx", "Baseline")
    total_rows = {r[0]: r[1:7] for r in baseline if r and r[0] in ("Total of rows", "Stated total", "Stated less rows")}
    assert total_rows["Total of rows"] == [12531, 216.3, 3216, 54.7, 36657, 603.1]
    assert total_rows["Stated less rows"][2] == 4298 and total_rows["Stated less rows"][4] == 17090


def test_workbook_has_two_native_charts_and_every_formula_has_a_cached_result(tmp_path):
    run(HAMPSHIRE_DIR, tmp_path)
    with zipfile.ZipFile(tmp_path / "consolidated.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 2
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert xml.count("<f>") == xml.count("</f><v>"), f"{name} has a formula without a cached value"


def test_by_partner_sheet_shows_every_service_fully_allocated(tmp_path):
    run(HAMPSHIRE_DIR, tmp_path)
    rows = sheet(tmp_path / "consolidated.xlsx", "By partner")
    # two matrices (recurring, one-off): HC, HFRS, HCC, All partners, Service area total, Not allocated (low, high)
    groups = [i for i, r in enumerate(rows) if r[:2] == ["Service area", "HC"]]
    assert len(groups) == 2
    totals = []
    for first in groups:
        assert [v for v in rows[first] if v][1:] == [
            "HC",
            "HFRS",
            "HCC",
            "All partners",
            "Service area total",
            "Not allocated",
        ]
        body = rows[first + 2 : first + 2 + 8]  # 7 service areas and the Total row
        assert [r[0] for r in body][-1] == "Total"
        for r in body:
            assert r[11:13] == [0, 0], r  # not allocated: every line of every service area is split in full
            assert r[7:9] == r[9:11], r  # all partners = the service area's own total
        totals.append(body[-1][7:9])
    assert totals == [[-182, -337], [96, 124]]  # Appendix A's recurring and one-off totals


def test_every_line_is_listed_with_the_file_and_cell_it_came_from(tmp_path):
    run(HAMPSHIRE_DIR, tmp_path)
    listed = {}
    for name in ("Savings", "One-off costs"):
        rows = sheet(tmp_path / "consolidated.xlsx", name)
        header = next(i for i, r in enumerate(rows) if r[:2] == ["Service area", "Description"])
        listed[name] = [r for r in rows[header + 1 :] if r and r[0] and r[0] != "Total"]
    assert len(listed["Savings"]) == 11 and len(listed["One-off costs"]) == 6  # Hampshire's 17 lines
    legal = [r for r in listed["Savings"] if r[0] == "Legal Services"]
    assert [r[-1] for r in legal] == [
        "proposal-legal-services.xlsx: 'Saving lines'!A5",
        "proposal-legal-services.xlsx: 'Saving lines'!A6",
    ]
    one_off = sheet(tmp_path / "consolidated.xlsx", "One-off costs")
    assert [r for r in one_off if r and r[0] == "Total"][0][3:5] == [96, 124]


def test_partner_text_is_written_as_text_never_as_a_formula(tmp_path, hampshire_folder):
    returns, proposals = hampshire_submissions()
    legal = next(p for p in proposals if p.service.name == "Legal Services")
    import dataclasses

    hostile = dataclasses.replace(
        legal.saving_lines[0], description='=HYPERLINK("http://example.invalid","click")', note="+1+1"
    )
    legal = dataclasses.replace(legal, saving_lines=(hostile, legal.saving_lines[1]))
    write_workstream_proposal(hampshire_folder / "proposal-legal-services.xlsx", HAMPSHIRE_SETUP, legal)
    code, doc = run(hampshire_folder, tmp_path)
    assert code == 0 and doc["totals"]["recurring"] == {"low": -182, "high": -337}
    with zipfile.ZipFile(tmp_path / "consolidated.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "HYPERLINK" not in "".join(sheets)
    assert '<t>=HYPERLINK("http://example.invalid","click")</t>' in strings


def test_inputs_are_never_modified(tmp_path, hampshire_folder):
    before = checksums(hampshire_folder)
    run(hampshire_folder, tmp_path)
    assert checksums(hampshire_folder) == before


def test_the_same_inputs_give_the_same_figures_every_run(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, first = run(HAMPSHIRE_DIR, tmp_path / "a")
    _, second = run(HAMPSHIRE_DIR, tmp_path / "b")
    assert first == second
    for name in SHEETS:
        assert sheet(tmp_path / "a" / "consolidated.xlsx", name) == sheet(tmp_path / "b" / "consolidated.xlsx", name)


def test_option_flag_switches_learning_and_development_to_hc_and_hcc(tmp_path):
    code, doc = run(HAMPSHIRE_DIR, tmp_path, "--option", "Learning & Development=HC and HCC")
    assert code == 0
    ld = next(x for x in doc["by_service"] if x["service"] == "Learning & Development")
    assert ld["recurring"] == {"low": 8, "high": -15}
    assert doc["options_in_use"]["Learning & Development"] == "HC and HCC"
    hfrs = next(p for p in doc["by_partner"] if p["partner"] == "HFRS")
    ld_hfrs = next(x for x in hfrs["by_service"] if x["service"] == "Learning & Development")
    assert ld_hfrs == {
        "service": "Learning & Development",
        "recurring": {"low": 0, "high": 0},
        "one_off": {"low": 0, "high": 0},
    }


def test_a_bad_file_is_rejected_with_its_location_and_the_rest_is_consolidated(tmp_path, hampshire_folder):
    (hampshire_folder / "notes.xlsx").write_bytes(b"this is not a workbook")
    (hampshire_folder / "readme.txt").write_text("hello")
    returns, proposals = hampshire_submissions()

    from jwmodel.excel.templates import write_partner_return

    # A resubmitted HC return with a text figure: rejected, located to the cell.
    bad = write_partner_return(tmp_path / "return-HC-v2.xlsx", HAMPSHIRE_SETUP, returns[0])
    import openpyxl

    wb = openpyxl.load_workbook(bad)
    wb[s.BASELINE]["D6"] = "n/a"
    wb.save(hampshire_folder / "return-HC-v2.xlsx")
    code, doc = run(hampshire_folder, tmp_path)
    assert code == 2
    assert doc["totals"]["recurring"] == {"low": -182, "high": -337}
    status = {x["file"]: x["status"] for x in doc["sources"]}
    assert (
        status["notes.xlsx"] == "rejected"
        and status["readme.txt"] == "skipped"
        and status["return-HC-v2.xlsx"] == "rejected"
    )
    located = {(f["code"], f["file"], f["sheet"], f["cell"]) for f in doc["findings"]}
    assert ("NOT_A_NUMBER", "return-HC-v2.xlsx", "Baseline", "D6") in located
    assert ("NOT_A_WORKBOOK", "notes.xlsx", "", "") in located
    assert ("VALUE_MISSING", "return-HC-v2.xlsx", "Baseline", "D6") not in located  # one finding per problem
    assert len(doc["sources"]) == 13


def test_two_returns_for_one_partner_that_the_covers_cannot_order_are_both_held_back(tmp_path, hampshire_folder):
    returns, _ = hampshire_submissions()
    import dataclasses

    from jwmodel.excel.templates import write_partner_return

    changed = dataclasses.replace(returns[1], baseline=returns[1].baseline[:-1])  # same number and date on the cover
    write_partner_return(hampshire_folder / "hfrs-resubmitted.xlsx", HAMPSHIRE_SETUP, changed)
    code, doc = run(hampshire_folder, tmp_path)
    assert code == 2 and "HFRS" not in doc["partners"]
    assert sum(1 for f in doc["findings"] if f["code"] == "RESUBMISSION_UNDECIDED") == 2


def test_check_command_reports_a_good_return_and_a_bad_one(tmp_path, capsys):
    assert main(["check", str(HAMPSHIRE_DIR / "return-HC.xlsx")]) == 0
    assert "accepted" in capsys.readouterr().out
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04broken")
    assert main(["check", str(tmp_path / "x.xlsx")]) == 2
    assert "CORRUPT_ZIP" in capsys.readouterr().out


def test_nothing_usable_exits_1(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(b"")
    assert main(["consolidate", str(tmp_path / "in"), "-o", str(tmp_path / "o.xlsx"), "-q"]) == 1
    assert not (tmp_path / "o.xlsx").exists()


def test_reading_an_example_return_keeps_every_figure_and_its_cell():
    submission, record = read_submission(HAMPSHIRE_DIR / "return-HFRS.xlsx")
    assert record.status == "accepted with warnings" and record.kind == "partner return"
    assert [f.code for f in record.findings] == ["BASELINE_TOTAL_MISMATCH", "FTE_TOTAL_MISMATCH"]  # as published
    legal = next(e for e in submission.baseline if e.service == "Legal Services")
    assert (str(legal.net), str(legal.fte)) == ("21.000", "0")
    assert (legal.where.sheet, legal.where.cell) == ("Baseline", "A11")
    assert submission.control_total.where_net.cell == "B12"
