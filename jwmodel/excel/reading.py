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
from jwmodel.excel.cells import CellError, parse_date, parse_number, parse_text, to_pounds
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
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, SourceRecord, Status, WorkstreamProposal

__all__ = ["SourceRecord", "Status", "read_submission", "read_folder", "sha256_of"]


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


class _Reader:
    def __init__(self, file: str, book: python_calamine.CalamineWorkbook) -> None:
        self.file = file
        self.book = book
        self.findings: list[Finding] = []

    def error(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(Severity.ERROR, code, message, where, value))

    def warn(self, code: str, message: str, where: Location, value: object = None) -> None:
        self.findings.append(Finding(Severity.WARNING, code, message, where, value))

    def sheet(self, name: str) -> _Sheet | None:
        if name not in self.book.sheet_names:
            self.error("SHEET_MISSING", f"the sheet '{name}' is missing; sheets are: {', '.join(self.book.sheet_names)}; start again from the current template", Location(self.file, name))
            return None
        rows = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return _Sheet(self.file, name, rows)

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
                self.warn("ROUNDED_TO_POUND", f"{what}: {value} is given to less than £1 and is taken as {rounded} (£000s to 3 decimal places)", sheet.at(row, col), raw)
            value = rounded
        return value

    def text(self, sheet: _Sheet, row: int, col: int) -> str:
        return parse_text(sheet.get(row, col))

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
                self.error("COVER_FIELD_MISSING", f"the cover has no '{f.label}' row; start again from the current template", Location(self.file, sheet.name))
        return found

    def table(self, sheet: _Sheet, required: Sequence[str]) -> tuple[dict[str, int], list[int]] | None:
        """Header columns and the row numbers holding data, for the table headed by ``required``."""
        for r in range(min(len(sheet.rows), 50)):
            if parse_text(sheet.get(r, 0)) == required[0]:
                headers = {parse_text(sheet.get(r, c)): c for c in range(len(sheet.rows[r])) if parse_text(sheet.get(r, c))}
                missing = [h for h in required if h not in headers]
                if missing:
                    self.error("HEADER_MISSING", f"the table is missing the column(s) {', '.join(repr(h) for h in missing)}; start again from the current template", sheet.at(r, 0))
                    return None
                width = max(headers.values()) + 1
                data = [i for i in range(r + 1, len(sheet.rows)) if any(sheet.get(i, c) is not None for c in range(width))]
                return headers, data
        self.error("TABLE_MISSING", f"no table headed '{required[0]}' on this sheet; start again from the current template", Location(self.file, sheet.name))
        return None


def _choice(reader: _Reader, sheet: _Sheet, row: int, col: int, choices: Iterable[str], what: str) -> str | None:
    value = reader.text(sheet, row, col)
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return lowered[value.lower()]
    reader.error("NOT_IN_LIST", f"{what} must be one of: {', '.join(options)}; got {value!r}", sheet.at(row, col), value)
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
            partners.append(Partner(reader.text(sheet, r, codes), reader.text(sheet, r, names) if names is not None else ""))
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
    for key, label in (("financial_year", "Financial year"), ("contact", "Contact name")):
        if key in values and not text(key):
            reader.warn("COVER_BLANK", f"'{label}' is blank on the cover; fill it in", values[key][1])
    return Cover(template, text("version"), text("financial_year"), text("contact"), text("email"), submitted, text("submission_version"))


def _read_partner_return(reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup) -> PartnerReturn | None:
    cover = _cover_common(reader, cover_values, s.PARTNER_RETURN)
    code_raw, code_at = cover_values.get("partner_code", (None, Location(reader.file, s.COVER)))
    code = parse_text(code_raw)
    known = [p.code for p in setup.partners]
    if not code:
        reader.error("PARTNER_MISSING", "choose your partner code on the cover", code_at)
    elif known and code not in known:
        reader.error("PARTNER_UNKNOWN", f"partner code {code!r} is not in the programme's list ({', '.join(known)})", code_at, code)
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
                charges = reader.number(sheet, r, cols["Charges from other partners (£000s)"], "Charges from other partners", money=True)
                net = reader.number(sheet, r, cols["Net baseline (£000s)"], "Net baseline", money=True)
                fte = reader.number(sheet, r, cols["FTE"], "FTE")
                where = sheet.at(r, 0)
                if not service:
                    reader.error("SERVICE_MISSING", "a baseline row has figures but no service area", where)
                    continue
                if services and service not in services:
                    reader.error("SERVICE_UNKNOWN", f"service area {service!r} is not in the programme's list", where, service)
                    continue
                if net is None and gross is None and fte is None:
                    continue  # a listed service left blank: not part of this partner's return
                if net is None:
                    if gross is None:
                        reader.error("VALUE_MISSING", f"{service}: give the net baseline (or gross direct cost and charges)", sheet.at(r, cols["Net baseline (£000s)"]))
                        continue
                    net = gross - (charges or Decimal(0))
                if fte is None:
                    reader.warn("VALUE_MISSING", f"{service}: FTE is blank and is taken as 0", sheet.at(r, cols["FTE"]))
                    fte = Decimal(0)
                entries.append(BaselineEntry(code, service, net, fte, gross, charges, reader.text(sheet, r, cols["Notes"]), where))
    control = ControlTotal(code, stated_net, stated_fte, net_at, fte_at) if (stated_net is not None or stated_fte is not None) else None
    return PartnerReturn(cover, Partner(code, name), tuple(entries), control, setup, reader.file)


def _read_proposal(reader: _Reader, cover_values: dict[str, tuple[object, Location]], setup: ProgrammeSetup) -> WorkstreamProposal | None:
    cover = _cover_common(reader, cover_values, s.WORKSTREAM_PROPOSAL)
    service_raw, service_at = cover_values.get("service", (None, Location(reader.file, s.COVER)))
    service = parse_text(service_raw)
    if not service:
        reader.error("SERVICE_MISSING", "choose the service area on the cover", service_at)
    elif setup.services and service not in setup.services:
        reader.error("SERVICE_UNKNOWN", f"service area {service!r} is not in the programme's list", service_at, service)
    codes = [p.code for p in setup.partners]

    def partner_cell(sheet: _Sheet, r: int, col: int, what: str) -> str:
        code = reader.text(sheet, r, col)
        if code and codes and code not in codes:
            reader.error("PARTNER_UNKNOWN", f"{what}: partner code {code!r} is not in the programme's list ({', '.join(codes)})", sheet.at(r, col), code)
        return code

    options: list[ParticipationOption] = []
    sheet = reader.sheet(s.OPTIONS)
    if sheet is not None and (table := reader.table(sheet, s.OPTION_HEADERS)) is not None:
        cols, rows = table
        percent_cols = {h[len(s.PERCENT_PREFIX):]: c for h, c in cols.items() if h.startswith(s.PERCENT_PREFIX)}
        for r in rows:
            name = reader.text(sheet, r, cols["Option"])
            where = sheet.at(r, cols["Option"])
            if not name:
                reader.error("VALUE_MISSING", "an option row has no name", where)
                continue
            partners = _partners_text(reader.text(sheet, r, cols["Partners"]))
            for p in partners:
                if codes and p not in codes:
                    reader.error("PARTNER_UNKNOWN", f"option {name!r}: partner code {p!r} is not in the programme's list ({', '.join(codes)})", sheet.at(r, cols["Partners"]), p)
            if not partners:
                reader.error("VALUE_MISSING", f"option {name!r}: list the participating partners, e.g. 'HC, HCC'", sheet.at(r, cols["Partners"]))
            default = (_choice(reader, sheet, r, cols["Default"], (s.YES, s.NO), "Default") or s.NO) == s.YES if reader.text(sheet, r, cols["Default"]) else False
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
            rule = ApportionmentRule(method, percentages, reader.text(sheet, r, cols["Driver"]), bearer, int(minimum) if minimum is not None else 1, where)
            options.append(ParticipationOption(name, partners, rule, default, where))

    drivers: list[DriverValue] = []
    sheet = reader.sheet(s.DRIVERS)
    if sheet is not None and (table := reader.table(sheet, s.DRIVER_HEADERS)) is not None:
        cols, rows = table
        partner_cols = {h: c for h, c in cols.items() if h not in ("Driver", "Basis")}
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
                    reader.error("NEGATIVE", f"driver {driver!r} for {code} is negative; drivers are 0 or more", sheet.at(r, col), value)
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
            low = reader.number(sheet, r, cols["Low (£000s)"], "Low", money=True)
            high = reader.number(sheet, r, cols["High (£000s)"], "High", money=True)
            if low is None or high is None:
                reader.error("VALUE_MISSING", f"saving line {description!r}: give both Low and High (0 if none)", sheet.at(r, cols["Low (£000s)" if low is None else "High (£000s)"]))
                continue
            if not description:
                reader.warn("VALUE_MISSING", "a saving line has no description", where)
            bearer = partner_cell(sheet, r, cols["Sole bearer"], "sole bearer")
            condition = partner_cell(sheet, r, cols["Only if partner participates"], "only if partner participates")
            if category_text:
                lines.append(SavingLine(service, description, Category(category_text), Range(low, high), bearer or None, condition or None, reader.text(sheet, r, cols["Notes"]), where))

    costs: list[OneOffCost] = []
    sheet = reader.sheet(s.ONE_OFF)
    if sheet is not None and (table := reader.table(sheet, s.ONE_OFF_HEADERS)) is not None:
        cols, rows = table
        for r in rows:
            description = reader.text(sheet, r, cols["Description"])
            where = sheet.at(r, cols["Description"])
            kind = _choice(reader, sheet, r, cols["Type"], s.ONE_OFF_TYPES, "Type")
            low = reader.number(sheet, r, cols["Low (£000s)"], "Low", money=True)
            high = reader.number(sheet, r, cols["High (£000s)"], "High", money=True)
            if low is None or high is None:
                reader.error("VALUE_MISSING", f"one-off cost {description!r}: give both Low and High", sheet.at(r, cols["Low (£000s)" if low is None else "High (£000s)"]))
                continue
            if kind:
                costs.append(OneOffCost(service, description, OneOffType(kind), Range(low, high), reader.text(sheet, r, cols["Notes"]), where))

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


def read_submission(path: str | Path) -> tuple[PartnerReturn | WorkstreamProposal | None, SourceRecord]:
    """Read one submitted workbook; never raises for a bad file, it reports it."""
    path = Path(path)
    name = path.name
    data = path.read_bytes()
    digest = sha256_of(data)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        finding = Finding(Severity.ERROR, "FILE_UNREADABLE", f"the file cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); save it again as an Excel workbook (.xlsx)", Location(name))
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", (finding,))
    reader = _Reader(name, book)
    cover_sheet = reader.sheet(s.COVER)
    if cover_sheet is None:
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    template = ""
    for r in range(len(cover_sheet.rows)):
        if parse_text(cover_sheet.get(r, 0)) == "Template":
            template = parse_text(cover_sheet.get(r, 1))
    fields = {s.PARTNER_RETURN: s.PARTNER_COVER, s.WORKSTREAM_PROPOSAL: s.PROPOSAL_COVER}.get(template)
    if fields is None:
        reader.error("TEMPLATE_UNKNOWN", f"the cover names the template {template!r}; use the jwmodel partner return or workstream proposal template", Location(name, s.COVER))
        return None, SourceRecord(name, digest, "unknown", Status.REJECTED, "", tuple(reader.findings))
    kind = "partner return" if template == s.PARTNER_RETURN else "workstream proposal"
    values = reader.cover(cover_sheet, fields)
    version = parse_text(values.get("version", (None, None))[0])
    if version != s.VERSION:
        reader.error("TEMPLATE_VERSION", f"template version {version!r} is not supported; use the {template} template version {s.VERSION}", values.get("version", (None, Location(name, s.COVER)))[1], version)
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", tuple(reader.findings))
    setup = _setup(reader)
    reading = _read_partner_return if template == s.PARTNER_RETURN else _read_proposal
    submission = reading(reader, values, setup)
    findings = tuple(reader.findings)
    if any(f.severity is Severity.ERROR for f in findings) or submission is None:
        return None, SourceRecord(name, digest, kind, Status.REJECTED, "", findings)
    status = Status.WARNINGS if findings else Status.ACCEPTED
    return submission, SourceRecord(name, digest, kind, status, _taken(submission), findings)


def read_folder(folder: str | Path, *, progress: bool | None = None) -> tuple[list[PartnerReturn], list[WorkstreamProposal], list[SourceRecord]]:
    """Read every .xlsx at the top of ``folder``; everything else there is listed as skipped."""
    from tqdm import tqdm

    folder = Path(folder)
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    returns: list[PartnerReturn] = []
    proposals: list[WorkstreamProposal] = []
    records: list[SourceRecord] = []
    for entry in tqdm(entries, desc="Reading returns", unit="file", disable=(not progress) if progress is not None else None):
        if entry.name.startswith(("~$", ".~lock.")) or not entry.is_file() or entry.is_symlink() or entry.suffix.lower() != ".xlsx":
            why = "not a regular .xlsx file" if entry.suffix.lower() != ".xlsx" or not entry.is_file() or entry.is_symlink() else "an Office lock or temporary file"
            records.append(SourceRecord(entry.name, "", "other", Status.SKIPPED, why))
            continue
        submission, record = read_submission(entry)
        records.append(record)
        if isinstance(submission, PartnerReturn):
            returns.append(submission)
        elif isinstance(submission, WorkstreamProposal):
            proposals.append(submission)
    return returns, proposals, records
