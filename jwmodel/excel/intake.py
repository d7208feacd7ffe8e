"""Intake: every file in the folder accounted for, read in isolated worker processes.

The folder is scanned without following links or opening anything that is not a regular file.
Each workbook is checked (``guard``) and read (``reading``) in a worker process that receives a
path and returns a compact record; a worker that crashes or hangs on a file rejects that file
only, and a fresh worker takes its place, so one hostile file can never stop the batch.

Every boundary where one file is processed turns an unexpected error into that file's
INTERNAL_ERROR finding: :func:`extract` in the worker, :class:`Admission` in the parent (and
``submissions.assemble`` for each group of resubmissions). A file's findings are capped at
:data:`MAX_FINDINGS_PER_FILE`, with one "and N more like this" finding per code for the rest.

Workers never outlive the main process: each closes the pipe ends it inherited (so it sees end of
file when the parent goes), on Linux asks the kernel to kill it when the parent dies, and SIGTERM
to the parent stops the workers before it exits (:func:`jwmodel.excel.stopping.sigterm_exits`).
"""

from __future__ import annotations

import copyreg
import ctypes
import gc
import io
import multiprocessing as mp
import os
import pickle
import re
import signal
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from jwmodel.definition import FILE_NAME as PROGRAMME_FILE
from jwmodel.excel import reading
from jwmodel.excel.files import display_name, file_error, gone, read_regular_file, sha256_of
from jwmodel.excel.guard import Limits
from jwmodel.excel.stopping import sigterm_exits
from jwmodel.findings import Finding, Location
from jwmodel.submissions import (
    PartnerReturn,
    ProgrammeSetup,
    SourceRecord,
    Status,
    WorkstreamProposal,
    internal_error,
)

__all__ = [
    "Extracted",
    "Admission",
    "CRASHED",
    "MAX_FINDINGS_PER_FILE",
    "cap_findings",
    "default_workers",
    "drop_identical",
    "extract",
    "extract_all",
    "failed",
    "findings_not_listed",
    "lost",
    "reader_pool",
    "scan_folder",
    "timed_out",
]

Extracted = tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]

MAX_FINDINGS_PER_FILE = 200  # listed one by one; the rest are counted, one finding per code

_LIMITS = Limits()
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


# --- the folder ----------------------------------------------------------------------------------


def scan_folder(folder: Path) -> tuple[list[Path], list[SourceRecord]]:
    """Workbooks to read, and a record for everything else at the top of the folder.

    Nothing is opened here: links are not followed, pipes, devices and folders are reported,
    Office lock and temporary files are skipped (naming the workbook that may still be open), and
    files in other spreadsheet formats are rejected with what to do instead. A file that vanishes
    between the listing and a look at it is still accounted for (FILE_GONE, or skipped if it was a
    temporary file anyway). Records name files by :func:`display_name`; the paths returned are real.
    The programme definition (``programme.json``) is the programme's, not a submission: it has no record.
    """
    entries = sorted(os.scandir(folder), key=lambda e: e.name)
    names = {display_name(e.name) for e in entries}
    candidates: list[Path] = []
    records: list[SourceRecord] = []
    for entry in entries:
        if entry.name == PROGRAMME_FILE:  # the programme definition (jwmodel.definition): not a submission
            continue
        try:
            outcome = _classify(entry, names)
        except FileNotFoundError:
            outcome = _vanished(display_name(entry.name))
        except OSError as exc:
            outcome = _unexaminable(display_name(entry.name), exc)
        if isinstance(outcome, SourceRecord):
            records.append(outcome)
        else:
            candidates.append(outcome)
    return candidates, records


def _classify(entry: os.DirEntry[str], names: set[str]) -> Path | SourceRecord:
    """A workbook to read (its real path), or the record of what else ``entry`` is."""
    name = display_name(entry.name)
    if entry.is_symlink():
        return SourceRecord(
            name, "", "other", Status.SKIPPED, "a symbolic link: not followed; copy the file itself into the folder"
        )
    info = entry.stat(follow_symlinks=False)
    if stat.S_ISDIR(info.st_mode):
        return SourceRecord(name, "", "other", Status.SKIPPED, "a folder: only files at the top of the folder are read")
    if not stat.S_ISREG(info.st_mode):
        return SourceRecord(
            name, "", "other", Status.SKIPPED, "not a regular file (a pipe, device or socket): not opened"
        )
    return _by_name(name, names) or Path(entry.path)


def _by_name(name: str, names: set[str]) -> SourceRecord | None:
    """What a regular file is by its name: None for a workbook to read, else its record."""
    lock = _LOCK_EXCEL.match(name) or _LOCK_LIBRE.match(name)
    suffix = Path(name).suffix.lower()
    if lock:
        target = lock.groupdict().get("name") or next(
            (n for n in sorted(names) if n != name and n.endswith(lock.group("tail"))), lock.group("tail")
        )
        return SourceRecord(
            name,
            "",
            "lock file",
            Status.SKIPPED,
            f"an Office lock file: {target} may still be open; close it and check it was saved",
        )
    if _TEMP.match(name):
        return SourceRecord(
            name, "", "temporary file", Status.SKIPPED, "a temporary or partly downloaded file: skipped"
        )
    if name.startswith("."):
        return SourceRecord(name, "", "other", Status.SKIPPED, "a hidden file: skipped")
    if suffix in _WRONG_FORMAT:
        code, message = _WRONG_FORMAT[suffix]
        return SourceRecord(name, "", "unknown", Status.REJECTED, "", (file_error(code, message, name),))
    if suffix != ".xlsx":
        return SourceRecord(name, "", "other", Status.SKIPPED, "not a workbook (.xlsx): skipped")
    return None


def _vanished(name: str) -> SourceRecord:
    """A file gone between the listing and a look at it: skipped if it would have been, else FILE_GONE."""
    known = _by_name(name, set())
    if known is not None and known.status == Status.SKIPPED:
        return replace(known, taken=f"{known.taken} (it was gone before it could be looked at)")
    return SourceRecord(name, "", "unknown", Status.REJECTED, "", (gone(name),))


def _unexaminable(name: str, exc: OSError) -> SourceRecord:
    message = f"the file cannot be examined ({exc.strerror or exc}): check it can be read, then run again"
    return SourceRecord(name, "", "unknown", Status.REJECTED, "", (file_error("FILE_UNREADABLE", message, name),))


# --- one file --------------------------------------------------------------------------------------


def extract(path: str | Path, limits: Limits = _LIMITS) -> Extracted:
    """Read one file into a compact record; never raises (an unexpected error is that file's INTERNAL_ERROR).

    Its findings are capped at :data:`MAX_FINDINGS_PER_FILE` (see :func:`cap_findings`).
    """
    try:
        submission, record = reading.read_submission(path, limits=limits)
    except Exception as exc:  # the worker's boundary: report, never crash the batch
        return failed(display_name(path), exc)
    return submission, _capped(record)


def failed(
    file: str, exc: BaseException, doing: str = "reading it", sha256: str = "", kind: str = "unknown"
) -> Extracted:
    """The record of a file whose processing failed unexpectedly: rejected, with INTERNAL_ERROR naming it."""
    return None, SourceRecord(file, sha256, kind, Status.REJECTED, "", (internal_error(file, exc, doing),))


def lost(path: str | Path, code: str, message: str) -> Extracted:
    """The record of a file the reader never answered for (its worker crashed or was stopped)."""
    data, _ = read_regular_file(path)
    name = display_name(path)
    return None, SourceRecord(
        name, sha256_of(data) if data else "", "unknown", Status.REJECTED, "", (file_error(code, message, name),)
    )


CRASHED = (
    "reading this file made the reader fail outright (the file is probably damaged or built to attack "
    "spreadsheet readers); nothing from it is used: save it again from Excel as .xlsx"
)


def timed_out(timeout: float) -> str:
    """The READER_TIMEOUT message for a reader stopped after ``timeout`` seconds."""
    return (
        f"reading this file took more than {timeout:.0f} seconds and was stopped; a return takes a fraction "
        "of a second: save it again from Excel as .xlsx"
    )


def cap_findings(findings: Sequence[Finding], limit: int = MAX_FINDINGS_PER_FILE) -> tuple[Finding, ...]:
    """One file's findings: the first ``limit`` listed one by one, then at most one finding per code.

    Nothing is dropped silently: a code with several findings beyond the first ``limit`` gets one
    finding in their place, of the same code and severity, saying how many there are and where the
    first and last are (its ``value`` is that count); a code with just one keeps it as it is. So a
    capped list is never longer than ``limit`` plus the number of codes, and capping it again
    changes nothing. A file's status does not change (it was decided on all of them).
    """
    cut: dict[str, list[Finding]] = {}
    for f in findings[limit:]:
        cut.setdefault(f.code, []).append(f)
    if all(len(group) == 1 for group in cut.values()):
        return tuple(findings)
    total = len(findings)
    return (
        *findings[:limit],
        *(group[0] if len(group) == 1 else _more_like(group, total, limit) for group in cut.values()),
    )


def _more_like(group: list[Finding], total: int, limit: int) -> Finding:
    first, last = group[0], group[-1]
    sheets = {f.where.sheet for f in group}
    span = f"{_place(first.where)} to {_place(last.where)}"
    return Finding(
        first.code,
        f"and {len(group):,} more like this ({span}), not listed one by one: this file has {total:,} findings "
        f"and only the first {limit} are listed; correct them all before sending it again",
        Location(first.where.file, first.where.sheet if len(sheets) == 1 else ""),
        len(group),
    )


_MORE_LIKE_THIS = re.compile(r"and [\d,]+ more like this \(")


def findings_not_listed(findings: Iterable[Finding]) -> int:
    """How many findings capping left unlisted: the counts its "and N more like this" findings carry.

    For a summary line or banner ("12,345 findings not listed one by one: see each file's").
    """
    return sum(f.value for f in findings if isinstance(f.value, int) and _MORE_LIKE_THIS.match(f.message))


def _place(where: Location) -> str:
    if not where.sheet:
        return "the file"
    return f"'{where.sheet}'!{where.cell}" if where.cell else f"'{where.sheet}'"


def _capped(record: SourceRecord) -> SourceRecord:
    if len(record.findings) <= MAX_FINDINGS_PER_FILE:
        return record
    findings = cap_findings(record.findings)
    return record if len(findings) == len(record.findings) else replace(record, findings=findings)


# --- reader workers ------------------------------------------------------------------------------


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


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this worker when the process that started it dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: closing the pipe ends still works
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _worker(conn: Connection, limits: Limits, inherited: Sequence[Connection], parent: int) -> None:
    """Receive batches of (index, path), send back (index, record) as each file is done.

    Pipe ends inherited from the parent (its end of this worker's pipe and of the others') are
    closed first: otherwise this worker would itself keep its pipe open and never see end of file
    when the parent goes. Ctrl-C is left to the parent, which stops the workers.
    """
    for end in inherited:
        end.close()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if s is not None:
            signal.signal(s, signal.SIG_DFL)
    # Reading a file allocates thousands of small objects and frees them all (no cycles, as a rule),
    # so automatic collections would only rescan live ones: collect every 64 files instead, which
    # still bounds any cyclic garbage a damaged file leaves (and what the parent held is frozen out).
    gc.disable()
    gc.freeze()
    done = 0
    sender = _Sender()
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if batch is None:
            return
        for index, path in batch:
            if not _answer(conn, sender, index, path, extract(path, limits)):
                return
            done += 1
            if done % 64 == 0:
                gc.collect()


def _answer(conn: Connection, sender: _Sender, index: int, path: str, outcome: Extracted) -> bool:
    """Send one file's record to the parent; False if the parent is gone."""
    try:
        data = sender.dumps((index, outcome))
    except Exception as exc:  # the record cannot be pickled: nothing was sent yet, so say why instead
        sender.unsent()
        failure = failed(display_name(path), exc, "sending what was read to the main process")
        return _answer(conn, sender, index, path, failure)
    try:
        conn.send_bytes(data)
    except OSError:
        return False
    sender.sent()
    return True


# A file's programme lists (its Lists sheet read as a ProgrammeSetup: partners, service areas and their cells)
# are one object for every file of a programme a worker reads (reading keeps them, by their cells), and were a
# third of each record sent. A worker sends them whole with the first record that holds them, and by number
# after that; the main process keeps the last few it was sent whole by each worker, as the worker does.
_LISTS_KEPT = 8
_LISTS_RECEIVED: dict[int, dict[int, ProgrammeSetup]] = {}  # in the main process: worker pid -> number -> lists


class _Sender:
    """Pickles a worker's records for the main process (see ``_LISTS_KEPT``); what was sent is the same."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.numbered: dict[int, tuple[ProgrammeSetup, int]] = {}  # id -> (lists, number): sent whole, oldest first
        self.pending: list[tuple[ProgrammeSetup, int]] = []  # numbered in the record being sent
        self.count = 0
        self.buffer = io.BytesIO()
        self.pickler = pickle.Pickler(self.buffer, pickle.HIGHEST_PROTOCOL)  # one for every record, memo cleared
        self.pickler.dispatch_table = {**copyreg.dispatch_table, ProgrammeSetup: self._lists}

    def dumps(self, item: object) -> bytes:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.pickler.clear_memo()
        self.pickler.dump(item)
        return self.buffer.getvalue()

    def _lists(self, setup: ProgrammeSetup) -> tuple[Callable[..., ProgrammeSetup], tuple[object, ...]]:
        known = self.numbered.get(id(setup))
        if known is not None and known[0] is setup:
            return _lists_sent, (self.pid, known[1])
        number, self.count = self.count, self.count + 1
        self.pending.append((setup, number))
        return _lists_received, (self.pid, number, *(getattr(setup, f.name) for f in fields(setup)))

    def sent(self) -> None:
        """The record is sent: the lists it carried whole may be sent by number from now on."""
        for setup, number in self.pending:
            self.numbered[id(setup)] = (setup, number)
            if len(self.numbered) > _LISTS_KEPT:
                del self.numbered[next(iter(self.numbered))]
        self.pending.clear()

    def unsent(self) -> None:
        """The record could not be sent: the main process never saw the lists it carried."""
        self.pending.clear()


def _lists_received(pid: int, number: int, *values: object) -> ProgrammeSetup:
    """In the main process, unpickling: lists sent whole by worker ``pid``, kept as its ``number``."""
    setup = ProgrammeSetup(*values)  # type: ignore[arg-type]
    kept = _LISTS_RECEIVED.setdefault(pid, {})
    kept[number] = setup
    if len(kept) > _LISTS_KEPT:
        del kept[next(iter(kept))]
    return setup


def _lists_sent(pid: int, number: int) -> ProgrammeSetup:
    """In the main process, unpickling: lists worker ``pid`` sent whole before as its ``number``."""
    return _LISTS_RECEIVED[pid][number]


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    pending: deque[int] = field(default_factory=deque)  # indexes sent, in the order the worker reads them
    started: float = 0.0  # when the worker started on pending[0]


class _Pool:
    """Reader workers, each fed a few paths at a time through its own pipe, replaced when one fails.

    Workers start on the first :meth:`run` and serve every later one, so they are forked once, while the
    main process is small: a worker forked later from a main process holding thousands of records would
    carry a copy of its page tables (and count its pages in its RSS). Only a replacement for a worker that
    crashed or hung is forked later.
    """

    def __init__(self, *, workers: int, timeout: float, limits: Limits, depth: int) -> None:
        self.ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        self.timeout, self.limits, self.depth = timeout, limits, depth
        self.paths: Sequence[Path] = ()
        self.done: Callable[[int, Extracted], None] = lambda index, outcome: None
        self.queue: deque[int] = deque()
        self.workers = workers
        self.slots: list[_Slot] = []

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        forked = self.ctx.get_start_method() == "fork"  # only a forked worker inherits the parent's pipe ends
        inherited = (*(s.conn for s in self.slots), parent) if forked else ()
        process = self.ctx.Process(target=_worker, args=(child, self.limits, inherited, os.getpid()), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def run(self, paths: Sequence[Path], done: Callable[[int, Extracted], None]) -> None:
        """Start the workers not yet started; until every path has its record (``done(index, record)``): feed
        them, wait, collect, replace any that failed."""
        self.paths, self.done, self.queue = paths, done, deque(range(len(paths)))
        while len(self.slots) < min(self.workers, len(paths)):
            self.slots.append(self._spawn())
        while self.queue or any(s.pending for s in self.slots):
            self._feed()
            busy = [s for s in self.slots if s.pending]
            if busy:
                self._collect(self._wait(busy))

    def _feed(self) -> None:
        refill = max(1, self.depth // 2)
        for k, slot in enumerate(self.slots):
            if not self.queue or len(slot.pending) >= refill:
                continue
            share = -(-len(self.queue) // len(self.slots))  # keep the workers even towards the end
            batch = [self.queue.popleft() for _ in range(min(self.depth - len(slot.pending), share, len(self.queue)))]
            try:
                slot.conn.send([(i, str(self.paths[i])) for i in batch])
            except OSError:  # the worker is gone: its current file (if any) made it fail
                self.queue.extendleft(reversed(batch))
                self._replace(k, "READER_CRASHED", CRASHED)
                continue
            if not slot.pending:
                slot.started = time.monotonic()
            slot.pending.extend(batch)

    def _wait(self, busy: list[_Slot]) -> set[object]:
        soonest = min(s.started for s in busy) + self.timeout
        handles = [s.conn for s in busy] + [s.process.sentinel for s in busy]
        return set(wait(handles, timeout=max(0.0, soonest - time.monotonic())))

    def _collect(self, ready: set[object]) -> None:
        for k, slot in enumerate(self.slots):
            if not slot.pending:
                continue
            dead = not self._receive(slot, ready)
            if not slot.pending:
                continue
            if dead or slot.process.sentinel in ready:
                self._replace(k, "READER_CRASHED", CRASHED)
            elif time.monotonic() - slot.started > self.timeout:
                self._replace(k, "READER_TIMEOUT", timed_out(self.timeout))

    def _receive(self, slot: _Slot, ready: set[object]) -> bool:
        """Take every record the worker has sent; False if its pipe broke."""
        while slot.pending and (slot.conn in ready or slot.conn.poll()):
            ready.discard(slot.conn)
            try:
                data = slot.conn.recv_bytes()
            except (EOFError, OSError):
                return False
            index, outcome = pickle.loads(data)
            expected = slot.pending.popleft()
            if index != expected:  # pragma: no cover - the worker reads its queue in order
                raise RuntimeError(f"reader worker answered for file {index}, expected {expected}")
            slot.started = time.monotonic()
            self.done(index, outcome)
        return True

    def _replace(self, k: int, code: str, message: str) -> None:
        """The worker in slot k failed: reject the file it was on (if any), requeue the rest, start a fresh one."""
        slot = self.slots[k]
        head = slot.pending.popleft() if slot.pending else None
        self.queue.extendleft(reversed(slot.pending))
        slot.process.kill()
        slot.process.join()
        slot.conn.close()
        _LISTS_RECEIVED.pop(slot.process.pid, None)
        self.slots[k] = self._spawn()
        if head is not None:
            self.done(head, lost(self.paths[head], code, message))

    def close(self, *, now: bool) -> None:
        """Stop every worker: asked to finish, or (``now``, when the run is being abandoned) killed."""
        if not now:
            for slot in self.slots:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
        for slot in self.slots:
            if not now:
                slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
            slot.process.join()
            slot.conn.close()
            _LISTS_RECEIVED.pop(slot.process.pid, None)


@contextmanager
def _no_automatic_gc() -> Iterator[None]:
    """The records coming back hold no reference cycles; collecting garbage while thousands of them
    arrive only rescans them (a third of the reading loop's time), so collection waits until the end."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def extract_all(
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    timeout: float = 120.0,
    limits: Limits = _LIMITS,
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
    queued behind it go to the fresh worker. SIGTERM while reading stops the workers and exits
    (status 143); if this process is killed outright, the workers go too. To read several lists
    of paths with the same workers, use :func:`reader_pool`.
    """
    with reader_pool(timeout=timeout, limits=limits, depth=depth) as extractor:
        return extractor(paths, workers=workers, on_result=on_result)


@contextmanager
def reader_pool(
    *, timeout: float = 120.0, limits: Limits = _LIMITS, depth: int = 8
) -> Iterator[Callable[..., list[Extracted]]]:
    """An extractor with :func:`extract_all`'s signature (``extractor(paths, *, workers=None, on_result=None)``)
    whose workers start on its first call and serve every later call until the ``with`` block ends.

    A folder read a chunk at a time (``batch.read_folder``) so forks its workers once, before any record
    has accumulated in this process, not again for each chunk from a process that has grown. Nothing
    starts if it is never called. Leaving the block stops the workers (killing them if it is left by an
    exception); SIGTERM inside it stops them and exits, as for :func:`extract_all`.
    """
    pools: dict[int, _Pool] = {}

    def extractor(
        paths: Sequence[Path], *, workers: int | None = None, on_result: Callable[[Extracted], None] | None = None
    ) -> list[Extracted]:
        workers = default_workers() if workers is None else workers
        results: list[Extracted | None] = [None] * len(paths)

        def done(index: int, outcome: Extracted) -> None:
            results[index] = outcome
            if on_result:
                on_result(outcome)

        if workers == 0 or not paths:
            for i, path in enumerate(paths):
                done(i, extract(path, limits))
            return results  # type: ignore[return-value]
        pool = pools.setdefault(workers, _Pool(workers=workers, timeout=timeout, limits=limits, depth=depth))
        try:
            with _no_automatic_gc():
                pool.run(paths, done)
        except BaseException:
            pools.pop(workers).close(now=True)
            raise
        return results  # type: ignore[return-value]

    with sigterm_exits():
        finished = False
        try:
            yield extractor
            finished = True
        finally:
            for pool in pools.values():
                pool.close(now=not finished)


# --- in the parent, as each file comes back --------------------------------------------------------


class Admission:
    """The parent's step for each file as its record comes back, before resubmissions are resolved.

    - A copy of content already accepted (same SHA-256 as an earlier file that was read and used)
      is skipped: "identical to ...". Only accepted content is skipped this way: two identical
      files that are rejected (two empty uploads from different senders) each keep their own
      record, findings and receipt.
    - Submissions share one copy of identical programme lists, so memory does not grow with them.
    - Findings are capped per file (:func:`cap_findings`), whatever extractor read the file.
    - An unexpected error here rejects that file with INTERNAL_ERROR; the batch goes on.
    """

    def __init__(self) -> None:
        self._accepted: dict[str, str] = {}  # SHA-256 -> the first file with that content that was used
        self._setups: dict[object, object] = {}
        self._shared: object = None  # the copy of lists last kept: a worker sends one object for a programme's files

    def __call__(self, item: Extracted) -> Extracted:
        submission, record = item
        try:
            return self._admit(submission, _capped(record))
        except Exception as exc:  # the parent's per-file boundary
            return failed(record.file, exc, "comparing it with the files read before it", record.sha256, record.kind)

    def _admit(self, submission: PartnerReturn | WorkstreamProposal | None, record: SourceRecord) -> Extracted:
        if submission is None:
            return None, record
        first = self._accepted.get(record.sha256) if record.sha256 else None
        if first is not None and first != record.file:
            taken = f"identical to {first} (same SHA-256): processed once"
            return None, replace(record, status=Status.SKIPPED, taken=taken, findings=())
        if submission.setup is not None and submission.setup is not self._shared:
            shared = self._shared = self._setups.setdefault(submission.setup, submission.setup)
            if shared is not submission.setup:
                submission = replace(submission, setup=shared)
        if record.sha256:
            self._accepted.setdefault(record.sha256, record.file)
        return submission, record


def drop_identical(extracted: Iterable[Extracted]) -> list[Extracted]:
    """Each record through a fresh :class:`Admission`: identical copies of accepted content are skipped."""
    admit = Admission()
    return [admit(x) for x in extracted]
