"""Optimism bias: the Green Book's adjustment of costs up and savings down, and its published presets.

Optimism bias is applied to a phased cash flow as costs x (1 + uplift) and savings x (1 - reduction),
each year rounded to £1 (halves the prudent way). Costs are every cost in the flow: the one-off
costs of change and any recurring additional cost (docs/appraisal.md, "Where a recurring
additional cost goes"); savings are the recurring savings.

The published starting values are HM Treasury's *Supplementary Green Book Guidance: Optimism Bias*
(2003), Table 1, taken from Mott MacDonald (2002) *Review of Large Public Procurement in the UK*,
Table 2 (as reproduced at https://ppponline.affinitext.com/public/book?id=1343&toc_id=444193; the
guidance itself is listed at
https://www.gov.uk/government/publications/green-book-supplementary-guidance-optimism-bias).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jwmodel.cases import AppraisalError
from jwmodel.figures import FigureError, figure
from jwmodel.money import round_to_pound
from jwmodel.phasing import Cashflow

__all__ = [
    "OptimismBias",
    "OptimismBiasGuidance",
    "OPTIMISM_BIAS_GUIDANCE",
    "optimism_bias",
    "apply_optimism_bias",
    "bias_from",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class OptimismBias:
    """Adjustments for optimism: costs raised by ``cost_uplift_percent``, savings cut by the reduction."""

    cost_uplift_percent: Decimal = _ZERO
    benefit_reduction_percent: Decimal = _ZERO

    def __post_init__(self) -> None:
        try:
            uplift = figure(self.cost_uplift_percent)
            reduction = figure(self.benefit_reduction_percent)
        except FigureError as exc:
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

    Every positive cost is uplifted (one-off costs and recurring additional costs alike, since both
    are in ``costs``) and every saving is reduced.
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


_EXPLICIT = re.compile(r"^(?P<cost>\d+(?:\.\d+)?)\s*%?\s*(?:,\s*(?P<benefit>\d+(?:\.\d+)?)\s*%?)?$")
_BIAS_HELP = (
    "give a Green Book category with an optional bound ('equipment/development:lower', 'outsourcing'), "
    "or a cost uplift and a savings reduction in percent ('10,5'; '10' alone is 10,0)"
)


def bias_from(text: str | None) -> OptimismBias | None:
    """The optimism bias a person typed: the one rule for the command line (and anything else that takes text).

    * empty (None or blank): no optimism bias (None);
    * ``COST[,BENEFIT]`` in percent, a per cent sign allowed: ``"10,5"`` raises costs 10% and cuts
      savings 5%; ``"10"`` raises costs 10% only;
    * ``CATEGORY[:upper|lower]``: the published capital expenditure uplift for a category of
      ``OPTIMISM_BIAS_GUIDANCE`` (any case; the upper bound by default).

    Raises:
        AppraisalError: the message quotes the text and says the accepted forms.
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    explicit = _EXPLICIT.match(text)
    if explicit:
        return OptimismBias(Decimal(explicit["cost"]), Decimal(explicit["benefit"] or 0))
    if text[0].isdigit() or text[0] in "+-.":
        raise AppraisalError(f"optimism bias {text!r} is not understood; {_BIAS_HELP}")
    category, _, bound = text.partition(":")
    bound = bound.strip().lower() or "upper"
    if bound not in ("upper", "lower"):
        raise AppraisalError(f"optimism bias {text!r}: the bound after ':' must be upper or lower, got {bound!r}")
    return optimism_bias(category, bound=bound)
