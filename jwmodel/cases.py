"""The three cases of an appraisal (prudent, central, optimistic) and the appraisal's error.

Cases follow Appendix A's ranges. For a recurring line *low* is the smaller saving; for a one-off
cost *low* is the smaller cost. Written cost positive, the prudent figure is therefore always the
larger signed number of the two and the optimistic figure the smaller, whichever kind the line is:
PRUDENT takes low savings and high costs, OPTIMISTIC high savings and low costs, CENTRAL the
midpoint (to £1, a half pound going the prudent way).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from jwmodel.errors import JwmodelError
from jwmodel.model import Range
from jwmodel.money import POUND

__all__ = ["AppraisalError", "Case", "case_value"]


class AppraisalError(JwmodelError, ValueError):
    """Figures, weights or scores that cannot be appraised as given."""


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
