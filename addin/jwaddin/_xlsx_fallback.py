"""A stand-in for python-calamine built on openpyxl, for runtimes that have no calamine wheel.

xlwings Lite runs Python in the browser (Pyodide), where only pure-Python packages install from
PyPI; python-calamine is compiled. ``install()`` puts this module in its place only when the real
one cannot be imported, so the returns are read by the same reader (``jwmodel.excel.reading``)
everywhere. It gives what calamine gives for the calls that reader makes: sheets from A1, empty
cells as "", numbers as float, dates as ``datetime``.
"""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path
from typing import Any

__all__ = ["install", "CalamineWorkbook"]


class _Sheet:
    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def to_python(self, skip_empty_area: bool = True) -> list[list[object]]:
        rows = []
        for row in self._ws.iter_rows(
            min_row=1, min_col=1, max_row=self._ws.max_row, max_col=self._ws.max_column, values_only=True
        ):
            rows.append(
                ["" if v is None else float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
            )
        while rows and all(v == "" for v in rows[-1]):
            rows.pop()
        return rows


class CalamineWorkbook:
    """The part of python_calamine.CalamineWorkbook that the returns reader uses."""

    def __init__(self, book: Any) -> None:
        self._book = book

    @classmethod
    def from_filelike(cls, filelike: Any) -> CalamineWorkbook:
        import openpyxl

        return cls(openpyxl.load_workbook(filelike, data_only=True))

    @classmethod
    def from_path(cls, path: str | Path) -> CalamineWorkbook:
        return cls.from_filelike(io.BytesIO(Path(path).read_bytes()))

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return _Sheet(self._book[name])


def install(*, force: bool = False) -> bool:
    """Make ``import python_calamine`` work; returns True when the stand-in was installed."""
    if not force:
        try:
            import python_calamine  # noqa: F401

            return False
        except ImportError:
            pass
    module = types.ModuleType("python_calamine")
    module.CalamineWorkbook = CalamineWorkbook  # type: ignore[attr-defined]
    module.__doc__ = __doc__
    sys.modules["python_calamine"] = module
    return True
