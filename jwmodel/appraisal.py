"""Appraisal of cash flows: cases over a plan, payback, switching values, headline figures, tornado data.

Cash flows come from ``jwmodel.phasing.phase_line`` and are signed the business-case way (cost
positive, saving negative); ``savings`` hold the recurring savings and ``costs`` every cost, one-off
or recurring (docs/appraisal.md, "Where a recurring additional cost goes"). Every NPV here is
benefit positive (see ``jwmodel.discounting``).

This module is also the appraisal's front door: it re-exports the cases (``jwmodel.cases``),
optimism bias (``jwmodel.optimism``) and option scoring (``jwmodel.options_scoring``), so
``from jwmodel.appraisal import ...`` finds every appraisal name.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TypeVar

from jwmodel.cases import AppraisalError, Case, case_value
from jwmodel.discounting import PRECISION, STPR, DiscountSchedule, discount_factors, npv_of_costs_and_savings
from jwmodel.figures import FigureError, exact, figure, figures_by_year
from jwmodel.model import Range
from jwmodel.optimism import (
    OPTIMISM_BIAS_GUIDANCE,
    OptimismBias,
    OptimismBiasGuidance,
    apply_optimism_bias,
    bias_from,
    optimism_bias,
)
from jwmodel.options_scoring import (
    DEFAULT_CRITERIA,
    MAX_CRITERIA,
    MAX_RANKED_OPTIONS,
    MAX_SCORES,
    BestOption,
    OptionScore,
    RankingInterval,
    WeightSensitivity,
    ranking_intervals,
    score_options,
    weight_sensitivities,
    weight_sensitivity,
)
from jwmodel.phasing import Cashflow, Profile, phase_lines

__all__ = [
    "AppraisalError",
    "Case",
    "case_value",
    "OptimismBias",
    "OptimismBiasGuidance",
    "OPTIMISM_BIAS_GUIDANCE",
    "optimism_bias",
    "apply_optimism_bias",
    "bias_from",
    "case_cashflows",
    "payback_years",
    "switching_value",
    "payback_switching_value",
    "Appraisal",
    "appraise",
    "TornadoBar",
    "Tornado",
    "tornado",
    "DEFAULT_CRITERIA",
    "MAX_SCORES",
    "MAX_CRITERIA",
    "MAX_RANKED_OPTIONS",
    "OptionScore",
    "score_options",
    "BestOption",
    "WeightSensitivity",
    "weight_sensitivity",
    "weight_sensitivities",
    "RankingInterval",
    "ranking_intervals",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)

K = TypeVar("K", bound=Hashable)


def case_cashflows(
    lines: Iterable[tuple[K, str, Range, Profile]],
    years: Sequence[str],
    *,
    bias: OptimismBias | None = None,
) -> dict[K, dict[Case, Cashflow]]:
    """Phase ranged lines under every case and total them by key (e.g. by service).

    Args:
        lines: ``(key, kind, estimate, profile)``; kind is "saving" (recurring) or "one-off".
        years: the plan's financial years.
        bias: optimism bias applied to every key's cash flow after phasing, if given.

    Returns:
        key -> case -> cash flow, keys in the order first seen.

    Raises:
        PhasingError: a line cannot be phased (the message names it).
    """
    lines = list(lines)
    result: dict[K, dict[Case, Cashflow]] = {}
    for case in Case:
        phased = phase_lines(
            ((key, kind, case_value(estimate, case), profile) for key, kind, estimate, profile in lines), years
        )
        for key, flow in phased.items():
            result.setdefault(key, {})[case] = bias.apply(flow) if bias else flow
    return result


# --- payback and switching values ---------------------------------------------------------


def _flows(values: Sequence[object], what: str) -> tuple[Decimal, ...]:
    """One figure a year, each a number within the plausible range (the message names the year)."""
    try:
        return figures_by_year(values, what)
    except FigureError as exc:
        raise AppraisalError(str(exc)) from exc


def _net(cashflow: Cashflow | Sequence[object]) -> tuple[Decimal, ...]:
    return cashflow.net if isinstance(cashflow, Cashflow) else _flows(cashflow, "cash flow")


def _streams(savings: Sequence[object], costs: Sequence[object]) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    """Savings and costs by the one convention: as many years each, savings never positive."""
    s, c = _flows(savings, "savings"), _flows(costs, "costs")
    if len(s) != len(c):
        raise AppraisalError(f"savings cover {len(s)} years and costs {len(c)}; give one figure a year for both")
    positive = next((year for year, value in enumerate(s) if value > 0), None)
    if positive is not None:
        raise AppraisalError(
            f"savings, year {positive}: {s[positive]} is positive; savings hold only savings (negative) and a "
            "recurring additional cost goes with the costs, so that a switching value scales savings alone"
        )
    return s, c


def _benefits(net_costs: Sequence[Decimal], schedule: DiscountSchedule | None) -> list[Fraction]:
    """Each year's net benefit (saving positive), discounted if a schedule is given, exactly."""
    factors = discount_factors(len(net_costs), schedule) if schedule is not None else (_ONE,) * len(net_costs)
    return [-Fraction(v) * Fraction(f) for v, f in zip(net_costs, factors, strict=True)]


def payback_years(cashflow: Cashflow | Sequence[object], *, schedule: DiscountSchedule | None = None) -> Decimal | None:
    """How long until the change has paid for itself, in years from the start of year 0.

    Each year's flows are taken as spread evenly through the year, so cumulative net benefit
    moves in a straight line within a year. Payback is the time from which cumulative net benefit
    stays at 0 or above for the rest of the plan (for a flow that goes negative once and then
    recovers this is simply where it crosses 0, found by linear interpolation within the year).
    A cost of 1,000 in year 0 and savings of 150 a year from year 1 pay back at 7 + 100/150 =
    7.667 years. Taking "stays at 0 or above" rather than the first crossing means a later cost
    can never make payback look earlier.

    Args:
        cashflow: a ``Cashflow``, or one net figure a year written cost positive, saving negative.
        schedule: discount the flows first (discounted payback); undiscounted by default.

    Returns:
        Years (unrounded ``Decimal``); 0 if cumulative net benefit is never negative; None if it
        is still negative at the end of the plan (it never pays back within the plan).
    """
    benefits = _benefits(_net(cashflow), schedule)
    cumulative: list[Fraction] = []
    running = Fraction(0)
    for b in benefits:
        running += b
        cumulative.append(running)
    negative = [i for i, c in enumerate(cumulative) if c < 0]
    if not negative:
        return Decimal(0)
    last = negative[-1]
    if last == len(cumulative) - 1:
        return None
    before, after = cumulative[last], cumulative[last + 1]
    return exact(last + 1 + (-before) / (after - before))


def switching_value(
    savings: Sequence[object], costs: Sequence[object], schedule: DiscountSchedule = STPR
) -> Decimal | None:
    """The percentage by which savings can fall before the NPV reaches zero.

    With every year's savings multiplied by ``1 - s/100`` the NPV is zero at ``s``. A negative
    result means the NPV is already negative and savings must rise by that much to break even.

    Args:
        savings: one figure a year, savings negative (a ``Cashflow``'s ``savings``).
        costs: one figure a year, costs positive (a ``Cashflow``'s ``costs``), as many years.
        schedule: the discount rates; the Green Book STPR by default.

    Returns:
        Percent (unrounded); None if the savings have no present value to scale.

    Raises:
        AppraisalError: the two streams cover different numbers of years.
    """
    s, c = _streams(savings, costs)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        pv_savings = npv_of_costs_and_savings(s, schedule)  # benefit positive
        pv_costs = -npv_of_costs_and_savings(c, schedule)
        if pv_savings == 0:
            return None
        return (_ONE - pv_costs / pv_savings) * _HUNDRED


def _cumulative_at(benefits: Sequence[Fraction], t: Fraction) -> Fraction:
    """Cumulative benefit at time ``t`` (years from the start), flows even through each year."""
    whole = min(int(t), len(benefits))
    total = sum(benefits[:whole], Fraction(0))
    if whole < len(benefits):
        total += (t - whole) * benefits[whole]
    return total


def _least_multiplier(ben_s: Sequence[Fraction], ben_c: Sequence[Fraction], limit: Fraction) -> Fraction | None:
    """The smallest m >= 0 with savings scaled by m paying back by ``limit``; None if no m does.

    Payback <= limit iff cumulative benefit >= 0 at the limit and at every year end after it; with
    savings scaled by m that is m * a + b >= 0 at each of those points.
    """
    n = len(ben_s)
    checkpoints = [min(limit, Fraction(n))] + [Fraction(k) for k in range(1, n + 1) if k > limit]
    lowest: Fraction | None = None  # the smallest multiplier that works
    highest: Fraction | None = None  # the largest (only bounded where savings are a net cost)
    for t in checkpoints:
        a, b = _cumulative_at(ben_s, t), _cumulative_at(ben_c, t)
        if a > 0:
            lowest = -b / a if lowest is None else max(lowest, -b / a)
        elif a < 0:
            highest = -b / a if highest is None else min(highest, -b / a)
        elif b < 0:
            return None
    floor = max(lowest, Fraction(0)) if lowest is not None else Fraction(0)
    return None if highest is not None and floor > highest else floor


def payback_switching_value(
    savings: Sequence[object],
    costs: Sequence[object],
    max_years: object,
    *,
    schedule: DiscountSchedule | None = None,
) -> Decimal | None:
    """The percentage by which savings can fall before payback takes longer than ``max_years``.

    Payback is as in ``payback_years`` (from the start of year 0, flows even through each year).
    A negative result means payback is already later than ``max_years`` and savings must rise by
    that much to bring it back.

    Args:
        savings: one figure a year, savings negative.
        costs: one figure a year, costs positive.
        max_years: the longest acceptable payback, in years from the start of year 0.
        schedule: use discounted payback; undiscounted by default.

    Returns:
        Percent (unrounded). At most 100: if payback stays within the limit with no savings at
        all, savings can fall by all of it. None if no scaling of the savings achieves the target.

    Raises:
        AppraisalError: streams of different lengths, or a negative ``max_years``.
    """
    s, c = _streams(savings, costs)
    try:
        limit = Fraction(figure(max_years))
    except FigureError as exc:
        raise AppraisalError(f"max_years: {exc}") from exc
    if limit < 0:
        raise AppraisalError(f"max_years must be 0 or more, got {max_years}")
    if not s:
        return None
    floor = _least_multiplier(_benefits(s, schedule), _benefits(c, schedule), limit)
    return None if floor is None else exact((1 - floor) * 100)


@dataclass(frozen=True, slots=True)
class Appraisal:
    """The headline figures of one cash flow."""

    npv: Decimal
    payback_years: Decimal | None
    switching_value_percent: Decimal | None


def appraise(cashflow: Cashflow, schedule: DiscountSchedule = STPR) -> Appraisal:
    """NPV (benefit positive), undiscounted payback and the NPV switching value of savings."""
    return Appraisal(
        npv=npv_of_costs_and_savings(cashflow.net, schedule),
        payback_years=payback_years(cashflow),
        switching_value_percent=switching_value(cashflow.savings, cashflow.costs, schedule),
    )


# --- tornado -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """Total NPV with one service at its prudent and at its optimistic case, the rest central."""

    service: str
    prudent_npv: Decimal
    optimistic_npv: Decimal

    @property
    def swing(self) -> Decimal:
        return self.optimistic_npv - self.prudent_npv


@dataclass(frozen=True, slots=True)
class Tornado:
    central_npv: Decimal
    bars: tuple[TornadoBar, ...]


def tornado(flows: Mapping[str, Mapping[Case, Cashflow]], schedule: DiscountSchedule = STPR) -> Tornado:
    """Tornado-chart data: for each service, total NPV at its low and high ends, others central.

    Args:
        flows: service -> case -> cash flow (as ``case_cashflows`` returns).
        schedule: the discount rates.

    Returns:
        The all-central NPV, and one bar a service, widest swing first (ties by service name).

    Raises:
        AppraisalError: a service lacks one of the three cases.
    """
    values: dict[str, dict[Case, Decimal]] = {}
    for service, by_case in flows.items():
        missing = [c.value for c in Case if c not in by_case]
        if missing:
            raise AppraisalError(f"{service}: no cash flow for the {', '.join(missing)} case")
        values[service] = {case: npv_of_costs_and_savings(by_case[case].net, schedule) for case in Case}
    with localcontext() as ctx:
        ctx.prec = PRECISION
        central = sum((v[Case.CENTRAL] for v in values.values()), _ZERO)
        bars = [
            TornadoBar(
                service, central - v[Case.CENTRAL] + v[Case.PRUDENT], central - v[Case.CENTRAL] + v[Case.OPTIMISTIC]
            )
            for service, v in values.items()
        ]
    bars.sort(key=lambda bar: (-abs(bar.swing), bar.service))
    return Tornado(central, tuple(bars))
