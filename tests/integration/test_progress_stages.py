"""The progress line names each stage after reading, and counts the sheets while writing the workbook."""

from __future__ import annotations

import re

from jwmodel.excel.progress import STAGES
from jwmodel.excel.report import SHEETS
from jwmodel.service import consolidate_folder
from tests.conftest import HAMPSHIRE_DIR


def test_every_stage_after_reading_is_named_in_order_and_the_workbook_counts_its_sheets(tmp_path, capsys):
    run = consolidate_folder(HAMPSHIRE_DIR, workers=0, progress=True)
    run.write_workbook(tmp_path / "c.xlsx", progress=True)
    err = capsys.readouterr().err
    shown = ["Reading", *(s[:1].upper() + s[1:] for s in STAGES)]
    assert shown == ["Reading", "Assembling", "Consolidating", "Appraising", "Writing the workbook"]
    places = [err.rfind(name + ":") for name in shown]
    assert all(p >= 0 for p in places) and places == sorted(places), err
    steps = len(SHEETS) + 1  # each sheet, then saving the file
    assert re.search(rf"Writing the workbook: {steps}/{steps} .*done", err), err
    for name in STAGES[:3]:
        assert re.search(rf"{name.capitalize()}: \d\d:\d\d, done", err), err


def test_nothing_is_shown_when_progress_is_off(tmp_path, capsys):
    run = consolidate_folder(HAMPSHIRE_DIR, workers=0, progress=False)
    run.write_workbook(tmp_path / "c.xlsx")
    assert capsys.readouterr().err == ""


class _Stream:
    """A standard error that says whether it is a terminal, and keeps what is written to it."""

    def __init__(self, terminal: bool) -> None:
        self.terminal, self.text = terminal, []

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_a_bar_shown_on_a_terminal_only_is_a_silent_stand_in_elsewhere_and_a_tqdm_bar_on_a_terminal(monkeypatch):
    from jwmodel.excel import progress

    elsewhere = _Stream(terminal=False)
    monkeypatch.setattr("sys.stderr", elsewhere)
    hidden = progress.bar(None, total=3, desc="Reading")
    assert type(hidden).__name__ == "_Hidden"  # tqdm is not needed for it (nor imported, in a fresh process)
    hidden.update(1)
    assert elsewhere.text == []

    terminal = _Stream(terminal=True)
    monkeypatch.setattr("sys.stderr", terminal)
    with progress.bar(None, total=3, desc="Reading") as shown:
        shown.update(3)
    assert type(shown).__module__.startswith("tqdm") and "Reading" in "".join(terminal.text)


def test_the_command_does_not_import_tqdm_when_standard_error_is_not_a_terminal(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from jwmodel.cli import main; main(['consolidate', sys.argv[1], '-o', sys.argv[2]]); "
        "print('tqdm' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(HAMPSHIRE_DIR), str(tmp_path / "c.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
