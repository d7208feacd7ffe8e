"""Write a file whole or not at all: into a temporary file beside it, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jwmodel.excel.stopping import sigterm_exits

__all__ = ["replacing"]


@contextmanager
def replacing(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it goes.

    The file gets the usual permissions for a new file (0666 less the umask), not mkstemp's 0600,
    so colleagues sharing the folder can open it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=suffix, prefix=".tmp-", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    with sigterm_exits():  # SIGTERM while writing raises SystemExit, so the temporary file goes too
        try:
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
