"""Output table declarations: what a consolidation gives back, declared once.

Each :class:`~jwmodel.tables.Table` here is paired with one function that turns the engine's
values into rows (tuples in the table's column order, money as ``Decimal``). The consolidated
workbook's Findings and Sources sheets, the receipts, the summary JSON, ``Run.to_pandas`` and
``jwmodel consolidate --tables`` all take their columns and rows from here, so a column added to a
declaration appears in every one of them.

Rows are tidy: one fact per row, no totals (a DataFrame user sums them). A value that is a list
(a source's reasons) stays a tuple here; writers of flat cells join it with :data:`JOIN`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jwmodel.business_case import ProgrammeAppraisal, options_by_year
from jwmodel.consolidation import Consolidation, LineShare
from jwmodel.findings import Finding
from jwmodel.model import Category
from jwmodel.submissions import SourceRecord
from jwmodel.tables import Column, Kind, Table

if TYPE_CHECKING:  # pragma: no cover - the true-up's rows are made only where it was worked out
    from jwmodel.trueup import TrueUp

__all__ = [
    "JOIN",
    "FINDINGS",
    "SOURCES",
    "LINES",
    "BY_PARTNER",
    "PARTNERS",
    "BASELINE",
    "APPORTIONMENT",
    "SUMMARY",
    "APPRAISAL",
    "RECHARGES",
    "RECHARGE_ELIMINATION",
    "RECHARGE_SCHEDULE",
    "OPTIONS_BY_YEAR",
    "LEAVER",
    "LEAVER_SHARES",
    "OUTPUTS",
    "Output",
    "findings_rows",
    "sources_rows",
    "lines_rows",
    "line_share_rows",
    "partners_rows",
    "baseline_rows",
    "apportionment_rows",
    "appendix_a_rows",
    "appraisal_rows",
    "recharges_rows",
    "recharge_elimination_rows",
    "recharge_schedule_rows",
    "options_by_year_rows",
    "leaver_rows",
    "leaver_shares_rows",
    "as_dicts",
    "flat",
    "printable",
    "TRUE_UP_SERVICES",
    "TRUE_UP_SHARES",
    "TRUE_UP_PAYMENTS",
    "TRUE_UP_SETTLEMENTS",
    "TRUE_UP_TABLES",
    "true_up_rows",
]

JOIN = "; "  # how a list value (a source's reasons) is written into one cell


def _c(key: str, header: str, kind: Kind = Kind.TEXT, help: str = "") -> Column:
    return Column(key, header, kind, help=help)


_OWN_SPLIT_LINE = _c(
    "line", "Line", help="a line's own split: the line's ID (else its description); blank: the option's split"
)
_WHERE = (
    _c("file", "File", help="the submitted file the figure or finding comes from"),
    _c("sheet", "Sheet"),
    _c("cell", "Cell", help="A1 reference"),
)
_LOW_HIGH = (
    _c("low", "Low", Kind.MONEY, "£000s, cost positive, saving negative"),
    _c("high", "High", Kind.MONEY, "£000s, cost positive, saving negative"),
)

FINDINGS = Table(
    "findings",
    "Findings",
    (
        _c("severity", "Severity", Kind.CHOICE),
        _c("code", "Code", Kind.CODE),
        *_WHERE,
        _c("message", "Message", help="what is wrong and what to do"),
        _c("value", "Value", help="the value found in the cell, where there was one"),
    ),
    sheet="Findings",
)

SOURCES = Table(
    "sources",
    "Sources",
    (
        _c("file", "File"),
        _c("sha256", "SHA-256"),
        _c("kind", "Kind", Kind.CHOICE),
        _c("status", "Status", Kind.CHOICE),
        _c("taken", "Taken", help="what was taken from the file"),
        _c("reasons", "Reasons", help="every finding for the file"),
    ),
    sheet="Sources",
)

_LINE_ID = _c("line_id", "ID", help="the line's stable ID (jwmodel.identity); last, so other columns keep their place")
_LINE = (
    _c("service", "Service area"),
    _c("kind", "Kind", Kind.CHOICE, "saving (recurring) or one-off"),
    _c("description", "Description"),
    _c("category", "Category or type", Kind.CHOICE),
)

LINES = Table(
    "lines",
    "Every saving line and one-off cost",
    (
        *_LINE,
        *_LOW_HIGH,
        _c("included", "Counted", Kind.CHOICE, "False where the line does not count (condition not met, or an error)"),
        _c("apportioned", "Apportioned", Kind.CHOICE),
        _c("basis", "Basis", help="how the line is split between partners"),
        *_WHERE,
        _LINE_ID,
    ),
)

BY_PARTNER = Table(
    "by_partner",
    "Each line's share per partner",
    (
        _c("partner", "Partner", Kind.CODE),
        *_LINE,
        *_LOW_HIGH,
        _c(
            "counted",
            "In totals",
            Kind.CHOICE,
            "True where the share counts in the partner's recurring or one-off total (non-cashable does not)",
        ),
        *_WHERE,
        _LINE_ID,
    ),
)

PARTNERS = Table(
    "partners",
    "Totals by partner",
    (
        _c("partner", "Partner", Kind.CODE),
        _c("recurring_low", "Recurring low", Kind.MONEY),
        _c("recurring_high", "Recurring high", Kind.MONEY),
        _c("non_cashable_low", "Non-cashable low", Kind.MONEY),
        _c("non_cashable_high", "Non-cashable high", Kind.MONEY),
        _c("one_off_low", "One-off low", Kind.MONEY),
        _c("one_off_high", "One-off high", Kind.MONEY),
    ),
)

BASELINE = Table(
    "baseline",
    "Financial baseline by partner and service area",
    (
        _c("partner", "Partner", Kind.CODE),
        _c("service", "Service area"),
        _c("net", "Net £000s", Kind.MONEY, "net of charges from the other partners"),
        _c("fte", "FTE", Kind.FTE),
        _c("gross", "Gross £000s", Kind.MONEY),
        _c("charges", "Charges £000s", Kind.MONEY),
        *_WHERE,
    ),
)

APPORTIONMENT = Table(
    "apportionment",
    "Apportionment rules: each option's share per partner",
    (
        _c("service", "Service area"),
        _c("option", "Option"),
        _c("in_use", "In use", Kind.CHOICE),
        _c("default", "Default", Kind.CHOICE),
        _c("method", "Method", Kind.CHOICE),
        _c("driver", "Driver or bearer"),
        _c("basis", "Basis of driver values"),
        _c("partner", "Partner", Kind.CODE),
        _c("percent", "Percent", Kind.PERCENT, "blank where the split cannot be computed"),
    ),
)

SUMMARY = Table(
    "summary",
    "Appendix A: recurring full year estimated cost/(saving) and one-off costs by service area",
    (
        _c("service", "Service area"),
        *(
            _c(f"{group}_{bound}", f"{title} {bound}", Kind.MONEY)
            for group, title in (
                ("cashable", "Cashable"),
                ("procurement", "Procurement"),
                ("recurring", "Total"),
                ("non_cashable", "Non-cashable"),
                ("one_off", "One-off"),
            )
            for bound in ("low", "high")
        ),
    ),
)

APPRAISAL = Table(
    "appraisal",
    "Appraisal by year: the programme per case, each service area and partner (central case)",
    (
        _c("scope", "Scope", Kind.CHOICE, "programme, service or partner"),
        _c("subject", "Subject"),
        _c("case", "Case", Kind.CHOICE),
        _c("year", "Year", Kind.YEAR),
        _c("savings", "Savings", Kind.MONEY, "the year's savings as the appraisal counts them (saving negative)"),
        _c("costs", "Costs", Kind.MONEY, "the year's costs as the appraisal counts them (see docs/appraisal.md)"),
        _c("net", "Net cost/(saving)", Kind.MONEY),
        _c("cumulative", "Cumulative net", Kind.MONEY),
    ),
)

RECHARGES = Table(
    "recharges",
    "Recharges between partners: each charge as the payer and the receiver state it",
    (
        _c("service", "Service area"),
        _c("payer", "Payer", Kind.CODE),
        _c("receiver", "Receiver", Kind.CODE, "the partner that hosts the service and invoices"),
        _c("year", "Year", Kind.YEAR),
        _c("paid", "Paid £000s", Kind.MONEY, "what the payer says it pays; blank where it states none"),
        _c("received", "Received £000s", Kind.MONEY, "what the receiver says it receives; blank where it states none"),
        _c("difference", "Difference £000s", Kind.MONEY, "paid less received (a blank side counts as 0)"),
        _c("status", "Status", Kind.CHOICE, "matched (equal to £1), differs, payer only or receiver only"),
        _c("in_schedule", "In schedule", Kind.CHOICE, "both take part in the service area under the option in use"),
        _c("paid_at", "Payer's row", help="file: 'sheet'!cell of the payer's row"),
        _c("received_at", "Receiver's row", help="file: 'sheet'!cell of the receiver's row"),
    ),
)

RECHARGE_ELIMINATION = Table(
    "recharge_elimination",
    "Baseline by service area in the baseline year: recharges between partners eliminated",
    (
        _c("service", "Service area"),
        _c("gross", "Gross £000s", Kind.MONEY, "the partners' gross: net plus charges from other partners"),
        _c("eliminated", "Recharges eliminated £000s", Kind.MONEY, "what the payers say they pay each other"),
        _c("consolidated", "Programme baseline £000s", Kind.MONEY, "gross less recharges: each cost counted once"),
        _c("net", "Net as stated £000s", Kind.MONEY, "the partners' net baselines added up"),
    ),
)

RECHARGE_SCHEDULE = Table(
    "recharge_schedule",
    "Recharge schedule: what each partner invoices each other for hosted services, by year",
    (
        _c("year", "Year", Kind.YEAR),
        _c("invoiced_by", "Invoiced by", Kind.CODE, "the partner that hosts the service"),
        _c("invoiced_to", "Invoiced to", Kind.CODE, "the partner that pays"),
        _c("service", "Service area"),
        _c("amount", "Amount £000s", Kind.MONEY, "the receiver's amount (the payer's where the receiver gives none)"),
        _c("status", "Status", Kind.CHOICE, "matched, differs, payer only or receiver only"),
    ),
)

OPTIONS_BY_YEAR = Table(
    "options_by_year",
    "Participation options in force by year",
    (
        _c("service", "Service area"),
        _c("year", "Year", Kind.YEAR),
        _c("option", "Option in force", help="the participation option in force in the year (docs/apportionment.md)"),
    ),
)

LEAVER = Table(
    "leaver",
    "Leaver statement: what the leaving partner owes, by case",
    (
        _c("partner", "Partner", Kind.CODE),
        _c("last_year", "Last year", Kind.YEAR, "the partner leaves at the end of this year"),
        _c("case", "Case", Kind.CHOICE),
        _c("one_off_costs", "Shared one-off costs to date", Kind.MONEY, "its share, to the end of its last year"),
        _c(
            "net_recurring",
            "Net recurring cost/(saving) to date",
            Kind.MONEY,
            "its share of recurring savings (negative) and additional costs, to the end of its last year",
        ),
        _c("owed", "Owed", Kind.MONEY, "one-off costs plus net recurring cost/(saving), where positive; else 0"),
    ),
    sheet="Leaver statement",
)

LEAVER_SHARES = Table(
    "leaver_shares",
    "The remaining partners' shares without the leaver",
    (
        _c("service", "Service area"),
        _OWN_SPLIT_LINE,
        _c("option", "Option in force"),
        _c("partner", "Partner", Kind.CODE),
        _c("before", "Share with the leaver", Kind.PERCENT),
        _c("after", "Share without", Kind.PERCENT, "blank where it cannot be worked out (see Findings)"),
        _c("basis", "Basis", help="how the share without the leaver is found"),
    ),
    sheet="Remaining shares",
)

Row = tuple[Any, ...]


def _where(x: Any) -> tuple[str, str, str]:
    return (x.where.file, x.where.sheet, x.where.cell)


def findings_rows(findings: Iterable[Finding]) -> Iterator[Row]:
    """Findings as rows of :data:`FINDINGS` (the one place findings become rows)."""
    for f in findings:
        yield (f.severity.value, f.code, *_where(f), f.message, f.value)


def sources_rows(sources: Iterable[SourceRecord]) -> Iterator[Row]:
    """The intake register as rows of :data:`SOURCES`; ``reasons`` is a tuple of sentences."""
    for s in sources:
        yield (s.file, s.sha256, str(s.kind), str(s.status), s.taken, tuple(str(f) for f in s.findings))


def _line(line: LineShare) -> tuple[str, str, str, str]:
    return (line.service, str(line.kind), line.description, str(line.category))


def lines_rows(result: Consolidation) -> Iterator[Row]:
    for line in result.lines:
        yield (
            *_line(line),
            line.estimate.low,
            line.estimate.high,
            line.included,
            line.apportioned,
            line.basis,
            *_where(line),
            line.line_id,
        )


def _counted(line: LineShare) -> bool:
    return line.included and not (line.kind == "saving" and line.category == Category.NON_CASHABLE.value)


def line_share_rows(result: Consolidation) -> Iterator[Row]:
    """Each line's share per partner, in the programme's partner order."""
    for line in result.lines:
        for partner in result.partners:
            share = line.shares.get(partner)
            if share is not None:
                yield (partner, *_line(line), share.low, share.high, _counted(line), *_where(line), line.line_id)


def partners_rows(result: Consolidation) -> Iterator[Row]:
    for p in result.by_partner:
        yield (
            p.partner,
            p.recurring.low,
            p.recurring.high,
            p.non_cashable.low,
            p.non_cashable.high,
            p.one_off.low,
            p.one_off.high,
        )


def baseline_rows(result: Consolidation) -> Iterator[Row]:
    for e in result.baseline_entries:
        yield (e.partner, e.service, e.net, e.fte, e.gross, e.charges, *_where(e))


def apportionment_rows(result: Consolidation) -> Iterator[Row]:
    for row in result.apportionment:
        head = (
            row.service,
            row.option,
            row.in_use,
            row.default,
            row.method.value,
            row.driver or row.sole_bearer,
            row.basis,
        )
        for partner in row.partners or ("",):
            percent = row.shares.get(partner) if row.shares else None
            yield (*head, partner, percent)


def options_by_year_rows(result: Consolidation, years: Sequence[str]) -> Iterator[Row]:
    """Each service area's option in force in each year of the plan."""
    for service, options in options_by_year(result, years).items():
        for year, option in zip(years, options, strict=True):
            yield (service, year, option)


def leaver_rows(statement: Any) -> Iterator[Row]:
    """A leaver statement's cases (``jwmodel.leaving.LeaverStatement``)."""
    for c in statement.cases:
        yield (statement.partner, statement.last_year, c.case.value, c.one_off_costs, c.net_recurring, c.owed)


def leaver_shares_rows(statement: Any) -> Iterator[Row]:
    for s in statement.shares:
        yield (s.service, s.line, s.option, s.partner, s.before, s.after, s.basis)


def appendix_a_rows(result: Consolidation) -> Iterator[Row]:
    for s in result.services:
        yield (
            s.service,
            *(
                bound
                for r in (s.cashable, s.procurement, s.recurring, s.non_cashable, s.one_off)
                for bound in (r.low, r.high)
            ),
        )


def appraisal_rows(appraisal: ProgrammeAppraisal) -> Iterator[Row]:
    def flow(scope: str, subject: str, case: str, cashflow: Any) -> Iterator[Row]:
        yield from zip(
            *(
                [scope] * len(cashflow.years),
                [subject] * len(cashflow.years),
                [case] * len(cashflow.years),
                cashflow.years,
                cashflow.savings,
                cashflow.costs,
                cashflow.net,
                cashflow.cumulative,
            ),
            strict=True,
        )

    for c in appraisal.cases:
        yield from flow("programme", "Programme", c.case.value, c.cashflow)
    for scope, subjects in (("service", appraisal.by_service), ("partner", appraisal.by_partner)):
        for x in subjects:
            yield from flow(scope, x.name, "central", x.cashflow)


def _at(where: Any) -> str:
    return str(where)


def recharges_rows(result: Consolidation) -> Iterator[Row]:
    """Each charge in each year, both sides (none where no return states recharges)."""
    for m in result.recharges.matches if result.recharges else ():
        yield (
            m.service,
            m.payer,
            m.receiver,
            m.year,
            m.paid,
            m.received,
            m.difference,
            m.status,
            m.applies,
            _at(m.paid_at),
            _at(m.received_at),
        )


def recharge_elimination_rows(result: Consolidation) -> Iterator[Row]:
    """Each service area's baseline before and after eliminating recharges (none where no return states any)."""
    for e in result.recharges.eliminations if result.recharges else ():
        yield (e.service, e.gross, e.eliminated, e.consolidated, e.net)


def recharge_schedule_rows(result: Consolidation) -> Iterator[Row]:
    """The recharge schedule: by year of the plan, who invoices whom for which service area."""
    for m in result.recharges.schedule if result.recharges else ():
        yield (m.year, m.receiver, m.payer, m.service, m.invoiced, m.status)


@dataclass(frozen=True, slots=True)
class Output:
    """A table and how to get its rows from a run (``programme``, ``consolidation``, ``appraisal``...)."""

    table: Table
    rows: Callable[[Any], Iterable[Row]]


OUTPUTS: tuple[Output, ...] = (
    Output(SUMMARY, lambda run: appendix_a_rows(run.consolidation)),
    Output(LINES, lambda run: lines_rows(run.consolidation)),
    Output(BY_PARTNER, lambda run: line_share_rows(run.consolidation)),
    Output(PARTNERS, lambda run: partners_rows(run.consolidation)),
    Output(BASELINE, lambda run: baseline_rows(run.consolidation)),
    Output(APPORTIONMENT, lambda run: apportionment_rows(run.consolidation)),
    Output(APPRAISAL, lambda run: appraisal_rows(run.appraisal)),
    Output(RECHARGES, lambda run: recharges_rows(run.consolidation)),
    Output(RECHARGE_ELIMINATION, lambda run: recharge_elimination_rows(run.consolidation)),
    Output(RECHARGE_SCHEDULE, lambda run: recharge_schedule_rows(run.consolidation)),
    Output(OPTIONS_BY_YEAR, lambda run: options_by_year_rows(run.consolidation, run.appraisal.years)),
    Output(FINDINGS, lambda run: findings_rows(run.findings)),
    Output(SOURCES, lambda run: sources_rows(run.sources)),
)


def printable(text: str) -> str:
    """``text`` as every output can hold it: bytes that are not UTF-8 (which Python keeps as lone
    surrogates, as in a file name made on another system) become ``\\xNN`` escapes, the rendering
    ``jwmodel.excel.files.display_name`` gives a file name (which calls this)."""
    if text.isascii():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # undo how Python smuggles undecodable bytes into str
    except UnicodeEncodeError:  # a lone surrogate that did not come from a byte (a Windows name)
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def flat(value: Any) -> Any:
    """A row value for one flat cell: a tuple joined with :data:`JOIN`, anything else unchanged."""
    if isinstance(value, tuple):
        return JOIN.join(str(v) for v in value)
    return value


def as_dicts(table: Table, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as dictionaries keyed by the table's column keys."""
    keys = table.keys
    return [dict(zip(keys, row, strict=True)) for row in rows]


# --- the yearly true-up (jwmodel true-up; jwmodel.trueup) ---------------------------------------------

TRUE_UP_SERVICES = Table(
    "services",
    "Each service area's split: trued up, within tolerance, or not trued up",
    (
        _c("service", "Service area"),
        _OWN_SPLIT_LINE,
        _c("option", "Participation option"),
        _c("driver", "Trued up on", help="'baseline net' or the driver's name; blank for an agreed split"),
        _c("decision", "Decision"),
        _c("moved", "Largest move (points)", Kind.NUMBER, "the largest move of any share, estimate to actual"),
        _c("damped", "Damping applied"),
        _c("amount", "Shared amount for the year (£000s)", Kind.MONEY, "the shared lines' phased net figure"),
        _c("lines", "Lines", help="the IDs of the lines whose year figures make the amount"),
    ),
    sheet="Summary",
)
TRUE_UP_SHARES = Table(
    "shares",
    "Shares by service area and partner: estimated, actual, trued up, and the balancing payment",
    (
        _c("service", "Service area"),
        _OWN_SPLIT_LINE,
        _c("partner", "Partner"),
        _c("actual_value", "Actual driver", Kind.NUMBER, "the value the partner stated on its return"),
        _c("basis", "Basis", help="how the partner measured it"),
        _c("estimated", "Estimated share (%)", Kind.NUMBER),
        _c("actual", "Actual share (%)", Kind.NUMBER),
        _c("move", "Move (points)", Kind.NUMBER),
        _c("decision", "Tolerance decision"),
        _c("damped", "Damping applied"),
        _c("trued_up", "Trued-up share (%)", Kind.NUMBER),
        _c("paid", "Paid at the estimate (£000s)", Kind.MONEY),
        _c("due", "Trued-up share (£000s)", Kind.MONEY),
        _c("balancing_payment", "Balancing payment (£000s)", Kind.MONEY, "trued-up share less paid: positive pays"),
    ),
    sheet="Shares",
)
TRUE_UP_PAYMENTS = Table(
    "payments",
    "Each partner's balancing payment over every service area (positive: it pays; they add up to 0)",
    (
        _c("partner", "Partner"),
        _c("paid", "Paid at the estimates (£000s)", Kind.MONEY),
        _c("due", "Trued-up shares (£000s)", Kind.MONEY),
        _c("balancing_payment", "Balancing payment (£000s)", Kind.MONEY, "positive when it pays"),
        _c("direction", "Pays or receives"),
    ),
    sheet="Payments",
)
TRUE_UP_SETTLEMENTS = Table(
    "settlements",
    "From whom to whom: the fewest transfers that settle every balance",
    (_c("payer", "Pays"), _c("payee", "To"), _c("amount", "Amount (£000s)", Kind.MONEY)),
    sheet="Payments",
)
TRUE_UP_TABLES = (TRUE_UP_SERVICES, TRUE_UP_SHARES, TRUE_UP_PAYMENTS, TRUE_UP_SETTLEMENTS)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _share_rows(found: TrueUp) -> Iterator[Row]:
    for s in found.services:
        payments = s.payments
        for p in s.estimated:
            stated = s.values.get(p)
            actual = None if s.actual is None else s.actual[p]
            move = None if actual is None else actual - s.estimated[p]
            yield (
                s.service,
                s.line,
                p,
                None if stated is None else stated.value,
                "" if stated is None else stated.basis,
                s.estimated[p],
                actual,
                move,
                s.decision.value,
                _yes(s.damped),
                s.trued_up[p],
                s.paid[p],
                s.due[p],
                payments[p],
            )


def _payment_rows(found: TrueUp) -> Iterator[Row]:
    zero = Decimal("0.000")
    for p, balance in found.balances.items():
        paid = sum((s.paid.get(p, zero) for s in found.services), zero)
        due = sum((s.due.get(p, zero) for s in found.services), zero)
        direction = "pays" if balance > 0 else "receives" if balance < 0 else "nothing to settle"
        yield (p, paid, due, balance, direction)


def true_up_rows(found: TrueUp, table: Table) -> Iterator[Row]:
    """The rows of one of :data:`TRUE_UP_TABLES` for a year's true-up."""
    if table is TRUE_UP_SERVICES:
        for s in found.services:
            yield (s.service, s.line, s.option, s.driver, s.decision.value, s.moved, _yes(s.damped), s.amount, s.lines)
    elif table is TRUE_UP_SHARES:
        yield from _share_rows(found)
    elif table is TRUE_UP_PAYMENTS:
        yield from _payment_rows(found)
    elif table is TRUE_UP_SETTLEMENTS:
        yield from ((x.payer, x.payee, x.amount) for x in found.settlements)
    else:
        raise KeyError(f"no true-up table {table.name!r}")
