"""Write a file whole or not at all: into a temporary file beside it, then renamed over it.

Before anything is written, :func:`check_target` refuses a path a run could not finish writing
(a folder, a workbook open in Excel or LibreOffice, a folder that is not there or not writable);
a failure while writing (a full disk, a read-only folder) becomes an :class:`OutputError` whose
message is one line a person can act on, and the temporary file is removed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jwmodel.errors import JwmodelError
from jwmodel.excel.stopping import sigterm_exits

__all__ = ["OutputError", "replacing", "check_target", "check_folder", "lock_files"]


class OutputError(JwmodelError, OSError):
    """An output cannot be written; the message says which and what to do."""


def lock_files(path: Path) -> tuple[Path, ...]:
    """The lock files Excel (``~$out.xlsx``) and LibreOffice (``.~lock.out.xlsx#``) leave beside an open file."""
    return (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#"))


def check_target(path: str | Path) -> Path:
    """``path`` as a file a run can write, else OutputError (checked before any work is done)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for this output, e.g. {path / 'out.xlsx'}")
    if any(lock.exists() for lock in lock_files(path)):
        raise OutputError(f"{path.name} is open in Excel; close it or choose another name")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{parent} is a file, not a folder; {path.name} cannot be written there")
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: the folder {parent} is read-only; choose another folder")
    return path


def check_folder(folder: str | Path) -> Path:
    """``folder`` as a folder a run can write files into, else OutputError."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file; give a folder for these outputs")
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {folder}: the folder is read-only; choose another folder")
    return folder


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


@contextmanager
def replacing(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it goes.

    The file gets the usual permissions for a new file (0666 less the umask), not mkstemp's 0600,
    so colleagues sharing the folder can open it.

    Raises:
        OutputError: the path cannot be written (see :func:`check_target`), or writing failed.
    """
    path = check_target(path)
    with sigterm_exits():  # SIGTERM from here on raises SystemExit, so the temporary file goes too
        tmp = _temporary(path, suffix)
        try:
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            cause = _os_error(exc)
            if cause is None or isinstance(exc, OutputError):
                raise
            raise OutputError(f"cannot write {path}: {_reason(cause)}") from exc


def _temporary(path: Path, suffix: str) -> Path:
    """An empty temporary file beside ``path``, removed again if anything stops its making."""
    name = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=suffix, prefix=".tmp-", dir=path.parent)
        os.close(fd)
        return Path(name)
    except BaseException as exc:
        if name:
            Path(name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
        raise


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: itself, or one a library wrapped (XlsxWriter's FileCreateError)."""
    for candidate in (exc, *(exc.args[:1] if exc.args else ()), exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError):
            return candidate
    return None
