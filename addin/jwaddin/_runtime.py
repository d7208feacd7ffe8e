"""The xlwings decorators and error type for whichever runtime imported us, or stand-ins for none.

xlwings picks its decorators when it is first imported: Office.js ones when XLWINGS_ON_SERVER is
"true" (xlwings Server, xlwings Lite), COM ones on Windows with pywin32 (classic), and pass-through
ones otherwise. Without xlwings installed at all, the stand-ins here pass through too, so the
functions stay plain callables either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jwmodel.errors import JwmodelError

__all__ = ["FunctionInputError", "func", "arg", "script", "HAVE_XLWINGS"]

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


func = _xw.func if _xw is not None else _pass_through
arg = _xw.arg if _xw is not None else _pass_through
script = _xw.script if _xw is not None else _pass_through
