"""Figures the appraisal takes and gives: exact ``Decimal`` within a plausible range.

Every figure that goes into discounting, payback, switching values or option scoring passes
through ``figure``: an exact ``Decimal`` (as ``jwmodel.money.to_decimal`` makes it) no larger in
size than ``MAX_FIGURE``. A cash flow of 10^12 £000s (£1,000 trillion, hundreds of times the UK's
annual public spending) is beyond any business case this project appraises; a figure beyond it is
a typing or unit mistake (or Excel's 1E+308), and refusing it keeps the arithmetic exact and
bounded instead of failing somewhere deep inside with an overflow.

``exact`` turns the ``Fraction`` results of the exact calculations back into ``Decimal`` at
``PRECISION`` significant digits.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext
from fractions import Fraction

from jwmodel.money import MoneyError, to_decimal

__all__ = ["PRECISION", "MAX_FIGURE", "FigureError", "figure", "figures_by_year", "beyond_limit", "exact"]

PRECISION = 40
"""Significant digits used for discounting and exact results, whatever the caller's decimal context."""

MAX_FIGURE = Decimal(10) ** 12
"""The largest size of a figure the appraisal accepts (£000s for money; points for scores and weights)."""


class FigureError(MoneyError):
    """A figure that is not a number, or is beyond ``MAX_FIGURE``."""


def figure(value: object) -> Decimal:
    """``value`` as an exact ``Decimal``, refused when it is not a finite number or exceeds ``MAX_FIGURE``.

    Raises:
        FigureError: the message quotes the value and says the limit (callers add which argument).
    """
    try:
        result = to_decimal(value)
    except MoneyError as exc:
        raise FigureError(str(exc)) from exc
    if abs(result) > MAX_FIGURE:
        raise FigureError(beyond_limit(value if isinstance(value, (int, float, Decimal)) else repr(value)))
    return result


def figures_by_year(values: Iterable[object], what: str = "") -> tuple[Decimal, ...]:
    """One figure a year, each checked by :func:`figure`; the message names the year (and ``what``)."""
    result: list[Decimal] = []
    for year, value in enumerate(values):
        try:
            result.append(figure(value))
        except FigureError as exc:
            raise FigureError(f"{what + ', ' if what else ''}year {year}: {exc}") from exc
    return tuple(result)


def beyond_limit(shown: object) -> str:
    """The sentence for a figure beyond ``MAX_FIGURE``: the one wording wherever a figure is refused for size."""
    return (
        f"{shown} is beyond the largest figure accepted (1,000,000,000,000 either way, i.e. 10^12; "
        "in £000s that is £1,000 trillion); check the units or the cell"
    )


def exact(value: Fraction) -> Decimal:
    """An exact fraction as a ``Decimal`` of ``PRECISION`` significant digits."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(value.numerator) / Decimal(value.denominator)
