"""Write the consolidated business-case workbook with XlsxWriter.

Sheets, in the order a reader follows them: Summary (the committee's first page: headline ranges,
NPV and payback by case, each partner's share, the files accepted and rejected, then Appendix A,
the one-off costs and two charts), Baseline, Savings, One-off costs, Apportionment, By partner,
Appraisal, Sensitivity, Findings, Sources, and the Read me. Every sheet prints A4 landscape, fitted
to the page width, with print titles, a page header naming the programme and sheet and a footer
with page numbers (``xlsx_cells.page_setup``); the Summary fits on one page.

One number style (``xlsx_cells``): whole £000s with savings in brackets on the summary sheets, the
exact figure to £1 on the detail sheets (Savings, One-off costs, By partner), whole percentages,
years to one decimal, "n/a" where a figure has no meaning. Every line is listed, with the file
and cell it came from, on the Savings and One-off costs sheets; each line's share per partner is
the ``by_partner`` table of the tables output (``--tables``, ``Run.to_pandas("by_partner")``),
which the By partner sheet totals by service area.

Where files were rejected or error findings exist, the Summary and the Read me carry an INCOMPLETE
banner. Totals are formulas that carry their cached result, so a reader that does not calculate
(python-calamine, pandas) sees every figure. Text that came from a submission is always written
as text, never as a formula or a link. The file is written to a temporary name and renamed, so a
failed run leaves no half-written file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell as cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jwmodel.apportionment import describe_shares
from jwmodel.appraisal import Case
from jwmodel.business_case import ProgrammeAppraisal
from jwmodel.consolidation import Consolidation, LineShare
from jwmodel.excel import xlsx_cells
from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import (
    MONEY,
    WORKBOOK_OPTIONS,
    Styles,
    fit_width,
    mark_output,
    page_setup,
    styles,
    write_headers,
    write_value,
)
from jwmodel.model import Range
from jwmodel.participation import step_years
from jwmodel.report_text import incomplete_banner, payback_shown, sources_line
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Kind, Table
from jwmodel.tables.outputs import (
    FINDINGS,
    LINES,
    RECHARGE_ELIMINATION,
    RECHARGE_SCHEDULE,
    RECHARGES,
    SOURCES,
    findings_rows,
    recharge_elimination_rows,
    recharge_schedule_rows,
    recharges_rows,
    sources_rows,
)

__all__ = ["write_consolidated", "write_consolidated_later", "Rest", "SHEETS", "FIGURE_SHEETS"]

SHEETS = (
    "Summary",
    "Baseline",
    "Savings",
    "One-off costs",
    "Apportionment",
    "By partner",
    "Appraisal",
    "Sensitivity",
    "Recharges",
    "Findings",
    "Sources",
    "Read me",
)
OPTIONS = {**WORKBOOK_OPTIONS, "constant_memory": False, "in_memory": True}
"""The consolidated workbook's XlsxWriter options. ``in_memory``: each part is assembled in memory and zipped
from there, not written to a temporary file, zipped and deleted (35 of them: 0.02-0.1 s of the workbook's
0.15-0.25 s at 1,000 realistic files; deleting files is slow on a disk mounted with ``discard``). The cells
are the same; the zip stamps its parts 1 January 1980 instead of 31 January 1980."""
TITLE = "Joint working business case: consolidated"
ONE_PAGE_SERVICES = 30  # a Summary with more service areas than this is fitted to the page width only
CHART_ROWS = 20  # rows a chart takes under the tables (at the default row height)
CATEGORIES_DOWN = {"reverse": True, "crossing": "max", "label_position": "low", "major_tick_mark": "none"}
MONEY_AXIS = {"num_format": MONEY, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}


class _Book:
    def __init__(self, wb: Workbook, programme_name: str) -> None:
        self.wb = wb
        self.f: Styles = styles(wb)
        self.programme_name = programme_name or TITLE
        self.date = datetime.date.today().isoformat()
        self.made: dict[str, Worksheet] = {}

    def sheet(self, name: str) -> Worksheet:
        """The sheet ``name``: the one added in advance (``add``), or a new one."""
        made = self.made.pop(name, None)
        return made if made is not None else self.wb.add_worksheet(name)

    def add(self, names: Sequence[str]) -> None:
        """Add these sheets now, in this order, to be filled in any order."""
        for name in names:
            self.made[name] = self.wb.add_worksheet(name)

    def finish(self, ws: Worksheet, *, header_rows: int = 0, header_cols: int = 0, one_page: bool = False) -> None:
        """The one page and screen set-up (``xlsx_cells.page_setup``)."""
        page_setup(
            ws,
            programme=self.programme_name,
            sheet_title=ws.get_name(),
            header_rows=header_rows,
            header_cols=header_cols,
            date=self.date,
            one_page=one_page,
        )

    def text_cell(self, ws: Worksheet, row: int, col: int, value: object, fmt: object = None) -> None:
        """Write text from anywhere (submissions included) strictly as a string."""
        write_value(ws, row, col, "" if value is None else str(value), fmt or self.f.text)

    def num(self, ws: Worksheet, row: int, col: int, value: Decimal | int | None, fmt: object = None) -> None:
        write_value(ws, row, col, value, fmt if value is None else (fmt or self.f.money))

    def formula(self, ws: Worksheet, row: int, col: int, formula: str, value: Decimal, fmt: object) -> None:
        """A formula with its result cached, so non-calculating readers see the figure."""
        ws.write_formula(row, col, formula, fmt, float(value))

    def payback(self, ws: Worksheet, row: int, col: int, years: Decimal | None) -> None:
        """Payback in years to one decimal, or "n/a" / "beyond plan" (``report_text.payback_shown``)."""
        shown = payback_shown(years)
        if isinstance(shown, str):
            self.text_cell(ws, row, col, shown, self.f.not_applicable)
        else:
            self.num(ws, row, col, shown, self.f.years)

    def percent(self, ws: Worksheet, row: int, col: int, value: Decimal | None) -> None:
        """A whole-number percentage, or "n/a" where there is none."""
        xlsx_cells.write_figure(ws, row, col, value, self.f.percent, na=self.f.not_applicable)

    def wrapped(self, ws: Worksheet, row: int, text: str, last_col: int, width: float, fmt: object = None) -> None:
        """A long note merged across columns 0..``last_col`` and wrapped, with the row tall enough."""
        fmt = fmt or self.f.note_wrap
        text = xlsx_cells.fit_text(text)
        if last_col:
            ws.merge_range(row, 0, row, last_col, "", fmt)
            ws.write_string(row, 0, text, fmt)  # text as text, into the merged range's first cell
        else:
            self.text_cell(ws, row, 0, text, fmt)
        ws.set_row(row, xlsx_cells.note_height(text, width))

    def headers(
        self, ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float], labels: int = 1
    ) -> None:
        """Column headers: left over the ``labels`` text columns, right over the figures, wrapped."""
        write_headers(ws, row, headers, self.f.head_right, widths=widths, label_cols=labels, label_fmt=self.f.head)


def _sum(first_row: int, last_row: int, col: int) -> str:
    if last_row < first_row:
        return "=0"
    return f"=SUM({cell(first_row, col)}:{cell(last_row, col)})"


def _sum_cols(row: int, first_col: int, last_col: int) -> str:
    return f"=SUM({cell(row, first_col)}:{cell(row, last_col)})"


def _low_high(ws: Worksheet, b: _Book, row: int, first_col: int, groups: Sequence[str]) -> None:
    """Two header rows: each group merged over its Low and High columns."""
    for i, g in enumerate(groups):
        col = first_col + 2 * i
        ws.merge_range(row, col, row, col + 1, g, b.f.head_center)
        b.text_cell(ws, row + 1, col, "Low", b.f.head_right)
        b.text_cell(ws, row + 1, col + 1, "High", b.f.head_right)


# Read me ---------------------------------------------------------------------------------------


def _read_me(b: _Book, result: Consolidation, sources: Sequence[SourceRecord], programme: str = "") -> None:
    ws = b.sheet("Read me")
    ws.set_column(0, 0, 120, b.f.wrap)
    b.text_cell(ws, 0, 0, TITLE, b.f.title)
    banner = incomplete_banner(sources, result.findings)
    if banner:
        b.text_cell(ws, 1, 0, banner, b.f.banner)
    lines = (
        sources_line(sources),
        programme,
        "Units: £000s. Sign: cost positive, saving negative (savings in brackets). Written by jwmodel.",
        "",
        "Summary: the headline figures, each partner's share, Appendix A (recurring cost/(saving) by service "
        "area), the one-off costs and the charts: the first page for a committee.",
        "Baseline, Savings, One-off costs, Apportionment, By partner: the figures behind the Summary. Every "
        "saving line and one-off cost is listed with the file and cell it came from.",
        "Each line's share per partner, to £1, is in the tables output (jwmodel consolidate --tables DIR: "
        "by_partner.csv and by_partner.parquet) and in Python as run.to_pandas('by_partner').",
        "Appraisal and Sensitivity: the business case over the plan, NPV, payback and switching values.",
        "Findings: every problem found, located by file, sheet and cell. Sources: every file in the folder.",
        "Figures: whole £000s on summary sheets, to £1 (three decimals of £000s) on the line sheets and By "
        "partner; percentages whole; years to one decimal; n/a where a figure has no meaning.",
    )
    for row, text in enumerate(lines, start=3):
        b.text_cell(ws, row, 0, text)
    b.finish(ws, header_rows=1)


# Summary ---------------------------------------------------------------------------------------


def _summary(
    b: _Book, result: Consolidation, sources: Sequence[SourceRecord], appraisal: ProgrammeAppraisal | None
) -> None:
    ws = b.sheet("Summary")
    ws.activate()
    label = fit_width([s.service for s in result.services] + ["Recurring cost/(saving) a year"], minimum=30)
    ws.set_column(0, 0, label)
    ws.set_column(1, 8, 11)
    width = label + 8 * 11
    b.text_cell(ws, 0, 0, TITLE, b.f.title)
    b.wrapped(
        ws,
        1,
        "Units: £000s. Sign: cost positive, saving negative (savings in brackets). " + sources_line(sources),
        8,
        width,
    )
    options = "; ".join(f"{s}: {o}" for s, o in result.options_in_use.items())
    b.wrapped(ws, 2, f"Participation options in use: {options}", 8, width)
    banner = incomplete_banner(sources, result.findings)
    if banner:
        ws.merge_range(3, 0, 3, 8, "", b.f.banner)
        b.text_cell(ws, 3, 0, banner, b.f.banner)
    row = _headline(b, ws, result, appraisal, 5)
    row = _partner_shares(b, ws, result, appraisal, row + 1)
    first, last, row = _appendix_a(b, ws, result, row + 1)
    row = _one_off_summary(b, ws, result, row + 2)
    _summary_charts(b, ws, first, last, appraisal, row + 2)
    b.finish(ws, header_cols=1, one_page=len(result.services) <= ONE_PAGE_SERVICES)


def _headline(b: _Book, ws: Worksheet, result: Consolidation, appraisal: ProgrammeAppraisal | None, row: int) -> int:
    """The headline range of recurring savings and one-off costs, and NPV and payback by case."""
    t = result.total
    b.text_cell(ws, row, 0, "Headline figures", b.f.bold)
    b.headers(ws, row + 1, ["", "Low", "High"], [30, 11, 11])
    for i, (name, r) in enumerate(
        (("Recurring cost/(saving) a year", t.recurring), ("One-off costs of change", t.one_off)), start=row + 2
    ):
        b.text_cell(ws, i, 0, name)
        b.num(ws, i, 1, r.low, b.f.big)
        b.num(ws, i, 2, r.high, b.f.big)
    row += 4
    if appraisal is None:
        return row
    cases = (Case.PRUDENT, Case.CENTRAL, Case.OPTIMISTIC)
    b.headers(ws, row, ["", *(c.value.capitalize() for c in cases)], [30, 11, 11, 11])
    b.text_cell(ws, row + 1, 0, "NPV over the plan (benefit positive)")
    b.text_cell(ws, row + 2, 0, "Payback (years)")
    for col, case in enumerate(cases, start=1):
        c = appraisal.case(case)
        b.num(ws, row + 1, col, c.npv, b.f.big)
        b.payback(ws, row + 2, col, c.payback_years)
    b.text_cell(
        ws,
        row + 3,
        0,
        f"Prudent: low savings, high costs; optimistic: the reverse. NPV at the {appraisal.settings.schedule.name}, "
        f"{appraisal.years[0]} to {appraisal.years[-1]}.",
        b.f.note,
    )
    return row + 4


def _partner_shares(
    b: _Book, ws: Worksheet, result: Consolidation, appraisal: ProgrammeAppraisal | None, row: int
) -> int:
    """Each partner's share of the recurring and one-off figures, with its central NPV and payback."""
    b.text_cell(ws, row, 0, "Each partner's share", b.f.bold)
    headers = ["Partner", "Recurring low", "Recurring high", "One-off low", "One-off high"]
    if appraisal is not None:
        headers += ["NPV (central)", "Payback (years, central)"]
    b.headers(ws, row + 1, headers, [30] + [11] * (len(headers) - 1))
    row += 2
    npv = {p.name: p for p in appraisal.by_partner} if appraisal is not None else {}
    for p in result.by_partner:
        b.text_cell(ws, row, 0, p.partner)
        for col, value in enumerate((p.recurring.low, p.recurring.high, p.one_off.low, p.one_off.high), start=1):
            b.num(ws, row, col, value)
        if p.partner in npv:
            b.num(ws, row, 5, npv[p.partner].npv[Case.CENTRAL])
            b.payback(ws, row, 6, npv[p.partner].payback_years)
        row += 1
    return row


def _appendix_a(b: _Book, ws: Worksheet, result: Consolidation, row: int) -> tuple[int, int, int]:
    """Appendix A; returns its first and last service rows and its Total row."""
    b.text_cell(ws, row, 0, "Appendix A: Breakdown of estimated savings", b.f.bold)
    b.text_cell(ws, row + 1, 0, "Recurring full year estimated cost/(saving)", b.f.note)
    b.text_cell(ws, row + 2, 0, "Service area", b.f.head)
    b.text_cell(ws, row + 3, 0, "", b.f.head)
    _low_high(ws, b, row + 2, 1, ("Cashable savings", "Procurement", "Total", "Non-cashable (not in total)"))
    ws.set_row(row + 2, 2 * xlsx_cells.LINE_HEIGHT + 3)
    first = row + 4
    for i, s in enumerate(result.services):
        r = first + i
        b.text_cell(ws, r, 0, s.service)
        b.num(ws, r, 1, s.cashable.low)
        b.num(ws, r, 2, s.cashable.high)
        b.num(ws, r, 3, s.procurement.low)
        b.num(ws, r, 4, s.procurement.high)
        b.formula(ws, r, 5, f"={cell(r, 1)}+{cell(r, 3)}", s.recurring.low, b.f.money)
        b.formula(ws, r, 6, f"={cell(r, 2)}+{cell(r, 4)}", s.recurring.high, b.f.money)
        b.num(ws, r, 7, s.non_cashable.low)
        b.num(ws, r, 8, s.non_cashable.high)
    last = first + len(result.services) - 1
    total_row = last + 1
    t = result.total
    values = (
        t.cashable.low,
        t.cashable.high,
        t.procurement.low,
        t.procurement.high,
        t.recurring.low,
        t.recurring.high,
        t.non_cashable.low,
        t.non_cashable.high,
    )
    b.text_cell(ws, total_row, 0, "Total", b.f.bold)
    for col, value in zip(range(1, 9), values, strict=True):
        b.formula(ws, total_row, col, _sum(first, last, col), value, b.f.total)
    return first, last, total_row


def _one_off_summary(b: _Book, ws: Worksheet, result: Consolidation, title_row: int) -> int:
    """The one-off costs of change by service area, under Appendix A; returns its Total row."""
    t = result.total
    b.text_cell(ws, title_row, 0, "One-off costs of change", b.f.bold)
    b.headers(ws, title_row + 1, ["Service area", "Low", "High"], [30, 11, 11])
    o_first = title_row + 2
    for i, s in enumerate(result.services):
        b.text_cell(ws, o_first + i, 0, s.service)
        b.num(ws, o_first + i, 1, s.one_off.low)
        b.num(ws, o_first + i, 2, s.one_off.high)
    o_last = o_first + len(result.services) - 1
    b.text_cell(ws, o_last + 1, 0, "Total", b.f.bold)
    b.formula(ws, o_last + 1, 1, _sum(o_first, o_last, 1), t.one_off.low, b.f.total)
    b.formula(ws, o_last + 1, 2, _sum(o_first, o_last, 2), t.one_off.high, b.f.total)
    return o_last + 1


def _summary_charts(
    b: _Book, ws: Worksheet, first: int, last: int, appraisal: ProgrammeAppraisal | None, row: int
) -> None:
    """Under the tables: recurring cost/(saving) by service area, and the tornado beside it."""
    chart = b.wb.add_chart({"type": "bar"})
    for col, name in ((5, "Low estimate"), (6, "High estimate")):
        chart.add_series(
            {"name": name, "categories": ["Summary", first, 0, last, 0], "values": ["Summary", first, col, last, col]}
        )
    chart.set_title({"name": "Recurring cost/(saving) by service area, £000s", "name_font": {"size": 11}})
    _bar_axes(chart)
    chart.set_legend({"position": "bottom"})
    rows = min(max(CHART_ROWS, last - first + 9), 2 * CHART_ROWS)  # no taller than a printed page
    size = {"x_size": 450, "y_size": rows * 20, "object_position": 3}
    ws.insert_chart(row, 0, chart, size)
    if appraisal is not None and appraisal.tornado.bars:
        ws.insert_chart(row, 0, _tornado(b, appraisal), {**size, "x_offset": 460})
    ws.write_blank(row + rows, 8, None, b.f.text)  # the used range, and so the page, reaches under the charts
    if last - first + 1 > ONE_PAGE_SERVICES:  # a Summary longer than one page: the charts start a page
        narrowest = 30 + 8 * 11  # the columns' least width: the largest scale, so the safe side
        xlsx_cells.keep_chart_on_one_page(ws, row, chart=rows * 15, width=narrowest)


def _bar_axes(chart: object) -> None:
    """A horizontal bar chart that reads: service areas top to bottom, names left of every bar, (brackets)."""
    chart.set_y_axis(CATEGORIES_DOWN)  # type: ignore[attr-defined]
    chart.set_x_axis(MONEY_AXIS)  # type: ignore[attr-defined]


def _tornado(b: _Book, appraisal: ProgrammeAppraisal) -> object:
    """A real tornado: each service area's bar runs from its prudent to its optimistic programme NPV,
    about a vertical axis at the central NPV (the Sensitivity sheet holds the figures)."""
    first, last = _tornado_rows(appraisal)
    chart = b.wb.add_chart({"type": "bar"})
    for col, name in ((1, "Prudent case"), (2, "Optimistic case")):
        chart.add_series(
            {
                "name": name,
                "categories": ["Sensitivity", first, 0, last, 0],
                "values": ["Sensitivity", first, col, last, col],
                "overlap": 100,
                "gap": 40,
            }
        )
    central = appraisal.tornado.central_npv
    chart.set_title(
        {"name": f"Tornado: programme NPV about the central {central:,.0f}, £000s", "name_font": {"size": 11}}
    )
    chart.set_y_axis(CATEGORIES_DOWN)
    chart.set_x_axis({**MONEY_AXIS, "crossing": float(central)})
    chart.set_legend({"position": "bottom"})
    return chart


# Baseline --------------------------------------------------------------------------------------


def _baseline(b: _Book, result: Consolidation) -> None:
    ws = b.sheet("Baseline")
    partners = result.partners
    values = {(e.partner, e.service): (e.net, e.fte) for e in result.baseline_entries}
    services = list(
        dict.fromkeys([*(s.service for s in result.services), *(e.service for e in result.baseline_entries)])
    )
    ws.set_column(0, 0, fit_width([*services, "Stated less rows"], minimum=30))
    ws.set_column(1, 2 * len(partners), 11)
    b.text_cell(
        ws,
        0,
        0,
        "Financial baseline by partner and service area (£000s and FTE, net of charges from the other partners)",
        b.f.title,
    )
    b.text_cell(ws, 2, 0, "Service area", b.f.head)
    for j, p in enumerate(partners):
        ws.merge_range(2, 1 + 2 * j, 2, 2 + 2 * j, p, b.f.head_center)
        b.text_cell(ws, 3, 1 + 2 * j, "£000s", b.f.head_right)
        b.text_cell(ws, 3, 2 + 2 * j, "FTE", b.f.head_right)
    b.text_cell(ws, 3, 0, "", b.f.head)
    first = 4
    for i, service in enumerate(services):
        b.text_cell(ws, first + i, 0, service)
        for j, p in enumerate(partners):
            net, fte = values.get((p, service), (None, None))
            b.num(ws, first + i, 1 + 2 * j, net)
            b.num(ws, first + i, 2 + 2 * j, fte, b.f.fte)
    last = first + len(services) - 1
    total = last + 1
    b.text_cell(ws, total, 0, "Total of rows", b.f.bold)
    b.text_cell(ws, total + 1, 0, "Stated total", b.f.bold)
    b.text_cell(ws, total + 2, 0, "Stated less rows", b.f.bold)
    for j, pb in enumerate(result.baseline):
        for k, (computed, stated, fmt, fmt_total) in enumerate(
            ((pb.net, pb.stated_net, b.f.money, b.f.total), (pb.fte, pb.stated_fte, b.f.fte, b.f.fte_total))
        ):
            col = 1 + 2 * j + k
            b.formula(ws, total, col, _sum(first, last, col), computed, fmt_total)
            b.num(ws, total + 1, col, stated, fmt)
            if stated is not None:
                b.formula(ws, total + 2, col, f"={cell(total + 1, col)}-{cell(total, col)}", stated - computed, fmt)
    b.text_cell(
        ws,
        total + 4,
        0,
        "A non-zero 'stated less rows' means the partner's own control total does not equal the sum "
        "of its rows; see Findings.",
        b.f.note,
    )
    b.finish(ws, header_rows=4, header_cols=1)


# Savings and one-off costs: every line, with the file and cell it came from ---------------------


_LINE_KEYS = ("service", "description", "category", "low", "high", "included", "basis")
_LINE_WIDTHS = {"service": 30, "description": 44, "category": 16, "low": 12, "high": 12, "included": 9, "basis": 36}
SOURCE = "Source (file: sheet and cell)"


def _line_sheet(b: _Book, name: str, title: str, lines: Sequence[LineShare], total: Range | None) -> None:
    """One row per line, values only with the formats set by column: a sheet of many lines stays quick."""
    ws = b.sheet(name)
    for col, key in enumerate(_LINE_KEYS):
        fmt = b.f.money_exact if key in ("low", "high") else None
        ws.set_column(col, col, _LINE_WIDTHS[key], fmt)
    ws.set_column(len(_LINE_KEYS), len(_LINE_KEYS), 56)
    b.text_cell(ws, 0, 0, title, b.f.title)
    headers = [LINES.column(k).header for k in _LINE_KEYS] + [SOURCE]
    write_headers(ws, 2, headers, b.f.head, widths=[*_LINE_WIDTHS.values(), 56])
    for col in (_LINE_KEYS.index("low"), _LINE_KEYS.index("high")):  # over figures: right, as the figures
        b.text_cell(ws, 2, col, headers[col], b.f.head_right)
    row = 3
    for line in lines:
        counted = line.included
        ws.write_string(row, 0, xlsx_cells.fit_text(line.service))
        ws.write_string(row, 1, xlsx_cells.fit_text(line.description))
        ws.write_string(row, 2, str(line.category))
        if counted:
            ws.write_number(row, 3, float(line.estimate.low))
            ws.write_number(row, 4, float(line.estimate.high))
        ws.write_string(row, 5, "yes" if counted else "no")
        ws.write_string(row, 6, xlsx_cells.fit_text(line.basis if counted else "not counted: see Findings"))
        ws.write_string(row, 7, xlsx_cells.fit_text(str(line.where)))
        row += 1
    if total is not None:
        b.text_cell(ws, row, 0, "Total", b.f.bold)
        b.formula(ws, row, 3, _sum(3, row - 1, 3), total.low, b.f.total_exact)
        b.formula(ws, row, 4, _sum(3, row - 1, 4), total.high, b.f.total_exact)
    if lines:
        ws.autofilter(2, 0, 2 + len(lines), len(headers) - 1)
    b.finish(ws, header_rows=3, header_cols=1)


def _savings(b: _Book, result: Consolidation) -> None:
    lines = [x for x in result.lines if x.kind == "saving"]
    _line_sheet(
        b,
        "Savings",
        "Saving lines: every recurring full-year cost/(saving), £000s to £1 (Appendix A totals them by category)",
        lines,
        None,
    )


def _one_off(b: _Book, result: Consolidation) -> None:
    lines = [x for x in result.lines if x.kind == "one-off"]
    _line_sheet(b, "One-off costs", "One-off costs of change, £000s to £1", lines, result.total.one_off)


# Apportionment ---------------------------------------------------------------------------------


def _apportionment(b: _Book, result: Consolidation) -> None:
    ws = b.sheet("Apportionment")
    partners = result.partners
    headers = [
        "Service area",
        "Option",
        "Partners",
        "In use",
        "Default",
        "Method",
        "Driver or bearer",
        "Split",
        *(f"{p} %" for p in partners),
        "Basis of driver values",
    ]
    widths = [
        fit_width([r.service for r in result.apportionment], minimum=24, maximum=34),
        fit_width([r.option for r in result.apportionment], minimum=14, maximum=30),
        fit_width([", ".join(r.partners) for r in result.apportionment], minimum=12, maximum=30),
        8,
        9,
        18,
        fit_width([r.driver or r.sole_bearer for r in result.apportionment], minimum=14, maximum=30),
        18,
        *(8 for _ in partners),
        50,
    ]
    b.text_cell(
        ws,
        0,
        0,
        "Apportionment rules: every service area and participation option (the one in use is marked)",
        b.f.title,
    )
    set_widths = xlsx_cells.set_widths
    set_widths(ws, widths)
    ws.set_column(len(widths) - 1, len(widths) - 1, widths[-1], b.f.wrap)
    ws.set_column(7, 7, widths[7], b.f.wrap)
    write_headers(ws, 2, headers, b.f.head, widths=widths)
    spans = {service: step_years(steps) for service, steps in result.timelines.items()}
    for i, row in enumerate(result.apportionment, start=3):
        b.text_cell(ws, i, 0, row.service)
        b.text_cell(ws, i, 1, row.option)
        b.text_cell(ws, i, 2, ", ".join(row.partners))
        span = spans.get(row.service, {}).get(row.option)
        used = ("IN USE" if row.in_use else "IN FORCE") + (f" {span}" if span else "")
        b.text_cell(ws, i, 3, used if row.in_use or span else "", b.f.bold)
        b.text_cell(ws, i, 4, "default" if row.default else "")
        b.text_cell(ws, i, 5, row.method.value)
        b.text_cell(ws, i, 6, row.driver or row.sole_bearer)
        split = (
            describe_shares(row.shares)
            if row.shares
            else ("no joint costs or savings" if row.method.value == "none" else "not computable: see Findings")
        )
        b.text_cell(ws, i, 7, split, b.f.wrap)
        for j, p in enumerate(partners):
            value = row.shares.get(p) if row.shares else None
            b.num(ws, i, 8 + j, value, b.f.percent)
        b.text_cell(ws, i, 8 + len(partners), row.basis, b.f.wrap)
    if spans:
        b.wrapped(ws, len(result.apportionment) + 4, TIMELINE_NOTE, 7, sum(widths[:8]))
    b.finish(ws, header_rows=3, header_cols=1)


TIMELINE_NOTE = (
    "Participation over time: where an option in use starts in a year, the option before it is in force until then "
    "(IN FORCE). Appendix A, the line sheets and By partner show full-year figures under the option IN USE, the one "
    "in force at the end of the plan; the Appraisal follows the option in force year by year, each year's figure "
    "split by that option's percentages (docs/apportionment.md, Participation over time)."
)


# By partner ------------------------------------------------------------------------------------


def _partner_matrix(b: _Book, ws: Worksheet, result: Consolidation, kind: str, title: str, row: int) -> int:
    """Service areas by partner (low and high) for one kind of line, with the service's own total and
    what is not allocated (a formula that gives 0 where every line is split); returns the Total row."""
    partners = result.partners
    n = len(partners)
    b.text_cell(ws, row, 0, title, b.f.bold)
    row += 1
    b.text_cell(ws, row, 0, "Service area", b.f.head)
    b.text_cell(ws, row + 1, 0, "", b.f.head)
    _low_high(ws, b, row, 1, (*partners, "All partners", "Service area total", "Not allocated"))
    row += 2
    first = row
    for s in result.services:
        b.text_cell(ws, row, 0, s.service)
        shares = [result.partner_service(p, s.service, kind) for p in partners]
        whole = sum(shares, Range())
        own = s.recurring if kind == "saving" else s.one_off
        for j, r in enumerate(shares):
            b.num(ws, row, 1 + 2 * j, r.low, b.f.money_exact)
            b.num(ws, row, 2 + 2 * j, r.high, b.f.money_exact)
        for k, (all_value, own_value) in enumerate(((whole.low, own.low), (whole.high, own.high))):
            cols = [cell(row, 1 + 2 * j + k) for j in range(n)]
            all_col, own_col, gap_col = (1 + 2 * (n + m) + k for m in range(3))
            b.formula(ws, row, all_col, "=" + ("+".join(cols) or "0"), all_value, b.f.money_exact)
            b.num(ws, row, own_col, own_value, b.f.money_exact)
            gap = f"={cell(row, own_col)}-{cell(row, all_col)}"
            b.formula(ws, row, gap_col, gap, own_value - all_value, b.f.money_exact)
        row += 1
    last = row - 1
    b.text_cell(ws, row, 0, "Total", b.f.bold)
    totals = [p.recurring if kind == "saving" else p.one_off for p in result.by_partner]
    grand = sum(totals, Range())
    own = result.total.recurring if kind == "saving" else result.total.one_off
    pairs = [(r.low, r.high) for r in (*totals, grand, own)] + [(own.low - grand.low, own.high - grand.high)]
    for j, (low, high) in enumerate(pairs):
        b.formula(ws, row, 1 + 2 * j, _sum(first, last, 1 + 2 * j), low, b.f.total_exact)
        b.formula(ws, row, 2 + 2 * j, _sum(first, last, 2 + 2 * j), high, b.f.total_exact)
    return row


def _partner_totals(b: _Book, ws: Worksheet, result: Consolidation, matrices: dict[str, int], row: int) -> int:
    """Totals by partner, each a reference to its matrix's Total row, with a chart under; returns the next row."""
    b.text_cell(ws, row, 0, "Totals by partner", b.f.bold)
    row += 1
    headers = ("Partner", "Recurring low", "Recurring high", "One-off low", "One-off high")
    b.headers(ws, row, headers, [30, 12, 12, 12, 12])
    row += 1
    totals_first = row
    for j, p in enumerate(result.by_partner):
        b.text_cell(ws, row, 0, p.partner)
        pairs = (
            ("saving", p.recurring.low),
            ("saving", p.recurring.high),
            ("one-off", p.one_off.low),
            ("one-off", p.one_off.high),
        )
        for k, (kind, value) in enumerate(pairs):
            b.formula(ws, row, 1 + k, f"={cell(matrices[kind], 1 + 2 * j + k % 2)}", value, b.f.money_exact)
        row += 1
    chart = b.wb.add_chart({"type": "column"})
    for k, name in ((1, "Recurring, low estimate"), (2, "Recurring, high estimate")):
        chart.add_series(
            {
                "name": name,
                "categories": ["By partner", totals_first, 0, row - 1, 0],
                "values": ["By partner", totals_first, k, row - 1, k],
            }
        )
    chart.set_title({"name": "Recurring cost/(saving) by partner, £000s", "name_font": {"size": 11}})
    chart.set_x_axis({"label_position": "low", "major_tick_mark": "none"})
    chart.set_y_axis(MONEY_AXIS)
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(row + 1, 0, chart, {"x_size": 600, "y_size": CHART_ROWS * 20, "object_position": 3})
    width = fit_width([s.service for s in result.services], minimum=30) + 12 * 2 * (len(result.partners) + 3)
    xlsx_cells.keep_chart_on_one_page(ws, row + 1, chart=CHART_ROWS * 15, width=width)
    return row + 1 + CHART_ROWS


def _by_partner(b: _Book, result: Consolidation) -> None:
    ws = b.sheet("By partner")
    ws.set_column(0, 0, fit_width([s.service for s in result.services], minimum=30))
    ws.set_column(1, 2 * (len(result.partners) + 3), 12)
    b.text_cell(ws, 0, 0, "Each partner's share, £000s to £1 (cost positive, saving negative)", b.f.title)
    b.text_cell(
        ws,
        1,
        0,
        "Each line's share per partner: the tables output (jwmodel consolidate --tables DIR: by_partner.csv); "
        "every line with its file and cell: the Savings and One-off costs sheets.",
        b.f.note,
    )
    row = 3
    matrices: dict[str, int] = {}
    for kind, title in (("saving", "Recurring cost/(saving) by partner"), ("one-off", "One-off costs by partner")):
        matrices[kind] = _partner_matrix(b, ws, result, kind, title, row)
        row = matrices[kind] + 3
    _partner_totals(b, ws, result, matrices, row)
    b.finish(ws, header_cols=1)


# Appraisal and sensitivity ---------------------------------------------------------------------


def _appraisal(b: _Book, appraisal: ProgrammeAppraisal) -> None:
    ws = b.sheet("Appraisal")
    years = list(appraisal.years)
    settings = appraisal.settings
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 28)
    ws.set_column(2, len(years) + 3, 12)
    b.text_cell(ws, 0, 0, "Appraisal over the financial plan, £000s", b.f.title)
    bias = (
        f" Optimism bias: costs +{settings.bias.cost_uplift_percent}%, "
        f"savings -{settings.bias.benefit_reduction_percent}%."
        if settings.bias
        else " No optimism bias applied."
    )
    width = 30 + 28 + 12 * (len(years) + 1)
    b.wrapped(
        ws,
        1,
        f"Cash flows: cost positive, saving negative. NPV at the {settings.schedule.name}, year 0 ({years[0]}) "
        f"undiscounted, benefit positive (above 0 means worth doing).{bias}",
        len(years) + 2,
        width,
    )
    b.wrapped(
        ws,
        2,
        "Prudent: low savings, high costs. Optimistic: high savings, low costs. Central: the midpoint. "
        "Payback: years from the start of the plan until cumulative net saving stays at or above 0 "
        "(n/a: nothing to pay back).",
        len(years) + 2,
        width,
    )
    row, cumulative_rows = _appraisal_cases(b, ws, appraisal, 4)
    row = _appraisal_headline(b, ws, appraisal, row)
    row = _appraisal_subjects(b, ws, appraisal, row)
    _appraisal_chart(b, ws, appraisal, cumulative_rows, row + 1, width)
    b.finish(ws, header_cols=1)


def _appraisal_cases(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> tuple[int, dict[Case, int]]:
    """Each case's savings, costs, net and cumulative net by year; returns the next row and the cumulative rows."""
    years = list(appraisal.years)
    b.headers(ws, row, ["Case", "Measure", *years, "Total"], [30, 28, *([12] * (len(years) + 1))], labels=2)
    row += 1
    cumulative_rows: dict[Case, int] = {}
    for c in appraisal.cases:
        first = row
        for label, values in (("Savings", c.cashflow.savings), ("Costs (one-off and recurring)", c.cashflow.costs)):
            b.text_cell(ws, row, 0, c.case.value)
            b.text_cell(ws, row, 1, label)
            for k, v in enumerate(values):
                b.num(ws, row, 2 + k, v)
            b.formula(ws, row, 2 + len(years), _sum_cols(row, 2, 1 + len(years)), sum(values, Decimal(0)), b.f.money)
            row += 1
        b.text_cell(ws, row, 0, c.case.value)
        b.text_cell(ws, row, 1, "Net cost/(saving)", b.f.bold)
        for k, v in enumerate(c.cashflow.net):
            b.formula(ws, row, 2 + k, f"={cell(first, 2 + k)}+{cell(first + 1, 2 + k)}", v, b.f.money)
        net_total = sum(c.cashflow.net, Decimal(0))
        b.formula(ws, row, 2 + len(years), _sum_cols(row, 2, 1 + len(years)), net_total, b.f.money)
        row += 1
        b.text_cell(ws, row, 0, c.case.value)
        b.text_cell(ws, row, 1, "Cumulative net cost/(saving)")
        for k, v in enumerate(c.cashflow.cumulative):
            formula = f"={cell(row - 1, 2)}" if k == 0 else f"={cell(row, 1 + k)}+{cell(row - 1, 2 + k)}"
            b.formula(ws, row, 2 + k, formula, v, b.f.money)
        cumulative_rows[c.case] = row
        row += 2
    return row, cumulative_rows


def _appraisal_chart(
    b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, cumulative_rows: dict[Case, int], row: int, width: float
) -> None:
    """Cumulative net cost/(saving) by year for each case, under the tables, whole on one printed page."""
    years = list(appraisal.years)
    chart = b.wb.add_chart({"type": "line"})
    for c in appraisal.cases:
        r = cumulative_rows[c.case]
        chart.add_series(
            {
                "name": f"{c.case.value.capitalize()} case",
                "categories": ["Appraisal", 4, 2, 4, 1 + len(years)],
                "values": ["Appraisal", r, 2, r, 1 + len(years)],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": "Cumulative net cost/(saving) by year, £000s", "name_font": {"size": 11}})
    chart.set_x_axis({"label_position": "low", "major_tick_mark": "none"})
    chart.set_y_axis(MONEY_AXIS)
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(row, 0, chart, {"x_size": 640, "y_size": CHART_ROWS * 20, "object_position": 3})
    xlsx_cells.keep_chart_on_one_page(ws, row, chart=CHART_ROWS * 15, width=width)


def _appraisal_headline(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> int:
    b.text_cell(ws, row, 0, "Headline figures", b.f.bold)
    row += 1
    b.headers(ws, row, ("Case", "NPV (£000s)", "Payback (years)"), [30, 28, 12])
    row += 1
    for c in appraisal.cases:
        b.text_cell(ws, row, 0, c.case.value)
        b.num(ws, row, 1, c.npv)
        b.payback(ws, row, 2, c.payback_years)
        row += 1
    return row


def _appraisal_subjects(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> int:
    years = list(appraisal.years)
    headers = ("Name", "NPV central", "NPV prudent", "NPV optimistic", "Payback central (years)")
    headers += tuple(f"Net {y}" for y in years)
    for title, subjects in (
        ("By service area", appraisal.by_service),
        ("By partner (each line split by its own apportionment)", appraisal.by_partner),
    ):
        row += 1
        b.text_cell(ws, row, 0, title, b.f.bold)
        row += 1
        b.headers(ws, row, headers, [30, 28, *([12] * (len(headers) - 2))])
        row += 1
        for x in subjects:
            b.text_cell(ws, row, 0, x.name)
            for col, case in enumerate((Case.CENTRAL, Case.PRUDENT, Case.OPTIMISTIC), start=1):
                b.num(ws, row, col, x.npv[case])
            b.payback(ws, row, 4, x.payback_years)
            for k, v in enumerate(x.cashflow.net):
                b.num(ws, row, 5 + k, v)
            row += 1
    return row


def _tornado_rows(appraisal: ProgrammeAppraisal) -> tuple[int, int]:
    """The rows of the Sensitivity sheet holding the tornado's bars (first, last)."""
    first = 4 + len(appraisal.switching) + 3
    return first, first + len(appraisal.tornado.bars) - 1


def _sensitivity(b: _Book, appraisal: ProgrammeAppraisal) -> None:
    ws = b.sheet("Sensitivity")
    limit = appraisal.settings.payback_limit_years
    ws.set_column(0, 0, fit_width([w.subject for w in appraisal.switching], minimum=30))
    ws.set_column(1, 4, 14)
    b.text_cell(ws, 0, 0, "Sensitivity: switching values and the tornado", b.f.title)
    b.wrapped(
        ws,
        1,
        "Switching value: the percentage by which savings (central case) can fall before NPV reaches "
        f"0, or before payback takes longer than {limit} years. Negative, in brackets: savings must rise by "
        "that much. n/a: no savings to scale.",
        4,
        30 + 4 * 14,
    )
    headers = ("Subject", "NPV switching value", f"Payback ({limit} years) switching value")
    b.headers(ws, 3, headers, [30, 14, 14])
    row = 4
    for w in appraisal.switching:
        b.text_cell(ws, row, 0, w.subject)
        b.percent(ws, row, 1, w.npv_percent)
        b.percent(ws, row, 2, w.payback_percent)
        row += 1
    row += 1
    central = appraisal.tornado.central_npv
    b.text_cell(
        ws,
        row,
        0,
        "Tornado (the chart is on the Summary): programme NPV with one service area at its prudent and at its "
        f"optimistic case, the rest central (central NPV {central:,.0f})",
        b.f.bold,
    )
    row += 1
    b.headers(ws, row, ("Service area", "NPV prudent", "NPV optimistic", "Swing"), [30, 14, 14, 14])
    row += 1
    assert (row, row + len(appraisal.tornado.bars) - 1) == _tornado_rows(appraisal), "the chart reads these rows"
    for bar in appraisal.tornado.bars:
        b.text_cell(ws, row, 0, bar.service)
        b.num(ws, row, 1, bar.prudent_npv)
        b.num(ws, row, 2, bar.optimistic_npv)
        b.formula(ws, row, 3, f"={cell(row, 2)}-{cell(row, 1)}", bar.optimistic_npv - bar.prudent_npv, b.f.money)
        row += 1
    b.finish(ws, header_cols=1)


# Recharges between partners (jwmodel.recharges) -----------------------------------------------------


def _recharges(b: _Book, result: Consolidation) -> None:
    """The recharge schedule, the baseline with recharges eliminated, and each charge as both sides state it."""
    ws = b.sheet("Recharges")
    b.text_cell(ws, 0, 0, "Recharges between partners (£000s a year)", b.f.title)
    recharges = result.recharges
    ws.set_column(0, 0, 30)
    ws.set_column(1, 10, 14)
    if recharges is None:
        b.text_cell(ws, 2, 0, "No partner return states charges to or from the other partners.", b.f.note)
        b.finish(ws)
        return
    row = _recharge_table(b, ws, 2, RECHARGE_SCHEDULE, list(recharge_schedule_rows(result)))
    elimination = list(recharge_elimination_rows(result))
    total = recharges.total
    elimination.append(("Total", total.gross, total.eliminated, total.consolidated, total.net))
    b.text_cell(ws, row + 1, 0, f"The baseline year: {recharges.baseline_year}", b.f.bold)
    row = _recharge_table(b, ws, row + 2, RECHARGE_ELIMINATION, elimination)
    note = (
        "Each cost is counted once: a partner's gross includes what it pays the others, and its charges from other "
        "partners take it out again; the partner that runs the service keeps the whole cost (what it receives is "
        "not deducted). See docs/apportionment.md, 'Recharges between partners'."
    )
    b.wrapped(ws, row, note, 6, 120)
    _recharge_table(b, ws, row + 2, RECHARGES, list(recharges_rows(result)))
    b.finish(ws, header_rows=1)


def _recharge_table(b: _Book, ws: Worksheet, top: int, table: Table, rows: Sequence[Sequence[object]]) -> int:
    """A declared table's title, headers and rows from row ``top``; returns the row after it."""
    b.text_cell(ws, top, 0, table.title, b.f.bold)
    kinds = [c.kind for c in table.columns]
    b.headers(ws, top + 1, table.headers(), [30, *([14] * (len(kinds) - 1))], labels=1)
    for i, values in enumerate(rows, start=top + 2):
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if kind is Kind.MONEY:
                b.num(ws, i, col, value)  # type: ignore[arg-type]
            else:
                b.text_cell(ws, i, col, "yes" if value is True else "no" if value is False else value)
    if not rows:
        b.text_cell(ws, top + 2, 0, "none", b.f.note)
        return top + 4
    return top + 2 + len(rows) + 1


# Findings and sources --------------------------------------------------------------------------


def _table_sheet(b: _Book, table: Table, title: str, rows: Sequence[Sequence[object]], widths: dict[str, int]) -> None:
    """A sheet holding one declared table under its title (see ``xlsx_cells.write_declared_rows``)."""
    ws = b.sheet(table.sheet)
    b.text_cell(ws, 0, 0, title, b.f.title)
    xlsx_cells.write_declared_rows(ws, table, rows, top=2, head=b.f.head, note=b.f.bold, widths=widths)
    for key in ("message", "taken", "reasons", "sha256"):
        if key in table.keys:
            col = table.keys.index(key)
            ws.set_column(col, col, widths[key], b.f.wrap)
    b.finish(ws, header_rows=3, header_cols=1)


def _findings(b: _Book, result: Consolidation) -> None:
    rows = list(findings_rows(result.findings))
    widths = {"severity": 10, "code": 26, "file": 30, "sheet": 14, "cell": 8, "message": 80, "value": 16}
    _table_sheet(b, FINDINGS, f"Findings: {len(rows)}", rows, widths)


def _sources(b: _Book, sources: Sequence[SourceRecord]) -> None:
    rows = list(sources_rows(sources))
    widths = {"file": 34, "sha256": 36, "kind": 18, "status": 20, "taken": 56, "reasons": 56}  # a digest on 2 lines
    _table_sheet(b, SOURCES, f"Sources: every file in the folder ({len(rows)})", rows, widths)


FIGURE_SHEETS = ("Baseline", "Savings", "One-off costs", "Apportionment", "By partner")  # from the figures alone


@dataclass(frozen=True, slots=True)
class Rest:
    """What the workbook's other sheets show besides the consolidated figures: the consolidation with every
    finding (reading, consolidation, appraisal), the intake register, the appraisal, and the line naming
    the programme definition the files were held to."""

    result: Consolidation
    sources: Sequence[SourceRecord] = ()
    appraisal: ProgrammeAppraisal | None = None
    programme: str = ""


def write_consolidated(
    path: str | Path,
    result: Consolidation,
    sources: Sequence[SourceRecord] = (),
    appraisal: ProgrammeAppraisal | None = None,
    *,
    programme: str = "",
    programme_name: str = "",
    on_step: Callable[[str], None] | None = None,
) -> Path:
    """Write the consolidated workbook to ``path`` atomically and return the path.

    Args:
        path: where to write the .xlsx.
        result: the consolidation.
        sources: the intake register (every file seen, with its status).
        appraisal: the business case over the plan; adds NPV and payback to the Summary, the tornado,
            and the Appraisal and Sensitivity sheets.
        programme: one line naming the programme definition the files were held to (on the Read me).
        programme_name: the programme's name, in every printed page's header (default: the workbook's title).
        on_step: called with each sheet's name once it is written, and with "saved" at the end (progress).
    """
    rest = Rest(result, sources, appraisal, programme)
    return write_consolidated_later(
        path, result, lambda: rest, programme_name=programme_name, on_step=on_step, appraised=appraisal is not None
    )


def write_consolidated_later(
    path: str | Path,
    figures: Consolidation,
    rest: Callable[[], Rest],
    *,
    programme_name: str = "",
    on_step: Callable[[str], None] | None = None,
    appraised: bool = True,
) -> Path:
    """The consolidated workbook, its figure sheets (``FIGURE_SHEETS``) written from ``figures`` before
    ``rest()`` is asked for what the others show (``rest().result`` has the same figures, with every
    finding): so the workbook can be begun while the appraisal is still being worked out elsewhere.
    ``appraised``: whether ``rest()`` brings an appraisal (its sheets are placed in advance). The file is
    the same as :func:`write_consolidated` writes from the same run, byte for byte (the sheets are filled
    in this order either way).
    """
    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, OPTIONS)
        wb.set_properties({"title": TITLE, "author": "jwmodel"})
        mark_output(wb, "consolidated workbook")
        step = on_step or (lambda what: None)
        b = _Book(wb, programme_name)
        b.add([name for name in SHEETS if appraised or name not in ("Appraisal", "Sensitivity")])
        for name, write in zip(
            FIGURE_SHEETS,
            (_baseline, _savings, _one_off, _apportionment, _by_partner),
            strict=True,
        ):
            write(b, figures)
            step(name)
        then = rest()
        if (then.appraisal is not None) != appraised:
            raise ValueError("the appraisal was announced but not given, or given unannounced")
        writers = {
            "Summary": lambda: _summary(b, then.result, then.sources, then.appraisal),
            "Appraisal": lambda: _appraisal(b, then.appraisal) if then.appraisal is not None else None,
            "Sensitivity": lambda: _sensitivity(b, then.appraisal) if then.appraisal is not None else None,
            "Recharges": lambda: _recharges(b, then.result),
            "Findings": lambda: _findings(b, then.result),
            "Sources": lambda: _sources(b, then.sources),
            "Read me": lambda: _read_me(b, then.result, then.sources, then.programme),
        }
        for name, write in writers.items():
            write()
            step(name)
        wb.close()
        step("saved")
    return path
