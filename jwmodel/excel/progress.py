"""Progress on a terminal: the files read, then each stage after reading, by name.

``jwmodel consolidate`` shows one line per stage on standard error (a terminal only, unless asked):
"Reading" counts the files, then "Assembling", "Consolidating", "Appraising" and "Writing the
workbook" follow, the last counting its sheets, so a long run never sits at 100% saying nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["STAGES", "stage", "bar"]

STAGES = ("assembling", "consolidating", "appraising", "writing the workbook")  # after reading, in order


@contextmanager
def stage(name: str, *, show: bool | None, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """One stage's progress line; yields ``step(what)``, which counts one of ``total`` steps and names it.

    Args:
        name: the stage, as :data:`STAGES` names it.
        show: True always, False never, None on a terminal only.
        total: the stage's steps (e.g. the sheets written), or None for a stage shown as its time taken.
    """
    form = "{desc}: {elapsed}{postfix}" if total is None else "{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}{postfix}"
    line = bar(show, total=total, desc=name[:1].upper() + name[1:], bar_format=form)

    def step(what: str) -> None:
        line.set_postfix_str(what, refresh=False)
        if total is not None:
            line.update(1)

    with line:
        yield step
        line.set_postfix_str("done")


def bar(show: bool | None, **options: object) -> object:
    """A tqdm progress bar on standard error (``show``: True always, False never, None on a terminal only).

    Never shown (False, or None with standard error not a terminal, as tqdm itself decides), it is a
    stand-in with the same calls, and tqdm is not imported (0.02-0.1 s of a command's start: tqdm imports
    its command line and the package metadata machinery)."""
    if show is False or (show is None and not _terminal(sys.stderr)):
        return _Hidden()
    from tqdm import tqdm

    return tqdm(disable=None if show is None else False, file=sys.stderr, **options)


def _terminal(stream: object) -> bool:
    """Whether tqdm's ``disable=None`` would show a bar on ``stream``: it is a terminal, or cannot say."""
    isatty = getattr(stream, "isatty", None)
    return isatty is None or bool(isatty())


class _Hidden:
    """A progress bar never shown."""

    def __enter__(self) -> _Hidden:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass
