"""Promises kept at the edges (issue 10): no success over a dropped figure, usage errors before any
work, outputs written whole (workbook, then JSON, then receipts) or a one-line message, and one
receipt per submission. Every input is built here by script from the Hampshire example.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import python_calamine

from jwmodel.cli import main
from jwmodel.excel import atomic, receipts
from jwmodel.excel.build_workbooks import HAMPSHIRE_SETUP, hampshire_submissions
from jwmodel.excel.templates import write_workstream_proposal
from jwmodel.excel.xlsx_cells import CELL_LIMIT, fit_text
from jwmodel.model import Range
from tests.conftest import HAMPSHIRE_DIR

TOTALS = {"low": -182, "high": -337}


def reversed_range(folder: Path) -> None:
    """Legal Services' first line typed high-before-low: (20)/(11) for (8)/(11) -- a bigger low saving."""
    legal = next(p for p in hampshire_submissions()[1] if p.service.name == "Legal Services")
    first = dataclasses.replace(
        legal.saving_lines[0], estimate=Range(legal.saving_lines[0].estimate.high, legal.saving_lines[0].estimate.low)
    )
    legal = dataclasses.replace(legal, saving_lines=(first, *legal.saving_lines[1:]))
    write_workstream_proposal(folder / "proposal-legal-services.xlsx", HAMPSHIRE_SETUP, legal)


def consolidate(folder: Path, out: Path, *extra: str) -> int:
    return main(["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), *extra])


def cells(path: Path, sheet: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# A figure dropped is never success --------------------------------------------------------------


def test_a_proposal_whose_line_is_dropped_is_not_accepted_and_the_exit_status_says_so(
    tmp_path, hampshire_folder, capsys
):
    reversed_range(hampshire_folder)
    assert consolidate(hampshire_folder, tmp_path, "-q") == 2
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    legal = next(s for s in doc["sources"] if s["file"] == "proposal-legal-services.xlsx")
    assert legal["status"] in ("used in part", "rejected") and "accepted" not in legal["status"]
    assert any("RANGE_NOT_ORDERED" in r for r in legal["reasons"])
    # -q prints the errors (and nothing else): the file and the located finding
    out, err = capsys.readouterr()
    assert out == ""
    assert "proposal-legal-services.xlsx" in err and "RANGE_NOT_ORDERED" in err and "'Saving lines'!A5" in err
    # the whole proposal is refused (as `jwmodel check` refuses it before sending): Legal's recurring lines
    # are left out and every other file's figures are unchanged
    legal = next(p for p in hampshire_submissions()[1] if p.service.name == "Legal Services")
    counted = [x.estimate for x in legal.saving_lines if x.category.recurring]
    low, high = sum(r.low for r in counted), sum(r.high for r in counted)
    assert doc["totals"]["recurring"] == {"low": -182 - low, "high": -337 - high}


def test_an_incomplete_run_says_so_on_the_summary_the_read_me_and_in_the_json(tmp_path, hampshire_folder):
    reversed_range(hampshire_folder)
    (hampshire_folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert consolidate(hampshire_folder, tmp_path, "-q") == 2
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    errors = sum(1 for f in doc["findings"] if f["severity"] == "error")
    rejected = sum(1 for s in doc["sources"] if s["status"] == "rejected")
    assert rejected >= 1 and errors >= 2  # broken.xlsx, and the reversed range
    banner = f"INCOMPLETE: {rejected} file{'s' if rejected > 1 else ''} rejected, {errors} errors; see Findings"
    assert doc["incomplete"] == {"rejected_files": rejected, "errors": errors, "message": banner}
    book = tmp_path / "c.xlsx"
    assert [banner] in cells(book, "Read me")
    assert cells(book, "Summary")[3][0] == banner  # right under the title, above Appendix A


def test_a_complete_run_has_no_banner(tmp_path):
    assert consolidate(HAMPSHIRE_DIR, tmp_path, "-q") == 0
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert doc["incomplete"] is None
    assert not any("INCOMPLETE" in str(v) for row in cells(tmp_path / "c.xlsx", "Summary") for v in row)


# Usage errors before any work -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--option", "Learning & Development=No such option"], ["'HC, HFRS and HCC'", "'HC and HCC'"]),
        (["--option", "Learning and Development=HC and HCC"], ["'Learning & Development'", "'Legal Services'"]),
    ],
    ids=["unknown option", "unknown service"],
)
def test_an_option_or_service_that_does_not_exist_is_a_usage_error(tmp_path, capsys, argv, names):
    assert consolidate(HAMPSHIRE_DIR, tmp_path, "-q", *argv) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("jwmodel: ") and all(n in line for n in names)
    assert not (tmp_path / "c.xlsx").exists() and not (tmp_path / "s.json").exists()


def test_compare_with_an_option_no_service_has_is_a_usage_error(tmp_path, capsys):
    code = main(["compare", str(HAMPSHIRE_DIR), "--with", "*=NO SUCH", "--json", str(tmp_path / "c.json")])
    assert code == 1
    line = one_line(capsys.readouterr().err)
    assert "'NO SUCH'" in line and "'HC and HCC'" in line
    assert not (tmp_path / "c.json").exists()


def test_compare_with_a_real_option_prints_the_change(tmp_path, capsys):
    code = main(
        [
            "compare",
            str(HAMPSHIRE_DIR),
            "--with",
            "Learning & Development=HC and HCC",
            "--json",
            str(tmp_path / "c.json"),
        ]
    )
    assert code == 0
    doc = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [r["options_in_use"]["Learning & Development"] for r in doc["runs"]] == ["HC, HFRS and HCC", "HC and HCC"]
    assert doc["runs"][0]["totals"]["recurring"] == TOTALS


# Outputs that cannot be written: one line, exit 1, no traceback ----------------------------------


def test_output_naming_a_folder(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    assert main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "out"), "-q"]) == 1
    assert "is a folder" in one_line(capsys.readouterr().err)


def test_receipts_naming_a_file(tmp_path, capsys):
    (tmp_path / "receipts").write_text("a file", encoding="utf-8")
    code = main(
        [
            "consolidate",
            str(HAMPSHIRE_DIR),
            "-o",
            str(tmp_path / "c.xlsx"),
            "--receipts",
            str(tmp_path / "receipts"),
            "-q",
        ]
    )
    assert code == 1
    assert "is a file" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "c.xlsx").exists()  # refused before any work


@pytest.mark.parametrize("lock", ["~$out.xlsx", ".~lock.out.xlsx#"])
def test_an_output_open_in_excel_or_libreoffice(tmp_path, capsys, lock):
    (tmp_path / "out.xlsx").write_bytes(b"previous")
    (tmp_path / lock).write_bytes(b"lock")
    assert main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "out.xlsx"), "-q"]) == 1
    assert one_line(capsys.readouterr().err) == "jwmodel: out.xlsx is open in Excel; close it or choose another name"
    assert (tmp_path / "out.xlsx").read_bytes() == b"previous"


def test_a_read_only_output_folder(tmp_path, capsys, monkeypatch):
    # Tests may run as root, which writes through a chmod; the fault a read-only folder gives is injected.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    assert main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "c.xlsx"), "-q"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line == f"jwmodel: cannot write {tmp_path / 'c.xlsx'}: Permission denied"


def test_a_full_disk_leaves_the_previous_outputs_whole_and_no_temporary_file(tmp_path, capsys, monkeypatch):
    assert consolidate(HAMPSHIRE_DIR, tmp_path, "-q") == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    assert consolidate(HAMPSHIRE_DIR, tmp_path, "-q") == 1
    assert one_line(capsys.readouterr().err).endswith("c.xlsx: No space left on device")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing new, nothing half-written


def test_the_workbook_is_written_first_then_the_json_then_the_receipts(tmp_path, monkeypatch, capsys):
    def fail(folder, record):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(receipts, "write_receipt", fail)
    assert consolidate(HAMPSHIRE_DIR, tmp_path, "-q", "--receipts", str(tmp_path / "r")) == 1
    assert "No space left on device" in one_line(capsys.readouterr().err)
    assert (tmp_path / "c.xlsx").is_file() and (tmp_path / "s.json").is_file()  # written before the receipts


# Outputs beside the inputs, and receipts -------------------------------------------------------


def test_outputs_written_into_the_input_folder_are_skipped_on_the_next_run(tmp_path, hampshire_folder):
    out = hampshire_folder
    argv = ["consolidate", str(hampshire_folder), "-o", str(out / "consolidated.xlsx"), "--receipts", str(out), "-q"]
    assert main(argv) == 0
    assert main([*argv, "--json", str(tmp_path / "s.json")]) == 0  # not rejected: no exit 2
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    status = {s["file"]: (s["status"], s["taken"]) for s in doc["sources"]}
    outputs = ["consolidated.xlsx", *(n for n in status if n.startswith("receipt-"))]
    assert len(outputs) == 11  # the workbook and one receipt for each of the 10 submissions
    for name in outputs:
        assert status[name][0] == "skipped" and "output jwmodel wrote" in status[name][1], name
    assert doc["totals"]["recurring"] == TOTALS


def test_receipts_whose_names_collide_never_overwrite_each_other(tmp_path, hampshire_folder):
    long = "a" * 85
    copies = {
        "return HC.xlsx": "return-HC.xlsx",
        "return_HC.xlsx": "return-HFRS.xlsx",
        f"{long}-one.xlsx": "return-HCC.xlsx",
        f"{long}-two.xlsx": "proposal-legal-services.xlsx",
        "late.xlsx": "proposal-facilities-management.xlsx",
    }
    for name, source in copies.items():
        shutil.move(hampshire_folder / source, hampshire_folder / name)
    (hampshire_folder / "late.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old-format workbook")
    folder = tmp_path / "receipts"
    main(["consolidate", str(hampshire_folder), "-o", str(tmp_path / "c.xlsx"), "--receipts", str(folder), "-q"])
    submissions = sorted(p.name for p in hampshire_folder.iterdir() if p.name != "programme.json")
    written = sorted(folder.glob("*.xlsx"))
    assert len(written) == len(submissions) == 11
    named = sorted(cells(p, "Receipt")[2][1] for p in written)  # each receipt's File row
    assert named == submissions


def test_a_receipt_name_is_readable_and_distinct():
    from jwmodel.submissions import SourceRecord

    def name(file: str) -> str:
        return receipts.receipt_name(SourceRecord(file, "", "unknown", "rejected"))

    digest = hashlib.sha256(b"return HC.xlsx").hexdigest()[:10]
    assert name("return HC.xlsx") == f"receipt-return_HC-{digest}.xlsx"
    assert len({name("return HC.xlsx"), name("return_HC.xlsx"), name("late.xls"), name("late.xlsx")}) == 4


def test_a_cell_too_long_for_excel_is_cut_visibly_never_silently():
    text = "x" * (CELL_LIMIT + 5000)
    cut = fit_text(text)
    assert len(cut) == CELL_LIMIT and cut.endswith("more characters; the JSON output holds the whole text]")
    left = int(cut.rsplit("cut here: ", 1)[1].split(" ")[0].replace(",", ""))
    assert len(cut.split(" [cut here")[0]) + left == len(text)  # what is kept and what is said to be left out add up
    assert fit_text("short") == "short"


def test_sigterm_while_writing_leaves_no_temporary_file_and_the_previous_workbook_whole(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    out.mkdir()
    (out / "c.xlsx").write_bytes(b"the previous workbook")
    script = (
        "import sys, time, xlsxwriter\n"
        "from jwmodel.cli import main\n"
        "real = xlsxwriter.Workbook.close\n"
        "def slow(self):\n"
        "    open(self.filename, 'ab').close()\n"  # the temporary file is there: now hang while 'writing'
        "    time.sleep(60)\n"
        "    return real(self)\n"
        "xlsxwriter.Workbook.close = slow\n"
        f"sys.exit(main(['consolidate', {str(HAMPSHIRE_DIR)!r}, '-o', {str(out / 'c.xlsx')!r}, '-q', "
        "'--workers', '1']))\n"
    )
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", script], cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    deadline = time.monotonic() + 60
    while not list(out.glob(".tmp-*")) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert list(out.glob(".tmp-*")), "the run never started writing"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=20) == 128 + signal.SIGTERM
    assert sorted(p.name for p in out.iterdir()) == ["c.xlsx"]
    assert (out / "c.xlsx").read_bytes() == b"the previous workbook"


def test_a_file_name_that_is_not_utf8_is_listed_in_every_output(tmp_path, hampshire_folder, capsys):
    import os

    bad = os.fsdecode(b"bad-\xff\xfe-name.xlsx")
    (hampshire_folder / bad).write_bytes(b"PK\x03\x04 damaged")
    out = tmp_path / "out"
    argv = ["--receipts", str(out / "r"), "--tables", str(out / "t")]
    assert consolidate(hampshire_folder, out, *argv) == 2  # finished: the file is rejected, nothing else changes
    doc = json.loads((out / "s.json").read_text(encoding="utf-8"))
    shown = "bad-\\xff\\xfe-name.xlsx"  # excel.files.display_name: the bytes that are not UTF-8, escaped
    assert next(s for s in doc["sources"] if s["file"] == shown)["status"] == "rejected"
    assert doc["totals"]["recurring"] == TOTALS
    assert [shown] == [r[0] for r in cells(out / "c.xlsx", "Sources") if r and r[0] == shown]
    assert len(list((out / "r").glob("receipt-bad-*-name-*.xlsx"))) == 1
    assert "bad-" in capsys.readouterr().out


def test_rows_beyond_a_sheet_are_counted_never_dropped_silently(tmp_path, monkeypatch):
    import jwmodel
    from jwmodel.excel import xlsx_cells
    from jwmodel.findings import Finding

    run = jwmodel.consolidate_folder(HAMPSHIRE_DIR, progress=False)
    many = tuple(Finding("LINE_CONDITION_NOT_MET", f"note {i}") for i in range(30))
    run = dataclasses.replace(run, consolidation=dataclasses.replace(run.consolidation, findings=many))
    monkeypatch.setattr(xlsx_cells, "ROW_LIMIT", 20)  # a sheet of 20 rows: title, blank, headers, 16 rows, note
    run.write_workbook(tmp_path / "c.xlsx")
    rows = cells(tmp_path / "c.xlsx", "Findings")
    assert [r[5] for r in rows[3:19]] == [f"note {i}" for i in range(16)]
    assert rows[19][0] == "... and 14 more rows than a sheet holds: the JSON output lists them all"


def test_an_output_named_as_a_submission_is_refused_and_the_submission_kept(tmp_path, hampshire_folder, capsys):
    target = hampshire_folder / "return-HC.xlsx"
    before = target.read_bytes()
    assert main(["consolidate", str(hampshire_folder), "-o", str(target), "-q"]) == 1
    assert "return-HC.xlsx is a submitted file" in one_line(capsys.readouterr().err)
    assert target.read_bytes() == before
    # a workbook jwmodel wrote there before may be replaced
    assert main(["consolidate", str(hampshire_folder), "-o", str(hampshire_folder / "out.xlsx"), "-q"]) == 0
    assert main(["consolidate", str(hampshire_folder), "-o", str(hampshire_folder / "out.xlsx"), "-q"]) == 0


def test_the_command_in_its_own_process_freezes_what_it_holds_at_exit_and_a_caller_of_main_is_left_alone(
    monkeypatch,
):
    import atexit
    import gc
    import sys

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    with pytest.raises(SystemExit):
        main(["--version"])  # called with its arguments, as a test or a program does: its process goes on
    assert registered == []
    monkeypatch.setattr(sys, "argv", ["jwmodel", "--version"])
    with pytest.raises(SystemExit):
        main()  # the command itself: Python's last collection at exit would only rescan what it still holds
    assert registered == [gc.freeze]
