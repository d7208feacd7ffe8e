"""The xlwings decorators and error type for whichever runtime imported us, or stand-ins for none.

xlwings picks its decorators when it is first imported: Office.js ones when XLWINGS_ON_SERVER is
"true" (xlwings Server, xlwings Lite), COM ones on Windows with pywin32 (classic), and pass-through
ones otherwise. Without xlwings installed at all, the stand-ins here pass through too, so the
functions stay plain callables either way.

``func`` reads every argument of a function with ``err_to_str=True``: without it xlwings turns a
cell showing #N/A, #DIV/0!... into None, an empty cell, in every runtime. With it the error arrives
as its text (Office.js: the Error value's basicValue; classic: the seven COM codes xlwings knows),
and ``jwaddin.convert`` refuses it naming the argument and cell.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any

from jwmodel.errors import JwmodelError

__all__ = ["FunctionInputError", "func", "arg", "script", "HAVE_XLWINGS", "CLASSIC", "ON_SERVER"]

try:
    import xlwings as _xw
    from xlwings import XlwingsError as _Base

    HAVE_XLWINGS = True
except ImportError:  # the engine's functions still work without xlwings
    _xw = None
    HAVE_XLWINGS = False

    class _Base(Exception):  # type: ignore[no-redef]
        """Stands in for xlwings.XlwingsError when xlwings is not installed."""


class FunctionInputError(JwmodelError, _Base, ValueError):
    """An input a user can fix; its message says what and how.

    It is xlwings' own error type (``xlwings.XlwingsError``), so xlwings Server and Lite put the
    message on the cell (#VALUE! with the message) instead of a generic error or a stack trace.
    """


def _pass_through(*args: Any, **kwargs: Any) -> Any:
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]

    def inner(f: Callable[..., Any]) -> Callable[..., Any]:
        return f

    return inner


CLASSIC = _xw is not None and not _xw.on_server and sys.platform.startswith("win") and bool(_xw.has_pywin32)
"""Classic xlwings (COM, Windows): cell errors xlwings does not name arrive as COM error codes (ints)."""

ON_SERVER = _xw is not None and _xw.on_server and sys.platform != "emscripten"
"""xlwings Server: Python on a shared server (xlwings Lite also runs Office.js, but in the browser)."""

arg = _xw.arg if _xw is not None else _pass_through
script = _xw.script if _xw is not None else _pass_through


def func(f: Callable[..., Any]) -> Callable[..., Any]:
    """xlwings' ``func`` with every argument read with ``err_to_str=True`` (a cell error arrives as
    its text, e.g. '#N/A', instead of as an empty cell); options set by ``arg`` are kept."""
    if _xw is None:
        return f
    decorated = _xw.func(f)
    for name in inspect.signature(f).parameters:
        decorated = _xw.arg(name, err_to_str=True)(decorated)
    return decorated
