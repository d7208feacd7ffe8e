"""Intake: every file in the folder accounted for, read in isolated worker processes.

The folder is scanned without following links or opening anything that is not a regular file.
Each workbook is checked (``guard``) and read (``reading``) in a worker process that receives a
path and returns a compact record; a worker that crashes or hangs on a file rejects that file
only, and a fresh worker takes its place, so one hostile file can never stop the batch.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import re
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from jwmodel.excel.guard import Limits
from jwmodel.findings import Finding, Location, Severity
from jwmodel.submissions import PartnerReturn, SourceRecord, Status, WorkstreamProposal

__all__ = [
    "Extracted",
    "read_regular_file",
    "scan_folder",
    "extract",
    "extract_all",
    "default_workers",
    "drop_identical",
]

Extracted = tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]

_LOCK_EXCEL = re.compile(r"^~\$(?P<tail>.+)$")
_LOCK_LIBRE = re.compile(r"^\.~lock\.(?P<name>.+)#$")
_TEMP = re.compile(r"^(~WRL.*\.tmp|.*\.tmp|.*\.part|.*\.crdownload)$", re.I)
_WRONG_FORMAT = {
    ".xls": (
        "LEGACY_XLS",
        "this is an old-format Excel file (.xls): open it in Excel and save as 'Excel Workbook (.xlsx)'",
    ),
    ".xlsb": (
        "XLSB",
        "this is an Excel Binary Workbook (.xlsb): open it in Excel and save as 'Excel Workbook (.xlsx)'",
    ),
    ".xlsm": (
        "MACRO_ENABLED",
        "this is a macro-enabled workbook (.xlsm); macros are never run or copied: save it as 'Excel Workbook (.xlsx)'",
    ),
    ".ods": (
        "ODS",
        "this is an OpenDocument spreadsheet (.ods): save it as 'Excel 2007-365 (.xlsx)' from the template",
    ),
    ".csv": (
        "NOT_A_WORKBOOK",
        "this is a CSV file: enter the figures in the template and save it as 'Excel Workbook (.xlsx)'",
    ),
}


def _finding(code: str, message: str, file: str) -> Finding:
    return Finding(Severity.ERROR, code, message, Location(file))


def read_regular_file(path: Path, limits: Limits = Limits()) -> tuple[bytes, Finding | None]:
    """The bytes of a regular file, opened without following a link or blocking on a pipe."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return b"", _finding(
            "FILE_UNREADABLE",
            f"the file cannot be opened ({exc.strerror}); if it is a link, copy the file itself into the folder",
            path.name,
        )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", _finding(
                "NOT_A_FILE", "this is not a regular file (a pipe, device or folder), so it was not read", path.name
            )
        if info.st_size > limits.max_file_bytes:
            return b"", _finding(
                "FILE_TOO_LARGE",
                f"the file is {info.st_size / 1_000_000:.1f} MB; a return is far smaller (the limit is {limits.max_file_bytes // 1_000_000} MB)",
                path.name,
            )
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), None
    finally:
        os.close(fd)


def scan_folder(folder: Path) -> tuple[list[Path], list[SourceRecord]]:
    """Workbooks to read, and a record for everything else at the top of the folder.

    Nothing is opened here: links are not followed, pipes, devices and folders are reported,
    Office lock and temporary files are skipped (naming the workbook that may still be open), and
    files in other spreadsheet formats are rejected with what to do instead.
    """
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    names = {e.name for e in entries}
    candidates: list[Path] = []
    records: list[SourceRecord] = []
    for entry in entries:
        name = entry.name
        info = entry.stat(follow_symlinks=False)
        lock = _LOCK_EXCEL.match(name) or _LOCK_LIBRE.match(name)
        if entry.is_symlink():
            records.append(
                SourceRecord(
                    name,
                    "",
                    "other",
                    Status.SKIPPED,
                    "a symbolic link: not followed; copy the file itself into the folder",
                )
            )
        elif stat.S_ISDIR(info.st_mode):
            records.append(
                SourceRecord(
                    name, "", "other", Status.SKIPPED, "a folder: only files at the top of the folder are read"
                )
            )
        elif not stat.S_ISREG(info.st_mode):
            records.append(
                SourceRecord(
                    name, "", "other", Status.SKIPPED, "not a regular file (a pipe, device or socket): not opened"
                )
            )
        elif lock:
            target = lock.groupdict().get("name") or next(
                (n for n in names if n != name and n.endswith(lock.group("tail"))), lock.group("tail")
            )
            records.append(
                SourceRecord(
                    name,
                    "",
                    "lock file",
                    Status.SKIPPED,
                    f"an Office lock file: {target} may still be open; close it and check it was saved",
                )
            )
        elif _TEMP.match(name):
            records.append(
                SourceRecord(
                    name, "", "temporary file", Status.SKIPPED, "a temporary or partly downloaded file: skipped"
                )
            )
        elif name.startswith("."):
            records.append(SourceRecord(name, "", "other", Status.SKIPPED, "a hidden file: skipped"))
        elif Path(name).suffix.lower() in _WRONG_FORMAT:
            code, message = _WRONG_FORMAT[Path(name).suffix.lower()]
            records.append(SourceRecord(name, "", "unknown", Status.REJECTED, "", (_finding(code, message, name),)))
        elif Path(name).suffix.lower() != ".xlsx":
            records.append(SourceRecord(name, "", "other", Status.SKIPPED, "not a workbook (.xlsx): skipped"))
        else:
            candidates.append(Path(entry.path))
    return candidates, records


def extract(path: str | Path, limits: Limits = Limits()) -> Extracted:
    """Read one file into a compact record; never raises (an unexpected error is a finding)."""
    from jwmodel.excel.reading import read_submission

    try:
        return read_submission(path, limits=limits)
    except Exception as exc:  # the intake's own last line: report, never crash the batch
        name = Path(path).name
        return None, SourceRecord(
            name,
            "",
            "unknown",
            Status.REJECTED,
            "",
            (
                _finding(
                    "INTERNAL_ERROR",
                    f"the file could not be read ({type(exc).__name__}: {exc}); please report this with the file",
                    name,
                ),
            ),
        )


def default_workers() -> int:
    """The cores this process may actually use (not the machine's count).

    The CPU affinity mask, capped by a cgroup CPU quota (a container's ``--cpus``) where one is set.
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        cores = max(1, os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()[:2]
        if quota != "max" and int(period) > 0:
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return cores


def _worker(conn: Connection, limits: Limits) -> None:
    """Receive batches of (index, path), send back (index, record) as each file is done."""
    # Reading a file allocates thousands of small objects and frees them all (no cycles, as a rule),
    # so automatic collections would only rescan live ones: collect every 64 files instead, which
    # still bounds any cyclic garbage a damaged file leaves (and what the parent held is frozen out).
    gc.disable()
    gc.freeze()
    done = 0
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        for index, path in batch:
            conn.send((index, extract(path, limits)))
            done += 1
            if done % 64 == 0:
                gc.collect()


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    pending: deque[int] = field(default_factory=deque)  # indexes sent, in the order the worker reads them
    started: float = 0.0  # when the worker started on pending[0]


def _lost(path: Path, code: str, message: str) -> Extracted:
    from jwmodel.excel.reading import sha256_of

    try:
        digest = sha256_of(read_regular_file(path)[0])
    except OSError:
        digest = ""
    return None, SourceRecord(path.name, digest, "unknown", Status.REJECTED, "", (_finding(code, message, path.name),))


CRASHED = "reading this file made the reader fail outright (the file is probably damaged or built to attack spreadsheet readers); nothing from it is used: save it again from Excel as .xlsx"


def _timed_out(timeout: float) -> str:
    return f"reading this file took more than {timeout:.0f} seconds and was stopped; a return takes a fraction of a second: save it again from Excel as .xlsx"


def extract_all(
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    timeout: float = 120.0,
    limits: Limits = Limits(),
    on_result: Callable[[Extracted], None] | None = None,
    depth: int = 8,
) -> list[Extracted]:
    """Extract every path, in isolated worker processes; results in the order of ``paths``.

    ``workers=0`` reads in this process (no isolation: for debugging). A worker that dies on a
    file rejects it as READER_CRASHED, one that takes longer than ``timeout`` seconds on a file as
    READER_TIMEOUT; either way a fresh worker carries on with the rest.

    Workers receive paths (a few at a time, up to ``depth`` queued each, so they never wait for
    the next one) and send back each file's compact record as soon as it is read, so the worker
    and the file it was reading are always known: a crash rejects only that file, and the files
    queued behind it go to the fresh worker.
    """
    if workers is None:
        workers = default_workers()
    results: list[Extracted | None] = [None] * len(paths)
    if workers == 0 or not paths:
        for i, path in enumerate(paths):
            results[i] = extract(path, limits)
            if on_result:
                on_result(results[i])  # type: ignore[arg-type]
        return results  # type: ignore[return-value]

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    import jwmodel.excel.reading  # noqa: F401  (imported once here, so forked workers start ready to read)

    def spawn() -> _Slot:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_worker, args=(child, limits), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def done(index: int, outcome: Extracted) -> None:
        results[index] = outcome
        if on_result:
            on_result(outcome)

    def replace_worker(k: int, code: str, message: str) -> None:
        """The worker in slot k failed on its current file: reject that file, requeue the rest."""
        slot = slots[k]
        head = slot.pending.popleft()
        queue.extendleft(reversed(slot.pending))
        slot.process.kill()
        slot.process.join()
        slot.conn.close()
        slots[k] = spawn()
        done(head, _lost(Path(paths[head]), code, message))

    queue = deque(range(len(paths)))
    slots = [spawn() for _ in range(min(workers, len(paths)))]
    refill = max(1, depth // 2)
    # The records coming back hold no reference cycles; collecting garbage while thousands of them
    # arrive only rescans them (a third of this loop's time), so collection waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        while queue or any(s.pending for s in slots):
            for k, slot in enumerate(slots):
                if queue and len(slot.pending) < refill:
                    share = -(-len(queue) // len(slots))  # keep the workers even towards the end
                    batch = [queue.popleft() for _ in range(min(depth - len(slot.pending), share, len(queue)))]
                    try:
                        slot.conn.send([(i, str(paths[i])) for i in batch])
                    except OSError:  # the worker is gone: its current file (if any) made it fail
                        queue.extendleft(reversed(batch))
                        if slot.pending:
                            replace_worker(k, "READER_CRASHED", CRASHED)
                        else:
                            slot.process.kill()
                            slot.process.join()
                            slot.conn.close()
                            slots[k] = spawn()
                        continue
                    if not slot.pending:
                        slot.started = time.monotonic()
                    slot.pending.extend(batch)
            busy = [s for s in slots if s.pending]
            if not busy:
                continue
            soonest = min(s.started for s in busy) + timeout
            ready = set(
                wait(
                    [s.conn for s in busy] + [s.process.sentinel for s in busy],
                    timeout=max(0.0, soonest - time.monotonic()),
                )
            )
            for k, slot in enumerate(slots):
                if not slot.pending:
                    continue
                dead = False
                while slot.pending and (slot.conn in ready or slot.conn.poll()):
                    ready.discard(slot.conn)
                    try:
                        index, outcome = slot.conn.recv()
                    except (EOFError, OSError):
                        dead = True
                        break
                    expected = slot.pending.popleft()
                    if index != expected:  # pragma: no cover - the worker reads its queue in order
                        raise RuntimeError(f"reader worker answered for file {index}, expected {expected}")
                    slot.started = time.monotonic()
                    done(index, outcome)
                if not slot.pending:
                    continue
                if dead or slot.process.sentinel in ready:
                    replace_worker(k, "READER_CRASHED", CRASHED)
                elif time.monotonic() - slot.started > timeout:
                    replace_worker(k, "READER_TIMEOUT", _timed_out(timeout))
    finally:
        for slot in slots:
            try:
                slot.conn.send(None)
            except OSError:
                pass
        for slot in slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()
        if collecting:
            gc.enable()
    return results  # type: ignore[return-value]


def drop_identical(extracted: Iterable[Extracted]) -> list[Extracted]:
    """Keep the first of files with identical content (same SHA-256); the copies are skipped."""
    first: dict[str, str] = {}
    kept: list[Extracted] = []
    for submission, record in extracted:
        if record.sha256 and record.sha256 in first:
            kept.append(
                (
                    None,
                    replace(
                        record,
                        status=Status.SKIPPED,
                        taken=f"identical to {first[record.sha256]} (same SHA-256): processed once",
                        findings=(),
                    ),
                )
            )
            continue
        if record.sha256:
            first[record.sha256] = record.file
        kept.append((submission, record))
    return kept
