"""Write the partner return and workstream proposal templates (blank or filled) with XlsxWriter.

Each template has an Instructions sheet, a Cover, Excel tables for the data with drop-downs for
partner codes, service areas, categories and methods, a Lists sheet, and protected sheets in which
only the input cells are unlocked (no password: protection guards against slips, not people).
The same writer fills a template with a submission's data, so the worked examples are exactly
what a partner would send. :func:`write_templates` writes, from a programme definition, one partner
return per partner (its cover pre-filled with the partner's code and name and the financial year)
and one workstream proposal per service area, ready to send.

Table headers are locked and look like headers, not like the yellow input cells under them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jwmodel.excel import schema as s
from jwmodel.excel.atomic import OutputError, check_folder, check_target, replacing
from jwmodel.excel.xlsx_cells import MONEY_IN, WORKBOOK_OPTIONS, page_setup, write_value
from jwmodel.model import Partner
from jwmodel.monitoring import MonitoringReturn
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, WorkstreamProposal
from jwmodel.tables import Column, Kind, Scope, Table, inputs
from jwmodel.tables import monitoring as monitoring_tables

if TYPE_CHECKING:  # pragma: no cover
    from jwmodel.definition import ProgrammeDefinition

__all__ = [
    "TemplateFile",
    "slug",
    "return_name",
    "proposal_name",
    "monitoring_name",
    "TemplateKind",
    "KINDS",
    "template_files",
    "write_templates",
    "write_partner_return",
    "write_workstream_proposal",
    "write_monitoring_return",
]

CREATED = dt.datetime(2012, 4, 1)  # fixed, so regenerating a template gives identical bytes
SPARE_ROWS = {s.BASELINE: 5, s.OPTIONS: 3, s.DRIVERS: 3, s.SAVINGS: 15, s.ONE_OFF: 8, s.TARGETS: 5}
MIN_ROWS = {s.BASELINE: 15, s.OPTIONS: 5, s.DRIVERS: 5, s.SAVINGS: 30, s.ONE_OFF: 10, s.TARGETS: 10}
SPARE_ROWS |= {s.RECHARGES: 5}  # a partner return's charges to and from the other partners (issue 12)
MIN_ROWS |= {s.RECHARGES: 10}
SPARE_ROWS |= {s.DELIVERED: 5, s.SPEND: 3, s.MEASUREMENTS: 5, s.ACTUALS: 5}  # the monitoring return's tables
MIN_ROWS |= {s.DELIVERED: 20, s.SPEND: 10, s.MEASUREMENTS: 10, s.ACTUALS: 10}

PARTNER_INSTRUCTIONS = (
    "How to complete this partner return",
    "",
    (
        "1. Cover: choose your partner code, then fill in every yellow cell. The template name and version "
        "must not be changed."
    ),
    (
        "2. Baseline: one row per service area. Net baseline = gross direct cost less charges from the other "
        "partners, in £000s for the budget year named on the cover."
    ),
    (
        "   FTE is the full-time equivalent staff in the service. Leave gross and charges blank if you only "
        "know the net figure."
    ),
    (
        "3. Stated totals on the cover are your own control totals: the consolidation compares them with the "
        "sum of your rows and reports any difference."
    ),
    "4. Targets (optional): your financial plan's savings targets, one row a target a year.",
    (
        "5. Recharges (optional): each charge you pay to, or receive from, another partner for a service area "
        "(a service one partner hosts for the others), one row a charge:"
    ),
    (
        "   service area, other partner, pays or receives, amount (£000s a year), from year and to year (blank: "
        "from the budget year, to the plan's end), basis."
    ),
    (
        "   The other partner states the same charge from its side and the two must agree to £1; what you pay in "
        "the budget year must equal the Baseline's charges from other partners."
    ),
    "6. Enter numbers as numbers (1234.5 or -56), not text; use £000s throughout.",
    (
        "7. Tables have spare rows. To add more, unprotect the sheet (Review > Unprotect Sheet; there is no "
        "password) and extend the table."
    ),
    "8. Save as .xlsx (not .xls, .xlsb or .csv), remove any password, and send the file to the programme office.",
    "   Before sending you can check it with: jwmodel check <this file>",
)
RECHARGES_GUIDANCE = (
    "Optional: each charge you pay to or receive from another partner, one row a charge; the other partner states "
    "it from its side and the two must agree to £1. What you pay in the budget year must equal the Baseline's "
    "charges from other partners. Blank years: from the budget year to the end of the plan."
)
PROPOSAL_INSTRUCTIONS = (
    "How to complete this workstream proposal",
    "",
    (
        "1. Cover: choose the service area, then fill in every yellow cell. The template name and version "
        "must not be changed."
    ),
    "2. Options: one row per participation option (which partners join). Mark exactly one as default.",
    "   Method says how joint costs and savings are split: fixed percentages (fill the % columns, adding up to 100),",
    (
        "   share of baseline (from the partner returns, whole percentages, at least the minimum % each), "
        "driver (name it and fill the Drivers sheet),"
    ),
    "   share of baseline (FTE) (the same, from each partner's FTE in the service), sole bearer (one partner bears",
    "   everything), or none (no joint costs or savings).",
    "   From year and Before then (optional): an option that starts in a plan year (a partner joins in 2013/14) gives",
    "   that year, and the option in force before then (another option of the same service area; blank: the default).",
    (
        "3. Drivers: a value per partner for each driver named in Options (time spent, users of a shared "
        "system...). Say in Basis where it comes from."
    ),
    "4. Saving lines: recurring full-year estimates in £000s. Sign convention: cost positive, saving negative.",
    (
        "   Low is the smaller saving (or bigger cost), High the bigger saving. A line borne by one partner "
        "names it as sole bearer;"
    ),
    "   a line that applies only under some options says when in 'Applies if': NHDC joins, NHDC does not join,",
    '   option "EHC and SBC", EHC joins and NHDC joins, NHDC joins or SBC joins, not (...).',
    "   A line split otherwise than by its service area's rule gives its own split in 'Own split' (blank: the",
    "   service area's rule): share of baseline, share of baseline (FTE), driver: headcount, fixed: EHC 40%, SBC 60%,",
    "   or sole bearer: EHC; after a baseline or driver form, '; minimum 5%' sets the minimum % (1 when not given).",
    "5. One-off costs of change: Low is the smaller cost, High the bigger. 'Applies if' and 'Own split' as for saving",
    "   lines.",
    "6. Tables have spare rows. To add more, unprotect the sheet (no password) and extend the table.",
    "7. Save as .xlsx, remove any password, and send the file to the programme office.",
)
OPTIONS_GUIDANCE = "One row per option: which partners join and how joint costs and savings are split between them."
DRIVERS_GUIDANCE = (
    "For options split by a driver: one row per driver, a value per partner, and where the values come from."
)
SAVINGS_GUIDANCE = (
    "Cost positive, saving negative. Low is the smaller saving, High the bigger. Start year and ramp (e.g. 50, 100) "
    "say when the full-year effect arrives; blank means in full from the plan's first year."
)
ONE_OFF_GUIDANCE = (
    "Low is the smaller cost, High the bigger. Year and timing (e.g. 60, 40) say when it is spent; blank means all "
    "in the plan's first year."
)


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14, "locked": True})
        self.bold = wb.add_format({"bold": True})
        self.help = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": False})
        self.locked = wb.add_format({"locked": True})
        self.input_text = wb.add_format(
            {"locked": False, "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}
        )
        self.input_money = wb.add_format(
            {"locked": False, "bg_color": "#FFF2CC", "num_format": MONEY_IN, "border": 1, "border_color": "#BFBFBF"}
        )
        self.input_percent = wb.add_format(  # 25 or 25% typed shows 25.00%, held as 0.25 (cells.parse_percent)
            {"locked": False, "bg_color": "#FFF2CC", "num_format": "0.00%", "border": 1, "border_color": "#BFBFBF"}
        )
        self.input_date = wb.add_format(
            {"locked": False, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd", "border": 1, "border_color": "#BFBFBF"}
        )
        self.fixed = wb.add_format({"locked": True, "bg_color": "#D9D9D9", "border": 1, "border_color": "#BFBFBF"})
        self.header = wb.add_format({"locked": True, "bold": True, "text_wrap": True, "valign": "top"})


def _workbook(path: Path, title: str) -> tuple[Workbook, _Formats]:
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "author": "jwmodel", "created": CREATED, "comments": f"{title} {s.VERSION}"})
    return wb, _Formats(wb)


def _close(wb: Workbook) -> None:
    """Every sheet set up for print and screen as every workbook jwmodel writes is (``page_setup``:
    A4 landscape, fitted to the page width, header and footer), then the file written. A sheet with
    a table repeats and freezes its title, guidance and header rows; the Lists sheet its header row.
    The footer's middle names the template version instead of a date, so regenerating gives the same file."""
    title = wb.doc_properties.get("title", "jwmodel template")
    for ws in wb.worksheets():
        rows = s.HEADER_ROW + 1 if ws.tables else 1 if ws.name == s.LISTS else 0
        page_setup(ws, programme=title, sheet_title=ws.name, header_rows=rows, date=f"template {s.VERSION}")
    wb.close()


def _protect(ws: Worksheet) -> None:
    ws.protect(
        "",
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_columns": True,
            "autofilter": True,
            "sort": True,
        },
    )


def _instructions(wb: Workbook, f: _Formats, lines: Sequence[str]) -> None:
    ws = wb.add_worksheet(s.INSTRUCTIONS)
    ws.set_column(0, 0, 140)
    ws.write_string(0, 0, lines[0], f.title)
    for i, line in enumerate(lines[1:], start=1):
        ws.write_string(i, 0, line)
    _protect(ws)


def _lists(wb: Workbook, f: _Formats, setup: ProgrammeSetup) -> None:
    ws = wb.add_worksheet(s.LISTS)
    columns = {
        "Partner code": [p.code for p in setup.partners],
        "Partner name": [p.name for p in setup.partners],
        "Service area": list(setup.services),
        "Category": list(s.CATEGORIES),
        "One-off type": list(s.ONE_OFF_TYPES),
        "Method": list(s.METHODS),
        "Yes/No": [s.YES, s.NO],
    }
    names = {
        "Partner code": "PartnerCodes",
        "Service area": "ServiceAreas",
        "Category": "Categories",
        "One-off type": "OneOffTypes",
        "Method": "Methods",
        "Yes/No": "YesNo",
    }
    for col, (header, values) in enumerate(columns.items()):
        ws.write_string(0, col, header, f.bold)
        for row, value in enumerate(values, start=1):
            ws.write_string(row, col, value)
        ws.set_column(col, col, max(14, min(40, max((len(v) for v in values), default=0) + 2)))
        if header in names:
            last = max(len(values), 1) + 1
            letter = xlsxwriter.utility.xl_col_to_name(col)
            wb.define_name(names[header], f"='{s.LISTS}'!${letter}$2:${letter}${last}")
    _protect(ws)


FIXED = frozenset({"template", "version"})  # cover fields no one may change


def _cover(
    wb: Workbook,
    f: _Formats,
    fields: Sequence[s.CoverField],
    title: str,
    values: dict[str, object],
    fixed: frozenset[str] = FIXED,
) -> None:
    """The Cover sheet; the fields in ``fixed`` are written locked and grey, not as inputs."""
    ws = wb.add_worksheet(s.COVER)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 60)
    ws.write_string(0, 0, title, f.title)
    for i, field in enumerate(fields):
        row = 2 + i
        ws.write_string(row, 0, field.label, f.bold)
        ws.write_string(row, 2, field.help, f.help)
        value = values.get(field.key)
        if field.key in fixed:
            ws.write_string(row, 1, str(value), f.fixed)
            continue
        fmt = {"date": f.input_date, "number": f.input_money}.get(field.kind, f.input_text)
        if field.kind == "date" and value:
            ws.write_datetime(row, 1, dt.datetime.fromisoformat(str(value)), fmt)
        else:
            write_value(ws, row, 1, _typed(value, numeric=field.kind == "number"), fmt)
        source = {"partner": "=PartnerCodes", "service": "=ServiceAreas"}.get(field.kind)
        if source:
            ws.data_validation(
                row,
                1,
                row,
                1,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": "Choose from the list",
                    "error_message": "Choose a value from the list (set by the programme office).",
                },
            )
    _protect(ws)


NUMERIC = frozenset({Kind.MONEY, Kind.FTE, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT})
LIST_NAMES = {
    (s.YES, s.NO): "=YesNo",
    s.METHODS: "=Methods",
    s.CATEGORIES: "=Categories",
    s.ONE_OFF_TYPES: "=OneOffTypes",
    monitoring_tables.LINE_STATUSES: "=LineStatuses",  # added to the Lists sheet by write_monitoring_return
}


def _validation(column: Column) -> str | list[str] | None:
    """The named list a column's drop-down offers, if any."""
    if column.key == "service":
        return "=ServiceAreas"
    if column.kind is Kind.CODE:
        return "=PartnerCodes"
    if column.kind is Kind.CHOICE:
        return LIST_NAMES.get(column.choices) or list(column.choices)  # a short list held in the validation itself
    return None


def _rows(
    ws: Worksheet,
    first: int,
    n: int,
    formats: Sequence[object],
    kinds: Sequence[Kind],
    rows: Sequence[Sequence[object]],
) -> None:
    """The table's rows: the given values, then blank input cells up to ``n`` rows."""
    for r in range(len(rows), n):
        for col, fmt in enumerate(formats):
            ws.write_blank(first + r, col, None, fmt)
    for r, row in enumerate(rows):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            typed = _typed(value, numeric=kind in NUMERIC)
            percent = kind is Kind.PERCENT and isinstance(typed, Decimal)
            write_value(ws, first + r, col, typed / 100 if percent else typed, formats[col])  # a % cell holds 0.25


def _typed(value: object, *, numeric: bool) -> object:
    """A template cell's value as its column's kind says: a number, text, or None for a blank input cell."""
    if value is None or value == "":
        return None
    return Decimal(str(value)) if numeric else str(value)


# Columns typed in a short form of their own: the cell shows the column's help (its forms) when selected.
_TYPED_FORMS = frozenset({"condition", "rule"})


def _validations(ws: Worksheet, table: Table, codes: Sequence[str], first: int, last: int) -> None:
    """A drop-down on every column that offers a list (codes, service areas, choices); on a column typed in a
    form of its own, the forms as the cell's input message."""
    col = 0
    for column in table.columns_in(Scope.ALL):
        source = _validation(column)
        if column.key in _TYPED_FORMS:
            ws.data_validation(
                first,
                col,
                last,
                col,
                {"validate": "any", "input_title": column.header[:32], "input_message": column.help[:255]},
            )
        if source:
            ws.data_validation(
                first,
                col,
                last,
                col,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": "Choose from the list",
                    "error_message": "Choose a value from the list.",
                },
            )
        col += len(column.headers(codes))


def _table(
    wb: Workbook,
    f: _Formats,
    table: Table,
    guidance: str,
    codes: Sequence[str],
    rows: Sequence[dict[str, object]],
) -> None:
    """A sheet holding one Excel table with the template's columns of a declared table."""
    sheet = table.sheet
    ws = wb.add_worksheet(sheet)
    ws.write_string(0, 0, table.title, f.title)
    ws.write_string(1, 0, guidance, f.help)
    n = max(len(rows) + SPARE_ROWS[sheet], MIN_ROWS[sheet])
    first, last = s.HEADER_ROW + 1, s.HEADER_ROW + n
    headers = table.headers(codes, Scope.ALL)
    kinds = inputs.kinds_of(table, codes, Scope.ALL)
    columns = []
    for col, (header, kind) in enumerate(zip(headers, kinds, strict=True)):
        fmt = f.input_percent if kind is Kind.PERCENT else f.input_money if kind in NUMERIC else f.input_text
        columns.append({"header": header, "format": fmt, "header_format": f.header})
        width = 48 if header in ("Description", "Notes", "Basis", "Service area") else max(12, len(header) + 2)
        ws.set_column(col, col, width)  # no column format: the header row stays locked, not an input
    ws.add_table(
        s.HEADER_ROW,
        0,
        last,
        len(headers) - 1,
        {"name": table.excel_name, "columns": columns, "style": "Table Style Light 9"},
    )
    _rows(
        ws, first, n, [c["format"] for c in columns], kinds, [inputs.row_of(table, v, codes, Scope.ALL) for v in rows]
    )
    _validations(ws, table, codes, first, last)
    ws.freeze_panes(s.HEADER_ROW + 1, 0)
    _protect(ws)


def _cover_values(template: str, cover: Cover | None, setup: ProgrammeSetup) -> dict[str, object]:
    values: dict[str, object] = {"template": template, "version": s.VERSION, "financial_year": setup.financial_year}
    if cover:
        values.update(
            financial_year=cover.financial_year,
            contact=cover.contact,
            email=cover.email,
            submitted=cover.submitted,
            submission_version=cover.submission_version,
        )
    return values


def _atomic(path: Path, write: object) -> None:
    with replacing(path, ".xlsx") as tmp:
        write(tmp)  # type: ignore[operator]


def write_partner_return(
    path: str | Path, setup: ProgrammeSetup, data: PartnerReturn | None = None, *, partner: Partner | None = None
) -> Path:
    """Write a partner return: blank for the programme's partners and services, filled with ``data``,
    or ready to send to ``partner`` (its code and name pre-filled and locked on the cover)."""
    path = Path(path)

    def write(target: Path) -> None:
        wb, f = _workbook(target, s.PARTNER_RETURN)
        _instructions(wb, f, PARTNER_INSTRUCTIONS)
        values = _cover_values(s.PARTNER_RETURN, data.cover if data else None, setup)
        fixed = FIXED
        if partner:
            values.update(partner_code=partner.code, partner_name=partner.name)
            fixed = FIXED | {"partner_code", "partner_name"}
        if data:
            values.update(partner_code=data.partner.code, partner_name=data.partner.name)
            if data.control_total:
                values.update(stated_net=data.control_total.net, stated_fte=data.control_total.fte)
        _cover(wb, f, s.PARTNER_COVER, "Partner return: financial baseline", values, fixed)
        if data:
            rows = [inputs.baseline_cells(e) for e in data.baseline]
        else:
            rows = [{"service": name} for name in setup.services]
        guidance = "One row per service area; net = gross direct cost less charges from the other partners."
        _table(wb, f, inputs.BASELINE, guidance, (), rows)
        targets = [inputs.target_cells(t) for t in (data.targets if data else ())]  # issue 11: plan targets
        _table(
            wb,
            f,
            inputs.TARGETS,
            "Optional: your financial plan's savings targets, one row a target a year.",
            (),
            targets,
        )
        if data is None or data.recharges:  # a filled return stating none reads as one from before the sheet
            recharges = [inputs.recharge_cells(x) for x in (data.recharges if data else ())]
            _table(wb, f, inputs.RECHARGES, RECHARGES_GUIDANCE, (), recharges)
        _lists(wb, f, setup)
        wb.get_worksheet_by_name(s.COVER).activate()
        _close(wb)

    _atomic(path, write)
    return path


def write_workstream_proposal(
    path: str | Path,
    setup: ProgrammeSetup,
    data: WorkstreamProposal | None = None,
    *,
    notes: dict[str, str] | None = None,
    service: str | None = None,
) -> Path:
    """Write a workstream proposal: blank, filled with ``data`` for one service area, or ready to send
    to the workstream for ``service`` (pre-filled and locked on the cover)."""
    path = Path(path)
    codes = tuple(p.code for p in setup.partners)

    def write(target: Path) -> None:
        wb, f = _workbook(target, s.WORKSTREAM_PROPOSAL)
        _instructions(wb, f, PROPOSAL_INSTRUCTIONS)
        values = _cover_values(s.WORKSTREAM_PROPOSAL, data.cover if data else None, setup)
        fixed = FIXED
        if service:
            values["service"] = service
            fixed = FIXED | {"service"}
        if data:
            values["service"] = data.service.name
        _cover(wb, f, s.PROPOSAL_COVER, "Workstream proposal: joint working in one service area", values, fixed)

        _proposal_tables(wb, f, codes, data)
        _lists(wb, f, setup)
        wb.get_worksheet_by_name(s.COVER).activate()
        _close(wb)

    _atomic(path, write)
    return path


def _proposal_tables(wb: Workbook, f: _Formats, codes: Sequence[str], data: WorkstreamProposal | None) -> None:
    """The Options, Drivers, Saving lines and One-off costs sheets of a workstream proposal."""
    service = data.service.name if data else ""
    options = [inputs.option_cells(service, o) for o in (data.service.options if data else ())]
    _table(wb, f, inputs.OPTIONS, OPTIONS_GUIDANCE, codes, options)
    _table(wb, f, inputs.DRIVERS, DRIVERS_GUIDANCE, codes, inputs.driver_cells(data.drivers if data else ()))
    lines = [inputs.saving_line_cells(x) for x in (data.saving_lines if data else ())]
    _table(wb, f, inputs.SAVING_LINES, SAVINGS_GUIDANCE, codes, lines)
    costs = [inputs.one_off_cells(c) for c in (data.one_off_costs if data else ())]
    _table(wb, f, inputs.ONE_OFF_COSTS, ONE_OFF_GUIDANCE, codes, costs)


# --- templates ready to send: one per partner, one per service area ---------------------------------


def slug(text: str) -> str:
    """A name as part of a file name: lower case letters and digits joined by '-' ('&' read as 'and')."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def return_name(code: str) -> str:
    """The file name of a partner's return, e.g. ``return-HC.xlsx`` (as in the worked examples)."""
    return f"return-{_code_part(code)}.xlsx"


def proposal_name(service: str) -> str:
    """The file name of a service area's workstream proposal, e.g. ``proposal-legal-services.xlsx``."""
    return f"proposal-{slug(service) or 'service'}.xlsx"


def monitoring_name(code: str) -> str:
    """The file name of a partner's monitoring return, e.g. ``monitoring-HC.xlsx``."""
    return f"monitoring-{_code_part(code)}.xlsx"


def _code_part(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", code).strip("-") or "partner"


@dataclass(frozen=True, slots=True)
class TemplateFile:
    """One template to send: its file name, its kind (a name in :data:`KINDS`) and the partner or the
    service area it is for."""

    name: str
    kind: str
    partner: Partner | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateKind:
    """A kind of template ``jwmodel templates`` sends: one per partner or one per service area, its
    file name, and the writer that pre-fills (and locks) the partner or service area on its cover."""

    name: str
    per: str  # "partner" or "service"
    file_name: Callable[[str], str]
    write: Callable[[Path, ProgrammeSetup, TemplateFile], Path]


KINDS = (
    TemplateKind(
        s.PARTNER_RETURN,
        "partner",
        return_name,
        lambda to, setup, f: write_partner_return(to, setup, partner=f.partner),
    ),
    TemplateKind(
        s.WORKSTREAM_PROPOSAL,
        "service",
        proposal_name,
        lambda to, setup, f: write_workstream_proposal(to, setup, service=f.service),
    ),
    TemplateKind(  # used after approval, each period; sent with the others so partners have it
        s.MONITORING_RETURN,
        "partner",
        monitoring_name,
        lambda to, setup, f: write_monitoring_return(to, setup, partner=f.partner),
    ),
)
"""Every kind of template, in the order they are written: a new kind is one more entry."""


def template_files(definition: ProgrammeDefinition) -> tuple[TemplateFile, ...]:
    """Every template a programme sends, kind by kind (:data:`KINDS`), in the definition's order:
    a return per partner, a proposal per service area, a monitoring return per partner. Two names
    that would give the same file name (ignoring case, as Windows and macOS do) are told apart by a
    number: ``proposal-ict-2.xlsx``."""
    wanted = []
    for kind in KINDS:
        if kind.per == "partner":
            wanted += [TemplateFile(kind.file_name(p.code), kind.name, partner=p) for p in definition.partners]
        else:
            wanted += [TemplateFile(kind.file_name(x), kind.name, service=x) for x in definition.services]
    taken: set[str] = set()
    files = []
    for item in wanted:
        name, n = item.name, 1
        while name.casefold() in taken:
            n += 1
            name = item.name.replace(".xlsx", f"-{n}.xlsx")
        taken.add(name.casefold())
        files.append(dataclasses.replace(item, name=name))
    return tuple(files)


def _refuse_overwriting(paths: Sequence[Path]) -> None:
    there = [p for p in paths if p.exists()]
    if there:
        more = f" and {len(there) - 1} more" if len(there) > 1 else ""
        raise OutputError(
            f"{there[0]}{more} already exist{'s' if len(there) == 1 else ''}; nothing was written. "
            "Give another folder, or add --force to replace them"
        )


def write_templates(folder: str | Path, definition: ProgrammeDefinition, *, force: bool = False) -> list[Path]:
    """Write into ``folder`` every template the programme sends (:func:`template_files`: a partner
    return and a monitoring return per partner, a workstream proposal per service area), made from
    ``definition``, and the definition itself (``programme.json``) beside them.

    Args:
        folder: where to write (made if missing).
        definition: the programme (already checked: ``jwmodel.definition.validated``).
        force: replace files that are already there; without it nothing is written if any is.

    Returns:
        The paths written: the templates in the definition's order, then ``programme.json``.

    Raises:
        OutputError: a file is already there (without ``force``), or the folder cannot be written.
    """
    from jwmodel.definition import FILE_NAME
    from jwmodel.excel.programme_file import write_definition

    folder = check_folder(folder)
    files = template_files(definition)
    targets = [check_target(folder / f.name) for f in files] + [check_target(folder / FILE_NAME)]
    if not force:
        _refuse_overwriting(targets)
    folder.mkdir(parents=True, exist_ok=True)
    setup = definition.setup
    writers = {kind.name: kind.write for kind in KINDS}
    written = [writers[item.kind](target, setup, item) for item, target in zip(files, targets, strict=False)]
    written.append(write_definition(targets[-1], definition))
    return written


# --- the monitoring return (after approval: jwmodel.monitoring) -----------------------------------

MONITORING_INSTRUCTIONS = (
    "How to complete this monitoring return",
    "",
    "1. Cover: choose your partner code, give the period (a quarter such as 2012/13 Q1, or a year) and its year.",
    "   Status: Draft while you work on it; Final once signed off (name, role such as Section 151 officer, date).",
    "   A resubmission after a final return reopens the period: give it the next submission number.",
    "2. Savings delivered: one row per line of the approved business case, by its Line ID. Give the saving delivered",
    "   in the period and the forecast for the whole financial year, for the whole line (all partners: the tracker",
    "   splits it by the line's own rule). Sign convention as in the business case: cost positive, saving negative.",
    "   Status: on track, at risk, delivered or dropped; say why a figure differs from plan in the comment.",
    "3. One-off spend: each one-off cost's spend to date (cumulative from the start), by its Line ID.",
    "4. Benefits: each measurement of a non-financial benefit named in the benefits register, with its date.",
    "5. Actual drivers (optional; once a year, for the yearly true-up of the shares): one row per service area and",
    "   driver: your own actual value of each driver a service's split uses (as named in the approved version;",
    "   'baseline net' for share of baseline, 'baseline FTE' for share of baseline (FTE)), its year and its basis.",
    "6. Save as .xlsx and send the file to the programme office. Check it first with: jwmodel check <this file>",
)
DELIVERED_GUIDANCE = "The whole line, £000s: cost positive, saving negative. Forecast: the whole financial year."
SPEND_GUIDANCE = "Spend to date on each one-off cost of change, cumulative from the start (£000s)."
MEASUREMENTS_GUIDANCE = "Measurements of the non-financial benefits in the programme's benefits register."
ACTUALS_GUIDANCE = (
    "Once a year: your own actual value of each driver a service's split uses ('baseline net' for share of "
    "baseline, 'baseline FTE' for share of baseline (FTE)), for the yearly true-up."
)


def _monitoring_lists(wb: Workbook, f: _Formats) -> None:
    """The line statuses and return statuses, beside the programme's lists on the Lists sheet."""
    ws = wb.get_worksheet_by_name(s.LISTS)
    for col, (header, values, name) in enumerate(
        (
            ("Line status", monitoring_tables.LINE_STATUSES, "LineStatuses"),
            ("Return status", s.RETURN_STATUSES, "ReturnStatuses"),
        ),
        start=10,
    ):
        ws.write_string(0, col, header, f.bold)
        for row, value in enumerate(values, start=1):
            ws.write_string(row, col, value)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        wb.define_name(name, f"='{s.LISTS}'!${letter}$2:${letter}${len(values) + 1}")


def _monitoring_cover_values(setup: ProgrammeSetup, data: MonitoringReturn | None) -> dict[str, object]:
    values = _cover_values(s.MONITORING_RETURN, data.cover if data else None, setup)
    values["return_status"] = "Draft"
    if data:
        partner = next((p.name for p in setup.partners if p.code == data.partner), "")
        values.update(
            partner_code=data.partner,
            partner_name=partner,
            period=data.period,
            return_status=data.status.value,
            signed_by=data.sign_off.name,
            signed_role=data.sign_off.role,
            signed_date=data.sign_off.date,
            fte_released=data.fte_released,
        )
    return values


def write_monitoring_return(
    path: str | Path,
    setup: ProgrammeSetup,
    data: MonitoringReturn | None = None,
    *,
    lines: Sequence[dict[str, object]] = (),
    partner: Partner | None = None,
) -> Path:
    """Write a monitoring return: blank (with ``lines``, the approved version's lines as rows of
    ``tables.monitoring.DELIVERED``/``SPEND`` keyed ``line_id``, ``service``, ``description``, when given),
    or filled with ``data``; ``lines`` then gives each line's service and description."""
    path = Path(path)
    about = {str(x["line_id"]): x for x in lines}

    def rows(reports: Sequence[object], cells) -> list[dict[str, object]]:
        return [{**about.get(r.line_id, {}), **cells(r)} for r in reports]  # type: ignore[attr-defined]

    def write(target: Path) -> None:
        wb, f = _workbook(target, s.MONITORING_RETURN)
        _instructions(wb, f, MONITORING_INSTRUCTIONS)
        values, fixed = _monitoring_cover_values(setup, data), FIXED
        if partner:  # ready to send to this partner (jwmodel templates)
            values.update(partner_code=partner.code, partner_name=partner.name)
            fixed = FIXED | {"partner_code", "partner_name"}
        _cover(wb, f, s.MONITORING_COVER, "Monitoring return: benefits delivered", values, fixed)
        status_row = 2 + [x.key for x in s.MONITORING_COVER].index("return_status")
        wb.get_worksheet_by_name(s.COVER).data_validation(
            status_row, 1, status_row, 1, {"validate": "list", "source": "=ReturnStatuses"}
        )
        if data:
            delivered = rows(data.lines, lambda r: {**_cells_of(r), "status": r.status.value})
            spend = rows(data.spend, _cells_of)
            measured = [_cells_of(m) for m in data.measurements]
            actuals = [_cells_of(a) for a in data.actuals]
        else:
            delivered, spend, measured, actuals = list(lines), [], [], []
        _table(wb, f, monitoring_tables.DELIVERED, DELIVERED_GUIDANCE, (), delivered)
        _table(wb, f, monitoring_tables.SPEND, SPEND_GUIDANCE, (), spend)
        _table(wb, f, monitoring_tables.MEASUREMENTS, MEASUREMENTS_GUIDANCE, (), measured)
        _table(wb, f, monitoring_tables.ACTUALS, ACTUALS_GUIDANCE, (), actuals)
        _lists(wb, f, setup)
        _monitoring_lists(wb, f)
        wb.get_worksheet_by_name(s.COVER).activate()
        _close(wb)

    _atomic(path, write)
    return path


def _cells_of(report: object) -> dict[str, object]:
    """A report's fields by name (its ``where`` left out): the cells of its row."""
    return {k: getattr(report, k) for k in report.__slots__ if k != "where"}  # type: ignore[attr-defined]
