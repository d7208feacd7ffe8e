"""The model workbook: inputs as Excel tables, outputs computed in Excel by the JW_ functions.

Input sheets hold one Excel table each (partners, baseline, saving lines, apportionment rules,
drivers, one-off costs). Output sheets call the add-in's functions on those tables: Summary
(``JW_SAVINGS_SUMMARY``), By partner (``JW_BY_PARTNER``), Shares (``JW_SHARES`` and
``JW_APPORTION``) and Checks (``JW_CHECK_TOTAL``). Every JW_ formula is written with the result the
engine gives for the same inputs, so a reader that does not calculate (python-calamine, pandas,
Excel without the add-in before it recalculates) still sees the figures. Formulas whose result
spills are written as dynamic arrays, laid out as Excel saves them (the anchor holds the formula,
the cells it spills into hold the cached values).

Native formulas (SUMIFS, INDEX/MATCH) sit beside the JW_ ones so the workbook can be checked by
any spreadsheet application. The table layout defined here is also what the add-in reads
(``jwaddin``) and what its consolidation script writes, so the three cannot drift apart.
An ``xlwings.conf`` sheet names the UDF module for classic xlwings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jwmodel.consolidation import Consolidation
from jwmodel.excel.atomic import replacing
from jwmodel.findings import a1
from jwmodel.model import Method, Programme, Range
from jwmodel.money import allocate
from jwmodel.submissions import SourceRecord

__all__ = [
    "CREATED",
    "UDF_MODULE",
    "CONTROL_SHEET",
    "FOLDER_CELL",
    "STATUS_CELL",
    "InputTable",
    "Formula",
    "SheetPlan",
    "PARTNERS_HEADERS",
    "BASELINE_HEADERS",
    "SAVINGS_HEADERS",
    "ONE_OFF_HEADERS",
    "rules_headers",
    "drivers_headers",
    "input_tables",
    "summary_rows",
    "by_partner_rows",
    "shares_plan",
    "checks_plan",
    "write_model_workbook",
    "SHEETS",
    "SPILL_ANCHOR",
    "summary_total_cell",
    "partners_total_cell",
    "HEADER_ROW",
    "README_LINES",
    "write_example",
]

CREATED = dt.datetime(2012, 4, 1)  # fixed, so regenerating the workbook gives identical bytes
UDF_MODULE = "jwaddin.functions"
CONTROL_SHEET = "Read me"
FOLDER_CELL = (5, 1)  # 0-based (row, col): B6, the folder the consolidation script reads
STATUS_CELL = (6, 1)  # B7: what the last consolidation did
HEADER_ROW = 3  # 0-based: every input table starts on row 4, under a title and a line of guidance

PARTNERS_HEADERS = ("Code", "Name", "Stated net baseline (£000s)", "Stated FTE")
BASELINE_HEADERS = (
    "Partner",
    "Service area",
    "Gross direct cost (£000s)",
    "Charges from other partners (£000s)",
    "Net baseline (£000s)",
    "FTE",
    "Notes",
)
SAVINGS_HEADERS = (
    "Service area",
    "Description",
    "Category",
    "Low (£000s)",
    "High (£000s)",
    "Sole bearer",
    "Only if partner participates",
    "Notes",
)
ONE_OFF_HEADERS = ("Service area", "Description", "Type", "Low (£000s)", "High (£000s)", "Notes")
PERCENT_PREFIX = "% "

SUMMARY_HEADERS = (
    "Service area",
    "Cashable low",
    "Cashable high",
    "Procurement low",
    "Procurement high",
    "Total low",
    "Total high",
    "Non-cashable low",
    "Non-cashable high",
)
ONE_OFF_SUMMARY_HEADERS = ("One-off low", "One-off high")


def rules_headers(partners: Sequence[str]) -> tuple[str, ...]:
    return (
        "Service area",
        "Option",
        "Partners",
        "Default",
        "In use",
        "Method",
        "Driver",
        "Sole bearer",
        "Minimum %",
        *(PERCENT_PREFIX + p for p in partners),
        "Notes",
    )


def drivers_headers(partners: Sequence[str]) -> tuple[str, ...]:
    return ("Service area", "Driver", *partners, "Basis")


@dataclass(frozen=True, slots=True)
class InputTable:
    """One input sheet: its name, the Excel table on it, headers, rows and each column's kind."""

    sheet: str
    table: str
    title: str
    guidance: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    kinds: tuple[str, ...]  # per column: "text", "money", "number"

    @property
    def ref(self) -> str:
        """The whole table with its headers, as the JW_ functions take it."""
        return f"{self.table}[#All]"

    def column(self, header: str) -> str:
        return f"{self.table}[{header}]"


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula and its result as the engine computes it (a scalar, or rows for a spill)."""

    text: str
    value: object
    spill: bool = False
    kind: str = "number"  # number format of the result cells: number, money, percent, text


@dataclass(frozen=True, slots=True)
class SheetPlan:
    """What goes on a computed sheet: cells by 0-based (row, col), values or formulas."""

    name: str
    title: str
    note: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    headers: frozenset[tuple[int, int]] = frozenset()
    widths: tuple[tuple[int, int, float], ...] = ()


def input_tables(programme: Programme, result: Consolidation) -> tuple[InputTable, ...]:
    """The six input tables, filled from a programme (and the options in use in ``result``)."""
    partners = list(programme.partner_codes)  # rules and drivers keep every code they name, even one
    for code in [c for s in programme.services for o in s.options for c in (*o.partners, *o.rule.percentages)] + [
        d.partner for d in programme.drivers
    ]:
        if code not in partners:  # with no return, so the JW_ functions see what the engine saw
            partners.append(code)
    stated = {c.partner: c for c in programme.control_totals}
    partner_rows = tuple(
        (
            p.code,
            p.name,
            stated[p.code].net if p.code in stated else None,
            stated[p.code].fte if p.code in stated else None,
        )
        for p in programme.partners
    )
    baseline_rows = tuple((e.partner, e.service, e.gross, e.charges, e.net, e.fte, e.note) for e in programme.baseline)
    saving_rows = tuple(
        (
            x.service,
            x.description,
            x.category.value,
            x.estimate.low,
            x.estimate.high,
            x.sole_bearer or "",
            x.only_if_partner or "",
            x.note,
        )
        for x in programme.saving_lines
    )
    rule_rows = []
    for service in programme.services:
        for option in service.options:
            rule = option.rule
            percents = [rule.percentages.get(p) if rule.method is Method.FIXED else None for p in partners]
            computed = rule.method in (Method.BASELINE, Method.DRIVER)
            in_use = "Yes" if result.options_in_use.get(service.name) == option.name else "No"
            rule_rows.append(
                (
                    service.name,
                    option.name,
                    ", ".join(option.partners),
                    "Yes" if option.default else "No",
                    in_use,
                    rule.method.value,
                    rule.driver,
                    rule.sole_bearer,
                    rule.minimum_percent if computed else None,
                    *percents,
                    "",
                )
            )
    driver_values: dict[tuple[str, str], dict[str, Decimal]] = {}
    basis: dict[tuple[str, str], str] = {}
    for d in programme.drivers:
        driver_values.setdefault((d.service, d.driver), {})[d.partner] = d.value
        basis.setdefault((d.service, d.driver), d.note)
    driver_rows = tuple(
        (service, driver, *(values.get(p) for p in partners), basis[(service, driver)])
        for (service, driver), values in driver_values.items()
    )
    one_off_rows = tuple(
        (c.service, c.description, c.type.value, c.estimate.low, c.estimate.high, c.note)
        for c in programme.one_off_costs
    )
    return (
        InputTable(
            "Partners",
            "PartnersTable",
            "Partners",
            "One row per partner: its code, name and its own stated control totals.",
            PARTNERS_HEADERS,
            partner_rows,
            ("text", "text", "money", "number"),
        ),
        InputTable(
            "Baseline",
            "BaselineTable",
            "Financial baseline by partner and service area (£000s, FTE)",
            "Net = gross direct cost less charges from the other partners.",
            BASELINE_HEADERS,
            baseline_rows,
            ("text", "text", "money", "money", "money", "number", "text"),
        ),
        InputTable(
            "Saving lines",
            "SavingLinesTable",
            "Saving lines: recurring full-year cost/(saving), £000s",
            "Cost positive, saving negative. Low is the smaller saving, High the bigger.",
            SAVINGS_HEADERS,
            saving_rows,
            ("text", "text", "text", "money", "money", "text", "text", "text"),
        ),
        InputTable(
            "Rules",
            "RulesTable",
            "Participation options and apportionment rules",
            "One row per service area and option; 'In use' Yes picks the option (otherwise the default is used).",
            rules_headers(partners),
            tuple(rule_rows),
            ("text",) * 8 + ("number",) + ("number",) * len(partners) + ("text",),
        ),
        InputTable(
            "Drivers",
            "DriversTable",
            "Drivers: values per partner",
            "For options split by a driver: one row per service area and driver, a value per partner, and where the values come from.",
            drivers_headers(partners),
            driver_rows,
            ("text", "text", *("number" for _ in partners), "text"),
        ),
        InputTable(
            "One-off costs",
            "OneOffCostsTable",
            "One-off costs of change, £000s",
            "Low is the smaller cost, High the bigger.",
            ONE_OFF_HEADERS,
            one_off_rows,
            ("text", "text", "text", "money", "money", "text"),
        ),
    )


def summary_rows(result: Consolidation, *, one_off: bool = True) -> list[list[object]]:
    """Appendix A as rows (header, one per service area, Total): what JW_SAVINGS_SUMMARY returns."""
    header = [*SUMMARY_HEADERS, *(ONE_OFF_SUMMARY_HEADERS if one_off else ())]
    rows: list[list[object]] = [header]
    for s in [*result.services, result.total]:
        row: list[object] = [s.service]
        for r in (s.cashable, s.procurement, s.recurring, s.non_cashable, *((s.one_off,) if one_off else ())):
            row += [r.low, r.high]
        rows.append(row)
    return rows


def by_partner_rows(result: Consolidation) -> list[list[object]]:
    """Each partner's share of each service's recurring cost/(saving), low and high, with totals."""
    header: list[object] = ["Service area"]
    for p in result.partners:
        header += [f"{p} low", f"{p} high"]
    header += ["All partners low", "All partners high"]
    rows: list[list[object]] = [header]
    for s in result.services:
        shares = [result.partner_service(p, s.service) for p in result.partners]
        row: list[object] = [s.service]
        for r in shares:
            row += [r.low, r.high]
        whole = sum(shares, Range())
        rows.append([*row, whole.low, whole.high])
    totals = [p.recurring for p in result.by_partner]
    row = ["Total"]
    for r in totals:
        row += [r.low, r.high]
    whole = sum(totals, Range())
    rows.append([*row, whole.low, whole.high])
    return rows


def _in_use(programme: Programme, result: Consolidation) -> list[tuple[str, str, tuple[str, ...], Method, str, int]]:
    found = []
    for service in programme.services:
        option = service.option(result.options_in_use.get(service.name))
        if option is not None and option.rule.method in (Method.BASELINE, Method.DRIVER):
            found.append(
                (
                    service.name,
                    option.name,
                    option.partners,
                    option.rule.method,
                    option.rule.driver,
                    option.rule.minimum_percent,
                )
            )
    return found


def shares_plan(programme: Programme, result: Consolidation, tables: Sequence[InputTable]) -> SheetPlan:
    """Shares: for each service split by baseline or a driver, the weights (native SUMIFS), the
    whole-percentage shares (JW_SHARES) and the service's recurring low split by them (JW_APPORTION)."""
    t = {x.sheet: x for x in tables}
    partners = programme.partner_codes
    n = len(partners)
    cells: dict[tuple[int, int], object] = {}
    heads: set[tuple[int, int]] = set()
    top = 3
    w0, s0 = 4, 4 + n  # first weight column, first share column
    amount_col, a0 = 4 + 2 * n, 5 + 2 * n
    labels = [
        "Service area",
        "Option in use",
        "Basis",
        "Minimum %",
        *(f"{p} weight" for p in partners),
        *(f"{p} %" for p in partners),
        "Recurring low (all lines)",
        *(f"{p} share of it" for p in partners),
    ]
    for c, label in enumerate(labels):
        cells[(top, c)] = label
        heads.add((top, c))
    baseline = {(e.partner, e.service): e.net for e in programme.baseline}
    drivers = {(d.service, d.driver, d.partner): d.value for d in programme.drivers}
    row = top + 1
    for service, option, participants, method, driver, minimum in _in_use(programme, result):
        cells[(row, 0)] = service
        cells[(row, 1)] = option
        cells[(row, 2)] = "share of baseline" if method is Method.BASELINE else f"driver: {driver}"
        cells[(row, 3)] = minimum
        in_use = next((r for r in result.apportionment if r.service == service and r.in_use), None)
        if in_use is None or not in_use.shares or any(p not in partners for p in participants):
            cells[(row, 4)] = "not computable from these partners' figures: see the consolidation's findings"
            row += 1
            continue
        weights: dict[str, Decimal] = {}
        for j, p in enumerate(partners):
            if p not in participants:
                continue  # a blank weight: the partner does not take part
            if method is Method.BASELINE:
                value = baseline.get((p, service), Decimal(0))
                text = f'=SUMIFS({t["Baseline"].column("Net baseline (£000s)")},{t["Baseline"].column("Partner")},"{p}",{t["Baseline"].column("Service area")},{a1(row, 0)})'
            else:
                value = drivers.get((service, driver, p), Decimal(0))
                text = f'=SUMIFS({t["Drivers"].column(p)},{t["Drivers"].column("Service area")},{a1(row, 0)},{t["Drivers"].column("Driver")},"{driver}")'
            weights[p] = value
            cells[(row, w0 + j)] = Formula(text, value, kind="money")
        shares = {p: int(v) for p, v in in_use.shares.items()}
        share_row = [shares.get(p) for p in partners]
        weights_ref = f"{a1(row, w0)}:{a1(row, w0 + n - 1)}"
        cells[(row, s0)] = Formula(f"=JW_SHARES({weights_ref},{a1(row, 3)})", [share_row], spill=True, kind="percent")
        low = sum((x.estimate.low for x in programme.saving_lines if x.service == service), Decimal(0))
        cells[(row, amount_col)] = Formula(
            f"=SUMIFS({t['Saving lines'].column('Low (£000s)')},{t['Saving lines'].column('Service area')},{a1(row, 0)})",
            low,
            kind="money",
        )
        split = allocate(low, {p: v for p, v in shares.items()}) if shares else {}
        shares_ref = f"{a1(row, s0)}:{a1(row, s0 + n - 1)}"
        cells[(row, a0)] = Formula(
            f"=JW_APPORTION({a1(row, amount_col)},{shares_ref},3)",
            [[split.get(p) for p in partners]],
            spill=True,
            kind="money",
        )
        row += 1
    widths = ((0, 0, 30), (1, 1, 22), (2, 2, 26), (3, 3, 10), (4, a0 + n, 12))
    return SheetPlan(
        "Shares",
        "Apportionment shares computed in Excel",
        "Weights are native SUMIFS over the Baseline and Drivers tables (blank = not taking part); % by JW_SHARES (whole percentages adding up to 100, at least the minimum each); the service's recurring low split exactly by JW_APPORTION. The By partner sheet splits line by line, as the engine does.",
        cells,
        frozenset(heads),
        widths,
    )


def checks_plan(
    programme: Programme,
    result: Consolidation,
    tables: Sequence[InputTable],
    summary_total: tuple[int, int],
    partners_total: tuple[int, int],
) -> SheetPlan:
    """Checks: stated control totals against baseline rows, and the outputs against each other."""
    t = {x.sheet: x for x in tables}
    cells: dict[tuple[int, int], object] = {}
    heads: set[tuple[int, int]] = set()
    top = 3
    for c, label in enumerate(("Partner", "What", "Stated", "Sum of rows", "Check (OK or stated less rows)")):
        cells[(top, c)] = label
        heads.add((top, c))
    stated = {c.partner: c for c in programme.control_totals}
    row = top + 1
    for pb in result.baseline:
        control = stated.get(pb.partner)
        for what, column, stated_value, rows_value, kind in (
            ("Net baseline (£000s)", "Stated net baseline (£000s)", control.net if control else None, pb.net, "money"),
            ("FTE", "Stated FTE", control.fte if control else None, pb.fte, "number"),
        ):
            cells[(row, 0)] = pb.partner
            cells[(row, 1)] = what
            cells[(row, 2)] = Formula(
                f"=INDEX({t['Partners'].column(column)},MATCH({a1(row, 0)},{t['Partners'].column('Code')},0))",
                stated_value if stated_value is not None else Decimal(0),
                kind=kind,
            )
            cells[(row, 3)] = Formula(
                f"=SUMIFS({t['Baseline'].column(what)},{t['Baseline'].column('Partner')},{a1(row, 0)})",
                rows_value,
                kind=kind,
            )
            check: object = (
                "OK" if (stated_value or Decimal(0)) == rows_value else (stated_value or Decimal(0)) - rows_value
            )
            cells[(row, 4)] = Formula(f"=JW_CHECK_TOTAL({a1(row, 3)},{a1(row, 2)})", check, kind=kind)
            row += 1
    row += 1
    for c, label in enumerate(("Output", "What", "Stated", "Sum of rows", "Check (OK or stated less rows)")):
        cells[(row, c)] = label
        heads.add((row, c))
    row += 1
    total_low = result.total.recurring.low
    lines_low = sum((x.estimate.low for x in programme.saving_lines), Decimal(0))
    summary_ref = f"Summary!{a1(*summary_total)}"
    cells[(row, 0)] = "Summary"
    cells[(row, 1)] = "Total recurring low against every saving line"
    cells[(row, 2)] = Formula(f"={summary_ref}", total_low, kind="money")
    cells[(row, 3)] = Formula(f"=SUM({t['Saving lines'].column('Low (£000s)')})", lines_low, kind="money")
    cells[(row, 4)] = Formula(
        f"=JW_CHECK_TOTAL({t['Saving lines'].column('Low (£000s)')},{summary_ref})",
        "OK" if total_low == lines_low else total_low - lines_low,
        kind="money",
    )
    row += 1
    partners_low = sum((p.recurring.low for p in result.by_partner), Decimal(0))
    partners_ref = f"'By partner'!{a1(*partners_total)}"
    cells[(row, 0)] = "By partner"
    cells[(row, 1)] = "All partners' recurring low against the Summary total"
    cells[(row, 2)] = Formula(f"={summary_ref}", total_low, kind="money")
    cells[(row, 3)] = Formula(f"={partners_ref}", partners_low, kind="money")
    cells[(row, 4)] = Formula(
        f"=JW_CHECK_TOTAL({partners_ref},{summary_ref})",
        "OK" if total_low == partners_low else total_low - partners_low,
        kind="money",
    )
    widths = ((0, 0, 14), (1, 1, 48), (2, 3, 14), (4, 4, 30))
    return SheetPlan(
        "Checks",
        "Checks",
        "A figure in the Check column is the stated total less the sum of the rows; OK means they agree.",
        cells,
        frozenset(heads),
        widths,
    )


SPILL_ANCHOR = (3, 0)  # where JW_SAVINGS_SUMMARY and JW_BY_PARTNER sit on their sheets


def summary_total_cell(result: Consolidation) -> tuple[int, int]:
    """The Summary sheet's Total recurring low cell, 0-based."""
    return (SPILL_ANCHOR[0] + len(result.services) + 1, SUMMARY_HEADERS.index("Total low"))


def partners_total_cell(result: Consolidation) -> tuple[int, int]:
    """The By partner sheet's all-partners Total low cell, 0-based."""
    return (SPILL_ANCHOR[0] + len(result.services) + 1, 1 + 2 * len(result.partners))


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
    "Edit the tables on the input sheets (Partners, Baseline, Saving lines, Rules, Drivers, One-off costs); Summary, By partner, Shares and Checks recalculate.",
    "Without the add-in the JW_ cells keep the figures saved with the file until Excel recalculates them (then #NAME?). See docs/excel-addin.md.",
    "To fill the tables from partner returns: put the folder in B6, then run the script jw_consolidate_returns (Lite/Server task pane, or classic RunPython).",
)


def _write_plan(wb: object, ws: object, plan: SheetPlan, f: dict[str, object]) -> None:
    ws.write_string(0, 0, plan.title, f["title"])  # type: ignore[attr-defined]
    ws.write_string(1, 0, plan.note, f["note"])  # type: ignore[attr-defined]
    for first, last, width in plan.widths:
        ws.set_column(first, last, width)  # type: ignore[attr-defined]
    for (row, col), value in sorted(plan.cells.items()):
        _write_cell(ws, row, col, value, f, head=(row, col) in plan.headers)


def _write_value(ws: object, row: int, col: int, value: object, fmt: object) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)  # type: ignore[attr-defined]
    elif isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, float(value), fmt)  # type: ignore[attr-defined]
    else:
        ws.write_string(row, col, str(value), fmt)  # type: ignore[attr-defined]


def _write_cell(ws: object, row: int, col: int, value: object, f: dict[str, object], *, head: bool = False) -> None:
    if not isinstance(value, Formula):
        _write_value(ws, row, col, value, f["head"] if head else f["text"])
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
            _write_value(ws, row + i, col + j, value, cell_fmt)


def _write_table(wb: object, ws: object, table: InputTable, f: dict[str, object]) -> None:
    ws.write_string(0, 0, table.title, f["title"])  # type: ignore[attr-defined]
    ws.write_string(1, 0, table.guidance, f["note"])  # type: ignore[attr-defined]
    rows = table.rows or (tuple(None for _ in table.headers),)  # an Excel table needs one data row
    last = HEADER_ROW + len(rows)
    columns = []
    for col, (header, kind) in enumerate(zip(table.headers, table.kinds, strict=True)):
        fmt = f["money_in"] if kind == "money" else f["number_in"] if kind == "number" else f["text_in"]
        columns.append({"header": header, "format": fmt})
        width = (
            44
            if header in ("Description", "Notes", "Basis", "Service area", "Option", "Name")
            else max(10, len(header) + 3)
        )
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
            _write_value(ws, HEADER_ROW + 1 + i, col, value, columns[col]["format"])
    ws.freeze_panes(HEADER_ROW + 1, 0)  # type: ignore[attr-defined]


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
        wb = xlsxwriter.Workbook(
            tmp, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        wb.set_properties(
            {
                "title": "Joint working model",
                "author": "jwmodel",
                "created": CREATED,
                "comments": f"UDF module: {UDF_MODULE}",
            }
        )
        money = "#,##0.0##;(#,##0.0##);0"
        f = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "note": wb.add_format({"italic": True, "font_color": "#595959"}),
            "head": wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
            "text": wb.add_format({}),
            "money": wb.add_format({"num_format": money}),
            "number": wb.add_format({"num_format": "#,##0.0##"}),
            "percent": wb.add_format({"num_format": "0"}),
            "bold": wb.add_format({"bold": True}),
            "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}),
            "text_in": wb.add_format({}),
            "money_in": wb.add_format({"num_format": money}),
            "number_in": wb.add_format({"num_format": "#,##0.0##"}),
        }
        tables = input_tables(programme, result)

        ws = wb.add_worksheet("Read me")
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

        summary = summary_rows(result)
        ws = wb.add_worksheet("Summary")
        ws.set_column(0, 0, 32)
        ws.set_column(1, len(summary[0]) - 1, 12)
        ws.write_string(
            0, 0, "Appendix A: recurring full-year cost/(saving) by service area, and one-off costs, £000s", f["title"]
        )
        ws.write_string(
            1, 0, "Computed by JW_SAVINGS_SUMMARY from the Saving lines, Rules and One-off costs tables.", f["note"]
        )
        anchor = SPILL_ANCHOR
        tables_by_sheet = {x.sheet: x for x in tables}
        formula = f"=JW_SAVINGS_SUMMARY({tables_by_sheet['Saving lines'].ref},{tables_by_sheet['Rules'].ref},{tables_by_sheet['One-off costs'].ref})"
        _write_spill(ws, *anchor, formula, summary, f["money"], f["text"], f["head"])
        summary_total = summary_total_cell(result)

        partner_rows = by_partner_rows(result)
        ws = wb.add_worksheet("By partner")
        ws.set_column(0, 0, 32)
        ws.set_column(1, len(partner_rows[0]) - 1, 12)
        ws.write_string(
            0,
            0,
            "Each partner's share of the recurring cost/(saving) by service area, £000s to the nearest £1",
            f["title"],
        )
        ws.write_string(
            1,
            0,
            "Computed by JW_BY_PARTNER from the Saving lines, Rules, Baseline and Drivers tables; every line is split exactly.",
            f["note"],
        )
        formula = f"=JW_BY_PARTNER({tables_by_sheet['Saving lines'].ref},{tables_by_sheet['Rules'].ref},{tables_by_sheet['Baseline'].ref},{tables_by_sheet['Drivers'].ref})"
        _write_spill(ws, *anchor, formula, partner_rows, f["money"], f["text"], f["head"])
        partners_total = partners_total_cell(result)

        for plan in (
            shares_plan(programme, result, tables),
            checks_plan(programme, result, tables, summary_total, partners_total),
        ):
            _write_plan(wb, wb.add_worksheet(plan.name), plan, f)

        for table in tables:
            _write_table(wb, wb.add_worksheet(table.sheet), table, f)

        ws = wb.add_worksheet("xlwings.conf")
        ws.set_column(0, 1, 24)
        ws.write_string(0, 0, "UDF Modules")
        ws.write_string(0, 1, UDF_MODULE)

        if sources:
            ws = wb.add_worksheet("Sources")
            for col, h in enumerate(("File", "SHA-256", "Kind", "Status", "Taken", "Reasons")):
                ws.write_string(0, col, h, f["head"])
            for i, s in enumerate(sources, start=1):
                for col, value in enumerate(
                    (s.file, s.sha256, s.kind, s.status, s.taken, "; ".join(str(x) for x in s.findings))
                ):
                    ws.write_string(i, col, value)
        wb.get_worksheet_by_name("Summary").activate()
        wb.close()
    return path


def write_example(root: str | Path) -> Path:
    """The committed model workbook: the Hampshire 2012 example, at ``root/joint_working_model.xlsx``."""
    from jwmodel.consolidation import consolidate
    from jwmodel.examples import hampshire_2012

    programme = hampshire_2012.programme()
    return write_model_workbook(Path(root) / "joint_working_model.xlsx", programme, consolidate(programme))
