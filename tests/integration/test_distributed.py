"""Reading on a Dask cluster gives the same results as reading locally, and survives a crash.

Runs on a LocalCluster (threads, in this process) in a few seconds; the crash test starts one
worker process, since only a process can die. dask[distributed] is in the `test` extra, so these
never skip in CI.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster, WorkerPlugin

from jwmodel.cli import main
from jwmodel.excel.distributed import dask_extractor
from jwmodel.excel.intake import extract_all
from jwmodel.service import consolidate_folder
from jwmodel.summary import summary

from .test_parallel_identical import awkward_folder

RETURN = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012" / "return-HC.xlsx"

pytestmark = pytest.mark.slow  # a Dask LocalCluster per module


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
        yield c


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return awkward_folder(tmp_path_factory.mktemp("dask"))


def document(folder: Path, **kwargs) -> str:
    run = consolidate_folder(folder, progress=False, **kwargs)
    return json.dumps(summary(run.consolidation, run.sources), sort_keys=True, default=str)


def test_dask_gives_the_local_results(cluster, folder):
    local = document(folder, workers=2)
    with Client(cluster) as client:
        extractor = dask_extractor(client, task_files=3)
        assert document(folder, extractor=extractor) == local
        paths = sorted(folder.glob("*.xlsx"))
        seen = []
        assert extractor(paths, on_result=seen.append) == extract_all(paths, workers=0)
        assert len(seen) == len(paths)


def test_the_command_reads_on_dask_by_address(cluster, folder, tmp_path):
    out_local, out_dask = tmp_path / "local", tmp_path / "dask"
    assert (
        main(["consolidate", str(folder), "-o", str(out_local / "c.xlsx"), "--json", str(out_local / "s.json"), "-q"])
        == 2
    )
    assert (
        main(
            [
                "consolidate",
                str(folder),
                "-o",
                str(out_dask / "c.xlsx"),
                "--json",
                str(out_dask / "s.json"),
                "-q",
                "--dask",
                cluster.scheduler_address,
            ]
        )
        == 2
    )
    assert (out_local / "s.json").read_text(encoding="utf-8") == (out_dask / "s.json").read_text(encoding="utf-8")


def test_a_file_that_hangs_a_dask_worker_is_rejected_and_the_rest_read(cluster, tmp_path, monkeypatch):
    from jwmodel.excel import intake

    real = intake.extract
    for name in ("a.xlsx", "hang.xlsx", "z.xlsx"):
        shutil.copy(RETURN, tmp_path / name)

    def slow(path, limits=None):
        if Path(path).name == "hang.xlsx":
            import time

            time.sleep(5)
        return real(path) if limits is None else real(path, limits)

    monkeypatch.setattr(intake, "extract", slow)  # the workers are threads of this process
    with Client(cluster) as client:
        results = dask_extractor(client, timeout=1)(sorted(tmp_path.glob("*.xlsx")))
    outcome = {r.file: (r.status, [f.code for f in r.findings]) for _, r in results}
    assert outcome["hang.xlsx"] == ("rejected", ["READER_TIMEOUT"])
    assert outcome["a.xlsx"][0] == outcome["z.xlsx"][0] == "accepted"


class _CrashOn(WorkerPlugin):
    """Make the worker process die outright when it reads a file of this name, as a reader crash would."""

    def __init__(self, name: str) -> None:
        self.name = name

    def setup(self, worker) -> None:
        from jwmodel.excel import intake

        real, name = intake.extract, self.name

        def sabotaged(path, limits=None):
            if Path(path).name == name:
                os._exit(3)
            return real(path) if limits is None else real(path, limits)

        intake.extract = sabotaged


def test_a_file_that_kills_a_dask_worker_is_rejected_and_the_rest_read(tmp_path):
    for name in ("a.xlsx", "b.xlsx", "crash.xlsx", "z.xlsx"):
        shutil.copy(RETURN, tmp_path / name)
    paths = sorted(tmp_path.glob("*.xlsx"))
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with (
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            client.register_plugin(_CrashOn("crash.xlsx"))
            results = dask_extractor(client, task_files=4)(paths)
    outcome = {r.file: (r.status, [f.code for f in r.findings]) for _, r in results}
    assert outcome["crash.xlsx"] == ("rejected", ["READER_CRASHED"])
    assert all(outcome[n][0] == "accepted" for n in ("a.xlsx", "b.xlsx", "z.xlsx")), outcome
    local = {r.file: r for _, r in extract_all([p for p in paths if p.name != "crash.xlsx"], workers=0)}
    assert all(r == local[r.file] for _, r in results if r.file != "crash.xlsx")
    assert len(next(r for _, r in results if r.file == "crash.xlsx").sha256) == 64
