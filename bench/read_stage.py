"""The read stage alone, measured beside a raw python-calamine read of the same files (issue 14, part 3).

    python bench/read_stage.py FOLDER [FOLDER...] [--workers 2] [--repeat 3] [--stages]

Two measurements, both on the same files:

- ``--stages`` (one process): per file, the time of each step of the read stage: the file's bytes
  and SHA-256, the package guard, python-calamine opening the workbook and reading its sheets, the
  checks and record building (the rest of ``read_workbook_bytes``), and pickling the record as the
  worker does (``intake._Sender``) and unpickling it as the parent does; with the mean per file of each.
- throughput (always): files/s of ``intake.extract_all`` (the read stage as ``jwmodel consolidate``
  runs it: guard, calamine, every check, records sent back from the worker processes) beside files/s
  of a raw python-calamine read of every sheet of every file on the same number of processes, and
  their ratio. Best of ``--repeat`` runs each, alternating, so both see the same machine load.

A benchmark, not a test: it prints figures and checks nothing but that every file was read.
"""

from __future__ import annotations

import argparse
import copy
import io
import multiprocessing as mp
import pickle
import resource
import time
from pathlib import Path

import python_calamine

from jwmodel.excel import guard, intake, reading
from jwmodel.excel.files import read_regular_file, sha256_of
from jwmodel.excel.guard import inspect_package


def _forget() -> None:
    """Nothing remembered from an earlier pass (parts parsed, Lists read): each pass sees its files anew,
    as a run does; within a pass, files sharing parts still share what was told of them."""
    for memory in _memories():
        memory.__init__()
    getattr(reading, "_LISTS_READ", {}).clear()


class _Nothing:
    pass


def _memories() -> list:
    """The guard's memories of parts met before (getattr: the script also measures the code before them)."""
    return [getattr(guard, name, _Nothing()) for name in ("_KNOWN", "_INFLATED")]


def _clock() -> float:
    return time.process_time()  # CPU time: the machine is shared, so wall time says more about the others


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _files(folders: list[str]) -> list[Path]:
    return [p for folder in folders for p in sorted(Path(folder).glob("*.xlsx"))]


def _calamine_one(path: str) -> int:
    book = python_calamine.CalamineWorkbook.from_path(path)
    return sum(len(r) for name in book.sheet_names for r in book.get_sheet_by_name(name).to_python())


def raw_calamine(paths: list[Path], workers: int) -> tuple[float, float]:
    """(wall, CPU) seconds for python-calamine to read every sheet of every file on ``workers`` processes."""
    names = [str(p) for p in paths]
    wall, cpu = time.perf_counter(), _cpu()
    if workers <= 1:
        for name in names:
            _calamine_one(name)
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            pool.map(_calamine_one, names, chunksize=8)
    return time.perf_counter() - wall, _cpu() - cpu


def read_stage(paths: list[Path], workers: int) -> tuple[float, float]:
    """(wall, CPU) seconds for the read stage as consolidate runs it (``intake.extract_all``)."""
    _forget()  # the workers start from this process
    wall, cpu = time.perf_counter(), _cpu()
    results = intake.extract_all(paths, workers=workers)
    seconds = time.perf_counter() - wall, _cpu() - cpu
    assert len(results) == len(paths) and all(r is not None for r in results)
    return seconds


def stages(paths: list[Path]) -> dict[str, float]:
    """Mean milliseconds per file of each step, in this process."""
    totals = dict.fromkeys(("bytes+sha", "guard", "calamine", "checks+records", "pickle", "unpickle", "total"), 0.0)
    _forget()
    sender = intake._Sender() if hasattr(intake, "_Sender") else None  # as a worker pickles (before it: plainly)
    for index, path in enumerate(paths):
        t0 = _clock()
        data, _ = read_regular_file(path)
        ts = _clock()
        sha256_of(data)
        tsha = _clock()
        known = [(memory, {k: copy.copy(v) for k, v in vars(memory).items()}) for memory in _memories()]
        t1 = _clock()
        inspect_package(data, path.name)
        t2 = _clock()
        for memory, held in known:  # read_workbook_bytes inspects it again: as the first time
            vars(memory).update(held)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        t3 = _clock()
        outcome = reading.read_workbook_bytes(data, path.name)
        t4 = _clock()
        blob = sender.dumps((index, outcome)) if sender else pickle.dumps((index, outcome), pickle.HIGHEST_PROTOCOL)
        if sender:
            sender.sent()
        t5 = _clock()
        pickle.loads(blob)
        t6 = _clock()
        # read_workbook_bytes runs sha, guard and calamine itself: the checks are what is left
        totals["bytes+sha"] += tsha - t0
        totals["guard"] += t2 - t1
        totals["calamine"] += t3 - t2
        totals["checks+records"] += max(0.0, (t4 - t3) - (t3 - t1) - (tsha - ts))
        totals["pickle"] += t5 - t4
        totals["unpickle"] += t6 - t5
        totals["total"] += (tsha - t0) + (t4 - t3) + (t6 - t4)
    return {k: 1000 * v / len(paths) for k, v in totals.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stages", action="store_true", help="also the mean time per file of each step, one process")
    args = ap.parse_args(argv)
    paths = _files(args.folders)
    print(f"{len(paths)} files from {', '.join(args.folders)}")
    if args.stages:
        stages(paths[: min(len(paths), 20)])  # warm up imports and caches
        per_file = stages(paths)
        print("mean ms per file (one process): " + ", ".join(f"{k} {v:.2f}" for k, v in per_file.items()))
    read, raw = [float("inf")] * 2, [float("inf")] * 2
    for _ in range(args.repeat):
        raw = [min(a, b) for a, b in zip(raw, raw_calamine(paths, args.workers), strict=True)]
        read = [min(a, b) for a, b in zip(read, read_stage(paths, args.workers), strict=True)]
    n = len(paths)
    print(
        f"{args.workers} processes, best of {args.repeat}: read stage {n / read[0]:,.0f} files/s "
        f"({read[0]:.2f} s wall, {read[1]:.2f} CPU-s), raw python-calamine {n / raw[0]:,.0f} files/s "
        f"({raw[0]:.2f} s wall, {raw[1]:.2f} CPU-s): "
        f"ratio {read[0] / raw[0]:.2f}x wall, {read[1] / raw[1]:.2f}x CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
