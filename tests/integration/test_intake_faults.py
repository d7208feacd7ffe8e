"""One bad file never stops the batch (issue 10): each case built by script from the Hampshire returns.

Every case runs the whole command (``jwmodel consolidate``) and checks that the batch finished
(exit status, workbook and JSON written), the bad file's status, code and location, and that the
other files' figures are as the example returns state them (summed here from their Baseline
sheets with openpyxl, not taken from jwmodel).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jwmodel.cli import main
from jwmodel.excel import intake, reading
from jwmodel.excel.files import FILE_GONE, display_name
from jwmodel.excel.intake import (
    MAX_FINDINGS_PER_FILE,
    cap_findings,
    extract,
    extract_all,
    findings_not_listed,
    scan_folder,
)
from jwmodel.findings import Finding, Location, Severity
from jwmodel.submissions import ProgrammeSetup, Status

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "examples" / "hampshire-2012"
RETURNS = {"HC": "return-HC.xlsx", "HCC": "return-HCC.xlsx", "HFRS": "return-HFRS.xlsx"}
CASHABLE = {"low": -69, "high": -187}  # Hampshire 2012, Appendix A: cashable savings (£000s)


def net_baseline(path: Path) -> Decimal:
    """A return's net baseline: its Baseline sheet's column D, summed here from the file."""
    ws = openpyxl.load_workbook(path, read_only=True)["Baseline"]
    return sum((Decimal(str(r[3])) for r in ws.iter_rows(min_row=5, values_only=True) if r[3] is not None), Decimal(0))


EXPECTED_NET = {code: net_baseline(EXAMPLE / name) for code, name in RETURNS.items()}


def example(tmp_path: Path, *, without: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    for f in sorted(EXAMPLE.glob("*.xlsx")):
        if f.name not in without:
            shutil.copy(f, folder / f.name)
    return folder


def edited(src: Path, dest: Path | bytes, change) -> None:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dest)  # openpyxl takes bytes paths too (a name that is not UTF-8)


def consolidate(folder: Path, out: Path, *extra: str) -> tuple[int, dict]:
    """Run the command; the workbook and the JSON must both be written."""
    code = main(["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q", *extra])
    assert (out / "c.xlsx").stat().st_size > 0
    return code, json.loads((out / "s.json").read_text(encoding="utf-8"))


def status(doc: dict) -> dict[str, str]:
    return {s["file"]: s["status"] for s in doc["sources"]}


def findings(doc: dict, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


def assert_other_figures(doc: dict, partners: tuple[str, ...] = ("HC", "HCC", "HFRS")) -> None:
    nets = {b["partner"]: Decimal(str(b["net"])) for b in doc["baseline"]}
    assert {p: nets[p] for p in partners} == {p: EXPECTED_NET[p] for p in partners}


# --- 1. the submission number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["²", "9" * 5000, "٣", "1e3", "-2", "2.5"],
    ids=["superscript", "5000-digits", "arabic-indic", "1e3", "negative", "fraction"],
)
def test_a_submission_number_that_is_no_number_is_a_located_warning_and_the_batch_goes_on(tmp_path, typed):
    folder = example(tmp_path)

    def resubmitted(wb):
        wb["Cover"]["B10"] = dt.datetime(2012, 4, 3)  # a day after the first return-HC.xlsx
        wb["Cover"]["B11"] = typed

    edited(EXAMPLE / "return-HC.xlsx", folder / "return-HC-resubmitted.xlsx", resubmitted)
    code, doc = consolidate(folder, tmp_path / "out")
    assert code == 0
    (warning,) = findings(doc, "SUBMISSION_NUMBER_INVALID")
    assert (warning["severity"], warning["file"], warning["sheet"], warning["cell"]) == (
        "warning",
        "return-HC-resubmitted.xlsx",
        "Cover",
        "B11",
    )
    assert len(warning["message"]) < 400
    # the number is not used, so the later date decides
    assert status(doc)["return-HC-resubmitted.xlsx"] == "accepted with warnings"
    assert status(doc)["return-HC.xlsx"] == "superseded"
    assert_other_figures(doc)
    assert doc["totals"]["cashable"] == CASHABLE


# --- 2. a file name that is not UTF-8 --------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_read_used_and_shown_with_escapes(tmp_path):
    folder = example(tmp_path, without=("return-HC.xlsx",))
    bad = os.fsencode(folder) + b"/bad-\xff\xfe-name.xlsx"
    shutil.copy(EXAMPLE / "return-HC.xlsx", bad)
    code, doc = consolidate(folder, tmp_path / "out", "--receipts", str(tmp_path / "receipts"))
    assert code == 0
    shown = "bad-\\xff\\xfe-name.xlsx"  # the undecodable bytes as escapes, readable and distinct
    assert status(doc)[shown] == "accepted"
    assert_other_figures(doc)
    sources = openpyxl.load_workbook(tmp_path / "out" / "c.xlsx", read_only=True)["Sources"]
    assert any(shown in str(v) for row in sources.iter_rows(values_only=True) for v in row)
    assert any(shown in p.name or "xff" in p.name for p in (tmp_path / "receipts").iterdir())


def test_a_display_name_is_always_text_and_escapes_what_could_rewrite_a_screen():
    assert display_name("return-HC.xlsx") == "return-HC.xlsx"
    assert display_name("Légal – returns.xlsx") == "Légal – returns.xlsx"
    assert display_name(b"/x/bad-\xff\xfe-name.xlsx") == "bad-\\xff\\xfe-name.xlsx"
    assert display_name(os.fsdecode(b"bad-\xff.xlsx")) == "bad-\\xff.xlsx"
    assert display_name("a\nb\x1b[2Jc.xlsx") == "a\\x0ab\\x1b[2Jc.xlsx"
    assert display_name("invoice\u202excod.xlsx") == "invoice\\u202excod.xlsx"
    assert display_name("lone-\ud800.xlsx").encode("utf-8")  # a lone surrogate from a Windows name
    assert display_name(b"bad-\xff.xlsx") != display_name(b"bad-\xfe.xlsx")


# --- 3. a file that vanishes -----------------------------------------------------------------------


class _Vanishing:
    """A directory entry whose file went away after the listing (a sync client renaming it)."""

    def __init__(self, entry: os.DirEntry[str]) -> None:
        self.name, self.path = entry.name, entry.path

    def is_symlink(self) -> bool:
        return False

    def stat(self, follow_symlinks: bool = True) -> os.stat_result:
        raise FileNotFoundError(2, "No such file or directory", self.path)


def vanishing(monkeypatch, *names: str) -> None:
    real = os.scandir

    def scandir(folder):
        return [(_Vanishing(e) if e.name in names else e) for e in real(folder)]

    monkeypatch.setattr(intake.os, "scandir", scandir)


def test_a_file_that_vanishes_between_listing_and_stat_is_accounted_for_and_the_batch_goes_on(tmp_path, monkeypatch):
    folder = example(tmp_path)
    shutil.copy(EXAMPLE / "return-HC.xlsx", folder / "late.xlsx")
    (folder / "return-HFRS.xlsx.part").write_bytes(b"partial download")
    vanishing(monkeypatch, "late.xlsx", "return-HFRS.xlsx.part")
    code, doc = consolidate(folder, tmp_path / "out")
    assert code == 2  # a workbook that was there is missing from the run: not a clean success
    assert status(doc)["late.xlsx"] == "rejected"
    (gone,) = findings(doc, "FILE_GONE")
    assert (gone["file"], gone["sheet"], gone["cell"]) == ("late.xlsx", "", "")
    assert gone["message"] == FILE_GONE
    assert status(doc)["return-HFRS.xlsx.part"] == "skipped"  # a temporary file would be skipped anyway
    assert_other_figures(doc)


def test_a_file_that_cannot_be_examined_is_rejected_with_the_reason(tmp_path, monkeypatch):
    folder = example(tmp_path)
    real = os.scandir

    class Unexaminable(_Vanishing):
        def is_symlink(self) -> bool:
            raise PermissionError(13, "Permission denied", self.path)

    monkeypatch.setattr(
        intake.os, "scandir", lambda f: [Unexaminable(e) if e.name == "return-HC.xlsx" else e for e in real(f)]
    )
    candidates, records = scan_folder(folder)
    (record,) = records
    assert (record.file, record.status, record.findings[0].code) == (
        "return-HC.xlsx",
        Status.REJECTED,
        "FILE_UNREADABLE",
    )
    assert "Permission denied" in record.findings[0].message
    assert len(candidates) == 9


@pytest.mark.parametrize("workers", [0, 1])
def test_a_file_gone_before_the_reader_opens_it_is_file_gone(tmp_path, workers):
    folder = example(tmp_path)
    candidates, _ = scan_folder(folder)
    (folder / "return-HCC.xlsx").unlink()
    results = {r.file: r for _, r in extract_all(candidates, workers=workers)}
    gone = results["return-HCC.xlsx"]
    assert (gone.status, [f.code for f in gone.findings], gone.findings[0].where) == (
        Status.REJECTED,
        ["FILE_GONE"],
        Location("return-HCC.xlsx"),
    )
    assert results["return-HC.xlsx"].status == Status.ACCEPTED


# --- 4. an unexpected error in one file's processing ----------------------------------------------


def _fault_for(file: str, real):
    def faulty(reader, *args, **kwargs):
        if reader.file == file:
            raise RuntimeError("injected fault")
        return real(reader, *args, **kwargs)

    return faulty


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_unexpected_error_reading_one_file_is_its_internal_error_and_the_batch_goes_on(
    tmp_path, monkeypatch, workers
):
    folder = example(tmp_path)
    # forked reader workers inherit the patched reader
    monkeypatch.setattr(reading, "_read_partner_return", _fault_for("return-HCC.xlsx", reading._read_partner_return))
    code, doc = consolidate(folder, tmp_path / "out", "--workers", workers)
    assert code == 2
    assert status(doc)["return-HCC.xlsx"] == "rejected"
    (error,) = findings(doc, "INTERNAL_ERROR")
    assert (error["severity"], error["file"]) == ("error", "return-HCC.xlsx")
    assert "RuntimeError: injected fault" in error["message"] and "please report this" in error["message"]
    assert_other_figures(doc, ("HC", "HFRS"))


def test_a_record_that_cannot_be_sent_back_from_a_worker_is_that_files_internal_error(tmp_path, monkeypatch):
    folder = example(tmp_path)
    real = reading.read_submission

    def unpicklable_for_hc(path, **kwargs):
        submission, record = real(path, **kwargs)
        if record.file == "return-HC.xlsx":
            odd = Finding("COVER_BLANK", "odd", Location(record.file), value=lambda: 0)
            record = dataclasses.replace(record, findings=(odd,))
        return submission, record

    monkeypatch.setattr(reading, "read_submission", unpicklable_for_hc)
    candidates, _ = scan_folder(folder)
    results = {r.file: (s, r) for s, r in extract_all(candidates, workers=1)}
    submission, record = results["return-HC.xlsx"]
    assert submission is None and record.status == Status.REJECTED
    (error,) = record.findings
    assert (error.code, error.where) == ("INTERNAL_ERROR", Location("return-HC.xlsx"))
    assert "sending what was read to the main process" in error.message
    assert results["return-HCC.xlsx"][1].status == Status.WARNINGS  # the same worker carried on
    assert len(results) == 10


def test_an_unexpected_error_in_the_parent_on_one_file_is_its_internal_error(tmp_path, monkeypatch):
    """A programme list that cannot be hashed (issue 9: frozen dataclasses holding lists) fails in the parent."""
    folder = example(tmp_path)
    real = reading._setup

    def unhashable_for_hfrs(reader):
        setup = real(reader)
        if reader.file == "return-HFRS.xlsx":
            return ProgrammeSetup(list(setup.partners), setup.services)  # type: ignore[arg-type]
        return setup

    monkeypatch.setattr(reading, "_setup", unhashable_for_hfrs)
    code, doc = consolidate(folder, tmp_path / "out", "--workers", "2")
    assert code == 2
    assert status(doc)["return-HFRS.xlsx"] == "rejected"
    (error,) = findings(doc, "INTERNAL_ERROR")
    assert error["file"] == "return-HFRS.xlsx"
    assert "TypeError" in error["message"] and "please report this" in error["message"]
    assert_other_figures(doc, ("HC", "HCC"))


def test_an_unexpected_error_resolving_one_partners_resubmissions_rejects_that_group_only(tmp_path, monkeypatch):
    from jwmodel import submissions

    folder = example(tmp_path)
    edited(EXAMPLE / "return-HC.xlsx", folder / "return-HC-2.xlsx", lambda wb: wb["Cover"].__setitem__("B11", 2))
    real = submissions._latest

    def faulty(group, what):
        if what == "partner HC":
            raise KeyError("injected")
        return real(group, what)

    monkeypatch.setattr(submissions, "_latest", faulty)
    code, doc = consolidate(folder, tmp_path / "out")
    assert code == 2
    assert status(doc)["return-HC.xlsx"] == status(doc)["return-HC-2.xlsx"] == "rejected"
    errors = findings(doc, "INTERNAL_ERROR")
    assert sorted(e["file"] for e in errors) == ["return-HC-2.xlsx", "return-HC.xlsx"]
    assert all("KeyError" in e["message"] and "partner HC" in e["message"] for e in errors)
    assert_other_figures(doc, ("HCC", "HFRS"))


# --- 6. findings capped per file -------------------------------------------------------------------

ROWS = 3_000  # rows of nonsense under the Baseline table of one return


def hostile(dest: Path, marker: int) -> None:
    def change(wb):
        ws = wb["Baseline"]
        for r in range(13, 13 + ROWS):
            ws.cell(r, 1, "Legal Services")
            for c, text in ((2, "n/a"), (3, "x"), (4, "?"), (5, "-")):
                ws.cell(r, c, text)  # four cells a row that are not numbers
        ws.cell(13 + ROWS, 1, f"file {marker}")  # each file different, so none is a copy of another

    edited(EXAMPLE / "return-HC.xlsx", dest, change)


def test_a_return_with_thousands_of_bad_cells_gives_at_most_200_findings_and_says_how_many_more(tmp_path):
    folder = example(tmp_path)
    for i in range(3):
        hostile(folder / f"hostile-{i}.xlsx", i)
    start = time.perf_counter()
    code, doc = consolidate(folder, tmp_path / "out", "--workers", "2")
    elapsed = time.perf_counter() - start
    assert code == 2
    assert elapsed < 60
    for i in range(3):
        file = f"hostile-{i}.xlsx"
        assert status(doc)[file] == "rejected"
        mine = [f for f in doc["findings"] if f["file"] == file]
        listed, more = mine[:MAX_FINDINGS_PER_FILE], mine[MAX_FINDINGS_PER_FILE:]
        not_numbers = [f for f in listed if f["code"] == "NOT_A_NUMBER"]
        (summary,) = [f for f in more if f["code"] == "NOT_A_NUMBER"]
        cut = 4 * ROWS - len(not_numbers)  # every one of the 4 x ROWS bad cells is a NOT_A_NUMBER
        assert f"and {cut:,} more like this" in summary["message"]
        assert (summary["severity"], summary["sheet"], summary["cell"]) == ("error", "Baseline", "")
        assert "only the first 200 are listed" in summary["message"]
        assert len(listed) == MAX_FINDINGS_PER_FILE
        assert max(Counter(f["code"] for f in more).values()) == 1  # beyond the first 200: one per code
    assert_other_figures(doc, ("HCC", "HFRS"))
    assert (tmp_path / "out" / "s.json").stat().st_size < 2_000_000


def test_capping_keeps_the_first_findings_and_counts_the_rest_per_code_with_its_severity():
    def f(code: str, severity: Severity, row: int, sheet: str = "Baseline") -> Finding:
        found = Finding(code, f"problem at row {row}", Location("r.xlsx", sheet, f"B{row}"))
        assert found.severity is severity  # the registry's, as the test names it
        return found

    many = [f("NOT_A_NUMBER", Severity.ERROR, r) for r in range(1, 251)]
    many += [f("ROUNDED_TO_POUND", Severity.WARNING, r, "Savings") for r in range(1, 31)]
    many += [f("BAD_TEXT", Severity.ERROR, 7, "Cover")]
    capped = cap_findings(many, 200)
    assert capped[:200] == tuple(many[:200])
    assert [(x.code, x.severity, x.value, x.where) for x in capped[200:]] == [
        ("NOT_A_NUMBER", Severity.ERROR, 50, Location("r.xlsx", "Baseline")),
        ("ROUNDED_TO_POUND", Severity.WARNING, 30, Location("r.xlsx", "Savings")),
        ("BAD_TEXT", Severity.ERROR, None, Location("r.xlsx", "Cover", "B7")),  # one alone is kept as it is
    ]
    assert "and 50 more like this ('Baseline'!B201 to 'Baseline'!B250)" in capped[200].message
    assert "this file has 281 findings" in capped[200].message
    assert findings_not_listed(capped) == 50 + 30
    assert findings_not_listed(many) == 0
    assert cap_findings(many[:200], 200) == tuple(many[:200])
    assert cap_findings(capped, 200) == capped  # capping twice (worker, then parent) changes nothing


def test_the_reader_caps_a_files_findings_even_alone(tmp_path):
    hostile(tmp_path / "hostile.xlsx", 0)
    _, record = extract(tmp_path / "hostile.xlsx")
    listed, more = record.findings[:MAX_FINDINGS_PER_FILE], record.findings[MAX_FINDINGS_PER_FILE:]
    assert len({x.code for x in more}) == len(more)  # at most one more per code
    (counted,) = [x for x in more if x.code == "NOT_A_NUMBER"]
    assert sum(x.code == "NOT_A_NUMBER" for x in listed) + counted.value == 4 * ROWS
    assert findings_not_listed(record.findings) == counted.value  # the only code with more than one past the cap


# --- 7. identical rejected uploads -----------------------------------------------------------------


def test_two_identical_empty_uploads_each_get_their_own_record_and_receipt(tmp_path):
    folder = example(tmp_path)
    (folder / "empty-from-HC.xlsx").write_bytes(b"")
    (folder / "empty-from-HFRS.xlsx").write_bytes(b"")
    (folder / "junk-a.xlsx").write_bytes(bytes(range(256)) * 4)
    (folder / "junk-b.xlsx").write_bytes(bytes(range(256)) * 4)
    shutil.copy(EXAMPLE / "return-HC.xlsx", folder / "zz-copy-of-HC.xlsx")  # identical accepted content
    receipts = tmp_path / "receipts"
    code, doc = consolidate(folder, tmp_path / "out", "--receipts", str(receipts))
    assert code == 2
    for file in ("empty-from-HC.xlsx", "empty-from-HFRS.xlsx", "junk-a.xlsx", "junk-b.xlsx"):
        assert status(doc)[file] == "rejected"
        assert [f["file"] for f in doc["findings"] if f["file"] == file]  # its own findings, under its own name
    assert [f["file"] for f in findings(doc, "EMPTY_FILE")] == ["empty-from-HC.xlsx", "empty-from-HFRS.xlsx"]
    assert status(doc)["zz-copy-of-HC.xlsx"] == "skipped"  # a copy of a used return is still read once
    source = next(s for s in doc["sources"] if s["file"] == "zz-copy-of-HC.xlsx")
    assert source["taken"].startswith("identical to return-HC.xlsx")
    names = sorted(p.name for p in receipts.iterdir())
    assert sum("empty-from-HC" in n for n in names) == sum("empty-from-HFRS" in n for n in names) == 1
    assert sum("junk-a" in n for n in names) == sum("junk-b" in n for n in names) == 1
    assert_other_figures(doc)
