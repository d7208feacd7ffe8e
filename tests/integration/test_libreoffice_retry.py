"""LibreOffice that crashes on starting is run once more; one that refuses a file is not.

A fresh LibreOffice sometimes aborts on its first start after installation ("Unspecified Application
Error", exit 134). These tests put a fake ``soffice`` on PATH that counts its runs, so what
``jwmodel.excel.libreoffice`` does with each kind of failure is seen without a real crash.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jwmodel.excel.libreoffice import LibreOfficeError, resave

# The fake: appends a line to runs.txt each time; exits with the code the run's line number picks from
# CODES (a space-separated list; the last repeats); on exit 0 writes each input's name into --outdir.
FAKE = """#!/bin/sh
here=$(dirname "$0")
echo run >> "$here/runs.txt"
n=$(wc -l < "$here/runs.txt")
code=$(echo $CODES | tr ' ' '\\n' | sed -n "${n}p")
[ -n "$code" ] || code=$(echo $CODES | tr ' ' '\\n' | tail -n 1)
if [ "$code" != 0 ]; then echo "Unspecified Application Error" >&2; exit "$code"; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift 2 ;;
    -*) shift ;;
    *) [ -n "$out" ] && cp "$1" "$out/$(basename "$1")"; shift ;;
  esac
done
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def runs() -> int:
        log = bin_dir / "runs.txt"
        return len(log.read_text().splitlines()) if log.exists() else 0

    return runs


def _book(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    book = src / "book.xlsx"
    book.write_bytes(b"not really a workbook")
    return book


def test_a_crash_on_starting_is_run_once_more_and_the_file_is_saved(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setenv("CODES", "134 0")
    saved = resave([_book(tmp_path)], tmp_path / "out")
    assert fake_soffice() == 2
    assert [p.name for p in saved] == ["book.xlsx"] and saved[0].exists()


def test_two_crashes_are_reported_with_what_libreoffice_said(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setenv("CODES", "134")
    with pytest.raises(LibreOfficeError, match=r"did not save book\.xlsx \(exit 134\): Unspecified Application"):
        resave([_book(tmp_path)], tmp_path / "out")
    assert fake_soffice() == 2


def test_a_refusal_is_not_retried(tmp_path, fake_soffice, monkeypatch):
    monkeypatch.setenv("CODES", "1 0")
    with pytest.raises(LibreOfficeError, match=r"exit 1"):
        resave([_book(tmp_path)], tmp_path / "out")
    assert fake_soffice() == 1
