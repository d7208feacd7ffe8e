"""Tracking the benefits after approval: plan against actual and forecast, targets, measures, spend.

Pure: :func:`track` takes the approved version's lines (each with its ID, phasing and the split it was
apportioned by), the monitoring returns that count (:func:`jwmodel.monitoring.resolve_returns`) and the
programme definition's monitoring section, and gives every figure of the tracker.

* **Plan** is the version's phasing of each line under one case (central by default, as the
  appraisal's figures by service and partner): ``phasing.phase_line`` of ``cases.case_value``.
* **Actual** is the sum of the whole line's delivery on the returns of each year, up to the current
  year (the year of the latest period any return is for). **Forecast** for a year is the latest
  forecast a return gives for it; with none, the plan stands (for a year with no return, and for every
  later year). A line marked *dropped* forecasts nothing more after the period it was dropped in.
* **A partner's share** of any figure of a line is split by the line's own percentages with
  ``money.allocate``, as the business case splits each year of its plan: exact to £1, adding up.
* **RAG** compares the forecast to the end of the current year (actual for past years, forecast for
  this one) with the plan to the same point. Worse by more than :data:`RED_TOLERANCE` of the plan
  (for a saving: a forecast saving below 80% of the planned saving) is red; worse at all is amber;
  at or better than plan is green. A dropped line is red. "Worse" is more cost or less saving.
* **Targets**: each partner's financial-plan savings target for a year (``jwmodel.targets``: a positive
  saving) against its share of the lines tagged to it, as positive savings: plan, actual and forecast;
  coverage = forecast / target, as a percentage to 0.1 (met at 100, partly met above 0).
* **One-off spend** to date (the latest return giving it) against the budget (the whole cost under
  the case), with the same RAG rule; **measures** against their baseline and target over time.

Amounts are ``Decimal`` £000s, Appendix A's sign: cost positive, saving negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jwmodel.cases import Case, case_value
from jwmodel.codes import Code
from jwmodel.consolidation import LineKind, LineShare
from jwmodel.findings import Finding, Location
from jwmodel.model import ZERO
from jwmodel.money import POUND, allocate, percent
from jwmodel.monitoring import (
    BenefitMeasure,
    Better,
    LineReport,
    LineStatus,
    Measurement,
    MonitoringPlan,
    MonitoringReturn,
    Outstanding,
    Resolved,
    late_findings,
    monitoring_dues,
    outstanding,
    period_order,
    period_year,
)
from jwmodel.phasing import PhasingError, phase_line
from jwmodel.targets import TargetCoverage

__all__ = [
    "RED_TOLERANCE",
    "Rag",
    "rag",
    "percent",
    "PlannedLine",
    "Figures",
    "LineTrack",
    "Track",
    "TargetTrack",
    "SpendTrack",
    "MeasureTrack",
    "Tracker",
    "track",
]

RED_TOLERANCE = Decimal("0.2")  # red when worse than plan by more than 20% of it
_HUNDRED = Decimal(100)
_NIL = ZERO.quantize(POUND)


class Rag(StrEnum):
    """A RAG status."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


RED, AMBER, GREEN = Rag.RED, Rag.AMBER, Rag.GREEN


def rag(plan: Decimal, forecast: Decimal, *, dropped: bool = False) -> Rag:
    """The RAG rule (module docstring): red when ``forecast`` is worse than ``plan`` by more than 20% of it."""
    if dropped:
        return RED
    worse = forecast - plan  # cost positive: more is worse
    if worse > abs(plan) * RED_TOLERANCE:
        return RED
    return AMBER if worse > 0 else GREEN


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """A line of the approved version, with its stable ID."""

    line_id: str
    share: LineShare
    options: tuple[str, ...] = ()  # the option in force for its service area in each plan year (empty: the one in use)


@dataclass(frozen=True, slots=True)
class Figures:
    """Plan, actual and forecast by year (actual is None after the current year), and cumulatively."""

    years: tuple[str, ...]
    plan: tuple[Decimal, ...]
    actual: tuple[Decimal | None, ...]
    forecast: tuple[Decimal, ...]

    @staticmethod
    def _running(values: Iterable[Decimal | None]) -> tuple[Decimal | None, ...]:
        total, out = _NIL, []
        for v in values:
            if v is None:
                out.append(None)
                continue
            total += v
            out.append(total)
        return tuple(out)

    @property
    def cumulative_plan(self) -> tuple[Decimal, ...]:
        return self._running(self.plan)  # type: ignore[return-value]

    @property
    def cumulative_actual(self) -> tuple[Decimal | None, ...]:
        return self._running(self.actual)

    @property
    def cumulative_forecast(self) -> tuple[Decimal, ...]:
        return self._running(self.forecast)  # type: ignore[return-value]

    def to_date(self, current: int) -> tuple[Decimal, Decimal]:
        """(plan, forecast) to the end of year ``current``: actual for the years before it, forecast for it."""
        if current < 0:
            return _NIL, _NIL
        plan = sum(self.plan[: current + 1], _NIL)
        before = sum((a or _NIL for a in self.actual[:current]), _NIL)
        return plan, before + self.forecast[current]

    def __add__(self, other: Figures) -> Figures:
        def add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
            return None if a is None and b is None else (a or _NIL) + (b or _NIL)

        return Figures(
            self.years,
            tuple(a + b for a, b in zip(self.plan, other.plan, strict=True)),
            tuple(add(a, b) for a, b in zip(self.actual, other.actual, strict=True)),
            tuple(a + b for a, b in zip(self.forecast, other.forecast, strict=True)),
        )

    @classmethod
    def zero(cls, years: Sequence[str], current: int) -> Figures:
        n = len(years)
        return cls(tuple(years), (_NIL,) * n, tuple(_NIL if i <= current else None for i in range(n)), (_NIL,) * n)

    def split(self, percentages: Sequence[Mapping[str, Decimal] | None]) -> dict[str, Figures]:
        """Each partner's share of every figure, each year's split by that year's ``percentages`` (``money.allocate``;
        None: the line is in nobody's share that year, as in the appraisal)."""
        partners = dict.fromkeys(p for split in percentages if split for p in split)

        def part(value: Decimal | None, split: Mapping[str, Decimal] | None) -> dict[str, Decimal | None]:
            if value is None:
                return dict.fromkeys(partners)
            return {p: _NIL for p in partners} | (allocate(value, split) if split else {})

        plan = [part(v, x) for v, x in zip(self.plan, percentages, strict=True)]
        actual = [part(v, x) for v, x in zip(self.actual, percentages, strict=True)]
        forecast = [part(v, x) for v, x in zip(self.forecast, percentages, strict=True)]
        return {
            p: Figures(
                self.years,
                tuple(y[p] for y in plan),
                tuple(y[p] for y in actual),
                tuple(y[p] for y in forecast),
            )
            for p in partners
        }


@dataclass(frozen=True, slots=True)
class LineTrack:
    """One saving line tracked: its figures, latest status and comment, RAG and variance to date."""

    line_id: str
    service: str
    description: str
    figures: Figures
    shares: Mapping[str, Figures]
    status: str
    comment: str
    rag: Rag
    variance: Decimal  # forecast to date less plan to date (cost positive: more is worse)
    counted: bool = True  # False: non-cashable, tracked but in no total (as in the business case)


@dataclass(frozen=True, slots=True)
class Track:
    """A total tracked (a partner, a service area or the programme) with its RAG and variance to date."""

    name: str
    figures: Figures
    rag: Rag
    variance: Decimal
    fte_released: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TargetTrack:
    """A partner's financial-plan savings target for a year against its share of the lines tagged to it.

    Savings here are positive figures, as the target is (``jwmodel.targets``).
    """

    partner: str
    name: str
    year: str
    target: Decimal
    plan: Decimal
    actual: Decimal | None
    forecast: Decimal
    coverage: Decimal | None  # forecast as a percentage of the target
    state: str  # "met", "partly met", "not met"
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SpendTrack:
    line_id: str
    service: str
    description: str
    budget: Decimal
    spent: Decimal | None
    variance: Decimal | None
    rag: Rag | None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class MeasureTrack:
    measure: BenefitMeasure
    points: tuple[Measurement, ...]  # by date
    latest: Decimal | None
    progress: Decimal | None  # how far from baseline to target, as a percentage
    state: str  # "target met", "improving", "no better than baseline", "no measurement"


@dataclass(frozen=True, slots=True)
class Tracker:
    """Every figure of the tracker (see the module docstring)."""

    years: tuple[str, ...]
    current_year: str
    periods: tuple[str, ...]  # the periods of the returns that count, in time order
    case: Case
    by_line: tuple[LineTrack, ...]
    by_partner: tuple[Track, ...]
    by_service: tuple[Track, ...]
    programme: Track
    targets: tuple[TargetTrack, ...]
    spend: tuple[SpendTrack, ...]
    measures: tuple[MeasureTrack, ...]
    outstanding: tuple[Outstanding, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def chase(self) -> tuple[Outstanding, ...]:
        return tuple(o for o in self.outstanding if o.chase)


# --- the returns' reports, each line once a period ------------------------------------------------


def _reports(
    used: Sequence[MonitoringReturn], known: Mapping[str, PlannedLine], findings: list[Finding]
) -> dict[str, list[tuple[str, LineReport]]]:
    """line ID -> (period, report) in time order; an unknown ID, or a line twice in a period, is an error."""
    seen: dict[tuple[str, str], str] = {}
    reports: dict[str, list[tuple[str, LineReport]]] = {}
    for r in used:
        for report in r.lines:
            line = known.get(report.line_id)
            if line is None or line.share.kind is not LineKind.SAVING:
                findings.append(
                    Finding(
                        Code.MONITORING_LINE_UNKNOWN,
                        f"partner {r.partner}, {r.period}: line ID {report.line_id!r} is not a saving line of the "
                        "approved version; its figures are not counted",
                        report.where,
                        report.line_id,
                    )
                )
                continue
            first = seen.setdefault((report.line_id, r.period), r.file)
            if first != r.file:
                findings.append(
                    Finding(
                        Code.MONITORING_LINE_TWICE,
                        f"{r.period}: line {report.line_id} is reported by {first} and again here; only the first "
                        "is counted, so a delivered saving is never counted twice",
                        report.where,
                        report.line_id,
                    )
                )
                continue
            reports.setdefault(report.line_id, []).append((r.period, report))
    return reports


def _plan(line: LineShare, years: tuple[str, ...], case: Case) -> tuple[Decimal, ...]:
    flow = phase_line(line.kind, case_value(line.estimate, case), line.profile, years)
    return flow.net


def _line_figures(
    plan: tuple[Decimal, ...], years: tuple[str, ...], current: int, reports: Sequence[tuple[str, LineReport]]
) -> tuple[Figures, bool]:
    """The line's figures from its reports, and whether it has been dropped."""
    position = {y: i for i, y in enumerate(years)}
    actual = [_NIL if i <= current else None for i in range(len(years))]
    forecast = list(plan)
    dropped_at: int | None = None
    for period, report in reports:
        i = position[period_year(period)]
        actual[i] = (actual[i] or _NIL) + report.delivered
        if report.forecast is not None:
            forecast[i] = report.forecast
        if report.status is LineStatus.DROPPED and dropped_at is None:
            dropped_at = i
    if dropped_at is not None:
        for i in range(dropped_at + 1, len(years)):
            forecast[i] = _NIL
        if not any(rep.forecast is not None for p, rep in reports if position[period_year(p)] == dropped_at):
            forecast[dropped_at] = actual[dropped_at] or _NIL
    for i in range(current):  # a year that is over: its forecast is what was delivered
        forecast[i] = actual[i] if actual[i] is not None else forecast[i]
    return Figures(years, plan, tuple(actual), tuple(forecast)), dropped_at is not None


def _track_line(
    planned: PlannedLine, years: tuple[str, ...], current: int, case: Case, reports: Sequence[tuple[str, LineReport]]
) -> LineTrack:
    line = planned.share
    under = [line.under(option) for option in planned.options] or [(line.included, line.percentages)] * len(years)
    planned_flow = (v if applies else _NIL for v, (applies, _) in zip(_plan(line, years, case), under, strict=True))
    figures, dropped = _line_figures(tuple(planned_flow), years, current, reports)
    plan, forecast = figures.to_date(current)
    last = reports[-1][1] if reports else None
    splits = [split if applies else None for applies, split in under]  # participation over time: each year's split
    shares = figures.split(splits) if any(splits) else {}
    return LineTrack(
        planned.line_id,
        line.service,
        line.description,
        figures,
        shares,
        last.status.value if last else "no return",
        last.comment if last else "",
        rag(plan, forecast, dropped=dropped),
        forecast - plan,
        line.category.recurring,  # a non-cashable saving changes no budget: in no total
    )


def _tracked_line(
    planned: PlannedLine,
    years: tuple[str, ...],
    current: int,
    case: Case,
    reports: Sequence[tuple[str, LineReport]],
    findings: list[Finding],
) -> LineTrack | None:
    """The line tracked, or None with the finding (as the appraisal) when its phasing falls outside the plan."""
    try:
        return _track_line(planned, years, current, case, reports)
    except PhasingError as exc:
        line = planned.share
        findings.append(
            Finding(
                Code.PHASING_OUTSIDE_PLAN,
                f"{line.service}: '{line.description}' ({planned.line_id}): {exc}; it is not tracked",
                line.where,
            )
        )
        return None


def _total(name: str, figures: Figures, current: int, fte: Decimal | None = None) -> Track:
    plan, forecast = figures.to_date(current)
    return Track(name, figures, rag(plan, forecast), forecast - plan, fte)


# --- targets, spend and measures -----------------------------------------------------------------


def _targets(
    targets: Sequence[TargetCoverage], lines: Sequence[LineTrack], years: tuple[str, ...]
) -> tuple[TargetTrack, ...]:
    """Each target against its partner's share of the lines tagged to it (savings as positive figures)."""
    by_id = {t.line_id: t for t in lines if t.counted}
    rows = []
    for target in targets:
        if target.year not in years:
            continue
        i = years.index(target.year)
        shares = [f for line_id in target.lines if (t := by_id.get(line_id)) and (f := t.shares.get(target.partner))]
        plan = -sum((f.plan[i] for f in shares), _NIL)
        known = [f.actual[i] for f in shares if f.actual[i] is not None]
        actual = -sum(known, _NIL) if known or not shares else None
        forecast = -sum((f.forecast[i] for f in shares), _NIL)
        coverage = percent(forecast, target.amount)
        state = (
            "met"
            if coverage is not None and coverage >= _HUNDRED
            else "partly met"
            if coverage and coverage > 0
            else "not met"
        )
        rows.append(
            TargetTrack(
                target.partner,
                target.target,
                target.year,
                target.amount,
                plan,
                actual,
                forecast,
                coverage,
                state,
                target.lines,
            )
        )
    return tuple(rows)


def _spend(
    lines: Sequence[PlannedLine], used: Sequence[MonitoringReturn], case: Case, findings: list[Finding]
) -> tuple[SpendTrack, ...]:
    costs = {p.line_id: p for p in lines if p.share.kind is LineKind.ONE_OFF and p.share.included}
    latest: dict[str, tuple[tuple[str, int], str, Decimal, str]] = {}
    for r in used:
        for s in r.spend:
            if s.line_id not in costs:
                findings.append(
                    Finding(
                        Code.MONITORING_LINE_UNKNOWN,
                        f"partner {r.partner}, {r.period}: {s.line_id!r} is not a one-off cost of the "
                        "approved version; its spend is not counted",
                        s.where,
                        s.line_id,
                    )
                )
                continue
            key = (period_order(r.period), r.file)
            if s.line_id not in latest or key > latest[s.line_id][:2]:
                latest[s.line_id] = (*key, s.spent, s.comment)  # type: ignore[assignment]
    rows = []
    for line_id, p in costs.items():
        budget = case_value(p.share.estimate, case)
        got = latest.get(line_id)
        spent = got[2] if got else None
        rows.append(
            SpendTrack(
                line_id,
                p.share.service,
                p.share.description,
                budget,
                spent,
                None if spent is None else spent - budget,
                None if spent is None else rag(budget, spent),
                got[3] if got else "",
            )
        )
    return tuple(rows)


def _measures(
    plan: MonitoringPlan, used: Sequence[MonitoringReturn], findings: list[Finding]
) -> tuple[MeasureTrack, ...]:
    points: dict[str, list[Measurement]] = {m.measure: [] for m in plan.benefits}
    for r in used:
        for m in r.measurements:
            if m.measure not in points:
                findings.append(
                    Finding(
                        Code.MEASURE_UNKNOWN,
                        f"partner {r.partner}, {r.period}: {m.measure!r} is not a measure in the benefits register "
                        f"({', '.join(points) or 'none'}); it is not counted",
                        m.where,
                        m.measure,
                    )
                )
                continue
            points[m.measure].append(
                m if m.date else Measurement(m.measure, m.value, r.cover.submitted, m.comment, m.where)
            )
    return tuple(_measure(m, sorted(points[m.measure], key=lambda x: x.date)) for m in plan.benefits)


def _measure(m: BenefitMeasure, points: Sequence[Measurement]) -> MeasureTrack:
    if not points:
        return MeasureTrack(m, (), None, None, "no measurement")
    latest = points[-1].value
    sign = 1 if m.better is Better.HIGHER else -1
    progress = percent(latest - m.baseline, m.target - m.baseline)
    if sign * (latest - m.target) >= 0:
        state = "target met"
    elif sign * (latest - m.baseline) > 0:
        state = "improving"
    else:
        state = "no better than baseline"
    return MeasureTrack(m, tuple(points), latest, progress, state)


# --- the tracker ---------------------------------------------------------------------------------


def _current(
    used: Sequence[MonitoringReturn], years: tuple[str, ...], findings: list[Finding]
) -> tuple[list[MonitoringReturn], int]:
    """The returns whose period is in the plan, and the index of the current year (-1 with none)."""
    kept = []
    for r in used:
        if period_year(r.period) in years:
            kept.append(r)
        else:
            findings.append(
                Finding(
                    Code.PERIOD_OUTSIDE_PLAN,
                    f"partner {r.partner}: the period {r.period} is outside the plan ({years[0]} to {years[-1]}); "
                    "the return is not counted",
                    Location(r.file),
                    r.period,
                )
            )
    current = max((years.index(period_year(r.period)) for r in kept), default=-1)
    return kept, current


def track(
    lines: Sequence[PlannedLine],
    years: Sequence[str],
    returns: Resolved,
    plan: MonitoringPlan,
    *,
    partners: Sequence[str],
    targets: Sequence[TargetCoverage] = (),
    as_of: str,
    case: Case = Case.CENTRAL,
) -> Tracker:
    """Every figure of the tracker.

    Args:
        lines: the approved version's lines with their IDs (saving lines and one-off costs).
        years: the version's plan years.
        returns: the monitoring returns that count (``monitoring.resolve_returns``).
        plan: the programme definition's monitoring section (benefits register, returns due).
        partners: the programme's partner codes, in order.
        targets: the partners' savings targets with the lines tagged to each (``jwmodel.targets.coverage``).
        as_of: the date (ISO) the outstanding returns are counted to.
        case: the case the plan is taken under (central by default).

    Returns:
        The :class:`Tracker`; problems in the returns are its findings (the figures concerned not counted).

    """
    years = tuple(years)
    findings: list[Finding] = list(returns.findings)
    used, current = _current(list(returns.used), years, findings)
    known = {p.line_id: p for p in lines}
    reports = _reports(used, known, findings)
    by_line = tuple(
        t
        for p in lines
        if p.share.kind is LineKind.SAVING and p.share.counts_in_some_year
        if (t := _tracked_line(p, years, current, case, reports.get(p.line_id, ()), findings)) is not None
    )
    counted = [t for t in by_line if t.counted]
    by_partner = _partners(counted, partners, years, current, used)
    services = {}
    for t in counted:
        services[t.service] = services.get(t.service, Figures.zero(years, current)) + t.figures
    total = sum((t.figures for t in counted), Figures.zero(years, current))
    late = outstanding(monitoring_dues(plan.schedule), returns.received, as_of=as_of)
    findings.extend(late_findings(late, as_of))
    return Tracker(
        years,
        years[current] if current >= 0 else "",
        tuple(dict.fromkeys(r.period for r in used)),
        case,
        by_line,
        tuple(by_partner.values()),
        tuple(_total(name, f, current) for name, f in services.items()),
        _total("Programme", total, current),
        _targets(targets, by_line, years),
        _spend(lines, used, case, findings),
        _measures(plan, used, findings),
        late,
        tuple(findings),
    )


def _partners(
    counted: Sequence[LineTrack],
    partners: Sequence[str],
    years: tuple[str, ...],
    current: int,
    used: Sequence[MonitoringReturn],
) -> dict[str, Track]:
    sums = {p: Figures.zero(years, current) for p in partners}
    for t in counted:
        for p, f in t.shares.items():
            if p in sums:
                sums[p] = sums[p] + f
    fte: dict[str, Decimal] = {}
    for r in used:
        if r.fte_released is not None:
            fte[r.partner] = fte.get(r.partner, ZERO) + r.fte_released
    return {p: _total(p, f, current, fte.get(p)) for p, f in sums.items()}
