"""What Excel sends, turned into engine data; engine results turned into what Excel shows.

Excel's runtimes send cells differently: Office.js (xlwings Server and Lite) sends every argument as
a 2D array with ``null`` for an empty cell, whole numbers as ``int`` and dates as serial numbers;
classic xlwings sends floats and ``datetime``; a Python caller may pass a scalar or a flat list.
Everything goes through here, so each function sees one shape: rows of cells. Numbers and text are
read with the same strict rules as submitted returns (``jwmodel.excel.cells``). Tables are read by
their header row, with the headers of the model workbook (``jwmodel.excel.model_workbook``).
No business rule lives here: the figures come from ``jwmodel``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jwaddin._runtime import FunctionInputError
from jwmodel.excel.cells import CellError, parse_number, parse_text
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    ControlTotal,
    DriverValue,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    SavingLine,
    ServiceArea,
)

__all__ = [
    "grid",
    "vector",
    "shaped",
    "number",
    "whole_number",
    "excel_value",
    "excel_rows",
    "Table",
    "read_table",
    "programme_from_tables",
]


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def grid(value: object) -> list[list[object]]:
    """Any argument as rows of cells: a scalar is one cell, a flat list one row."""
    if isinstance(value, (list, tuple)):
        if not value:
            return [[None]]
        if all(isinstance(r, (list, tuple)) for r in value):
            return [list(r) for r in value]
        return [list(value)]
    return [[value]]


def vector(value: object, what: str) -> tuple[list[object], str]:
    """One row or one column of cells, and which it was ("row" or "column")."""
    rows = grid(value)
    width = max(len(r) for r in rows)
    if len(rows) == 1:
        return list(rows[0]), "row"
    if width == 1:
        return [r[0] if r else None for r in rows], "column"
    raise FunctionInputError(
        f"{what}: give one row or one column of cells, not a block of {len(rows)} rows by {width} columns"
    )


def shaped(values: Sequence[object], orientation: str) -> list[list[object]]:
    """Values laid out the way they came in: a row stays a row, a column a column."""
    return [list(values)] if orientation == "row" else [[v] for v in values]


def number(value: object, what: str) -> Decimal | None:
    """A cell as an exact number (None when empty); numbers sent as text are accepted."""
    try:
        return parse_number(value)
    except CellError as exc:
        raise FunctionInputError(f"{what}: {exc}") from exc


def whole_number(value: object, what: str, *, default: int, low: int, high: int) -> int:
    """An optional whole-number argument within [low, high]; empty gives ``default``."""
    parsed = number(value, what)
    if parsed is None:
        return default
    if parsed != parsed.to_integral_value() or not low <= parsed <= high:
        raise FunctionInputError(f"{what}: give a whole number from {low} to {high}, got {value!r}")
    return int(parsed)


def excel_value(value: object) -> object:
    """A result cell as Excel takes it: whole numbers as int, others as float, text as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def excel_rows(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    return [[excel_value(v) for v in row] for row in rows]


# --- tables ------------------------------------------------------------------------------------


def _key(header: object) -> str:
    """Headers match ignoring case, spacing and anything in brackets: 'Low (£000s)' is 'low'."""
    text = re.sub(r"\([^)]*\)", "", parse_text(header))
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class Table:
    """A table passed with its header row: columns by header, data rows by number (1-based)."""

    what: str
    headers: tuple[str, ...]
    columns: dict[str, int]
    rows: tuple[tuple[int, tuple[object, ...]], ...]

    def get(self, row: Sequence[object], key: str) -> object:
        col = self.columns.get(key)
        if col is None or col >= len(row):
            return None
        value = row[col]
        return None if _is_empty(value) else value

    def text(self, row: Sequence[object], key: str) -> str:
        return parse_text(self.get(row, key))

    def number(self, row: Sequence[object], n: int, key: str) -> Decimal | None:
        return number(self.get(row, key), self.where(n, key))

    def where(self, n: int, key: str) -> str:
        header = self.headers[self.columns[key]] if key in self.columns else key
        return f"{self.what}, row {n}, {header}"

    def choice(self, row: Sequence[object], n: int, key: str, choices: Sequence[str]) -> str | None:
        text = self.text(row, key)
        if not text:
            return None
        for choice in choices:
            if choice.lower() == text.lower():
                return choice
        raise FunctionInputError(f"{self.where(n, key)}: {text!r} is not one of: {', '.join(choices)}")


def read_table(value: object, what: str, required: Sequence[str], example: str) -> Table:
    """A table whose first row is its headers; fully empty rows are skipped.

    Raises:
        FunctionInputError: the first row lacks a required header (the message names them and the
            reference to use, e.g. ``SavingLinesTable[#All]``).
    """
    rows = grid(value)
    headers = tuple(parse_text(h) for h in rows[0])
    columns: dict[str, int] = {}
    for col, header in enumerate(headers):
        if header:
            columns.setdefault(_key(header), col)
    missing = [h for h in required if _key(h) not in columns]
    if missing:
        raise FunctionInputError(
            f"{what}: the first row must be the table's headers, and {', '.join(repr(m) for m in missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not there; pass the whole table with its headers, e.g. {example}"
        )
    data = tuple((n, tuple(r)) for n, r in enumerate(rows[1:], start=1) if not all(_is_empty(c) for c in r))
    return Table(what, headers, columns, data)


def _partners_text(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r",|;|\band\b", text) if p.strip())


def _range(table: Table, row: Sequence[object], n: int, label: str) -> Range:
    low, high = table.number(row, n, "low"), table.number(row, n, "high")
    if low is None or high is None:
        raise FunctionInputError(
            f"{table.where(n, 'low' if low is None else 'high')}: give both Low and High (0 if none) for {label}"
        )
    return Range(low, high)


def _service(table: Table, row: Sequence[object], n: int) -> str:
    service = table.text(row, "service area")
    if not service:
        raise FunctionInputError(f"{table.where(n, 'service area')}: the row has figures but no service area")
    return service


def saving_lines(table: Table) -> tuple[SavingLine, ...]:
    lines = []
    for n, row in table.rows:
        service = _service(table, row, n)
        description = table.text(row, "description")
        category = table.choice(row, n, "category", [c.value for c in Category])
        if category is None:
            raise FunctionInputError(
                f"{table.where(n, 'category')}: choose a category: {', '.join(c.value for c in Category)}"
            )
        estimate = _range(table, row, n, f"saving line {description!r}")
        lines.append(
            SavingLine(
                service,
                description,
                Category(category),
                estimate,
                table.text(row, "sole bearer") or None,
                table.text(row, "only if partner participates") or None,
                table.text(row, "notes"),
            )
        )
    return tuple(lines)


def one_off_costs(table: Table) -> tuple[OneOffCost, ...]:
    costs = []
    for n, row in table.rows:
        service = _service(table, row, n)
        description = table.text(row, "description")
        kind = table.choice(row, n, "type", [t.value for t in OneOffType])
        if kind is None:
            raise FunctionInputError(
                f"{table.where(n, 'type')}: choose a type: {', '.join(t.value for t in OneOffType)}"
            )
        costs.append(
            OneOffCost(
                service,
                description,
                OneOffType(kind),
                _range(table, row, n, f"one-off cost {description!r}"),
                table.text(row, "notes"),
            )
        )
    return tuple(costs)


def baseline(table: Table) -> tuple[BaselineEntry, ...]:
    entries = []
    for n, row in table.rows:
        partner = table.text(row, "partner")
        if not partner:
            raise FunctionInputError(f"{table.where(n, 'partner')}: the row has figures but no partner code")
        service = _service(table, row, n)
        gross, charges = table.number(row, n, "gross direct cost"), table.number(row, n, "charges from other partners")
        net, fte = table.number(row, n, "net baseline"), table.number(row, n, "fte")
        if net is None:
            if gross is None:
                raise FunctionInputError(
                    f"{table.where(n, 'net baseline')}: give the net baseline (or the gross direct cost and charges) for {partner} {service}"
                )
            net = gross - (charges or Decimal(0))
        entries.append(
            BaselineEntry(
                partner, service, net, fte if fte is not None else Decimal(0), gross, charges, table.text(row, "notes")
            )
        )
    return tuple(entries)


def partners(table: Table) -> tuple[tuple[Partner, ...], tuple[ControlTotal, ...]]:
    found, totals = [], []
    for n, row in table.rows:
        code = table.text(row, "code")
        if not code:
            raise FunctionInputError(f"{table.where(n, 'code')}: the row has figures but no partner code")
        found.append(Partner(code, table.text(row, "name")))
        net, fte = table.number(row, n, "stated net baseline"), table.number(row, n, "stated fte")
        if net is not None or fte is not None:
            totals.append(ControlTotal(code, net, fte))
    return tuple(found), tuple(totals)


def rules(table: Table) -> tuple[tuple[ServiceArea, ...], dict[str, str]]:
    """Service areas with their options, and the option marked 'In use' per service area."""
    percent_cols = {h[1:].strip(): c for h, c in zip(table.headers, range(len(table.headers))) if h.startswith("%")}
    options: dict[str, list[ParticipationOption]] = {}
    chosen: dict[str, str] = {}
    yes_no = ("Yes", "No")
    for n, row in table.rows:
        service = _service(table, row, n)
        name = table.text(row, "option")
        if not name:
            raise FunctionInputError(f"{table.where(n, 'option')}: name the participation option (e.g. 'All partners')")
        method_text = table.choice(row, n, "method", [m.value for m in Method])
        method = Method(method_text) if method_text else Method.NONE
        minimum = table.number(row, n, "minimum %")
        if minimum is not None and minimum != minimum.to_integral_value():
            raise FunctionInputError(f"{table.where(n, 'minimum %')}: give a whole number, got {minimum}")
        percentages: dict[str, Decimal] = {}
        if method is Method.FIXED:
            for code, col in percent_cols.items():
                value = number(row[col] if col < len(row) else None, f"{table.what}, row {n}, % {code}")
                if value is not None:
                    percentages[code] = value
        rule = ApportionmentRule(
            method,
            percentages,
            table.text(row, "driver"),
            table.text(row, "sole bearer"),
            int(minimum) if minimum is not None else 1,
        )
        default = table.choice(row, n, "default", yes_no) == "Yes"
        options.setdefault(service, []).append(
            ParticipationOption(name, _partners_text(table.text(row, "partners")), rule, default)
        )
        if table.choice(row, n, "in use", yes_no) == "Yes":
            if service in chosen:
                raise FunctionInputError(
                    f"{table.where(n, 'in use')}: {service} has two options marked 'In use' ({chosen[service]!r} and {name!r}); mark one"
                )
            chosen[service] = name
    return tuple(ServiceArea(s, tuple(o)) for s, o in options.items()), chosen


def drivers(table: Table) -> tuple[DriverValue, ...]:
    fixed = {"service area", "driver", "basis", "notes"}
    partner_cols = {table.headers[c]: c for k, c in table.columns.items() if k not in fixed}
    values = []
    for n, row in table.rows:
        service = _service(table, row, n)
        driver = table.text(row, "driver")
        if not driver:
            raise FunctionInputError(f"{table.where(n, 'driver')}: name the driver (e.g. 'Time spent')")
        for code, col in partner_cols.items():
            value = number(row[col] if col < len(row) else None, f"{table.what}, row {n}, {code}")
            if value is not None:
                values.append(DriverValue(service, driver, code, value, table.text(row, "basis")))
    return tuple(values)


SAVINGS_REQUIRED = ("Service area", "Category", "Low", "High")
RULES_REQUIRED = ("Service area", "Option", "Partners", "Method")
BASELINE_REQUIRED = ("Partner", "Service area", "Net baseline")
DRIVERS_REQUIRED = ("Service area", "Driver")
ONE_OFF_REQUIRED = ("Service area", "Type", "Low", "High")
PARTNERS_REQUIRED = ("Code",)


def programme_from_tables(
    *,
    savings: object = None,
    rules_table: object = None,
    baseline_table: object = None,
    drivers_table: object = None,
    one_off: object = None,
    partners_table: object = None,
) -> tuple[Programme, dict[str, str]]:
    """A programme from whichever tables were given, and the options marked 'In use'."""
    lines = (
        saving_lines(read_table(savings, "savings_table", SAVINGS_REQUIRED, "SavingLinesTable[#All]"))
        if savings is not None
        else ()
    )
    services, chosen = (
        rules(read_table(rules_table, "rules_table", RULES_REQUIRED, "RulesTable[#All]"))
        if rules_table is not None
        else ((), {})
    )
    entries = (
        baseline(read_table(baseline_table, "baseline_table", BASELINE_REQUIRED, "BaselineTable[#All]"))
        if baseline_table is not None
        else ()
    )
    driver_values = (
        drivers(read_table(drivers_table, "drivers_table", DRIVERS_REQUIRED, "DriversTable[#All]"))
        if drivers_table is not None
        else ()
    )
    costs = (
        one_off_costs(read_table(one_off, "one_off_table", ONE_OFF_REQUIRED, "OneOffCostsTable[#All]"))
        if one_off is not None
        else ()
    )
    listed, totals = (
        partners(read_table(partners_table, "partners_table", PARTNERS_REQUIRED, "PartnersTable[#All]"))
        if partners_table is not None
        else ((), ())
    )
    codes = [p.code for p in listed]  # as the engine does: the partners are those with a return,
    for code in (e.partner for e in entries):  # here those with baseline rows; others named in the
        if code not in codes:  # rules are reported as unknown (JW_FINDINGS), not given a column
            codes.append(code)
    names = {p.code: p.name for p in listed}
    programme = Programme(
        partners=tuple(Partner(c, names.get(c, "")) for c in codes),
        services=services,
        baseline=entries,
        control_totals=totals,
        saving_lines=lines,
        one_off_costs=costs,
        drivers=driver_values,
    )
    return programme, chosen
