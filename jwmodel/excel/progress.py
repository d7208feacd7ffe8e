"""Progress on a terminal: the files read, then each stage after reading, by name.

``jwmodel consolidate`` shows one line per stage on standard error (a terminal only, unless asked):
"Reading" counts the files, then "Assembling", "Consolidating", "Appraising" and "Writing the
workbook" follow, the last counting its sheets, so a long run never sits at 100% saying nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["STAGES", "stage"]

STAGES = ("assembling", "consolidating", "appraising", "writing the workbook")  # after reading, in order


@contextmanager
def stage(name: str, *, show: bool | None, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """One stage's progress line; yields ``step(what)``, which counts one of ``total`` steps and names it.

    Args:
        name: the stage, as :data:`STAGES` names it.
        show: True always, False never, None on a terminal only.
        total: the stage's steps (e.g. the sheets written), or None for a stage shown as its time taken.
    """
    from tqdm import tqdm

    form = "{desc}: {elapsed}{postfix}" if total is None else "{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}{postfix}"
    bar = tqdm(
        total=total,
        desc=name[:1].upper() + name[1:],
        bar_format=form,
        disable=(not show) if show is not None else None,
        file=sys.stderr,
    )

    def step(what: str) -> None:
        bar.set_postfix_str(what, refresh=False)
        if total is not None:
            bar.update(1)

    with bar:
        yield step
        bar.set_postfix_str("done")
