"""The data of a joint-working programme: plain, immutable values with no I/O.

Units are £000s (``Decimal``); the sign convention is Appendix A's: cost positive, saving negative.
Ranges read as in Appendix A: for a recurring line *low* is the smaller saving and *high* the
bigger (so ``low >= high`` as signed numbers); for a one-off cost *low* is the smaller cost and
*high* the bigger (``low <= high``). The prudent case is low savings with high costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.phasing import Profile

__all__ = [
    "Category",
    "OneOffType",
    "Method",
    "Range",
    "Partner",
    "BaselineEntry",
    "ControlTotal",
    "SavingLine",
    "OneOffCost",
    "ApportionmentRule",
    "ParticipationOption",
    "ServiceArea",
    "DriverValue",
    "Programme",
    "ZERO",
    "net_baseline",
]

ZERO = Decimal(0)


class Category(StrEnum):
    """Saving-line categories; Appendix A's 'cashable' column is the first two plus additional cost."""

    CASHABLE_STAFFING = "cashable staffing"
    CASHABLE_NON_STAFF = "cashable non-staff"
    PROCUREMENT = "procurement"
    ADDITIONAL_COST = "additional cost"
    NON_CASHABLE = "non-cashable"

    @property
    def column(self) -> str:
        """The Appendix A column this category is totalled in."""
        if self is Category.PROCUREMENT:
            return "procurement"
        if self is Category.NON_CASHABLE:
            return "non_cashable"
        return "cashable"

    @property
    def recurring(self) -> bool:
        """Whether it changes budgets (non-cashable savings do not)."""
        return self is not Category.NON_CASHABLE


class OneOffType(StrEnum):
    IT = "IT"
    HR = "HR"
    OTHER = "other"


class Method(StrEnum):
    """How a service's joint costs and savings are split between the participating partners."""

    FIXED = "fixed percentages"
    BASELINE = "share of baseline"
    DRIVER = "driver"
    SOLE_BEARER = "sole bearer"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Range:
    """A low and a high figure in £000s (see the module docstring for which way they run)."""

    low: Decimal = ZERO
    high: Decimal = ZERO

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    @property
    def ordered_as_saving(self) -> bool:
        """A recurring line's range: low is never the bigger saving (``low >= high``)."""
        return self.low >= self.high

    @property
    def ordered_as_cost(self) -> bool:
        """A one-off cost's range: low is never the bigger cost (``low <= high``)."""
        return self.low <= self.high


@dataclass(frozen=True, slots=True)
class Partner:
    code: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One partner's baseline for one service area (net of charges from the other partners)."""

    partner: str
    service: str
    net: Decimal
    fte: Decimal
    gross: Decimal | None = None
    charges: Decimal | None = None
    note: str = ""
    where: Location = NOWHERE


def net_baseline(gross: Decimal, charges: Decimal | None) -> Decimal:
    """Net baseline = gross direct cost less charges from the other partners (blank charges are 0)."""
    return gross - (charges if charges is not None else ZERO)


@dataclass(frozen=True, slots=True)
class ControlTotal:
    """A partner's own stated totals, to be compared with the sum of its rows."""

    partner: str
    net: Decimal | None
    fte: Decimal | None
    where_net: Location = NOWHERE
    where_fte: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class SavingLine:
    """A recurring full-year cost or saving estimate for a service area."""

    service: str
    description: str
    category: Category
    estimate: Range
    sole_bearer: str | None = None
    only_if_partner: str | None = None
    note: str = ""
    where: Location = NOWHERE
    profile: Profile | None = None  # when it starts and how it builds up; None: full effect from the plan's first year


@dataclass(frozen=True, slots=True)
class OneOffCost:
    """A one-off cost of change for a service area."""

    service: str
    description: str
    type: OneOffType
    estimate: Range
    note: str = ""
    where: Location = NOWHERE
    profile: Profile | None = None  # when it is spent; None: all in the plan's first year
    sole_bearer: str | None = None
    only_if_partner: str | None = None


@dataclass(frozen=True, slots=True)
class ApportionmentRule:
    """How amounts are split: fixed percentages, baseline, a driver, one sole bearer, or none.

    ``percentages`` is used with FIXED; ``driver`` names the driver with DRIVER; ``sole_bearer``
    is the partner with SOLE_BEARER; ``minimum_percent`` is each participant's floor when
    percentages are computed (BASELINE, DRIVER).
    """

    method: Method
    percentages: Mapping[str, Decimal] = field(default_factory=dict)
    driver: str = ""
    sole_bearer: str = ""
    minimum_percent: int = 1
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class ParticipationOption:
    """Which partners join a service area under an option, and how its amounts are split."""

    name: str
    partners: tuple[str, ...]
    rule: ApportionmentRule
    default: bool = False
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class ServiceArea:
    name: str
    options: tuple[ParticipationOption, ...] = ()
    where: Location = NOWHERE

    def option(self, name: str | None = None) -> ParticipationOption | None:
        """The named option, or the default (the only one, or the one marked default)."""
        if name is not None:
            return next((o for o in self.options if o.name == name), None)
        defaults = [o for o in self.options if o.default]
        if len(defaults) == 1:
            return defaults[0]
        if len(self.options) == 1:
            return self.options[0]
        return None


@dataclass(frozen=True, slots=True)
class DriverValue:
    """A partner's value of a cost driver for a service (time spent, users of a shared system)."""

    service: str
    driver: str
    partner: str
    value: Decimal
    note: str = ""
    where: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Programme:
    """Everything the partners and workstreams submitted, as read (with what reading found)."""

    partners: tuple[Partner, ...] = ()
    services: tuple[ServiceArea, ...] = ()
    baseline: tuple[BaselineEntry, ...] = ()
    control_totals: tuple[ControlTotal, ...] = ()
    saving_lines: tuple[SavingLine, ...] = ()
    one_off_costs: tuple[OneOffCost, ...] = ()
    drivers: tuple[DriverValue, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def partner_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.partners)

    def service(self, name: str) -> ServiceArea | None:
        return next((s for s in self.services if s.name == name), None)
