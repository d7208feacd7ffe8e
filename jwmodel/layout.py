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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from decimal import Decimal
from typing import TypeVar

from jwmodel.appraisal import Cashflow, payback_switching_value, payback_years, switching_value
from jwmodel.business_case import AppraisalSettings, ProgrammeAppraisal, appraise_programme
from jwmodel.consolidation import Consolidation, consolidate
from jwmodel.discounting import HEALTH, STPR, DiscountSchedule, npv_of_costs_and_savings, schedule_from
from jwmodel.figures import MAX_FIGURE
from jwmodel.findings import NOWHERE, Finding, Location, a1
from jwmodel.model import Method, ParticipationOption, Programme, Range
from jwmodel.money import allocate
from jwmodel.options_scoring import score_options, weight_sensitivities
from jwmodel.tables import Kind, Scope, Table
from jwmodel.tables import inputs as t
from jwmodel.tables.outputs import FINDINGS, findings_rows

T = TypeVar("T")

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
    "discount_cell",
    "appraisal_plan",
    "option_scores_rows",
    "options_plan",
    "findings_block",
    "findings_plan",
    "NOT_PAID_BACK",
    "NO_SWITCHING_VALUE",
    "SAVED_MARK",
    "SAVED_SHEET",
    "saves_figures",
    "saved_rows",
    "with_saved_figures",
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
    inputs: frozenset[tuple[int, int]] = frozenset()  # cells a person may change (left unlocked)
    numbers: str = "number"  # the number format of the plain figures on the sheet: number, money, money_whole


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


SPLIT_METHODS = (Method.BASELINE, Method.BASELINE_FTE, Method.DRIVER)


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
    if method in (Method.BASELINE, Method.BASELINE_FTE):  # net cost or FTE
        b, key = tables["Baseline"], "net" if method is Method.BASELINE else "fte"
        return _sum_where(b.ref_of(key), (b.ref_of("partner"), code_cell), (b.ref_of("service"), a1(row, 0)))
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
    baseline = {
        (e.partner, e.service): e.fte if rule.method is Method.BASELINE_FTE else e.net for e in programme.baseline
    }
    drivers = {(d.service, d.driver, d.partner): d.value for d in programme.drivers}
    cells: dict[tuple[int, int], object] = {}
    for j, p in enumerate(programme.partner_codes):
        if p in option.partners:  # otherwise a blank weight: the partner does not take part
            value = (
                baseline.get((p, service), Decimal(0))
                if rule.method in (Method.BASELINE, Method.BASELINE_FTE)
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
    in_use = next((r for r in result.apportionment if r.service == service and r.in_use and not r.line), None)
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


# --- Appraisal, Options and Findings (issue 13: every function family in the model workbook) ----------------------
#
# Each JW_ formula below is written with the result the add-in gives for the cells it reads: the engine's figure
# at the add-in's precision (NPV to £1, payback and switching values to 0.0001, weights at which the best option
# changes to 0.01), so a reader that does not calculate shows the batch's figures.

NPV_PLACES = Decimal("0.001")  # JW_NPV's precision: £1 when figures are £000s
YEARS_PLACES = Decimal("0.0001")  # JW_PAYBACK's and JW_SWITCHING_VALUE's (and JW_OPTION_SCORES' weighted score)
WEIGHT_PLACES = Decimal("0.01")  # JW_OPTION_SCORES: the weights at which the best option changes
NOT_PAID_BACK = "not within these years"  # JW_PAYBACK when cumulative savings never catch up
NO_SWITCHING_VALUE = "no scaling of the savings reaches it"  # JW_SWITCHING_VALUE when no scaling reaches 0
APPRAISAL_TOP = 3  # the rate and payback-limit cells, then the cash flows below them
OPTION_WEIGHTS = (25, 50, 25)  # prudent, central, optimistic NPV: the default weights, to be edited


def discount_cell(schedule: DiscountSchedule) -> str:
    """The text a person types for ``schedule`` (STPR, health, or a rate such as 3.5%), read back by
    ``jwmodel.discounting.schedule_from``: the one rule the add-in's rate arguments follow."""
    for token, named in (("STPR", STPR), ("health", HEALTH)):
        if schedule == named:
            return token
    (_, percent), *rest = schedule.bands
    token = f"{percent.normalize():f}%"
    if rest or schedule_from(token) != schedule:
        raise ValueError(f"the discount schedule {schedule.name!r} cannot be typed in one cell")
    return token


def _at(value: Decimal | None, places: Decimal, none: str) -> object:
    return none if value is None else value.quantize(places)


def _case_rows(
    case: object, flow: Cashflow, row: int, n: int
) -> tuple[dict[tuple[int, int], object], tuple[str, str, str]]:
    """A case's savings, costs and net (native sum) by year; returns the cells and the three rows' ranges."""
    cells: dict[tuple[int, int], object] = {}
    for offset, (label, values) in enumerate((("Savings", flow.savings), ("Costs", flow.costs))):
        cells[(row + offset, 0)] = str(case)
        cells[(row + offset, 1)] = label
        for k, v in enumerate(values):
            cells[(row + offset, 2 + k)] = v
    cells[(row + 2, 0)] = str(case)
    cells[(row + 2, 1)] = "Net cost/(saving)"
    for k, v in enumerate(flow.net):
        cells[(row + 2, 2 + k)] = Formula(f"={a1(row, 2 + k)}+{a1(row + 1, 2 + k)}", v, kind="money_whole")
    spans = tuple(f"{a1(row + i, 2)}:{a1(row + i, 1 + n)}" for i in range(3))
    return cells, spans  # type: ignore[return-value]


def _headline(flow: Cashflow, spans: tuple[str, str, str], settings: AppraisalSettings) -> list[Formula]:
    """NPV, payback and the two switching values of one case, each a JW_ formula over the case's rows."""
    savings, costs, net = spans
    rate, limit = a1(APPRAISAL_TOP, 1), a1(APPRAISAL_TOP + 1, 1)
    npv = npv_of_costs_and_savings(list(flow.net), settings.schedule)
    payback = payback_years(list(flow.net))
    npv_switch = switching_value(flow.savings, flow.costs, settings.schedule)
    payback_switch = payback_switching_value(flow.savings, flow.costs, settings.payback_limit_years)
    return [
        Formula(f"=JW_NPV({net},{rate})", npv.quantize(NPV_PLACES), kind="money_whole"),
        Formula(f"=JW_PAYBACK({net})", _at(payback, YEARS_PLACES, NOT_PAID_BACK), kind="years"),
        Formula(
            f"=JW_SWITCHING_VALUE({savings},{costs},{rate})",
            _at(npv_switch, YEARS_PLACES, NO_SWITCHING_VALUE),
            kind="percent1",
        ),
        Formula(
            f"=JW_SWITCHING_VALUE({savings},{costs},{rate},{limit})",
            _at(payback_switch, YEARS_PLACES, NO_SWITCHING_VALUE),
            kind="percent1",
        ),
    ]


APPRAISAL_HEADS = ("Case", "NPV (£000s)", "Payback (years)", "NPV switching value %", "Payback switching value %")


def appraisal_plan(appraisal: ProgrammeAppraisal) -> SheetPlan:
    """Appraisal: each case's cash flows by year, then its NPV (JW_NPV), payback (JW_PAYBACK) and
    switching values (JW_SWITCHING_VALUE), read from those rows and the rate and limit cells."""
    settings, years = appraisal.settings, appraisal.years
    cells: dict[tuple[int, int], object] = {
        (APPRAISAL_TOP, 0): "Discount rate or schedule (STPR, health, or a rate such as 3.5%)",
        (APPRAISAL_TOP, 1): discount_cell(settings.schedule),
        (APPRAISAL_TOP + 1, 0): "Payback limit for the payback switching value (years)",
        (APPRAISAL_TOP + 1, 1): settings.payback_limit_years,
    }
    top = APPRAISAL_TOP + 3
    heads = {(top, c) for c in range(2 + len(years))}
    cells.update({(top, c): h for c, h in enumerate(("Case", "Measure", *years))})
    row, spans = top + 1, {}
    for c in appraisal.cases:
        rows, spans[c.case] = _case_rows(c.case, c.cashflow, row, len(years))
        cells.update(rows)
        row += 3
    row += 1
    heads |= {(row, c) for c in range(len(APPRAISAL_HEADS))}
    cells.update({(row, c): h for c, h in enumerate(APPRAISAL_HEADS)})
    for c in appraisal.cases:
        row += 1
        cells[(row, 0)] = str(c.case)
        for col, formula in enumerate(_headline(c.cashflow, spans[c.case], settings), start=1):
            cells[(row, col)] = formula
    return SheetPlan(
        "Appraisal",
        "Appraisal over the plan: NPV, payback and switching values per case, £000s",
        f"Cash flows: cost positive, saving negative; NPV benefit positive, year 0 ({years[0]}) undiscounted. "
        "JW_NPV, JW_PAYBACK and JW_SWITCHING_VALUE read the rows above and the rate and limit cells.",
        cells,
        frozenset(heads),
        ((0, 0, 22), (1, 1, 30), (2, 1 + max(len(years), 4), 14)),
        inputs=frozenset({(APPRAISAL_TOP, 1), (APPRAISAL_TOP + 1, 1)}),
        numbers="money_whole",
    )


def _alternatives(programme: Programme, result: Consolidation) -> list[tuple[str, dict[str, str]]]:
    """The options in use, then each service area's other participation options, one at a time."""
    in_use = dict(result.options_in_use)
    found = [("Options in use", in_use)]
    for s in programme.services:
        for o in s.options:
            if o.name != in_use.get(s.name):
                found.append((f"{s.name}: {o.name}", {**in_use, s.name: o.name}))
    return found


def option_scores_rows(
    options: Mapping[str, Mapping[str, Decimal | None]], weights: Mapping[str, Decimal]
) -> list[list[object]]:
    """What JW_OPTION_SCORES gives: each option's weighted score and rank, then for each criterion the
    weights below and above which the best option changes ('' where it never does)."""
    scored = {x.name: x for x in score_options(options, weights)}
    rows: list[list[object]] = [["Option", "Weighted score", "Rank"]]
    rows += [[name, scored[name].weighted_total.quantize(YEARS_PLACES), scored[name].rank] for name in options]
    rows += [["", "", ""], ["Criterion", "Best option changes below weight", "Best option changes above weight"]]
    for w in weight_sensitivities(options, weights):
        rows.append([w.criterion, *(_change(v) for v in (w.nearest_top_change_below, w.nearest_top_change_above))])
    return rows


def _change(value: Decimal | None) -> object:
    return "" if value is None or abs(value) > MAX_FIGURE else value.quantize(WEIGHT_PLACES)


OPTION_CRITERIA = ("NPV prudent", "NPV central", "NPV optimistic")


def options_plan(programme: Programme, result: Consolidation, settings: AppraisalSettings) -> SheetPlan:
    """Options: the programme's NPV under each participation option (one change at a time), scored by
    JW_OPTION_SCORES with weights per case; scores and weights are inputs to edit or extend."""
    top = 3
    cells: dict[tuple[int, int], object] = {(top, c): h for c, h in enumerate(("Option", *OPTION_CRITERIA))}
    scores: dict[str, dict[str, Decimal | None]] = {}
    inputs: set[tuple[int, int]] = set()
    for i, (name, chosen) in enumerate(_alternatives(programme, result), start=top + 1):
        cases = appraise_programme(consolidate(programme, options=chosen), settings).cases
        npv = {f"NPV {c.case}": c.npv.quantize(NPV_PLACES) for c in cases}
        scores[name] = {k: npv[k] for k in OPTION_CRITERIA}
        cells[(i, 0)] = name
        for col, k in enumerate(OPTION_CRITERIA, start=1):
            cells[(i, col)] = npv[k]
            inputs.add((i, col))
    last = top + len(scores)
    weights_row = last + 2
    cells[(weights_row, 0)] = "Weights"
    weights = dict(zip(OPTION_CRITERIA, (Decimal(w) for w in OPTION_WEIGHTS), strict=True))
    for col, k in enumerate(OPTION_CRITERIA, start=1):
        cells[(weights_row, col)] = weights[k]
        inputs.add((weights_row, col))
    table = f"{a1(top, 0)}:{a1(last, len(OPTION_CRITERIA))}"
    weights_ref = f"{a1(weights_row, 1)}:{a1(weights_row, len(OPTION_CRITERIA))}"
    cells[(weights_row + 2, 0)] = Formula(
        f"=JW_OPTION_SCORES({table},{weights_ref})", option_scores_rows(scores, weights), spill=True, kind="money_whole"
    )
    return SheetPlan(
        "Options",
        "Options appraisal: the programme under each participation option, scored by JW_OPTION_SCORES",
        "Scores: the programme's NPV (£000s, benefit positive) with one service area's option changed at a time; "
        "weights per case. Add criteria (Quality, Resilience...) as columns and their weights to score them too.",
        cells,
        frozenset({*((top, c) for c in range(1 + len(OPTION_CRITERIA))), (weights_row, 0)}),
        ((0, 0, 44), (1, 3, 18)),
        inputs=frozenset(inputs),
    )


def findings_block(findings: Sequence[Finding]) -> list[list[object]]:
    """What JW_FINDINGS gives: the Findings table's columns, a row per finding, or one row saying none."""
    rows: list[list[object]] = [list(FINDINGS.headers())]
    for row in findings_rows(findings):
        rows.append([v if v is None or isinstance(v, str | int | float | Decimal) else str(v) for v in row])
    if len(rows) == 1:
        rows.append(["none", "", *("" for _ in FINDINGS.columns[2:-2]), "no findings", ""])
    return rows


def _nowhere(x: T) -> T:
    """``x`` with every location left out (the model workbook's tables hold no file, sheet or cell of a return)."""
    changes: dict[str, object] = {}
    for f in fields(x):  # type: ignore[arg-type]
        value = getattr(x, f.name)
        if isinstance(value, Location):
            changes[f.name] = NOWHERE
        elif isinstance(value, tuple) and value and is_dataclass(value[0]):
            changes[f.name] = tuple(_nowhere(v) for v in value)
        elif is_dataclass(value) and not isinstance(value, type):
            changes[f.name] = _nowhere(value)
    return replace(x, **changes)  # type: ignore[type-var]


def _as_tables(programme: Programme) -> Programme:
    """The programme as the model workbook's tables hold it: no reading findings, no file locations, no recharges
    (no table holds them: JW_FINDINGS cannot see them)."""
    return _nowhere(replace(programme, findings=(), recharges=()))


def findings_plan(programme: Programme, result: Consolidation, tables: Sequence[InputTable]) -> SheetPlan:
    """Findings: JW_FINDINGS over the input tables, with the findings of the programme they hold."""
    t = {x.sheet: x for x in tables}
    names = ("Saving lines", "Rules", "Baseline", "Drivers", "One-off costs", "Partners")
    text = "=JW_FINDINGS(" + ",".join(t[n].ref for n in names) + ")"
    findings = consolidate(_as_tables(programme), options=dict(result.options_in_use)).findings
    return SheetPlan(
        "Findings",
        "Findings of the tables: what is wrong or worth knowing, by JW_FINDINGS",
        "Computed from the input tables (the consolidated workbook's Findings sheet also locates each finding "
        "in the partner's file).",
        {SPILL_ANCHOR: Formula(text, findings_block(findings), spill=True, kind="text")},
        frozenset(),
        ((0, 1, 14), (2, 4, 14), (5, 5, 100), (6, 6, 16)),
    )


SAVED_SHEET = "Saved figures"  # hidden: each spilling table's figures as saved, the fallback of its formula
SAVED_MARK = " (figures as the workbook was written: the add-in is not loaded)"


def _headed(rows: Sequence[Sequence[object]]) -> bool:
    return len(rows) >= 2 and isinstance(rows[0][0], str) and bool(rows[0][0])


def saves_figures(rows: Sequence[Sequence[object]]) -> bool:
    """Whether a spilling result falls back to its saved figures: a table under a header, whose header
    can say the figures are saved ones. Shares' one-row results do not (nothing would say so, and the
    consolidation script rewrites them)."""
    return _headed(rows)


def saved_rows(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """The saved figures as the fallback shows them: the table's first header marked as saved."""
    return [[f"{rows[0][0]}{SAVED_MARK}", *rows[0][1:]], *(list(r) for r in rows[1:])]


def with_saved_figures(formula: str, saved: str) -> str:
    """``=IFERROR(JW_X(...),saved)``: with the add-in, JW_X's result; without it (Excel after a
    recalculation, and LibreOffice, which recalculates every array formula when it opens a file) the
    figures saved with the workbook in the range ``saved`` (cells, so no text is put in a formula)."""
    return f"=IFERROR({formula.removeprefix('=')},{saved})"
