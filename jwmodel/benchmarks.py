"""Benchmark-gap savings: the gap to top-quartile performance, and how much of it can be closed.

This is the method of the Herefordshire shared services review (2009): each in-scope service's
current performance was compared with benchmarks, "the gap to top-quartile performance was then
calculated which represents the potential saving possible". Here a service has a current cost
(£000s a year) and FTE, and for each a benchmark ``Metric``: its current level and the top-quartile
level on the same scale (cost per employee served, FTE per 1,000 employees, cost per payslip...).
The share of the cost (or FTE) that closing the gap would remove is ``1 - top_quartile / current``
(for a metric where lower is better), and nothing where the service is already top quartile.
Savings are that potential times an achievable share, low and high.

Results follow the project's conventions: savings are negative ``Range`` values in £000s with
*low* the smaller saving; FTE released is a positive ``Range`` with *low* the smaller release.
Savings are rounded to £1 and FTE to ``fte_unit`` (0.1 by default), halves to the smaller figure;
the arithmetic before rounding is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, Decimal
from fractions import Fraction

from jwmodel.errors import JwmodelError
from jwmodel.model import Category, Range, SavingLine
from jwmodel.money import MoneyError, round_to_pound, to_decimal

__all__ = [
    "BenchmarkError",
    "Metric",
    "ServiceBenchmark",
    "BenchmarkResult",
    "BenchmarkTotals",
    "assess",
    "assess_all",
    "totals",
    "to_saving_line",
]

FTE_UNIT = Decimal("0.1")
_ZERO = Decimal(0)


class BenchmarkError(JwmodelError, ValueError):
    """Benchmark inputs that cannot be used as given."""


def _number(value: object, what: str) -> Decimal:
    try:
        return to_decimal(value)
    except MoneyError as exc:
        raise BenchmarkError(f"{what}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Metric:
    """A benchmark measure: the service's current level and the top-quartile level, on one scale."""

    name: str
    current: Decimal
    top_quartile: Decimal
    higher_is_better: bool = False

    def __post_init__(self) -> None:
        current = _number(self.current, f"{self.name}: current level")
        top = _number(self.top_quartile, f"{self.name}: top-quartile level")
        if current <= 0 or top <= 0:
            raise BenchmarkError(f"{self.name}: levels must be more than 0 (current {current}, top quartile {top})")
        object.__setattr__(self, "current", current)
        object.__setattr__(self, "top_quartile", top)

    @property
    def gap_share(self) -> Fraction:
        """The share of resources that reaching top quartile would release (0 if already there)."""
        current, top = Fraction(self.current), Fraction(self.top_quartile)
        share = 1 - (current / top if self.higher_is_better else top / current)
        return max(share, Fraction(0))


@dataclass(frozen=True, slots=True)
class ServiceBenchmark:
    """One in-scope service: current cost and FTE, the benchmarks, and the achievable share of the gap.

    ``fte_metric`` None means no FTE benchmark (no FTE released). The achievable shares are
    percentages of the gap expected to be closed in the low and the high case.
    """

    service: str
    cost: Decimal
    fte: Decimal
    cost_metric: Metric
    fte_metric: Metric | None
    achievable_low_percent: Decimal
    achievable_high_percent: Decimal = Decimal(100)
    note: str = ""

    def __post_init__(self) -> None:
        cost = _number(self.cost, f"{self.service}: current cost")
        fte = _number(self.fte, f"{self.service}: current FTE")
        low = _number(self.achievable_low_percent, f"{self.service}: low achievable share")
        high = _number(self.achievable_high_percent, f"{self.service}: high achievable share")
        if cost < 0 or fte < 0:
            raise BenchmarkError(f"{self.service}: current cost ({cost}) and FTE ({fte}) must be 0 or more")
        if not 0 <= low <= high <= 100:
            raise BenchmarkError(
                f"{self.service}: achievable shares must satisfy 0 <= low ({low}) <= high ({high}) <= 100"
            )
        for name, value in (
            ("cost", cost),
            ("fte", fte),
            ("achievable_low_percent", low),
            ("achievable_high_percent", high),
        ):
            object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """A service's potential (the whole gap) and its low/high saving and FTE release."""

    service: str
    cost: Decimal
    fte: Decimal
    potential_saving: Decimal
    potential_fte: Decimal
    saving: Range
    fte_release: Range


@dataclass(frozen=True, slots=True)
class BenchmarkTotals:
    """Totals over services: what is in scope, and the savings and FTE release."""

    cost: Decimal
    fte: Decimal
    potential_saving: Decimal
    potential_fte: Decimal
    saving: Range
    fte_release: Range


def _saving(value: Fraction) -> Decimal:
    """A saving (negative) to £1, halves to the smaller saving."""
    exact = Decimal(value.numerator) / Decimal(value.denominator) if value else _ZERO
    return round_to_pound(exact)  # halves towards +infinity: to the smaller saving


def _fte(value: Fraction, unit: Decimal) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator) if value else _ZERO
    return exact.quantize(unit, rounding=ROUND_HALF_DOWN)


def assess(benchmark: ServiceBenchmark, *, fte_unit: Decimal = FTE_UNIT) -> BenchmarkResult:
    """A service's saving and FTE release from its gap to top quartile.

    Args:
        benchmark: the service's current cost and FTE, metrics and achievable shares.
        fte_unit: the precision FTE are given to (0.1 by default).

    Returns:
        potential = current x gap share; low/high = potential x achievable share.
    """
    cost_gap = Fraction(benchmark.cost) * benchmark.cost_metric.gap_share
    fte_gap = Fraction(benchmark.fte) * benchmark.fte_metric.gap_share if benchmark.fte_metric else Fraction(0)
    low, high = Fraction(benchmark.achievable_low_percent) / 100, Fraction(benchmark.achievable_high_percent) / 100
    return BenchmarkResult(
        service=benchmark.service,
        cost=benchmark.cost,
        fte=benchmark.fte,
        potential_saving=_saving(-cost_gap),
        potential_fte=_fte(fte_gap, fte_unit),
        saving=Range(_saving(-cost_gap * low), _saving(-cost_gap * high)),
        fte_release=Range(_fte(fte_gap * low, fte_unit), _fte(fte_gap * high, fte_unit)),
    )


def assess_all(benchmarks: Iterable[ServiceBenchmark], *, fte_unit: Decimal = FTE_UNIT) -> tuple[BenchmarkResult, ...]:
    """``assess`` for each service, in the order given.

    Raises:
        BenchmarkError: a service appears twice.
    """
    results: list[BenchmarkResult] = []
    seen: set[str] = set()
    for benchmark in benchmarks:
        if benchmark.service in seen:
            raise BenchmarkError(f"{benchmark.service!r} is benchmarked twice; give each service once")
        seen.add(benchmark.service)
        results.append(assess(benchmark, fte_unit=fte_unit))
    return tuple(results)


def totals(results: Iterable[BenchmarkResult]) -> BenchmarkTotals:
    """The sum of the services' figures (the published headline figures of a review)."""
    cost = fte = potential_saving = potential_fte = _ZERO
    saving = fte_release = Range()
    for r in results:
        cost += r.cost
        fte += r.fte
        potential_saving += r.potential_saving
        potential_fte += r.potential_fte
        saving += r.saving
        fte_release += r.fte_release
    return BenchmarkTotals(cost, fte, potential_saving, potential_fte, saving, fte_release)


def to_saving_line(
    result: BenchmarkResult, *, category: Category = Category.CASHABLE_STAFFING, description: str = ""
) -> SavingLine:
    """The result as a recurring ``SavingLine`` for the service, ready to consolidate."""
    text = (
        description
        or f"Close the gap to top-quartile performance ({result.fte_release.low}-{result.fte_release.high} FTE)"
    )
    return SavingLine(result.service, text, category, result.saving, note="benchmark gap to top quartile")
