"""Write the consolidated business-case workbook with XlsxWriter.

Sheets: Read me, Summary (Appendix A layout with one-off costs and two native charts), Appraisal,
Sensitivity, Baseline, Apportionment, By partner, One-off costs, Findings, Sources. Where files
were rejected or error findings exist, the Read me and Summary carry an INCOMPLETE banner. The
Findings and Sources sheets take their columns from ``jwmodel.tables.outputs``. Totals are formulas that carry their
cached result, so a reader that does not calculate (python-calamine, pandas) sees every figure.
Text that came from a submission is always written as text, never as a formula or a link.
The file is written to a temporary name and renamed, so a failed run leaves no half-written file.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell as cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jwmodel.apportionment import describe_shares
from jwmodel.appraisal import Case
from jwmodel.business_case import ProgrammeAppraisal
from jwmodel.consolidation import Consolidation
from jwmodel.excel import xlsx_cells
from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import WORKBOOK_OPTIONS, mark_output, write_value
from jwmodel.model import Range
from jwmodel.report_text import incomplete_banner, sources_line
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Table
from jwmodel.tables.outputs import FINDINGS, SOURCES, findings_rows, sources_rows

__all__ = ["write_consolidated", "SHEETS"]

SHEETS = (
    "Read me",
    "Summary",
    "Appraisal",
    "Sensitivity",
    "Baseline",
    "Apportionment",
    "By partner",
    "One-off costs",
    "Findings",
    "Sources",
)
MONEY = "#,##0;(#,##0);0"
MONEY_3 = "#,##0.000;(#,##0.000);0"
FTE = "#,##0.0"
OPTIONS = {**WORKBOOK_OPTIONS, "constant_memory": False}


class _Book:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.head = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.head_c = wb.add_format({"bold": True, "bottom": 1, "align": "center"})
        self.bold = wb.add_format({"bold": True})
        self.money = wb.add_format({"num_format": MONEY})
        self.money3 = wb.add_format({"num_format": MONEY_3})
        self.total = wb.add_format({"num_format": MONEY, "bold": True, "top": 1, "bottom": 6})
        self.total3 = wb.add_format({"num_format": MONEY_3, "bold": True, "top": 1, "bottom": 6})
        self.fte = wb.add_format({"num_format": FTE})
        self.fte_total = wb.add_format({"num_format": FTE, "bold": True, "top": 1, "bottom": 6})
        self.pct = wb.add_format({"num_format": "0.##"})
        self.text = wb.add_format({})
        self.banner = wb.add_format({"bold": True, "font_size": 14, "font_color": "#FFFFFF", "bg_color": "#C00000"})

    def text_cell(self, ws: Worksheet, row: int, col: int, value: object, fmt: object = None) -> None:
        """Write text from anywhere (submissions included) strictly as a string."""
        write_value(ws, row, col, "" if value is None else str(value), fmt or self.text)

    def num(self, ws: Worksheet, row: int, col: int, value: Decimal | int | None, fmt: object = None) -> None:
        write_value(ws, row, col, value, fmt if value is None else (fmt or self.money))

    def formula(self, ws: Worksheet, row: int, col: int, formula: str, value: Decimal, fmt: object) -> None:
        """A formula with its result cached, so non-calculating readers see the figure."""
        ws.write_formula(row, col, formula, fmt, float(value))


def _sum(first_row: int, last_row: int, col: int) -> str:
    if last_row < first_row:
        return "=0"
    return f"=SUM({cell(first_row, col)}:{cell(last_row, col)})"


def _read_me(b: _Book, result: Consolidation, sources: Sequence[SourceRecord], programme: str = "") -> None:
    ws = b.wb.add_worksheet("Read me")
    ws.set_column(0, 0, 120)
    b.text_cell(ws, 0, 0, "Joint working business case: consolidated", b.title)
    banner = incomplete_banner(sources, result.findings)
    if banner:
        b.text_cell(ws, 1, 0, banner, b.banner)
    lines = (
        sources_line(sources),
        programme,
        "Units: £000s. Sign: cost positive, saving negative. Written by jwmodel.",
        "",
        "Summary: Appendix A (recurring cost/(saving) by service area) and one-off costs.",
        "Appraisal and Sensitivity: the business case over the plan, NPV, payback and switching values.",
        "Baseline, Apportionment, By partner, One-off costs: the figures behind the summary.",
        "Findings: every problem found, located by file, sheet and cell. Sources: every file in the folder.",
    )
    for row, text in enumerate(lines, start=3):
        b.text_cell(ws, row, 0, text)


def _summary(b: _Book, result: Consolidation, sources: Sequence[SourceRecord]) -> None:
    ws = b.wb.add_worksheet("Summary")
    ws.activate()
    ws.set_column(0, 0, 34)
    ws.set_column(1, 8, 11)
    b.text_cell(ws, 0, 0, "Joint working business case: consolidated", b.title)
    b.text_cell(ws, 1, 0, "Units: £000s. Sign: cost positive, saving negative.", b.note)
    options = "; ".join(f"{s}: {o}" for s, o in result.options_in_use.items())
    b.text_cell(ws, 2, 0, f"Participation options in use: {options}", b.note)
    banner = incomplete_banner(sources, result.findings)
    if banner:
        b.text_cell(ws, 3, 0, banner, b.banner)
    b.text_cell(ws, 4, 0, "Appendix A: Breakdown of estimated savings", b.bold)
    b.text_cell(ws, 5, 0, "Recurring full year estimated cost/(saving)", b.note)
    groups = ("Cashable savings", "Procurement", "Total", "Non-cashable (not in total)")
    b.text_cell(ws, 6, 0, "Service area", b.head)
    for i, g in enumerate(groups):
        ws.merge_range(6, 1 + 2 * i, 6, 2 + 2 * i, g, b.head_c)
        b.text_cell(ws, 7, 1 + 2 * i, "Low", b.head)
        b.text_cell(ws, 7, 2 + 2 * i, "High", b.head)
    b.text_cell(ws, 7, 0, "", b.head)
    first = 8
    for i, s in enumerate(result.services):
        row = first + i
        b.text_cell(ws, row, 0, s.service)
        b.num(ws, row, 1, s.cashable.low)
        b.num(ws, row, 2, s.cashable.high)
        b.num(ws, row, 3, s.procurement.low)
        b.num(ws, row, 4, s.procurement.high)
        b.formula(ws, row, 5, f"={cell(row, 1)}+{cell(row, 3)}", s.recurring.low, b.money)
        b.formula(ws, row, 6, f"={cell(row, 2)}+{cell(row, 4)}", s.recurring.high, b.money)
        b.num(ws, row, 7, s.non_cashable.low)
        b.num(ws, row, 8, s.non_cashable.high)
    last = first + len(result.services) - 1
    total_row = last + 1
    t = result.total
    b.text_cell(ws, total_row, 0, "Total", b.bold)
    for col, value in zip(
        range(1, 9),
        (
            t.cashable.low,
            t.cashable.high,
            t.procurement.low,
            t.procurement.high,
            t.recurring.low,
            t.recurring.high,
            t.non_cashable.low,
            t.non_cashable.high,
        ),
        strict=True,
    ):
        b.formula(ws, total_row, col, _sum(first, last, col), value, b.total)

    _one_off_summary(b, ws, result, total_row + 3)
    _summary_chart(b, ws, first, last)


def _one_off_summary(b: _Book, ws: Worksheet, result: Consolidation, title_row: int) -> None:
    """The one-off costs of change by service area, under Appendix A."""
    t = result.total
    b.text_cell(ws, title_row, 0, "One-off costs of change", b.bold)
    b.text_cell(ws, title_row + 1, 0, "Service area", b.head)
    b.text_cell(ws, title_row + 1, 1, "Low", b.head)
    b.text_cell(ws, title_row + 1, 2, "High", b.head)
    o_first = title_row + 2
    for i, s in enumerate(result.services):
        b.text_cell(ws, o_first + i, 0, s.service)
        b.num(ws, o_first + i, 1, s.one_off.low)
        b.num(ws, o_first + i, 2, s.one_off.high)
    o_last = o_first + len(result.services) - 1
    b.text_cell(ws, o_last + 1, 0, "Total", b.bold)
    b.formula(ws, o_last + 1, 1, _sum(o_first, o_last, 1), t.one_off.low, b.total)
    b.formula(ws, o_last + 1, 2, _sum(o_first, o_last, 2), t.one_off.high, b.total)


def _summary_chart(b: _Book, ws: Worksheet, first: int, last: int) -> None:
    chart = b.wb.add_chart({"type": "bar"})
    for col, name in ((5, "Low"), (6, "High")):
        chart.add_series(
            {"name": name, "categories": ["Summary", first, 0, last, 0], "values": ["Summary", first, col, last, col]}
        )
    chart.set_title({"name": "Recurring cost/(saving) by service area, £000s"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(4, 10, chart, {"x_scale": 1.3, "y_scale": 1.2})


def _partner_matrix(b: _Book, ws: Worksheet, result: Consolidation, kind: str, title: str, row: int) -> int:
    """Service areas by partner (low and high) for one kind of line; returns the Total row."""
    partners = result.partners
    b.text_cell(ws, row, 0, title, b.bold)
    row += 1
    b.text_cell(ws, row, 0, "Service area", b.head)
    for j, p in enumerate(partners):
        ws.merge_range(row, 1 + 2 * j, row, 2 + 2 * j, p, b.head_c)
    ws.merge_range(row, 1 + 2 * len(partners), row, 2 + 2 * len(partners), "All partners", b.head_c)
    row += 1
    b.text_cell(ws, row, 0, "", b.head)
    for j in range(len(partners) + 1):
        b.text_cell(ws, row, 1 + 2 * j, "Low", b.head)
        b.text_cell(ws, row, 2 + 2 * j, "High", b.head)
    row += 1
    first = row
    for s in result.services:
        b.text_cell(ws, row, 0, s.service)
        shares = [result.partner_service(p, s.service, kind) for p in partners]
        for j, r in enumerate(shares):
            b.num(ws, row, 1 + 2 * j, r.low, b.money3)
            b.num(ws, row, 2 + 2 * j, r.high, b.money3)
        whole = sum(shares, Range())
        for k, value in ((0, whole.low), (1, whole.high)):
            cols = [cell(row, 1 + 2 * j + k) for j in range(len(partners))]
            b.formula(ws, row, 1 + 2 * len(partners) + k, "=" + ("+".join(cols) or "0"), value, b.money3)
        row += 1
    last = row - 1
    b.text_cell(ws, row, 0, "Total", b.bold)
    totals = [p.recurring if kind == "saving" else p.one_off for p in result.by_partner]
    grand = sum(totals, Range())
    for j, r in enumerate([*totals, grand]):
        b.formula(ws, row, 1 + 2 * j, _sum(first, last, 1 + 2 * j), r.low, b.total3)
        b.formula(ws, row, 2 + 2 * j, _sum(first, last, 2 + 2 * j), r.high, b.total3)
    return row


def _partner_totals(b: _Book, ws: Worksheet, result: Consolidation, matrices: dict[str, int], row: int) -> int:
    """Totals by partner, each a reference to its matrix's Total row, with a chart; returns the next row."""
    b.text_cell(ws, row, 0, "Totals by partner", b.bold)
    row += 1
    for col, h in enumerate(("Partner", "Recurring low", "Recurring high", "One-off low", "One-off high")):
        b.text_cell(ws, row, col, h, b.head)
    row += 1
    totals_first = row
    for j, p in enumerate(result.by_partner):
        b.text_cell(ws, row, 0, p.partner)
        for k, (kind, value) in enumerate(
            (
                ("saving", p.recurring.low),
                ("saving", p.recurring.high),
                ("one-off", p.one_off.low),
                ("one-off", p.one_off.high),
            )
        ):
            b.formula(ws, row, 1 + k, f"={cell(matrices[kind], 1 + 2 * j + k % 2)}", value, b.money3)
        row += 1
    chart = b.wb.add_chart({"type": "column"})
    for k, name in ((1, "Recurring low"), (2, "Recurring high")):
        chart.add_series(
            {
                "name": name,
                "categories": ["By partner", totals_first, 0, row - 1, 0],
                "values": ["By partner", totals_first, k, row - 1, k],
            }
        )
    chart.set_title({"name": "Recurring cost/(saving) by partner, £000s"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(2, 2 * len(result.partners) + 4, chart)
    return row


def _every_line(b: _Book, ws: Worksheet, result: Consolidation, row: int) -> None:
    """Every line with each partner's share and an unallocated column (a formula that must give 0)."""
    partners = result.partners
    b.text_cell(ws, row, 0, "Every line and each partner's share", b.bold)
    row += 1
    n = len(partners)
    headers = ["Service area", "Kind", "Description", "Category or type", "Basis", "Counted", "Low", "High"]
    headers += (
        [f"{p} low" for p in partners] + [f"{p} high" for p in partners] + ["Unallocated low", "Unallocated high"]
    )
    for col, h in enumerate(headers):
        b.text_cell(ws, row, col, h, b.head)
    row += 1
    for line in result.lines:
        for col, text in enumerate((line.service, line.kind, line.description, line.category, line.basis)):
            b.text_cell(ws, row, col, text)
        b.text_cell(ws, row, 5, "yes" if line.included else "no")
        b.num(ws, row, 6, line.estimate.low, b.money3)
        b.num(ws, row, 7, line.estimate.high, b.money3)
        for j, p in enumerate(partners):
            share = line.shares.get(p)
            b.num(ws, row, 8 + j, share.low if share else None, b.money3)
            b.num(ws, row, 8 + n + j, share.high if share else None, b.money3)
        allocated = sum(line.shares.values(), Range())
        for k, (whole, part) in enumerate(((line.estimate.low, allocated.low), (line.estimate.high, allocated.high))):
            first = 8 + k * n
            value = (whole - part) if line.included else Decimal(0)
            formula = (
                f"={cell(row, 6 + k)}-SUM({cell(row, first)}:{cell(row, first + n - 1)})"
                if line.included and n
                else "=0"
            )
            b.formula(ws, row, 8 + 2 * n + k, formula, value, b.money3)
        row += 1


def _by_partner(b: _Book, result: Consolidation) -> None:
    ws = b.wb.add_worksheet("By partner")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2 * len(result.partners) + 2, 12)
    b.text_cell(ws, 0, 0, "Each partner's share, £000s to the nearest £1 (cost positive, saving negative)", b.title)
    row = 2
    matrices: dict[str, int] = {}
    for kind, title in (("saving", "Recurring cost/(saving) by partner"), ("one-off", "One-off costs by partner")):
        matrices[kind] = _partner_matrix(b, ws, result, kind, title, row)
        row = matrices[kind] + 3
    row = _partner_totals(b, ws, result, matrices, row)
    _every_line(b, ws, result, row + 2)
    ws.set_column(2, 2, 48)
    ws.set_column(4, 4, 30)


def _baseline(b: _Book, result: Consolidation) -> None:
    ws = b.wb.add_worksheet("Baseline")
    partners = result.partners
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2 * len(partners), 12)
    b.text_cell(
        ws,
        0,
        0,
        "Financial baseline by partner and service area (£000s and FTE, net of charges from the other partners)",
        b.title,
    )
    b.text_cell(ws, 2, 0, "Service area", b.head)
    for j, p in enumerate(partners):
        ws.merge_range(2, 1 + 2 * j, 2, 2 + 2 * j, p, b.head_c)
        b.text_cell(ws, 3, 1 + 2 * j, "£000s", b.head)
        b.text_cell(ws, 3, 2 + 2 * j, "FTE", b.head)
    b.text_cell(ws, 3, 0, "", b.head)
    values = {(e.partner, e.service): (e.net, e.fte) for e in result.baseline_entries}
    services = list(
        dict.fromkeys([*(s.service for s in result.services), *(e.service for e in result.baseline_entries)])
    )
    first = 4
    for i, service in enumerate(services):
        b.text_cell(ws, first + i, 0, service)
        for j, p in enumerate(partners):
            net, fte = values.get((p, service), (None, None))
            b.num(ws, first + i, 1 + 2 * j, net)
            b.num(ws, first + i, 2 + 2 * j, fte, b.fte)
    last = first + len(services) - 1
    total = last + 1
    b.text_cell(ws, total, 0, "Total of rows", b.bold)
    b.text_cell(ws, total + 1, 0, "Stated total", b.bold)
    b.text_cell(ws, total + 2, 0, "Stated less rows", b.bold)
    for j, pb in enumerate(result.baseline):
        for k, (computed, stated, fmt, fmt_total) in enumerate(
            ((pb.net, pb.stated_net, b.money, b.total), (pb.fte, pb.stated_fte, b.fte, b.fte_total))
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
        b.note,
    )


def _apportionment(b: _Book, result: Consolidation) -> None:
    ws = b.wb.add_worksheet("Apportionment")
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
    b.text_cell(
        ws, 0, 0, "Apportionment rules: every service area and participation option (the one in use is marked)", b.title
    )
    for col, h in enumerate(headers):
        b.text_cell(ws, 2, col, h, b.head)
    for i, row in enumerate(result.apportionment, start=3):
        b.text_cell(ws, i, 0, row.service)
        b.text_cell(ws, i, 1, row.option)
        b.text_cell(ws, i, 2, ", ".join(row.partners))
        b.text_cell(ws, i, 3, "IN USE" if row.in_use else "")
        b.text_cell(ws, i, 4, "default" if row.default else "")
        b.text_cell(ws, i, 5, row.method.value)
        b.text_cell(ws, i, 6, row.driver or row.sole_bearer)
        b.text_cell(
            ws,
            i,
            7,
            describe_shares(row.shares)
            if row.shares
            else ("no joint costs or savings" if row.method.value == "none" else "not computable: see Findings"),
        )
        for j, p in enumerate(partners):
            value = row.shares.get(p) if row.shares else None
            b.num(ws, i, 8 + j, value, b.pct)
        b.text_cell(ws, i, 8 + len(partners), row.basis)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 22)
    ws.set_column(5, 7, 20)


def _one_off(b: _Book, result: Consolidation) -> None:
    ws = b.wb.add_worksheet("One-off costs")
    headers = ["Service area", "Description", "Type", "Low", "High", "Basis", "Source"]
    b.text_cell(ws, 0, 0, "One-off costs of change, £000s", b.title)
    for col, h in enumerate(headers):
        b.text_cell(ws, 2, col, h, b.head)
    lines = [x for x in result.lines if x.kind == "one-off"]
    first = 3
    for i, line in enumerate(lines):
        r = first + i
        b.text_cell(ws, r, 0, line.service)
        b.text_cell(ws, r, 1, line.description)
        b.text_cell(ws, r, 2, line.category)
        b.num(ws, r, 3, line.estimate.low if line.included else None)
        b.num(ws, r, 4, line.estimate.high if line.included else None)
        b.text_cell(ws, r, 5, line.basis if line.included else "not counted: see Findings")
        b.text_cell(ws, r, 6, str(line.where))
    last = first + len(lines) - 1
    b.text_cell(ws, last + 1, 0, "Total", b.bold)
    b.formula(ws, last + 1, 3, _sum(first, last, 3), result.total.one_off.low, b.total)
    b.formula(ws, last + 1, 4, _sum(first, last, 4), result.total.one_off.high, b.total)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 44)
    ws.set_column(5, 6, 40)


def _q(value: Decimal | None, places: int = 3) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))


def _appraisal(b: _Book, appraisal: ProgrammeAppraisal) -> None:
    ws = b.wb.add_worksheet("Appraisal")
    years = list(appraisal.years)
    settings = appraisal.settings
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 34)
    ws.set_column(2, len(years) + 3, 12)
    b.text_cell(ws, 0, 0, "Appraisal over the financial plan, £000s", b.title)
    bias = (
        f" Optimism bias: costs +{settings.bias.cost_uplift_percent}%, "
        f"savings -{settings.bias.benefit_reduction_percent}%."
        if settings.bias
        else " No optimism bias applied."
    )
    b.text_cell(
        ws,
        1,
        0,
        f"Cash flows: cost positive, saving negative. NPV at the {settings.schedule.name}, year 0 ({years[0]}) "
        f"undiscounted, benefit positive (above 0 means worth doing).{bias}",
        b.note,
    )
    b.text_cell(
        ws,
        2,
        0,
        "Prudent: low savings, high costs. Optimistic: high savings, low costs. Central: the midpoint. "
        "Payback: years from the start of the plan until cumulative net saving stays at or above 0.",
        b.note,
    )
    row = _appraisal_cases(b, ws, appraisal, 4)
    row = _appraisal_headline(b, ws, appraisal, row)
    _appraisal_subjects(b, ws, appraisal, row)


def _appraisal_cases(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> int:
    """Each case's savings, costs, net and cumulative net by year, with a chart; returns the next row."""
    years = list(appraisal.years)
    for col, h in enumerate(("Case", "Measure", *years, "Total")):
        b.text_cell(ws, row, col, h, b.head)
    row += 1
    cumulative_rows: dict[Case, int] = {}
    for c in appraisal.cases:
        first = row
        for label, values in (("Savings", c.cashflow.savings), ("Costs (one-off and recurring)", c.cashflow.costs)):
            b.text_cell(ws, row, 0, c.case.value)
            b.text_cell(ws, row, 1, label)
            for k, v in enumerate(values):
                b.num(ws, row, 2 + k, v, b.money3)
            b.formula(ws, row, 2 + len(years), _sum_cols(row, 2, 1 + len(years)), sum(values, Decimal(0)), b.money3)
            row += 1
        b.text_cell(ws, row, 0, c.case.value)
        b.text_cell(ws, row, 1, "Net cost/(saving)", b.bold)
        for k, v in enumerate(c.cashflow.net):
            b.formula(ws, row, 2 + k, f"={cell(first, 2 + k)}+{cell(first + 1, 2 + k)}", v, b.money3)
        b.formula(ws, row, 2 + len(years), _sum_cols(row, 2, 1 + len(years)), sum(c.cashflow.net, Decimal(0)), b.money3)
        row += 1
        b.text_cell(ws, row, 0, c.case.value)
        b.text_cell(ws, row, 1, "Cumulative net cost/(saving)")
        for k, v in enumerate(c.cashflow.cumulative):
            formula = f"={cell(row - 1, 2)}" if k == 0 else f"={cell(row, 1 + k)}+{cell(row - 1, 2 + k)}"
            b.formula(ws, row, 2 + k, formula, v, b.money3)
        cumulative_rows[c.case] = row
        row += 2

    chart = b.wb.add_chart({"type": "line"})
    for c in appraisal.cases:
        r = cumulative_rows[c.case]
        chart.add_series(
            {
                "name": c.case.value,
                "categories": ["Appraisal", 4, 2, 4, 1 + len(years)],
                "values": ["Appraisal", r, 2, r, 1 + len(years)],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": "Cumulative net cost/(saving) by year, £000s"})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(4, len(years) + 4, chart, {"x_scale": 1.2})

    return row


def _appraisal_headline(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> int:
    b.text_cell(ws, row, 0, "Headline figures", b.bold)
    row += 1
    for col, h in enumerate(("Case", "NPV (£000s)", "Payback (years)")):
        b.text_cell(ws, row, col, h, b.head)
    row += 1
    for c in appraisal.cases:
        b.text_cell(ws, row, 0, c.case.value)
        b.num(ws, row, 1, _q(c.npv), b.money3)
        if c.payback_years is None:
            b.text_cell(ws, row, 2, "not within the plan")
        else:
            b.num(ws, row, 2, _q(c.payback_years, 2), b.pct)
        row += 1
    return row


def _appraisal_subjects(b: _Book, ws: Worksheet, appraisal: ProgrammeAppraisal, row: int) -> None:
    years = list(appraisal.years)
    for title, subjects in (
        ("By service area", appraisal.by_service),
        ("By partner (each line split by its own apportionment)", appraisal.by_partner),
    ):
        row += 1
        b.text_cell(ws, row, 0, title, b.bold)
        row += 1
        for col, h in enumerate(
            (
                "Name",
                "NPV central",
                "NPV prudent",
                "NPV optimistic",
                "Payback central (years)",
                *(f"Net {y}" for y in years),
            )
        ):
            b.text_cell(ws, row, col, h, b.head)
        row += 1
        for x in subjects:
            b.text_cell(ws, row, 0, x.name)
            for col, case in enumerate((Case.CENTRAL, Case.PRUDENT, Case.OPTIMISTIC), start=1):
                b.num(ws, row, col, _q(x.npv[case]), b.money3)
            if x.payback_years is None:
                b.text_cell(ws, row, 4, "not within the plan")
            else:
                b.num(ws, row, 4, _q(x.payback_years, 2), b.pct)
            for k, v in enumerate(x.cashflow.net):
                b.num(ws, row, 5 + k, v, b.money3)
            row += 1


def _sum_cols(row: int, first_col: int, last_col: int) -> str:
    return f"=SUM({cell(row, first_col)}:{cell(row, last_col)})"


def _sensitivity(b: _Book, appraisal: ProgrammeAppraisal) -> None:
    ws = b.wb.add_worksheet("Sensitivity")
    limit = appraisal.settings.payback_limit_years
    ws.set_column(0, 0, 32)
    ws.set_column(1, 4, 20)
    b.text_cell(ws, 0, 0, "Sensitivity: switching values and the tornado", b.title)
    b.text_cell(
        ws,
        1,
        0,
        "Switching value: the percentage by which savings (central case) can fall before NPV reaches "
        f"0, or before payback takes longer than {limit} years. Negative: savings must rise by that "
        "much. Blank: no savings to scale.",
        b.note,
    )
    for col, h in enumerate(("Subject", "NPV switching value %", f"Payback ({limit} years) switching value %")):
        b.text_cell(ws, 3, col, h, b.head)
    row = 4
    for w in appraisal.switching:
        b.text_cell(ws, row, 0, w.subject)
        b.num(ws, row, 1, _q(w.npv_percent, 1), b.pct)
        b.num(ws, row, 2, _q(w.payback_percent, 1), b.pct)
        row += 1
    row += 1
    b.text_cell(
        ws,
        row,
        0,
        "Tornado: programme NPV with one service area at its prudent and at its optimistic case, the "
        f"rest central (central NPV {_q(appraisal.tornado.central_npv, 1)})",
        b.bold,
    )
    row += 1
    for col, h in enumerate(("Service area", "NPV prudent", "NPV optimistic", "Swing")):
        b.text_cell(ws, row, col, h, b.head)
    row += 1
    first = row
    for bar in appraisal.tornado.bars:
        b.text_cell(ws, row, 0, bar.service)
        b.num(ws, row, 1, _q(bar.prudent_npv), b.money3)
        b.num(ws, row, 2, _q(bar.optimistic_npv), b.money3)
        b.formula(ws, row, 3, f"={cell(row, 2)}-{cell(row, 1)}", _q(bar.optimistic_npv) - _q(bar.prudent_npv), b.money3)
        row += 1
    if appraisal.tornado.bars:
        chart = b.wb.add_chart({"type": "bar"})
        for col, name in ((1, "NPV prudent"), (2, "NPV optimistic")):
            chart.add_series(
                {
                    "name": name,
                    "categories": ["Sensitivity", first, 0, row - 1, 0],
                    "values": ["Sensitivity", first, col, row - 1, col],
                }
            )
        chart.set_title({"name": "Tornado: programme NPV, £000s"})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(3, 5, chart, {"x_scale": 1.3, "y_scale": 1.2})


def _table_sheet(b: _Book, table: Table, title: str, rows: Sequence[Sequence[object]], widths: dict[str, int]) -> None:
    """A sheet holding one declared table under its title (see ``xlsx_cells.write_declared_rows``)."""
    ws = b.wb.add_worksheet(table.sheet)
    b.text_cell(ws, 0, 0, title, b.title)
    xlsx_cells.write_declared_rows(ws, table, rows, top=2, head=b.head, note=b.bold, widths=widths)


def _findings(b: _Book, result: Consolidation) -> None:
    rows = list(findings_rows(result.findings))
    widths = {"severity": 12, "code": 26, "file": 40, "message": 120, "value": 20}
    _table_sheet(b, FINDINGS, f"Findings: {len(rows)}", rows, widths)


def _sources(b: _Book, sources: Sequence[SourceRecord]) -> None:
    rows = list(sources_rows(sources))
    widths = {"file": 44, "sha256": 66, "kind": 22, "status": 22, "taken": 80, "reasons": 80}
    _table_sheet(b, SOURCES, f"Sources: every file in the folder ({len(rows)})", rows, widths)


def write_consolidated(
    path: str | Path,
    result: Consolidation,
    sources: Sequence[SourceRecord] = (),
    appraisal: ProgrammeAppraisal | None = None,
    *,
    programme: str = "",
) -> Path:
    """Write the consolidated workbook to ``path`` atomically and return the path.

    Args:
        path: where to write the .xlsx.
        result: the consolidation.
        sources: the intake register (every file seen, with its status).
        appraisal: the business case over the plan; adds the Appraisal and Sensitivity sheets.
        programme: one line naming the programme definition the files were held to (on the Read me).
    """
    path = Path(path)
    with replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, OPTIONS)
        wb.set_properties({"title": "Joint working business case: consolidated", "author": "jwmodel"})
        mark_output(wb, "consolidated workbook")
        b = _Book(wb)
        _read_me(b, result, sources, programme)
        _summary(b, result, sources)
        if appraisal is not None:
            _appraisal(b, appraisal)
            _sensitivity(b, appraisal)
        _baseline(b, result)
        _apportionment(b, result)
        _by_partner(b, result)
        _one_off(b, result)
        _findings(b, result)
        _sources(b, sources)
        wb.close()
    return path
