"""Phasing: spreading full-year savings and one-off costs over the financial years of a plan.

``phase_line`` is the one phasing every appraisal uses (the business case, the Python API, the
Excel functions' inputs and the tests). It turns one line into a ``Cashflow`` by this convention:

* a recurring saving (a recurring line whose figure is negative) goes into ``savings``;
* a recurring additional cost (a recurring line whose figure is positive) goes into ``costs``;
* a one-off cost goes into ``costs``.

So ``savings`` holds only what is saved and ``costs`` every cost, one-off or recurring; a
switching value (how far savings can fall before NPV reaches 0) scales the savings and never the
costs beside them, as the Green Book asks how far a benefit can fall. See docs/appraisal.md,
"Where a recurring additional cost goes", for the worked example.

A ``Profile`` says when a line starts and how it builds up: a recurring line reaches its
full-year effect through a ramp of percentages (``(50, 100)`` is half in the start year and the
full effect from the next year on); a one-off cost is spent by a timing of percentages that add
up to 100 (``(25, 75)`` is a quarter in the start year and the rest the year after).

Amounts are ``Decimal`` in £000s, signed as elsewhere in the project: cost positive, saving
negative. Every phased figure is on the £1 grid (0.001 in £000s). A one-off cost is split with
``jwmodel.money.allocate`` so its years add up to it exactly; a recurring year is the full-year
amount times the ramp percentage, rounded to £1 with halves going up (towards the smaller saving
or the bigger cost, the prudent side).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from jwmodel.compact import compact_pickle
from jwmodel.errors import JwmodelError
from jwmodel.money import POUND, MoneyError, allocate, round_to_pound, to_decimal

__all__ = [
    "SAVING",
    "ONE_OFF",
    "DEFAULT_FIRST_YEAR",
    "DEFAULT_PLAN_YEARS",
    "default_plan",
    "PhasingError",
    "Profile",
    "Cashflow",
    "financial_years",
    "round_to_pound",
    "phase_recurring",
    "phase_one_off",
    "phase_line",
    "phase_lines",
    "total_cashflow",
]

SAVING = "saving"
"""Kind of a recurring line (a saving if negative, an additional cost if positive), as in ``LineShare.kind``."""
ONE_OFF = "one-off"
"""Kind of a one-off cost of change, as in ``LineShare.kind``."""
DEFAULT_FIRST_YEAR = "2012/13"  # the plan's first year when neither the settings nor the returns' covers give one
DEFAULT_PLAN_YEARS = 5  # how many years a plan runs when not told

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_YEAR = re.compile(r"^(\d{4})/(\d{2})$", re.ASCII)  # "٢٠١٢/١٣" is refused, as other scripts' digits are everywhere

_NIL = Decimal("0.000")  # nothing, on the £1 grid
_FULL = (_HUNDRED,)  # the default ramp and timing: everything in the start year
K = TypeVar("K", bound=Hashable)


class PhasingError(JwmodelError, ValueError):
    """A profile, a plan horizon or an amount that cannot be phased as given."""


def financial_years(first: str = "2012/13", count: int = 5) -> tuple[str, ...]:
    """Labels of ``count`` consecutive financial years from ``first`` ("2012/13", "2013/14", ...).

    Raises:
        PhasingError: ``first`` is not of the form "2012/13", or ``count`` is not 1 or more.
    """
    match = _YEAR.match(first.strip()) if isinstance(first, str) else None
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise PhasingError(
            f"a financial year is written like '2012/13' (the second part is the year after); got {first!r}"
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise PhasingError(f"a plan needs 1 or more years; got {count!r}")
    start = int(match.group(1))
    return tuple(f"{y}/{(y + 1) % 100:02d}" for y in range(start, start + count))


def default_plan(first_year: str = "") -> tuple[str, ...]:
    """The plan's years when not told: :data:`DEFAULT_PLAN_YEARS` from ``first_year`` (the returns' financial
    year; blank: :data:`DEFAULT_FIRST_YEAR`), as the service layer's appraisal settings default them."""
    return financial_years(first_year or DEFAULT_FIRST_YEAR, DEFAULT_PLAN_YEARS)


def _percentages(values: Iterable[object], what: str) -> tuple[Decimal, ...]:
    result: list[Decimal] = []
    for position, raw in enumerate(values):
        try:
            value = to_decimal(raw)
        except MoneyError as exc:
            raise PhasingError(f"{what} percentage {position + 1} is not a number: {raw!r}") from exc
        if value < 0 or value > _HUNDRED:
            raise PhasingError(f"{what} percentage {position + 1} is {value}; each must be between 0 and 100")
        result.append(value)
    return tuple(result)


@compact_pickle
@dataclass(frozen=True, slots=True)
class Profile:
    """When a line starts and how it builds up or is spent.

    Attributes:
        start: the financial year the line starts ("2013/14"); None means the plan's first year.
        ramp: percent of the full-year effect in each year from the start; the last figure holds
            for every later year. ``(100,)`` (the default) is the full effect from the start.
        one_off_timing: percent of a one-off cost spent in each year from the start, adding up
            to 100. ``(100,)`` (the default) is all of it in the start year.
    """

    start: str | None = None
    ramp: tuple[Decimal, ...] = (_HUNDRED,)
    one_off_timing: tuple[Decimal, ...] = (_HUNDRED,)

    def __post_init__(self) -> None:
        ramp = _percentages(self.ramp, "ramp")
        timing = _percentages(self.one_off_timing, "one-off timing")
        if not ramp:
            raise PhasingError("a ramp needs at least one percentage, e.g. (100,)")
        if sum(timing, _ZERO) != _HUNDRED:
            raise PhasingError(
                f"one-off timing percentages {', '.join(map(str, timing)) or '(none)'} "
                f"add up to {sum(timing, _ZERO)}, not 100"
            )
        object.__setattr__(self, "ramp", ramp)
        object.__setattr__(self, "one_off_timing", timing)

    def start_index(self, years: Sequence[str]) -> int:
        """Position of the start year in the plan's years."""
        if self.start is None:
            return 0
        try:
            return list(years).index(self.start)
        except ValueError:
            raise PhasingError(f"the start year {self.start!r} is not in the plan ({', '.join(years)})") from None


_DEFAULT = Profile()  # the plan's first year, in full: a line with no profile (frozen, so shared)


def _amount(value: object) -> Decimal:
    try:
        amount = to_decimal(value)
    except MoneyError as exc:
        raise PhasingError(str(exc)) from exc
    if amount != amount.quantize(POUND):
        raise PhasingError(
            f"{amount} is given to less than £1 (more than 3 decimal places in £000s); round it to the nearest £1"
        )
    return amount


def _check_years(years: Sequence[str]) -> None:
    if not years:
        raise PhasingError("the plan has no years")
    if len(set(years)) != len(years):
        raise PhasingError(f"a year appears twice in the plan ({', '.join(years)})")


def phase_recurring(full_year_amount: object, profile: Profile, years: Sequence[str]) -> tuple[Decimal, ...]:
    """A recurring line's amount in each year of the plan (0 before it starts).

    Args:
        full_year_amount: the full-year effect in £000s (a saving is negative), on the £1 grid.
        profile: its start year and ramp.
        years: the plan's financial years, in order.

    Returns:
        One amount a year, each the full-year amount times that year's ramp percentage, to £1.

    Raises:
        PhasingError: the amount is finer than £1, or the start year is not in the plan.
    """
    amount = _amount(full_year_amount)
    _check_years(years)
    return _recurring(amount, profile, years)


def _recurring(amount: Decimal, profile: Profile, years: Sequence[str]) -> tuple[Decimal, ...]:
    """``phase_recurring`` of an amount and years already checked."""
    start = profile.start_index(years)
    ramp = profile.ramp
    if ramp == _FULL:  # the full effect from the start: the amount itself (already on the £1 grid)
        whole = round_to_pound(amount)
        return (_NIL,) * start + (whole,) * (len(years) - start)
    result: list[Decimal] = []
    for index in range(len(years)):
        if index < start:
            result.append(_NIL)
            continue
        step = min(index - start, len(ramp) - 1)
        result.append(round_to_pound(amount * ramp[step] / _HUNDRED))
    return tuple(result)


def phase_one_off(amount: object, profile: Profile, years: Sequence[str]) -> tuple[Decimal, ...]:
    """A one-off cost's amount in each year of the plan; the years add up to it exactly.

    Args:
        amount: the one-off cost in £000s (cost positive), on the £1 grid.
        profile: its start year and timing.
        years: the plan's financial years, in order.

    Returns:
        One amount a year, split by the timing percentages with largest remainder.

    Raises:
        PhasingError: the amount is finer than £1, the start year is not in the plan, or some of
            the timing falls after the plan's last year.
    """
    value = _amount(amount)
    _check_years(years)
    return _one_off(value, profile, years)


def _one_off(value: Decimal, profile: Profile, years: Sequence[str]) -> tuple[Decimal, ...]:
    """``phase_one_off`` of an amount and years already checked."""
    start = profile.start_index(years)
    if profile.one_off_timing == _FULL and start < len(years):  # all of it in the start year
        return (_NIL,) * start + (round_to_pound(value),) + (_NIL,) * (len(years) - start - 1)
    weights: dict[str, Decimal] = {}
    for step, percent in enumerate(profile.one_off_timing):
        if start + step >= len(years):
            if percent:
                raise PhasingError(
                    f"{percent}% of a one-off cost starting in {years[start]} falls after {years[-1]}, "
                    "the plan's last year; extend the plan or bring the timing forward"
                )
            continue
        weights[years[start + step]] = percent
    shares = allocate(value, weights)
    return tuple(shares.get(year, _NIL) for year in years)


@dataclass(frozen=True, slots=True)
class Cashflow:
    """Amounts by financial year: savings and costs (cost positive, saving negative).

    ``savings`` holds the recurring savings only (0 or negative every year); ``costs`` holds the
    one-off costs of change and any recurring additional cost (see the module docstring).

    Raises:
        PhasingError: the streams and years differ in length, or a year's savings are positive.
    """

    years: tuple[str, ...]
    savings: tuple[Decimal, ...]
    costs: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "years", tuple(self.years))
        object.__setattr__(self, "savings", tuple(to_decimal(v) for v in self.savings))
        object.__setattr__(self, "costs", tuple(to_decimal(v) for v in self.costs))
        if not len(self.years) == len(self.savings) == len(self.costs):
            raise PhasingError(
                f"a cash flow needs one figure a year: {len(self.years)} years, "
                f"{len(self.savings)} savings, {len(self.costs)} costs"
            )
        positive = next((i for i, v in enumerate(self.savings) if v > 0), None)
        if positive is not None:
            raise PhasingError(
                f"{self.years[positive]}: savings of {self.savings[positive]} is positive; savings hold only "
                "savings (negative), a recurring additional cost goes in costs"
            )

    @classmethod
    def _checked(cls, years: tuple[str, ...], savings: tuple[Decimal, ...], costs: tuple[Decimal, ...]) -> Cashflow:
        """A cash flow phasing has made: tuples of ``Decimal`` a year each, savings never positive.

        The checks of ``__post_init__`` hold by construction, so they are not run again (the
        appraisal phases every line three times).
        """
        flow = object.__new__(cls)
        object.__setattr__(flow, "years", years)
        object.__setattr__(flow, "savings", savings)
        object.__setattr__(flow, "costs", costs)
        return flow

    @classmethod
    def zero(cls, years: Sequence[str]) -> Cashflow:
        """Nothing in any year."""
        nil = tuple(_ZERO.quantize(POUND) for _ in years)
        return cls(tuple(years), nil, nil)

    @property
    def net(self) -> tuple[Decimal, ...]:
        """Each year's savings plus costs (cost positive, saving negative)."""
        return tuple(s + c for s, c in zip(self.savings, self.costs, strict=True))

    @property
    def cumulative(self) -> tuple[Decimal, ...]:
        """Running total of ``net`` to the end of each year."""
        total = _ZERO
        result: list[Decimal] = []
        for value in self.net:
            total += value
            result.append(total)
        return tuple(result)

    @property
    def total_savings(self) -> Decimal:
        return sum(self.savings, _ZERO)

    @property
    def total_costs(self) -> Decimal:
        return sum(self.costs, _ZERO)

    def __add__(self, other: Cashflow) -> Cashflow:
        if self.years != other.years:
            raise PhasingError(
                f"cannot add cash flows over different years ({', '.join(self.years)} and {', '.join(other.years)})"
            )
        return Cashflow(
            self.years,
            tuple(a + b for a, b in zip(self.savings, other.savings, strict=True)),
            tuple(a + b for a, b in zip(self.costs, other.costs, strict=True)),
        )


def phase_line(kind: str, amount: object, profile: Profile | None, years: Sequence[str]) -> Cashflow:
    """One line's cash flow over the plan: the one phasing every appraisal uses.

    Args:
        kind: ``SAVING`` ("saving": a recurring line, full-year amount) or ``ONE_OFF`` ("one-off").
        amount: £000s on the £1 grid, cost positive, saving negative. A recurring line with a
            negative amount is a saving and goes into ``savings``; with a positive amount it is a
            recurring additional cost and goes into ``costs``; a one-off cost goes into ``costs``.
        profile: start year and ramp or timing; None is the default profile (the plan's first
            year, in full).
        years: the plan's financial years, in order.

    Returns:
        The line's cash flow: the other stream is 0 every year.

    Raises:
        PhasingError: an unknown kind, an amount finer than £1, a start year outside the plan, or a
            one-off timing running past its end.
    """
    years = tuple(years)
    profile = profile or _DEFAULT
    if kind != ONE_OFF and kind != SAVING:
        raise PhasingError(f"kind must be '{SAVING}' or '{ONE_OFF}', got {kind!r}")
    value = _amount(amount)
    _check_years(years)
    nothing = (_NIL,) * len(years)
    if kind == ONE_OFF:
        return Cashflow._checked(years, nothing, _one_off(value, profile, years))
    phased = _recurring(value, profile, years)
    return Cashflow._checked(years, nothing, phased) if value > 0 else Cashflow._checked(years, phased, nothing)


def phase_lines(lines: Iterable[tuple[K, str, object, Profile]], years: Sequence[str]) -> dict[K, Cashflow]:
    """``phase_line`` for many lines, totalled by key (a service, a partner, a (service, partner) pair).

    Args:
        lines: ``(key, kind, amount, profile)`` as ``phase_line`` takes them.
        years: the plan's financial years.

    Returns:
        key -> its lines' cash flow, keys in the order first seen.

    Raises:
        PhasingError: a line that cannot be phased (the message names it).
    """
    years = tuple(years)
    _check_years(years)
    result: dict[K, Cashflow] = {}
    for number, (key, kind, amount, profile) in enumerate(lines, start=1):
        try:
            flow = phase_line(kind, amount, profile, years)
        except PhasingError as exc:
            raise PhasingError(f"line {number} ({key!r}): {exc}") from exc
        result[key] = result[key] + flow if key in result else flow
    return result


def total_cashflow(flows: Iterable[Cashflow], years: Sequence[str]) -> Cashflow:
    """The sum of cash flows over the same years (nothing in any year if there are none)."""
    total = Cashflow.zero(years)
    for flow in flows:
        total = total + flow
    return total
