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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwmodel.appraisal import (
    Case,
    OptimismBias,
    Tornado,
    case_value,
    payback_switching_value,
    payback_years,
    switching_value,
    tornado,
)
from jwmodel.consolidation import Consolidation, LineShare
from jwmodel.discounting import STPR, DiscountSchedule, npv_of_costs_and_savings
from jwmodel.findings import Finding, Severity
from jwmodel.model import Category, frozen_map
from jwmodel.money import allocate
from jwmodel.phasing import (
    ONE_OFF,
    SAVING,
    Cashflow,
    PhasingError,
    Profile,
    financial_years,
    phase_one_off,
    phase_recurring,
    total_cashflow,
)

__all__ = [
    "AppraisalSettings",
    "CaseResult",
    "SubjectResult",
    "SwitchingValue",
    "ProgrammeAppraisal",
    "appraise_programme",
]


@dataclass(frozen=True, slots=True)
class AppraisalSettings:
    """The plan's horizon, the discount rates, optimism bias and the payback limit for switching values."""

    first_year: str = "2012/13"
    years: int = 5
    schedule: DiscountSchedule = STPR
    bias: OptimismBias | None = None
    payback_limit_years: Decimal = Decimal(5)

    @property
    def plan(self) -> tuple[str, ...]:
        return financial_years(self.first_year, self.years)


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


def _counts(line: LineShare) -> bool:
    return line.included and not (line.kind == SAVING and line.category == Category.NON_CASHABLE.value)


def _phase(line: LineShare, case: Case, years: Sequence[str]) -> Cashflow:
    """A line's cash flow under a case. Savings hold only what is saved; a recurring additional
    cost goes with the costs, so a switching value scales savings, never the costs beside them."""
    profile = line.profile or Profile()
    amount = case_value(line.estimate, case)
    zero = Cashflow.zero(years)
    if line.kind == ONE_OFF:
        return Cashflow(tuple(years), zero.savings, phase_one_off(amount, profile, years))
    phased = phase_recurring(amount, profile, years)
    if amount > 0:
        return Cashflow(tuple(years), zero.savings, phased)
    return Cashflow(tuple(years), phased, zero.costs)


def _npv(flow: Cashflow, schedule: DiscountSchedule) -> Decimal:
    return npv_of_costs_and_savings(flow.net, schedule)


def appraise_programme(result: Consolidation, settings: AppraisalSettings = AppraisalSettings()) -> ProgrammeAppraisal:
    """Phase every counted line under each case and appraise the programme, services and partners.

    A line whose phasing does not fit the plan (a start year outside it, a one-off timing running
    past its end) is left out of the appraisal and reported as an error naming the line.
    """
    years = settings.plan
    n = len(years)
    findings: list[Finding] = []
    bias = settings.bias
    Totals = dict[Case, tuple[list[Decimal], list[Decimal]]]

    def empty() -> Totals:
        return {c: ([_NIL] * n, [_NIL] * n) for c in Case}

    service_totals: dict[str, Totals] = {s.service: empty() for s in result.services}
    partner_totals: dict[str, Totals] = {p: empty() for p in result.partners}
    for line in result.lines:
        if not _counts(line):
            continue
        try:
            phased = {case: _phase(line, case, years) for case in Case}
        except PhasingError as exc:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "PHASING_OUTSIDE_PLAN",
                    f"{line.service}: '{line.description}': {exc}; it is left out of the appraisal (the plan runs {years[0]} to {years[-1]})",
                    line.where,
                )
            )
            continue
        split: dict[Decimal, dict[str, Decimal]] = {}  # each distinct yearly amount is split once
        for case, flow in phased.items():
            totals = service_totals.setdefault(line.service, empty())[case]
            for stream, values in enumerate((flow.savings, flow.costs)):
                for year, value in enumerate(values):
                    if not value:
                        continue
                    totals[stream][year] += value
                    if not line.percentages:
                        continue
                    if value not in split:
                        split[value] = allocate(value, line.percentages)
                    for partner, share in split[value].items():
                        if partner in partner_totals:
                            partner_totals[partner][case][stream][year] += share

    def flows(totals: Totals) -> dict[Case, Cashflow]:
        return {case: Cashflow(years, tuple(savings), tuple(costs)) for case, (savings, costs) in totals.items()}

    by_service = {name: flows(t) for name, t in service_totals.items()}
    by_partner = {name: flows(t) for name, t in partner_totals.items()}
    if bias is not None:
        by_service = {k: {c: bias.apply(f) for c, f in v.items()} for k, v in by_service.items()}
        by_partner = {k: {c: bias.apply(f) for c, f in v.items()} for k, v in by_partner.items()}

    cases = []
    for case in Case:
        flow = total_cashflow((v[case] for v in by_service.values()), years)
        cases.append(CaseResult(case, flow, _npv(flow, settings.schedule), payback_years(flow)))

    def subject(name: str, flows: Mapping[Case, Cashflow]) -> SubjectResult:
        central = flows[Case.CENTRAL]
        return SubjectResult(
            name, central, {c: _npv(f, settings.schedule) for c, f in flows.items()}, payback_years(central)
        )

    def switching(name: str, flow: Cashflow) -> SwitchingValue:
        return SwitchingValue(
            name,
            switching_value(flow.savings, flow.costs, settings.schedule),
            payback_switching_value(flow.savings, flow.costs, settings.payback_limit_years),
        )

    central = next(c for c in cases if c.case is Case.CENTRAL).cashflow
    switches = [switching("Programme", central)]
    switches += [
        switching(name, flows[Case.CENTRAL]) for name, flows in by_service.items() if any(flows[Case.CENTRAL].net)
    ]
    return ProgrammeAppraisal(
        settings=settings,
        years=years,
        cases=tuple(cases),
        by_service=tuple(subject(n, f) for n, f in by_service.items()),
        by_partner=tuple(subject(n, f) for n, f in by_partner.items()),
        switching=tuple(switches),
        tornado=tornado(by_service, settings.schedule),
        findings=tuple(findings),
    )
