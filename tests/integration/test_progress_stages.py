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
