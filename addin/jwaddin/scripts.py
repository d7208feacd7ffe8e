"""Every script of the add-in: consolidate partner returns into the open model workbook.

``jw_consolidate_returns`` reads the folder named on the 'Read me' sheet (cell B6), reads every
partner return and workstream proposal in it with the same reader as ``jwmodel consolidate``,
writes the six input tables of the open workbook from them, rewrites the Shares and Checks sheets
for the partners and service areas found, reports what happened to each file, and recalculates so
every JW_ formula refreshes. Where the folder is depends on the runtime:

* classic xlwings: any folder the PC can see (``RunPython "import jwaddin.scripts as s;
  s.jw_consolidate_returns()"``);
* xlwings Lite: a folder of the browser's file system: ``/data`` for imported files, or a mounted
  local folder;
* xlwings Server: a folder on the server; set ``JWADDIN_RETURNS_ROOT`` and the cell names a folder
  inside it (anything outside is refused).

Text from returns is always written as text, never as a formula.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import xlwings as xw

import jwmodel
from jwaddin._runtime import FunctionInputError, script
from jwmodel.cells import parse_text
from jwmodel.consolidation import Consolidation
from jwmodel.findings import a1
from jwmodel.layout import (
    CONTROL_SHEET,
    FOLDER_CELL,
    HEADER_ROW,
    STATUS_CELL,
    Formula,
    InputTable,
    SheetPlan,
    checks_plan,
    input_tables,
    partners_total_cell,
    shares_plan,
    summary_total_cell,
)
from jwmodel.model import Programme
from jwmodel.report_text import incomplete_banner, sources_line
from jwmodel.submissions import SourceRecord
from jwmodel.tables.outputs import SOURCES, flat, sources_rows

__all__ = ["jw_consolidate_returns", "consolidate_folder", "fill_model", "returns_folder"]

DETAIL_ROWS = 200  # rows under the status cell cleared for the list of files


def returns_folder(raw: object) -> Path:
    """The folder named in the workbook, checked (and kept inside JWADDIN_RETURNS_ROOT if set)."""
    text = parse_text(raw)
    where = f"'{CONTROL_SHEET}'!{a1(*FOLDER_CELL)}"
    if not text:
        raise FunctionInputError(
            f"{where} is empty: put there the folder that holds the partner returns and workstream proposals"
        )
    path = Path(text).expanduser()
    root = os.environ.get("JWADDIN_RETURNS_ROOT")
    if root:
        base = Path(root).resolve()
        path = (path if path.is_absolute() else base / path).resolve()
        if not path.is_relative_to(base):
            raise FunctionInputError(
                f"{where}: {text!r} is outside the returns folder this server allows ({base}); name a folder inside it"
            )
    if not path.is_dir():
        raise FunctionInputError(f"{where}: {text!r} is not a folder here; give the folder that holds the returns")
    return path


def consolidate_folder(folder: Path) -> tuple[Programme, Consolidation, tuple[SourceRecord, ...]]:
    """Consolidate ``folder`` through ``jwmodel.consolidate_folder``, as ``jwmodel consolidate`` does,
    under the default options.

    Files are read in this process (``workers=0``): xlwings Lite has no worker processes, and a
    classic or Server script runs inside the host's own Python.
    """
    from jwaddin import _xlsx_fallback

    _xlsx_fallback.install()  # only where python-calamine has no wheel (xlwings Lite)
    run = jwmodel.consolidate_folder(Path(folder), workers=0, progress=False)
    if not run.usable:
        raise FunctionInputError(
            f"nothing usable in {folder}: no accepted partner return or workstream proposal among {len(run.sources)} "
            "files"
        )
    return run.programme, run.consolidation, run.sources


def _cell(value: object) -> object:
    """A value as the sheet takes it; text that would start a formula is kept as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _write_table(book: xw.Book, table: InputTable) -> None:
    sheet = book.sheets[table.sheet]
    rows = [list(table.headers), *([_cell(v) for v in row] for row in table.rows)]
    if len(rows) == 1:
        rows.append([None] * len(table.headers))  # an Excel table keeps one data row
    used = sheet.used_range
    last_row = max(used.last_cell.row, HEADER_ROW + len(rows))
    last_col = max(used.last_cell.column, len(table.headers))
    sheet.range((HEADER_ROW + 1, 1), (last_row, last_col)).clear_contents()
    sheet.range((HEADER_ROW + 1, 1)).value = rows
    sheet.range((1, 1)).value = table.title
    sheet.tables[table.table].resize(sheet.range((HEADER_ROW + 1, 1), (HEADER_ROW + len(rows), len(table.headers))))


def _write_plan(book: xw.Book, plan: SheetPlan) -> None:
    sheet = book.sheets[plan.name]
    sheet.clear_contents()
    sheet.range("A1").value = plan.title
    sheet.range("A2").value = plan.note
    for (row, col), value in sorted(plan.cells.items()):
        target = sheet.range((row + 1, col + 1))
        if isinstance(value, Formula):
            target.formula = value.text  # a JW_ anchor spills by itself
        else:
            target.value = _cell(value)


def fill_model(
    book: xw.Book, programme: Programme, result: Consolidation, sources: Sequence[SourceRecord] = ()
) -> None:
    """Write a programme into an open model workbook: tables, Shares, Checks and the file list."""
    tables = input_tables(programme, result)
    for table in tables:
        _write_table(book, table)
    _write_plan(book, shares_plan(programme, result, tables))
    _write_plan(book, checks_plan(programme, result, tables, summary_total_cell(result), partners_total_cell(result)))
    control = book.sheets[CONTROL_SHEET]
    banner = incomplete_banner(sources, result.findings)
    status = f"{banner}. {sources_line(sources)}" if banner else sources_line(sources)
    control.range((STATUS_CELL[0] + 1, STATUS_CELL[1] + 1)).value = status
    first = STATUS_CELL[0] + 3
    width = len(SOURCES.columns)
    control.range((first, 1), (first + DETAIL_ROWS - 1, max(2, width))).clear_contents()
    details = [list(SOURCES.headers()), *(list(row) for row in sources_rows(sources[: DETAIL_ROWS - 1]))]
    control.range((first, 1)).value = [[_cell(flat(v)) for v in row] for row in details]
    book.app.calculate()


@script
def jw_consolidate_returns(book: xw.Book | None = None):
    """Consolidate the partner returns in the folder named on 'Read me'!B6 into this workbook."""
    if book is None:  # classic xlwings: RunPython from the workbook
        book = xw.Book.caller()
    folder = returns_folder(book.sheets[CONTROL_SHEET].range((FOLDER_CELL[0] + 1, FOLDER_CELL[1] + 1)).value)
    programme, result, sources = consolidate_folder(folder)
    fill_model(book, programme, result, sources)
