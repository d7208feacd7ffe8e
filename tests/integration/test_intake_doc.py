"""docs/intake.md says what jwmodel says: each edge case's message, word for word, and the limits.

The two tables marked ``<!-- edge cases: ... -->`` and ``<!-- output cases: ... -->`` are read from
the document; each row's case is run here (files built by script from the Hampshire returns, faults
injected where a real one cannot be made on demand) and the row's message must be what jwmodel
produced, with ``…`` standing for the part that varies (an error, a path). A row with no case here,
or a case with no row, fails too, so the document and the code move together.
"""

from __future__ import annotations

import dataclasses
import errno
import inspect
import json
import re
import shutil
import signal
from decimal import Decimal
from pathlib import Path

import pytest

import jwmodel
from jwmodel.excel import atomic, intake, reading
from jwmodel.excel.files import display_name
from jwmodel.excel.guard import Limits
from jwmodel.excel.intake import MAX_FINDINGS_PER_FILE, cap_findings, drop_identical, extract, extract_all, scan_folder
from jwmodel.figures import MAX_FIGURE
from jwmodel.findings import Finding, Location, column_letter
from jwmodel.submissions import SUBMISSION_NUMBER_DIGITS
from tests.conftest import HAMPSHIRE_DIR, ROOT
from tests.integration.test_mutated_returns import run_main, write_mutant

DOC = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")


def table(marker: str) -> dict[str, list[str]]:
    """The rows of the table after ``marker``, keyed by their first cell."""
    lines = DOC.split(marker, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = {}
    for line in lines[start + 2 :]:  # after the heading and the |---| line
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows[cells[0]] = cells
    return rows


def said(documented: str, produced: list[str]) -> bool:
    """Whether one of ``produced`` is ``documented`` word for word, ``…`` standing for any text."""
    documented = documented.strip("`").replace("\\\\", "\\")
    pattern = re.compile(".+?".join(re.escape(part) for part in documented.split("…")), re.DOTALL)
    return any(pattern.fullmatch(text) for text in produced)


def messages(record) -> list[str]:
    return [f.message for f in record.findings]


def folder(tmp: Path, without: tuple[str, ...] = ()) -> Path:
    copy = tmp / "returns"
    shutil.copytree(HAMPSHIRE_DIR, copy, ignore=lambda _, names: [n for n in names if n in without])
    return copy


# --- the edge cases ---------------------------------------------------------------------------------


def gone(tmp, monkeypatch):
    returns = folder(tmp)
    candidates, _ = scan_folder(returns)
    (returns / "return-HCC.xlsx").unlink()  # between the listing and the reading
    (_, record) = next(x for x in extract_all(candidates, workers=1) if x[1].file == "return-HCC.xlsx")
    assert [(f.code, f.where) for f in record.findings] == [("FILE_GONE", Location("return-HCC.xlsx"))]
    return messages(record)


def cell(name: str, sheet: str, ref: str, typed: str, code: str):
    def case(tmp, monkeypatch):
        write_mutant(name, (("set", sheet, ref, typed),), tmp / name)
        _, record = extract(tmp / name)
        return [f.message for f in record.findings if (f.code, f.where.sheet, f.where.cell) == (code, sheet, ref)]

    return case


def failing_reader(tmp, monkeypatch):
    def fails(path, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(reading, "read_submission", fails)
    _, record = extract(HAMPSHIRE_DIR / "return-HC.xlsx")
    return messages(record)


def unpicklable_record(tmp, monkeypatch):
    real = reading.read_submission

    def odd(path, **kwargs):
        submission, record = real(path, **kwargs)
        strange = Finding("COVER_BLANK", "odd", Location(record.file), value=lambda: 0)  # cannot be pickled
        return submission, dataclasses.replace(record, findings=(strange,))

    monkeypatch.setattr(reading, "read_submission", odd)
    ((_, record),) = extract_all([HAMPSHIRE_DIR / "return-HC.xlsx"], workers=1)  # the forked worker is patched
    return messages(record)


def failing_parent(tmp, monkeypatch):
    def fails(self, submission, record):
        raise TypeError("a fault")

    monkeypatch.setattr(intake.Admission, "_admit", fails)
    ((_, record),) = drop_identical([extract(HAMPSHIRE_DIR / "return-HC.xlsx")])
    return messages(record)


def failing_resolution(tmp, monkeypatch):
    from jwmodel import submissions

    write_mutant("return-HC.xlsx", (("set", "Cover", "B11", 2),), tmp / "return-HC-2.xlsx")
    returns = [extract(p)[0] for p in (HAMPSHIRE_DIR / "return-HC.xlsx", tmp / "return-HC-2.xlsx")]

    def fails(group, what):
        raise KeyError("a fault")

    monkeypatch.setattr(submissions, "_latest", fails)
    outcomes = submissions.assemble(returns, []).outcomes
    assert {status for status, _ in outcomes.values()} == {"rejected"} and len(outcomes) == 2
    return [finding.message for _, finding in outcomes.values()]


def capped(tmp, monkeypatch):
    many = [Finding("NOT_A_NUMBER", f"row {r}", Location("r.xlsx", "Baseline", f"B{r}")) for r in range(1, 251)]
    return [f.message for f in cap_findings(many)[MAX_FINDINGS_PER_FILE:]]


def identical_copy(tmp, monkeypatch):
    shutil.copy(HAMPSHIRE_DIR / "return-HC.xlsx", tmp / "zz-copy.xlsx")
    (_, first), (_, copy) = drop_identical([extract(HAMPSHIRE_DIR / "return-HC.xlsx"), extract(tmp / "zz-copy.xlsx")])
    assert (first.status, copy.status) == ("accepted", "skipped")
    return [copy.taken]


def identical_empty_uploads(tmp, monkeypatch):
    for name in ("empty-from-HC.xlsx", "empty-from-HFRS.xlsx"):
        (tmp / name).write_bytes(b"")
    records = [
        r for _, r in drop_identical([extract(tmp / "empty-from-HC.xlsx"), extract(tmp / "empty-from-HFRS.xlsx")])
    ]
    assert [(r.file, r.status) for r in records] == [
        ("empty-from-HC.xlsx", "rejected"),
        ("empty-from-HFRS.xlsx", "rejected"),
    ]
    assert all(r.findings[0].where.file == r.file for r in records)  # each its own finding
    return [m for r in records for m in messages(r)]


def not_utf8(tmp, monkeypatch):
    return [display_name(bytes(tmp) + b"/bad-\xff\xfe-name.xlsx")]


def used_in_part(tmp, monkeypatch):
    run = jwmodel.consolidate_folder(folder(tmp, without=("return-HC.xlsx",)), workers=0, progress=False)
    legal = next(s for s in run.sources if s.file == "proposal-legal-services.xlsx")
    assert legal.status == "used in part"
    return [legal.taken]


def incomplete(tmp, monkeypatch):
    returns = folder(tmp)
    (returns / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    run = jwmodel.consolidate_folder(returns, workers=0, progress=False)
    return [run.summary()["incomplete"]["message"]]


EDGE_CASES = {
    "a file listed but gone before it could be read (a sync client renaming its download)": gone,
    "a submission number that is no whole number of up to 6 digits (²)": cell(
        "return-HC.xlsx", "Cover", "B11", "²", "SUBMISSION_NUMBER_INVALID"
    ),
    "a cover's financial year that is no financial year (2012-13)": cell(
        "return-HC.xlsx", "Cover", "B7", "2012-13", "BAD_YEAR"
    ),
    "a ramp in other scripts' digits (٥٠, ١٠٠)": cell(
        "proposal-legal-services.xlsx", "Saving lines", "H5", "٥٠, ١٠٠", "BAD_PERCENTAGES"
    ),
    "an unexpected error while reading the file (in the reader worker)": failing_reader,
    "an unexpected error sending what was read back from the worker": unpicklable_record,
    "an unexpected error in the main process as the file's record comes back": failing_parent,
    "an unexpected error deciding which of a partner's submissions is final": failing_resolution,
    "more than 200 findings in one file (here 250 figures that are not numbers)": capped,
    "a copy of a file that is used": identical_copy,
    "two identical empty uploads from different senders": identical_empty_uploads,
    "a file name that is not UTF-8 (the bytes ff and fe)": not_utf8,
    "a proposal naming a partner whose return is missing (return-HC.xlsx not sent)": used_in_part,
    "a run with a file rejected (a damaged broken.xlsx beside the Hampshire returns)": incomplete,
}
EDGE_ROWS = table("<!-- edge cases:")


def test_every_edge_case_in_the_document_is_run_here_and_every_one_run_here_is_in_it():
    assert sorted(EDGE_ROWS) == sorted(EDGE_CASES)


@pytest.mark.parametrize("case", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_each_edge_cases_message_is_what_jwmodel_says(case, tmp_path, monkeypatch):
    produced = EDGE_CASES[case](tmp_path, monkeypatch)
    assert produced and said(EDGE_ROWS[case][-1], produced), (EDGE_ROWS[case][-1], produced)


# --- the outputs refused ---------------------------------------------------------------------------------


def consolidate(*argv: str) -> tuple[int, list[str]]:
    status, _, err = run_main(["consolidate", *argv, "-q"])
    return status, err.splitlines()


def output_a_folder(tmp, monkeypatch):
    return consolidate(str(HAMPSHIRE_DIR), "-o", str(tmp))


def output_open(tmp, monkeypatch):
    (tmp / "out.xlsx").write_bytes(b"previous")
    (tmp / "~$out.xlsx").write_bytes(b"lock")
    return consolidate(str(HAMPSHIRE_DIR), "-o", str(tmp / "out.xlsx"))


def read_only(tmp, monkeypatch):
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)  # tests may run as root, who writes anyway
    return consolidate(str(HAMPSHIRE_DIR), "-o", str(tmp / "c.xlsx"))


def receipts_a_file(tmp, monkeypatch):
    (tmp / "receipts").write_text("a file", encoding="utf-8")
    return consolidate(str(HAMPSHIRE_DIR), "-o", str(tmp / "c.xlsx"), "--receipts", str(tmp / "receipts"))


def output_a_submission(tmp, monkeypatch):
    returns = folder(tmp)
    return consolidate(str(returns), "-o", str(returns / "return-HCC.xlsx"))


def disk_full(tmp, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    return consolidate(str(HAMPSHIRE_DIR), "-o", str(tmp / "c.xlsx"))


OUTPUT_CASES = {
    "`-o` naming a folder": output_a_folder,
    "an output open in Excel or LibreOffice (`~$out.xlsx` or `.~lock.out.xlsx#` beside it)": output_open,
    "an output in a read-only folder": read_only,
    "`--receipts` naming a file": receipts_a_file,
    "an output named as one of the submitted files": output_a_submission,
    "a disk that fills up while writing": disk_full,
}
OUTPUT_ROWS = table("<!-- output cases:")


def test_every_output_case_in_the_document_is_run_here_and_sigterm_is_143():
    # SIGTERM while writing is run for real in test_outputs_and_usage (a process stopped mid-write)
    (sigterm,) = set(OUTPUT_ROWS) - set(OUTPUT_CASES)
    assert sigterm == "SIGTERM while writing" and int(OUTPUT_ROWS[sigterm][1]) == 128 + signal.SIGTERM == 143


@pytest.mark.parametrize("case", OUTPUT_CASES, ids=range(len(OUTPUT_CASES)))
def test_each_refused_outputs_line_and_exit_status_are_what_jwmodel_gives(case, tmp_path, monkeypatch):
    status, lines = OUTPUT_CASES[case](tmp_path, monkeypatch)
    _, exit_status, documented = OUTPUT_ROWS[case]
    assert status == int(exit_status)
    assert len(lines) == 1 and said(documented, lines), (documented, lines)


# --- the limits --------------------------------------------------------------------------------------------


def test_the_limits_table_gives_the_limits_the_code_applies():
    limits = Limits()
    rows = table("## Limits")
    assert rows["file size"][1] == f"{limits.max_file_bytes // 1_000_000} MB"
    assert rows["inflated size"][1].startswith(
        f"{limits.max_part_bytes // 1_000_000} MB for any part, {limits.max_total_bytes // 1_000_000} MB for the whole"
    )
    assert rows["parts in the package"][1] == f"{limits.max_parts:,}"
    assert rows["cells"][1] == f"{limits.max_cells:,} in a sheet"
    assert (
        rows["where cells may be"][1]
        == f"rows 1 to {limits.max_row:,}, columns A to {column_letter(limits.max_col - 1)}"
    )
    assert rows["stated sheet size"][1] == f"{limits.max_area:,} cells"
    assert rows["distinct texts"][1].startswith(f"{limits.max_shared_strings:,} ")
    assert rows["one text"][1].startswith(f"{limits.max_text_chars:,} characters")
    assert rows["any figure"][1].startswith(f"at most {int(MAX_FIGURE):,} in size")
    assert MAX_FIGURE == Decimal(10) ** 12 and "(10^12 £000s" in rows["any figure"][1]
    assert rows["findings listed for one file"][1].startswith(f"{MAX_FINDINGS_PER_FILE}, then")
    timeout = inspect.signature(extract_all).parameters["timeout"].default
    assert rows["reading one file"][1] == f"{timeout:.0f} seconds"
    assert rows["submission number"][1] == f"a whole number of up to {SUBMISSION_NUMBER_DIGITS} digits"


def test_the_json_incomplete_key_holds_the_banner_the_document_shows(tmp_path):
    returns = folder(tmp_path)
    (returns / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    status, _ = consolidate(str(returns), "-o", str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "s.json"))
    assert status == 2  # the exit status for a run with a file rejected, as the exit status table says
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert doc["incomplete"] == {"rejected_files": 1, "errors": 1, "message": EDGE_ROWS[list(EDGE_CASES)[-1]][-1]}
