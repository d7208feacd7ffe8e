"""What Excel sends, turned into engine data; engine results turned into what Excel shows.

Excel's runtimes send cells differently: Office.js (xlwings Server and Lite) sends every argument as
a 2D array with ``null`` for an empty cell, whole numbers as ``int`` and dates as serial numbers;
classic xlwings sends floats and ``datetime``; a Python caller may pass a scalar or a flat list.
Everything goes through here, so each function sees one shape: rows of cells, and no cell showing an
Excel error (#N/A, #REF!...): ``grid`` and ``number`` refuse one, naming the argument and the cell
(``excel_error`` is the one place that recognises them). Numbers and text are
read with the same strict rules as submitted returns (``jwmodel.cells``). Tables are read by
their header row, with the columns declared in ``jwmodel.tables.inputs`` (as the model workbook
writes them).
No business rule lives here: the figures come from ``jwmodel``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jwaddin import _runtime
from jwaddin._runtime import FunctionInputError
from jwmodel.cells import CellError, parse_number, parse_text
from jwmodel.identity import with_given_ids
from jwmodel.layout import MODEL_TABLES
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
    derived_net,
)
from jwmodel.phasing import Profile
from jwmodel.tables import Table as Declared
from jwmodel.tables import inputs
from jwmodel.tables.inputs import (
    YES,
    RowProblem,
    condition_from_cell,
    profile_from_cells,
    rule_from_cell,
    split_partners,
    unmapped,
    with_extras,
)

__all__ = [
    "EXCEL_ERRORS",
    "COM_ERRORS",
    "excel_error",
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


EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#DATA!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#CONNECT!",
        "#BLOCKED!",
        "#BUSY!",
        "#EXTERNAL!",
        "#UNKNOWN!",
        "#PYTHON!",
    }
)
"""What a cell showing an Excel error sends with ``err_to_str``: Office.js passes its Error value's
text (basicValue), classic xlwings the text of the seven COM codes it knows."""

_COM_BASE = -2146828288  # 0x800A0000 as a signed 32-bit COM code; plus Excel's xlErr number
COM_ERRORS = {
    _COM_BASE + code: text
    for code, text in {
        2000: "#NULL!",
        2007: "#DIV/0!",
        2015: "#VALUE!",
        2023: "#REF!",
        2029: "#NAME?",
        2036: "#NUM!",
        2042: "#N/A",
        2043: "#GETTING_DATA",
        2045: "#SPILL!",
        2046: "#CONNECT!",
        2047: "#BLOCKED!",
        2048: "#UNKNOWN!",
        2049: "#FIELD!",
        2050: "#CALC!",
        2051: "#BUSY!",
    }.items()
}
"""Classic xlwings (COM) passes an error it does not name (#SPILL!, #CALC!, #GETTING_DATA...) as
this int even with ``err_to_str``; COM sends numbers as floats, so there an int is never a number."""


def excel_error(value: object) -> str | None:
    """The Excel error a cell shows ('#N/A', '#SPILL!'...), or None for any other value."""
    if isinstance(value, str):
        return value if value in EXCEL_ERRORS else None
    if _runtime.CLASSIC and type(value) is int:
        return COM_ERRORS.get(value)
    return None


def _refuse_error(value: object, where: str) -> None:
    shown = excel_error(value)
    if shown is not None:
        raise FunctionInputError(f"{where}: the cell shows {shown}; correct it or leave it empty")


def _item(i: int) -> str:
    return f"item {i + 1}"


def _positions(
    rows: list[list[object]], what: str, header: bool, item: Callable[[int], str]
) -> Iterable[tuple[object, str]]:
    """Every cell with where it is: 'weights, item 2' (or as ``item`` names the i-th of a row or
    column, e.g. 'year 0'); a table's data rows counted from 1 under its header row, as the
    tables' own messages count them."""
    if header:
        for r, row in enumerate(rows):
            for c, value in enumerate(row, start=1):
                yield value, f"{what}, header row, column {c}" if r == 0 else f"{what}, row {r}, column {c}"
    elif len(rows) == 1 and len(rows[0]) == 1:
        yield rows[0][0], what
    elif len(rows) == 1 or all(len(r) == 1 for r in rows):
        for i, value in enumerate(v for row in rows for v in row):
            yield value, f"{what}, {item(i)}"
    else:
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                yield value, f"{what}, row {r}, column {c}"


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def grid(value: object, what: str, *, header: bool = False, item: Callable[[int], str] = _item) -> list[list[object]]:
    """Argument ``what`` as rows of cells: a scalar is one cell, a flat list one row.

    Raises:
        FunctionInputError: a cell shows an Excel error (#N/A, #REF!...); the message names the
            argument and the cell ('weights, item 2: the cell shows #N/A; ...').
    """
    if isinstance(value, (list, tuple)):
        if not value:
            rows: list[list[object]] = [[None]]
        elif all(isinstance(r, (list, tuple)) for r in value):
            rows = [list(r) for r in value]
        else:
            rows = [list(value)]
    else:
        rows = [[value]]
    for cell, where in _positions(rows, what, header, item):
        _refuse_error(cell, where)
    return rows


def vector(value: object, what: str, *, item: Callable[[int], str] = _item) -> tuple[list[object], str]:
    """One row or one column of cells, and which it was ("row" or "column")."""
    rows = grid(value, what, item=item)
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
    _refuse_error(value, what)
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
    """A declared table passed with its header row: columns by key, per-partner columns by code,
    data rows by number (1-based)."""

    what: str
    declared: Declared
    headers: tuple[str, ...]
    columns: dict[str, int]
    partner_columns: dict[str, dict[str, int]]
    rows: tuple[tuple[int, tuple[object, ...]], ...]

    def get(self, row: Sequence[object], key: str) -> object:
        return _cell(row, self.columns.get(key))

    def text(self, row: Sequence[object], key: str) -> str:
        return parse_text(self.get(row, key))

    def number(self, row: Sequence[object], n: int, key: str) -> Decimal | None:
        return number(self.get(row, key), self.where(n, key))

    def where(self, n: int, key: str) -> str:
        header = self.headers[self.columns[key]] if key in self.columns else self.declared.column(key).header
        return f"{self.what}, row {n}, {header}"

    def choice(self, row: Sequence[object], n: int, key: str) -> str | None:
        text = self.text(row, key)
        if not text:
            return None
        choices = self.declared.column(key).choices
        for choice in choices:
            if choice.lower() == text.lower():
                return choice
        raise FunctionInputError(f"{self.where(n, key)}: {text!r} is not one of: {', '.join(choices)}")

    def by_partner(self, row: Sequence[object], n: int, key: str) -> dict[str, Decimal]:
        """A per-partner column's numbers by partner code (empty cells left out)."""
        values = {}
        for code, col in self.partner_columns.get(key, {}).items():
            value = number(_cell(row, col), f"{self.what}, row {n}, {self.headers[col]}")
            if value is not None:
                values[code] = value
        return values

    def note(self, row: Sequence[object], key: str = "note") -> str:
        """The note, with anything typed in a declared column no domain field takes."""
        extras = {c.key: self.text(row, c.key) for c in unmapped(self.declared)}
        return with_extras(self.declared, self.text(row, key), extras)


def _cell(row: Sequence[object], col: int | None) -> object:
    if col is None or col >= len(row):
        return None
    value = row[col]
    return None if _is_empty(value) else value


def _columns(declared: Declared, headers: Sequence[str]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    fixed = {_key(h): c.key for c in declared.columns if not c.per_partner for h in (c.header, *c.aliases)}
    columns: dict[str, int] = {}
    partner_columns: dict[str, dict[str, int]] = {}
    for col, header in enumerate(headers):
        if not header:
            continue
        if _key(header) in fixed:
            columns.setdefault(fixed[_key(header)], col)
            continue
        for c in declared.columns:
            code = c.partner_of(header)
            if code is not None:
                partner_columns.setdefault(c.key, {}).setdefault(code, col)
                break
    return columns, partner_columns


def read_table(value: object, what: str, declared: Declared) -> Table:
    """A declared table whose first row is its headers; fully empty rows are skipped.

    Raises:
        FunctionInputError: the first row lacks a required header (the message names them and the
            reference to use, e.g. ``SavingLinesTable[#All]``).
    """
    rows = grid(value, what, header=True)
    headers = tuple(parse_text(h) for h in rows[0])
    columns, partner_columns = _columns(declared, headers)
    missing = [c.header for c in declared.required if not c.per_partner and c.key not in columns]
    if missing:
        example = next((f"{m.table}[#All]" for m in MODEL_TABLES if m.declared.name == declared.name), "")
        raise FunctionInputError(
            f"{what}: the first row must be the table's headers, and {', '.join(repr(m) for m in missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not there; pass the whole table with its headers, e.g. {example}"
        )
    data = tuple((n, tuple(r)) for n, r in enumerate(rows[1:], start=1) if not all(_is_empty(c) for c in r))
    return Table(what, declared, headers, columns, partner_columns, data)


def _range(table: Table, row: Sequence[object], n: int, label: str) -> Range:
    low, high = table.number(row, n, "low"), table.number(row, n, "high")
    if low is None or high is None:
        raise FunctionInputError(
            f"{table.where(n, 'low' if low is None else 'high')}: give both Low and High (0 if none) for {label}"
        )
    return Range(low, high)


def _service(table: Table, row: Sequence[object], n: int) -> str:
    service = table.text(row, "service")
    if not service:
        raise FunctionInputError(f"{table.where(n, 'service')}: the row has figures but no service area")
    return service


def _required_choice(table: Table, row: Sequence[object], n: int, key: str) -> str:
    value = table.choice(row, n, key)
    if value is None:
        column = table.declared.column(key)
        raise FunctionInputError(
            f"{table.where(n, key)}: choose a {column.header.lower()}: {', '.join(column.choices)}"
        )
    return value


def _profile(table: Table, row: Sequence[object], n: int, *, timing: bool) -> Profile | None:
    start = table.text(row, "year" if timing else "start_year")
    text = table.text(row, "timing" if timing else "ramp")
    try:
        return profile_from_cells(start, text, table.declared, timing=timing)
    except RowProblem as problem:
        raise FunctionInputError(f"{table.what}, row {n}: {problem}") from None


def _own_terms(table: Table, row: Sequence[object], n: int) -> dict[str, object]:
    """A line's sole bearer, condition ("Applies if") and own split, read by the rules the templates' reader uses."""
    try:
        return {
            "sole_bearer": table.text(row, "sole_bearer") or None,
            "condition": condition_from_cell(table.text(row, "condition")),
            "rule": rule_from_cell(table.text(row, "rule")),
        }
    except RowProblem as problem:
        raise FunctionInputError(f"{table.what}, row {n}: {problem}") from None  # the message names the column


def saving_lines(table: Table) -> tuple[SavingLine, ...]:
    lines = []
    for n, row in table.rows:
        description = table.text(row, "description")
        lines.append(
            SavingLine(
                _service(table, row, n),
                description,
                Category(_required_choice(table, row, n, "category")),
                _range(table, row, n, f"saving line {description!r}"),
                note=table.note(row),
                profile=_profile(table, row, n, timing=False),
                line_id=table.text(row, "line_id"),
                plan_partner=table.text(row, "plan_partner") or None,
                # no plan target: the model workbook holds no partner's Targets table, so a line's target could
                # only be reported as unknown (TARGET_UNKNOWN); the batch checks tags against the returns' targets
                plan_target="",
                also_claimed_by=table.text(row, "also_claimed_by"),
                **_own_terms(table, row, n),  # type: ignore[arg-type]
            )
        )
    return with_given_ids(lines)  # a blank ID given as the reader gives it (jwmodel.identity)


def one_off_costs(table: Table) -> tuple[OneOffCost, ...]:
    costs = []
    for n, row in table.rows:
        description = table.text(row, "description")
        costs.append(
            OneOffCost(
                _service(table, row, n),
                description,
                OneOffType(_required_choice(table, row, n, "type")),
                _range(table, row, n, f"one-off cost {description!r}"),
                table.note(row),
                profile=_profile(table, row, n, timing=True),
                line_id=table.text(row, "line_id"),
                **_own_terms(table, row, n),  # type: ignore[arg-type]
            )
        )
    return with_given_ids(costs)


def baseline(table: Table) -> tuple[BaselineEntry, ...]:
    entries = []
    for n, row in table.rows:
        partner = table.text(row, "partner")
        if not partner:
            raise FunctionInputError(f"{table.where(n, 'partner')}: the row has figures but no partner code")
        service = _service(table, row, n)
        gross, charges = table.number(row, n, "gross"), table.number(row, n, "charges")
        net, fte = table.number(row, n, "net"), table.number(row, n, "fte")
        if net is None:
            if gross is None:
                raise FunctionInputError(
                    f"{table.where(n, 'net')}: give the net baseline (or the gross direct cost and "
                    f"charges) for {partner} {service}"
                )
            net = derived_net(gross, charges)
        fte = fte if fte is not None else Decimal(0)
        entries.append(BaselineEntry(partner, service, net, fte, gross, charges, table.note(row)))
    return tuple(entries)


def partners(table: Table) -> tuple[tuple[Partner, ...], tuple[ControlTotal, ...]]:
    found, totals = [], []
    for n, row in table.rows:
        code = table.text(row, "code")
        if not code:
            raise FunctionInputError(f"{table.where(n, 'code')}: the row has figures but no partner code")
        found.append(Partner(code, table.text(row, "name")))
        net, fte = table.number(row, n, "stated_net"), table.number(row, n, "stated_fte")
        if net is not None or fte is not None:
            totals.append(ControlTotal(code, net, fte))
    return tuple(found), tuple(totals)


def _rule(table: Table, row: Sequence[object], n: int) -> ApportionmentRule:
    method_text = table.choice(row, n, "method")
    method = Method(method_text) if method_text else Method.NONE
    minimum = table.number(row, n, "minimum_percent")
    if minimum is not None and minimum != minimum.to_integral_value():
        raise FunctionInputError(f"{table.where(n, 'minimum_percent')}: give a whole number, got {minimum}")
    percentages = table.by_partner(row, n, "percent") if method is Method.FIXED else {}
    return ApportionmentRule(
        method,
        percentages,
        table.text(row, "driver"),
        table.text(row, "sole_bearer"),
        int(minimum) if minimum is not None else 1,
    )


def rules(table: Table) -> tuple[tuple[ServiceArea, ...], dict[str, str]]:
    """Service areas with their options, and the option marked 'In use' per service area."""
    options: dict[str, list[ParticipationOption]] = {}
    chosen: dict[str, str] = {}
    for n, row in table.rows:
        service = _service(table, row, n)
        name = table.text(row, "option")
        if not name:
            raise FunctionInputError(f"{table.where(n, 'option')}: name the participation option (e.g. 'All partners')")
        default = table.choice(row, n, "default") == YES
        partner_list = split_partners(table.text(row, "partners"))
        rule = _rule(table, row, n)
        from_year, before = table.text(row, "from_year") or None, table.text(row, "before") or None
        if from_year:
            try:
                inputs.check_financial_year(from_year, "from_year", "From year")
            except inputs.RowProblem as exc:
                raise FunctionInputError(f"{table.where(n, 'from_year')}: {str(exc).partition(': ')[2]}") from None
        options.setdefault(service, []).append(
            ParticipationOption(name, partner_list, rule, default, from_year=from_year, before=before)
        )
        if table.choice(row, n, "in_use") == YES:
            if service in chosen:
                raise FunctionInputError(
                    f"{table.where(n, 'in_use')}: {service} has two options marked 'In use' "
                    f"({chosen[service]!r} and {name!r}); mark one"
                )
            chosen[service] = name
    return tuple(ServiceArea(s, tuple(o)) for s, o in options.items()), chosen


def drivers(table: Table) -> tuple[DriverValue, ...]:
    values = []
    for n, row in table.rows:
        service = _service(table, row, n)
        driver = table.text(row, "driver")
        if not driver:
            raise FunctionInputError(f"{table.where(n, 'driver')}: name the driver (e.g. 'Time spent')")
        basis = table.note(row, "basis")
        for code, value in table.by_partner(row, n, "value").items():
            values.append(DriverValue(service, driver, code, value, basis))
    return tuple(values)


def _read(value: object, what: str, declared: Declared, convert):  # noqa: ANN001, ANN202
    return convert(read_table(value, what, declared)) if value is not None else None


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
    lines = _read(savings, "savings_table", inputs.SAVING_LINES, saving_lines) or ()
    services, chosen = _read(rules_table, "rules_table", inputs.OPTIONS, rules) or ((), {})
    entries = _read(baseline_table, "baseline_table", inputs.BASELINE, baseline) or ()
    driver_values = _read(drivers_table, "drivers_table", inputs.DRIVERS, drivers) or ()
    costs = _read(one_off, "one_off_table", inputs.ONE_OFF_COSTS, one_off_costs) or ()
    listed, totals = _read(partners_table, "partners_table", inputs.PARTNERS, partners) or ((), ())
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
