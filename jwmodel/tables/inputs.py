"""The input tables, declared once: what partners and workstreams type, and the model workbook holds.

Each :class:`~jwmodel.tables.Table` below is the one layout of its table. The templates
(``jwmodel.excel.templates``), the return reader (``jwmodel.excel.reading``), the model workbook
(``jwmodel.layout`` and ``jwmodel.excel.model_workbook``) and the add-in's conversion
(``jwaddin.convert``) all iterate these columns, so a column declared here appears in all of them.

Columns with ``scope=Scope.MODEL`` appear only in the model workbook, which holds every partner's
and service area's rows in one table; a template names its partner or service area on its cover.

The row-to-domain rules that are not about reading one cell live here too, once: how a list of
partners is typed (:func:`split_partners`), how a phasing profile is typed in two cells
(:func:`profile_cells`, :func:`profile_from_cells`), and what happens to a value in a declared column
that no domain field takes (:func:`with_extras`: it is kept, appended to the row's note as
``Header: value``, so nothing typed is silently dropped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from jwmodel.conditions import Condition, ConditionError, parse_condition
from jwmodel.errors import JwmodelError
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
    Recharge,
    RechargeDirection,
    SavingLine,
    SavingsTarget,
)
from jwmodel.phasing import PhasingError, Profile, financial_years
from jwmodel.tables import Column, Kind, Scope, Table

__all__ = [
    "YES",
    "NO",
    "HEADER_ROW",
    "PARTNERS",
    "BASELINE",
    "OPTIONS",
    "DRIVERS",
    "SAVING_LINES",
    "ONE_OFF_COSTS",
    "INPUT_TABLES",
    "TARGETS",
    "target_cells",
    "RECHARGES",
    "recharge_cells",
    "RowProblem",
    "split_partners",
    "join_partners",
    "profile_cells",
    "profile_from_cells",
    "rule_from_cell",
    "rule_cell",
    "condition_from_cell",
    "condition_cell",
    "check_financial_year",
    "unmapped",
    "with_extras",
    "row_of",
    "kinds_of",
    "partner_cells",
    "baseline_cells",
    "option_cells",
    "driver_cells",
    "saving_line_cells",
    "one_off_cells",
]

YES, NO = "Yes", "No"
HEADER_ROW = 3  # 0-based: on its sheet, every input table's headers are on row 4, under a title and guidance
_CATEGORIES = tuple(c.value for c in Category)
_ONE_OFF_TYPES = tuple(t.value for t in OneOffType)
_METHODS = tuple(m.value for m in Method)

_SERVICE = Column(
    "service", "Service area", Kind.TEXT, required=True, help="The service area the row is for", scope=Scope.MODEL
)
_NOTES = Column("note", "Notes", help="Anything a reader of the figures should know")
_LOW = Column("low", "Low (£000s)", Kind.MONEY, required=True, help="The prudent figure")
_HIGH = Column("high", "High (£000s)", Kind.MONEY, required=True, help="The optimistic figure")
_SOLE = Column("sole_bearer", "Sole bearer", Kind.CODE, help="The one partner that bears the whole line")
# A line's own rule (issue 12; read by rule_from_cell): optional, so older files read as before.
_SPLIT = Column(
    "rule",
    "Own split",
    help=(
        "Blank: the service area's rule. Or the line's own split among the option's partners: 'share of "
        "baseline', 'share of baseline (FTE)', 'driver: headcount', 'fixed: EHC 40%, SBC 60%', 'sole bearer: EHC'; "
        "add '; minimum 5%' to change the 1% floor"
    ),
    optional=True,
)
# When a line applies (issue 12; read by jwmodel.conditions): older files' "Only if partner participates"
# column, holding one partner code, is read into it ("NHDC" means "NHDC joins").
_APPLIES_IF = Column(
    "condition",
    "Applies if",
    help=(
        "Blank: always. Or when the line applies: 'NHDC joins', 'NHDC does not join', "
        "'option \"EHC, SBC and NHDC\"', 'EHC joins and NHDC joins', 'NHDC joins or SBC joins', 'not (...)'"
    ),
    aliases=("Only if partner participates",),
)

PARTNERS = Table(
    "partners",
    "Partners",
    (
        Column("code", "Code", Kind.CODE, required=True, help="The partner's code, plain letters (HC)"),
        Column("name", "Name", help="The partner's full name"),
        Column(
            "stated_net",
            "Stated net baseline (£000s)",
            Kind.MONEY,
            help="The partner's own control total for its baseline rows",
        ),
        Column("stated_fte", "Stated FTE", Kind.FTE, help="The partner's own control total of FTE"),
    ),
    excel_name="PartnersTable",
    sheet="Partners",
)

BASELINE = Table(
    "baseline",
    "Financial baseline by service area (£000s, FTE)",
    (
        Column("partner", "Partner", Kind.CODE, required=True, help="The partner's code", scope=Scope.MODEL),
        Column("service", "Service area", Kind.TEXT, required=True, help="The service area the row is for"),
        Column("gross", "Gross direct cost (£000s)", Kind.MONEY, help="Before charges from the other partners"),
        Column("charges", "Charges from other partners (£000s)", Kind.MONEY, help="Deducted from gross"),
        Column(
            "net",
            "Net baseline (£000s)",
            Kind.MONEY,
            required=True,
            help="Gross less charges; may be left blank when gross is given",
        ),
        Column("fte", "FTE", Kind.FTE, help="Full-time equivalent staff in the service"),
        _NOTES,
    ),
    excel_name="BaselineTable",
    sheet="Baseline",
)

OPTIONS = Table(
    "options",
    "Participation options and apportionment rules",
    (
        _SERVICE,
        Column("option", "Option", required=True, help="The option's name, e.g. 'All partners'"),
        Column("partners", "Partners", required=True, help="The participating partners' codes, e.g. 'HC, HCC'"),
        Column("default", "Default", Kind.CHOICE, choices=(YES, NO), help="Yes for the option used unless chosen"),
        Column(
            "in_use",
            "In use",
            Kind.CHOICE,
            choices=(YES, NO),
            help="Yes picks this option for its service area (otherwise the default is used)",
            scope=Scope.MODEL,
        ),
        Column("method", "Method", Kind.CHOICE, required=True, choices=_METHODS, help="How amounts are split"),
        Column("driver", "Driver", help="With the driver method: the driver's name (values on the Drivers sheet)"),
        Column("sole_bearer", "Sole bearer", Kind.CODE, help="With the sole bearer method: the partner"),
        Column(
            "minimum_percent",
            "Minimum %",
            Kind.INTEGER,
            help="Split by baseline or a driver: the least whole percentage each participant gets (default 1)",
        ),
        Column(
            "percent", "% {partner}", Kind.PERCENT, per_partner=True, help="With fixed percentages: the partner's %"
        ),
        _NOTES,
        # Participation over time (issue 12; rules in jwmodel.participation): optional, older files read as before.
        Column(
            "from_year",
            "From year",
            Kind.YEAR,
            help="The plan year the option starts in, e.g. 2013/14 (a partner joins or leaves then); blank: every year",
            optional=True,
        ),
        Column(
            "before",
            "Before then",
            help="With a From year: the option in force before that year; blank: the default option",
            optional=True,
        ),
    ),
    excel_name="OptionsTable",
    sheet="Options",
)

DRIVERS = Table(
    "drivers",
    "Drivers: values per partner",
    (
        _SERVICE,
        Column("driver", "Driver", required=True, help="The driver's name, as in the options"),
        Column("value", "{partner}", Kind.NUMBER, per_partner=True, help="The partner's value of the driver"),
        Column("basis", "Basis", help="Where the values come from"),
    ),
    excel_name="DriversTable",
    sheet="Drivers",
)

# A line's stable ID (issue 11; the rules are in jwmodel.identity): optional, so older files read as before.
_LINE_ID_HELP = (
    "The line's stable ID, followed through versions and monitoring returns; left blank it is given from the "
    "service area and row, e.g. {example}, and kept from then on"
)

# Tags against double counting (issue 11; the rules are in jwmodel.targets): optional, older files read as before.
_TAGS = (
    Column(
        "plan_partner",
        "In the plan of",
        Kind.CODE,
        help="The partner whose financial plan already holds this saving; blank for a new saving",
        optional=True,
    ),
    Column(
        "plan_target",
        "Plan target",
        help="Which of that partner's savings targets (the Targets sheet of its return) the line delivers",
        optional=True,
    ),
    Column(
        "also_claimed_by",
        "Also claimed by",
        help="Another programme that also counts this saving, or the ID of another line of this programme",
        optional=True,
    ),
)

SAVING_LINES = Table(
    "saving_lines",
    "Saving lines: recurring full-year cost/(saving), £000s",
    (
        _SERVICE,
        Column("description", "Description", help="What the line is"),
        Column("category", "Category", Kind.CHOICE, required=True, choices=_CATEGORIES, help="Appendix A's column"),
        _LOW,
        _HIGH,
        _SOLE,
        _APPLIES_IF,
        Column("start_year", "Start year", Kind.YEAR, help="The financial year it starts, e.g. 2013/14"),
        Column(
            "ramp",
            "Ramp (% of full year, by year)",
            Kind.PERCENTAGES,
            help="Percent of the full-year effect in each year from the start, e.g. 50, 100",
        ),
        _NOTES,
        Column("line_id", "ID", help=_LINE_ID_HELP.format(example="LD-S01"), optional=True),
        *_TAGS,
        _SPLIT,
    ),
    excel_name="SavingLinesTable",
    sheet="Saving lines",
)

ONE_OFF_COSTS = Table(
    "one_off_costs",
    "One-off costs of change, £000s",
    (
        _SERVICE,
        Column("description", "Description", help="What the cost is"),
        Column("type", "Type", Kind.CHOICE, required=True, choices=_ONE_OFF_TYPES, help="IT, HR or other"),
        _LOW,
        _HIGH,
        _SOLE,
        _APPLIES_IF,
        Column("year", "Year", Kind.YEAR, help="The financial year it is spent from, e.g. 2013/14"),
        Column(
            "timing",
            "Timing (% by year)",
            Kind.PERCENTAGES,
            help="Percent spent in each year from the first, adding up to 100, e.g. 60, 40",
        ),
        _NOTES,
        Column("line_id", "ID", help=_LINE_ID_HELP.format(example="LD-C01"), optional=True),
        _SPLIT,
    ),
    excel_name="OneOffCostsTable",
    sheet="One-off costs",
)

INPUT_TABLES = (PARTNERS, BASELINE, OPTIONS, DRIVERS, SAVING_LINES, ONE_OFF_COSTS)

TARGETS = Table(
    "targets",
    "Financial-plan savings targets by year (£000s of saving, as positive figures)",
    (
        Column("partner", "Partner", Kind.CODE, required=True, help="The partner's code", scope=Scope.MODEL),
        Column(
            "target", "Target", required=True, help="The target's name in your financial plan, e.g. 'MTFP: support'"
        ),
        Column("year", "Year", Kind.YEAR, required=True, help="The financial year, e.g. 2013/14"),
        Column(
            "amount",
            "Saving target (£000s)",
            Kind.MONEY,
            required=True,
            help="The saving your plan must find in the year, as a positive figure",
        ),
        _NOTES,
    ),
    excel_name="TargetsTable",
    sheet="Targets",
)
"""A partner return's savings targets (issue 11): not a model-workbook table (yet), so not in INPUT_TABLES."""

RECHARGES = Table(
    "recharges",
    "Recharges between partners: what you pay to and receive from each other partner (£000s a year)",
    (
        Column("partner", "Partner", Kind.CODE, required=True, help="The partner's code", scope=Scope.MODEL),
        Column("service", "Service area", Kind.TEXT, required=True, help="The service area the charge is for"),
        Column(
            "counterparty",
            "Other partner",
            Kind.CODE,
            required=True,
            help="The partner you pay, or that pays you (not yourself)",
        ),
        Column(
            "direction",
            "Pays or receives",
            Kind.CHOICE,
            required=True,
            choices=tuple(d.value for d in RechargeDirection),
            help="pays: you pay the other partner; receives: the other partner pays you",
        ),
        Column(
            "amount",
            "Amount (£000s a year)",
            Kind.MONEY,
            required=True,
            help="The charge for a full year, 0 or more; the same in every year from the first to the last",
        ),
        Column(
            "from_year", "From year", Kind.YEAR, help="The first financial year it is charged; blank: the baseline's"
        ),
        Column("to_year", "To year", Kind.YEAR, help="The last financial year it is charged; blank: to the plan's end"),
        Column("note", "Basis / notes", help="What the charge is for and how it is worked out"),
    ),
    excel_name="RechargesTable",
    sheet="Recharges",
)
"""A partner return's charges to and from the other partners (issue 12): optional, so older returns read as
before; not a model-workbook table (as ``TARGETS``), so not in INPUT_TABLES."""

# The keys the domain takes for each table; a declared column outside these is kept in the note.
_MAPPED = {
    "partners": frozenset({"code", "name", "stated_net", "stated_fte"}),
    "baseline": frozenset({"partner", "service", "gross", "charges", "net", "fte", "note"}),
    "options": frozenset(
        {
            "service",
            "option",
            "partners",
            "default",
            "in_use",
            "method",
            "driver",
            "sole_bearer",
            "minimum_percent",
            "percent",
            "note",
            "from_year",
            "before",
        }
    ),
    "drivers": frozenset({"service", "driver", "value", "basis"}),
    "saving_lines": frozenset(
        {
            "service",
            "description",
            "category",
            "low",
            "high",
            "sole_bearer",
            "condition",
            "rule",
            "start_year",
            "ramp",
            "note",
            "line_id",
            "plan_partner",
            "plan_target",
            "also_claimed_by",
        }
    ),
    "targets": frozenset({"partner", "target", "year", "amount", "note"}),
    "recharges": frozenset(
        {"partner", "service", "counterparty", "direction", "amount", "from_year", "to_year", "note"}
    ),
    "one_off_costs": frozenset(
        {
            "service",
            "description",
            "type",
            "low",
            "high",
            "sole_bearer",
            "condition",
            "rule",
            "year",
            "timing",
            "note",
            "line_id",
        }
    ),
}


_PERCENT = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)  # ASCII digits only, as every figure


class RowProblem(JwmodelError, ValueError):
    """A row's cells break a table rule: ``key`` is the column at fault, ``code`` a finding code."""

    def __init__(self, key: str, code: str, message: str) -> None:
        super().__init__(message)
        self.key, self.code = key, code


# --- rules of the cells ----------------------------------------------------------------------


def split_partners(text: str) -> tuple[str, ...]:
    """A list of partner codes as typed in one cell: 'HC, HFRS and HCC' (commas, semicolons, 'and')."""
    return tuple(p.strip() for p in re.split(r",|;|\band\b", text) if p.strip())


def join_partners(codes: Iterable[str]) -> str:
    """Partner codes as one cell, read back by :func:`split_partners`."""
    return ", ".join(codes)


def check_financial_year(text: str, key: str, header: str) -> None:
    """Raise :class:`RowProblem` (BAD_YEAR) unless ``text`` is a financial year such as 2013/14."""
    try:
        financial_years(text, 1)
    except PhasingError:
        raise RowProblem(
            key, "BAD_YEAR", f"{header}: expected a financial year such as 2013/14, got {text!r}"
        ) from None


def profile_cells(profile: Profile | None, *, timing: bool) -> tuple[str, str]:
    """A profile as the two cells a person types: the start year, and percentages by year."""
    if profile is None:
        return "", ""
    values = profile.one_off_timing if timing else profile.ramp
    return profile.start or "", ", ".join(f"{v.normalize():f}" for v in values)


def profile_from_cells(start: str, text: str, table: Table, *, timing: bool) -> Profile | None:
    """The profile two cells give (None when both are blank).

    Raises:
        RowProblem: the year is not a financial year (BAD_YEAR) or the percentages are not a list
            of percentages that make a profile (BAD_PERCENTAGES).
    """
    if not start and not text:
        return None
    year_col = table.column("year" if timing else "start_year")
    percent_col = table.column("timing" if timing else "ramp")
    if start:
        check_financial_year(start, year_col.key, year_col.header)
    values: list[Decimal] = []
    for part in [p for p in re.split(r"[,;]", text) if p.strip()]:
        number = part.strip().rstrip("%").strip()
        if not _PERCENT.match(number):
            raise RowProblem(
                percent_col.key,
                "BAD_PERCENTAGES",
                f"{percent_col.header}: expected percentages by year such as '50, 100', got {text!r}",
            )
        values.append(Decimal(number))
    try:
        if timing:
            return Profile(start or None, one_off_timing=tuple(values) or (Decimal(100),))
        return Profile(start or None, ramp=tuple(values) or (Decimal(100),))
    except PhasingError as exc:
        raise RowProblem(percent_col.key, "BAD_PERCENTAGES", f"{percent_col.header}: {exc}") from exc


_SPLIT_FORM = re.compile(r"^\s*(?P<method>[^:;]*?)\s*(?::\s*(?P<detail>[^;]*?))?\s*(?:;\s*(?P<minimum>.*?))?\s*$")
_SPLIT_METHODS = {
    "share of baseline": Method.BASELINE,
    "baseline": Method.BASELINE,
    "share of baseline (net cost)": Method.BASELINE,
    "baseline net cost": Method.BASELINE,
    "share of baseline (fte)": Method.BASELINE_FTE,
    "baseline fte": Method.BASELINE_FTE,
    "baseline (fte)": Method.BASELINE_FTE,
    "driver": Method.DRIVER,
    "fixed": Method.FIXED,
    "fixed percentages": Method.FIXED,
    "sole bearer": Method.SOLE_BEARER,
}
_SPLIT_EXAMPLES = (
    "'share of baseline', 'share of baseline (FTE)', 'driver: headcount', 'fixed: EHC 40%, SBC 60%' or "
    "'sole bearer: EHC'"
)
_MINIMUM = re.compile(r"^minimum\s+(\d+)\s*%?$", re.IGNORECASE | re.ASCII)
_FIXED_PART = re.compile(r"^([A-Za-z]+)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*%?$", re.ASCII)


def rule_from_cell(text: str) -> ApportionmentRule | None:
    """A line's own rule as typed in its "Own split" cell (None when blank).

    Raises:
        RowProblem: the text is not one of the forms (LINE_RULE_BAD), naming the forms, or its fixed
            percentages do not add up to 100 (PERCENT_SUM). What depends on the option in use (a partner
            outside it, a driver value missing) is found when the programme is consolidated.
    """
    if not text.strip():
        return None
    match = _SPLIT_FORM.match(text)
    method = _SPLIT_METHODS.get(" ".join(match.group("method").lower().split())) if match else None
    if match is None or method is None:
        raise RowProblem("rule", "LINE_RULE_BAD", f"Own split: {text!r} is not a split; write {_SPLIT_EXAMPLES}")
    detail, minimum_text = (match.group("detail") or "").strip(), (match.group("minimum") or "").strip()
    needs_detail = method in (Method.DRIVER, Method.FIXED, Method.SOLE_BEARER)
    if needs_detail != bool(detail) or (
        minimum_text and method not in (Method.BASELINE, Method.BASELINE_FTE, Method.DRIVER)
    ):
        raise RowProblem("rule", "LINE_RULE_BAD", f"Own split: {text!r} is not a split; write {_SPLIT_EXAMPLES}")
    minimum = 1
    if minimum_text:
        found = _MINIMUM.match(minimum_text)
        if found is None:
            raise RowProblem("rule", "LINE_RULE_BAD", f"Own split: expected e.g. '; minimum 5%', got {minimum_text!r}")
        minimum = int(found.group(1))
    if method is Method.FIXED:
        percentages = _fixed_parts(text, detail)
        if (total := sum(percentages.values(), Decimal(0))) != 100:  # whatever the option: checked as typed
            raise RowProblem("rule", "PERCENT_SUM", f"Own split: {text!r}: the percentages add up to {total}, not 100")
        return ApportionmentRule(method, percentages, minimum_percent=minimum)
    if method is Method.SOLE_BEARER:
        return ApportionmentRule(method, sole_bearer=detail, minimum_percent=minimum)
    return ApportionmentRule(method, driver=detail, minimum_percent=minimum)


def _fixed_parts(text: str, detail: str) -> dict[str, Decimal]:
    percentages: dict[str, Decimal] = {}
    for part in [p.strip() for p in re.split(r",|;|\band\b", detail) if p.strip()]:
        found = _FIXED_PART.match(part)
        if found is None or found.group(1) in percentages:
            raise RowProblem(
                "rule",
                "LINE_RULE_BAD",
                f"Own split: {text!r}: expected each partner once with its %, e.g. 'fixed: EHC 40%, SBC 60%'; "
                f"got {part!r}",
            )
        percentages[found.group(1)] = Decimal(found.group(2))
    return percentages


def rule_cell(rule: ApportionmentRule | None) -> str:
    """A line's own rule as its "Own split" cell, read back by :func:`rule_from_cell` ('' for none)."""
    if rule is None:
        return ""
    minimum = f"; minimum {rule.minimum_percent}%" if rule.minimum_percent != 1 else ""
    if rule.method is Method.FIXED:
        return "fixed: " + ", ".join(f"{p} {v.normalize():f}%" for p, v in rule.percentages.items())
    if rule.method is Method.SOLE_BEARER:
        return f"sole bearer: {rule.sole_bearer}"
    if rule.method is Method.DRIVER:
        return f"driver: {rule.driver}{minimum}"
    return f"{rule.method.value}{minimum}"


def condition_from_cell(text: str) -> Condition | None:
    """A line's condition as typed in its "Applies if" cell (None when blank); a bare code means it joins.

    Raises:
        RowProblem: the text does not read as a condition (CONDITION_BAD), saying what was expected where.
    """
    if not text.strip():
        return None
    try:
        return parse_condition(text)
    except ConditionError as exc:
        raise RowProblem("condition", "CONDITION_BAD", f"Applies if: {exc}") from None


def condition_cell(condition: Condition | None) -> str:
    """A line's condition as its "Applies if" cell: as typed, or its canonical form."""
    return "" if condition is None else str(condition)


def unmapped(table: Table) -> tuple[Column, ...]:
    """Declared columns no domain field takes (their values are kept in the note by :func:`with_extras`)."""
    mapped = _MAPPED.get(table.name, frozenset())
    return tuple(c for c in table.columns if c.key not in mapped and not c.per_partner)


def with_extras(table: Table, note: str, values: Mapping[str, str]) -> str:
    """The note with each value typed in an unmapped column appended as ``Header: value``."""
    parts = [note] if note else []
    for column in unmapped(table):
        value = values.get(column.key, "")
        if value and f"{column.header}: {value}" not in note:
            parts.append(f"{column.header}: {value}")
    return "; ".join(parts)


# --- domain to cells -------------------------------------------------------------------------


def row_of(table: Table, values: Mapping[str, object], partners: Sequence[str] = (), scope: Scope | None = None):
    """A row laid out in the declaration's order; a per-partner value is a mapping by code."""
    row: list[object] = []
    for column in table.columns_in(scope):
        value = values.get(column.key)
        if column.per_partner:
            by_partner = value if isinstance(value, Mapping) else {}
            row += [by_partner.get(p) for p in partners]
        else:
            row.append(value)
    return tuple(row)


def kinds_of(table: Table, partners: Sequence[str] = (), scope: Scope | None = None) -> tuple[Kind, ...]:
    """Each header's kind, in the order of :meth:`Table.headers`."""
    return tuple(c.kind for c in table.columns_in(scope) for _ in c.headers(partners))


def partner_cells(partner: Partner, control: ControlTotal | None) -> dict[str, object]:
    return {
        "code": partner.code,
        "name": partner.name,
        "stated_net": control.net if control else None,
        "stated_fte": control.fte if control else None,
    }


def baseline_cells(entry: BaselineEntry) -> dict[str, object]:
    return {
        "partner": entry.partner,
        "service": entry.service,
        "gross": entry.gross,
        "charges": entry.charges,
        "net": entry.net,
        "fte": entry.fte,
        "note": entry.note,
    }


def option_cells(service: str, option: ParticipationOption, *, in_use: bool | None = None) -> dict[str, object]:
    """An option's cells; percentages only with fixed percentages, a minimum only where it is used."""
    rule = option.rule
    computed = rule.method in (Method.BASELINE, Method.DRIVER)
    return {
        "service": service,
        "option": option.name,
        "partners": join_partners(option.partners),
        "default": YES if option.default else NO,
        "in_use": None if in_use is None else (YES if in_use else NO),
        "method": rule.method.value,
        "driver": rule.driver,
        "sole_bearer": rule.sole_bearer,
        "minimum_percent": rule.minimum_percent if computed else None,
        "percent": dict(rule.percentages) if rule.method is Method.FIXED else {},
        "note": "",
        "from_year": option.from_year or "",
        "before": option.before or "",
    }


def driver_cells(drivers: Iterable[DriverValue]) -> list[dict[str, object]]:
    """One row per service area and driver, with the partners' values and the first basis given."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for d in drivers:
        row = rows.setdefault((d.service, d.driver), {"service": d.service, "driver": d.driver, "value": {}})
        row["value"][d.partner] = d.value  # type: ignore[index]
        row.setdefault("basis", d.note)
    return list(rows.values())


def saving_line_cells(line: SavingLine) -> dict[str, object]:
    start, ramp = profile_cells(line.profile, timing=False)
    return {
        "service": line.service,
        "description": line.description,
        "category": line.category.value,
        "low": line.estimate.low,
        "high": line.estimate.high,
        "sole_bearer": line.sole_bearer or "",
        "condition": condition_cell(line.condition),
        "rule": rule_cell(line.rule),
        "start_year": start,
        "ramp": ramp,
        "note": line.note,
        "line_id": line.line_id,
        "plan_partner": line.plan_partner or "",
        "plan_target": line.plan_target,
        "also_claimed_by": line.also_claimed_by,
    }


def one_off_cells(cost: OneOffCost) -> dict[str, object]:
    year, timing = profile_cells(cost.profile, timing=True)
    return {
        "service": cost.service,
        "description": cost.description,
        "type": cost.type.value,
        "low": cost.estimate.low,
        "high": cost.estimate.high,
        "sole_bearer": cost.sole_bearer or "",
        "condition": condition_cell(cost.condition),
        "rule": rule_cell(cost.rule),
        "year": year,
        "timing": timing,
        "note": cost.note,
        "line_id": cost.line_id,
    }


def target_cells(target: SavingsTarget) -> dict[str, object]:
    return {
        "partner": target.partner,
        "target": target.name,
        "year": target.year,
        "amount": target.amount,
        "note": target.note,
    }


def recharge_cells(recharge: Recharge) -> dict[str, object]:
    return {
        "partner": recharge.partner,
        "service": recharge.service,
        "counterparty": recharge.counterparty,
        "direction": recharge.direction.value,
        "amount": recharge.amount,
        "from_year": recharge.from_year,
        "to_year": recharge.to_year,
        "note": recharge.note,
    }
