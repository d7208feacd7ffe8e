"""Write the benefits tracker workbook with XlsxWriter: plan against actual and forecast, after approval.

Sheets: Read me (the version tracked, the date, the case, the RAG rule), Charts (cumulative savings plan
against actual and forecast for the programme and each partner, and each benefit measure's trend against
its target: native Excel charts over the data blocks beside them), then one sheet per declared tracker
table (``jwmodel.tables.monitoring``), Findings and Sources. Every figure is a value (no formula), so a
reader that does not calculate sees each one and a recalculation changes none. Text that came from a
return is written as text. The file is written to a temporary name and renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import (
    WORKBOOK_OPTIONS,
    mark_output,
    page_setup,
    styles,
    write_declared_rows,
    write_value,
)
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Kind, Table
from jwmodel.tables.monitoring import TRACKER_TABLES, tracker_rows
from jwmodel.tables.outputs import FINDINGS, SOURCES, findings_rows, sources_rows
from jwmodel.tracking import RED_TOLERANCE, MeasureTrack, Track, Tracker

__all__ = ["write_tracker", "SHEETS", "RAG_RULE"]

SHEETS = ("Read me", "Charts", *(t.sheet for t in TRACKER_TABLES), FINDINGS.sheet, SOURCES.sheet)
RAG_RULE = (
    f"RAG: red when the forecast to the end of the current year is worse than plan by more than "
    f"{RED_TOLERANCE * 100:.0f}% of it (for a saving: a forecast saving below {100 - RED_TOLERANCE * 100:.0f}% of "
    "the planned saving) or the line is dropped; amber when worse at all; green when at or better than plan."
)
_WIDTHS = {"description": 48, "comment": 48, "service": 28, "measure": 36, "contact": 28, "email": 28}


class _Book:
    def __init__(self, wb: Workbook, title: str) -> None:
        self.wb, self.programme = wb, title
        shared = styles(wb)  # the one number style: the tracker's figures are exact (to £1), as detail sheets are
        self.title, self.head, self.bold, self.money = shared.title, shared.head, shared.bold, shared.money_exact


def _read_me(b: _Book, tracker: Tracker, version: str, as_of: str) -> None:
    ws = b.wb.add_worksheet("Read me")
    page_setup(ws, programme=b.programme, sheet_title="Read me", freeze=False)
    ws.set_column(0, 0, 130)
    lines = (
        f"Version tracked: {version}",
        f"Returns counted: {', '.join(tracker.periods) or 'none'}; current year {tracker.current_year or 'none'}",
        f"Outstanding returns counted to {as_of}",
        f"Plan: the version's phasing of each line under the {tracker.case.value} case; £000s, cost positive, "
        "saving negative (charts show savings upwards).",
        "Actual: the whole line's delivery on the returns, each partner's share split by the line's own rule.",
        "Forecast: the latest forecast a return gives for the year; with none, the plan.",
        RAG_RULE,
    )
    write_value(ws, 0, 0, "Benefits tracker: plan against actual and forecast", b.title)
    for i, line in enumerate(lines, start=2):
        write_value(ws, i, 0, line)


def _block(b: _Book, ws: Worksheet, row: int, col: int, name: str, track: Track) -> int:
    """A cumulative plan/actual/forecast block for one total and its chart; the next free row."""
    f = track.figures
    write_value(ws, row, col, name, b.bold)
    heads = ("Year", "Cumulative plan", "Cumulative actual", "Cumulative forecast")
    for c, head in enumerate(heads):
        write_value(ws, row + 1, col + c, head, b.head)
    series = (f.cumulative_plan, f.cumulative_actual, f.cumulative_forecast)
    for i, year in enumerate(f.years):
        write_value(ws, row + 2 + i, col, year)
        for c, values in enumerate(series, start=1):
            write_value(ws, row + 2 + i, col + c, values[i], b.money)
    last = row + 1 + len(f.years)
    chart = b.wb.add_chart({"type": "line"})
    for c, colour in ((1, "#7F7F7F"), (2, "#2E75B6"), (3, "#ED7D31")):
        chart.add_series(
            {
                "name": ["Charts", row + 1, col + c],
                "categories": ["Charts", row + 2, col, last, col],
                "values": ["Charts", row + 2, col + c, last, col + c],
                "line": {"color": colour, "dash_type": "dash" if c == 3 else "solid"},
                "marker": {"type": "circle", "size": 5},
            }
        )
    chart.set_title({"name": f"{name}: cumulative savings, plan against actual"})
    chart.set_y_axis({"name": "£000s cost/(saving)", "reverse": True})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(row, col + 5, chart, {"x_scale": 1.1, "y_scale": 0.9})
    return max(last + 2, row + 19)


def _measure_block(b: _Book, ws: Worksheet, row: int, col: int, m: MeasureTrack) -> int:
    r = m.measure
    write_value(ws, row, col, f"{r.measure} ({r.unit}; {r.better.value} is better)", b.bold)
    for c, head in enumerate(("Date", "Value", "Target", "Baseline")):
        write_value(ws, row + 1, col + c, head, b.head)
    points = [(r.baseline_date, r.baseline), *((p.date, p.value) for p in m.points)]
    for i, (date, value) in enumerate(points):
        for c, v in enumerate((date, value, r.target, r.baseline)):
            write_value(ws, row + 2 + i, col + c, v)
    last = row + 1 + len(points)
    chart = b.wb.add_chart({"type": "line"})
    for c, colour in ((1, "#2E75B6"), (2, "#70AD47"), (3, "#7F7F7F")):
        chart.add_series(
            {
                "name": ["Charts", row + 1, col + c],
                "categories": ["Charts", row + 2, col, last, col],
                "values": ["Charts", row + 2, col + c, last, col + c],
                "line": {"color": colour, "dash_type": "solid" if c == 1 else "dash"},
                "marker": {"type": "circle" if c == 1 else "none", "size": 5},
            }
        )
    chart.set_title({"name": f"{r.measure}: trend against target"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(row, col + 5, chart, {"x_scale": 1.1, "y_scale": 0.9})
    return max(last + 2, row + 19)


def _charts(b: _Book, tracker: Tracker) -> None:
    ws = b.wb.add_worksheet("Charts")
    page_setup(ws, programme=b.programme, sheet_title="Charts", freeze=False)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 3, 18)
    row = 0
    for name, track in (("Programme", tracker.programme), *((p.name, p) for p in tracker.by_partner)):
        row = _block(b, ws, row, 0, name, track)
    for m in tracker.measures:
        row = _measure_block(b, ws, row, 0, m)


def _table(b: _Book, table: Table, title: str, rows: Sequence[Sequence[object]]) -> None:
    ws = b.wb.add_worksheet(table.sheet)
    page_setup(ws, programme=b.programme, sheet_title=table.sheet, header_rows=3)
    write_value(ws, 0, 0, title, b.title)
    widths = {k: w for k, w in _WIDTHS.items() if k in table.keys}
    widths |= {c.key: 16 for c in table.columns if c.kind is Kind.MONEY}
    write_declared_rows(ws, table, rows, top=2, head=b.head, note=b.bold, widths=widths)
    for i, c in enumerate(table.columns):
        if c.kind is Kind.MONEY:
            ws.set_column(i, i, 16, b.money)


def write_tracker(
    path: str | Path, tracker: Tracker, sources: Sequence[SourceRecord] = (), *, version: str = "", as_of: str = ""
) -> Path:
    """Write the tracker workbook to ``path`` atomically and return the path.

    Args:
        path: where to write the .xlsx.
        tracker: every tracked figure (``jwmodel.tracking.track``).
        sources: the intake register of the monitoring returns' folder.
        version: the name of the approved version tracked (for the Read me).
        as_of: the date outstanding returns are counted to (for the Read me).
    """
    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, WORKBOOK_OPTIONS)
        wb.set_properties({"title": "Joint working: benefits tracker", "author": "jwmodel"})
        mark_output(wb, "benefits tracker")
        b = _Book(wb, f"Benefits tracker: {version}" if version else "Benefits tracker")
        _read_me(b, tracker, version, as_of)
        _charts(b, tracker)
        for table in TRACKER_TABLES:
            _table(b, table, table.title, list(tracker_rows(tracker, table)))
        _table(b, FINDINGS, f"Findings: {len(tracker.findings)}", list(findings_rows(tracker.findings)))
        _table(b, SOURCES, f"Sources: every file in the folder ({len(sources)})", list(sources_rows(sources)))
        wb.close()
    return path
