"""Appraisal: cases, optimism bias, NPV, payback, switching values, tornado data and option scoring.

Cash flows come from ``jwmodel.phasing`` and are signed the business-case way (cost positive,
saving negative); every NPV here is benefit positive (see ``jwmodel.discounting``).

Cases follow Appendix A's ranges. For a recurring line *low* is the smaller saving; for a one-off
cost *low* is the smaller cost. Written cost positive, the prudent figure is therefore always the
larger signed number of the two and the optimistic figure the smaller, whichever kind the line is:
PRUDENT takes low savings and high costs, OPTIMISTIC high savings and low costs, CENTRAL the
midpoint (to £1, a half pound going the prudent way).

Optimism bias is applied as costs x (1 + uplift) and savings x (1 - reduction). The published
starting values are HM Treasury's *Supplementary Green Book Guidance: Optimism Bias* (2003),
Table 1, taken from Mott MacDonald (2002) *Review of Large Public Procurement in the UK*, Table 2
(as reproduced at https://ppponline.affinitext.com/public/book?id=1343&toc_id=444193; the
guidance itself is listed at
https://www.gov.uk/government/publications/green-book-supplementary-guidance-optimism-bias).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from jwmodel.discounting import PRECISION, STPR, DiscountSchedule, discount_factors, npv_of_costs_and_savings
from jwmodel.errors import JwmodelError
from jwmodel.model import Range, frozen_map
from jwmodel.money import POUND, MoneyError, to_decimal
from jwmodel.phasing import Cashflow, Profile, phase_lines, round_to_pound

__all__ = [
    "AppraisalError",
    "Case",
    "case_value",
    "OptimismBias",
    "OptimismBiasGuidance",
    "OPTIMISM_BIAS_GUIDANCE",
    "optimism_bias",
    "apply_optimism_bias",
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
    "OptionScore",
    "score_options",
    "RankingInterval",
    "WeightSensitivity",
    "weight_sensitivity",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)

K = TypeVar("K", bound=Hashable)


class AppraisalError(JwmodelError, ValueError):
    """Figures, weights or scores that cannot be appraised as given."""


# --- cases and optimism bias ---------------------------------------------------------------


class Case(StrEnum):
    """Which end of each line's range to take."""

    PRUDENT = "prudent"
    CENTRAL = "central"
    OPTIMISTIC = "optimistic"


def case_value(estimate: Range, case: Case) -> Decimal:
    """A line's figure under a case: prudent = the larger signed bound, optimistic = the smaller.

    Works for recurring lines and one-off costs alike (see the module docstring), and does not
    depend on which way round low and high were entered. CENTRAL is the midpoint, rounded to £1
    with a half pound going up (the prudent way).
    """
    larger, smaller = max(estimate.low, estimate.high), min(estimate.low, estimate.high)
    if case is Case.PRUDENT:
        return larger
    if case is Case.OPTIMISTIC:
        return smaller
    return ((larger + smaller) / 2).quantize(POUND, rounding=ROUND_CEILING)


@dataclass(frozen=True, slots=True)
class OptimismBias:
    """Adjustments for optimism: costs raised by ``cost_uplift_percent``, savings cut by ``benefit_reduction_percent``."""

    cost_uplift_percent: Decimal = _ZERO
    benefit_reduction_percent: Decimal = _ZERO

    def __post_init__(self) -> None:
        try:
            uplift = to_decimal(self.cost_uplift_percent)
            reduction = to_decimal(self.benefit_reduction_percent)
        except MoneyError as exc:
            raise AppraisalError(f"optimism bias: {exc}") from exc
        if uplift < 0:
            raise AppraisalError(f"a cost uplift of {uplift}% would lower costs; give 0 or more")
        if not 0 <= reduction <= 100:
            raise AppraisalError(f"a benefit reduction of {reduction}% is outside 0-100%")
        object.__setattr__(self, "cost_uplift_percent", uplift)
        object.__setattr__(self, "benefit_reduction_percent", reduction)

    def apply(self, cashflow: Cashflow) -> Cashflow:
        """The cash flow with the adjustments made, each year rounded to £1 (halves the prudent way)."""
        cost_factor = _ONE + self.cost_uplift_percent / _HUNDRED
        saving_factor = _ONE - self.benefit_reduction_percent / _HUNDRED
        return Cashflow(
            cashflow.years,
            tuple(round_to_pound(s * saving_factor) if s < 0 else s for s in cashflow.savings),
            tuple(round_to_pound(c * cost_factor) if c > 0 else c for c in cashflow.costs),
        )


def apply_optimism_bias(cashflow: Cashflow, bias: OptimismBias) -> Cashflow:
    """``bias.apply(cashflow)``: costs x (1 + uplift), savings x (1 - reduction).

    Only costs (positive one-off figures) are uplifted and only savings (negative recurring
    figures) are reduced; a recurring additional cost is left as it is.
    """
    return bias.apply(cashflow)


@dataclass(frozen=True, slots=True)
class OptimismBiasGuidance:
    """Published optimism bias starting values (percent) for one project type.

    ``capex_*`` is capital expenditure (operating expenditure for outsourcing); ``duration_*`` is
    works duration (not published for outsourcing, so None). Upper bounds apply early in a
    project, lower bounds once its risks are managed.
    """

    category: str
    duration_upper: Decimal | None
    duration_lower: Decimal | None
    capex_upper: Decimal
    capex_lower: Decimal
    note: str = ""

    def bias(self, *, bound: str = "upper", benefit_reduction_percent: object = 0) -> OptimismBias:
        """An ``OptimismBias`` uplifting costs by the upper or lower capital expenditure figure."""
        if bound not in ("upper", "lower"):
            raise AppraisalError(f"bound must be 'upper' or 'lower', got {bound!r}")
        uplift = self.capex_upper if bound == "upper" else self.capex_lower
        return OptimismBias(uplift, benefit_reduction_percent)  # type: ignore[arg-type]


def _ob(category: str, wd: tuple[int, int] | None, capex: tuple[int, int], note: str = "") -> OptimismBiasGuidance:
    upper, lower = (Decimal(wd[0]), Decimal(wd[1])) if wd else (None, None)
    return OptimismBiasGuidance(category, upper, lower, Decimal(capex[0]), Decimal(capex[1]), note)


OPTIMISM_BIAS_GUIDANCE: Mapping[str, OptimismBiasGuidance] = {
    g.category: g
    for g in (
        _ob("standard buildings", (4, 1), (24, 2)),
        _ob("non-standard buildings", (39, 2), (51, 4)),
        _ob("standard civil engineering", (20, 1), (44, 3)),
        _ob("non-standard civil engineering", (25, 3), (66, 6)),
        _ob("equipment/development", (54, 10), (200, 10)),
        _ob(
            "outsourcing",
            None,
            (41, 0),
            "the cost figures are for operating expenditure; no works duration figure is published",
        ),
    )
}
"""HM Treasury Supplementary Green Book Guidance: Optimism Bias, Table 1 (Mott MacDonald 2002).

Works duration upper/lower and capital expenditure upper/lower, percent. These are indicative
starting values: the guidance expects them to be reduced as a project's risks are managed.
"""


def optimism_bias(category: str, *, bound: str = "upper", benefit_reduction_percent: object = 0) -> OptimismBias:
    """The published capital expenditure uplift for a project type, as an ``OptimismBias``.

    Raises:
        AppraisalError: the category is not one in ``OPTIMISM_BIAS_GUIDANCE`` (the message lists them).
    """
    guidance = OPTIMISM_BIAS_GUIDANCE.get(category.strip().lower())
    if guidance is None:
        raise AppraisalError(
            f"no optimism bias guidance for {category!r}; categories are: {', '.join(OPTIMISM_BIAS_GUIDANCE)}"
        )
    return guidance.bias(bound=bound, benefit_reduction_percent=benefit_reduction_percent)


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


def _net(cashflow: Cashflow | Sequence[object]) -> tuple[Decimal, ...]:
    if isinstance(cashflow, Cashflow):
        return cashflow.net
    try:
        return tuple(to_decimal(v) for v in cashflow)
    except MoneyError as exc:
        raise AppraisalError(f"cash flow: {exc}") from exc


def _flows(values: Sequence[object], what: str) -> tuple[Decimal, ...]:
    try:
        return tuple(to_decimal(v) for v in values)
    except MoneyError as exc:
        raise AppraisalError(f"{what}: {exc}") from exc


def _benefits(net_costs: Sequence[Decimal], schedule: DiscountSchedule | None) -> list[Fraction]:
    """Each year's net benefit (saving positive), discounted if a schedule is given, exactly."""
    factors = discount_factors(len(net_costs), schedule) if schedule is not None else (_ONE,) * len(net_costs)
    return [-Fraction(v) * Fraction(f) for v, f in zip(net_costs, factors)]


def _to_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(value.numerator) / Decimal(value.denominator)


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
    return _to_decimal(last + 1 + (-before) / (after - before))


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
    s, c = _flows(savings, "savings"), _flows(costs, "costs")
    if len(s) != len(c):
        raise AppraisalError(f"savings cover {len(s)} years and costs {len(c)}; give one figure a year for both")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        pv_savings = npv_of_costs_and_savings(s, schedule)  # benefit positive
        pv_costs = -npv_of_costs_and_savings(c, schedule)
        if pv_savings == 0:
            return None
        return (_ONE - pv_costs / pv_savings) * _HUNDRED


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
    s, c = _flows(savings, "savings"), _flows(costs, "costs")
    if len(s) != len(c):
        raise AppraisalError(f"savings cover {len(s)} years and costs {len(c)}; give one figure a year for both")
    try:
        limit = Fraction(to_decimal(max_years))
    except MoneyError as exc:
        raise AppraisalError(f"max_years: {exc}") from exc
    if limit < 0:
        raise AppraisalError(f"max_years must be 0 or more, got {max_years}")
    n = len(s)
    if n == 0:
        return None
    ben_s, ben_c = _benefits(s, schedule), _benefits(c, schedule)

    def cumulative_at(benefits: list[Fraction], t: Fraction) -> Fraction:
        whole = min(int(t), n)
        total = sum(benefits[:whole], Fraction(0))
        if whole < n:
            total += (t - whole) * benefits[whole]
        return total

    # Payback <= limit iff cumulative benefit >= 0 at the limit and at every year end after it;
    # with savings scaled by m that is m * a + b >= 0 at each of those points.
    checkpoints = [min(limit, Fraction(n))] + [Fraction(k) for k in range(1, n + 1) if k > limit]
    lowest: Fraction | None = None  # the smallest multiplier that works
    highest: Fraction | None = None  # the largest (only bounded where savings are a net cost)
    for t in checkpoints:
        a, b = cumulative_at(ben_s, t), cumulative_at(ben_c, t)
        if a > 0:
            lowest = -b / a if lowest is None else max(lowest, -b / a)
        elif a < 0:
            highest = -b / a if highest is None else min(highest, -b / a)
        elif b < 0:
            return None
    floor = max(lowest, Fraction(0)) if lowest is not None else Fraction(0)
    if highest is not None and floor > highest:
        return None
    return _to_decimal((1 - floor) * 100)


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


# --- options appraisal ---------------------------------------------------------------------

DEFAULT_CRITERIA = ("Quality", "Resilience", "Efficiency")
"""The success criteria of the Hampshire joint working programme."""


@dataclass(frozen=True, slots=True)
class OptionScore:
    """An option's scores, weighted total (weights normalised to add up to 1) and rank (1 = best)."""

    name: str
    scores: Mapping[str, Decimal]
    weighted_total: Decimal
    rank: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", frozen_map(self.scores))


def _weights(criteria_weights: Mapping[str, object]) -> dict[str, Fraction]:
    if not criteria_weights:
        raise AppraisalError("no criteria: give at least one criterion and its weight")
    result: dict[str, Fraction] = {}
    for criterion, raw in criteria_weights.items():
        try:
            weight = Fraction(to_decimal(raw))
        except MoneyError as exc:
            raise AppraisalError(f"weight for {criterion!r}: {exc}") from exc
        if weight < 0:
            raise AppraisalError(f"weight for {criterion!r} is {raw}; weights must be 0 or more")
        result[criterion] = weight
    return result


def _scores(options: Mapping[str, Mapping[str, object]], criteria: Iterable[str]) -> dict[str, dict[str, Fraction]]:
    criteria = list(criteria)
    problems: list[str] = []
    result: dict[str, dict[str, Fraction]] = {}
    if not options:
        raise AppraisalError("no options to score")
    for name, scores in options.items():
        result[name] = {}
        for criterion in criteria:
            if criterion not in scores:
                problems.append(f"option {name!r} has no score for {criterion!r}")
                continue
            try:
                result[name][criterion] = Fraction(to_decimal(scores[criterion]))
            except MoneyError as exc:
                problems.append(f"option {name!r}, {criterion!r}: {exc}")
        for criterion in scores:
            if criterion not in criteria:
                problems.append(
                    f"option {name!r} is scored on {criterion!r}, which has no weight; add a weight or remove the score"
                )
    if problems:
        raise AppraisalError("; ".join(problems))
    return result


def _ranking(totals: Mapping[str, Fraction]) -> list[str]:
    return sorted(totals, key=lambda name: (-totals[name], name))


def score_options(
    options: Mapping[str, Mapping[str, object]], criteria_weights: Mapping[str, object]
) -> tuple[OptionScore, ...]:
    """Weighted scores and ranking of options against criteria (Quality, Resilience, Efficiency, or any).

    Args:
        options: option name -> criterion -> score (any scale, the same for every option).
        criteria_weights: criterion -> weight (0 or more; normalised, so percentages or points both do).

    Returns:
        Options best first. Equal totals share a rank (1, 2, 2, 4) and are listed by name.

    Raises:
        AppraisalError: every missing or unweighted score, bad weights, or all weights zero.
    """
    weights = _weights(criteria_weights)
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight == 0:
        raise AppraisalError("all criteria weights are zero: there is nothing to rank on")
    scores = _scores(options, weights)
    totals = {name: sum((weights[c] * s[c] for c in weights), Fraction(0)) / total_weight for name, s in scores.items()}
    order = _ranking(totals)
    result: list[OptionScore] = []
    for position, name in enumerate(order):
        rank = result[-1].rank if result and totals[name] == totals[order[position - 1]] else position + 1
        result.append(
            OptionScore(name, {c: _to_decimal(v) for c, v in scores[name].items()}, _to_decimal(totals[name]), rank)
        )
    return tuple(result)


@dataclass(frozen=True, slots=True)
class RankingInterval:
    """The ranking (best first) while one criterion's weight lies between ``low`` and ``high`` (None: no limit)."""

    low: Decimal
    high: Decimal | None
    ranking: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeightSensitivity:
    """How the ranking changes as one criterion's weight moves from 0 upwards, the others held."""

    criterion: str
    weight: Decimal
    intervals: tuple[RankingInterval, ...]

    @property
    def top_option_changes_at(self) -> tuple[Decimal, ...]:
        """The weights at which the best option changes."""
        return tuple(
            after.low
            for before, after in zip(self.intervals, self.intervals[1:])
            if before.ranking[0] != after.ranking[0]
        )

    @property
    def nearest_top_change_below(self) -> Decimal | None:
        """The largest weight below the current one at which the best option changes."""
        below = [w for w in self.top_option_changes_at if w < self.weight]
        return below[-1] if below else None

    @property
    def nearest_top_change_above(self) -> Decimal | None:
        """The smallest weight above the current one at which the best option changes."""
        above = [w for w in self.top_option_changes_at if w > self.weight]
        return above[0] if above else None


def weight_sensitivity(
    options: Mapping[str, Mapping[str, object]],
    criteria_weights: Mapping[str, object],
    criterion: str,
) -> WeightSensitivity:
    """How the ranking changes as ``criterion``'s weight moves, the other weights held as given.

    With the other weights fixed, each option's weighted total is (A + w x score) / (W + w), so
    options change places only where two of the lines A + w x score cross. Those weights are
    found exactly; between them the ranking is fixed.

    Args:
        options: option name -> criterion -> score.
        criteria_weights: criterion -> weight, as for ``score_options``.
        criterion: the criterion whose weight moves (in the same units as the weights).

    Returns:
        Rankings over intervals of weight from 0 upwards, and where the best option changes.

    Raises:
        AppraisalError: the criterion is not weighted, or the options cannot be scored.
    """
    weights = _weights(criteria_weights)
    if criterion not in weights:
        raise AppraisalError(f"{criterion!r} is not one of the criteria ({', '.join(weights)})")
    scores = _scores(options, weights)
    others = {c: w for c, w in weights.items() if c != criterion}
    base = {name: sum((others[c] * s[c] for c in others), Fraction(0)) for name, s in scores.items()}
    slope = {name: s[criterion] for name, s in scores.items()}
    names = list(scores)
    crossings: set[Fraction] = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if slope[a] != slope[b]:
                w = (base[a] - base[b]) / (slope[b] - slope[a])
                if w > 0:
                    crossings.add(w)
    bounds = sorted(crossings)

    def ranking_at(w: Fraction) -> tuple[str, ...]:
        return tuple(_ranking({name: base[name] + w * slope[name] for name in names}))

    edges = [Fraction(0), *bounds]
    intervals: list[RankingInterval] = []
    for index, low in enumerate(edges):
        high = edges[index + 1] if index + 1 < len(edges) else None
        probe = (low + high) / 2 if high is not None else low + 1
        ranking = ranking_at(probe)
        if intervals and intervals[-1].ranking == ranking:
            previous = intervals.pop()
            intervals.append(RankingInterval(previous.low, _to_decimal(high) if high is not None else None, ranking))
        else:
            intervals.append(
                RankingInterval(_to_decimal(low), _to_decimal(high) if high is not None else None, ranking)
            )
    return WeightSensitivity(criterion, _to_decimal(weights[criterion]), tuple(intervals))
