"""The model workbook's layout as plain data: which tables and cells go where, with no writer.

The input tables are the declarations of :mod:`jwmodel.tables.inputs` (every column, including
those only the model workbook has), filled from a programme. The computed sheets are plans of
cells: values, or :class:`Formula` values holding a formula and the engine's result for it.
``jwmodel.excel.model_workbook`` writes these with XlsxWriter; the add-in's script writes the same
plans into an open workbook, so the two cannot drift apart.

No text a partner typed is ever put inside a formula: a formula refers to the cell that holds the
text (a service area, a driver's name, a partner code) instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwmodel.consolidation import Consolidation
from jwmodel.findings import a1
from jwmodel.model import Method, ParticipationOption, Programme, Range
from jwmodel.money import allocate
from jwmodel.tables import Kind, Scope, Table
from jwmodel.tables import inputs as t

__all__ = [
    "CONTROL_SHEET",
    "FOLDER_CELL",
    "STATUS_CELL",
    "CHECK_FILE_CELL",
    "SCRIPT_BUTTONS",
    "HEADER_ROW",
    "SPILL_ANCHOR",
    "SUMMARY_HEADERS",
    "ONE_OFF_SUMMARY_HEADERS",
    "ModelTable",
    "MODEL_TABLES",
    "InputTable",
    "Formula",
    "SheetPlan",
    "model_partners",
    "input_tables",
    "summary_rows",
    "by_partner_rows",
    "shares_plan",
    "checks_plan",
    "summary_total_cell",
    "partners_total_cell",
]

CONTROL_SHEET = "Read me"
FOLDER_CELL = (5, 1)  # 0-based (row, col): B6, the folder the consolidation script reads
STATUS_CELL = (6, 1)  # B7: what the last consolidation did
# The add-in's scripts and their buttons on the Read me sheet (xlwings Lite and Server run a script when
# its button cell is selected; classic xlwings runs it from a macro). The script names are stable.
CHECK_FILE_CELL = (7, 1)  # B8: the return the check script reads, in the folder on B6
SCRIPT_BUTTONS = {  # script name -> (the button's text, its cell on the Read me sheet, 0-based)
    "jw_consolidate_returns": ("Consolidate returns", (5, 2)),  # C6, beside the folder
    "jw_check_return": ("Check one return", (7, 2)),  # C8, beside the file
}
HEADER_ROW = t.HEADER_ROW
SPILL_ANCHOR = (3, 0)  # where JW_SAVINGS_SUMMARY and JW_BY_PARTNER sit on their sheets

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


@dataclass(frozen=True, slots=True)
class ModelTable:
    """Where a declared input table sits in the model workbook, with its title and guidance.

    ``name`` is the declaration's name in :mod:`jwmodel.tables.inputs`, looked up when used, so the
    declaration stays the one place its columns are given.
    """

    name: str
    sheet: str
    table: str
    title: str
    guidance: str

    @property
    def declared(self) -> Table:
        return getattr(t, self.name)


MODEL_TABLES = (
    ModelTable(
        "PARTNERS",
        "Partners",
        "PartnersTable",
        "Partners",
        "One row per partner: its code, name and its own stated control totals.",
    ),
    ModelTable(
        "BASELINE",
        "Baseline",
        "BaselineTable",
        "Financial baseline by partner and service area (£000s, FTE)",
        "Net = gross direct cost less charges from the other partners.",
    ),
    ModelTable(
        "SAVING_LINES",
        "Saving lines",
        "SavingLinesTable",
        t.SAVING_LINES.title,
        "Cost positive, saving negative. Low is the smaller saving, High the bigger. Start year and ramp "
        "(e.g. 50, 100) say when the full-year effect arrives; blank means in full from the plan's first year.",
    ),
    ModelTable(
        "OPTIONS",
        "Rules",
        "RulesTable",
        t.OPTIONS.title,
        "One row per service area and option; 'In use' Yes picks the option (otherwise the default is used).",
    ),
    ModelTable(
        "DRIVERS",
        "Drivers",
        "DriversTable",
        t.DRIVERS.title,
        "For options split by a driver: one row per service area and driver, a value per partner, "
        "and where the values come from.",
    ),
    ModelTable(
        "ONE_OFF_COSTS",
        "One-off costs",
        "OneOffCostsTable",
        t.ONE_OFF_COSTS.title,
        "Low is the smaller cost, High the bigger. Year and timing (e.g. 60, 40) say when it is spent; "
        "blank means all in the plan's first year.",
    ),
)


def _escaped(header: str) -> str:
    """A header as a structured reference spells it ('[', ']', '#' and "'" escaped with "'")."""
    return re.sub(r"([\[\]#'])", r"'\1", header)


@dataclass(frozen=True, slots=True)
class InputTable:
    """One input sheet: its name, the Excel table on it, headers, rows and each column's kind."""

    sheet: str
    table: str
    title: str
    guidance: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    kinds: tuple[Kind, ...]
    declared: Table | None = None

    @property
    def ref(self) -> str:
        """The whole table with its headers, as the JW_ functions take it."""
        return f"{self.table}[#All]"

    def column(self, header: str) -> str:
        """A column's data as a structured reference, by its header."""
        return f"{self.table}[{_escaped(header)}]"

    def ref_of(self, key: str) -> str:
        """A declared column's data as a structured reference, by its key."""
        assert self.declared is not None
        return self.column(self.declared.column(key).header)


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


def model_partners(programme: Programme) -> tuple[str, ...]:
    """The partner columns: every partner with a return, then any other code the rules or drivers
    name (with no return), so the JW_ functions see what the engine saw."""
    codes = list(programme.partner_codes)
    named = [c for s in programme.services for o in s.options for c in (*o.partners, *o.rule.percentages)]
    for code in [*named, *(d.partner for d in programme.drivers)]:
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _rows(programme: Programme, result: Consolidation) -> dict[str, list[dict[str, object]]]:
    """Each declared table's rows as values by column key."""
    stated = {c.partner: c for c in programme.control_totals}
    options = [
        t.option_cells(s.name, o, in_use=result.options_in_use.get(s.name) == o.name)
        for s in programme.services
        for o in s.options
    ]
    return {
        "partners": [t.partner_cells(p, stated.get(p.code)) for p in programme.partners],
        "baseline": [t.baseline_cells(e) for e in programme.baseline],
        "saving_lines": [t.saving_line_cells(x) for x in programme.saving_lines],
        "options": options,
        "drivers": t.driver_cells(programme.drivers),
        "one_off_costs": [t.one_off_cells(c) for c in programme.one_off_costs],
    }


def input_tables(programme: Programme, result: Consolidation) -> tuple[InputTable, ...]:
    """The six input tables, filled from a programme (and the options in use in ``result``)."""
    partners = model_partners(programme)
    rows = _rows(programme, result)
    return tuple(
        InputTable(
            m.sheet,
            m.table,
            m.title,
            m.guidance,
            m.declared.headers(partners, Scope.MODEL),
            tuple(t.row_of(m.declared, values, partners, Scope.MODEL) for values in rows[m.declared.name]),
            t.kinds_of(m.declared, partners, Scope.MODEL),
            m.declared,
        )
        for m in MODEL_TABLES
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


def _low_high_row(label: str, ranges: Sequence[Range]) -> list[object]:
    row: list[object] = [label]
    for r in ranges:
        row += [r.low, r.high]
    whole = sum(ranges, Range())
    return [*row, whole.low, whole.high]


def by_partner_rows(result: Consolidation) -> list[list[object]]:
    """Each partner's share of each service's recurring cost/(saving), low and high, with totals."""
    header: list[object] = ["Service area"]
    for p in result.partners:
        header += [f"{p} low", f"{p} high"]
    header += ["All partners low", "All partners high"]
    rows: list[list[object]] = [header]
    for s in result.services:
        rows.append(_low_high_row(s.service, [result.partner_service(p, s.service) for p in result.partners]))
    rows.append(_low_high_row("Total", [p.recurring for p in result.by_partner]))
    return rows


SPLIT_METHODS = (Method.BASELINE, Method.DRIVER)


@dataclass(frozen=True, slots=True)
class _SharesColumns:
    """The Shares sheet's columns for ``n`` partners (0-based)."""

    n: int
    top: int = 3

    @property
    def weights(self) -> int:
        return 5

    @property
    def shares(self) -> int:
        return 5 + self.n

    @property
    def amount(self) -> int:
        return 5 + 2 * self.n

    @property
    def split(self) -> int:
        return 6 + 2 * self.n


def _shares_heads(partners: Sequence[str], cols: _SharesColumns) -> dict[tuple[int, int], object]:
    labels = [
        "Service area",
        "Option in use",
        "Basis",
        "Driver",
        "Minimum %",
        *(f"{p} weight" for p in partners),
        *(f"{p} %" for p in partners),
        "Recurring low (all lines)",
        *(f"{p} share of it" for p in partners),
    ]
    cells: dict[tuple[int, int], object] = {(cols.top, c): label for c, label in enumerate(labels)}
    cells[(cols.top - 1, cols.weights - 1)] = "Partner"  # the codes the weight formulas look up
    for j, p in enumerate(partners):
        cells[(cols.top - 1, cols.weights + j)] = p
    return cells


def _sum_where(values: str, *conditions: tuple[str, str]) -> str:
    """The sum of ``values`` on the rows where each column equals its cell: SUMPRODUCT with "=",
    which compares text as it is, where SUMIFS would read "*", "?", "<" or "=" in a name a partner
    typed as a pattern or a comparison."""
    return f"=SUMPRODUCT({values}" + "".join(f",--({column}={cell})" for column, cell in conditions) + ")"


def _weight_formula(tables: dict[str, InputTable], method: Method, code_cell: str, row: int) -> str:
    """A weight as a native formula; the partner code, service area and driver are cells, never text."""
    if method is Method.BASELINE:
        b = tables["Baseline"]
        return _sum_where(b.ref_of("net"), (b.ref_of("partner"), code_cell), (b.ref_of("service"), a1(row, 0)))
    d = tables["Drivers"]  # the partner's column found by its code in the header row (LibreOffice has no [#Headers])
    span = f"{d.table}[[{_escaped(d.headers[0])}]:[{_escaped(d.headers[-1])}]]"
    header_row = f"'{d.sheet}'!${HEADER_ROW + 1}:${HEADER_ROW + 1}"
    column = f"INDEX({span},0,MATCH({code_cell},{header_row},0))"
    return _sum_where(column, (d.ref_of("service"), a1(row, 0)), (d.ref_of("driver"), a1(row, 3)))


def _weights(
    programme: Programme,
    tables: dict[str, InputTable],
    cols: _SharesColumns,
    row: int,
    service: str,
    option: ParticipationOption,
) -> dict[tuple[int, int], object]:
    """Each participating partner's weight (its baseline or driver value) as a native formula."""
    rule = option.rule
    baseline = {(e.partner, e.service): e.net for e in programme.baseline}
    drivers = {(d.service, d.driver, d.partner): d.value for d in programme.drivers}
    cells: dict[tuple[int, int], object] = {}
    for j, p in enumerate(programme.partner_codes):
        if p in option.partners:  # otherwise a blank weight: the partner does not take part
            value = (
                baseline.get((p, service), Decimal(0))
                if rule.method is Method.BASELINE
                else drivers.get((service, rule.driver, p), Decimal(0))
            )
            text = _weight_formula(tables, rule.method, a1(cols.top - 1, cols.weights + j), row)
            cells[(row, cols.weights + j)] = Formula(text, value, kind="money")
    return cells


def _shares_row(
    programme: Programme,
    result: Consolidation,
    tables: dict[str, InputTable],
    cols: _SharesColumns,
    row: int,
    service: str,
    option: ParticipationOption,
) -> dict[tuple[int, int], object]:
    """One service area's row of the Shares sheet."""
    partners = programme.partner_codes
    rule = option.rule
    cells: dict[tuple[int, int], object] = {
        (row, 0): service,
        (row, 1): option.name,
        (row, 2): rule.method.value,
        (row, 3): rule.driver if rule.method is Method.DRIVER else "",
        (row, 4): rule.minimum_percent,
    }
    in_use = next((r for r in result.apportionment if r.service == service and r.in_use), None)
    if in_use is None or not in_use.shares or any(p not in partners for p in option.partners):
        cells[(row, cols.weights)] = "not computable from these partners' figures: see the consolidation's findings"
        return cells
    cells.update(_weights(programme, tables, cols, row, service, option))
    shares = {p: int(v) for p, v in in_use.shares.items()}
    weights_ref = f"{a1(row, cols.weights)}:{a1(row, cols.weights + cols.n - 1)}"
    cells[(row, cols.shares)] = Formula(
        f"=JW_SHARES({weights_ref},{a1(row, 4)})", [[shares.get(p) for p in partners]], spill=True, kind="percent"
    )
    low = sum((x.estimate.low for x in programme.saving_lines if x.service == service), Decimal(0))
    lines = tables["Saving lines"]
    cells[(row, cols.amount)] = Formula(
        _sum_where(lines.ref_of("low"), (lines.ref_of("service"), a1(row, 0))), low, kind="money"
    )
    split = allocate(low, dict(shares)) if shares else {}
    shares_ref = f"{a1(row, cols.shares)}:{a1(row, cols.shares + cols.n - 1)}"
    cells[(row, cols.split)] = Formula(
        f"=JW_APPORTION({a1(row, cols.amount)},{shares_ref},3)",
        [[split.get(p) for p in partners]],
        spill=True,
        kind="money",
    )
    return cells


def shares_plan(programme: Programme, result: Consolidation, tables: Sequence[InputTable]) -> SheetPlan:
    """Shares: for each service split by baseline or a driver, the weights (native SUMPRODUCT), the
    whole-percentage shares (JW_SHARES) and the service's recurring low split by them (JW_APPORTION)."""
    by_sheet = {x.sheet: x for x in tables}
    cols = _SharesColumns(len(programme.partner_codes))
    cells = _shares_heads(programme.partner_codes, cols)
    heads = frozenset(cells)
    row = cols.top + 1
    for service in programme.services:
        option = service.option(result.options_in_use.get(service.name))
        if option is not None and option.rule.method in SPLIT_METHODS:
            cells.update(_shares_row(programme, result, by_sheet, cols, row, service.name, option))
            row += 1
    widths = ((0, 0, 30), (1, 1, 22), (2, 2, 18), (3, 3, 22), (4, 4, 10), (5, cols.split + cols.n, 12))
    return SheetPlan(
        "Shares",
        "Apportionment shares computed in Excel",
        "Weights are native SUMPRODUCT over the Baseline and Drivers tables (blank = not taking part); % by JW_SHARES "
        "(whole percentages adding up to 100, at least the minimum each); the service's recurring low split exactly "
        "by JW_APPORTION. The By partner sheet splits line by line, as the engine does.",
        cells,
        heads,
        widths,
    )


CHECK_HEADS = ("What", "Stated", "Sum of rows", "Check (OK or stated less rows)")


def _check(total: Decimal, rows: Decimal) -> object:
    return "OK" if total == rows else total - rows


def _stated_checks(
    programme: Programme, result: Consolidation, tables: dict[str, InputTable], row: int
) -> tuple[dict[tuple[int, int], object], int]:
    """One row per partner and control total: stated (INDEX/MATCH) against the sum of its rows."""
    partners, baseline = tables["Partners"], tables["Baseline"]
    stated = {c.partner: c for c in programme.control_totals}
    cells: dict[tuple[int, int], object] = {}
    for pb in result.baseline:
        control = stated.get(pb.partner)
        for key, stated_key, value, rows_value, kind in (
            ("net", "stated_net", control.net if control else None, pb.net, "money"),
            ("fte", "stated_fte", control.fte if control else None, pb.fte, "number"),
        ):
            value = value if value is not None else Decimal(0)
            code = a1(row, 0)
            cells[(row, 0)] = pb.partner
            cells[(row, 1)] = t.BASELINE.column(key).header
            cells[(row, 2)] = Formula(
                f"=INDEX({partners.ref_of(stated_key)},MATCH({code},{partners.ref_of('code')},0))", value, kind=kind
            )
            cells[(row, 3)] = Formula(
                _sum_where(baseline.ref_of(key), (baseline.ref_of("partner"), code)), rows_value, kind=kind
            )
            check = _check(value, rows_value)
            cells[(row, 4)] = Formula(f"=JW_CHECK_TOTAL({a1(row, 3)},{a1(row, 2)})", check, kind=kind)
            row += 1
    return cells, row


def _output_checks(
    programme: Programme,
    result: Consolidation,
    tables: dict[str, InputTable],
    row: int,
    summary_total: tuple[int, int],
    partners_total: tuple[int, int],
) -> dict[tuple[int, int], object]:
    """The Summary total against the saving lines, and the By partner total against the Summary."""
    total_low = result.total.recurring.low
    lines_low = sum((x.estimate.low for x in programme.saving_lines), Decimal(0))
    partners_low = sum((p.recurring.low for p in result.by_partner), Decimal(0))
    summary_ref = f"Summary!{a1(*summary_total)}"
    partners_ref = f"'By partner'!{a1(*partners_total)}"
    low = tables["Saving lines"].ref_of("low")
    return {
        (row, 0): "Summary",
        (row, 1): "Total recurring low against every saving line",
        (row, 2): Formula(f"={summary_ref}", total_low, kind="money"),
        (row, 3): Formula(f"=SUM({low})", lines_low, kind="money"),
        (row, 4): Formula(f"=JW_CHECK_TOTAL({low},{summary_ref})", _check(total_low, lines_low), kind="money"),
        (row + 1, 0): "By partner",
        (row + 1, 1): "All partners' recurring low against the Summary total",
        (row + 1, 2): Formula(f"={summary_ref}", total_low, kind="money"),
        (row + 1, 3): Formula(f"={partners_ref}", partners_low, kind="money"),
        (row + 1, 4): Formula(
            f"=JW_CHECK_TOTAL({partners_ref},{summary_ref})", _check(total_low, partners_low), kind="money"
        ),
    }


def checks_plan(
    programme: Programme,
    result: Consolidation,
    tables: Sequence[InputTable],
    summary_total: tuple[int, int],
    partners_total: tuple[int, int],
) -> SheetPlan:
    """Checks: stated control totals against baseline rows, and the outputs against each other."""
    by_sheet = {x.sheet: x for x in tables}
    top = 3
    cells: dict[tuple[int, int], object] = {(top, c): h for c, h in enumerate(("Partner", *CHECK_HEADS))}
    stated, row = _stated_checks(programme, result, by_sheet, top + 1)
    cells.update(stated)
    row += 1
    outputs_head = {(row, c): h for c, h in enumerate(("Output", *CHECK_HEADS))}
    cells.update(outputs_head)
    cells.update(_output_checks(programme, result, by_sheet, row + 1, summary_total, partners_total))
    return SheetPlan(
        "Checks",
        "Checks",
        "A figure in the Check column is the stated total less the sum of the rows; OK means they agree.",
        cells,
        frozenset({*((top, c) for c in range(5)), *outputs_head}),
        ((0, 0, 14), (1, 1, 48), (2, 3, 14), (4, 4, 30)),
    )


def summary_total_cell(result: Consolidation) -> tuple[int, int]:
    """The Summary sheet's Total recurring low cell, 0-based."""
    return (SPILL_ANCHOR[0] + len(result.services) + 1, SUMMARY_HEADERS.index("Total low"))


def partners_total_cell(result: Consolidation) -> tuple[int, int]:
    """The By partner sheet's all-partners Total low cell, 0-based."""
    return (SPILL_ANCHOR[0] + len(result.services) + 1, 1 + 2 * len(result.partners))
