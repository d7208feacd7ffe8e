"""The model workbook: inputs as Excel tables, outputs computed in Excel by the JW_ functions.

Input sheets hold one Excel table each (partners, baseline, saving lines, apportionment rules,
drivers, one-off costs), with the columns declared in ``jwmodel.tables.inputs``. Output sheets call
the add-in's functions on those tables: Summary (``JW_SAVINGS_SUMMARY``), By partner
(``JW_BY_PARTNER``), Shares (``JW_SHARES`` and ``JW_APPORTION``) and Checks (``JW_CHECK_TOTAL``).
Every JW_ formula is written with the result the engine gives for the same inputs, so a reader that
does not calculate (python-calamine, pandas, Excel without the add-in before it recalculates) still
sees the figures. Formulas whose result spills are written as dynamic arrays, laid out as Excel
saves them (the anchor holds the formula, the cells it spills into hold the cached values).

What goes where is planned in the core (``jwmodel.layout``); this module only writes the plan with
XlsxWriter. The add-in reads the same tables (``jwaddin.convert``) and its consolidation script
writes the same plans. An ``xlwings.conf`` sheet names the UDF module for classic xlwings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from jwmodel.consolidation import Consolidation
from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import WORKBOOK_OPTIONS, mark_output, write_declared_rows, write_value
from jwmodel.layout import (
    FOLDER_CELL,
    HEADER_ROW,
    SPILL_ANCHOR,
    STATUS_CELL,
    Formula,
    InputTable,
    SheetPlan,
    by_partner_rows,
    checks_plan,
    input_tables,
    partners_total_cell,
    shares_plan,
    summary_rows,
    summary_total_cell,
)
from jwmodel.model import Programme
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Kind
from jwmodel.tables.outputs import SOURCES, sources_rows

__all__ = ["CREATED", "UDF_MODULE", "SHEETS", "README_LINES", "write_model_workbook"]

CREATED = dt.datetime(2012, 4, 1)  # fixed, so regenerating the workbook gives identical bytes
UDF_MODULE = "jwaddin.functions"
MONEY = "#,##0.0##;(#,##0.0##);0"
NUMBER_KINDS = frozenset({Kind.FTE, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT})
WIDE = ("Description", "Notes", "Basis", "Service area", "Option", "Name")

SHEETS = (
    "Read me",
    "Summary",
    "By partner",
    "Shares",
    "Checks",
    "Partners",
    "Baseline",
    "Saving lines",
    "Rules",
    "Drivers",
    "One-off costs",
    "xlwings.conf",
)

README_LINES = (
    "Joint working model: inputs in Excel tables, outputs computed by the JW_ functions of the jwaddin add-in",
    "Units: £000s; sign: cost positive, saving negative.",
    (
        "Edit the tables on the input sheets (Partners, Baseline, Saving lines, Rules, Drivers, One-off "
        "costs); Summary, By partner, Shares and Checks recalculate."
    ),
    (
        "Without the add-in the JW_ cells keep the figures saved with the file until Excel recalculates them "
        "(then #NAME?). See docs/excel-addin.md."
    ),
    (
        "To fill the tables from partner returns: put the folder in B6, then run the script "
        "jw_consolidate_returns (Lite/Server task pane, or classic RunPython)."
    ),
)


def _write_plan(wb: object, ws: object, plan: SheetPlan, f: dict[str, object]) -> None:
    ws.write_string(0, 0, plan.title, f["title"])  # type: ignore[attr-defined]
    ws.write_string(1, 0, plan.note, f["note"])  # type: ignore[attr-defined]
    for first, last, width in plan.widths:
        ws.set_column(first, last, width)  # type: ignore[attr-defined]
    for (row, col), value in sorted(plan.cells.items()):
        _write_cell(ws, row, col, value, f, head=(row, col) in plan.headers)


def _write_cell(ws: object, row: int, col: int, value: object, f: dict[str, object], *, head: bool = False) -> None:
    if not isinstance(value, Formula):
        write_value(ws, row, col, value, f["head"] if head else f["text"])
        return
    fmt = f[value.kind]
    if value.spill:
        _write_spill(ws, row, col, value.text, value.value, fmt, fmt)  # type: ignore[arg-type]
    elif isinstance(value.value, str):
        ws.write_formula(row, col, value.text, f["text"], value.value)  # type: ignore[attr-defined]
    else:
        ws.write_formula(row, col, value.text, fmt, float(value.value))  # type: ignore[attr-defined, arg-type]


def _cached(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def _write_spill(
    ws: object,
    row: int,
    col: int,
    formula: str,
    rows: list[list[object]],
    fmt: object,
    text_fmt: object,
    header_fmt: object = None,
) -> None:
    """A dynamic-array formula laid out as Excel saves one: the anchor holds the formula, every
    cell it spills into holds its cached value."""
    last_row, last_col = row + len(rows) - 1, col + max(len(r) for r in rows) - 1
    ws.write_dynamic_array_formula(row, col, last_row, last_col, formula, fmt, _cached(rows[0][0]))  # type: ignore[attr-defined]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if i == 0 and j == 0:
                continue
            cell_fmt = (
                header_fmt if (header_fmt is not None and i == 0) else (text_fmt if isinstance(value, str) else fmt)
            )
            write_value(ws, row + i, col + j, value, cell_fmt)


def _write_table(wb: object, ws: object, table: InputTable, f: dict[str, object]) -> None:
    ws.write_string(0, 0, table.title, f["title"])  # type: ignore[attr-defined]
    ws.write_string(1, 0, table.guidance, f["note"])  # type: ignore[attr-defined]
    rows = table.rows or (tuple(None for _ in table.headers),)  # an Excel table needs one data row
    last = HEADER_ROW + len(rows)
    columns = []
    for col, (header, kind) in enumerate(zip(table.headers, table.kinds, strict=True)):
        fmt = f["money_in"] if kind is Kind.MONEY else f["number_in"] if kind in NUMBER_KINDS else f["text_in"]
        columns.append({"header": header, "format": fmt})
        width = 44 if header in WIDE else max(10, len(header) + 3)
        ws.set_column(col, col, width)  # type: ignore[attr-defined]
    ws.add_table(
        HEADER_ROW,
        0,
        last,
        len(table.headers) - 1,
        {"name": table.table, "columns": columns, "style": "Table Style Light 9"},
    )  # type: ignore[attr-defined]
    for i, row in enumerate(rows):
        for col, value in enumerate(row):
            write_value(ws, HEADER_ROW + 1 + i, col, value, columns[col]["format"])
    ws.freeze_panes(HEADER_ROW + 1, 0)  # type: ignore[attr-defined]


def _formats(wb: object) -> dict[str, object]:
    add = wb.add_format  # type: ignore[attr-defined]
    return {
        "title": add({"bold": True, "font_size": 14}),
        "note": add({"italic": True, "font_color": "#595959"}),
        "head": add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
        "text": add({}),
        "money": add({"num_format": MONEY}),
        "number": add({"num_format": "#,##0.0##"}),
        "percent": add({"num_format": "0"}),
        "bold": add({"bold": True}),
        "input": add({"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}),
        "text_in": add({}),
        "money_in": add({"num_format": MONEY}),
        "number_in": add({"num_format": "#,##0.0##"}),
    }


def _read_me(wb: object, f: dict[str, object], sources: Sequence[SourceRecord]) -> None:
    ws = wb.add_worksheet("Read me")  # type: ignore[attr-defined]
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, README_LINES[0], f["title"])
    for i, line in enumerate(README_LINES[1:], start=1):
        ws.write_string(i, 0, line)
    ws.write_string(FOLDER_CELL[0], 0, "Returns folder", f["bold"])
    ws.write_blank(FOLDER_CELL[0], 1, None, f["input"])
    ws.write_string(STATUS_CELL[0], 0, "Last consolidation", f["bold"])
    status = (
        f"{len(sources)} files: " + ", ".join(f"{s.file} {s.status}" for s in sources)
        if sources
        else "not run: the tables hold the figures the workbook was generated with"
    )
    ws.write_string(STATUS_CELL[0], 1, status)


def _spill_sheet(
    wb: object, f: dict[str, object], name: str, title: str, note: str, formula: str, rows: list[list[object]]
) -> None:
    ws = wb.add_worksheet(name)  # type: ignore[attr-defined]
    ws.set_column(0, 0, 32)
    ws.set_column(1, len(rows[0]) - 1, 12)
    ws.write_string(0, 0, title, f["title"])
    ws.write_string(1, 0, note, f["note"])
    _write_spill(ws, *SPILL_ANCHOR, formula, rows, f["money"], f["text"], f["head"])


def _outputs(wb: object, f: dict[str, object], tables: Sequence[InputTable], result: Consolidation) -> None:
    """The Summary and By partner sheets: one spilling JW_ formula each over the input tables."""
    t = {x.sheet: x for x in tables}
    _spill_sheet(
        wb,
        f,
        "Summary",
        "Appendix A: recurring full-year cost/(saving) by service area, and one-off costs, £000s",
        "Computed by JW_SAVINGS_SUMMARY from the Saving lines, Rules and One-off costs tables.",
        f"=JW_SAVINGS_SUMMARY({t['Saving lines'].ref},{t['Rules'].ref},{t['One-off costs'].ref})",
        summary_rows(result),
    )
    _spill_sheet(
        wb,
        f,
        "By partner",
        "Each partner's share of the recurring cost/(saving) by service area, £000s to the nearest £1",
        "Computed by JW_BY_PARTNER from the Saving lines, Rules, Baseline and Drivers tables; every line is split "
        "exactly.",
        f"=JW_BY_PARTNER({t['Saving lines'].ref},{t['Rules'].ref},{t['Baseline'].ref},{t['Drivers'].ref})",
        by_partner_rows(result),
    )


def _sources(wb: object, f: dict[str, object], sources: Sequence[SourceRecord]) -> None:
    ws = wb.add_worksheet(SOURCES.sheet or "Sources")  # type: ignore[attr-defined]
    rows = list(sources_rows(sources))
    widths = {"file": 44, "sha256": 66, "kind": 22, "status": 22, "taken": 80, "reasons": 80}
    write_declared_rows(ws, SOURCES, rows, top=0, head=f["head"], note=f["bold"], widths=widths)


def write_model_workbook(
    path: str | Path, programme: Programme, result: Consolidation, sources: Sequence[SourceRecord] = ()
) -> Path:
    """Write the model workbook to ``path`` atomically and return the path.

    Args:
        path: where to write the .xlsx.
        programme: the inputs (partners, baseline, saving lines, rules, drivers, one-off costs).
        result: ``consolidate(programme, options=...)``: the options in use and the cached figures.
        sources: the intake register, when the inputs came from a folder of returns.

    Returns:
        The path written.
    """
    import xlsxwriter

    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        mark_output(wb, "model workbook")
        properties = {"title": "Joint working model", "author": "jwmodel", "created": CREATED}
        wb.set_properties({**properties, "comments": f"UDF module: {UDF_MODULE}"})
        f = _formats(wb)
        tables = input_tables(programme, result)
        _read_me(wb, f, sources)
        _outputs(wb, f, tables, result)
        for plan in (
            shares_plan(programme, result, tables),
            checks_plan(programme, result, tables, summary_total_cell(result), partners_total_cell(result)),
        ):
            _write_plan(wb, wb.add_worksheet(plan.name), plan, f)
        for table in tables:
            _write_table(wb, wb.add_worksheet(table.sheet), table, f)
        ws = wb.add_worksheet("xlwings.conf")
        ws.set_column(0, 1, 24)
        ws.write_string(0, 0, "UDF Modules")
        ws.write_string(0, 1, UDF_MODULE)
        if sources:
            _sources(wb, f, sources)
        wb.get_worksheet_by_name("Summary").activate()
        wb.close()
    return path
