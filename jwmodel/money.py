"""Money and percentages: exact splits with no rounding leak.

Amounts are ``Decimal`` in £000s. £1 is ``POUND`` (0.001 in £000s); every split of an amount
gives shares on that grid that add up to the amount exactly (largest remainder). Percentages
computed from baselines or drivers are whole numbers that add up to exactly 100.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType

from jwmodel.errors import JwmodelError

__all__ = [
    "POUND",
    "MoneyError",
    "round_to_pound",
    "to_decimal",
    "split_units",
    "allocate",
    "apportion",
    "whole_percent_shares",
    "display",
    "percent",
]

POUND = Decimal("0.001")
"""£1 expressed in £000s: the precision every apportioned figure is given to."""


def round_to_pound(value: Decimal) -> Decimal:
    """£000s to the nearest £1 (3 decimal places): the one rounding to £1 in jwmodel.

    Halves go towards +infinity, the prudent side under the sign convention (cost positive,
    saving negative): a cost of 1.0005 becomes 1.001, a saving of -1.0005 becomes -1.000 (the
    smaller saving). Everything else goes to the nearest £1. A saving that rounds to nothing is 0.000,
    never -0.000.
    """
    rounded = value.quantize(POUND, rounding=ROUND_HALF_UP if value >= 0 else ROUND_HALF_DOWN)
    return rounded if rounded else rounded.copy_abs()


class MoneyError(JwmodelError, ValueError):
    """An amount or a set of weights that cannot be split as asked."""


def to_decimal(value: object) -> Decimal:
    """Exact ``Decimal`` for an int, Decimal, Fraction-free float or numeric string.

    Floats go through their shortest repr, so 0.1 becomes Decimal('0.1'), not its binary expansion.
    """
    if isinstance(value, bool):
        raise MoneyError(f"expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError(f"expected a number, got {value!r}") from exc
    else:
        raise MoneyError(f"expected a number, got {value!r}")
    if not result.is_finite():
        raise MoneyError(f"expected a finite number, got {value!r}")
    return result


def negative_weight(value: object) -> str:
    """The sentence refusing a negative weight (the engine names the weight's key, the add-in its cell)."""
    return f"{value} is negative; weights must be 0 or more"


def _ratio(key: str, raw: object) -> tuple[int, int]:
    if isinstance(raw, (Fraction, int)) and not isinstance(raw, bool):
        numerator, denominator = raw.as_integer_ratio()
    else:
        numerator, denominator = to_decimal(raw).as_integer_ratio()
    if numerator < 0:
        raise MoneyError(f"weight for {key!r}: {negative_weight(raw)}")
    return numerator, denominator


def _weights(weights: Mapping[str, object]) -> Mapping[str, int]:
    """Weights as whole numbers in the same proportions (scaled by a common denominator)."""
    return _scaled_weights(weights)[0]


def _scaled_weights(weights: Mapping[str, object]) -> tuple[Mapping[str, int], int]:
    """The whole-number weights and their total.

    A hashable mapping of weights (a ``FrozenMap``: the percentages every line of a service is
    split by, for each of its figures) is scaled once and remembered; the result is read only.
    """
    try:
        return _scaled_once(weights)  # type: ignore[arg-type]
    except TypeError:  # not hashable (a dict), or holding a value that is not (refused by _scaled)
        scaled = _scaled(weights)
    return scaled, sum(scaled.values())


@functools.lru_cache(maxsize=4096)
def _scaled_once(weights: Mapping[str, object]) -> tuple[Mapping[str, int], int]:
    scaled = _scaled(weights)
    return MappingProxyType(scaled), sum(scaled.values())


def _scaled(weights: Mapping[str, object]) -> dict[str, int]:
    if not weights:
        raise MoneyError("nothing to split between: no weights given")
    ratios = {key: _ratio(key, raw) for key, raw in weights.items()}
    common = math.lcm(*(d for _, d in ratios.values()))
    result = {key: n * (common // d) for key, (n, d) in ratios.items()}
    if not any(result.values()):
        raise MoneyError("all weights are zero: there is no basis to split on")
    return result


def split_units(units: int, weights: Mapping[str, object]) -> dict[str, int]:
    """Split a whole number of units in proportion to weights (largest remainder).

    Shares add up to ``units`` exactly. Ties in the remainder go to the larger weight, then to the
    key that sorts first, so the result never depends on the order the weights are given in.
    A negative ``units`` is split as its magnitude, then negated, so the split is symmetric.
    Integer arithmetic throughout: every remainder has the same denominator, the total weight.
    """
    scaled, total = _scaled_weights(weights)
    sign = -1 if units < 0 else 1
    magnitude = abs(units)
    shares = {}
    remainders = {}
    for key, w in scaled.items():
        shares[key], remainders[key] = divmod(magnitude * w, total)
    left = magnitude - sum(shares.values())
    if left:
        for key in sorted(scaled, key=lambda k: (-remainders[k], -scaled[k], k))[:left]:
            shares[key] += 1
    return {key: sign * shares[key] for key in weights}


def allocate(amount: object, weights: Mapping[str, object], *, unit: Decimal = POUND) -> dict[str, Decimal]:
    """Split ``amount`` in proportion to ``weights`` so the shares add up to it exactly.

    Args:
        amount: the figure to split (£000s); it must be a whole number of ``unit``.
        weights: partner code -> weight (percentages, baselines, driver values; 0 or more).
        unit: the precision of the shares; ``POUND`` (£1 when amounts are in £000s) by default.

    Returns:
        partner code -> share, in the order the weights were given.

    Raises:
        MoneyError: the amount is not a whole number of units, or the weights cannot be used.
    """
    value = to_decimal(amount)
    units = value / unit
    if units != units.to_integral_value():
        raise MoneyError(f"{value} is more precise than the unit {unit}: round it to {unit} first")
    shares = split_units(int(units), weights)
    return {key: (share * unit).quantize(unit) for key, share in shares.items()}


def apportion(amount: object, percentages: Mapping[str, object], *, unit: Decimal = POUND) -> dict[str, Decimal]:
    """Split ``amount`` by percentages that must add up to 100 (see ``allocate``)."""
    total = sum((to_decimal(p) for p in percentages.values()), Decimal(0))
    if total != 100:
        raise MoneyError(f"percentages add up to {total}, not 100")
    return allocate(amount, percentages, unit=unit)


def whole_percent_shares(weights: Mapping[str, object], *, minimum: int = 1, total: int = 100) -> dict[str, int]:
    """Whole-number percentages in proportion to weights, adding up to ``total`` exactly.

    Every participant gets at least ``minimum``: those whose exact share falls below it are held at
    the minimum and the rest of the total is shared among the others in proportion, repeatedly,
    then rounded by largest remainder. This is the rule behind the published Hampshire splits
    (FM 27/7/66, Legal 9/1/90, L&D without HFRS 47/53).

    Raises:
        MoneyError: no weights, a negative weight, all weights zero, or more participants than the
            minimum allows (``minimum * n > total``).
    """
    fractions = {k: Fraction(v) for k, v in _weights(weights).items()}
    if minimum < 0:
        raise MoneyError(f"minimum percentage must be 0 or more, got {minimum}")
    if minimum * len(fractions) > total:
        raise MoneyError(f"{len(fractions)} participants cannot each have at least {minimum}% of {total}")
    held: set[str] = set()
    while True:
        free = {k: w for k, w in fractions.items() if k not in held}
        remaining = total - minimum * len(held)
        free_weight = sum(free.values())
        if free_weight == 0:
            below = set(free)
        else:
            below = {k for k, w in free.items() if remaining * w / free_weight < minimum}
        if not below:
            break
        held |= below
        if len(held) == len(fractions):
            break
    shares = dict.fromkeys(held, minimum)
    free = {k: w for k, w in fractions.items() if k not in held}
    if free:
        shares.update(split_units(total - minimum * len(held), free))
    else:  # everyone at the minimum: share what is left equally
        extra = split_units(total - minimum * len(held), dict.fromkeys(fractions, 1))
        shares = {k: minimum + extra[k] for k in fractions}
    return {key: shares[key] for key in weights}


def display(value: Decimal | int) -> str:
    """A figure for a sentence: thousands separators, no trailing zeros (7,514; -2.7; 0.001)."""
    number = Decimal(value)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to 0.1 (halves up); None when ``whole`` is 0.

    The one rounding of a percentage shown to 0.1: a target's coverage, a measure's progress.
    """
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
