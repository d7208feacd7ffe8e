"""Broken and hostile submissions: each gets its own located rejection, and the batch goes on.

The corpus is built by tests/hostile_corpus.py from the real example returns.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from jwmodel.cli import main
from jwmodel.excel import intake
from jwmodel.excel.intake import extract_all
from tests.conftest import HAMPSHIRE_DIR
from tests.hostile_corpus import PROPOSAL, RETURN, Case, build

CORPUS_CASES: list[Case] = build(Path(os.environ.get("PYTEST_CORPUS", "/tmp")) / f"jwmodel-corpus-{os.getpid()}")
CORPUS = Path(os.environ.get("PYTEST_CORPUS", "/tmp")) / f"jwmodel-corpus-{os.getpid()}"
EXPECTED = {"recurring": {"low": -182, "high": -337}, "one_off": {"low": 96, "high": 124}}


def consolidate(folder: Path, out: Path) -> tuple[int, dict]:
    code = main(["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"])
    return code, json.loads((out / "s.json").read_text())


def variant_of(case: Case) -> Path | None:
    """The example file a still-readable case was made from (it replaces that file)."""
    if case.status == "rejected":
        return None
    return PROPOSAL if case.sheet in ("Saving lines",) else RETURN


@pytest.mark.parametrize("case", CORPUS_CASES, ids=lambda c: c.file)
def test_each_broken_file_gets_its_code_and_location_and_the_rest_is_consolidated(case, tmp_path, hampshire_folder):
    replaced = variant_of(case)
    if replaced is not None:
        (hampshire_folder / replaced.name).unlink()
    shutil.copy(CORPUS / case.file, hampshire_folder / case.file)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in hampshire_folder.iterdir()}
    code, doc = consolidate(hampshire_folder, tmp_path)
    source = next(s for s in doc["sources"] if s["file"] == case.file)
    assert source["status"] == case.status, source
    located = [f for f in doc["findings"] if f["file"] == case.file and f["code"] == case.code]
    assert located, (
        f"{case.file}: no {case.code} in "
        f"{[(f['code'], f['message']) for f in doc['findings'] if f['file'] == case.file]}"
    )
    assert (located[0]["sheet"], located[0]["cell"]) == (case.sheet, case.cell)
    assert len(located[0]["message"]) > 30 and " " in located[0]["message"]  # a sentence, not a bare code
    assert {s["file"] for s in doc["sources"]} == set(before) - {"programme.json"}  # every submission accounted for
    assert code == (2 if case.status in ("rejected", "used in part") else 0)  # an error finding is never success
    assert doc["totals"]["recurring"] == EXPECTED["recurring"] and doc["totals"]["one_off"] == EXPECTED["one_off"]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in hampshire_folder.iterdir()}
    assert after == before  # nothing submitted is modified


def test_hampshire_still_reproduces_exactly_beside_every_rejected_file(tmp_path, hampshire_folder):
    rejected = [c for c in CORPUS_CASES if c.status == "rejected"]
    for case in rejected:
        shutil.copy(CORPUS / case.file, hampshire_folder / case.file)
    code, doc = consolidate(hampshire_folder, tmp_path)
    assert code == 2
    assert doc["totals"]["recurring"] == EXPECTED["recurring"]
    assert doc["totals"]["cashable"] == {"low": -69, "high": -187} and doc["totals"]["one_off"] == EXPECTED["one_off"]
    statuses = {s["file"]: s["status"] for s in doc["sources"]}
    assert len(statuses) == 10 + len(rejected)
    assert sum(1 for s in statuses.values() if s == "rejected") == len(rejected)
    assert sum(1 for s in statuses.values() if s == "accepted") == 8  # HFRS and HCC: their stated totals
    assert sum(1 for s in statuses.values() if s == "accepted with warnings") == 2


def test_folder_oddities_are_listed_never_opened(tmp_path, hampshire_folder):
    folder = hampshire_folder
    os.mkfifo(folder / "pipe.xlsx")  # opening this for reading would block forever
    os.symlink(HAMPSHIRE_DIR / "return-HC.xlsx", folder / "link.xlsx")
    (folder / "subfolder").mkdir()
    (folder / "~$turn-HCC.xlsx").write_bytes(b"lock")
    (folder / ".~lock.return-HFRS.xlsx#").write_text("lock")
    (folder / "~WRL0003.tmp").write_bytes(b"tmp")
    (folder / "download.xlsx.part").write_bytes(b"part")
    (folder / "notes.txt").write_text("hello")
    shutil.copy(folder / "return-HC.xlsx", folder / "copy of return-HC.xlsx")
    started = time.monotonic()
    code, doc = consolidate(folder, tmp_path)
    assert time.monotonic() - started < 60
    sources = {s["file"]: s for s in doc["sources"]}
    assert set(sources) == set(os.listdir(folder)) - {"programme.json"}  # the programme's, not a submission
    assert sources["pipe.xlsx"]["status"] == "skipped" and "pipe" in sources["pipe.xlsx"]["taken"]
    assert sources["link.xlsx"]["status"] == "skipped" and "link" in sources["link.xlsx"]["taken"]
    assert sources["subfolder"]["status"] == "skipped"
    assert "return-HCC.xlsx may still be open" in sources["~$turn-HCC.xlsx"]["taken"]
    assert "return-HFRS.xlsx may still be open" in sources[".~lock.return-HFRS.xlsx#"]["taken"]
    assert sources["~WRL0003.tmp"]["status"] == "skipped" and sources["download.xlsx.part"]["status"] == "skipped"
    copies = [sources["copy of return-HC.xlsx"], sources["return-HC.xlsx"]]
    assert sorted(s["status"] for s in copies) == ["accepted", "skipped"]
    assert "identical to" in next(s for s in copies if s["status"] == "skipped")["taken"]
    assert code == 0 and doc["totals"]["recurring"] == EXPECTED["recurring"]


def _resubmit(folder: Path, number: str, date: str, drop_last: bool) -> None:
    import dataclasses

    from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
    from jwmodel.excel.templates import write_partner_return

    hfrs = hampshire_submissions()[0][1]
    cover = dataclasses.replace(hfrs.cover, submission_version=number, submitted=date)
    changed = dataclasses.replace(hfrs, cover=cover, baseline=hfrs.baseline[:-1] if drop_last else hfrs.baseline)
    write_partner_return(folder / "aaa-hfrs-resubmission.xlsx", HAMPSHIRE_SETUP, changed)


def test_a_resubmission_with_a_later_number_supersedes_the_earlier_return(tmp_path, hampshire_folder):
    _resubmit(hampshire_folder, "2", "2012-04-10", drop_last=True)  # named to sort first: names never decide
    code, doc = consolidate(hampshire_folder, tmp_path)
    statuses = {s["file"]: s["status"] for s in doc["sources"]}
    assert statuses["return-HFRS.xlsx"] == "superseded"
    assert statuses["aaa-hfrs-resubmission.xlsx"] == "accepted with warnings"  # its stated totals, as published
    hfrs = next(b for b in doc["baseline"] if b["partner"] == "HFRS")
    assert hfrs["net"] == 3216 - 21  # the resubmission dropped Legal Services
    # ... so Legal's share-of-baseline split has no HFRS baseline: NOT_APPORTIONED errors, not success
    assert code == 2 and statuses["proposal-legal-services.xlsx"] == "used in part"


def test_an_older_resubmission_never_wins_because_of_its_name(tmp_path, hampshire_folder):
    _resubmit(hampshire_folder, "0", "2012-03-01", drop_last=True)
    _, doc = consolidate(hampshire_folder, tmp_path)
    statuses = {s["file"]: s["status"] for s in doc["sources"]}
    assert statuses["aaa-hfrs-resubmission.xlsx"] == "superseded"
    assert statuses["return-HFRS.xlsx"] == "accepted with warnings"  # its stated totals, as published


def test_receipts_list_each_files_issues_by_cell(tmp_path, hampshire_folder):
    import python_calamine

    shutil.copy(CORPUS / "formula-error.xlsx", hampshire_folder / "formula-error.xlsx")
    receipts = tmp_path / "receipts"
    assert (
        main(["consolidate", str(hampshire_folder), "-o", str(tmp_path / "c.xlsx"), "--receipts", str(receipts), "-q"])
        == 2
    )
    assert len(list(receipts.glob("*.xlsx"))) == 11
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(next(receipts.glob("receipt-formula-error-*.xlsx"))))
        .get_sheet_by_index(0)
        .to_python()
    )
    issue = next(r for r in rows if r and r[1] == "FORMULA_ERROR")
    assert issue[2:5] == ["formula-error.xlsx", "Baseline", "D6"] and issue[6] == "#REF!"


def test_check_reports_every_problem_in_a_file_not_just_the_first(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.load_workbook(RETURN)
    wb["Baseline"]["D6"] = "n/a"
    wb["Baseline"]["E8"] = -1
    wb["Cover"]["B5"] = "XX"
    wb.save(tmp_path / "many.xlsx")
    assert main(["check", str(tmp_path / "many.xlsx")]) == 2
    out = capsys.readouterr().out
    for text in ("'Baseline'!D6", "'Baseline'!E8", "'Cover'!B5", "NOT_A_NUMBER", "NEGATIVE", "PARTNER_UNKNOWN"):
        assert text in out


def test_a_reader_that_crashes_or_hangs_rejects_only_that_file(tmp_path, monkeypatch):
    """Workers are forked, so a patched extract runs in them: one file kills its worker, one hangs."""
    real = intake.extract
    for name in ("a.xlsx", "crash.xlsx", "hang.xlsx", "z.xlsx"):
        shutil.copy(RETURN, tmp_path / name)

    def sabotaged(path, limits=None):
        if Path(path).name == "crash.xlsx":
            os._exit(3)
        if Path(path).name == "hang.xlsx":
            time.sleep(600)
        return real(path) if limits is None else real(path, limits)

    monkeypatch.setattr(intake, "extract", sabotaged)
    paths = sorted(tmp_path.glob("*.xlsx"))
    started = time.monotonic()
    results = extract_all(paths, workers=2, timeout=3)
    assert time.monotonic() - started < 30
    outcome = {r.file: (r.status, [f.code for f in r.findings]) for _, r in results}
    assert outcome["crash.xlsx"] == ("rejected", ["READER_CRASHED"])
    assert outcome["hang.xlsx"] == ("rejected", ["READER_TIMEOUT"])
    assert outcome["a.xlsx"][0] == outcome["z.xlsx"][0] == "accepted"
    assert all(len(r.sha256) == 64 for _, r in results)
