"""Read partner returns and workstream proposals with python-calamine.

Every figure keeps its location (file, sheet, cell). Problems are collected as findings; a file
with any error is rejected whole (nothing from it is used) and reported, and the batch goes on.
Input files are read once into memory and never written to.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import python_calamine

from jwmodel.excel import schema as s
from jwmodel.excel.cells import (
    EXCEL_TEXT_LIMIT,
    CellError,
    code_problem,
    parse_date,
    parse_number,
    parse_text,
    text_problem,
    to_pounds,
)
from jwmodel.excel.guard import Inspection, Limits, inspect_package
from jwmodel.findings import Finding, Location, Severity, a1
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
    SavingLine,
    ServiceArea,
)
from jwmodel.phasing import PhasingError, Profile
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, SourceRecord, Status, WorkstreamProposal

__all__ = ["read_submission", "read_workbook_bytes", "sha256_of", "TEMPLATE_SHEETS"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Sheet:
    """A sheet's cells from A1, with locations rendered for findings."""

    def __init__(self, file: str, name: str, rows: list[list[object]]) -> None:
        self.file, self.name, self.rows = file, name, rows

    def get(self, row: int, col: int) -> object:
        if row < len(self.rows) and col < len(self.rows[row]):
            value = self.rows[row][col]
            return None if value == "" else value
        return None

    def at(self, row: int, col: int) -> Location:
        return Location(self.file, self.name, a1(row, col))


class _Unreadable(Exception):
    """python-calamine could not read a sheet; carries the sheet name and the cause."""

    def __init__(self, sheet: str, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.sheet = sheet


class _Reader:
    def __init__(self, file: str, book: python_calamine.CalamineWorkbook, inspection: Inspection) -> None:
        self.file = file
        self.book = book
        self.inspection = inspection
        self.findings: list[Finding] = []
        self.sheets: dict[str, _Sheet] = {}

    def error(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(Severity.ERROR, code, message, where, value))

    def warn(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(Severity.WARNING, code, message, where, value))

    def sheet(self, name: str) -> _Sheet | None:
        if name not in self.book.sheet_names:
            self.error(
                "SHEET_MISSING",
                f"the sheet '{name}' is missing; sheets are: {', '.join(self.book.sheet_names)}; start again from the current template",
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
        raw = sheet.get(row, col)
        try:
            value = parse_number(raw)
        except CellError as exc:
            self.error("NOT_A_NUMBER", f"{what}: {exc}", sheet.at(row, col), raw)
            return None
        if value is not None and money:
            rounded = to_pounds(value)
            if rounded != value:
                self.warn(
                    "ROUNDED_TO_POUND",
                    f"{what}: {value} is given to less than £1 and is taken as {rounded} (£000s to 3 decimal places)",
                    sheet.at(row, col),
                    raw,
                )
            value = rounded
        return value

    def text(self, sheet: _Sheet, row: int, col: int) -> str:
        value = parse_text(sheet.get(row, col))
        problem = (
            "" if value.isascii() and value.isprintable() and len(value) <= EXCEL_TEXT_LIMIT else text_problem(value)
        )  # plain ASCII text has no problem: skip the per-character check
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

    def table(self, sheet: _Sheet, required: Sequence[str]) -> tuple[dict[str, int], list[int]] | None:
        """Header columns and the row numbers holding data, for the table headed by ``required``."""
        for r in range(min(len(sheet.rows), 50)):
            if parse_text(sheet.get(r, 0)) == required[0]:
                headers = {
                    parse_text(sheet.get(r, c)): c for c in range(len(sheet.rows[r])) if parse_text(sheet.get(r, c))
                }
                missing = [h for h in required if h not in headers]
                if missing:
                    self.error(
                        "HEADER_MISSING",
                        f"the table is missing the column(s) {', '.join(repr(h) for h in missing)}; start again from the current template",
                        sheet.at(r, 0),
                    )
                    return None
                width = max(headers.values()) + 1
                data = [
                    i for i in range(r + 1, len(sheet.rows)) if any(sheet.get(i, c) is not None for c in range(width))
                ]
                for i in range(r, len(sheet.rows)):
                    for c in range(width, len(sheet.rows[i])):
                        if sheet.get(i, c) is not None:
                            self.error(
                                "OUTSIDE_TABLE",
                                f"there is something at {a1(i, c)}, to the right of the table, which would not be read; move it into the table or delete it",
                                sheet.at(i, c),
                                sheet.get(i, c),
                            )
                            break
                facts = self.inspection.sheet(sheet.name)
                for i in data:
                    if facts and i in facts.hidden_rows:
                        self.warn(
                            "HIDDEN_ROW",
                            f"row {i + 1} is hidden but holds data; it is read and counted: unhide it to check it is meant to be there",
                            sheet.at(i, 0),
                        )
                return headers, data
        self.error(
            "TABLE_MISSING",
            f"no table headed '{required[0]}' on this sheet; start again from the current template",
            Location(self.file, sheet.name),
        )
        return None


def _choice(reader: _Reader, sheet: _Sheet, row: int, col: int, choices: Iterable[str], what: str) -> str | None:
    value = reader.text(sheet, row, col)
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return lowered[value.lower()]
    reader.error(
        "NOT_IN_LIST", f"{what} must be one of: {', '.join(options)}; got {value!r}", sheet.at(row, col), value
    )
    return None


_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def _profile(
    reader: _Reader, sheet: _Sheet, r: int, cols: dict[str, int], start_header: str, percent_header: str, which: str
) -> tuple[Profile | None, bool]:
    """A line's phasing from its two cells; (None, True) when both are blank, (None, False) on error."""
    start = reader.text(sheet, r, cols[start_header]) if start_header in cols else ""
    text = reader.text(sheet, r, cols[percent_header]) if percent_header in cols else ""
    if not start and not text:
        return None, True
    year = _FINANCIAL_YEAR.match(start)
    if start and (not year or (int(year.group(1)) + 1) % 100 != int(year.group(2))):
        reader.error(
            "BAD_YEAR",
            f"{start_header}: expected a financial year such as 2013/14, got {start!r}",
            sheet.at(r, cols[start_header]),
            start,
        )
        return None, False
    values: list[Decimal] = []
    for part in [p for p in re.split(r"[,;]", text) if p.strip()]:
        try:
            value = parse_number(part.strip().rstrip("%"))
        except CellError:
            value = None
        if value is None or value < 0:
            reader.error(
                "BAD_PERCENTAGES",
                f"{percent_header}: expected percentages by year such as '50, 100', got {text!r}",
                sheet.at(r, cols[percent_header]),
                text,
            )
            return None, False
        values.append(value)
    try:
        if which == "ramp":
            return Profile(start or None, ramp=tuple(values) or (Decimal(100),)), True
        return Profile(start or None, one_off_timing=tuple(values) or (Decimal(100),)), True
    except PhasingError as exc:
        reader.error("BAD_PERCENTAGES", f"{percent_header}: {exc}", sheet.at(r, cols[percent_header]), text)
        return None, False


def _low_high(reader: _Reader, sheet: _Sheet, r: int, cols: dict[str, int], what: str) -> Range | None:
    """A line's Low and High (£000s); None, reported, when either is blank or not a number."""
    low = reader.number(sheet, r, cols["Low (£000s)"], "Low", money=True)
    high = reader.number(sheet, r, cols["High (£000s)"], "High", money=True)
    if low is not None and high is not None:
        return Range(low, high)
    blank = [
        h for h, v in (("Low (£000s)", low), ("High (£000s)", high)) if v is None and sheet.get(r, cols[h]) is None
    ]
    if blank:  # a value that was there but invalid has been reported already
        reader.error("VALUE_MISSING", f"{what}: give both Low and High (0 if none)", sheet.at(r, cols[blank[0]]))
    return None


def _partners_text(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r",|\band\b|;", text) if p.strip())


def _setup(reader: _Reader) -> ProgrammeSetup:
    sheet = reader.sheet(s.LISTS)
    if sheet is None:
        return ProgrammeSetup((), ())
    headers = {parse_text(sheet.get(0, c)): c for c in range(len(sheet.rows[0]) if sheet.rows else 0)}
    codes = headers.get("Partner code")
    names = headers.get("Partner name")
    services = headers.get("Service area")
    partners: list[Partner] = []
    service_list: list[str] = []
    for r in range(1, len(sheet.rows)):
        if codes is not None and reader.text(sheet, r, codes):
            partners.append(
                Partner(reader.text(sheet, r, codes), reader.text(sheet, r, names) if names is not None else "")
            )
        if services is not None and reader.text(sheet, r, services):
            service_list.append(reader.text(sheet, r, services))
    return ProgrammeSetup(tuple(partners), tuple(service_list))


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
    return Cover(
        template,
        text("version"),
        text("financial_year"),
        text("contact"),
        text("email"),
        submitted,
        text("submission_version"),
    )


def _read_partner_return(
    reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup
) -> PartnerReturn | None:
    cover = _cover_common(reader, cover_values, s.PARTNER_RETURN)
    code_raw, code_at = cover_values.get("partner_code", (None, Location(reader.file, s.COVER)))
    code = parse_text(code_raw)
    if code and (problem := code_problem(code)):
        reader.error("BAD_CODE", f"Partner code: {problem}", code_at, code[:100])
    known = [p.code for p in setup.partners]
    if not code:
        reader.error("PARTNER_MISSING", "choose your partner code on the cover", code_at)
    elif known and code not in known:
        reader.error(
            "PARTNER_UNKNOWN",
            f"partner code {code!r} is not in the programme's list ({', '.join(known)})",
            code_at,
            code,
        )
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

    sheet = reader.sheet(s.BASELINE)
    entries: list[BaselineEntry] = []
    if sheet is not None:
        table = reader.table(sheet, s.BASELINE_HEADERS)
        if table is not None:
            cols, rows = table
            services = list(setup.services)
            for r in rows:
                service = reader.text(sheet, r, cols["Service area"])
                gross = reader.number(sheet, r, cols["Gross direct cost (£000s)"], "Gross direct cost", money=True)
                charges = reader.number(
                    sheet, r, cols["Charges from other partners (£000s)"], "Charges from other partners", money=True
                )
                net = reader.number(sheet, r, cols["Net baseline (£000s)"], "Net baseline", money=True)
                fte = reader.number(sheet, r, cols["FTE"], "FTE")
                where = sheet.at(r, 0)
                if not service:
                    reader.error("SERVICE_MISSING", "a baseline row has figures but no service area", where)
                    continue
                if services and service not in services:
                    reader.error(
                        "SERVICE_UNKNOWN", f"service area {service!r} is not in the programme's list", where, service
                    )
                    continue
                if net is None and gross is None and fte is None:
                    continue  # a listed service left blank: not part of this partner's return
                if net is None:
                    if gross is None and sheet.get(r, cols["Net baseline (£000s)"]) is None:
                        reader.error(
                            "VALUE_MISSING",
                            f"{service}: give the net baseline (or gross direct cost and charges)",
                            sheet.at(r, cols["Net baseline (£000s)"]),
                        )
                        continue
                    if gross is None:
                        continue  # the net figure was there but invalid: already reported
                    net = gross - (charges or Decimal(0))
                if fte is None:
                    reader.warn("VALUE_MISSING", f"{service}: FTE is blank and is taken as 0", sheet.at(r, cols["FTE"]))
                    fte = Decimal(0)
                for header, value in (
                    ("Gross direct cost (£000s)", gross),
                    ("Charges from other partners (£000s)", charges),
                    ("FTE", fte),
                ):
                    if value is not None and value < 0:
                        reader.error(
                            "NEGATIVE",
                            f"{service}: {header} cannot be negative ({value})",
                            sheet.at(r, cols[header]),
                            str(value),
                        )
                if net < 0:
                    reader.warn(
                        "NEGATIVE",
                        f"{service}: the net baseline is negative ({net}); check the charges from other partners",
                        sheet.at(r, cols["Net baseline (£000s)"]),
                        str(net),
                    )
                entries.append(
                    BaselineEntry(code, service, net, fte, gross, charges, reader.text(sheet, r, cols["Notes"]), where)
                )
    control = (
        ControlTotal(code, stated_net, stated_fte, net_at, fte_at)
        if (stated_net is not None or stated_fte is not None)
        else None
    )
    return PartnerReturn(cover, Partner(code, name), tuple(entries), control, setup, reader.file)


def _read_proposal(
    reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup
) -> WorkstreamProposal | None:
    cover = _cover_common(reader, cover_values, s.WORKSTREAM_PROPOSAL)
    service_raw, service_at = cover_values.get("service", (None, Location(reader.file, s.COVER)))
    service = parse_text(service_raw)
    if not service:
        reader.error("SERVICE_MISSING", "choose the service area on the cover", service_at)
    elif setup.services and service not in setup.services:
        reader.error("SERVICE_UNKNOWN", f"service area {service!r} is not in the programme's list", service_at, service)
    codes = [p.code for p in setup.partners]

    def partner_cell(sheet: _Sheet, r: int, col: int, what: str) -> str:
        code = reader.code(sheet, r, col, what)
        if code and codes and code not in codes:
            reader.error(
                "PARTNER_UNKNOWN",
                f"{what}: partner code {code!r} is not in the programme's list ({', '.join(codes)})",
                sheet.at(r, col),
                code,
            )
        return code

    options: list[ParticipationOption] = []
    sheet = reader.sheet(s.OPTIONS)
    if sheet is not None and (table := reader.table(sheet, s.OPTION_HEADERS)) is not None:
        cols, rows = table
        percent_cols = {h[len(s.PERCENT_PREFIX) :]: c for h, c in cols.items() if h.startswith(s.PERCENT_PREFIX)}
        for r in rows:
            name = reader.text(sheet, r, cols["Option"])
            where = sheet.at(r, cols["Option"])
            if not name:
                reader.error("VALUE_MISSING", "an option row has no name", where)
                continue
            partners = _partners_text(reader.text(sheet, r, cols["Partners"]))
            for p in partners:
                if problem := code_problem(p):
                    reader.error("BAD_CODE", f"option {name!r}: {problem}", sheet.at(r, cols["Partners"]), p)
                elif codes and p not in codes:
                    reader.error(
                        "PARTNER_UNKNOWN",
                        f"option {name!r}: partner code {p!r} is not in the programme's list ({', '.join(codes)})",
                        sheet.at(r, cols["Partners"]),
                        p,
                    )
            if not partners:
                reader.error(
                    "VALUE_MISSING",
                    f"option {name!r}: list the participating partners, e.g. 'HC, HCC'",
                    sheet.at(r, cols["Partners"]),
                )
            default = (
                (_choice(reader, sheet, r, cols["Default"], (s.YES, s.NO), "Default") or s.NO) == s.YES
                if reader.text(sheet, r, cols["Default"])
                else False
            )
            method_text = _choice(reader, sheet, r, cols["Method"], s.METHODS, "Method")
            method = Method(method_text) if method_text else Method.NONE
            minimum = reader.number(sheet, r, cols["Minimum %"], "Minimum %")
            if minimum is not None and minimum != minimum.to_integral_value():
                reader.error("NOT_WHOLE", "Minimum % must be a whole number", sheet.at(r, cols["Minimum %"]), minimum)
            percentages = {}
            if method is Method.FIXED:
                for code, col in percent_cols.items():
                    value = reader.number(sheet, r, col, f"% {code}")
                    if value is not None:
                        percentages[code] = value
            bearer = partner_cell(sheet, r, cols["Sole bearer"], f"option {name!r} sole bearer")
            rule = ApportionmentRule(
                method,
                percentages,
                reader.text(sheet, r, cols["Driver"]),
                bearer,
                int(minimum) if minimum is not None else 1,
                where,
            )
            if method is Method.FIXED and sum(percentages.values(), Decimal(0)) != 100:
                reader.error(
                    "PERCENT_SUM",
                    f"option {name!r}: the percentages add up to {sum(percentages.values(), Decimal(0))}, not 100",
                    where,
                    str(sum(percentages.values(), Decimal(0))),
                )
            if method is Method.DRIVER and not rule.driver:
                reader.error(
                    "VALUE_MISSING",
                    f"option {name!r}: the method is 'driver': name the driver (and give its values on the Drivers sheet)",
                    sheet.at(r, cols["Driver"]),
                )
            if method is Method.SOLE_BEARER and not bearer:
                reader.error(
                    "VALUE_MISSING",
                    f"option {name!r}: the method is 'sole bearer': name the partner",
                    sheet.at(r, cols["Sole bearer"]),
                )
            options.append(ParticipationOption(name, partners, rule, default, where))
        defaults = [o for o in options if o.default]
        if len(options) > 1 and len(defaults) != 1:
            reader.error(
                "DEFAULT_OPTION",
                f"{len(options)} options and {len(defaults)} marked default: mark exactly one as default",
                Location(reader.file, s.OPTIONS),
            )

    drivers: list[DriverValue] = []
    sheet = reader.sheet(s.DRIVERS)
    if sheet is not None and (table := reader.table(sheet, s.DRIVER_HEADERS)) is not None:
        cols, rows = table
        partner_cols = {h: c for h, c in cols.items() if h not in ("Driver", "Basis")}
        for h, c in partner_cols.items():
            if problem := code_problem(h):
                reader.error("BAD_CODE", f"Drivers column heading: {problem}", sheet.at(s.HEADER_ROW, c), h)
        for r in rows:
            driver = reader.text(sheet, r, cols["Driver"])
            basis = reader.text(sheet, r, cols["Basis"]) if "Basis" in cols else ""
            if not driver:
                reader.error("VALUE_MISSING", "a driver row has values but no driver name", sheet.at(r, cols["Driver"]))
                continue
            for code, col in partner_cols.items():
                value = reader.number(sheet, r, col, f"driver {driver!r} for {code}")
                if value is None:
                    continue
                if value < 0:
                    reader.error(
                        "NEGATIVE",
                        f"driver {driver!r} for {code} is negative; drivers are 0 or more",
                        sheet.at(r, col),
                        value,
                    )
                    continue
                drivers.append(DriverValue(service, driver, code, value, basis, sheet.at(r, col)))

    lines: list[SavingLine] = []
    sheet = reader.sheet(s.SAVINGS)
    if sheet is not None and (table := reader.table(sheet, s.SAVING_HEADERS)) is not None:
        cols, rows = table
        for r in rows:
            description = reader.text(sheet, r, cols["Description"])
            where = sheet.at(r, cols["Description"])
            category_text = _choice(reader, sheet, r, cols["Category"], s.CATEGORIES, "Category")
            estimate = _low_high(reader, sheet, r, cols, f"saving line {description!r}")
            if estimate is None:
                continue
            low, high = estimate.low, estimate.high
            if not description:
                reader.warn("VALUE_MISSING", "a saving line has no description", where)
            bearer = partner_cell(sheet, r, cols["Sole bearer"], "sole bearer")
            condition = partner_cell(sheet, r, cols["Only if partner participates"], "only if partner participates")
            profile, ok = _profile(reader, sheet, r, cols, "Start year", "Ramp (% of full year, by year)", "ramp")
            if category_text and ok:
                lines.append(
                    SavingLine(
                        service,
                        description,
                        Category(category_text),
                        Range(low, high),
                        bearer or None,
                        condition or None,
                        reader.text(sheet, r, cols["Notes"]),
                        where,
                        profile,
                    )
                )

    costs: list[OneOffCost] = []
    sheet = reader.sheet(s.ONE_OFF)
    if sheet is not None and (table := reader.table(sheet, s.ONE_OFF_HEADERS)) is not None:
        cols, rows = table
        for r in rows:
            description = reader.text(sheet, r, cols["Description"])
            where = sheet.at(r, cols["Description"])
            kind = _choice(reader, sheet, r, cols["Type"], s.ONE_OFF_TYPES, "Type")
            estimate = _low_high(reader, sheet, r, cols, f"one-off cost {description!r}")
            if estimate is None:
                continue
            low, high = estimate.low, estimate.high
            if low < 0 or high < 0:
                reader.warn(
                    "NEGATIVE",
                    f"one-off cost {description!r} is negative (income); check the sign: costs are positive",
                    where,
                )
            profile, ok = _profile(reader, sheet, r, cols, "Year", "Timing (% by year)", "timing")
            bearer = partner_cell(sheet, r, cols["Sole bearer"], "sole bearer")
            condition = partner_cell(sheet, r, cols["Only if partner participates"], "only if partner participates")
            if kind and ok:
                costs.append(
                    OneOffCost(
                        service,
                        description,
                        OneOffType(kind),
                        Range(low, high),
                        reader.text(sheet, r, cols["Notes"]),
                        where,
                        profile,
                        bearer or None,
                        condition or None,
                    )
                )

    area = ServiceArea(service, tuple(options), service_at)
    return WorkstreamProposal(cover, area, tuple(lines), tuple(costs), tuple(drivers), setup, reader.file)


def _taken(submission: PartnerReturn | WorkstreamProposal) -> str:
    if isinstance(submission, PartnerReturn):
        totals = " and stated totals" if submission.control_total else ""
        return f"partner {submission.partner.code}: {len(submission.baseline)} baseline rows{totals}"
    return (
        f"{submission.service.name}: {len(submission.service.options)} options, {len(submission.saving_lines)} saving lines, "
        f"{len(submission.one_off_costs)} one-off costs, {len(submission.drivers)} driver values"
    )


TEMPLATE_SHEETS = {
    s.PARTNER_RETURN: (s.INSTRUCTIONS, s.COVER, s.BASELINE, s.LISTS),
    s.WORKSTREAM_PROPOSAL: (s.INSTRUCTIONS, s.COVER, s.OPTIONS, s.DRIVERS, s.SAVINGS, s.ONE_OFF, s.LISTS),
}


def _sheet_checks(reader: _Reader, template: str) -> None:
    """Formula errors, formulas with no stored result, hidden and extra sheets: all located."""
    expected = TEMPLATE_SHEETS[template]
    for facts in reader.inspection.sheets:
        where = Location(reader.file, facts.name)
        if facts.name not in expected:
            if facts.cells:
                reader.error(
                    "EXTRA_SHEET",
                    f"the sheet '{facts.name}' is not part of the template and its contents would not be read: move the figures into the template's sheets, or delete the sheet",
                    where,
                )
            else:
                reader.warn(
                    "EXTRA_SHEET", f"the empty sheet '{facts.name}' is not part of the template and is ignored", where
                )
            continue
        if facts.hidden:
            reader.warn(
                "HIDDEN_SHEET",
                f"the template sheet '{facts.name}' has been hidden; it is read as usual: unhide it to check it",
                where,
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
                f"the cells {ref} are merged: only the first holds a value, the others are read as empty; unmerge them (Home > Merge & Center) and check each figure",
                Location(reader.file, facts.name, ref.partition(":")[0]),
            )
        for ref in facts.formulas_without_result:
            reader.error(
                "FORMULA_NO_RESULT",
                "the cell holds a formula with no stored result (the file was not saved by a spreadsheet application that calculates): open it in Excel, let it calculate, save it, or type the figure",
                Location(reader.file, facts.name, ref),
            )
    for name in expected:
        if name not in reader.book.sheet_names:
            similar = [
                n for n in reader.book.sheet_names if n.lower().replace(" ", "") == name.lower().replace(" ", "")
            ]
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
            Severity.ERROR,
            "FILE_UNREADABLE",
            f"the file cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); save it again as an Excel workbook (.xlsx)",
            Location(name),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", (*inspection.findings, finding))
    reader = _Reader(name, book, inspection)
    reader.findings.extend(inspection.findings)
    try:
        return _read(reader, digest)
    except _Unreadable as exc:  # calamine can still fail part-way on a damaged sheet
        finding = Finding(
            Severity.ERROR,
            "FILE_UNREADABLE",
            f"the sheet could not be read ({exc}); save the workbook again from Excel as .xlsx",
            Location(name, exc.sheet),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", (*reader.findings, finding))


def _read(reader: _Reader, digest: str) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    name = reader.file
    if s.COVER not in reader.book.sheet_names:
        reader.error(
            "NOT_A_TEMPLATE",
            f"there is no '{s.COVER}' sheet, so this is not a jwmodel template; sheets are: {', '.join(reader.book.sheet_names)}; use the partner return or workstream proposal template",
            Location(name),
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    cover_sheet = reader.sheet(s.COVER)
    assert cover_sheet is not None
    template, template_at = "", Location(name, s.COVER)
    for r in range(len(cover_sheet.rows)):
        if parse_text(cover_sheet.get(r, 0)) == "Template":
            template, template_at = parse_text(cover_sheet.get(r, 1)), cover_sheet.at(r, 1)
    fields = {s.PARTNER_RETURN: s.PARTNER_COVER, s.WORKSTREAM_PROPOSAL: s.PROPOSAL_COVER}.get(template)
    if fields is None:
        reader.error(
            "TEMPLATE_UNKNOWN",
            f"the cover names the template {template!r}; use the '{s.PARTNER_RETURN}' or '{s.WORKSTREAM_PROPOSAL}' template, version {s.VERSION}",
            template_at,
            template,
        )
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    kind = "partner return" if template == s.PARTNER_RETURN else "workstream proposal"
    values = reader.cover(cover_sheet, fields)
    version = parse_text(values.get("version", (None, None))[0])
    if version != s.VERSION:
        shown = f"version {version!r}" if version else "no version"
        reader.error(
            "TEMPLATE_VERSION",
            f"the cover gives {shown}; this is not a supported version: use the '{template}' template, version {s.VERSION}",
            values.get("version", (None, Location(name, s.COVER)))[1],
            version,
        )
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", tuple(reader.findings))
    _sheet_checks(reader, template)
    setup = _setup(reader)
    reading = _read_partner_return if template == s.PARTNER_RETURN else _read_proposal
    submission = reading(reader, values, setup)
    findings = tuple(reader.findings)
    if any(f.severity is Severity.ERROR for f in findings) or submission is None:
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", findings)
    status = Status.WARNINGS if findings else Status.ACCEPTED
    return submission, SourceRecord(name, digest, kind, status, _taken(submission), findings)


def read_submission(
    path: str | Path, *, limits: Limits = Limits()
) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    """Read one submitted workbook from disk (see ``jwmodel.excel.intake`` for folders)."""
    from jwmodel.excel.intake import read_regular_file

    path = Path(path)
    data, problem = read_regular_file(path, limits)
    if problem is not None:
        return None, SourceRecord(path.name, "", "unknown", Status.REJECTED, "", (problem,))
    return read_workbook_bytes(data, path.name, limits=limits)
