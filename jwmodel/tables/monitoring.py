"""The monitoring return's tables and the tracker's, declared once.

The monitoring return template (``jwmodel.excel.monitoring_return``), its reader, the tracker workbook
(``jwmodel.excel.tracker``) and the tracker JSON all iterate these columns. The rows of the tracker's
tables are made here from a :class:`jwmodel.tracking.Tracker` (one place a tracked figure becomes a row).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from jwmodel.monitoring import LineStatus, Outstanding
from jwmodel.tables import Column, Kind, Table

if TYPE_CHECKING:  # pragma: no cover - the tracker's rows are made only where one was built
    from jwmodel.tracking import Figures, Track, Tracker

__all__ = [
    "LINE_STATUSES",
    "DELIVERED",
    "SPEND",
    "MEASUREMENTS",
    "ACTUALS",
    "RETURN_TABLES",
    "outstanding_rows",
    "BY_LINE",
    "BY_PARTNER",
    "BY_SERVICE",
    "TARGETS",
    "ONE_OFF_SPEND",
    "MEASURES",
    "OUTSTANDING",
    "CHASE",
    "TRACKER_TABLES",
    "tracker_rows",
]

LINE_STATUSES = tuple(s.value for s in LineStatus)
_SIGNED = "cost/(saving) £000s: cost positive, saving negative, the whole line (all partners)"

_ID = Column("line_id", "Line ID", Kind.TEXT, required=True, help="The line's ID in the approved version")
_SERVICE = Column("service", "Service area", help="As in the approved version (for reference)")
_DESCRIPTION = Column("description", "Description", help="As in the approved version (for reference)")
_COMMENT = Column("comment", "Comment", help="Why the figure differs from plan, and anything else to know")

DELIVERED = Table(
    "delivered",
    "Savings delivered in the period, by line of the approved version",
    (
        _ID,
        _SERVICE,
        _DESCRIPTION,
        Column("delivered", "Delivered in period (£000s)", Kind.MONEY, required=True, help=f"In the period; {_SIGNED}"),
        Column("forecast", "Forecast for the year (£000s)", Kind.MONEY, help=f"The whole financial year; {_SIGNED}"),
        Column("status", "Status", Kind.CHOICE, required=True, choices=LINE_STATUSES, help="On track, at risk..."),
        _COMMENT,
    ),
    excel_name="DeliveredTable",
    sheet="Savings delivered",
)

SPEND = Table(
    "spend",
    "One-off costs of change: spend to date",
    (
        _ID,
        _SERVICE,
        _DESCRIPTION,
        Column("spent", "Spent to date (£000s)", Kind.MONEY, required=True, help="Cumulative from the start"),
        _COMMENT,
    ),
    excel_name="SpendTable",
    sheet="One-off spend",
)

MEASUREMENTS = Table(
    "measurements",
    "Non-financial benefits: measurements",
    (
        Column("measure", "Measure", required=True, help="As named in the benefits register"),
        Column("unit", "Unit", help="As in the register (for reference)"),
        Column("value", "Value", Kind.NUMBER, required=True, help="The value measured"),
        Column("date", "Date measured", Kind.DATE, help="When it was measured (blank: the submission date)"),
        _COMMENT,
    ),
    excel_name="MeasurementsTable",
    sheet="Benefits",
)

ACTUALS = Table(
    "actuals",
    "Actual drivers for the yearly true-up: your own actual values",
    (
        Column("service", "Service area", required=True, help="As in the approved version"),
        Column(
            "driver",
            "Driver",
            required=True,
            help="The driver the service's split uses, as named in the approved version; 'baseline net' for a split "
            "by share of baseline",
        ),
        Column("year", "Year", Kind.YEAR, required=True, help="The financial year the value is for, e.g. 2012/13"),
        Column("value", "Actual value", Kind.NUMBER, required=True, help="Your own value; £000s for baseline net"),
        Column("basis", "Basis", help="How it was measured (payroll at 31 March, cases closed in the year)"),
    ),
    excel_name="ActualsTable",
    sheet="Actual drivers",
)

RETURN_TABLES = (DELIVERED, SPEND, MEASUREMENTS, ACTUALS)

# --- the tracker ---------------------------------------------------------------------------------


def _c(key: str, header: str, kind: Kind = Kind.TEXT) -> Column:
    return Column(key, header, kind)


_YEARLY = (
    _c("year", "Year"),
    _c("plan", "Plan (£000s)", Kind.MONEY),
    _c("actual", "Actual (£000s)", Kind.MONEY),
    _c("forecast", "Forecast (£000s)", Kind.MONEY),
    _c("cumulative_plan", "Cumulative plan (£000s)", Kind.MONEY),
    _c("cumulative_actual", "Cumulative actual (£000s)", Kind.MONEY),
    _c("cumulative_forecast", "Cumulative forecast (£000s)", Kind.MONEY),
)
_RAG = (_c("rag", "RAG"), _c("variance", "Variance to date (£000s)", Kind.MONEY))

BY_LINE = Table(
    "by_line",
    "Savings by line and year: plan, actual, forecast",
    (
        _c("line_id", "Line ID"),
        _c("service", "Service area"),
        _c("description", "Description"),
        *_YEARLY,
        _c("status", "Status"),
        *_RAG,
        _c("comment", "Comment"),
    ),
    sheet="By line",
)
BY_PARTNER = Table(
    "by_partner",
    "Each partner's share by year, split by each line's own rule",
    (_c("partner", "Partner"), *_YEARLY, *_RAG, _c("fte_released", "FTE released to date", Kind.FTE)),
    sheet="By partner",
)
BY_SERVICE = Table(
    "by_service",
    "By service area and year, and the programme",
    (_c("service", "Service area"), *_YEARLY, *_RAG),
    sheet="By service",
)
TARGETS = Table(
    "targets",
    "Each partner's financial-plan savings targets against its share of the lines tagged to them (savings positive)",
    (
        _c("partner", "Partner"),
        _c("name", "Target"),
        _c("year", "Year"),
        _c("target", "Target saving (£000s)", Kind.MONEY),
        _c("plan", "Plan share (£000s saving)", Kind.MONEY),
        _c("actual", "Actual share (£000s saving)", Kind.MONEY),
        _c("forecast", "Forecast share (£000s saving)", Kind.MONEY),
        _c("coverage", "Coverage (% of target)", Kind.NUMBER),
        _c("state", "Met"),
        _c("lines", "Lines tagged"),
    ),
    sheet="Targets",
)
ONE_OFF_SPEND = Table(
    "one_off_spend",
    "One-off costs: spend to date against budget",
    (
        _c("line_id", "Line ID"),
        _c("service", "Service area"),
        _c("description", "Description"),
        _c("budget", "Budget (£000s)", Kind.MONEY),
        _c("spent", "Spent to date (£000s)", Kind.MONEY),
        _c("variance", "Variance (£000s)", Kind.MONEY),
        _c("rag", "RAG"),
        _c("comment", "Comment"),
    ),
    sheet="One-off spend",
)
MEASURES = Table(
    "measures",
    "Non-financial benefits: each measurement against baseline and target",
    (
        _c("measure", "Measure"),
        _c("unit", "Unit"),
        _c("better", "Better when"),
        _c("baseline", "Baseline", Kind.NUMBER),
        _c("baseline_date", "Baseline date"),
        _c("target", "Target", Kind.NUMBER),
        _c("target_date", "Target date"),
        _c("date", "Date measured"),
        _c("value", "Value", Kind.NUMBER),
        _c("progress", "Progress to target (%)", Kind.NUMBER),
        _c("state", "State"),
        _c("owner", "Owner"),
        _c("source", "Source"),
    ),
    sheet="Benefits",
)
OUTSTANDING = Table(
    "outstanding",
    "Returns late or outstanding",
    (
        _c("partner", "Partner"),
        _c("return", "Return"),
        _c("period", "Period"),
        _c("due", "Due"),
        _c("state", "State"),
        _c("days_late", "Days late", Kind.INTEGER),
        _c("received", "Received"),
        _c("contact", "Contact (last return)"),
        _c("email", "Email (last return)"),
    ),
    sheet="Outstanding",
)
CHASE = Table("chase", "Chase list: returns not received", OUTSTANDING.columns, sheet="Chase list")

TRACKER_TABLES = (BY_LINE, BY_PARTNER, BY_SERVICE, TARGETS, ONE_OFF_SPEND, MEASURES, OUTSTANDING, CHASE)

Row = tuple[Any, ...]


def _yearly(f: Figures) -> Iterator[Row]:
    columns = (f.plan, f.actual, f.forecast, f.cumulative_plan, f.cumulative_actual, f.cumulative_forecast)
    for i, year in enumerate(f.years):
        yield (year, *(c[i] for c in columns))


def _totals(t: Track, *extra: Any) -> Iterator[Row]:
    for row in _yearly(t.figures):
        yield (t.name, *row, t.rag.value, t.variance, *extra)


def outstanding_rows(rows: Iterable[Outstanding]) -> Iterator[Row]:
    """The rows of the Outstanding and Chase list tables (the tracker's; consolidate's for business-case returns)."""
    for o in rows:
        yield (o.partner, o.kind, o.period, o.due, o.state, o.days_late, o.received, o.contact, o.email)


def _by_line(t: Tracker) -> Iterator[Row]:
    for line in t.by_line:
        for row in _yearly(line.figures):
            yield (
                line.line_id,
                line.service,
                line.description,
                *row,
                line.status,
                line.rag.value,
                line.variance,
                line.comment,
            )


def _measures(t: Tracker) -> Iterator[Row]:
    for m in t.measures:
        r = m.measure
        head = (r.measure, r.unit, r.better.value, r.baseline, r.baseline_date, r.target, r.target_date)
        tail = (m.state, r.owner, r.source)
        if not m.points:
            yield (*head, "", None, None, *tail)
        for p in m.points:
            yield (*head, p.date, p.value, m.progress if p is m.points[-1] else None, *tail)


def tracker_rows(tracker: Tracker, table: Table) -> Iterator[Row]:
    """The rows of one of :data:`TRACKER_TABLES` (``None`` for a figure not known, such as a future actual)."""
    t = tracker
    if table is BY_LINE:
        yield from _by_line(t)
    elif table is BY_PARTNER:
        for p in t.by_partner:
            yield from _totals(p, p.fte_released)
    elif table is BY_SERVICE:
        for s in (*t.by_service, t.programme):
            yield from _totals(s)
    elif table is TARGETS:
        for x in t.targets:
            yield (x.partner, x.name, x.year, x.target, x.plan, x.actual, x.forecast, x.coverage, x.state, x.lines)
    elif table is ONE_OFF_SPEND:
        for s in t.spend:
            yield (s.line_id, s.service, s.description, s.budget, s.spent, s.variance, s.rag and s.rag.value, s.comment)
    elif table is MEASURES:
        yield from _measures(t)
    elif table is OUTSTANDING:
        yield from outstanding_rows(t.outstanding)
    elif table is CHASE:
        yield from outstanding_rows(t.chase)
    else:
        raise KeyError(f"no tracker table {table.name!r}")
