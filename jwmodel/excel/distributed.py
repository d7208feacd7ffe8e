"""Reading a folder's files on an existing Dask cluster (``jwmodel consolidate --dask ADDRESS``).

``dask_extractor(address)`` gives a drop-in for ``intake.extract_all``: it sends the paths (never the
files) to the cluster's workers through Dask's futures interface, a few files per task; each worker
reads its files with the same ``intake.extract`` (guard, python-calamine, checks) and sends back the
same compact records, which come back in the order of the paths. Everything after reading
(resubmissions, consolidation, writing) runs here, as in a local run, so the results are identical.

The workers must reach the same paths (a shared or network folder mounted at the same place) and
have the same jwmodel installed.

Isolation, as in the local intake:

- a file that takes longer than ``timeout`` seconds is rejected as READER_TIMEOUT (the worker
  thread reading it is left behind: restart the workers when convenient);
- a worker that dies while reading a task's files (Dask raises ``KilledWorker``) loses those and
  any other tasks it held; once everything else is read, each of their files is sent again alone,
  one at a time, so a file that kills a worker again is rejected as READER_CRASHED and the others
  are read as usual. Set the scheduler's ``distributed.scheduler.allowed-failures`` to 0 so that a
  hostile file kills one worker rather than four (Dask's default tries a task three more times).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from jwmodel.excel import intake
from jwmodel.excel.guard import Limits
from jwmodel.excel.intake import CRASHED, Extracted, lost, timed_out

__all__ = ["dask_extractor"]

_LIMITS = Limits()
TASK_FILES = 8  # files per task: few enough to spread over the workers, enough to keep overhead low


def _extract_in_time(path: str, timeout: float, limits: Limits) -> Extracted:
    """``intake.extract`` on a worker, given up after ``timeout`` seconds.

    Looked up when called, so a worker plugin can wrap it.
    """
    box: list[Extracted] = []
    reader = threading.Thread(
        target=lambda: box.append(intake.extract(path, limits)), name=f"jwmodel-read {Path(path).name}", daemon=True
    )
    reader.start()
    reader.join(timeout)
    if box:
        return box[0]
    return lost(Path(path), "READER_TIMEOUT", timed_out(timeout))


def _extract_task(paths: Sequence[str], timeout: float, limits: Limits) -> list[Extracted]:
    """A task on a Dask worker: read a few files, return their compact records."""
    return [_extract_in_time(path, timeout, limits) for path in paths]


def dask_extractor(
    address,
    *,
    task_files: int = TASK_FILES,
    timeout: float = 120.0,
    limits: Limits = _LIMITS,
) -> Callable[..., list[Extracted]]:
    """An ``extract_all`` that reads on the Dask cluster at ``address`` (or through a ``distributed.Client``).

    The callable takes ``(paths, *, workers=None, on_result=None)`` like ``extract_all`` and returns
    the records in the order of ``paths``; ``workers`` is ignored (the cluster has its own).
    """
    return _DaskReader(address, task_files=task_files, timeout=timeout, limits=limits)


class _DaskReader:
    def __init__(self, address, *, task_files: int, timeout: float, limits: Limits) -> None:
        self.address, self.task_files, self.timeout, self.limits = address, max(1, task_files), timeout, limits
        self._client = None

    def client(self):
        """The ``distributed.Client``, connected on first use."""
        from distributed import Client

        if self._client is None:
            address = self.address
            self._client = address if isinstance(address, Client) else Client(address, set_as_default=False)
        return self._client

    def __call__(
        self,
        paths: Sequence[str | Path],
        *,
        workers: int | None = None,
        on_result: Callable[[Extracted], None] | None = None,
    ) -> list[Extracted]:
        names = [str(Path(p).absolute()) for p in paths]
        results: list[Extracted | None] = [None] * len(names)

        def done(i: int, outcome: Extracted) -> None:
            results[i] = outcome
            if on_result:
                on_result(outcome)

        suspects = self._read_in_tasks(names, done)
        # Nothing else runs now: each suspect is read alone, so a worker that dies is its doing.
        for i in sorted(suspects):
            done(i, self._read_alone(names[i]))
        return results  # type: ignore[return-value]

    def _read_in_tasks(self, names: list[str], done: Callable[[int, Extracted], None]) -> list[int]:
        """Read every file, a few per task; the indexes of files whose task was lost with its worker."""
        from distributed import as_completed

        c = self.client()
        futures = {}
        for first in range(0, len(names), self.task_files):
            batch = list(range(first, min(first + self.task_files, len(names))))
            future = c.submit(
                _extract_task, [names[i] for i in batch], self.timeout, self.limits, pure=False, retries=0
            )
            futures[future] = batch
        suspects: list[int] = []
        for future in as_completed(list(futures), loop=c.loop):
            batch = futures.pop(future)
            try:
                outcomes = future.result()
            except Exception:  # KilledWorker, or results lost with a worker: check these files alone
                suspects.extend(batch)
                continue
            finally:
                future.release()
            for i, outcome in zip(batch, outcomes, strict=True):
                done(i, outcome)
        return suspects

    def _read_alone(self, name: str) -> Extracted:
        """One file in a task of its own: if its worker dies again, the file is READER_CRASHED."""
        future = self.client().submit(_extract_task, [name], self.timeout, self.limits, pure=False, retries=0)
        try:
            (outcome,) = future.result()
        except Exception as exc:
            message = CRASHED if _killed(exc) else f"{CRASHED} ({type(exc).__name__}: {exc})"
            outcome = lost(Path(name), "READER_CRASHED", message)
        finally:
            future.release()
        return outcome


def _killed(exc: BaseException) -> bool:
    try:
        from distributed.scheduler import KilledWorker
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, KilledWorker)
