"""Discounting as HM Treasury's Green Book does it: discount factors, present values and NPV.

Rates are real, in percent a year. The standard schedule is the social time preference rate
(STPR): 3.5% for years 0-30, then the Green Book's declining long-term rates, 3.0% for years
31-75, 2.5% for 76-125, 2.0% for 126-200, 1.5% for 201-300 and 1.0% from year 301. The health
schedule starts at 1.5% (the STPR without its wealth effect) and declines in the same bands:
1.29%, 1.07%, 0.86%, 0.64%, 0.43%.

Sources: HM Treasury, *The Green Book: appraisal and evaluation in central government* (2022),
Annex A6 "Discounting", and its supplementary guidance on discounting
(https://www.gov.uk/government/publications/green-book-supplementary-guidance-discounting).
The figures were checked against the STPR table of the `greenbook` R package
(github.com/charlescoverdale/greenbook, inst/extdata/stpr_schedule.csv), which cites the same
Annex. The Green Book discount rate review (2026) recommends changes that HM Treasury has not
adopted at the time of writing; a later schedule is just another ``DiscountSchedule``.

Conventions:

* Year 0 is the first financial year of the plan and is not discounted. The factor for year
  ``t`` is the product over years 1..t of ``1 / (1 + r_k)``, where ``r_k`` is the rate for year
  ``k``. So a band "years 31-75 at 3.0%" discounts the step from year 30 to 31 at 3.0%. The
  Green Book's own tables work this way (year 0 has factor 1, year 1 has 1/1.035).
* ``npv`` takes flows the Green Book way round: **benefits positive, costs negative**, and a
  positive NPV means the option is worth doing. The rest of this project writes business cases
  **cost positive, saving negative**; ``npv_of_costs_and_savings`` takes flows that way and
  returns the same benefit-positive NPV (it is ``-npv(flows)``).
* Arithmetic is ``Decimal`` throughout, in a private context of 40 significant digits, so the
  result does not depend on the caller's context. Results are not rounded: quantize them (for
  example to ``jwmodel.money.POUND``) when presenting them. With a rate of 0 every factor is
  exactly 1 and the NPV is exactly the plain sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import pairwise

from jwmodel.errors import JwmodelError
from jwmodel.figures import PRECISION, FigureError, figures_by_year
from jwmodel.money import MoneyError, to_decimal

__all__ = [
    "DiscountError",
    "DiscountSchedule",
    "STPR",
    "HEALTH",
    "constant_rate",
    "discount_factors",
    "present_values",
    "npv",
    "npv_of_costs_and_savings",
    "MAX_RATE_PERCENT",
    "schedule_from",
    "PRECISION",
]

_ONE = Decimal(1)
_HUNDRED = Decimal(100)


class DiscountError(JwmodelError, ValueError):
    """A discount schedule or a stream of cash flows that cannot be used as given."""


@dataclass(frozen=True, slots=True)
class DiscountSchedule:
    """Annual discount rates by band of years: ``((first_year, percent), ...)``.

    Each band runs from its first year to the year before the next band starts; the last band
    runs for ever. The first band must start at year 0 and first years must increase. The rate
    for year 0 is never applied (year 0 is undiscounted) but it names the opening rate, as the
    Green Book's "years 0-30: 3.5%" does.
    """

    bands: tuple[tuple[int, Decimal], ...]
    name: str = ""

    def __post_init__(self) -> None:
        bands: list[tuple[int, Decimal]] = []
        for band in self.bands:
            try:
                first, raw = band
            except (TypeError, ValueError) as exc:
                raise DiscountError(f"a band must be (first_year, percent), got {band!r}") from exc
            if isinstance(first, bool) or not isinstance(first, int):
                raise DiscountError(f"a band's first year must be a whole number, got {first!r}")
            try:
                percent = to_decimal(raw)
            except MoneyError as exc:
                raise DiscountError(f"the rate for years from {first} is not a number: {raw!r}") from exc
            if percent <= -_HUNDRED:
                raise DiscountError(f"the rate for years from {first} is {percent}%; a rate must be more than -100%")
            bands.append((first, percent))
        if not bands:
            raise DiscountError("a discount schedule needs at least one band, starting at year 0")
        if bands[0][0] != 0:
            raise DiscountError(f"the first band starts at year {bands[0][0]}; it must start at year 0")
        for (before, _), (after, _) in pairwise(bands):
            if after <= before:
                raise DiscountError(f"band first years must increase: year {after} comes after year {before}")
        object.__setattr__(self, "bands", tuple(bands))

    def rate(self, year: int) -> Decimal:
        """The annual rate (percent) that discounts ``year`` back to the year before it."""
        if year < 0:
            raise DiscountError(f"years are counted from 0; got {year}")
        percent = self.bands[0][1]
        for first, band_percent in self.bands:
            if first > year:
                break
            percent = band_percent
        return percent


STPR = DiscountSchedule(
    (
        (0, Decimal("3.5")),
        (31, Decimal("3.0")),
        (76, Decimal("2.5")),
        (126, Decimal("2.0")),
        (201, Decimal("1.5")),
        (301, Decimal("1.0")),
    ),
    name="Green Book STPR",
)
"""The Green Book social time preference rate with its declining long-term schedule."""

HEALTH = DiscountSchedule(
    (
        (0, Decimal("1.5")),
        (31, Decimal("1.29")),
        (76, Decimal("1.07")),
        (126, Decimal("0.86")),
        (201, Decimal("0.64")),
        (301, Decimal("0.43")),
    ),
    name="Green Book health rate",
)
"""The Green Book health discount rate (1.5%, declining long term), for health and life values."""


def constant_rate(percent: object, *, name: str = "") -> DiscountSchedule:
    """A schedule with one rate for every year (for sensitivity tests, or 0% for a plain sum).

    Raises:
        DiscountError: the rate is not a number, or is -100% or less.
    """
    schedule = DiscountSchedule(((0, percent),))  # type: ignore[arg-type]
    return DiscountSchedule(schedule.bands, name=name or f"constant {schedule.bands[0][1]}%")


def discount_factors(n_years: int, schedule: DiscountSchedule = STPR) -> tuple[Decimal, ...]:
    """Discount factors for years ``0 .. n_years - 1`` (year 0 has factor 1).

    Args:
        n_years: how many years, 0 or more.
        schedule: the rates; the Green Book STPR by default.

    Returns:
        One factor a year: the product over years 1..t of ``1 / (1 + rate/100)``.

    Raises:
        DiscountError: ``n_years`` is negative.
    """
    if isinstance(n_years, bool) or not isinstance(n_years, int) or n_years < 0:
        raise DiscountError(f"the number of years must be a whole number, 0 or more; got {n_years!r}")
    factors: list[Decimal] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        growth = _ONE
        for year in range(n_years):
            if year > 0:
                growth *= _ONE + schedule.rate(year) / _HUNDRED
            factors.append(_ONE / growth)
    return tuple(factors)


def _flows(cashflows: Iterable[object]) -> tuple[Decimal, ...]:
    try:
        return figures_by_year(cashflows)
    except FigureError as exc:
        raise DiscountError(str(exc)) from exc


def present_values(cashflows: Iterable[object], schedule: DiscountSchedule = STPR) -> tuple[Decimal, ...]:
    """Each year's flow times its discount factor (signs kept as given).

    Raises:
        DiscountError: a flow is not a number.
    """
    flows = _flows(cashflows)
    factors = discount_factors(len(flows), schedule)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return tuple(flow * factor for flow, factor in zip(flows, factors, strict=True))


def npv(cashflows: Iterable[object], schedule: DiscountSchedule = STPR) -> Decimal:
    """Net present value of flows given **benefit positive, cost negative**, year 0 first.

    Args:
        cashflows: one net flow a year (£000s), year 0 being the plan's first year.
        schedule: the rates; the Green Book STPR by default.

    Returns:
        The sum of discounted flows; positive means the benefits outweigh the costs.

    Raises:
        DiscountError: a flow is not a number.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return sum(present_values(cashflows, schedule), Decimal(0))


def npv_of_costs_and_savings(net_costs: Sequence[object], schedule: DiscountSchedule = STPR) -> Decimal:
    """NPV (benefit positive) of flows written the business-case way: cost positive, saving negative.

    A year in which the change costs 1,000 is ``1000``; a year saving 150 is ``-150``. The result
    is ``-npv(net_costs)``: positive means the savings outweigh the costs.

    Raises:
        DiscountError: a flow is not a number.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return -npv(net_costs, schedule)


# --- a schedule from what a person typed ----------------------------------------------------

MAX_RATE_PERCENT = Decimal(20)
"""The highest constant rate ``schedule_from`` accepts, percent a year (see its rule)."""

_NAMED = {"stpr": STPR, "health": HEALTH}
_RATE_HELP = "give stpr, health, or a rate such as 3.5 or 3.5% (an Excel cell showing 3.5% holds 0.035, also 3.5%)"


def _rate_percent(value: object) -> Decimal:
    """A constant rate in percent by the rule of ``schedule_from``."""
    text = value.strip() if isinstance(value, str) else None
    explicit = text is not None and text.endswith("%")
    try:
        number = to_decimal(text[:-1] if explicit else text) if text is not None else to_decimal(value)
    except MoneyError as exc:
        raise DiscountError(f"{value!r} is not a rate; {_RATE_HELP}") from exc
    if number < 0:
        raise DiscountError(f"a discount rate of {value!r} is negative; {_RATE_HELP}")
    percent = number if explicit or number >= 1 or number == 0 else number * _HUNDRED
    if percent > MAX_RATE_PERCENT:
        hint = f"; for {number}% a year write '{number}%'" if not explicit and number < 1 else ""
        raise DiscountError(
            f"a discount rate of {value!r} is read as {percent.normalize():f}% a year, above the {MAX_RATE_PERCENT}% "
            f"this accepts (a public-sector appraisal discounts at far less){hint}"
        )
    return percent


def schedule_from(value: object) -> DiscountSchedule:
    """The discount schedule a person named or typed: the one rule for the command line and Excel.

    The rule (docs/appraisal.md, "Discount rate"):

    * empty (``None`` or blank text) or ``stpr``: the Green Book STPR; ``health``: the health rate
      (any case);
    * a number with a per cent sign is that percentage: ``"3.5%"`` and ``"0.5%"`` are 3.5% and 0.5%;
    * a bare number of 1 or more is a percentage: ``3.5`` and ``"3.5"`` are 3.5%;
    * a bare number between 0 and 1 is a fraction, as Excel stores a cell formatted as a percentage:
      ``0.035`` is 3.5%; ``0`` is 0% (NPV is the plain sum);
    * a rate above ``MAX_RATE_PERCENT`` (20%) a year, or below 0, is refused: so ``0.5`` (read as
      50%) is refused with a hint to write ``0.5%``, and a figure can never be read silently as
      a hundred times what was meant.

    Args:
        value: what was typed or sent (text, a number, or None).

    Returns:
        ``STPR``, ``HEALTH`` or a constant-rate schedule named like "constant 3.5%".

    Raises:
        DiscountError: the message quotes the value and says what to give.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return STPR
    if isinstance(value, str) and value.strip().lower() in _NAMED:
        return _NAMED[value.strip().lower()]
    if isinstance(value, bool):
        raise DiscountError(f"{value!r} is not a rate; {_RATE_HELP}")
    return constant_rate(Decimal(f"{_rate_percent(value).normalize():f}"))
