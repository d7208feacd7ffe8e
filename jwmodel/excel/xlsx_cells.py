"""Writing values into XlsxWriter cells: the one place a value becomes a cell.

Numbers (``Decimal``, ``int``, ``float``) are written as numbers, ``None`` as a blank, a bool as a
boolean, and everything else as text, always as text (never a formula, a link or a number parsed
from text). Text longer than a cell holds is cut visibly, never silently. Every workbook jwmodel
writes is opened with :data:`WORKBOOK_OPTIONS` and marked with :func:`mark_output`, so a later run
over a folder that holds one knows it is an output, not a submission.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from jwmodel.tables import Table
from jwmodel.tables.outputs import flat, printable

__all__ = [
    "WORKBOOK_OPTIONS",
    "CELL_LIMIT",
    "ROW_LIMIT",
    "OUTPUT_PROPERTY",
    "write_value",
    "write_declared_rows",
    "fit_text",
    "mark_output",
]

WORKBOOK_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
CELL_LIMIT = 32_767  # the most characters an Excel cell holds
ROW_LIMIT = 1_048_576  # the most rows an Excel sheet holds
OUTPUT_PROPERTY = "jwmodel output"  # custom document property naming what the workbook is


def fit_text(text: str) -> str:
    """``text`` as it fits in one cell: cut with a note saying how much was left out, if too long."""
    text = printable(text)
    if len(text) <= CELL_LIMIT:
        return text
    note = " [cut here: {n:,} more characters; the JSON output holds the whole text]"
    keep = CELL_LIMIT - len(note.format(n=len(text)))
    while len(text[: keep + 1]) + len(note.format(n=len(text) - keep - 1)) <= CELL_LIMIT:
        keep += 1  # the count left out has fewer digits than the whole length: use the room
    return text[:keep] + note.format(n=len(text) - keep)


def write_value(ws: Any, row: int, col: int, value: object, fmt: object = None) -> None:
    """Write ``value`` into ``ws`` at (row, col), 0-based, by its type; text always as text."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal | int | float) and (number := _finite(value)) is not None:
        ws.write_number(row, col, number, fmt)
    else:  # text, and a number no cell can hold (NaN, infinity from a damaged file's finding) as its text
        ws.write_string(row, col, fit_text(str(flat(value))), fmt)


def _finite(value: Decimal | int | float) -> float | None:
    """``value`` as a float a cell can hold, or None (NaN, infinity, beyond a float's range)."""
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def mark_output(workbook: Any, what: str) -> None:
    """Mark an XlsxWriter workbook as written by jwmodel (``what``: e.g. "consolidated workbook")."""
    workbook.set_custom_property(OUTPUT_PROPERTY, what)


def write_declared_rows(
    ws: Any,
    table: Table,
    rows: Sequence[Sequence[object]],
    *,
    top: int,
    head: object = None,
    note: object = None,
    widths: Mapping[str, int] | None = None,
) -> None:
    """A declared table on a sheet: its headers on row ``top`` (0-based), its rows below, a filter.

    Rows beyond what a sheet holds are not dropped silently: the last row says how many more the
    JSON output lists. ``widths`` sets column widths by column key.
    """
    for col, header in enumerate(table.headers()):
        write_value(ws, top, col, header, head)
    room = ROW_LIMIT - top - 2  # the headers and a row for the note
    shown = rows if len(rows) <= room + 1 else rows[:room]
    for i, values in enumerate(shown, start=top + 1):
        for col, value in enumerate(values):
            write_value(ws, i, col, value)
    if len(shown) < len(rows):
        more = f"... and {len(rows) - len(shown):,} more rows than a sheet holds: the JSON output lists them all"
        write_value(ws, top + 1 + len(shown), 0, more, note)
    for key, width in (widths or {}).items():
        col = table.keys.index(key)
        ws.set_column(col, col, width)
    if shown:
        ws.autofilter(top, 0, top + len(shown), len(table.columns) - 1)
