"""The yearly true-up: shares set from estimated drivers, revisited when the actual drivers are known.

Pure: :func:`true_up` takes the approved version's programme and consolidation, the monitoring returns
that count (each partner states its own actual drivers on the return's *Actual drivers* sheet) and the
year, and gives every figure of the true-up. The rules (docs/apportionment.md, "The yearly true-up"):

* **What is trued up.** Each service area whose participation option **in force in the year** (participation
  over time: ``business_case.options_by_year``; the option in use where it does not change) splits by share
  of baseline or by a driver. Its *shared amount* for the year is the year's phased net figure (``phase_line``
  of ``case_value`` under the case agreed, central by default) of every line that counts that year
  (``LineShare.under`` the option then in force) and is split by the service's rule: a line borne by its Sole
  bearer column and a non-cashable saving are not shared and are left out. Fixed percentages, a sole bearer
  and "none" are agreed splits, not estimates: they are listed, not trued up.
* **A line's own split** (``consolidation.own_rule``) is its own subject, named by the line
  (``ServiceTrueUp.line``): an estimate (share of baseline, by FTE, a driver) is trued up by its own rule
  re-applied among the option's partners on the same actuals, with the same tolerance and cap, its payments
  in the balances; its own fixed percentages or sole bearer are agreed: listed, not trued up.
* **Actual shares** are worked out by the same function as the business case's (``option_shares``:
  whole percentages adding up to 100, the rule's minimum each, largest remainder) from the actual values:
  ``baseline net`` for share of baseline, ``baseline FTE`` for share of baseline (FTE), the driver's name for a
  driver.
* **Tolerance.** The estimate stands when no partner's share moves by more than the tolerance
  (:data:`DEFAULT_TOLERANCE`, 3 percentage points); a move of exactly the tolerance stands.
* **Damping.** With a cap (whole points a year), when a share would move by more than the cap every
  move is scaled down by the same factor (cap / largest move), and the shares are rounded back to whole
  percentages adding up to 100 by ``whole_percent_shares`` (largest remainder). The partner with the
  largest move moves by exactly the cap; no share moves by more (each scaled move lies within the cap,
  and rounding a figure within a whole number of points never takes it past that number).
* **Payments.** Each line's year figure is split by the estimated percentages (what each partner has paid
  or borne, as the business case split it: ``allocate``, exact to £1) and by the trued-up percentages (its
  trued-up share); a partner's balancing payment for the service is the trued-up share less what it has
  paid: positive when it pays, negative when it receives. Both splits add up to the shared amount, so
  each service's payments add up to exactly 0, and so do the partners' balances (the sums over services).
* **Settlement.** Who pays whom (:func:`settle`): the fewest transfers that clear every balance.

Amounts are ``Decimal`` £000s, Appendix A's sign: cost positive, saving negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from jwmodel.apportionment import option_shares
from jwmodel.business_case import options_by_year
from jwmodel.cases import Case, case_value
from jwmodel.codes import Code
from jwmodel.consolidation import ApportionmentRow, Consolidation, LineShare, own_rule, own_split_row
from jwmodel.findings import Finding, Location
from jwmodel.model import (
    ZERO,
    BaselineEntry,
    Category,
    DriverValue,
    Method,
    ParticipationOption,
    Programme,
    frozen_map,
)
from jwmodel.money import POUND, allocate, whole_percent_shares
from jwmodel.monitoring import DriverActual, MonitoringReturn, period_order
from jwmodel.phasing import PhasingError, phase_line

__all__ = [
    "BASELINE_NET",
    "BASELINE_FTE",
    "DEFAULT_TOLERANCE",
    "Decision",
    "TrueUpSettings",
    "ServiceTrueUp",
    "Settlement",
    "TrueUp",
    "driver_of",
    "year_actuals",
    "settle_shares",
    "damp",
    "settle",
    "true_up",
]

BASELINE_NET = "baseline net"  # the actual a share-of-baseline split is trued up on
BASELINE_FTE = "baseline FTE"  # the actual a share-of-baseline-by-FTE split is trued up on
DEFAULT_TOLERANCE = Decimal(3)  # percentage points: a smaller move leaves the estimate standing
_NIL = ZERO.quantize(POUND)


class Decision(StrEnum):
    """What the true-up did with a service's split."""

    TRUED_UP = "trued up"
    WITHIN_TOLERANCE = "within tolerance: the estimate stands"
    NO_ACTUALS = "actuals missing: the estimate stands"
    UNUSABLE = "actuals unusable: the estimate stands"
    NOT_TRUED = "an agreed split, not an estimate: not trued up"


@dataclass(frozen=True, slots=True)
class TrueUpSettings:
    """The year trued up, the tolerance (percentage points), the damping cap (whole points a year; None: no
    damping) and the case the year's amounts are taken under."""

    year: str
    tolerance: Decimal = DEFAULT_TOLERANCE
    cap: int | None = None
    case: Case = Case.CENTRAL


@dataclass(frozen=True, slots=True)
class ServiceTrueUp:
    """One service area's split trued up, and each partner's figures (£000s; percentages as whole numbers)."""

    service: str
    option: str
    driver: str  # what it is trued up on: "baseline net" or the driver's name ("" when not trued up)
    decision: Decision
    estimated: Mapping[str, Decimal]  # partner -> % in the approved version
    actual: Mapping[str, Decimal] | None  # partner -> % from the actual drivers (None: none worked out)
    trued_up: Mapping[str, Decimal]  # partner -> % the year is settled on
    damped: bool
    amount: Decimal  # the year's shared amount
    paid: Mapping[str, Decimal]  # partner -> its share at the estimated percentages
    due: Mapping[str, Decimal]  # partner -> its share at the trued-up percentages
    values: Mapping[str, DriverActual] = field(default_factory=dict)  # partner -> the actual it stated
    lines: tuple[str, ...] = ()  # the IDs of the lines whose year figures make the amount
    line: str = ""  # a line's own split: the line (its ID, else its description), as the apportionment names it

    def __post_init__(self) -> None:
        for name in ("estimated", "trued_up", "paid", "due", "values"):
            object.__setattr__(self, name, frozen_map(getattr(self, name)))
        if self.actual is not None:
            object.__setattr__(self, "actual", frozen_map(self.actual))
        object.__setattr__(self, "lines", tuple(self.lines))

    @property
    def payments(self) -> dict[str, Decimal]:
        """Partner -> balancing payment: trued-up share less what it has paid (positive: it pays)."""
        return {p: self.due[p] - self.paid[p] for p in self.estimated}

    @property
    def moved(self) -> Decimal | None:
        """The largest move of any partner's share from the estimate to the actual, in points."""
        if self.actual is None:
            return None
        return max((abs(self.actual[p] - self.estimated[p]) for p in self.estimated), default=ZERO)


@dataclass(frozen=True, slots=True)
class Settlement:
    """One transfer that settles the balances: ``payer`` pays ``payee`` ``amount`` (£000s, positive)."""

    payer: str
    payee: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TrueUp:
    """Every figure of one year's true-up."""

    year: str
    case: Case
    tolerance: Decimal
    cap: int | None
    partners: tuple[str, ...]
    services: tuple[ServiceTrueUp, ...]
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        for name in ("partners", "services", "findings"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def balances(self) -> dict[str, Decimal]:
        """Partner -> balancing payment over every service (positive: it pays); they add up to 0."""
        totals = dict.fromkeys(self.partners, _NIL)
        for s in self.services:
            for p, v in s.payments.items():
                totals[p] = totals.get(p, _NIL) + v
        return totals

    @property
    def settlements(self) -> tuple[Settlement, ...]:
        """Who pays whom (:func:`settle` of :attr:`balances`)."""
        return settle(self.balances)


# --- the rules -------------------------------------------------------------------------------------


def driver_of(method: Method, driver: str) -> str:
    """The actual a split is trued up on: ``baseline net`` for share of baseline, the driver's name for a
    driver, "" for a split that is agreed rather than estimated (fixed, sole bearer, none)."""
    if method is Method.BASELINE:
        return BASELINE_NET
    if method is Method.BASELINE_FTE:
        return BASELINE_FTE
    if method is Method.DRIVER:
        return driver
    return ""


def year_actuals(returns: Sequence[MonitoringReturn], year: str) -> dict[tuple[str, str], dict[str, DriverActual]]:
    """(service, driver casefolded) -> partner -> its actual for ``year``: the latest period's return that
    states it counts (a Q4 return restating a Q2 figure replaces it)."""
    chosen: dict[tuple[str, str], dict[str, DriverActual]] = {}
    for r in sorted(returns, key=lambda r: (period_order(r.period), r.partner)):
        for a in r.actuals:
            if a.year == year:
                chosen.setdefault((a.service, a.driver.casefold()), {})[r.partner] = a
    return chosen


def settle_shares(
    estimated: Mapping[str, Decimal],
    actual: Mapping[str, Decimal],
    *,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    cap: int | None = None,
    minimum: int = 0,
) -> tuple[dict[str, Decimal], Decision, bool]:
    """The percentages the year is settled on, the decision, and whether damping applied (module docstring)."""
    largest = max((abs(actual[p] - estimated[p]) for p in estimated), default=ZERO)
    if largest <= tolerance:
        return dict(estimated), Decision.WITHIN_TOLERANCE, False
    if cap is None or largest <= cap:
        return dict(actual), Decision.TRUED_UP, False
    return damp(estimated, actual, cap, minimum=minimum), Decision.TRUED_UP, True


def damp(
    estimated: Mapping[str, Decimal], actual: Mapping[str, Decimal], cap: int, *, minimum: int = 0
) -> dict[str, Decimal]:
    """Every move from ``estimated`` to ``actual`` scaled by cap / largest move, back to whole percentages
    adding up to 100 (``whole_percent_shares``: largest remainder); no share moves by more than ``cap``."""
    if cap < 0:
        raise ValueError(f"a damping cap is 0 or more points, got {cap}")
    largest = max(abs(Fraction(actual[p]) - Fraction(estimated[p])) for p in estimated)
    if largest <= cap:
        return dict(actual)
    scale = Fraction(cap) / largest
    weights = {p: Fraction(estimated[p]) + (Fraction(actual[p]) - Fraction(estimated[p])) * scale for p in estimated}
    return {p: Decimal(v) for p, v in whole_percent_shares(weights, minimum=minimum).items()}


def settle(balances: Mapping[str, Decimal]) -> tuple[Settlement, ...]:
    """Transfers that clear ``balances`` (positive pays, negative receives; adding up to 0), as few as can be.

    The partners are split into as many groups that clear among themselves as there can be (each group of
    n needs n - 1 transfers, so more groups mean fewer transfers); within a group the largest payer pays the
    largest receiver, repeatedly. Ties go to the partner code that sorts first, so the list never depends
    on the order the balances are given in. Beyond 12 partners with a balance, one group (the greedy rule).
    """
    owing = {p: v for p, v in sorted(balances.items()) if v}
    if sum(owing.values(), ZERO) != 0:
        raise ValueError("balances do not add up to 0: they cannot be settled")
    transfers: list[Settlement] = []
    for group in _groups(owing):
        transfers += _greedy({p: owing[p] for p in group})
    return tuple(transfers)


def _groups(owing: Mapping[str, Decimal]) -> list[tuple[str, ...]]:
    """The most groups of partners whose balances add up to 0 (bitmask search; one group past 12)."""
    codes = list(owing)
    n = len(codes)
    if n > 12:
        return [tuple(codes)] if codes else []
    total = [ZERO] * (1 << n)
    best = [0] * (1 << n)
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        total[mask] = total[mask & (mask - 1)] + owing[codes[low]]
        best[mask] = max(best[mask ^ (1 << i)] for i in range(n) if mask >> i & 1) + (total[mask] == 0)
    groups, mask, order = [], (1 << n) - 1, []
    while mask:  # take members out last-first, keeping the count at its best
        i = next(
            i for i in reversed(range(n)) if mask >> i & 1 and best[mask ^ (1 << i)] + (total[mask] == 0) == best[mask]
        )
        order.append(i)
        mask ^= 1 << i
    current: list[str] = []
    running = ZERO
    for i in reversed(order):
        current.append(codes[i])
        running += owing[codes[i]]
        if running == 0:
            groups.append(tuple(sorted(current)))
            current = []
    return sorted(groups)


def _greedy(owing: Mapping[str, Decimal]) -> list[Settlement]:
    left = dict(owing)
    out = []
    while any(left.values()):
        payer = min((p for p in left if left[p] > 0), key=lambda p: (-left[p], p))
        payee = min((p for p in left if left[p] < 0), key=lambda p: (left[p], p))
        amount = min(left[payer], -left[payee])
        out.append(Settlement(payer, payee, amount))
        left[payer] -= amount
        left[payee] += amount
    return out


# --- the year's shared amounts ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Subject:
    """What is trued up: a split (an option's row, or a line's own split), the option with the rule to re-apply on
    the actuals, and the lines its percentages split."""

    row: ApportionmentRow
    option: ParticipationOption  # the option in force, with the rule applied (the line's own, for an own split)
    lines: list[tuple[LineShare, Decimal]] = field(default_factory=list)


def _year_figure(line: LineShare, case: Case, years: tuple[str, ...], year: str) -> Decimal | Finding:
    try:
        flow = phase_line(line.kind, case_value(line.estimate, case), line.profile, years)
    except PhasingError as exc:
        return Finding(
            Code.PHASING_OUTSIDE_PLAN,
            f"{line.service}: '{line.description}': {exc}; it is left out of the true-up",
            line.where,
        )
    return flow.net[years.index(year)]


def _split(lines: Iterable[tuple[LineShare, Decimal]], percentages: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Each partner's share of the lines' year figures, each split by ``percentages`` (exact to £1)."""
    shares = dict.fromkeys(percentages, _NIL)
    for _, value in lines:
        if value:
            for p, v in allocate(value, percentages).items():
                shares[p] += v
    return shares


# --- the true-up -----------------------------------------------------------------------------------


def _actual_shares(
    subject: _Subject, programme: Programme, values: Mapping[str, DriverActual]
) -> tuple[Mapping[str, Decimal] | None, tuple[Finding, ...]]:
    """The split the actuals give, by the business case's own function (``option_shares``), the subject's rule
    (the option's, or the line's own) re-applied among the option's partners."""
    service, option = subject.row.service, subject.option
    method = option.rule.method
    if method is Method.BASELINE:
        baseline = [BaselineEntry(p, service, a.value, ZERO, where=a.where) for p, a in values.items()]
        shares = option_shares(service, option, baseline=baseline, drivers=())
    elif method is Method.BASELINE_FTE:
        baseline = [BaselineEntry(p, service, ZERO, a.value, where=a.where) for p, a in values.items()]
        shares = option_shares(service, option, baseline=baseline, drivers=())
    else:
        drivers = [DriverValue(service, option.rule.driver, p, a.value, where=a.where) for p, a in values.items()]
        shares = option_shares(service, option, baseline=(), drivers=drivers)
    return shares.percentages, shares.findings


def _service(
    subject: _Subject,
    programme: Programme,
    stated: Mapping[str, DriverActual],
    settings: TrueUpSettings,
) -> tuple[ServiceTrueUp, list[Finding]]:
    row, lines = subject.row, subject.lines
    estimated = dict(row.shares or {})
    driver = driver_of(row.method, row.driver)
    label = f"{row.service} ({row.line})" if row.line else row.service
    findings: list[Finding] = []
    actual, trued, damped = None, estimated, False
    if not driver:
        decision = Decision.NOT_TRUED
    elif missing := [p for p in row.partners if p not in stated]:
        decision = Decision.NO_ACTUALS
        findings.append(_missing(label, driver, settings.year, missing))
    else:
        values = {p: stated[p] for p in row.partners}
        actual, refused = _actual_shares(subject, programme, values)
        where = min((a.where for a in values.values() if a.where.file), key=str, default=Location())
        findings += [
            Finding(f.code, f"{f.message} (the actual drivers for {settings.year})", where, f.value) for f in refused
        ]
        if actual is None:
            decision = Decision.UNUSABLE
        else:
            minimum = subject.option.rule.minimum_percent
            trued, decision, damped = settle_shares(
                estimated, actual, tolerance=settings.tolerance, cap=settings.cap, minimum=minimum
            )
    result = ServiceTrueUp(
        row.service,
        row.option,
        driver,
        decision,
        estimated,
        actual,
        trued,
        damped,
        sum((v for _, v in lines), _NIL),
        _split(lines, estimated),
        _split(lines, trued),
        {p: stated[p] for p in row.partners if p in stated},
        tuple(line.line_id for line, _ in lines),
        row.line,
    )
    return result, findings


def _missing(label: str, driver: str, year: str, missing: Sequence[str]) -> Finding:
    who = ", ".join(missing)
    message = f"{label}: no actual '{driver}' for {year} from {who}: the split is not trued up and the estimate stands"
    return Finding(Code.ACTUALS_MISSING, message, Location(), who)


def _stray_actuals(
    subjects: Sequence[_Subject], chosen: Mapping[tuple[str, str], Mapping[str, DriverActual]]
) -> Iterable[Finding]:
    """An actual for a service the version does not have, or for a driver no split of it uses (the option in force
    in the year, or a line's own split), or from a partner that does not take part in the split."""
    by_service: dict[str, list[ApportionmentRow]] = {}
    for subject in subjects:
        by_service.setdefault(subject.row.service, []).append(subject.row)
    for (service, driver), stated in chosen.items():
        for partner, a in stated.items():
            rows = by_service.get(service)
            if rows is None:
                message = f"partner {partner}: '{service}' is not a service area of the approved version"
                yield Finding(Code.ACTUALS_SERVICE_UNKNOWN, f"{message}; its actual is not used", a.where, service)
                continue
            using = [r for r in rows if driver_of(r.method, r.driver).casefold() == driver]
            if any(partner in r.partners for r in using):
                continue
            row = rows[0]  # the option's row
            used = driver_of(row.method, row.driver)
            why = (
                f"its split ({row.option}) is trued up on '{used}'"
                if used
                else f"its split ({row.option}: {row.method.value}) is agreed, not estimated"
            )
            if using:
                why = f"{partner} does not take part in it under {using[0].option}"
            message = f"partner {partner}: {service}: the actual '{a.driver}' is not used: {why}"
            yield Finding(Code.ACTUALS_NOT_USED, message, a.where, a.driver)


def _subjects(programme: Programme, result: Consolidation, years: tuple[str, ...], year: str) -> list[_Subject]:
    """What the year trues up: for each service area, the option in force that year (participation over time,
    ``business_case.options_by_year``) and its shared lines, then each line whose own split is worked out among
    that option's partners; the lines' year figures are added by :func:`true_up`."""
    in_force = {name: names[years.index(year)] for name, names in options_by_year(result, years).items()}
    subjects: dict[tuple[str, str], _Subject] = {}
    for service in programme.services:
        name = in_force.get(service.name, "")
        row = next((r for r in result.apportionment if (r.service, r.option, r.line) == (service.name, name, "")), None)
        option = service.option(name)
        if option is not None and row is not None and row.shares is not None:
            subjects[(service.name, "")] = _Subject(row, option)
    for line in result.lines:
        option = programme.service(line.service).option(in_force[line.service]) if line.service in in_force else None
        applies, split = line.under(option.name) if option is not None else (False, None)
        if not applies or split is None or line.category is Category.NON_CASHABLE:
            continue
        rule = own_rule(programme, line)
        if rule is None and (line.service, "") in subjects and not line.basis.startswith("sole bearer"):
            subjects[(line.service, "")].lines.append((line, ZERO))
        elif rule is not None:
            own = _Subject(own_split_row(option, rule, line, split), replace(option, rule=rule), [(line, ZERO)])
            subjects[(line.service, own.row.line)] = own
    return list(subjects.values())


def true_up(
    programme: Programme,
    result: Consolidation,
    returns: Sequence[MonitoringReturn],
    years: Sequence[str],
    settings: TrueUpSettings,
) -> TrueUp:
    """The year's true-up of the approved version (its programme and consolidation) on the returns' actuals.

    Args:
        programme: the approved version's programme (its options and rules).
        result: its consolidation under its own options (``consolidate(programme, options=...)``).
        returns: the monitoring returns that count (``monitoring.resolve_returns``), any periods.
        years: the plan's years; ``settings.year`` must be one of them.
        settings: the year, tolerance, damping cap and case.
    """
    years = tuple(years)
    if settings.year not in years:
        raise ValueError(f"{settings.year} is not a year of the plan ({years[0]} to {years[-1]})")
    subjects = _subjects(programme, result, years, settings.year)
    chosen = year_actuals(returns, settings.year)
    findings: list[Finding] = list(_stray_actuals(subjects, chosen))
    services = []
    for subject in subjects:
        figures = [(line, _year_figure(line, settings.case, years, settings.year)) for line, _ in subject.lines]
        findings += [value for _, value in figures if isinstance(value, Finding)]
        subject.lines[:] = [(line, value) for line, value in figures if not isinstance(value, Finding)]
        row = subject.row
        stated = chosen.get((row.service, driver_of(row.method, row.driver).casefold()), {})
        trued, found = _service(subject, programme, stated, settings)
        services.append(trued)
        findings += found
    return TrueUp(
        settings.year,
        settings.case,
        settings.tolerance,
        settings.cap,
        result.partners,
        tuple(services),
        tuple(findings),
    )
