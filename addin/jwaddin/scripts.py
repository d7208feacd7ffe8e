"""Every script of the add-in: consolidate partner returns into the open model workbook
(``jw_consolidate_returns``), and check one return (``jw_check_return``).

``jw_consolidate_returns`` reads the folder named on the 'Read me' sheet (cell B6), reads every
partner return and workstream proposal in it with the same reader as ``jwmodel consolidate``,
writes the six input tables of the open workbook from them, rewrites the Shares and Checks sheets
for the partners and service areas found, reports what happened to each file, and recalculates so
every JW_ formula refreshes. Where the folder is depends on the runtime:

* classic xlwings: any folder the PC can see (``RunPython "import jwaddin.scripts as s;
  s.jw_consolidate_returns()"``);
* xlwings Lite: a folder of the browser's file system: ``/data`` for imported files, or a mounted
  local folder;
* xlwings Server: a folder inside ``JWADDIN_RETURNS_ROOT`` on the server. Until that is set the
  script reads nothing. The cell's folder is taken relative to it; anything that ends up outside
  it (``..``, another absolute path, a symbolic link pointing out) is refused, and every message,
  status and Sources text written to the workbook shows paths relative to it, never the server's.

Wherever ``JWADDIN_RETURNS_ROOT`` is set (classic and Lite too) the same rule holds; where it is not
(classic, Lite), a local user reads their own folders. A refusal is written into the status cell
('Read me'!B7) as "Not run: ...", and the previous run's file list is cleared.

``jw_check_return`` checks the file named on 'Read me'!B8 (in the folder on B6, under the same
rules) with ``jwmodel.check_files`` and lists its findings under the status cell.

Each script has a button on the Read me sheet (``jwmodel.layout.SCRIPT_BUTTONS``: C6 and C8): in
xlwings Lite and Server, selecting the button cell runs the script. The script names are stable.

Text from returns is always written as text, never as a formula.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import xlwings as xw

import jwmodel
from jwaddin import _runtime
from jwaddin._runtime import FunctionInputError, script
from jwaddin.convert import excel_error
from jwmodel.cells import parse_text
from jwmodel.consolidation import Consolidation
from jwmodel.errors import JwmodelError
from jwmodel.findings import a1
from jwmodel.layout import (
    CHECK_FILE_CELL,
    CONTROL_SHEET,
    FOLDER_CELL,
    HEADER_ROW,
    SCRIPT_BUTTONS,
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
from jwmodel.tables.outputs import FINDINGS, SOURCES, findings_rows, flat, sources_rows

__all__ = [
    "ROOT_VARIABLE",
    "jw_consolidate_returns",
    "jw_check_return",
    "button",
    "return_file",
    "check_status",
    "consolidate_folder",
    "fill_model",
    "returns_root",
    "returns_folder",
    "shown_paths",
]

DETAIL_ROWS = 200  # rows under the status cell cleared for the list of files
ROOT_VARIABLE = "JWADDIN_RETURNS_ROOT"
_WHERE = f"'{CONTROL_SHEET}'!{a1(*FOLDER_CELL)}"


def returns_root() -> Path | None:
    """The folder every returns folder must be inside (``JWADDIN_RETURNS_ROOT``, resolved), or None
    where it is not set and the runtime is local (classic xlwings, xlwings Lite).

    Raises:
        FunctionInputError: on xlwings Server with no root set, or a root that is not a folder
            (the message does not show the server's path).
    """
    configured = os.environ.get(ROOT_VARIABLE, "").strip()
    if not configured:
        if _runtime.ON_SERVER:
            raise FunctionInputError(
                f"this server reads no returns until its administrator sets {ROOT_VARIABLE} to the folder "
                "that holds the returns folders (see docs/excel-addin.md, xlwings Server); nothing was read"
            )
        return None
    root = Path(configured).expanduser().resolve()
    if not root.is_dir():
        raise FunctionInputError(
            f"the returns folder this add-in is set up with ({ROOT_VARIABLE}) is not a folder; ask its administrator"
        )
    return root


def returns_folder(raw: object, root: Path | None = None, *, where: str = _WHERE) -> Path:
    """The folder named in the workbook, checked: inside ``root`` when one is given.

    The cell is read relative to ``root``; the folder it resolves to (``..`` and symbolic links
    followed) must be ``root`` or inside it. Messages quote what was typed, never the root's path.

    Raises:
        FunctionInputError: the cell is empty or shows an error, the folder is outside ``root``,
            or it is not a folder.
    """
    shown_error = excel_error(raw)
    if shown_error is not None:
        raise FunctionInputError(f"{where} shows {shown_error}: put there the folder that holds the returns")
    text = parse_text(raw)
    if not text:
        raise FunctionInputError(
            f"{where} is empty: put there the folder that holds the partner returns and workstream proposals"
        )
    path = Path(text).expanduser()
    if root is not None:
        path = (root / path).resolve()  # an absolute path replaces root, and is then checked like any
        if not path.is_relative_to(root):
            raise FunctionInputError(
                f"{where}: {text!r} is outside the returns folder this add-in reads from; "
                "name a folder inside it, such as 2012"
            )
    if not path.is_dir():
        raise FunctionInputError(f"{where}: {text!r} is not a folder here; give the folder that holds the returns")
    return path


def shown_paths(root: Path | None) -> Callable[[str], str]:
    """Text as the workbook may show it: the root's path (as configured and as resolved) taken out,
    so '/srv/returns/2012/x.xlsx' reads '2012/x.xlsx'. Without a root, text is unchanged."""
    if root is None:
        return lambda text: text
    forms = {str(root), os.environ.get(ROOT_VARIABLE, "").strip().rstrip("/\\")} - {""}
    prefixes = sorted(forms, key=len, reverse=True)

    def shown(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix + os.sep, "").replace(prefix, "the returns folder")
        return text

    return shown


def consolidate_folder(
    folder: Path, *, shown: Callable[[str], str] = str
) -> tuple[Programme, Consolidation, tuple[SourceRecord, ...]]:
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
            f"nothing usable in {shown(str(folder))}: no accepted partner return or workstream proposal among "
            f"{len(run.sources)} files"
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


def _status(book: xw.Book, status: str, details: list[list[object]]) -> None:
    """The status cell ('Read me'!B7) and the file list under it (cleared first)."""
    control = book.sheets[CONTROL_SHEET]
    control.range((STATUS_CELL[0] + 1, STATUS_CELL[1] + 1)).value = _cell(status)
    first = STATUS_CELL[0] + 3
    control.range(
        (first, 1), (first + DETAIL_ROWS - 1, max(2, len(SOURCES.columns), len(FINDINGS.columns)))
    ).clear_contents()
    if details:
        control.range((first, 1)).value = details


def fill_model(
    book: xw.Book,
    programme: Programme,
    result: Consolidation,
    sources: Sequence[SourceRecord] = (),
    *,
    shown: Callable[[str], str] = str,
) -> None:
    """Write a programme into an open model workbook: tables, Shares, Checks and the file list
    (its text passed through ``shown``, e.g. ``shown_paths(root)``)."""
    tables = input_tables(programme, result)
    for table in tables:
        _write_table(book, table)
    _write_plan(book, shares_plan(programme, result, tables))
    _write_plan(book, checks_plan(programme, result, tables, summary_total_cell(result), partners_total_cell(result)))
    banner = incomplete_banner(sources, result.findings)
    status = f"{banner}. {sources_line(sources)}" if banner else sources_line(sources)
    details = [list(SOURCES.headers()), *(list(row) for row in sources_rows(sources[: DETAIL_ROWS - 1]))]
    _status(book, shown(status), [[_cell(_shown(flat(v), shown)) for v in row] for row in details])
    book.app.calculate()


def _shown(value: object, shown: Callable[[str], str]) -> object:
    return shown(value) if isinstance(value, str) else value


def button(name: str) -> str:
    """The script's button as xlwings Lite and Server name it: ``'Read me'!C6``."""
    return f"'{CONTROL_SHEET}'!{a1(*SCRIPT_BUTTONS[name][1])}"


def _read(book: xw.Book, cell: tuple[int, int]) -> object:
    return book.sheets[CONTROL_SHEET].range((cell[0] + 1, cell[1] + 1)).options(err_to_str=True).value


@script(button=button("jw_consolidate_returns"), show_taskpane=False)
def jw_consolidate_returns(book: xw.Book | None = None, folder: str = ""):
    """Consolidate the partner returns in the folder named on 'Read me'!B6 (or ``folder``, as the
    xlwings Server task pane passes it) into this workbook."""
    if book is None:  # classic xlwings: RunPython from the workbook
        book = xw.Book.caller()
    shown = str
    try:
        root = returns_root()
        shown = shown_paths(root)
        where = _WHERE if not folder else "the folder chosen"
        chosen = returns_folder(folder or _read(book, FOLDER_CELL), root, where=where)
        programme, result, sources = consolidate_folder(chosen, shown=shown)
    except (JwmodelError, jwmodel.UsageError) as exc:  # FunctionInputError is a JwmodelError
        _status(book, shown(f"Not run: {exc}"), [])
        return
    except OSError as exc:  # e.g. no permission to list the folder: said here, not as a server error
        _status(book, shown(f"Not run: could not read the folder: {exc}"), [])
        return
    fill_model(book, programme, result, sources, shown=shown)


_FILE_WHERE = f"'{CONTROL_SHEET}'!{a1(*CHECK_FILE_CELL)}"


def return_file(folder: Path, raw: object, root: Path | None = None, *, where: str = _FILE_WHERE) -> Path:
    """The return named in the workbook (or by the task pane), in ``folder``, checked like the folder:
    inside ``root`` when one is given, and a file.

    Raises:
        FunctionInputError: the name is empty or an error, outside ``root``, or not a file.
    """
    shown_error = excel_error(raw)
    if shown_error is not None:
        raise FunctionInputError(f"{where} shows {shown_error}: put there the name of the return to check")
    text = parse_text(raw)
    if not text:
        raise FunctionInputError(f"{where} is empty: put there the name of the return to check, e.g. return-HC.xlsx")
    path = (folder / Path(text).expanduser()).resolve()
    if root is not None and not path.is_relative_to(root):
        raise FunctionInputError(f"{where}: {text!r} is outside the returns folder this add-in reads from")
    if not path.is_file():
        raise FunctionInputError(f"{where}: {text!r} is not a file in that folder; give the return's file name")
    return path


def check_status(report: jwmodel.Report) -> tuple[str, list[list[object]]]:
    """A check's status line ('return-HC.xlsx: accepted with warnings (partner HC: 7 baseline rows);
    1 finding') and its findings as rows under the Findings table's headers."""
    n = len(report.findings)
    taken = f" ({report.taken})" if report.taken else ""
    line = f"{report.file}: {report.status}{taken}; {n} finding{'' if n == 1 else 's'}"
    rows = [list(FINDINGS.headers()), *(list(row) for row in findings_rows(report.findings[: DETAIL_ROWS - 1]))]
    return line, rows


def check_return(path: Path) -> jwmodel.Report:
    """``path`` checked by ``jwmodel.check_files``: in a worker process, except where there is none (Lite)."""
    (report,) = jwmodel.check_files([path], workers=1, isolated=sys.platform != "emscripten")
    return report


@script(button=button("jw_check_return"), show_taskpane=False)
def jw_check_return(book: xw.Book | None = None, file: str = ""):
    """Check the return named on 'Read me'!B8 (or ``file``), in the folder named on B6, and list
    its findings under the status cell."""
    if book is None:
        book = xw.Book.caller()
    shown = str
    try:
        root = returns_root()
        shown = shown_paths(root)
        folder = returns_folder(_read(book, FOLDER_CELL), root)
        where = _FILE_WHERE if not file else "the file chosen"
        report = check_return(return_file(folder, file or _read(book, CHECK_FILE_CELL), root, where=where))
    except (JwmodelError, jwmodel.UsageError) as exc:
        _status(book, shown(f"Not checked: {exc}"), [])
        return
    except OSError as exc:
        _status(book, shown(f"Not checked: could not read the file: {exc}"), [])
        return
    line, rows = check_status(report)
    _status(book, shown(line), [[_cell(_shown(flat(v), shown)) for v in row] for row in rows])
