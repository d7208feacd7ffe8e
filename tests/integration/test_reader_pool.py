"""Reader workers are forked once, before records accumulate, and serve every chunk of a folder.

Forking them again for each chunk, from a main process that has grown with the records read so far,
gave each worker a copy of the parent's page tables (its RSS counting the parent's pages again): tree
RSS at 10,000 returns was over the 300 MB target. The results are the same either way
(tests/integration/test_parallel_identical.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psutil

from jwmodel.excel import batch as batch_module
from jwmodel.excel import intake
from jwmodel.excel.intake import extract_all, reader_pool
from jwmodel.service import consolidate_folder

HAMPSHIRE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012"


def _files() -> list[Path]:
    return sorted(HAMPSHIRE.glob("*.xlsx"))


def _children() -> dict[int, psutil.Process]:
    return {p.pid: p for p in psutil.Process().children()}


def test_the_workers_of_a_pool_serve_every_call_and_do_not_grow_with_the_main_process():
    files = _files()
    before = set(_children())
    with reader_pool() as extractor:
        first = extractor(files[:4], workers=2)
        workers = {pid: p for pid, p in _children().items() if pid not in before}
        assert len(workers) == 2  # started on the first call, idle between calls
        started = {pid: p.memory_info().rss for pid, p in workers.items()}
        main = psutil.Process().memory_info().rss
        ballast = bytearray(os.urandom(1024)) * (150 * 1024)  # 150 MB the main process now holds, touched
        second = extractor(files[4:], workers=2)
        assert {pid for pid in _children() if pid not in before} == set(workers)  # the same two processes
        grown = {pid: p.memory_info().rss - started[pid] for pid, p in workers.items()}
        assert psutil.Process().memory_info().rss - main > 140e6 > max(grown.values()) + 90e6, (grown, len(ballast))
    assert not {pid for pid in _children() if pid not in before}  # stopped on leaving
    assert [r.file for _, r in first + second] == [f.name for f in files]
    assert first + second == extract_all(files, workers=0)  # the same records as one process reading them all


def test_a_folder_read_in_chunks_forks_its_workers_once(tmp_path, monkeypatch):
    for f in _files():
        shutil.copy(f, tmp_path / f.name)
    spawned = []
    real = intake._Pool._spawn

    def counting(self):
        spawned.append(self)
        return real(self)

    monkeypatch.setattr(intake._Pool, "_spawn", counting)
    monkeypatch.setattr(batch_module, "CHUNK", 3)  # 10 files: four chunks
    chunked = consolidate_folder(tmp_path, workers=2, progress=False)
    assert len(spawned) == 2 and len({id(pool) for pool in spawned}) == 1
    one_process = consolidate_folder(tmp_path, workers=0, progress=False)
    assert chunked.sources == one_process.sources
    assert chunked.consolidation == one_process.consolidation


def test_a_crash_in_one_call_replaces_that_worker_and_later_calls_go_on(monkeypatch):
    files = _files()
    real = intake.extract

    def crashing(path, limits=intake._LIMITS):
        if Path(path).name == files[1].name:
            os._exit(3)  # the worker dies on this file
        return real(path, limits)

    monkeypatch.setattr(intake, "extract", crashing)  # forked workers are patched
    with reader_pool() as extractor:
        first = extractor(files[:3], workers=2)
        second = extractor(files[3:], workers=2)
    assert first[1][0] is None and [f.code for f in first[1][1].findings] == ["READER_CRASHED"]
    assert all(s is not None for s, _ in first[:1] + first[2:] + second)


def test_a_pool_never_called_starts_nothing():
    before = set(_children())
    with reader_pool():
        assert set(_children()) == before
