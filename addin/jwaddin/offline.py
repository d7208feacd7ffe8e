"""The add-in without Excel: what Office.js would send, built from a saved workbook.

Used by the tests on Linux, and handy for checking a model workbook on a machine without Excel:

* ``officejs_args(path, sheet, formula)``: the arguments of a JW_ formula as Excel's Office.js
  client sends them (every argument a 2D array, ``None`` for an empty cell, whole numbers as
  ``int``), read from the workbook's own cells (their saved values);
* ``jw_formulas(path)``: every JW_ formula in a workbook, with where its result is saved;
* ``book_json(path)``: the workbook as the Office.js client sends it to a script.

Needs openpyxl and python-calamine (the development install has both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JwFormula", "jw_formulas", "officejs_args", "officejs_value", "book_json", "saved_block", "payload"]

_CALL = re.compile(r"^=?(JW_[A-Z_]+)\((.*)\)$", re.DOTALL)
_SAVED = re.compile(
    r"^=?IFERROR\((JW_[A-Z_]+\(.*\)),'[^']+'![A-Z]+\d+:[A-Z]+\d+\)$", re.DOTALL
)  # layout.with_saved_figures
_REF = re.compile(
    r"^(?:(?P<sheet>'[^']+'|[A-Za-z0-9_.]+)!)?\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$"
)
_TABLE = re.compile(r"^(?P<table>[A-Za-z_][A-Za-z0-9_.]*)\[(?P<part>[^\]]+)\]$")


@dataclass(frozen=True, slots=True)
class JwFormula:
    sheet: str
    cell: str  # A1 address of the formula (the anchor of a spill)
    text: str
    name: str  # e.g. JW_SHARES
    args: tuple[str, ...]
    ref: str  # the cells the saved result occupies (the spill range, or the cell)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _split_args(text: str) -> tuple[str, ...]:
    args, depth, quote, current = [], 0, False, ""
    for ch in text:
        if ch == "'" or ch == '"':
            quote = not quote
        if not quote:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch == "," and depth == 0:
                args.append(current.strip())
                current = ""
                continue
        current += ch
    if current.strip():
        args.append(current.strip())
    return tuple(args)


def jw_formulas(path: str | Path) -> Iterator[JwFormula]:
    """Every cell whose formula calls a JW_ function."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                ref = cell.coordinate
                if isinstance(value, ArrayFormula):
                    ref, value = value.ref, value.text
                if isinstance(value, str) and value.startswith("=") and "JW_" in value:
                    saved = _SAVED.match(value.strip())  # the call inside IFERROR(call,saved figures)
                    match = _CALL.match(saved.group(1) if saved else value.strip())
                    if not match:
                        raise ValueError(f"{ws.title}!{cell.coordinate}: cannot read the formula {value!r}")
                    yield JwFormula(ws.title, cell.coordinate, value, match.group(1), _split_args(match.group(2)), ref)


class _Book:
    def __init__(self, path: str | Path) -> None:
        import openpyxl
        import python_calamine

        self.values = {}
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            self.values[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        self.tables = {}
        for ws in openpyxl.load_workbook(path).worksheets:
            for table in ws.tables.values():
                self.tables[table.name] = (ws.title, table.ref, [c.name for c in table.tableColumns])

    def block(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> list[list[object]]:
        rows = self.values[sheet]
        out = []
        for r in range(r1, r2 + 1):
            row = rows[r] if r < len(rows) else []
            out.append([officejs_value(row[c] if c < len(row) else "") for c in range(c1, c2 + 1)])
        return out

    def resolve(self, arg: str, sheet: str) -> list[list[object]]:
        arg = arg.strip()
        table = _TABLE.match(arg)
        if table and table.group("table") in self.tables:
            where, ref, columns = self.tables[table.group("table")]
            (r1, c1), (r2, c2) = (_cell(x) for x in ref.split(":"))
            part = table.group("part")
            if part == "#All":
                return self.block(where, r1, c1, r2, c2)
            if part == "#Data":
                return self.block(where, r1 + 1, c1, r2, c2)
            col = c1 + columns.index(part)
            return self.block(where, r1 + 1, col, r2, col)
        ref = _REF.match(arg)
        if ref:
            where = (ref.group("sheet") or sheet).strip("'")
            r1, c1 = int(ref.group("r1")) - 1, _col(ref.group("c1"))
            r2, c2 = (int(ref.group("r2")) - 1, _col(ref.group("c2"))) if ref.group("c2") else (r1, c1)
            return self.block(where, r1, c1, r2, c2)
        if arg.startswith('"') and arg.endswith('"'):
            return [[arg[1:-1]]]
        number = float(arg)
        return [[int(number) if number.is_integer() else number]]


def _cell(address: str) -> tuple[int, int]:
    match = re.match(r"^\$?([A-Z]+)\$?(\d+)$", address)
    assert match, address
    return int(match.group(2)) - 1, _col(match.group(1))


def officejs_value(value: object) -> object:
    """A saved cell as Office.js sends it: None when empty, whole numbers as int."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def officejs_args(path: str | Path, formula: JwFormula, *, book: _Book | None = None) -> list[list[list[object]]]:
    """The formula's arguments read from the workbook, as 2D arrays."""
    book = book or _Book(path)
    return [book.resolve(a, formula.sheet) for a in formula.args]


def saved_block(path: str | Path, formula: JwFormula, *, book: _Book | None = None) -> list[list[object]]:
    """The result saved with the workbook in the cells the formula occupies ('' for empty)."""
    book = book or _Book(path)
    (r1, c1), (r2, c2) = (
        _cell(x) for x in (formula.ref.split(":") if ":" in formula.ref else (formula.ref, formula.ref))
    )
    return [["" if v is None else v for v in row] for row in book.block(formula.sheet, r1, c1, r2, c2)]


def payload(func_name: str, args: list[object], *, caller: str = "Sheet1!A1") -> dict[str, object]:
    """The body Excel's Office.js client posts to /xlwings/custom-functions-call."""
    import xlwings

    return {
        "func_name": func_name.lower(),
        "args": args,
        "caller_address": caller,
        "formula_name": func_name.upper(),
        "version": xlwings.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-GB",
        "date_format": "dd/mm/yyyy",
        "client": "Office.js",
    }


def _letters(ref: str) -> str:
    """A cell reference's column letters ('B4' -> 'B')."""
    return re.sub(r"[0-9]", "", ref)


def book_json(path: str | Path, *, set_values: dict[tuple[str, int, int], object] | None = None) -> dict[str, object]:
    """The workbook as the Office.js client sends it to a script (values, tables), optionally
    with some cells changed first: ``{(sheet, row, col): value}`` with 0-based row and col."""
    import xlwings

    book = _Book(path)
    sheets = []
    for name, rows in book.values.items():
        values = [[("" if v is None else v) for v in (officejs_value(c) for c in row)] for row in rows] or [[""]]
        for (sheet, r, c), value in (set_values or {}).items():
            if sheet == name:
                width = max(len(values[0]), c + 1)
                values = [row + [""] * (width - len(row)) for row in values]
                while len(values) <= r:
                    values.append([""] * width)
                values[r][c] = value
        tables = []
        for table, (where, ref, _) in book.tables.items():
            if where != name:
                continue
            (r1, c1), (r2, c2) = (_cell(x) for x in ref.split(":"))
            first, last = ref.split(":")
            tables.append(
                {
                    "name": table,
                    "range_address": ref,
                    "header_row_range_address": f"{_letters(first)}{r1 + 1}:{_letters(last)}{r1 + 1}",
                    "data_body_range_address": f"{_letters(first)}{r1 + 2}:{last}",
                    "total_row_range_address": None,
                    "show_headers": True,
                    "show_totals": False,
                    "table_style": "TableStyleLight9",
                    "show_autofilter": True,
                }
            )
        sheets.append({"name": name, "values": values, "pictures": [], "tables": tables})
    return {
        "client": "Office.js",
        "version": xlwings.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }
