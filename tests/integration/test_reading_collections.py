"""Garbage collection while a folder is read (jwmodel.excel.batch.read_folder): held off while the reader
pool's records arrive and are assembled (they hold no cycles, so a collection would only rescan them), left
on where files are read in this process (workers=0), whose reading makes cyclic garbage, and restored after."""

from __future__ import annotations

import gc
from pathlib import Path

import jwmodel.excel.batch as batch

HAMPSHIRE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012"


def test_the_pool_read_runs_with_collections_off_and_leaves_them_on_with_nothing_frozen(monkeypatch):
    seen: list[bool] = []
    settle = batch.settle

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return settle(*args, **kwargs)

    monkeypatch.setattr(batch, "settle", watching)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    reading = batch.read_folder(HAMPSHIRE, workers=1, progress=False)
    assert seen == [False]  # assembling: no collection
    assert gc.isenabled() and gc.get_freeze_count() == 0  # on again, and what was read is collectable again
    assert reading.programme.partners  # the folder was read


def test_files_read_in_this_process_are_read_with_collections_on(monkeypatch):
    seen: list[bool] = []
    extract = batch.reader_pool

    def watching():
        pool = extract()
        extractor = pool.__enter__()

        def extracting(paths, **kwargs):
            seen.append(gc.isenabled())
            return extractor(paths, **kwargs)

        class Pool:
            def __enter__(self):
                return extracting

            def __exit__(self, *exc):
                return pool.__exit__(*exc)

        return Pool()

    monkeypatch.setattr(batch, "reader_pool", watching)
    batch.read_folder(HAMPSHIRE, workers=0, progress=False)
    assert seen == [True]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_caller_that_froze_objects_keeps_them_frozen():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        batch.read_folder(HAMPSHIRE, workers=1, progress=False)
        assert gc.get_freeze_count() >= before  # not unfrozen behind the caller's back
    finally:
        gc.unfreeze()
