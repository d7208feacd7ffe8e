"""After approval: monitoring returns, the benefits register and who owes which return.

Pure data and rules, no I/O. A partner sends a *monitoring return* for a period (a quarter such as
``2012/13 Q1`` or a whole year ``2012/13``): for each line ID of the approved version the saving
delivered in the period and the forecast for the year (Appendix A's sign: cost positive, saving
negative, £000s, the whole line, which the tracker apportions by the line's own rule), a status and
a comment; the one-off spend to date per cost; FTE released; and measurements of the non-financial
benefits. The programme definition's ``monitoring`` section holds the *benefits register* (each
measure's baseline and target) and the *schedule* of returns due (who owes which return for which
period, by when). The partners' savings targets are the business case's (``jwmodel.targets``: each
partner return's Targets sheet, and the lines tagged to each target), kept in the approved version.

:func:`resolve_returns` decides which returns count: a draft only with ``include_drafts``, the latest of
several for one partner and period by their covers (``submissions.latest``), a resubmission after a
final signed-off return recorded as reopening it. :func:`outstanding` lists what is late or missing and
the chase list (with the contact from the partner's last return).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jwmodel.codes import Code
from jwmodel.errors import JwmodelError
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.money import MoneyError, to_decimal
from jwmodel.phasing import PhasingError, financial_years
from jwmodel.submissions import PARTNER_RETURN, WORKSTREAM_PROPOSAL, Cover, ProgrammeSetup, latest

__all__ = [
    "MONITORING_RETURN",
    "PeriodError",
    "PlanError",
    "period_year",
    "period_order",
    "check_period",
    "quarters",
    "LineStatus",
    "ReturnStatus",
    "Better",
    "SignOff",
    "LineReport",
    "SpendReport",
    "Measurement",
    "DriverActual",
    "MonitoringReturn",
    "BenefitMeasure",
    "ReturnDue",
    "MonitoringPlan",
    "plan_from_dict",
    "plan_to_dict",
    "Resolved",
    "resolve_returns",
    "Outstanding",
    "outstanding",
    "BUSINESS_CASE_RETURNS",
    "Received",
    "received",
    "business_case_dues",
    "monitoring_dues",
    "late_findings",
]

MONITORING_RETURN = "jwmodel monitoring return"
_PERIOD = re.compile(r"^(\d{4}/\d{2})(?: Q([1-4]))?$", re.ASCII)


class PeriodError(JwmodelError, ValueError):
    """A period that is not a financial year (2012/13) or a quarter of one (2012/13 Q1)."""


def check_period(text: str) -> str:
    """``text`` if it is a period such as ``2012/13 Q1`` or ``2012/13``.

    Raises:
        PeriodError: anything else, with the form expected.
    """
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if match is not None:
        try:
            financial_years(match.group(1), 1)
        except PhasingError:
            match = None
    if match is None:
        raise PeriodError(
            f"a period is a financial year such as '2012/13' or a quarter such as '2012/13 Q1'; got {text!r}"
        )
    return text.strip()


def period_year(period: str) -> str:
    """The financial year a period falls in (``2012/13 Q3`` -> ``2012/13``)."""
    return check_period(period).split(" ")[0]


def period_order(period: str) -> tuple[str, int]:
    """A key that sorts periods in time: a year's quarters, then the year as a whole (it ends with Q4)."""
    checked = check_period(period)
    year, _, quarter = checked.partition(" Q")
    return year, int(quarter) if quarter else 4


def quarters(first_year: str, years: int) -> tuple[str, ...]:
    """Every quarter of ``years`` financial years from ``first_year``: 2012/13 Q1 ... 2014/15 Q4."""
    return tuple(f"{y} Q{q}" for y in financial_years(first_year, years) for q in (1, 2, 3, 4))


class LineStatus(StrEnum):
    """A line's status on a monitoring return."""

    ON_TRACK = "on track"
    AT_RISK = "at risk"
    DELIVERED = "delivered"
    DROPPED = "dropped"


class ReturnStatus(StrEnum):
    """A return's status on its cover: a draft counts in figures only when drafts are asked for."""

    DRAFT = "Draft"
    FINAL = "Final"


class Better(StrEnum):
    """Which way a benefit measure improves."""

    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class SignOff:
    """Who signed a return off (a name, a role such as 'Section 151 officer', a date) ."""

    name: str = ""
    role: str = ""
    date: str = ""  # ISO

    def __bool__(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True, slots=True)
class LineReport:
    """One line of a monitoring return: the whole line's delivery in the period and its forecast for the year."""

    line_id: str
    delivered: Decimal
    forecast: Decimal | None = None
    status: LineStatus = LineStatus.ON_TRACK
    comment: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class SpendReport:
    """A one-off cost's spend to date (the whole cost, cumulative from the start), £000s."""

    line_id: str
    spent: Decimal
    comment: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Measurement:
    """A benefit measure's value as measured on a date."""

    measure: str
    value: Decimal
    date: str = ""  # ISO
    comment: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class DriverActual:
    """A partner's actual value of an apportionment driver of a service for a financial year (the yearly
    true-up, ``jwmodel.trueup``): a named driver ("Users of the shared system") or ``baseline net``."""

    service: str
    driver: str
    year: str
    value: Decimal
    basis: str = ""  # how it was measured ("payroll at 31 March 2013")
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class MonitoringReturn:
    """One partner's monitoring return for one period."""

    cover: Cover
    partner: str
    period: str
    status: ReturnStatus = ReturnStatus.FINAL
    sign_off: SignOff = SignOff()
    lines: tuple[LineReport, ...] = ()
    spend: tuple[SpendReport, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    fte_released: Decimal | None = None
    setup: ProgrammeSetup | None = None
    file: str = ""
    actuals: tuple[DriverActual, ...] = ()  # the Actual drivers sheet (optional: older returns have none)

    def __post_init__(self) -> None:
        for name in ("lines", "spend", "measurements", "actuals"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def kind(self) -> str:
        """Which return it is, as a schedule names it (:class:`ReturnDue`)."""
        return MONITORING_RETURN


# --- the programme definition's monitoring section ----------------------------------------------


@dataclass(frozen=True, slots=True)
class BenefitMeasure:
    """A non-financial benefit in the register: how it is measured, from what baseline, to what target."""

    measure: str
    unit: str
    better: Better
    baseline: Decimal
    baseline_date: str
    target: Decimal
    target_date: str
    source: str = ""
    owner: str = ""


@dataclass(frozen=True, slots=True)
class ReturnDue:
    """One partner owes one return for one period by a date."""

    partner: str
    period: str
    due: str  # ISO
    kind: str = MONITORING_RETURN


@dataclass(frozen=True, slots=True)
class MonitoringPlan:
    """The programme definition's ``monitoring`` section."""

    benefits: tuple[BenefitMeasure, ...] = ()
    schedule: tuple[ReturnDue, ...] = ()

    def __post_init__(self) -> None:
        for name in ("benefits", "schedule"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def measure(self, name: str) -> BenefitMeasure | None:
        return next((m for m in self.benefits if m.measure == name), None)


_SECTION_KEYS = ("benefits", "returns_due")
_MEASURE_KEYS = ("measure", "unit", "better", "baseline", "baseline_date", "target", "target_date", "source", "owner")


class PlanError(JwmodelError, ValueError):
    """A monitoring section that cannot be used (``jwmodel.definition`` raises it as its DefinitionError)."""


def _fail(source: str, at: str, problem: str) -> PlanError:
    return PlanError(f"{source}: {at}: {problem}")


def _items(data: Mapping[str, object], key: str, source: str) -> list[Mapping[str, object]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise _fail(source, f"monitoring.{key}", "expected a list of objects")
    return value  # type: ignore[return-value]


def _str(item: Mapping[str, object], key: str, at: str, source: str, *, required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(source, f"{at}.{key}", "expected text" if not isinstance(value, str) else "is blank")
    return value.strip()


def _number(item: Mapping[str, object], key: str, at: str, source: str) -> Decimal:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(source, f"{at}.{key}", f"expected a number, got {value!r}")
    try:
        return to_decimal(value)
    except MoneyError as exc:
        raise _fail(source, f"{at}.{key}", str(exc)) from exc


def _date(item: Mapping[str, object], key: str, at: str, source: str) -> str:
    text = _str(item, key, at, source)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise _fail(source, f"{at}.{key}", f"expected a date such as 2012-07-31, got {text!r}") from None


def _period(item: Mapping[str, object], key: str, at: str, source: str) -> str:
    try:
        return check_period(_str(item, key, at, source))
    except PeriodError as exc:
        raise _fail(source, f"{at}.{key}", str(exc)) from exc


def _measure(item: Mapping[str, object], at: str, source: str) -> BenefitMeasure:
    unknown = sorted(set(item) - set(_MEASURE_KEYS))
    if unknown:
        raise _fail(source, at, f"unknown key {unknown[0]!r}; a measure has {', '.join(_MEASURE_KEYS)}")
    better = _str(item, "better", at, source)
    if better not in tuple(Better):
        raise _fail(source, f"{at}.better", f"expected 'higher' or 'lower', got {better!r}")
    return BenefitMeasure(
        _str(item, "measure", at, source),
        _str(item, "unit", at, source),
        Better(better),
        _number(item, "baseline", at, source),
        _date(item, "baseline_date", at, source),
        _number(item, "target", at, source),
        _date(item, "target_date", at, source),
        _str(item, "source", at, source, required=False),
        _str(item, "owner", at, source, required=False),
    )


def _dues(item: Mapping[str, object], at: str, source: str) -> Iterable[ReturnDue]:
    partners = item.get("partners")
    if not isinstance(partners, list) or not partners or not all(isinstance(p, str) and p for p in partners):
        raise _fail(source, f"{at}.partners", "expected a list of partner codes")
    period, due = _period(item, "period", at, source), _date(item, "due", at, source)
    kind = _str(item, "return", at, source, required=False) or MONITORING_RETURN
    for partner in partners:
        yield ReturnDue(partner, period, due, kind)


def plan_from_dict(data: object, *, source: str = "programme.json") -> MonitoringPlan:
    """The ``monitoring`` section of a programme definition, checked.

    ``{"benefits": [{"measure", "unit", "better": "higher"|"lower", "baseline", "baseline_date", "target",
    "target_date", "source", "owner"}], "returns_due":
    [{"partners": ["HC", ...], "return": "jwmodel monitoring return", "period": "2012/13 Q1", "due":
    "2012-07-31"}]}``; every list may be left out.

    Raises:
        PlanError: the first problem, naming ``source`` and the entry (``monitoring.benefits[1].target``).
    """
    if not isinstance(data, dict):
        raise _fail(source, "monitoring", "expected an object with benefits and returns_due")
    unknown = sorted(set(data) - set(_SECTION_KEYS))
    if unknown:
        raise _fail(source, "monitoring", f"unknown key {unknown[0]!r}; the keys are: {', '.join(_SECTION_KEYS)}")
    benefits = tuple(
        _measure(x, f"monitoring.benefits[{i}]", source) for i, x in enumerate(_items(data, "benefits", source))
    )
    names = [m.measure for m in benefits]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise _fail(source, "monitoring.benefits", f"the measure {twice!r} is given twice")
    schedule = tuple(
        due
        for i, x in enumerate(_items(data, "returns_due", source))
        for due in _dues(x, f"monitoring.returns_due[{i}]", source)
    )
    return MonitoringPlan(benefits, schedule)


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def plan_to_dict(plan: MonitoringPlan) -> dict[str, object]:
    """The JSON form of a monitoring section (:func:`plan_from_dict` reads it back to an equal one)."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for due in plan.schedule:
        grouped.setdefault((due.kind, due.period, due.due), []).append(due.partner)
    return {
        "benefits": [
            {
                "measure": m.measure,
                "unit": m.unit,
                "better": m.better.value,
                "baseline": _plain(m.baseline),
                "baseline_date": m.baseline_date,
                "target": _plain(m.target),
                "target_date": m.target_date,
                "source": m.source,
                "owner": m.owner,
            }
            for m in plan.benefits
        ],
        "returns_due": [
            {"partners": partners, "return": kind, "period": period, "due": due}
            for (kind, period, due), partners in grouped.items()
        ],
    }


# --- which returns count ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """The returns that count (one per partner and period, in time order) and what became of the others."""

    used: tuple[MonitoringReturn, ...]
    received: tuple[MonitoringReturn, ...]  # every return read, used or not (for lateness and contacts)
    findings: tuple[Finding, ...] = ()
    left_out: Mapping[str, str] = field(default_factory=dict)  # file -> why it does not count


def _label(r: MonitoringReturn) -> str:
    return f"partner {r.partner}, {r.period}"


def resolve_returns(returns: Sequence[MonitoringReturn], *, include_drafts: bool = False) -> Resolved:
    """Which monitoring returns count.

    A draft counts only with ``include_drafts`` (else it is left out, with a RETURN_DRAFT finding).
    Several returns from one partner for one period are resolved by their covers (submission number,
    then date: ``submissions.latest``); covers that cannot decide leave all of them out
    (RESUBMISSION_UNDECIDED). A later return after one that was final and signed off is recorded as
    reopening it (RETURN_REOPENED). A final return with no sign-off is a SIGN_OFF_MISSING warning.
    """
    findings: list[Finding] = []
    left_out: dict[str, str] = {}
    groups: dict[tuple[str, str], list[MonitoringReturn]] = {}
    for r in returns:
        if r.status is ReturnStatus.FINAL and not r.sign_off:
            findings.append(
                Finding(
                    Code.SIGN_OFF_MISSING,
                    f"{_label(r)}: the return is final but nobody signed it off",
                    Location(r.file),
                )
            )
        groups.setdefault((r.partner, r.period), []).append(r)
    used: list[MonitoringReturn] = []
    for group in groups.values():
        winner = _winner(group, include_drafts, findings, left_out)
        if winner is not None:
            used.append(winner)
    used.sort(key=lambda r: (period_order(r.period), r.partner))
    return Resolved(tuple(used), tuple(returns), tuple(findings), left_out)


def _winner(
    group: Sequence[MonitoringReturn], include_drafts: bool, findings: list[Finding], left_out: dict[str, str]
) -> MonitoringReturn | None:
    ordered = sorted(group, key=lambda r: r.file)
    counted = [r for r in ordered if include_drafts or r.status is ReturnStatus.FINAL]
    for r in ordered:
        if r not in counted:
            why = "a draft: it counts only with --include-drafts"
            left_out[r.file] = why
            findings.append(Finding(Code.RETURN_DRAFT, f"{_label(r)}: {why}", Location(r.file)))
    if not counted:
        return None
    final = latest([r.cover for r in counted]) if len(counted) > 1 else 0
    if final is None:
        for r in counted:
            left_out[r.file] = "its cover does not say whether it or another return for the period is the latest"
            message = f"{_label(r)}: {len(counted)} returns whose covers do not say which is the latest; none is used"
            findings.append(Finding(Code.RESUBMISSION_UNDECIDED, message, Location(r.file)))
        return None
    winner = counted[final]
    for r in counted:
        if r is not winner:
            left_out[r.file] = f"superseded by {winner.file}"
            findings.append(Finding(Code.SUPERSEDED, f"{_label(r)}: superseded by {winner.file}", Location(r.file)))
    _reopened(ordered, winner, findings)
    return winner


def _reopened(group: Sequence[MonitoringReturn], winner: MonitoringReturn, findings: list[Finding]) -> None:
    """A resubmission after a final, signed-off return: recorded as reopening it."""
    for r in group:
        if r is winner or r.status is not ReturnStatus.FINAL or not r.sign_off:
            continue
        if latest([winner.cover, r.cover]) == 0:
            findings.append(
                Finding(
                    Code.RETURN_REOPENED,
                    f"{_label(r)}: {winner.file} was sent after the final return {r.file} signed off by "
                    f"{r.sign_off.name} ({r.sign_off.role or 'no role given'}) on {r.sign_off.date or '?'}: "
                    "the period is reopened",
                    Location(winner.file),
                )
            )


# --- who has not sent a return -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outstanding:
    """A return due: received late, or not received (outstanding) by the date the tracker is run."""

    partner: str
    kind: str
    period: str
    due: str
    state: str  # "late" (received after the due date) or "outstanding" (not received, past due)
    days_late: int
    received: str = ""  # the submission date of the return, when it came
    contact: str = ""  # from the partner's last return
    email: str = ""

    @property
    def chase(self) -> bool:
        """Whether it goes on the chase list: still not received."""
        return self.state == "outstanding"


def _days(later: str, earlier: str) -> int:
    return (dt.date.fromisoformat(later) - dt.date.fromisoformat(earlier)).days


def outstanding(
    schedule: Iterable[ReturnDue], received: Sequence[MonitoringReturn | Received], *, as_of: str
) -> tuple[Outstanding, ...]:
    """Every scheduled return that came late or has not come by ``as_of`` (ISO), due date first.

    A due is met by a return of its kind (a partner return, a workstream proposal, or, for any other
    name, a monitoring return) from its partner (a proposal: its service area) for its period.

    A return counts as received on its cover's submission date (any status: a draft has been sent);
    days late are counted to that date, or to ``as_of`` for one not received. The contact is the one
    on the partner's last return (by period, then submission date).
    """
    by_due: dict[tuple[str, str, str], list[MonitoringReturn | Received]] = {}
    for r in received:
        by_due.setdefault((_due_kind(r.kind), r.partner, r.period), []).append(r)
    rows: list[Outstanding] = []
    for due in schedule:
        key = (_due_kind(due.kind), due.partner, due.period)
        got = sorted(d for r in by_due.get(key, ()) if (d := r.cover.submitted or as_of))
        contact, email = _contact(due.partner, received)
        if got:
            if got[0] > due.due:
                rows.append(
                    Outstanding(
                        due.partner,
                        due.kind,
                        due.period,
                        due.due,
                        "late",
                        _days(got[0], due.due),
                        got[0],
                        contact,
                        email,
                    )
                )
        elif as_of > due.due:
            rows.append(
                Outstanding(
                    due.partner, due.kind, due.period, due.due, "outstanding", _days(as_of, due.due), "", contact, email
                )
            )
    return tuple(sorted(rows, key=lambda o: (o.due, o.partner)))


def _contact(partner: str, received: Sequence[MonitoringReturn | Received]) -> tuple[str, str]:
    mine = [r for r in received if r.partner == partner]
    if not mine:
        return "", ""
    last = max(mine, key=lambda r: (period_order(r.period), r.cover.submitted))
    return last.cover.contact, last.cover.email


# --- business-case returns on the schedule (issue 11, part 7: ``consolidate`` lists them) -------------

BUSINESS_CASE_RETURNS = (PARTNER_RETURN, WORKSTREAM_PROPOSAL)


def _due_kind(kind: str) -> str:
    """The kind a due is matched on: a business-case return by its name, any other name a monitoring return."""
    return kind if kind in BUSINESS_CASE_RETURNS else MONITORING_RETURN


@dataclass(frozen=True, slots=True)
class Received:
    """A business-case return as received: who sent it (a partner code; a proposal: its service area), the
    financial year on its cover (the period it is due for) and its cover (submission date, contact)."""

    partner: str
    period: str
    cover: Cover
    kind: str


def received(submissions: Iterable[object]) -> tuple[Received, ...]:
    """The partner returns and workstream proposals read, as :func:`outstanding` matches them to their dues.

    One whose cover gives no financial year (or not one such as 2011/12) cannot meet a due and is left out.
    """
    found = []
    for x in submissions:
        cover = getattr(x, "cover", None)
        if cover is None or cover.template not in BUSINESS_CASE_RETURNS:
            continue
        who = x.partner.code if cover.template == PARTNER_RETURN else x.service.name  # type: ignore[attr-defined]
        try:
            period = check_period(cover.financial_year)
        except PeriodError:
            continue
        found.append(Received(who, period, cover, cover.template))
    return tuple(found)


def business_case_dues(schedule: Iterable[ReturnDue]) -> tuple[ReturnDue, ...]:
    """The dues on a schedule for partner returns and workstream proposals (``consolidate`` lists them)."""
    return tuple(d for d in schedule if d.kind in BUSINESS_CASE_RETURNS)


def monitoring_dues(schedule: Iterable[ReturnDue]) -> tuple[ReturnDue, ...]:
    """The dues on a schedule for monitoring returns (``track`` lists them)."""
    return tuple(d for d in schedule if d.kind not in BUSINESS_CASE_RETURNS)


def late_findings(rows: Iterable[Outstanding], as_of: str) -> Iterable[Finding]:
    """RETURN_OUTSTANDING for each return on the chase list, RETURN_LATE for each that came late."""
    for o in rows:
        who = f"service area {o.partner}" if o.kind == WORKSTREAM_PROPOSAL else f"partner {o.partner}"
        if o.chase:
            message = (
                f"{who}: the {o.kind} for {o.period} was due on {o.due} and has not come by {as_of} "
                f"({o.days_late} days late)"
            )
            yield Finding(Code.RETURN_OUTSTANDING, message, Location(), o.partner)
        else:
            message = f"{who}: the {o.kind} for {o.period} was due on {o.due} and came on {o.received}"
            yield Finding(Code.RETURN_LATE, f"{message} ({o.days_late} days late)", Location(), o.partner)
