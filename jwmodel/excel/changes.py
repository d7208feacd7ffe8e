"""The changes workbook (``jwmodel changes -o changes.xlsx``): what moved between two versions.

A *Read me* sheet names the two versions and counts the changes; then one sheet per declared table
of :mod:`jwmodel.tables.versions` (parameters, input files, figures, lines), and the findings.
Every value is written by ``xlsx_cells.write_value`` (text as text, never a formula); every sheet has
the shared formats and page set-up (``xlsx_cells.styles``, ``xlsx_cells.page_setup``).
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from jwmodel.changes import ADDED, CHANGED, REMOVED, Changes
from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import (
    WORKBOOK_OPTIONS,
    Styles,
    mark_output,
    page_setup,
    styles,
    write_declared_rows,
    write_value,
)
from jwmodel.tables.outputs import FINDINGS, findings_rows
from jwmodel.tables.versions import CHANGE_TABLES, FIGURES, INPUTS, LINES, PARAMETERS, rows_of

__all__ = ["write_changes_workbook"]

_WIDTHS = {
    PARAMETERS.name: {"parameter": 24, "old": 60, "new": 60},
    INPUTS.name: {"file": 44, "old": 66, "new": 66},
    FIGURES.name: {"scope": 11, "key": 30, "figure": 22, "old": 15, "new": 15, "difference": 18},
    LINES.name: {"line_id": 10, "service": 28, "description": 50, "field": 18, "file": 40, "old": 30, "new": 30},
}


def _about(found: Changes) -> str:
    return f"Changes: {found.old_name} to {found.new_name}"


def _read_me(wb: xlsxwriter.Workbook, found: Changes, formats: Styles) -> None:
    ws = wb.add_worksheet("Read me")
    page_setup(ws, programme=_about(found), sheet_title="Read me", one_page=True, freeze=False)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)
    write_value(ws, 0, 0, f"What has changed since '{found.old_name}'", formats.title)
    count = {s: sum(1 for x in found.lines if x.status == s) for s in (ADDED, REMOVED, CHANGED)}
    rows = (
        ("Before", f"{found.old_name} ({found.old_created})"),
        ("After", f"{found.new_name} ({found.new_created})"),
        ("Units", "£000s; cost positive, saving negative; difference = after less before"),
        ("Parameters that differ", len(found.parameters)),
        ("Input files that differ", len(found.inputs)),
        ("Figures that moved", len(found.figures)),
        ("Lines added", count[ADDED]),
        ("Lines removed", count[REMOVED]),
        ("Lines changed", count[CHANGED]),
        ("Findings", len(found.findings)),
        ("", "Nothing has changed." if found.none else "Each sheet lists only what differs."),
    )
    for r, (label, value) in enumerate(rows, start=2):
        write_value(ws, r, 0, label, formats.bold)
        write_value(ws, r, 1, value)


def write_changes_workbook(path: str | Path, found: Changes) -> Path:
    """Write the changes workbook to ``path`` atomically and return the path."""
    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_properties({"title": f"jwmodel changes: {found.old_name} to {found.new_name}", "author": "jwmodel"})
        mark_output(wb, "changes workbook")
        formats = styles(wb)
        _read_me(wb, found, formats)
        for table in (*CHANGE_TABLES, FINDINGS):
            rows = list(findings_rows(found.findings)) if table is FINDINGS else list(rows_of(table, found))
            ws = wb.add_worksheet(table.sheet)
            page_setup(ws, programme=_about(found), sheet_title=table.sheet, header_rows=3)
            write_value(ws, 0, 0, f"{table.title}: {len(rows)}", formats.title)
            widths = _WIDTHS.get(table.name) if table is not FINDINGS else {"message": 100, "file": 40}
            write_declared_rows(ws, table, rows, top=2, head=formats.head, note=formats.bold, widths=widths)
        wb.close()
    return path
