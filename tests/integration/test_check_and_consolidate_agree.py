"""`jwmodel check` and `jwmodel consolidate` report the same single-file findings (issue 9, item 5).

Each case is made by script from a real example file (openpyxl, plain values), put in place of that
file in a copy of the Hampshire folder, then read alone (what `check` does) and consolidated with
the rest (what `consolidate` does). The findings about the file must be the same: code, severity,
sheet, cell and sentence. Only findings that need other files (a partner with no return, a line
that cannot be apportioned...) may be added by consolidation.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jwmodel import check_files, consolidate_folder
from jwmodel.cli import main
from jwmodel.codes import Code
from tests.hostile_corpus import build

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012"

# Codes that need more than one file: only consolidation can report them.
NEEDS_THE_PROGRAMME = {
    Code.NOT_APPORTIONED,
    Code.PARTNER_NO_RETURN,
    Code.SERVICE_NO_PROPOSAL,
    Code.BASELINE_NO_PROPOSAL,
    Code.OPTION_UNKNOWN,
    Code.OPTION_SERVICE_UNKNOWN,
    Code.OPTION_NO_DEFAULT,
    Code.OPTION_NONE,
    Code.LINE_CONDITION_NOT_MET,
    Code.DRIVER_MISSING,
    Code.BASELINE_MISSING,
    Code.SHARES_IMPOSSIBLE,
    Code.OPTION_UNUSABLE,
    Code.SUPERSEDED,
    Code.RESUBMISSION_UNDECIDED,
    Code.PERIOD_CONFLICT,
}


def _key(f) -> tuple:
    return (f.code, f.severity, f.where.file, f.where.sheet, f.where.cell, f.message)


def _check(path: Path) -> tuple[str, set[tuple]]:
    (report,) = check_files([path], workers=1)
    return report.status, {_key(f) for f in report.findings}


def _consolidate(folder: Path, file: str) -> tuple[str, set[tuple]]:
    batch = consolidate_folder(folder, workers=0, progress=False)
    status = next(s.status for s in batch.sources if s.file == file)
    findings = batch.consolidation.findings if batch.consolidation is not None else ()
    return status, {_key(f) for f in findings if f.where.file == file and f.code not in NEEDS_THE_PROGRAMME}


def _variant(folder: Path, source: str, cells: dict[tuple[str, str], object]) -> Path:
    """A copy of an example file with some cells changed, in place of the original."""
    wb = openpyxl.load_workbook(EXAMPLE / source)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    (folder / source).unlink()
    path = folder / f"changed-{source}"
    wb.save(path)
    return path


CASES = {
    # Legal Services' saving line typed -20/-11: the low estimate is the bigger saving
    "reversed saving range": (
        "proposal-legal-services.xlsx",
        {("Saving lines", "C5"): -20},
        "rejected",
        [(Code.RANGE_NOT_ORDERED, "Saving lines", "A5")],
    ),
    # its one-off IT cost typed 12/10: the low cost is the bigger one
    "reversed one-off range": (
        "proposal-legal-services.xlsx",
        {("One-off costs", "C5"): 12},
        "rejected",
        [(Code.RANGE_NOT_ORDERED, "One-off costs", "A5")],
    ),
    # HC's Legal Services: gross 500 less charges 50 is 450, but the net typed is 430
    "net is not gross less charges": (
        "return-HC.xlsx",
        {("Baseline", "B11"): 500, ("Baseline", "C11"): 50},
        "rejected",
        [(Code.BASELINE_NET_MISMATCH, "Baseline", "A11")],
    ),
    # HC states 12,000 but its rows add up to 12,531
    "stated total not the rows": (
        "return-HC.xlsx",
        {("Cover", "B12"): 12000},
        "accepted with warnings",
        [(Code.BASELINE_TOTAL_MISMATCH, "Cover", "B12")],
    ),
    # Learning & Development's fixed split 40/15/44 adds up to 99 (44 typed in its % cell is held as 0.44);
    # found in the option's % cells
    "fixed percentages not 100": (
        "proposal-learning-and-development.xlsx",
        {("Options", "J5"): 0.44},
        "rejected",
        [(Code.PERCENT_SUM, "Options", "H5:J5")],
    ),
    # Facilities Management is split by share of baseline between 3 partners: "(56)" typed as the
    # minimum % reads as -56, below 0
    "minimum % below 0": (
        "proposal-facilities-management.xlsx",
        {("Options", "G5"): "(56)"},
        "rejected",
        [(Code.MINIMUM_PERCENT_RANGE, "Options", "A5")],
    ),
    # ... and 34 each would need 3 x 34 = 102%: at most 100 // 3 = 33
    "minimum % leaves no room": (
        "proposal-facilities-management.xlsx",
        {("Options", "G5"): 34},
        "rejected",
        [(Code.MINIMUM_PERCENT_RANGE, "Options", "A5")],
    ),
}


def test_a_minimum_of_a_third_each_is_the_most_three_partners_can_have(hampshire_folder):
    path = _variant(hampshire_folder, "proposal-facilities-management.xlsx", {("Options", "G5"): 33})
    status, found = _check(path)
    assert status == "accepted" and not [f for f in found if f[0] == Code.MINIMUM_PERCENT_RANGE]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_and_consolidate_report_the_same_single_file_findings(case, hampshire_folder):
    source, cells, status, expected = CASES[case]
    path = _variant(hampshire_folder, source, cells)
    checked_status, checked = _check(path)
    consolidated_status, consolidated = _consolidate(hampshire_folder, path.name)
    assert checked_status == consolidated_status == status
    assert [(c, s, r) for c, _, _, s, r, _ in sorted(checked)] == sorted(expected)
    assert checked == consolidated


def test_a_reversed_range_is_refused_by_check_before_it_is_sent(hampshire_folder, capsys):
    path = _variant(hampshire_folder, "proposal-legal-services.xlsx", {("Saving lines", "C5"): -20})
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr().out
    assert "rejected" in out and "RANGE_NOT_ORDERED" in out and "'Saving lines'!A5" in out


def test_the_hampshire_totals_do_not_change_when_a_stated_total_is_reported_on_reading(hampshire_folder):
    batch = consolidate_folder(hampshire_folder, workers=0, progress=False)
    assert batch.consolidation.total.recurring.low == Decimal(
        -182
    ) and batch.consolidation.total.recurring.high == Decimal(-337)
    mismatches = [f for f in batch.consolidation.findings if f.code == Code.BASELINE_TOTAL_MISMATCH]
    assert sorted(f.where.file for f in mismatches) == ["return-HCC.xlsx", "return-HFRS.xlsx"]  # once each
    assert {f.severity.value for f in mismatches} == {"warning"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    build(folder)
    return folder


def test_over_the_hostile_corpus_check_and_consolidate_agree_file_by_file(corpus, tmp_path):
    folder = tmp_path / "batch"
    shutil.copytree(EXAMPLE, folder)
    readable = sorted(p.name for p in corpus.iterdir() if p.suffix == ".xlsx")
    for name in readable:
        shutil.copy(corpus / name, folder / name)
    batch = consolidate_folder(folder, workers=0, progress=False)
    compared = 0
    reports = {r.file: r for r in check_files([folder / name for name in readable], workers=1)}
    for name in readable:
        status, checked = reports[name].status, {_key(f) for f in reports[name].findings}
        consolidated_status = next(s.status for s in batch.sources if s.file == name)
        about = [f for f in batch.consolidation.findings if f.where.file == name]
        consolidated = {_key(f) for f in about if f.code not in NEEDS_THE_PROGRAMME}
        assert checked == consolidated, name
        if not any(f.code in (Code.RESUBMISSION_UNDECIDED, Code.SUPERSEDED) for f in about):  # beside the original
            assert status == consolidated_status, name
        compared += 1
    assert compared >= 40
