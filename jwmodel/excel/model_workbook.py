"""The model workbook: inputs as Excel tables, outputs computed in Excel by the JW_ functions.

Input sheets hold one Excel table each (partners, baseline, saving lines, apportionment rules,
drivers, one-off costs), with the columns declared in ``jwmodel.tables.inputs`` and a drop-down on
every choice column. Output sheets call the add-in's functions on those tables: Summary
(``JW_SAVINGS_SUMMARY``), By partner (``JW_BY_PARTNER``), Shares (``JW_SHARES`` and ``JW_APPORTION``),
Checks (``JW_CHECK_TOTAL``, red where a check fails), Appraisal (``JW_NPV``, ``JW_PAYBACK``,
``JW_SWITCHING_VALUE``), Options (``JW_OPTION_SCORES``) and Findings (``JW_FINDINGS``).

It works without the add-in: every JW_ formula is written with the result the engine gives for the
same inputs and the workbook does not ask to be recalculated on opening, so Excel without the
add-in, LibreOffice and readers that do not calculate (python-calamine, pandas) show the figures.
Formulas whose result spills are written as dynamic arrays, laid out as Excel saves them (the
anchor holds the formula, the cells it spills into hold the cached values); a spilling table falls
back to its saved figures (``IFERROR`` over the hidden Saved figures sheet), because LibreOffice
recalculates every array formula when it opens a file. The sheets of formulas are protected, their
input cells unlocked.

What goes where is planned in the core (``jwmodel.layout``); this module only writes the plan with
XlsxWriter. The add-in reads the same tables (``jwaddin.convert``) and its consolidation script
writes the same plans. An ``xlwings.conf`` sheet names the UDF module for classic xlwings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from jwmodel.business_case import ProgrammeAppraisal, appraise_programme
from jwmodel.consolidation import Consolidation
from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import (
    MONEY_EXACT,
    NUMBER_IN,
    WORKBOOK_OPTIONS,
    mark_output,
    page_setup,
    styles,
    write_declared_rows,
    write_value,
)
from jwmodel.findings import a1
from jwmodel.layout import (
    CHECK_FILE_CELL,
    FOLDER_CELL,
    HEADER_ROW,
    SAVED_SHEET,
    SCRIPT_BUTTONS,
    SPILL_ANCHOR,
    STATUS_CELL,
    Formula,
    InputTable,
    SheetPlan,
    appraisal_plan,
    by_partner_rows,
    checks_plan,
    findings_plan,
    input_tables,
    options_plan,
    partners_total_cell,
    saved_rows,
    saves_figures,
    shares_plan,
    summary_rows,
    summary_total_cell,
    with_saved_figures,
)
from jwmodel.model import Programme
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Kind
from jwmodel.tables.outputs import SOURCES, sources_rows

__all__ = ["CREATED", "UDF_MODULE", "SHEETS", "PROTECTED", "README_LINES", "CALC_ID", "write_model_workbook"]

CREATED = dt.datetime(2012, 4, 1)  # fixed, so regenerating the workbook gives identical bytes
UDF_MODULE = "jwaddin.functions"
PROGRAMME = "Joint working model"  # the page header's left part
CALC_ID = 191029  # Excel 365's calculation engine: an older id makes Excel recalculate everything on opening
# Sheets of formulas, protected (no password) so a formula cannot be typed over; their input cells are unlocked.
# Not Shares and Checks: the add-in's consolidation script rewrites them, and xlwings Lite and Server cannot
# unprotect a sheet.
PROTECTED = ("Summary", "By partner", "Appraisal", "Options", "Findings")
PROTECTION = {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True}
NUMBER_KINDS = frozenset({Kind.FTE, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT})
WIDE = ("Description", "Notes", "Basis", "Service area", "Option", "Name")

SHEETS = (
    "Read me",
    "Summary",
    "By partner",
    "Shares",
    "Checks",
    "Appraisal",
    "Options",
    "Findings",
    "Partners",
    "Baseline",
    "Saving lines",
    "Rules",
    "Drivers",
    "One-off costs",
    "xlwings.conf",
    SAVED_SHEET,
)

README_LINES = (
    "Joint working model: inputs in Excel tables, outputs computed by the JW_ functions of the jwaddin add-in",
    "Units: £000s; sign: cost positive, saving negative.",
    (
        "Edit the tables on the input sheets (Partners, Baseline, Saving lines, Rules, Drivers, One-off "
        "costs); Summary, By partner, Shares, Checks, Appraisal, Options and Findings recalculate."
    ),
    (
        "The JW_ functions need the jwaddin add-in to recalculate. Without it the workbook shows the figures "
        "saved with it (it does not recalculate on opening), but a JW_ cell shows #NAME? once it is recalculated "
        "(an input changed, or F9). See docs/excel-addin.md."
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
        if (row, col) in plan.inputs:
            write_value(ws, row, col, value, f["input"] if isinstance(value, str) else f["input_num"])
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            write_value(ws, row, col, value, f[plan.numbers])
        else:
            _write_cell(ws, row, col, value, f, head=(row, col) in plan.headers)
    top = min((r for r, _ in plan.headers), default=SPILL_ANCHOR[0] - 1)
    page_setup(ws, programme=PROGRAMME, sheet_title=plan.name, header_rows=top + 1, header_cols=1)


def _write_cell(ws: object, row: int, col: int, value: object, f: dict[str, object], *, head: bool = False) -> None:
    if not isinstance(value, Formula):
        write_value(ws, row, col, value, f["head"] if head else f["text"])
        return
    fmt = f[value.kind]
    if value.spill:
        rows = value.value
        header = f["head"] if len(rows) > 1 else None  # type: ignore[arg-type]
        _write_spill(ws, row, col, value.text, rows, fmt, f["text"], header, f["saved"])  # type: ignore[arg-type]
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
    saved: _Saved | None = None,
) -> None:
    """A dynamic-array formula laid out as Excel saves one: the anchor holds the formula, every
    cell it spills into holds its cached value."""
    last_row, last_col = row + len(rows) - 1, col + max(len(r) for r in rows) - 1
    if saved is not None and saves_figures(rows):
        formula = with_saved_figures(formula, saved.place(rows))
    ws.write_dynamic_array_formula(row, col, last_row, last_col, formula, fmt, _cached(rows[0][0]))  # type: ignore[attr-defined]
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            if i == 0 and j == 0:
                continue
            cell_fmt = (
                header_fmt if (header_fmt is not None and i == 0) else (text_fmt if isinstance(value, str) else fmt)
            )
            write_value(ws, row + i, col + j, value, cell_fmt)


class _Saved:
    """The hidden Saved figures sheet: each spilling table's saved figures, placed one under another."""

    def __init__(self) -> None:
        self.blocks: list[tuple[int, list[list[object]]]] = []
        self.next = 0

    def place(self, rows: Sequence[Sequence[object]]) -> str:
        block = saved_rows(rows)
        top, width = self.next, max(len(r) for r in block)
        self.blocks.append((top, block))
        self.next = top + len(block) + 1
        return f"'{SAVED_SHEET}'!{a1(top, 0)}:{a1(top + len(block) - 1, width - 1)}"

    def write(self, wb: object, f: dict[str, object]) -> None:
        ws = wb.add_worksheet(SAVED_SHEET)  # type: ignore[attr-defined]
        for top, block in self.blocks:
            for i, values in enumerate(block):
                for j, value in enumerate(values):
                    write_value(ws, top + i, j, value, f["text"])
        ws.hide()
        ws.protect("", PROTECTION)


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
    _drop_downs(ws, table, last)
    page_setup(ws, programme=PROGRAMME, sheet_title=table.sheet, header_rows=HEADER_ROW + 1, header_cols=1)


DROP_DOWN_ROWS = 500  # a drop-down reaches this far below the table's last row, for rows a person adds


def _drop_downs(ws: object, table: InputTable, last: int) -> None:
    """A drop-down on every choice column, listing the declaration's choices (an Excel table carries
    a column's validation to the rows added to it)."""
    choices = {c.header: c.choices for c in (table.declared.columns if table.declared else ()) if c.choices}
    for col, header in enumerate(table.headers):
        if header in choices:
            ws.data_validation(  # type: ignore[attr-defined]
                HEADER_ROW + 1,
                col,
                last + DROP_DOWN_ROWS,
                col,
                {
                    "validate": "list",
                    "source": list(choices[header]),
                    "error_title": header,
                    "error_message": f"{header}: choose one of " + ", ".join(choices[header]),
                },
            )


def _red_where_failed(ws: object, plan: SheetPlan, f: dict[str, object]) -> None:
    """A check that does not give OK turns red (conditional formatting, so it follows recalculation)."""
    for (row, col), value in plan.cells.items():
        if isinstance(value, Formula) and value.text.startswith("=JW_CHECK_TOTAL("):
            rule = {"type": "cell", "criteria": "not equal to", "value": '"OK"', "format": f["failed"]}
            ws.conditional_format(row, col, row, col, rule)  # type: ignore[attr-defined]


def _red_errors(ws: object, plan: SheetPlan, f: dict[str, object]) -> None:
    """On the Findings sheet, a row whose severity is error turns red."""
    (row, col), formula = next(iter(plan.cells.items()))
    rows = formula.value  # type: ignore[attr-defined]
    first, last = row + 1, row + max(len(rows) - 1, 1) + DROP_DOWN_ROWS
    severity = "$" + a1(first, col).rstrip("0123456789") + str(first + 1)  # the row's own severity cell
    rule = {"type": "formula", "criteria": f'={severity}="error"', "format": f["failed"]}
    ws.conditional_format(first, col, last, col + len(rows[0]) - 1, rule)  # type: ignore[attr-defined]


def _formats(wb: object) -> dict[str, object]:
    """The shared styles (``xlsx_cells.styles``: the one number style) by the kinds the plans name, and
    the model's own: input cells (unlocked), failed checks, the scripts' buttons."""
    st = styles(wb)
    add = wb.add_format  # type: ignore[attr-defined]
    entry = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF", "locked": False}
    return {
        "title": st.title,
        "note": st.note,
        "head": st.head,
        "text": st.text,
        "bold": st.bold,
        "money": st.money_exact,  # a formula's £000s on a detail sheet: to £1
        "money_whole": st.money,  # summary figures (Summary, Appraisal, Options): whole £000s, as Appendix A
        "number": add({"num_format": NUMBER_IN}),
        "percent": st.percent,
        "percent1": st.percent,  # switching values: whole-number percentages
        "years": st.years,
        "input": add(entry),
        "input_num": add(entry),
        "text_in": add({}),
        "money_in": add({"num_format": MONEY_EXACT}),  # what a person typed is shown as typed, to £1
        "number_in": add({"num_format": NUMBER_IN}),
        "failed": add({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "button": add({"bold": True, "align": "center", "border": 1, "bg_color": "#D9E1F2"}),
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
    ws.write_string(CHECK_FILE_CELL[0], 0, "Return to check", f["bold"])
    ws.write_blank(*CHECK_FILE_CELL, None, f["input"])
    ws.set_column(2, 2, 22)
    for text, (row, col) in SCRIPT_BUTTONS.values():  # xlwings Lite and Server run a script from its cell
        ws.write_string(row, col, text, f["button"])
    page_setup(ws, programme=PROGRAMME, sheet_title="Read me", freeze=False)


def _spill_sheet(
    wb: object,
    f: dict[str, object],
    name: str,
    title: str,
    note: str,
    formula: str,
    rows: list[list[object]],
    money: str = "money",
) -> None:
    ws = wb.add_worksheet(name)  # type: ignore[attr-defined]
    ws.set_column(0, 0, 32)
    ws.set_column(1, len(rows[0]) - 1, 12)
    ws.write_string(0, 0, title, f["title"])
    ws.write_string(1, 0, note, f["note"])
    _write_spill(ws, *SPILL_ANCHOR, formula, rows, f[money], f["text"], f["head"], f["saved"])  # type: ignore[arg-type]
    page_setup(ws, programme=PROGRAMME, sheet_title=name, header_rows=SPILL_ANCHOR[0] + 1, header_cols=1)


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
        money="money_whole",
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
    page_setup(ws, programme=PROGRAMME, sheet_title=ws.name, header_rows=1, header_cols=1)


def _computed_sheets(
    wb: object,
    f: dict[str, object],
    programme: Programme,
    result: Consolidation,
    tables: Sequence[InputTable],
    appraisal: ProgrammeAppraisal,
) -> None:
    """Shares, Checks, Appraisal, Options and Findings: each a plan from ``jwmodel.layout``."""
    for plan in (
        shares_plan(programme, result, tables),
        checks_plan(programme, result, tables, summary_total_cell(result), partners_total_cell(result)),
        appraisal_plan(appraisal),
        options_plan(programme, result, appraisal.settings),
        findings_plan(programme, result, tables),
    ):
        ws = wb.add_worksheet(plan.name)  # type: ignore[attr-defined]
        _write_plan(wb, ws, plan, f)
        if plan.name == "Checks":
            _red_where_failed(ws, plan, f)
        elif plan.name == "Findings":
            _red_errors(ws, plan, f)


def _protect(wb: object) -> None:
    """Protect the sheets of formulas (no password): their locked cells cannot be typed over."""
    for name in PROTECTED:
        wb.get_worksheet_by_name(name).protect("", PROTECTION)  # type: ignore[attr-defined]


def write_model_workbook(
    path: str | Path,
    programme: Programme,
    result: Consolidation,
    sources: Sequence[SourceRecord] = (),
    *,
    appraisal: ProgrammeAppraisal | None = None,
) -> Path:
    """Write the model workbook to ``path`` atomically and return the path.

    Every formula is saved with its result and the workbook does not ask to be recalculated on
    opening, so Excel without the add-in, LibreOffice and readers that do not calculate show the
    figures saved with it.

    Args:
        path: where to write the .xlsx.
        programme: the inputs (partners, baseline, saving lines, rules, drivers, one-off costs).
        result: ``consolidate(programme, options=...)``: the options in use and the cached figures.
        sources: the intake register, when the inputs came from a folder of returns.
        appraisal: the appraisal whose settings (plan years, discount rate, payback limit) the Appraisal
            and Options sheets use; by default ``appraise_programme(result)`` (the default settings).

    Returns:
        The path written.
    """
    import xlsxwriter

    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_calc_mode("auto", calc_id=CALC_ID)
        wb.calc_on_load = False  # no fullCalcOnLoad: open showing the saved figures (XlsxWriter has no setter)
        mark_output(wb, "model workbook")
        properties = {"title": "Joint working model", "author": "jwmodel", "created": CREATED}
        wb.set_properties({**properties, "comments": f"UDF module: {UDF_MODULE}"})
        f = {**_formats(wb), "saved": _Saved()}
        tables = input_tables(programme, result)
        _read_me(wb, f, sources)
        _outputs(wb, f, tables, result)
        _computed_sheets(wb, f, programme, result, tables, appraisal or appraise_programme(result))
        for table in tables:
            _write_table(wb, wb.add_worksheet(table.sheet), table, f)
        ws = wb.add_worksheet("xlwings.conf")
        ws.set_column(0, 1, 24)
        ws.write_string(0, 0, "UDF Modules")
        ws.write_string(0, 1, UDF_MODULE)
        if sources:
            _sources(wb, f, sources)
        f["saved"].write(wb, f)  # type: ignore[attr-defined]
        _protect(wb)
        wb.get_worksheet_by_name("Summary").activate()
        wb.close()
    return path
