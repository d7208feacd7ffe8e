"""The business case over the financial plan: a consolidation phased, discounted and tested.

``appraise_programme`` takes a consolidation (every line with its apportionment and phasing) and
gives, for the prudent, central and optimistic cases, the programme's savings and costs by year,
net and cumulative, NPV and payback; the same (central case) for each service area and each
partner, using each line's own split; switching values; and tornado-chart data.

Signs: cash flows are as elsewhere (cost positive, saving negative); NPV is benefit positive
(positive means worth doing), as in ``jwmodel.discounting``. A cash flow's ``savings`` are the
recurring savings; its ``costs`` are the one-off costs of change and any recurring additional cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwmodel.appraisal import Tornado, payback_switching_value, payback_years, switching_value, tornado
from jwmodel.cases import AppraisalError, Case, case_value
from jwmodel.consolidation import Consolidation, LineShare
from jwmodel.discounting import STPR, DiscountError, DiscountSchedule, npv_of_costs_and_savings, schedule_from
from jwmodel.figures import FigureError, figure
from jwmodel.findings import Finding
from jwmodel.model import Category, frozen_map
from jwmodel.money import POUND, split_units
from jwmodel.optimism import OptimismBias, bias_from
from jwmodel.participation import in_force as in_force_years
from jwmodel.participation import outside_plan_findings
from jwmodel.phasing import (
    DEFAULT_FIRST_YEAR,
    DEFAULT_PLAN_YEARS,
    SAVING,
    Cashflow,
    PhasingError,
    financial_years,
    phase_line,
    total_cashflow,
)

__all__ = [
    "AppraisalSettings",
    "CaseResult",
    "SubjectResult",
    "SwitchingValue",
    "ProgrammeAppraisal",
    "appraise_programme",
    "options_by_year",
    "partner_flows",
    "settings_from",
]


@dataclass(frozen=True, slots=True)
class AppraisalSettings:
    """The plan's horizon, the discount rates, optimism bias and the payback limit for switching values."""

    first_year: str = DEFAULT_FIRST_YEAR
    years: int = DEFAULT_PLAN_YEARS
    schedule: DiscountSchedule = STPR
    bias: OptimismBias | None = None
    payback_limit_years: Decimal = Decimal(5)

    @property
    def plan(self) -> tuple[str, ...]:
        return financial_years(self.first_year, self.years)


def settings_from(
    *,
    first_year: str = "2012/13",
    years: int = 5,
    discount: object = None,
    optimism_bias: str | None = None,
    payback_limit: object = 5,
) -> AppraisalSettings:
    """Appraisal settings from what a person typed: the command line's appraisal options, read once.

    Args:
        first_year: the plan's first financial year ("2012/13").
        years: how many years the plan runs.
        discount: as ``jwmodel.discounting.schedule_from`` reads it ("stpr", "health", "3.5", "3.5%", 0.035).
        optimism_bias: as ``jwmodel.optimism.bias_from`` reads it ("outsourcing:lower", "10,5"; None: none).
        payback_limit: years, 0 or more, for the payback switching value.

    Raises:
        AppraisalError: the message starts with the setting it is about ("discount rate: ...").
    """
    try:
        financial_years(first_year, years)
    except PhasingError as exc:
        raise AppraisalError(f"plan: {exc}") from exc
    try:
        schedule = schedule_from(discount)
    except DiscountError as exc:
        raise AppraisalError(f"discount rate: {exc}") from exc
    try:
        bias = bias_from(optimism_bias)
    except AppraisalError as exc:
        raise AppraisalError(f"optimism bias: {exc}") from exc
    try:
        limit = figure(payback_limit)
    except FigureError as exc:
        raise AppraisalError(f"payback limit: {exc}") from exc
    if limit < 0:
        raise AppraisalError(f"payback limit: {payback_limit!r} years; give 0 or more")
    return AppraisalSettings(first_year, years, schedule, bias, limit)


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    cashflow: Cashflow
    npv: Decimal
    payback_years: Decimal | None


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """A service area or a partner under the central case (with the other cases' NPVs)."""

    name: str
    cashflow: Cashflow
    npv: Mapping[Case, Decimal]
    payback_years: Decimal | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "npv", frozen_map(self.npv))


@dataclass(frozen=True, slots=True)
class SwitchingValue:
    """By how much savings can fall before NPV reaches 0, or payback passes the limit (percent)."""

    subject: str
    npv_percent: Decimal | None
    payback_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class ProgrammeAppraisal:
    settings: AppraisalSettings
    years: tuple[str, ...]
    cases: tuple[CaseResult, ...]
    by_service: tuple[SubjectResult, ...]
    by_partner: tuple[SubjectResult, ...]
    switching: tuple[SwitchingValue, ...]
    tornado: Tornado
    findings: tuple[Finding, ...] = field(default=())

    def case(self, case: Case) -> CaseResult:
        return next(c for c in self.cases if c.case is case)


_NIL = Decimal("0.000")

Totals = dict[Case, tuple[list[Decimal], list[Decimal]]]
"""case -> (savings by year, costs by year), accumulated in place."""


def _counts(line: LineShare) -> bool:
    return line.counts_in_some_year and not (line.kind == SAVING and line.category == Category.NON_CASHABLE.value)


def _empty(n: int) -> Totals:
    return {c: ([_NIL] * n, [_NIL] * n) for c in Case}


def _phased(line: LineShare, years: tuple[str, ...]) -> dict[Case, Cashflow] | Finding:
    """The line under every case by ``phase_line``, or the finding that leaves it out of the appraisal.

    Cases with the same figure (a line whose low and high are equal, or a midpoint at one end) share
    one phasing.
    """
    try:
        by_case: dict[Case, Cashflow] = {}
        by_amount: dict[Decimal, Cashflow] = {}
        for case in Case:
            amount = case_value(line.estimate, case)
            if amount not in by_amount:
                by_amount[amount] = phase_line(line.kind, amount, line.profile, years)
            by_case[case] = by_amount[amount]
    except PhasingError as exc:
        return Finding(
            "PHASING_OUTSIDE_PLAN",
            f"{line.service}: '{line.description}': {exc}; it is left out of the appraisal "
            f"(the plan runs {years[0]} to {years[-1]})",
            line.where,
        )
    return by_case


Units = dict[Case, tuple[list[int], list[int]]]
"""case -> (savings by year, costs by year) in whole pounds (units of ``POUND``), accumulated in place."""


def _empty_units(n: int) -> Units:
    return {c: ([0] * n, [0] * n) for c in Case}


def _in_pounds(units: Units) -> Totals:
    """Whole pounds back to £000s: the same figures, on the same grid, as adding each share in £000s."""
    return {c: ([v * POUND for v in s], [v * POUND for v in k]) for c, (s, k) in units.items()}


def _pound_units(value: Decimal) -> int:
    """A phased figure in whole pounds (phasing puts every figure on the £1 grid)."""
    units = value / POUND
    if units != units.to_integral_value():  # pragma: no cover - phase_line gives figures to £1
        raise AppraisalError(f"{value} is more precise than £1")
    return int(units)


def _add(line: LineShare, phased: Mapping[Case, Cashflow], service: Totals, partners: Mapping[str, Units]) -> None:
    """Add a line's flows to its service's totals and its partners' shares (each year split exactly to £1).

    Each distinct yearly figure is split once between the line's partners by ``split_units`` (the
    split ``allocate`` makes, in whole pounds), and the shares are added up in whole pounds.
    """
    weights = line.percentages
    targets = [p for p in weights if p in partners] if weights else []
    split: dict[Decimal, dict[str, int]] = {}
    for case, flow in phased.items():
        for stream, values in enumerate((flow.savings, flow.costs)):
            row = service[case][stream]
            rows = [(p, partners[p][case][stream]) for p in targets]
            for year, value in enumerate(values):
                if not value:
                    continue
                row[year] += value
                if not weights:
                    continue
                shares = split.get(value)
                if shares is None:
                    shares = split[value] = split_units(_pound_units(value), weights)
                for partner, units in rows:
                    units[year] += shares[partner]


def _add_by_year(
    line: LineShare,
    phased: Mapping[Case, Cashflow],
    service: Totals,
    partners: Mapping[str, Units],
    options: Sequence[str],
) -> None:
    """``_add`` for a line whose service's option changes over the plan (``options``: the option in force by year).

    In each year the line counts only if it applies under the option then in force, and its figure is
    split by that option's percentages, exactly to £1.
    """
    under = {option: line.under(option) for option in set(options)}
    split: dict[tuple[Decimal, str], dict[str, int]] = {}
    for case, flow in phased.items():
        for stream, values in enumerate((flow.savings, flow.costs)):
            row = service[case][stream]
            for year, value in enumerate(values):
                applies, weights = under[options[year]]
                if not value or not applies:
                    continue
                row[year] += value
                if not weights:
                    continue
                shares = split.get((value, options[year]))
                if shares is None:
                    shares = split[(value, options[year])] = split_units(_pound_units(value), weights)
                for partner, units in shares.items():
                    if partner in partners:
                        partners[partner][case][stream][year] += units


def options_by_year(result: Consolidation, years: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each service area's option in force in each year of the plan (the option in use throughout where it does
    not change over the plan)."""
    return {
        name: in_force_years(result.timelines[name], years) if name in result.timelines else (option,) * len(years)
        for name, option in result.options_in_use.items()
    }


def _accumulate(
    result: Consolidation, years: tuple[str, ...], select: Callable[[LineShare], bool] | None = None
) -> tuple[dict[str, Totals], dict[str, Totals], list[Finding]]:
    """Every counted line (that ``select`` keeps, or all) phased and totalled by service and by partner, with
    the lines left out."""
    services: dict[str, Totals] = {s.service: _empty(len(years)) for s in result.services}
    partners: dict[str, Units] = {p: _empty_units(len(years)) for p in result.partners}
    in_force = {name: in_force_years(steps, years) for name, steps in result.timelines.items()}
    findings: list[Finding] = []
    for line in result.lines:
        if not _counts(line) or (select is not None and not select(line)):
            continue
        phased = _phased(line, years)
        if isinstance(phased, Finding):
            findings.append(phased)
            continue
        totals = services.setdefault(line.service, _empty(len(years)))
        if line.phases and line.service in in_force:
            _add_by_year(line, phased, totals, partners, in_force[line.service])
        else:
            _add(line, phased, totals, partners)
    return services, {p: _in_pounds(units) for p, units in partners.items()}, findings


def partner_flows(
    result: Consolidation, years: tuple[str, ...], select: Callable[[LineShare], bool] | None = None
) -> dict[str, dict[Case, Cashflow]]:
    """Each partner's flows by year under every case, of the counted lines ``select`` keeps (or all), split year
    by year exactly as the appraisal splits them (no optimism bias)."""
    _, partners, _ = _accumulate(result, tuple(years), select)
    return {name: _flows(totals, years, None) for name, totals in partners.items()}


def _flows(totals: Totals, years: tuple[str, ...], bias: OptimismBias | None) -> dict[Case, Cashflow]:
    flows = {case: Cashflow(years, tuple(savings), tuple(costs)) for case, (savings, costs) in totals.items()}
    return {case: bias.apply(flow) for case, flow in flows.items()} if bias is not None else flows


def _npv(flow: Cashflow, schedule: DiscountSchedule) -> Decimal:
    return npv_of_costs_and_savings(flow.net, schedule)


def _cases(by_service: Mapping[str, Mapping[Case, Cashflow]], settings: AppraisalSettings) -> tuple[CaseResult, ...]:
    years = settings.plan
    flows = {case: total_cashflow((v[case] for v in by_service.values()), years) for case in Case}
    return tuple(CaseResult(c, f, _npv(f, settings.schedule), payback_years(f)) for c, f in flows.items())


def _subject(name: str, flows: Mapping[Case, Cashflow], settings: AppraisalSettings) -> SubjectResult:
    central = flows[Case.CENTRAL]
    return SubjectResult(
        name, central, {c: _npv(f, settings.schedule) for c, f in flows.items()}, payback_years(central)
    )


def _switching(name: str, flow: Cashflow, settings: AppraisalSettings) -> SwitchingValue:
    return SwitchingValue(
        name,
        switching_value(flow.savings, flow.costs, settings.schedule),
        payback_switching_value(flow.savings, flow.costs, settings.payback_limit_years),
    )


def _switching_values(
    central: Cashflow, by_service: Mapping[str, Mapping[Case, Cashflow]], settings: AppraisalSettings
) -> tuple[SwitchingValue, ...]:
    """The programme's, then each service's with any flow (central case)."""
    services = [
        _switching(name, flows[Case.CENTRAL], settings)
        for name, flows in by_service.items()
        if any(flows[Case.CENTRAL].net)
    ]
    return (_switching("Programme", central, settings), *services)


def appraise_programme(result: Consolidation, settings: AppraisalSettings = AppraisalSettings()) -> ProgrammeAppraisal:
    """Phase every counted line under each case and appraise the programme, services and partners.

    Each line is phased by ``jwmodel.phasing.phase_line``: a recurring saving goes into savings, a
    recurring additional cost and a one-off cost into costs. A line whose phasing does not fit the
    plan (a start year outside it, a one-off timing running past its end) is left out of the
    appraisal and reported as an error naming the line.
    """
    years = settings.plan
    service_totals, partner_totals, findings = _accumulate(result, years)
    by_service = {name: _flows(t, years, settings.bias) for name, t in service_totals.items()}
    by_partner = {name: _flows(t, years, settings.bias) for name, t in partner_totals.items()}
    cases = _cases(by_service, settings)
    central = next(c for c in cases if c.case is Case.CENTRAL).cashflow
    return ProgrammeAppraisal(
        settings=settings,
        years=years,
        cases=cases,
        by_service=tuple(_subject(n, f, settings) for n, f in by_service.items()),
        by_partner=tuple(_subject(n, f, settings) for n, f in by_partner.items()),
        switching=_switching_values(central, by_service, settings),
        tornado=tornado(by_service, settings.schedule),
        findings=(*findings, *blank_start_findings(result, years), *_timeline_findings(result, years)),
    )


def _timeline_findings(result: Consolidation, years: Sequence[str]) -> tuple[Finding, ...]:
    """A warning for each option starting outside the plan (jwmodel.participation)."""
    return tuple(f for name, steps in result.timelines.items() for f in outside_plan_findings(name, steps, years))


# --- A blank start year (issue 13): the default said, not left to look like an immediate payback ---


def blank_start_findings(result: Consolidation, years: Sequence[str]) -> tuple[Finding, ...]:
    """A START_YEAR_BLANK warning for each service area whose counted saving lines include some with no start year.

    Phasing takes such a line from the plan's first year (``phasing.Profile``'s default), so a saving
    with nothing to say when it starts can make payback look immediate. One warning a service area
    (and file), at its first such line, names the line or counts them.
    """
    blank: dict[tuple[str, str], list[LineShare]] = {}
    for line in result.lines:
        saving = line.kind == SAVING and (line.estimate.low < 0 or line.estimate.high < 0)
        if saving and _counts(line) and (line.profile is None or line.profile.start is None):
            blank.setdefault((line.service, line.where.file), []).append(line)
    found = []
    for (service, _), lines in blank.items():
        which = (
            f"'{lines[0].description}' has" if len(lines) == 1 else f"{len(lines)} saving lines (the first here) have"
        )
        found.append(
            Finding(
                "START_YEAR_BLANK",
                f"{service}: {which} no start year, so the saving is counted from {years[0]}, the plan's first "
                "year (payback may look immediate); give the year each starts, and a ramp if it builds up",
                lines[0].where,
            )
        )
    return tuple(found)
