"""The outputs written on two cores (issue 14, part 6) are the outputs written on one.

``jwmodel.service.write_outputs`` writes the workbook in a forked process while this one writes the
rest aside, put in place once the workbook is; ``consolidate_and_write`` (the command) starts that
process as soon as the folder is consolidated, so the workbook's figure sheets are written while the
appraisal is worked out. Nothing may differ but the time it takes.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from jwmodel.cli import main
from jwmodel.excel.atomic import OutputError
from jwmodel.service import consolidate_and_write, consolidate_folder, write_outputs
from tests.conftest import HAMPSHIRE_DIR, WORKBOOKS

EAST_HERTS_DIR = WORKBOOKS / "examples" / "east-herts-stevenage-2011"


@pytest.fixture(scope="module")
def run():
    return consolidate_folder(HAMPSHIRE_DIR, workers=0, progress=False)


@pytest.fixture
def early(monkeypatch) -> list[list[str]]:
    """The workbook's process begun early whatever this (test) process holds; the forks made, by task names."""
    import jwmodel.service as service

    forked: list[list[str]] = []
    real = service._fork_lane
    monkeypatch.setattr(service, "EARLY_FORK_MB", float("inf"))
    monkeypatch.setattr(
        service, "_fork_lane", lambda context, tasks: forked.append([n for n, _ in tasks]) or real(context, tasks)
    )
    return forked


def _outputs(folder: Path) -> dict[str, Path]:
    for sub in ("tables", "receipts"):
        (folder / sub).mkdir(parents=True)
    return {
        "workbook": folder / "c.xlsx",
        "model": folder / "m.xlsx",
        "json": folder / "s.json",
        "tables": folder / "tables",
        "receipts": folder / "receipts",
    }


def _parts(path: Path) -> dict[str, bytes]:
    """A workbook's parts, less the creation time XlsxWriter stamps in docProps/core.xml."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_every_output_is_the_same_written_on_one_core_or_two(run, tmp_path):
    one, two = _outputs(tmp_path / "one"), _outputs(tmp_path / "two")
    seconds_one = write_outputs(run, parallel=False, **one)
    seconds_two = write_outputs(run, parallel=True, **two)
    assert set(seconds_one) == set(seconds_two) == {"workbook", "model", "json", "tables", "receipts"}
    assert one["json"].read_bytes() == two["json"].read_bytes()
    assert _parts(one["workbook"]) == _parts(two["workbook"])
    assert _parts(one["model"]) == _parts(two["model"])
    for name in ("tables", "receipts"):
        files = sorted(p.name for p in one[name].iterdir())
        assert files == sorted(p.name for p in two[name].iterdir())
    assert len(list(one["receipts"].iterdir())) == len(run.receipt_records()) == 10  # 10 files in the folder
    for csv in one["tables"].glob("*.csv"):
        assert csv.read_bytes() == (two["tables"] / csv.name).read_bytes()


def test_the_command_writes_the_same_json_with_the_second_core_or_without(tmp_path):
    written = []
    for workers in ("1", "2"):  # --workers 1: everything on one core; 2: the workbook on the other
        out = tmp_path / workers
        args = ["consolidate", str(HAMPSHIRE_DIR), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json")]
        assert main([*args, "--receipts", str(out / "r"), "-q", "--workers", workers]) == 0
        written.append(((out / "s.json").read_bytes(), sorted(p.name for p in (out / "r").iterdir())))
    assert written[0] == written[1]
    assert json.loads(written[0][0])["partners"] == ["HC", "HFRS", "HCC"]


def test_a_workbook_the_other_process_cannot_write_is_an_error_here_and_nothing_else_is_put_in_place(run, tmp_path):
    (tmp_path / "c.xlsx").mkdir()  # a folder where the workbook should go
    (tmp_path / "s.json").write_text("previous", encoding="utf-8")
    with pytest.raises(OutputError, match="is a folder"):
        write_outputs(run, workbook=tmp_path / "c.xlsx", json=tmp_path / "s.json", parallel=True)
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == "previous"  # written aside, then discarded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx", "s.json"]  # nothing left aside


def test_an_output_written_here_that_fails_is_raised_after_the_workbook_is_in_place(run, tmp_path):
    (tmp_path / "t").write_text("a file where the tables folder should go", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        write_outputs(run, workbook=tmp_path / "c.xlsx", tables=tmp_path / "t", parallel=True)


def test_one_output_alone_is_written_here(run, tmp_path, monkeypatch):
    import jwmodel.service as service

    monkeypatch.setattr(service, "_workbook_forked", lambda *a: pytest.fail("forked for one output"))
    assert set(write_outputs(run, json=tmp_path / "s.json")) == {"json"}
    assert set(write_outputs(run, workbook=tmp_path / "c.xlsx", parallel=True)) == {"workbook"}


def test_the_command_starts_the_workbook_on_the_second_core_as_soon_as_the_folder_is_consolidated(tmp_path, early):
    """After reading in worker processes (a progress bar's monitor thread may be left running) the
    command forks the workbook's process once the folder is consolidated, where there are two cores,
    whatever is written beside it (the JSON alone too: the workbook is begun while the appraisal is
    worked out); with --workers 1 it does not."""
    import os

    for workers, tables in (("2", True), ("1", True), ("2", False)):
        out = tmp_path / f"{workers}-{tables}"
        args = ["consolidate", str(HAMPSHIRE_DIR), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json")]
        assert main([*args, *(["--tables", str(out / "t")] if tables else []), "-q", "--workers", workers]) == 0
    cores = len(os.sched_getaffinity(0))
    assert early == ([["workbook"], ["workbook"]] if cores > 1 else [])


@pytest.mark.parametrize("folder", [HAMPSHIRE_DIR, EAST_HERTS_DIR], ids=["hampshire", "east-herts"])
def test_the_workbook_begun_before_the_appraisal_is_the_workbook_written_after_it(folder, tmp_path, early):
    """consolidate_and_write on two cores (the workbook's figure sheets written while the appraisal is
    worked out, the rest once it comes) writes what one core writes, byte for byte but the creation time."""
    one, two = _outputs(tmp_path / "one"), _outputs(tmp_path / "two")
    run_one, seconds_one = consolidate_and_write(folder, parallel=False, workers=0, progress=False, **one)
    run_two, seconds_two = consolidate_and_write(folder, parallel=True, workers=0, progress=False, **two)
    assert early == [["workbook"]]
    assert set(seconds_one) == set(seconds_two) == {"workbook", "model", "json", "tables", "receipts"}
    assert run_one.findings == run_two.findings and run_one.sources == run_two.sources
    assert one["json"].read_bytes() == two["json"].read_bytes()
    assert _parts(one["workbook"]) == _parts(two["workbook"])
    assert _parts(one["model"]) == _parts(two["model"])
    for csv in one["tables"].glob("*.csv"):
        assert csv.read_bytes() == (two["tables"] / csv.name).read_bytes()
    # and what the run's own writer writes afterwards, on one core
    run_two.write_workbook(tmp_path / "again.xlsx")
    assert _parts(tmp_path / "again.xlsx") == _parts(two["workbook"])


def test_a_workbook_begun_early_that_cannot_be_written_is_an_error_and_nothing_else_is_put_in_place(tmp_path, early):
    (tmp_path / "c.xlsx").mkdir()  # a folder where the workbook should go
    (tmp_path / "s.json").write_text("previous", encoding="utf-8")
    with pytest.raises(OutputError, match="is a folder"):
        consolidate_and_write(
            HAMPSHIRE_DIR, workbook=tmp_path / "c.xlsx", json=tmp_path / "s.json", parallel=True, workers=0
        )
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx", "s.json"]
    assert early == [["workbook"]]


def test_when_the_appraisal_fails_the_workbook_begun_early_is_stopped_and_nothing_is_written(
    tmp_path, monkeypatch, early
):
    import multiprocessing

    import jwmodel.service as service

    def failing(*_: object) -> None:
        raise RuntimeError("appraisal failed")

    monkeypatch.setattr(service, "appraise_programme", failing)
    with pytest.raises(RuntimeError, match="appraisal failed"):
        consolidate_and_write(HAMPSHIRE_DIR, workbook=tmp_path / "c.xlsx", parallel=True, workers=0, progress=False)
    assert early == [["workbook"]]
    assert not multiprocessing.active_children()
    assert list(tmp_path.iterdir()) == []  # not even a temporary file left


def test_a_process_holding_more_than_the_early_fork_allows_writes_everything_itself_after_the_appraisal(
    tmp_path, monkeypatch
):
    """A forked process counts the pages it shares again in its RSS: past EARLY_FORK_MB nothing is forked,
    and the outputs are the same."""
    import jwmodel.service as service

    monkeypatch.setattr(service, "_fork_lane", lambda *a: pytest.fail("forked"))
    monkeypatch.setattr(service, "EARLY_FORK_MB", 0.0)
    assert service._resident_mb() > 0  # Linux: this process's resident memory is known
    one, two = _outputs(tmp_path / "one"), _outputs(tmp_path / "two")
    consolidate_and_write(HAMPSHIRE_DIR, parallel=False, workers=0, progress=False, **one)
    _, seconds = consolidate_and_write(HAMPSHIRE_DIR, parallel=True, workers=0, progress=False, **two)
    assert set(seconds) == {"workbook", "model", "json", "tables", "receipts"}
    assert _parts(one["workbook"]) == _parts(two["workbook"])
    assert one["json"].read_bytes() == two["json"].read_bytes()


def test_a_run_without_an_appraisal_writes_its_workbook_without_the_appraisal_sheets(run, tmp_path):
    import dataclasses

    import openpyxl

    from jwmodel.excel.report import SHEETS

    bare = dataclasses.replace(run, appraisal=None)
    bare.write_workbook(tmp_path / "c.xlsx")
    names = openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True).sheetnames
    assert names == [n for n in SHEETS if n not in ("Appraisal", "Sensitivity")]
