"""Stopping cleanly when asked to: SIGTERM and SIGHUP become ``SystemExit`` while a run is under way.

By default SIGTERM ends a Python process on the spot: no ``finally`` block runs, so a temporary
output file stays beside the real one and reader workers are not told to stop. Inside
:func:`sigterm_exits` the signal raises ``SystemExit(128 + signal)`` in the main thread instead,
so every cleanup runs and the exit status is still the conventional one (143 for SIGTERM).
SIGKILL cannot be caught; the reader workers look after themselves then (see ``intake``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["sigterm_exits"]

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """While inside, SIGTERM (and SIGHUP) raise ``SystemExit`` so that cleanups run.

    Only signals left at their default action are taken over, and only in the main thread (the
    only one that may set handlers): a host that handles SIGTERM itself (a web server running the
    add-in's scripts) keeps its own handling. Nested uses are harmless; the previous handlers come
    back on leaving.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    taken = [s for s in _SIGNALS if signal.getsignal(s) is signal.SIG_DFL]
    for s in taken:
        signal.signal(s, _exit)
    try:
        yield
    finally:
        for s in taken:
            signal.signal(s, signal.SIG_DFL)
