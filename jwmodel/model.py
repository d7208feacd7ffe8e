"""The data of a joint-working programme: plain, immutable values with no I/O.

Units are £000s (``Decimal``); the sign convention is Appendix A's: cost positive, saving negative.
Ranges read as in Appendix A: for a recurring line *low* is the smaller saving and *high* the
bigger (so ``low >= high`` as signed numbers); for a one-off cost *low* is the smaller cost and
*high* the bigger (``low <= high``). The prudent case is low savings with high costs.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from jwmodel.compact import compact_pickle
from jwmodel.conditions import Condition
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
    "SavingsTarget",
    "RechargeDirection",
    "Recharge",
    "Programme",
    "FrozenMap",
    "frozen_map",
    "derived_net",
    "ZERO",
]

ZERO = Decimal(0)

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only, hashable mapping: what a frozen dataclass holds where it would hold a dict.

    It keeps the order it was given; equal to any mapping with the same items (as a dict is).
    """

    __slots__ = ("_items", "_hash")

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._items: dict[K, V] = dict(items or {})
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    # The dict's own views and look-ups (read only), not Mapping's generic ones: the engine walks
    # every line's shares and percentages several times.
    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: K, default: Any = None) -> Any:
        return self._items.get(key, default)

    def keys(self) -> KeysView[K]:
        return self._items.keys()

    def values(self) -> ValuesView[V]:
        return self._items.values()

    def items(self) -> ItemsView[K, V]:
        return self._items.items()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._items == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (FrozenMap, (self._items,))


def frozen_map(items: Mapping[K, V] | None) -> FrozenMap[K, V]:
    """``items`` as a FrozenMap (itself when it already is one)."""
    return items if isinstance(items, FrozenMap) else FrozenMap(items)


def derived_net(gross: Decimal, charges: Decimal | None) -> Decimal:
    """The net baseline where it is left blank: gross direct cost less charges from other partners.

    The one place this rule lives: the return reader and the add-in's conversion call it, and
    ``jwmodel.rules`` checks a net that is given against it.
    """
    return gross - (charges if charges is not None else ZERO)


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
    BASELINE_FTE = "share of baseline (FTE)"
    DRIVER = "driver"
    SOLE_BEARER = "sole bearer"
    NONE = "none"


@compact_pickle
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


@compact_pickle
@dataclass(frozen=True, slots=True)
class Partner:
    code: str
    name: str = ""


@compact_pickle
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

    @property
    def expected_net(self) -> Decimal | None:
        """Gross less charges where gross is given (what net must equal), else None."""
        return None if self.gross is None else derived_net(self.gross, self.charges)


@compact_pickle
@dataclass(frozen=True, slots=True)
class ControlTotal:
    """A partner's own stated totals, to be compared with the sum of its rows."""

    partner: str
    net: Decimal | None
    fte: Decimal | None
    where_net: Location = NOWHERE
    where_fte: Location = NOWHERE


@compact_pickle
@dataclass(frozen=True, slots=True)
class SavingLine:
    """A recurring full-year cost or saving estimate for a service area."""

    service: str
    description: str
    category: Category
    estimate: Range
    sole_bearer: str | None = None
    condition: Condition | None = None  # when the line applies (jwmodel.conditions); None: always
    note: str = ""
    where: Location = NOWHERE
    profile: Profile | None = None  # when it starts and how it builds up; None: full effect from the plan's first year
    line_id: str = ""  # the line's stable ID (jwmodel.identity): typed in the ID column, or given from its place
    plan_partner: str | None = None  # the partner whose financial plan already holds this saving (None: a new saving)
    plan_target: str = ""  # which of that partner's savings targets it delivers (jwmodel.targets)
    also_claimed_by: str = ""  # another programme (or a line ID of this one) that also counts this saving
    rule: ApportionmentRule | None = None  # the line's own rule, overriding its service's (None: the service's)

    @property
    def own_rule(self) -> ApportionmentRule | None:
        """The rule the line names itself: its own rule, or its sole bearer as one (None: the service's)."""
        return _own_rule(self.rule, self.sole_bearer)


@compact_pickle
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
    condition: Condition | None = None  # when the cost applies (jwmodel.conditions); None: always
    line_id: str = ""  # the cost's stable ID (jwmodel.identity): typed in the ID column, or given from its place
    rule: ApportionmentRule | None = None  # the cost's own rule, overriding its service's (None: the service's)

    @property
    def own_rule(self) -> ApportionmentRule | None:
        """The rule the cost names itself: its own rule, or its sole bearer as one (None: the service's)."""
        return _own_rule(self.rule, self.sole_bearer)


@compact_pickle
@dataclass(frozen=True, slots=True)
class ApportionmentRule:
    """How amounts are split: fixed percentages, baseline, a driver, one sole bearer, or none.

    ``percentages`` is used with FIXED; ``driver`` names the driver with DRIVER; ``sole_bearer``
    is the partner with SOLE_BEARER; ``minimum_percent`` is each participant's floor when
    percentages are computed (BASELINE on net cost, BASELINE_FTE on FTE, DRIVER). A service's option
    holds one; a saving line or one-off cost may hold its own (``SavingLine.rule``), applied among the
    participants of the option in use.
    """

    method: Method
    percentages: Mapping[str, Decimal] = field(default_factory=FrozenMap)
    driver: str = ""
    sole_bearer: str = ""
    minimum_percent: int = 1
    where: Location = NOWHERE

    def __post_init__(self) -> None:
        object.__setattr__(self, "percentages", frozen_map(self.percentages))


def _own_rule(rule: ApportionmentRule | None, sole_bearer: str | None) -> ApportionmentRule | None:
    """A line's own rule: the one typed in its Split column, else its Sole bearer column as a rule."""
    if rule is not None:
        return rule
    return ApportionmentRule(Method.SOLE_BEARER, sole_bearer=sole_bearer) if sole_bearer else None


@compact_pickle
@dataclass(frozen=True, slots=True)
class ParticipationOption:
    """Which partners join a service area under an option, and how its amounts are split.

    ``from_year`` (a financial year such as "2012/13") makes the option start in that year of the plan:
    before then the option named ``before`` is in force (blank: the service area's default), which may
    itself start in a year; ``jwmodel.participation`` follows the chain. None: in force in every year.
    """

    name: str
    partners: tuple[str, ...]
    rule: ApportionmentRule
    default: bool = False
    where: Location = NOWHERE
    from_year: str | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "partners", tuple(self.partners))


@compact_pickle
@dataclass(frozen=True, slots=True)
class ServiceArea:
    name: str
    options: tuple[ParticipationOption, ...] = ()
    where: Location = NOWHERE

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))

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


@compact_pickle
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
class SavingsTarget:
    """A partner's financial-plan savings target for one year, named as in its plan: an amount of saving to find.

    ``amount`` is £000s of saving as a positive figure (a target is what is to be found, and the
    tracker compares positive savings delivered with it); see ``jwmodel.targets``.
    """

    partner: str
    name: str
    year: str
    amount: Decimal
    note: str = ""
    where: Location = NOWHERE


class RechargeDirection(StrEnum):
    """Which side of a charge between partners a return states (``jwmodel.recharges``)."""

    PAYS = "pays"
    RECEIVES = "receives"


@compact_pickle
@dataclass(frozen=True, slots=True)
class Recharge:
    """A charge a partner's return states it pays to, or receives from, another partner for a service.

    ``amount`` is £000s a year (0 or more) in every financial year from ``from_year`` to ``to_year``;
    a blank ``from_year`` means from the baseline year, a blank ``to_year`` to the plan's last year.
    ``jwmodel.recharges`` matches the payer's statement with the receiver's and eliminates the charge.
    """

    partner: str  # the partner whose return states the charge
    counterparty: str
    direction: RechargeDirection
    service: str
    amount: Decimal
    from_year: str = ""
    to_year: str = ""
    note: str = ""
    where: Location = NOWHERE

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", RechargeDirection(self.direction))

    @property
    def payer(self) -> str:
        return self.partner if self.direction is RechargeDirection.PAYS else self.counterparty

    @property
    def receiver(self) -> str:
        return self.counterparty if self.direction is RechargeDirection.PAYS else self.partner


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
    targets: tuple[SavingsTarget, ...] = ()  # the partners' financial-plan savings targets (jwmodel.targets)
    recharges: tuple[Recharge, ...] = ()  # charges between partners, as each return states them (jwmodel.recharges)

    def __post_init__(self) -> None:
        for f in fields(self):  # every field is a tuple: a list given is copied into one
            object.__setattr__(self, f.name, tuple(getattr(self, f.name)))

    @property
    def partner_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.partners)

    def service(self, name: str) -> ServiceArea | None:
        return next((s for s in self.services if s.name == name), None)
