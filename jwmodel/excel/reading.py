"""Read partner returns and workstream proposals with python-calamine.

Every figure keeps its location (file, sheet, cell). Problems are collected as findings; a file
with any error is rejected whole (nothing from it is used) and reported, and the batch goes on.
Input files are read once into memory and never written to.
"""

from __future__ import annotations

import functools
import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import python_calamine

from jwmodel.cells import (
    EXCEL_TEXT_LIMIT,
    CellError,
    code_problem,
    name_problem,
    parse_date,
    parse_number,
    parse_percent,
    parse_text,
    text_problem,
    to_pounds,
)
from jwmodel.codes import Code
from jwmodel.conditions import Condition, unknown_names
from jwmodel.excel import schema as s
from jwmodel.excel.files import display_name, read_regular_file, sha256_of
from jwmodel.excel.guard import Inspection, Limits, inspect_package
from jwmodel.excel.number_formats import percent_cells
from jwmodel.findings import Finding, Location, Severity, a1
from jwmodel.identity import given_line_id, line_id_problem
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
    Range,
    Recharge,
    SavingLine,
    SavingsTarget,
    ServiceArea,
    derived_net,
)
from jwmodel.monitoring import (
    DriverActual,
    LineReport,
    LineStatus,
    Measurement,
    MonitoringReturn,
    PeriodError,
    ReturnStatus,
    SignOff,
    SpendReport,
    check_period,
    period_year,
)
from jwmodel.phasing import Profile
from jwmodel.rules import submission_findings, unlisted_partner, unlisted_service
from jwmodel.submissions import (
    Cover,
    PartnerReturn,
    ProgrammeSetup,
    SourceRecord,
    Status,
    WorkstreamProposal,
    submission_number_problem,
)
from jwmodel.tables import Column, Scope, Table, inputs
from jwmodel.tables import monitoring as monitoring_tables
from jwmodel.tables.inputs import (
    RowProblem,
    check_financial_year,
    condition_from_cell,
    profile_from_cells,
    rule_from_cell,
    split_partners,
    unmapped,
    with_extras,
)

__all__ = ["read_submission", "read_workbook_bytes", "sha256_of", "TEMPLATE_SHEETS"]


_a1 = functools.lru_cache(maxsize=1 << 16)(a1)  # the same cells are named in every file of a programme


class _Sheet:
    """A sheet's cells from A1, with locations rendered for findings."""

    def __init__(self, file: str, name: str, rows: list[list[object]]) -> None:
        self.file, self.name, self.rows = file, name, rows

    def get(self, row: int, col: int) -> object:
        try:
            value = self.rows[row][col]  # row and col are never negative
        except IndexError:
            return None
        return None if value == "" else value

    def filled(self, row: int, first: int, stop: int | None = None) -> bool:
        """Whether any cell of the row from column ``first`` (to ``stop``) holds something."""
        cells = self.rows[row][first:stop]
        return cells.count("") != len(cells)  # python-calamine gives "" for an empty cell

    def at(self, row: int, col: int) -> Location:
        return Location(self.file, self.name, _a1(row, col))

    def blank(self, row: int, cols: Iterable[int]) -> bool:
        """Whether each of these cells of the row is empty (``get`` gives None): what reads as '' and is
        never a finding, so a row's optional cells left blank are passed over at once."""
        cells = self.rows[row]
        width = len(cells)
        for c in cols:
            if c < width and cells[c] != "":
                return False
        return True


_FIGURES: dict[float, tuple[Decimal, Decimal]] = {}  # a non-zero float -> its Decimal and that to the pound
_FIGURES_KEPT = 16_384  # ~5 MB a worker (100,000 took the tree's RSS at 10,000 files from ~250 to ~310 MB)


def _figures(raw: float) -> tuple[Decimal, Decimal]:
    """``parse_number(raw)`` and that to the pound (``to_pounds``), worked out once per value in a process:
    a programme's resubmissions repeat their figures. Not for zero: 0.0 and -0.0 are equal keys but give
    different Decimals. Raises CellError as ``parse_number`` does (nothing is kept then)."""
    known = _FIGURES.get(raw)
    if known is None:
        value = parse_number(raw)
        assert value is not None
        known = (value, to_pounds(value))
        if len(_FIGURES) >= _FIGURES_KEPT:
            _FIGURES.clear()
        _FIGURES[raw] = known
    return known


T = TypeVar("T")


class _Unreadable(Exception):
    """python-calamine could not read a sheet; carries the sheet name and the cause."""

    def __init__(self, sheet: str, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.sheet = sheet


class _Reader:
    def __init__(
        self, file: str, book: python_calamine.CalamineWorkbook, inspection: Inspection, data: bytes = b""
    ) -> None:
        self.file, self.data = file, data
        self.book = book
        self.names: list[str] = book.sheet_names  # (calamine makes the list anew each time it is asked)
        self.inspection = inspection
        self.findings: list[Finding] = []
        self.sheets: dict[str, _Sheet] = {}

    def error(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(code, message, where, value))

    def warn(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(code, message, where, value))

    def sheet(self, name: str) -> _Sheet | None:
        if name not in self.names:
            self.error(
                "SHEET_MISSING",
                (
                    f"the sheet '{name}' is missing; sheets are: {', '.join(self.names)}; start "
                    "again from the current template"
                ),
                Location(self.file, name),
            )
            return None
        if name not in self.sheets:
            try:
                rows = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # only calamine runs here; it raises several unrelated types
                raise _Unreadable(name, exc) from exc
            self.sheets[name] = _Sheet(self.file, name, rows)
        return self.sheets[name]

    # --- cells -------------------------------------------------------------------------------

    def number(self, sheet: _Sheet, row: int, col: int, what: str, *, money: bool = False) -> Decimal | None:
        try:
            raw = sheet.rows[row][col]  # sheet.get, inlined: a figure is read from every row
        except IndexError:
            raw = None
        try:
            if raw.__class__ is float and raw:  # a typed figure, as calamine gives most: its Decimals are known
                value, rounded = _FIGURES.get(raw) or _figures(raw)
            else:
                raw = None if raw == "" else raw
                value = parse_number(raw)
                rounded = to_pounds(value) if value is not None and money else value
        except CellError as exc:
            self.error("NOT_A_NUMBER", f"{what}: {exc}", sheet.at(row, col), raw)
            return None
        if value is not None and money:
            if rounded != value:
                self.warn(
                    "ROUNDED_TO_POUND",
                    f"{what}: {value} is given to less than £1 and is taken as {rounded} (£000s to 3 decimal places)",
                    sheet.at(row, col),
                    raw,
                )
            value = rounded
        return value

    def percent(
        self, sheet: _Sheet, row: int, col: int, what: str, formatted: frozenset[tuple[int, int]]
    ) -> Decimal | None:
        """A percentage cell as the percentage meant (``jwmodel.cells.parse_percent``: 25%, 25 and 0.25 shown as
        25% are all 25), ``formatted`` being the cells formatted as a percentage."""
        raw = sheet.get(row, col)
        try:
            return parse_percent(raw, percent_format=(row, col) in formatted)
        except CellError as exc:
            self.error("NOT_A_NUMBER", f"{what}: {exc}", sheet.at(row, col), raw)
            return None

    def percent_formatted(self, sheet: _Sheet, rows: Sequence[int], cols: Sequence[int]) -> frozenset[tuple[int, int]]:
        """Which of these cells (0-based) are formatted as a percentage, from the package's styles
        (calamine does not give number formats; the guard's inspection noted them as it walked the sheet)."""
        if not rows or not cols or not self.data:
            return frozenset()
        wanted = {(r, c) for r in rows for c in cols}
        try:
            return percent_cells(self.data, sheet.name, wanted, self.inspection)
        except ValueError as exc:  # the guard refuses the package (when it was not inspected before)
            raise _Unreadable(sheet.name, exc) from exc

    def text(self, sheet: _Sheet, row: int, col: int) -> str:
        try:
            raw = sheet.rows[row][col]  # sheet.get, inlined: the hottest call of the read
        except IndexError:
            raw = None
        if raw.__class__ is str:
            value = raw.strip()  # parse_text's first case
            if value.isascii() and value.isprintable() and len(value) <= EXCEL_TEXT_LIMIT:
                return value  # plain ASCII text has no problem: skip the per-character check
        else:
            value = parse_text(raw)
        problem = text_problem(value)
        if problem:
            self.error("BAD_TEXT", problem, sheet.at(row, col), value[:100])
            return value[:100]
        return value

    def code(self, sheet: _Sheet, row: int, col: int, what: str) -> str:
        """A partner code: plain letters only, so a lookalike never passes for a real code."""
        value = parse_text(sheet.get(row, col))
        if value and (problem := code_problem(value)):
            self.error("BAD_CODE", f"{what}: {problem}", sheet.at(row, col), value[:100])
        return value

    # --- structure ---------------------------------------------------------------------------

    def cover(self, sheet: _Sheet, fields: Sequence[s.CoverField]) -> dict[str, tuple[object, Location]]:
        """Cover values by field key, found by their labels in column A."""
        labels = {f.label: f for f in fields}
        found: dict[str, tuple[object, Location]] = {}
        for r in range(len(sheet.rows)):
            label = parse_text(sheet.get(r, 0))
            if label in labels:
                found[labels[label].key] = (sheet.get(r, 1), sheet.at(r, 1))
        for f in fields:
            if f.key not in found:
                self.error(
                    "COVER_FIELD_MISSING",
                    f"the cover has no '{f.label}' row; start again from the current template",
                    Location(self.file, sheet.name),
                )
        return found

    def table(self, sheet: _Sheet, declared: Table, codes: Sequence[str] = ()) -> _Columns | None:
        """Where the declared table's columns are on the sheet and which rows hold data."""
        required = _required(declared)
        first = required[0].header
        rows = sheet.rows
        for r in range(min(len(rows), 50)):
            if rows[r] and parse_text(rows[r][0]) == first:
                missing, width, layout = _headed(declared, rows[r])
                if missing:
                    self.error(
                        "HEADER_MISSING",
                        (
                            f"the table is missing the column(s) {', '.join(repr(h) for h in missing)}; start "
                            "again from the current template"
                        ),
                        sheet.at(r, 0),
                    )
                    return None
                data = [i for i in range(r + 1, len(rows)) if (cells := rows[i][:width]).count("") != len(cells)]
                self._outside(sheet, r, width)
                self._hidden(sheet, data)
                return _Columns(declared, *layout, data)
        self.error(
            "TABLE_MISSING",
            f"no table headed '{first}' on this sheet; start again from the current template",
            Location(self.file, sheet.name),
        )
        return None

    def _outside(self, sheet: _Sheet, header_row: int, width: int) -> None:
        for i in range(header_row, len(sheet.rows)):
            if len(sheet.rows[i]) <= width or not sheet.filled(i, width):
                continue
            for c in range(width, len(sheet.rows[i])):
                if sheet.get(i, c) is not None:
                    self.error(
                        "OUTSIDE_TABLE",
                        (
                            f"there is something at {a1(i, c)}, to the right of the table, which would not be "
                            "read; move it into the table or delete it"
                        ),
                        sheet.at(i, c),
                        sheet.get(i, c),
                    )
                    break

    def _hidden(self, sheet: _Sheet, data: Sequence[int]) -> None:
        facts = self.inspection.sheet(sheet.name)
        if not facts or not facts.hidden_rows:
            return
        for i in data:
            if i in facts.hidden_rows:
                self.warn(
                    "HIDDEN_ROW",
                    (
                        f"row {i + 1} is hidden but holds data; it is read and counted: unhide it to check it "
                        "is meant to be there"
                    ),
                    sheet.at(i, 0),
                )

    def extras(self, sheet: _Sheet, r: int, columns: _Columns, note: str) -> str:
        """The row's note with what was typed in declared columns no domain field takes."""
        if sheet.blank(r, columns.extra_cols):
            return note
        values = {key: self.text(sheet, r, col) for key, col in columns.extra}
        return with_extras(columns.table, note, values) if any(values.values()) else note  # nothing to add


_OWN_TERMS = ("sole_bearer", "condition", "rule")  # a line's own terms (_Proposal.own_terms)
_TAGS = ("plan_partner", "plan_target", "also_claimed_by")  # a saving line's tags (_Proposal.tags)


class _Columns(dict[str, int]):
    """A declared table found on a sheet: its column numbers by key (the mapping itself, so ``columns["low"]``, made
    for every cell read, is a plain look-up), per-partner columns by code (``by_partner``), data rows (``rows``)."""

    __slots__ = ("table", "by_partner", "rows", "extra", "extra_cols", "groups")

    def __init__(
        self,
        table: Table,
        by_key: dict[str, int],
        by_partner: dict[str, dict[str, int]],
        extra: tuple[tuple[str, int], ...],
        rows: list[int],
    ) -> None:
        super().__init__(by_key)
        self.table, self.rows = table, rows
        self.by_partner = by_partner  # shared by every sheet with the same headers (_layout): never changed
        self.extra = extra  # (key, column) of the declared columns no domain field takes
        self.extra_cols = tuple(col for _, col in extra)
        self.groups: dict[tuple[str, ...], tuple[int, ...]] = {}  # cols(keys), once asked

    def cols(self, keys: tuple[str, ...]) -> tuple[int, ...]:
        """The columns of those of ``keys`` the sheet has (for :meth:`_Sheet.blank`)."""
        found = self.groups.get(keys)
        if found is None:
            found = self.groups[keys] = tuple(self[k] for k in keys if k in self)
        return found


_Layout = tuple[dict[str, int], dict[str, dict[str, int]], tuple[tuple[str, int], ...]]


def _headed(table: Table, cells: list[object]) -> tuple[tuple[str, ...], int, _Layout]:
    """What a table's header row says (see :func:`_header_row`); worked out once for the same header texts."""
    if set(map(type, cells)) <= {str}:  # header texts, as every file of a programme has: the same cells, the same say
        return _header_texts(table, tuple(cells))  # type: ignore[arg-type]
    return _header_row(table, cells)


def _header_row(table: Table, cells: Sequence[object]) -> tuple[tuple[str, ...], int, _Layout]:
    """The headers of the declared table's required columns the row lacks; else (none lacking) the table's width
    (up to its last header) and where its columns are (:func:`_layout`)."""
    headers: dict[str, int] = {}
    for c, value in enumerate(cells):  # a header named twice: the last column, in the first's place
        if header := parse_text(value):
            headers[header] = c
    missing = _missing(table, tuple(headers))
    if missing:
        return missing, 0, ({}, {}, ())
    return missing, max(headers.values()) + 1, _layout(table, tuple(headers.items()))


_header_texts = functools.lru_cache(maxsize=256)(_header_row)


@functools.lru_cache(maxsize=256)
def _missing(table: Table, headers: tuple[str, ...]) -> tuple[str, ...]:
    """The headers of the declared table's required columns that none of ``headers`` names (every file of a
    programme has the same headers: worked out once for them)."""
    return tuple(c.header for c in _required(table) if not any(c.named(h) for h in headers))


@functools.lru_cache(maxsize=64)
def _required(table: Table) -> tuple[Column, ...]:
    """The declared table's columns every sheet must have, in order (the first heads the table); a column is
    found by its header or an older one (``Column.aliases``)."""
    return tuple(c for c in table.columns_in(Scope.ALL) if not c.per_partner and not c.optional)


@functools.lru_cache(maxsize=256)  # a programme's files share their headers: found once per table
def _layout(
    table: Table, headers: tuple[tuple[str, int], ...]
) -> tuple[dict[str, int], dict[str, dict[str, int]], tuple[tuple[str, int], ...]]:
    """Where the declared columns are, given the sheet's headers (text, column): column by key, the
    per-partner columns by key and partner code, and the columns no domain field takes."""
    found = dict(headers)
    by_key: dict[str, int] = {}
    fixed: set[str] = set()
    for column in table.columns_in(Scope.ALL):
        for header in (column.header, *column.aliases) if not column.per_partner else ():
            if header in found and column.key not in by_key:
                by_key[column.key] = found[header]
                fixed.add(header)
    by_partner: dict[str, dict[str, int]] = {}
    columns = table.columns_in(Scope.ALL)
    for header, col in found.items():
        for column in columns:
            code = column.partner_of(header) if header not in fixed else None
            if code is not None:
                by_partner.setdefault(column.key, {})[code] = col
                break
    extra = tuple((c.key, by_key[c.key]) for c in unmapped(table) if c.key in by_key)
    return by_key, by_partner, extra


_CATEGORY = {c.value: c for c in Category}  # a category by its name: Category(name) without Enum's call


@functools.lru_cache(maxsize=64)
def _lowered(choices: tuple[str, ...]) -> dict[str, str]:
    return {c.lower(): c for c in choices}


def _choice(reader: _Reader, sheet: _Sheet, row: int, col: int, choices: Iterable[str], what: str) -> str | None:
    value = reader.text(sheet, row, col)
    options = tuple(choices)
    lowered = _lowered(options)
    if value.lower() in lowered:
        return lowered[value.lower()]
    reader.error(
        "NOT_IN_LIST", f"{what} must be one of: {', '.join(options)}; got {value!r}", sheet.at(row, col), value
    )
    return None


def _profile(reader: _Reader, sheet: _Sheet, r: int, columns: _Columns, *, timing: bool) -> tuple[Profile | None, bool]:
    """A line's phasing from its two cells; (None, True) when both are blank, (None, False) on error."""
    year_key, percent_key = ("year", "timing") if timing else ("start_year", "ramp")
    if sheet.blank(r, columns.cols((year_key, percent_key))):
        return None, True  # no phasing given
    start = reader.text(sheet, r, columns[year_key]) if year_key in columns else ""
    text = reader.text(sheet, r, columns[percent_key]) if percent_key in columns else ""
    try:
        return profile_from_cells(start, text, columns.table, timing=timing), True
    except RowProblem as problem:
        value = start if problem.key == year_key else text
        reader.error(problem.code, str(problem), sheet.at(r, columns[problem.key]), value)
        return None, False


def _line_id(
    reader: _Reader, sheet: _Sheet, row: tuple[int, int], columns: _Columns, service: str, *, one_off: bool
) -> str:
    """The row's ID as typed, or given from the service area and ``row`` (sheet row, data row number); '' if bad."""
    r, position = row
    typed = reader.text(sheet, r, columns["line_id"]).strip() if "line_id" in columns else ""
    if not typed:
        return given_line_id(service, one_off=one_off, position=position)
    if problem := line_id_problem(typed):
        reader.error(Code.LINE_ID_BAD, f"ID: {problem}", sheet.at(r, columns["line_id"]), typed[:100])
        return ""
    return typed


def _low_high(reader: _Reader, sheet: _Sheet, r: int, columns: _Columns, what: str, description: str) -> Range | None:
    """A line's Low and High (£000s); None, reported (``what`` the line is, and its description), when either is
    blank or not a number."""
    low = reader.number(sheet, r, columns["low"], "Low", money=True)
    high = reader.number(sheet, r, columns["high"], "High", money=True)
    if low is not None and high is not None:
        return Range(low, high)
    blank = [k for k, v in (("low", low), ("high", high)) if v is None and sheet.get(r, columns[k]) is None]
    if blank:  # a value that was there but invalid has been reported already
        message = f"{what} {description!r}: give both Low and High (0 if none)"
        reader.error("VALUE_MISSING", message, sheet.at(r, columns[blank[0]]))
    return None


def _setup(reader: _Reader) -> ProgrammeSetup:
    """The file's Lists sheet: its partners and service areas, each with the cell it is in.

    A partner code must be a plain code and a name or service area plain text (no letter from another
    script passing for a Latin one: ``cells.name_problem``); either is an error located to its cell.
    Whether the lists are the programme's is decided against the programme definition after reading.
    """
    sheet = reader.sheet(s.LISTS)
    if sheet is None:
        return ProgrammeSetup((), ())
    key = _cells_key(sheet.rows)
    known = _LISTS_READ.get(key)
    if known is not None:
        return known
    kept = len(reader.findings)
    setup = _lists(reader, sheet)
    if len(reader.findings) == kept:  # no finding: the setup depends on nothing but the cells
        if len(_LISTS_READ) >= _LISTS_KEPT:
            _LISTS_READ.clear()
        _LISTS_READ[key] = setup
    return setup


def _cells_key(rows: list[list[object]]) -> object:
    """The cells' values and their types, as a key: equal keys for equal cells of the same types (True, 1 and
    1.0 are told apart). The rows as tuples where every cell is text (Lists sheets are), else their repr."""
    if set(map(type, itertools.chain.from_iterable(rows))) <= {str}:
        return tuple(map(tuple, rows))
    return repr(rows)


# The Lists sheets read in this process without a finding, by their cells: every file of a programme
# carries the same Lists sheet, so it is checked once; a file whose Lists differ (in any cell) is
# checked in full, and it is still compared with the programme's after reading.
_LISTS_READ: dict[str, ProgrammeSetup] = {}
_LISTS_KEPT = 16


def _lists(reader: _Reader, sheet: _Sheet) -> ProgrammeSetup:
    headers = {parse_text(sheet.get(0, c)): c for c in range(len(sheet.rows[0]) if sheet.rows else 0)}
    codes = headers.get("Partner code")
    names = headers.get("Partner name")
    services = headers.get("Service area")
    partners: list[Partner] = []
    partner_cells: list[tuple[str, str]] = []
    service_list: list[str] = []
    service_cells: list[str] = []
    for r in range(1, len(sheet.rows)):
        if codes is not None and (code := reader.code(sheet, r, codes, "Partner code")):
            name = _list_name(reader, sheet, r, names, "Partner name") if names is not None else ""
            partners.append(Partner(code, name))
            partner_cells.append((a1(r, codes), a1(r, names) if names is not None else ""))
        if services is not None and (service := _list_name(reader, sheet, r, services, "Service area")):
            service_list.append(service)
            service_cells.append(a1(r, services))
    return ProgrammeSetup(
        tuple(partners), tuple(service_list), partner_cells=tuple(partner_cells), service_cells=tuple(service_cells)
    )


def _list_name(reader: _Reader, sheet: _Sheet, r: int, col: int, what: str) -> str:
    """A partner name or service area on the Lists sheet: BAD_NAME, located, if it holds a lookalike letter."""
    value = reader.text(sheet, r, col)
    if value and not value.isascii() and not text_problem(value) and (problem := name_problem(value)):
        reader.error("BAD_NAME", f"{what}: {problem}", sheet.at(r, col), value[:100])
    return value


def _cover_common(reader: _Reader, values: dict[str, tuple[object, Location]], template: str) -> Cover:
    def text(key: str) -> str:
        raw, _ = values.get(key, (None, None))
        return parse_text(raw)

    submitted = ""
    if "submitted" in values:
        raw, where = values["submitted"]
        try:
            submitted = parse_date(raw)
        except CellError as exc:
            reader.error("NOT_A_DATE", f"Submission date: {exc}", where, raw)
        else:
            if submitted and not ("2000-01-01" <= submitted <= "2099-12-31"):
                reader.error(
                    "DATE_OUT_OF_RANGE",
                    f"Submission date {submitted} is not a plausible date: give the date you send the file",
                    where,
                    submitted,
                )
                submitted = ""
    for key, label in (("financial_year", "Financial year"), ("contact", "Contact name")):
        if key in values and not text(key):
            reader.warn("COVER_BLANK", f"'{label}' is blank on the cover; fill it in", values[key][1])
    year = text("financial_year")
    if year:  # the plan starts in the covers' year: one that is no financial year must not reach it
        try:
            check_financial_year(year, "financial_year", "Financial year")
        except RowProblem as exc:
            reader.error(exc.code, str(exc), values["financial_year"][1], year[:100])
            year = ""
    number = text("submission_version")
    if problem := submission_number_problem(number):
        reader.warn("SUBMISSION_NUMBER_INVALID", problem, values["submission_version"][1], number[:100])
        number = ""
    return Cover(
        template,
        text("version"),
        year,
        text("contact"),
        text("email"),
        submitted,
        number,
    )


def _cover_partner(reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup) -> str:
    """The partner code on a return's cover, checked against the file's list of partners."""
    code_raw, code_at = cover_values.get("partner_code", (None, Location(reader.file, s.COVER)))
    code = parse_text(code_raw)
    if code and (problem := code_problem(code)):
        reader.error("BAD_CODE", f"Partner code: {problem}", code_at, code[:100])
    known = [p.code for p in setup.partners]
    if not code:
        reader.error("PARTNER_MISSING", "choose your partner code on the cover", code_at)
    elif unknown := unlisted_partner(code, known, "", code_at):
        reader.findings.append(unknown)
    return code


def _read_partner_return(
    reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup
) -> PartnerReturn | None:
    cover = _cover_common(reader, cover_values, s.PARTNER_RETURN)
    code = _cover_partner(reader, cover_values, setup)
    name = parse_text(cover_values.get("partner_name", (None, None))[0])

    def stated(key: str, label: str, money: bool) -> tuple[Decimal | None, Location]:
        raw, where = cover_values.get(key, (None, Location(reader.file, s.COVER)))
        try:
            value = parse_number(raw)
        except CellError as exc:
            reader.error("NOT_A_NUMBER", f"{label}: {exc}", where, raw)
            return None, where
        return (to_pounds(value) if money and value is not None else value), where

    stated_net, net_at = stated("stated_net", "Stated total net baseline", True)
    stated_fte, fte_at = stated("stated_fte", "Stated total FTE", False)

    entries = _read_baseline(reader, code, setup)
    targets = _read_targets(reader, code) if s.TARGETS in reader.names else []
    recharges = _read_recharges(reader, code, setup) if s.RECHARGES in reader.names else []
    control = (
        ControlTotal(code, stated_net, stated_fte, net_at, fte_at)
        if (stated_net is not None or stated_fte is not None)
        else None
    )
    return PartnerReturn(
        cover, Partner(code, name), tuple(entries), control, setup, reader.file, tuple(targets), tuple(recharges)
    )


def _read_recharges(reader: _Reader, code: str, setup: ProgrammeSetup) -> list[Recharge]:
    """The return's charges to and from the other partners (jwmodel.recharges): one row a charge and period.

    Each cell is checked where it is typed (a partner or service area not in the lists, a negative amount,
    a year that is none); the rules over the rows together (itself as the other partner, years the wrong way
    round, a charge given twice for a year) are ``jwmodel.recharges.recharge_row_findings``, run with the rest.
    """
    return _return_rows(reader, s.RECHARGES, inputs.RECHARGES, _recharge_row, code, setup)


def _recharge_row(
    reader: _Reader, sheet: _Sheet, r: int, columns: _Columns, code: str, setup: ProgrammeSetup
) -> Recharge | None:
    table = inputs.RECHARGES
    service = reader.text(sheet, r, columns["service"])
    other = reader.code(sheet, r, columns["counterparty"], table.column("counterparty").header)
    direction_raw = reader.text(sheet, r, columns["direction"])
    amount = reader.number(sheet, r, columns["amount"], table.column("amount").header, money=True)
    missing = [c.key for c in table.required if c.key in columns and sheet.get(r, columns[c.key]) is None]
    if missing:
        headers = ", ".join(table.column(k).header for k in missing)
        reader.error("VALUE_MISSING", f"a recharge row needs {headers}", sheet.at(r, columns[missing[0]]))
        return None
    ok = True
    if unknown := unlisted_service(service, setup.services, sheet.at(r, columns["service"])):
        reader.findings.append(unknown)
        ok = False
    known = [p.code for p in setup.partners]
    if unknown := unlisted_partner(other, known, "Other partner", sheet.at(r, columns["counterparty"])):
        reader.findings.append(unknown)
        ok = False
    choices = table.column("direction").choices
    direction = _choice(reader, sheet, r, columns["direction"], choices, "Pays or receives") if direction_raw else None
    if amount is not None and amount < 0:
        reader.error(
            "NEGATIVE",
            f"{service}: the recharge amount {amount} is negative: give what is paid or received as a positive figure "
            "and say which in 'Pays or receives'",
            sheet.at(r, columns["amount"]),
            str(amount),
        )
        ok = False
    years = []
    for key in ("from_year", "to_year"):
        year = reader.text(sheet, r, columns[key]) if key in columns else ""
        try:
            if year:
                check_financial_year(year, key, table.column(key).header)
        except RowProblem as problem:
            reader.error(problem.code, str(problem), sheet.at(r, columns[key]), year[:100])
            ok = False
        years.append(year)
    note = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["note"]) if "note" in columns else "")
    if not ok or direction is None or amount is None:
        return None
    return Recharge(code, other, direction, service, amount, years[0], years[1], note, sheet.at(r, 0))


def _read_targets(reader: _Reader, code: str) -> list[SavingsTarget]:
    """The return's financial-plan savings targets: one row per target and year, an amount of saving (0 or more)."""
    sheet = reader.sheet(s.TARGETS)
    columns = reader.table(sheet, inputs.TARGETS) if sheet is not None else None
    if sheet is None or columns is None:
        return []
    targets = []
    for r in columns.rows:
        name = reader.text(sheet, r, columns["target"])
        year = reader.text(sheet, r, columns["year"])
        amount = reader.number(sheet, r, columns["amount"], "Saving target", money=True)
        note = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["note"]))
        for key, value in (("target", name), ("year", year), ("amount", amount)):
            if value in ("", None) and sheet.get(r, columns[key]) is None:
                reader.error(
                    "VALUE_MISSING", "a target row needs its target, year and saving", sheet.at(r, columns[key])
                )
        try:
            if year:
                check_financial_year(year, "year", "Year")
        except RowProblem as problem:
            reader.error(problem.code, str(problem), sheet.at(r, columns["year"]), year)
            continue
        if amount is not None and amount < 0:
            reader.error(
                "NEGATIVE",
                f"the saving target {amount} is negative: give the saving to find as a positive figure",
                sheet.at(r, columns["amount"]),
                amount,
            )
        elif name and year and amount is not None:
            targets.append(SavingsTarget(code, name, year, amount, note, sheet.at(r, columns["target"])))
    return targets


def _read_baseline(reader: _Reader, code: str, setup: ProgrammeSetup) -> list[BaselineEntry]:
    return _return_rows(reader, s.BASELINE, inputs.BASELINE, _baseline_row, code, setup)


def _return_rows(
    reader: _Reader,
    sheet_name: str,
    table: Table,
    row: Callable[[_Reader, _Sheet, int, _Columns, str, ProgrammeSetup], T | None],
    code: str,
    setup: ProgrammeSetup,
) -> list[T]:
    """A partner return's table read row by row with ``row``; the rows it refuses (None) left out."""
    sheet = reader.sheet(sheet_name)
    columns = reader.table(sheet, table) if sheet is not None else None
    if sheet is None or columns is None:
        return []
    read = (row(reader, sheet, r, columns, code, setup) for r in columns.rows)
    return [item for item in read if item is not None]


def _baseline_row(
    reader: _Reader, sheet: _Sheet, r: int, columns: _Columns, code: str, setup: ProgrammeSetup
) -> BaselineEntry | None:
    service = reader.text(sheet, r, columns["service"])
    gross = reader.number(sheet, r, columns["gross"], "Gross direct cost", money=True)
    charges = reader.number(sheet, r, columns["charges"], "Charges from other partners", money=True)
    net = reader.number(sheet, r, columns["net"], "Net baseline", money=True)
    fte = reader.number(sheet, r, columns["fte"], "FTE")
    where = sheet.at(r, 0)
    if not service:
        reader.error("SERVICE_MISSING", "a baseline row has figures but no service area", where)
        return None
    if unknown := unlisted_service(service, setup.services, where):
        reader.findings.append(unknown)
        return None
    if net is None and gross is None and fte is None:
        return None  # a listed service left blank: not part of this partner's return
    if net is None:
        if gross is None and sheet.get(r, columns["net"]) is None:
            reader.error(
                "VALUE_MISSING",
                f"{service}: give the net baseline (or gross direct cost and charges)",
                sheet.at(r, columns["net"]),
            )
            return None
        if gross is None:
            return None  # the net figure was there but invalid: already reported
        net = derived_net(gross, charges)
    if fte is None:
        reader.warn("FTE_BLANK", f"{service}: FTE is blank and is taken as 0", sheet.at(r, columns["fte"]))
        fte = Decimal(0)
    for key, value in (("gross", gross), ("charges", charges), ("fte", fte)):
        if value is not None and value < 0:
            header = inputs.BASELINE.column(key).header
            reader.error(
                "NEGATIVE", f"{service}: {header} cannot be negative ({value})", sheet.at(r, columns[key]), str(value)
            )
    note = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["note"]))
    return BaselineEntry(code, service, net, fte, gross, charges, note, where)


class _Proposal:
    """Reads one workstream proposal's tables for its service area, checking partner codes against the list."""

    def __init__(self, reader: _Reader, service: str, setup: ProgrammeSetup) -> None:
        self.reader, self.service = reader, service
        self.codes = [p.code for p in setup.partners]
        self.option_names: tuple[str, ...] = ()  # the proposal's options, once read (conditions may name them)
        self.percent_cells: frozenset[tuple[int, int]] | None = None  # the Options cells formatted as %, once asked

    def partner(self, sheet: _Sheet, r: int, col: int, what: str) -> str:
        code = self.reader.code(sheet, r, col, what)
        if code and (unknown := unlisted_partner(code, self.codes, what, sheet.at(r, col))):
            self.reader.findings.append(unknown)
        return code

    def table(self, declared: Table) -> tuple[_Sheet, _Columns] | None:
        sheet = self.reader.sheet(declared.sheet)
        columns = self.reader.table(sheet, declared) if sheet is not None else None
        return None if sheet is None or columns is None else (sheet, columns)

    def options(self) -> list[ParticipationOption]:
        found = self.table(inputs.OPTIONS)
        if found is None:
            return []
        sheet, columns = found
        options = [o for r in columns.rows if (o := self.option(sheet, r, columns)) is not None]
        self.option_names = tuple(o.name for o in options)
        defaults = [o for o in options if o.default]
        if len(options) > 1 and len(defaults) != 1:
            self.reader.error(
                "DEFAULT_OPTION",
                f"{len(options)} options and {len(defaults)} marked default: mark exactly one as default",
                Location(self.reader.file, s.OPTIONS),
            )
        return options

    def option_partners(self, sheet: _Sheet, r: int, columns: _Columns, name: str) -> tuple[str, ...]:
        reader, col = self.reader, columns["partners"]
        partners = split_partners(reader.text(sheet, r, col))
        where = sheet.at(r, col)
        for p in partners:
            if problem := code_problem(p):
                reader.error("BAD_CODE", f"option {name!r}: {problem}", where, p)
            elif unknown := unlisted_partner(p, self.codes, f"option {name!r}", where):
                reader.findings.append(unknown)
        if not partners:
            reader.error("VALUE_MISSING", f"option {name!r}: list the participating partners, e.g. 'HC, HCC'", where)
        return partners

    def option(self, sheet: _Sheet, r: int, columns: _Columns) -> ParticipationOption | None:
        reader = self.reader
        name = reader.text(sheet, r, columns["option"])
        where = sheet.at(r, columns["option"])
        if not name:
            reader.error("VALUE_MISSING", "an option row has no name", where)
            return None
        partners = self.option_partners(sheet, r, columns, name)
        default = (
            bool(reader.text(sheet, r, columns["default"]))
            and (_choice(reader, sheet, r, columns["default"], (s.YES, s.NO), "Default") or s.NO) == s.YES
        )
        rule = self.rule(sheet, r, columns, name, where)
        from_year, before = self.timing(sheet, r, columns)
        return ParticipationOption(name, partners, rule, default, where, from_year, before)

    def timing(self, sheet: _Sheet, r: int, columns: _Columns) -> tuple[str | None, str | None]:
        """An option's From year and Before then (participation over time), None where blank or absent."""
        reader = self.reader
        year = reader.text(sheet, r, columns["from_year"]).strip() if "from_year" in columns else ""
        before = reader.text(sheet, r, columns["before"]).strip() if "before" in columns else ""
        if year:
            try:
                inputs.check_financial_year(year, "from_year", inputs.OPTIONS.column("from_year").header)
            except inputs.RowProblem as problem:
                reader.error(problem.code, str(problem), sheet.at(r, columns["from_year"]), year)
                year = ""
        return year or None, before or None

    def rule(self, sheet: _Sheet, r: int, columns: _Columns, name: str, where: Location) -> ApportionmentRule:
        """The option's rule, located (``where``) at the option's name unless fixed percentages say otherwise."""
        reader = self.reader
        method_text = _choice(reader, sheet, r, columns["method"], s.METHODS, "Method")
        method = Method(method_text) if method_text else Method.NONE
        minimum = reader.number(sheet, r, columns["minimum_percent"], "Minimum %")
        if minimum is not None and minimum != minimum.to_integral_value():
            reader.error(
                "NOT_WHOLE", "Minimum % must be a whole number", sheet.at(r, columns["minimum_percent"]), minimum
            )
        percentages, cells = {}, columns.by_partner.get("percent", {})
        if method is Method.FIXED:
            if self.percent_cells is None:  # looked up once, and only where fixed percentages are used
                self.percent_cells = reader.percent_formatted(sheet, columns.rows, tuple(cells.values()))
            for code, col in cells.items():
                value = reader.percent(sheet, r, col, f"% {code}", self.percent_cells)
                if value is not None:
                    percentages[code] = value
            if cells:  # what is wrong with fixed percentages is in the option's % cells
                where = Location(reader.file, sheet.name, f"{a1(r, min(cells.values()))}:{a1(r, max(cells.values()))}")
        bearer = self.partner(sheet, r, columns["sole_bearer"], f"option {name!r} sole bearer")
        driver = reader.text(sheet, r, columns["driver"])
        rule = ApportionmentRule(method, percentages, driver, bearer, int(minimum) if minimum is not None else 1, where)
        if method is Method.DRIVER and not driver:
            reader.error(
                "VALUE_MISSING",
                f"option {name!r}: the method is 'driver': name the driver (and give its values on the Drivers sheet)",
                sheet.at(r, columns["driver"]),
            )
        if method is Method.SOLE_BEARER and not bearer:
            reader.error(
                "VALUE_MISSING",
                f"option {name!r}: the method is 'sole bearer': name the partner",
                sheet.at(r, columns["sole_bearer"]),
            )
        return rule

    def drivers(self) -> list[DriverValue]:
        found = self.table(inputs.DRIVERS)
        if found is None:
            return []
        sheet, columns = found
        reader = self.reader
        partner_cols = columns.by_partner.get("value", {})
        for h, c in partner_cols.items():
            if problem := code_problem(h):
                reader.error("BAD_CODE", f"Drivers column heading: {problem}", sheet.at(s.HEADER_ROW, c), h)
        values = []
        for r in columns.rows:
            driver = reader.text(sheet, r, columns["driver"])
            basis = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["basis"]))
            if not driver:
                reader.error(
                    "VALUE_MISSING", "a driver row has values but no driver name", sheet.at(r, columns["driver"])
                )
                continue
            for code, col in partner_cols.items():
                value = reader.number(sheet, r, col, f"driver {driver!r} for {code}")
                if value is not None and value < 0:
                    reader.error(
                        "NEGATIVE",
                        f"driver {driver!r} for {code} is negative; drivers are 0 or more",
                        sheet.at(r, col),
                        value,
                    )
                elif value is not None:
                    values.append(DriverValue(self.service, driver, code, value, basis, sheet.at(r, col)))
        return values

    def own_terms(self, sheet: _Sheet, r: int, columns: _Columns, description: str) -> dict[str, object] | None:
        """A line's sole bearer, condition and own split (keyword arguments of the line); None, reported (naming
        the line by its service and description), when the condition or split does not read or names what does
        not exist."""
        if sheet.blank(r, columns.cols(_OWN_TERMS)):
            return {"sole_bearer": None, "condition": None, "rule": None}  # none given
        reader, label = self.reader, f"{self.service}: {description!r}"
        bearer = self.partner(sheet, r, columns["sole_bearer"], "sole bearer")
        cells = {k: reader.text(sheet, r, columns[k]) if k in columns else "" for k in ("condition", "rule")}
        try:
            condition = condition_from_cell(cells["condition"])
            rule = rule_from_cell(cells["rule"])
        except RowProblem as problem:
            reader.error(problem.code, f"{label}: {problem}", sheet.at(r, columns[problem.key]), cells[problem.key])
            return None
        ok = self.known(condition, label, sheet.at(r, columns["condition"])) if condition is not None else True
        if rule is not None:  # what is wrong with it when applied is located to its cell
            rule = replace(rule, where=sheet.at(r, columns["rule"]))
            for code in (*rule.percentages, rule.sole_bearer):
                if code and (unknown := unlisted_partner(code, self.codes, "Own split", sheet.at(r, columns["rule"]))):
                    reader.findings.append(unknown)
                    ok = False
        return {"sole_bearer": bearer or None, "condition": condition, "rule": rule} if ok else None

    def known(self, condition: Condition, label: str, where: Location) -> bool:
        """Whether the condition names only listed partners and this proposal's options (else reported)."""
        found = unknown_names(condition, self.codes, self.option_names, label, where)
        self.reader.findings.extend(found)
        return not found

    def saving_lines(self) -> list[SavingLine]:
        found = self.table(inputs.SAVING_LINES)
        if found is None:
            return []
        sheet, columns = found
        reader, lines = self.reader, []
        for position, r in enumerate(columns.rows, start=1):
            description = reader.text(sheet, r, columns["description"])
            where = sheet.at(r, columns["description"])
            category = _choice(reader, sheet, r, columns["category"], s.CATEGORIES, "Category")
            estimate = _low_high(reader, sheet, r, columns, "saving line", description)
            if estimate is None:
                continue
            if not description:
                reader.warn("DESCRIPTION_BLANK", "a saving line has no description", where)
            terms = self.own_terms(sheet, r, columns, description)
            profile, ok = _profile(reader, sheet, r, columns, timing=False)
            note = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["note"]))
            line_id = _line_id(reader, sheet, (r, position), columns, self.service, one_off=False)
            if category and ok and line_id and terms is not None:
                lines.append(  # built whole (not made, then replaced): one object a line
                    SavingLine(
                        self.service,
                        description,
                        _CATEGORY[category],
                        estimate,
                        note=note,
                        where=where,
                        profile=profile,
                        line_id=line_id,
                        **terms,
                        **self.tags(sheet, r, columns),
                    )
                )
        return lines

    def tags(self, sheet: _Sheet, r: int, columns: _Columns) -> dict[str, object]:
        """A saving line's tags against double counting (jwmodel.targets); blank where a column is absent."""
        if sheet.blank(r, columns.cols(_TAGS)):
            return {"plan_partner": None, "plan_target": "", "also_claimed_by": ""}  # none given
        text = {
            k: self.reader.text(sheet, r, columns[k]) if k in columns else ""
            for k in ("plan_target", "also_claimed_by")
        }
        plan = self.partner(sheet, r, columns["plan_partner"], "in the plan of") if "plan_partner" in columns else ""
        return {"plan_partner": plan or None, **text}

    def one_off_costs(self) -> list[OneOffCost]:
        found = self.table(inputs.ONE_OFF_COSTS)
        if found is None:
            return []
        sheet, columns = found
        reader, costs = self.reader, []
        for position, r in enumerate(columns.rows, start=1):
            description = reader.text(sheet, r, columns["description"])
            where = sheet.at(r, columns["description"])
            kind = _choice(reader, sheet, r, columns["type"], s.ONE_OFF_TYPES, "Type")
            estimate = _low_high(reader, sheet, r, columns, "one-off cost", description)
            if estimate is None:
                continue
            profile, ok = _profile(reader, sheet, r, columns, timing=True)
            terms = self.own_terms(sheet, r, columns, description)
            note = reader.extras(sheet, r, columns, reader.text(sheet, r, columns["note"]))
            line_id = _line_id(reader, sheet, (r, position), columns, self.service, one_off=True)
            if kind and ok and line_id and terms is not None:
                costs.append(
                    OneOffCost(
                        self.service,
                        description,
                        OneOffType(kind),
                        estimate,
                        note,
                        where,
                        profile,
                        line_id=line_id,
                        **terms,  # type: ignore[arg-type]
                    )
                )
        return costs


def _read_proposal(
    reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup
) -> WorkstreamProposal | None:
    cover = _cover_common(reader, cover_values, s.WORKSTREAM_PROPOSAL)
    service_raw, service_at = cover_values.get("service", (None, Location(reader.file, s.COVER)))
    service = parse_text(service_raw)
    if not service:
        reader.error("SERVICE_MISSING", "choose the service area on the cover", service_at)
    elif unknown := unlisted_service(service, setup.services, service_at):
        reader.findings.append(unknown)
    proposal = _Proposal(reader, service, setup)
    options = proposal.options()
    drivers = proposal.drivers()
    lines = proposal.saving_lines()
    costs = proposal.one_off_costs()
    area = ServiceArea(service, tuple(options), service_at)
    return WorkstreamProposal(cover, area, tuple(lines), tuple(costs), tuple(drivers), setup, reader.file)


def _taken(submission: PartnerReturn | WorkstreamProposal | MonitoringReturn) -> str:
    if isinstance(submission, MonitoringReturn):
        return (
            f"partner {submission.partner}, {submission.period} ({submission.status.value}): "
            f"{len(submission.lines)} lines, {len(submission.spend)} one-off costs, "
            f"{len(submission.measurements)} measurements"
            + (f", {len(submission.actuals)} actual drivers" if submission.actuals else "")
        )
    if isinstance(submission, PartnerReturn):
        totals = " and stated totals" if submission.control_total else ""
        n = len(submission.recharges)
        recharges = f", {n} recharge{'s' if n != 1 else ''}" if n else ""
        return f"partner {submission.partner.code}: {len(submission.baseline)} baseline rows{totals}{recharges}"
    return (
        f"{submission.service.name}: {len(submission.service.options)} options, "
        f"{len(submission.saving_lines)} saving lines, "
        f"{len(submission.one_off_costs)} one-off costs, {len(submission.drivers)} driver values"
    )


# A file from a template older than one of these sheets is read without it.
OPTIONAL_SHEETS = frozenset({s.TARGETS, s.RECHARGES, s.ACTUALS})
TEMPLATE_SHEETS = {
    s.PARTNER_RETURN: (s.INSTRUCTIONS, s.COVER, s.BASELINE, s.TARGETS, s.RECHARGES, s.LISTS),
    s.WORKSTREAM_PROPOSAL: (s.INSTRUCTIONS, s.COVER, s.OPTIONS, s.DRIVERS, s.SAVINGS, s.ONE_OFF, s.LISTS),
    s.MONITORING_RETURN: (s.INSTRUCTIONS, s.COVER, s.DELIVERED, s.SPEND, s.MEASUREMENTS, s.ACTUALS, s.LISTS),
}


def _sheet_checks(reader: _Reader, template: str) -> None:
    """Formula errors, formulas with no stored result, hidden and extra sheets: all located."""
    expected = TEMPLATE_SHEETS[template]
    for facts in reader.inspection.sheets:
        if facts.name not in expected:
            if facts.cells:
                reader.error(
                    "EXTRA_SHEET",
                    (
                        f"the sheet '{facts.name}' is not part of the template and its contents would not be "
                        "read: move the figures into the template's sheets, or delete the sheet"
                    ),
                    Location(reader.file, facts.name),
                )
            else:
                reader.warn(
                    "EXTRA_SHEET_EMPTY",
                    f"the empty sheet '{facts.name}' is not part of the template and is ignored",
                    Location(reader.file, facts.name),
                )
            continue
        if facts.hidden:
            reader.warn(
                "HIDDEN_SHEET",
                f"the template sheet '{facts.name}' has been hidden; it is read as usual: unhide it to check it",
                Location(reader.file, facts.name),
            )
        for ref, value in facts.error_cells:
            reader.error(
                "FORMULA_ERROR",
                f"the cell shows the error {value}: correct the formula or type the figure",
                Location(reader.file, facts.name, ref),
                value,
            )
        for ref in facts.merged if facts.name != s.INSTRUCTIONS else ():  # the guard's merged ranges
            reader.warn(
                "MERGED_CELLS",
                (
                    f"the cells {ref} are merged: only the first holds a value, the others are read as empty; "
                    "unmerge them (Home > Merge & Center) and check each figure"
                ),
                Location(reader.file, facts.name, ref.partition(":")[0]),
            )
        for ref in facts.formulas_without_result:
            reader.error(
                "FORMULA_NO_RESULT",
                (
                    "the cell holds a formula with no stored result (the file was not saved by a spreadsheet "
                    "application that calculates): open it in Excel, let it calculate, save it, or type the "
                    "figure"
                ),
                Location(reader.file, facts.name, ref),
            )
    for name in expected:
        if name not in reader.names and name not in OPTIONAL_SHEETS:
            similar = [n for n in reader.names if n.lower().replace(" ", "") == name.lower().replace(" ", "")]
            hint = f" (is '{similar[0]}' it, renamed?)" if similar else ""
            reader.error(
                "SHEET_MISSING",
                f"the template's sheet '{name}' is missing{hint}: start again from the current template",
                Location(reader.file, name),
            )


def read_workbook_bytes(
    data: bytes, name: str, *, limits: Limits = Limits()
) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    """Check and read one submitted workbook held in memory; never raises for a bad file."""
    digest = sha256_of(data)
    inspection = inspect_package(data, name, limits)
    if not inspection.ok:
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", inspection.findings)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        finding = Finding(
            "FILE_UNREADABLE",
            (
                f"the file cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); save it again "
                "as an Excel workbook (.xlsx)"
            ),
            Location(name),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", (*inspection.findings, finding))
    reader = _Reader(name, book, inspection, data)
    reader.findings.extend(inspection.findings)
    try:
        return _read(reader, digest)
    except _Unreadable as exc:  # calamine can still fail part-way on a damaged sheet
        finding = Finding(
            "FILE_UNREADABLE",
            f"the sheet could not be read ({exc}); save the workbook again from Excel as .xlsx",
            Location(name, exc.sheet),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", (*reader.findings, finding))


def _read(reader: _Reader, digest: str) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    name = reader.file
    if s.COVER not in reader.names:
        reader.error(
            "NOT_A_TEMPLATE",
            (
                f"there is no '{s.COVER}' sheet, so this is not a jwmodel template; sheets are: "
                f"{', '.join(reader.names)}; use the partner return or workstream proposal template"
            ),
            Location(name),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    cover_sheet = reader.sheet(s.COVER)
    assert cover_sheet is not None
    template, template_at = "", Location(name, s.COVER)
    for r in range(len(cover_sheet.rows)):
        if parse_text(cover_sheet.get(r, 0)) == "Template":
            template, template_at = parse_text(cover_sheet.get(r, 1)), cover_sheet.at(r, 1)
    fields = {
        s.PARTNER_RETURN: s.PARTNER_COVER,
        s.WORKSTREAM_PROPOSAL: s.PROPOSAL_COVER,
        s.MONITORING_RETURN: s.MONITORING_COVER,
    }.get(template)
    if fields is None:
        reader.error(
            "TEMPLATE_UNKNOWN",
            (
                f"the cover names the template {template!r}; use the '{s.PARTNER_RETURN}', "
                f"'{s.WORKSTREAM_PROPOSAL}' or '{s.MONITORING_RETURN}' template, version {s.VERSION}"
            ),
            template_at,
            template,
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    kind = {s.PARTNER_RETURN: "partner return", s.MONITORING_RETURN: "monitoring return"}.get(
        template, "workstream proposal"
    )
    values = reader.cover(cover_sheet, fields)
    version = parse_text(values.get("version", (None, None))[0])
    if version != s.VERSION:
        shown = f"version {version!r}" if version else "no version"
        reader.error(
            "TEMPLATE_VERSION",
            (
                f"the cover gives {shown}; this is not a supported version: use the '{template}' template, "
                f"version {s.VERSION}"
            ),
            values.get("version", (None, Location(name, s.COVER)))[1],
            version,
        )
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", tuple(reader.findings))
    _sheet_checks(reader, template)
    setup = _setup(reader)
    reading = {s.PARTNER_RETURN: _read_partner_return, s.MONITORING_RETURN: _read_monitoring_return}.get(
        template, _read_proposal
    )
    submission = reading(reader, values, setup)
    if submission is not None and not isinstance(submission, MonitoringReturn):  # the rules over the whole file
        reader.findings.extend(submission_findings(submission))
    findings = tuple(reader.findings)
    if any(f.severity is Severity.ERROR for f in findings) or submission is None:
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", findings)
    status = Status.WARNINGS if findings else Status.ACCEPTED
    return submission, SourceRecord(name, digest, kind, status, _taken(submission), findings)


def read_submission(
    path: str | Path, *, limits: Limits = Limits()
) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    """Read one submitted workbook from disk (see ``jwmodel.excel.intake`` for folders)."""
    data, problem = read_regular_file(path, limits)
    if problem is not None:
        return None, SourceRecord(display_name(path), "", "unknown", Status.REJECTED, "", (problem,))
    return read_workbook_bytes(data, display_name(path), limits=limits)


# --- the monitoring return (after approval: jwmodel.monitoring) -----------------------------------


def _cover_text(values: dict[str, tuple[object, Location]], key: str) -> tuple[str, Location | None]:
    raw, where = values.get(key, (None, None))
    return parse_text(raw), where


def _cover_date(reader: _Reader, values: dict[str, tuple[object, Location]], key: str, label: str) -> str:
    raw, where = values.get(key, (None, None))
    try:
        return parse_date(raw)
    except CellError as exc:
        reader.error("NOT_A_DATE", f"{label}: {exc}", where, raw)
        return ""


def _monitoring_period(reader: _Reader, values: dict[str, tuple[object, Location]], year: str) -> str:
    period, where = _cover_text(values, "period")
    try:
        period = check_period(period)
    except PeriodError as exc:
        reader.error("BAD_PERIOD", f"Period: {exc}", where or Location(reader.file, s.COVER), period[:100])
        return ""
    if year and period_year(period) != year:
        reader.error(
            "BAD_PERIOD",
            f"Period: {period} is not in the financial year {year} the cover gives: correct one of them",
            where or Location(reader.file, s.COVER),
            period,
        )
        return ""
    return period


def _return_status(reader: _Reader, values: dict[str, tuple[object, Location]]) -> ReturnStatus | None:
    text, where = _cover_text(values, "return_status")
    for choice in s.RETURN_STATUSES:
        if text.lower() == choice.lower():
            return ReturnStatus(choice)
    reader.error(
        "NOT_IN_LIST",
        f"Status must be one of: {', '.join(s.RETURN_STATUSES)}; got {text!r}",
        where or Location(reader.file, s.COVER),
        text,
    )
    return None


def _read_monitoring_return(
    reader: _Reader, values: dict[str, tuple[object, Location]], setup: ProgrammeSetup
) -> MonitoringReturn | None:
    cover = _cover_common(reader, values, s.MONITORING_RETURN)
    code = _cover_partner(reader, values, setup)
    period = _monitoring_period(reader, values, cover.financial_year)
    status = _return_status(reader, values)
    sign_off = SignOff(
        _cover_text(values, "signed_by")[0],
        _cover_text(values, "signed_role")[0],
        _cover_date(reader, values, "signed_date", "Sign-off date"),
    )
    fte_raw, fte_at = values.get("fte_released", (None, Location(reader.file, s.COVER)))
    try:
        fte = parse_number(fte_raw)
    except CellError as exc:
        reader.error("NOT_A_NUMBER", f"FTE released in the period: {exc}", fte_at, fte_raw)
        fte = None
    lines = _delivered(reader)
    spend = _spent(reader)
    measurements = _measured(reader)
    actuals = _actual_drivers(reader) if s.ACTUALS in reader.names else ()
    if status is None or not period:
        return None
    return MonitoringReturn(
        cover, code, period, status, sign_off, lines, spend, measurements, fte, setup, reader.file, actuals
    )


def _rows_of(reader: _Reader, declared: Table) -> tuple[_Sheet, _Columns] | None:
    sheet = reader.sheet(declared.sheet)
    columns = reader.table(sheet, declared) if sheet is not None else None
    return None if sheet is None or columns is None else (sheet, columns)


def _reported_line_id(reader: _Reader, sheet: _Sheet, r: int, columns: _Columns, seen: dict[str, str]) -> str:
    """A row's line ID: VALUE_MISSING when blank, MONITORING_LINE_TWICE when an earlier row gives it."""
    line_id = reader.text(sheet, r, columns["line_id"])
    where = sheet.at(r, columns["line_id"])
    if not line_id:
        reader.error("VALUE_MISSING", "a row has figures but no line ID: give the ID from the approved version", where)
    elif line_id in seen:
        reader.error(
            "MONITORING_LINE_TWICE",
            f"line {line_id} is given twice in this return (also {seen[line_id]}): give it once",
            where,
            line_id,
        )
        return ""
    else:
        seen[line_id] = a1(r, columns["line_id"])
    return line_id


def _delivered(reader: _Reader) -> tuple[LineReport, ...]:
    found = _rows_of(reader, monitoring_tables.DELIVERED)
    if found is None:
        return ()
    sheet, columns = found
    seen: dict[str, str] = {}
    reports = []
    for r in columns.rows:
        line_id = _reported_line_id(reader, sheet, r, columns, seen)
        delivered = reader.number(sheet, r, columns["delivered"], "Delivered in period", money=True)
        forecast = reader.number(sheet, r, columns["forecast"], "Forecast for the year", money=True)
        status = _choice(reader, sheet, r, columns["status"], monitoring_tables.LINE_STATUSES, "Status")
        comment = reader.text(sheet, r, columns["comment"])
        if delivered is None and sheet.get(r, columns["delivered"]) is None:
            reader.error(
                "VALUE_MISSING",
                f"line {line_id!r}: give the saving delivered in the period (0 if none)",
                sheet.at(r, columns["delivered"]),
            )
        elif line_id and delivered is not None and status:
            where = sheet.at(r, columns["line_id"])
            reports.append(LineReport(line_id, delivered, forecast, LineStatus(status), comment, where))
    return tuple(reports)


def _spent(reader: _Reader) -> tuple[SpendReport, ...]:
    found = _rows_of(reader, monitoring_tables.SPEND)
    if found is None:
        return ()
    sheet, columns = found
    seen: dict[str, str] = {}
    spend = []
    for r in columns.rows:
        line_id = _reported_line_id(reader, sheet, r, columns, seen)
        spent = reader.number(sheet, r, columns["spent"], "Spent to date", money=True)
        comment = reader.text(sheet, r, columns["comment"])
        if spent is None and sheet.get(r, columns["spent"]) is None:
            continue  # a listed cost with nothing spent or known yet
        if line_id and spent is not None:
            spend.append(SpendReport(line_id, spent, comment, sheet.at(r, columns["line_id"])))
    return tuple(spend)


def _measured(reader: _Reader) -> tuple[Measurement, ...]:
    found = _rows_of(reader, monitoring_tables.MEASUREMENTS)
    if found is None:
        return ()
    sheet, columns = found
    points = []
    for r in columns.rows:
        measure = reader.text(sheet, r, columns["measure"])
        value = reader.number(sheet, r, columns["value"], f"measure {measure!r}")
        raw = sheet.get(r, columns["date"])
        try:
            date = parse_date(raw)
        except CellError as exc:
            reader.error("NOT_A_DATE", f"Date measured: {exc}", sheet.at(r, columns["date"]), raw)
            continue
        comment = reader.text(sheet, r, columns["comment"])
        if not measure:
            reader.error("VALUE_MISSING", "a measurement has no measure named", sheet.at(r, columns["measure"]))
        elif value is not None:
            points.append(Measurement(measure, value, date, comment, sheet.at(r, columns["measure"])))
    return tuple(points)


def _actual_drivers(reader: _Reader) -> tuple[DriverActual, ...]:
    """The Actual drivers sheet (the yearly true-up): each row's service, driver, year and value, all required;
    one driver of a service given twice for a year is ACTUALS_TWICE (an error: the return is refused)."""
    found = _rows_of(reader, monitoring_tables.ACTUALS)
    if found is None:
        return ()
    sheet, columns = found
    seen: dict[tuple[str, str, str], str] = {}
    actuals = []
    for r in columns.rows:
        actual = _actual_row(reader, sheet, r, columns)
        if actual is None:
            continue
        key = (actual.service.casefold(), actual.driver.casefold(), actual.year)
        if key in seen:
            reader.error(
                "ACTUALS_TWICE",
                f"{actual.service}: the actual '{actual.driver}' for {actual.year} is given twice in this return "
                f"(also {seen[key]}): give it once",
                sheet.at(r, columns["driver"]),
                actual.driver,
            )
            continue
        seen[key] = a1(r, columns["driver"])
        actuals.append(actual)
    return tuple(actuals)


def _actual_row(reader: _Reader, sheet: _Sheet, r: int, columns: _Columns) -> DriverActual | None:
    """One row of the Actual drivers sheet, or None with its problems reported (each located to its cell)."""
    service, driver = reader.text(sheet, r, columns["service"]), reader.text(sheet, r, columns["driver"])
    year = reader.text(sheet, r, columns["year"])
    value = reader.number(sheet, r, columns["value"], f"actual '{driver}'")
    basis = reader.text(sheet, r, columns["basis"])
    given = (("service", service), ("driver", driver), ("year", year), ("value", value))
    blank = [key for key, v in given if v in ("", None)]
    for key in blank:
        if sheet.get(r, columns[key]) is None:
            message = "an actual driver needs its service area, driver, year and value"
            reader.error("VALUE_MISSING", message, sheet.at(r, columns[key]))
    try:
        if year:
            check_financial_year(year, "year", "Year")
    except RowProblem as problem:
        reader.error(problem.code, str(problem), sheet.at(r, columns["year"]), year)
        return None
    if value is not None and value < 0:
        message = f"the actual '{driver}' is {value}: a driver is 0 or more"
        reader.error("NEGATIVE", message, sheet.at(r, columns["value"]), value)
        return None
    if blank or value is None:
        return None
    return DriverActual(service, driver, year, value, basis, sheet.at(r, columns["service"]))
