"""Write the yearly true-up workbook with XlsxWriter: shares estimated against actual, and who pays whom.

Sheets: Summary (the year, tolerance, damping cap and case; each service area's decision), Shares (per
service and partner: the actual driver, estimated, actual and trued-up share, the tolerance decision, damping,
and the balancing payment), Payments (each partner's balance, then from whom to whom), Findings and Sources.
The tables are the ones declared in ``jwmodel.tables.outputs`` (``TRUE_UP_TABLES``), written through
``xlsx_cells`` (page set-up, the one number style). Every figure is a value, no formula. The file is written to
a temporary name and renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

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
from jwmodel.findings import Finding
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Kind, Table
from jwmodel.tables.outputs import (
    FINDINGS,
    SOURCES,
    TRUE_UP_PAYMENTS,
    TRUE_UP_SERVICES,
    TRUE_UP_SETTLEMENTS,
    TRUE_UP_SHARES,
    findings_rows,
    sources_rows,
    true_up_rows,
)
from jwmodel.trueup import TrueUp

__all__ = ["write_true_up", "SHEETS"]

SHEETS = ("Summary", "Shares", "Payments", FINDINGS.sheet, SOURCES.sheet)
_WIDTHS = {"service": 28, "decision": 34, "lines": 30, "basis": 30, "option": 24, "driver": 20}


def _sheet(wb: xlsxwriter.Workbook, name: str, programme: str, header_rows: int) -> Worksheet:
    ws = wb.add_worksheet(name)
    page_setup(ws, programme=programme, sheet_title=name, header_rows=header_rows)
    return ws


def _table(ws: Worksheet, st: Styles, table: Table, rows: Sequence[Sequence[object]], top: int) -> int:
    """A declared table with its title above it, from row ``top``; the next free row."""
    write_value(ws, top, 0, table.title, st.bold)
    widths = {k: w for k, w in _WIDTHS.items() if k in table.keys}
    widths |= {c.key: 16 for c in table.columns if c.kind is not Kind.TEXT and c.key not in widths}
    write_declared_rows(ws, table, rows, top=top + 1, head=st.head, note=st.note, widths=widths)
    for i, c in enumerate(table.columns):
        if c.kind is Kind.MONEY:
            ws.set_column(i, i, 16, st.money_exact)
    return top + len(rows) + 3


def _summary(wb: xlsxwriter.Workbook, st: Styles, result: TrueUp, version: str, programme: str) -> None:
    ws = _sheet(wb, "Summary", programme, 0)
    ws.set_column(0, 0, 28)
    cap = "none" if result.cap is None else f"{result.cap} points a year"
    lines = (
        f"Version trued up: {version}",
        f"Year: {result.year}; the shared amounts under the {result.case.value} case (£000s, cost positive, saving "
        "negative)",
        f"Tolerance: {result.tolerance.normalize():f} percentage points (a split whose shares move by no more stands)",
        f"Damping cap: {cap}",
        "Balancing payment: the trued-up share less what was paid at the estimate; positive when the partner pays.",
    )
    write_value(ws, 0, 0, "Yearly true-up on actual drivers", st.title)
    for i, line in enumerate(lines, start=2):
        write_value(ws, i, 0, line)
    _table(ws, st, TRUE_UP_SERVICES, list(true_up_rows(result, TRUE_UP_SERVICES)), len(lines) + 3)


def write_true_up(
    path: str | Path,
    result: TrueUp,
    sources: Sequence[SourceRecord] = (),
    findings: Sequence[Finding] = (),
    *,
    version: str = "",
) -> Path:
    """Write the true-up workbook to ``path`` atomically and return the path.

    Args:
        path: where to write the .xlsx.
        result: the year's true-up (``jwmodel.trueup.true_up``).
        sources: the intake register of the monitoring returns' folder.
        findings: every finding (reading the returns and the true-up's own).
        version: the name of the approved version (for the Summary and page headers).
    """
    path = Path(path)
    programme = f"True-up {result.year}: {version}" if version else f"True-up {result.year}"
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_properties({"title": "Joint working: yearly true-up", "author": "jwmodel"})
        mark_output(wb, "true-up")
        st = styles(wb)
        _summary(wb, st, result, version, programme)
        _table(_sheet(wb, "Shares", programme, 2), st, TRUE_UP_SHARES, list(true_up_rows(result, TRUE_UP_SHARES)), 0)
        ws = _sheet(wb, "Payments", programme, 0)
        row = _table(ws, st, TRUE_UP_PAYMENTS, list(true_up_rows(result, TRUE_UP_PAYMENTS)), 0)
        _table(ws, st, TRUE_UP_SETTLEMENTS, list(true_up_rows(result, TRUE_UP_SETTLEMENTS)), row)
        _table(_sheet(wb, FINDINGS.sheet, programme, 2), st, FINDINGS, list(findings_rows(findings)), 0)
        _table(_sheet(wb, SOURCES.sheet, programme, 2), st, SOURCES, list(sources_rows(sources)), 0)
        wb.close()
    return path
