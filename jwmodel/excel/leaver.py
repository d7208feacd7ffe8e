"""The leaver statement workbook: what a leaving partner owes by case, and the remaining partners' shares."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import (
    WORKBOOK_OPTIONS,
    mark_output,
    page_setup,
    styles,
    write_declared_rows,
    write_value,
)
from jwmodel.leaving import LeaverStatement
from jwmodel.summary import LEAVER_RULE
from jwmodel.tables.outputs import (
    FINDINGS,
    LEAVER,
    LEAVER_SHARES,
    findings_rows,
    leaver_rows,
    leaver_shares_rows,
)

__all__ = ["write_leaver_workbook"]

_WIDTHS = {
    LEAVER.name: {"one_off_costs": 28, "net_recurring": 22, "owed": 12},
    LEAVER_SHARES.name: {"service": 30, "line": 12, "option": 32, "before": 20, "after": 14, "basis": 60},
    FINDINGS.name: {"message": 100, "file": 40},
}


def write_leaver_workbook(path: str | Path, statement: LeaverStatement) -> Path:
    """Write the leaver statement workbook to ``path`` atomically and return the path."""
    path = Path(path)
    about = f"Leaver statement: {statement.partner} leaving after {statement.last_year}"
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_properties({"title": f"jwmodel {about.lower()}", "author": "jwmodel"})
        mark_output(wb, "leaver statement")
        formats = styles(wb)
        for table, rows in (
            (LEAVER, list(leaver_rows(statement))),
            (LEAVER_SHARES, list(leaver_shares_rows(statement))),
            (FINDINGS, list(findings_rows(statement.findings))),
        ):
            ws = wb.add_worksheet(table.sheet or table.title)
            page_setup(ws, programme=about, sheet_title=table.sheet or table.title, header_rows=4)
            title = f"{about}: what {statement.partner} owes, by case" if table is LEAVER else table.title
            write_value(ws, 0, 0, title, formats.title)
            note = (
                f"£000s. Rule: {LEAVER_RULE}. Years counted: {', '.join(statement.years)}."
                if table is LEAVER
                else "Percentages of each service area's split, with the leaver and without it."
                if table is LEAVER_SHARES
                else ""
            )
            write_value(ws, 1, 0, note)
            write_declared_rows(
                ws, table, rows, top=3, head=formats.head, note=formats.bold, widths=_WIDTHS.get(table.name)
            )
        wb.close()
    return path
