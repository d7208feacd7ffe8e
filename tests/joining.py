"""A small programme in which partner C joins in the plan's second year: the lines and plan the unit tests of
participation over time and of the leaver statement both work their figures out from by hand."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D

from jwmodel.business_case import AppraisalSettings
from jwmodel.conditions import parse_condition
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    SavingLine,
    ServiceArea,
)
from jwmodel.phasing import Profile

PLAN = AppraisalSettings(first_year="2012/13", years=3)  # 2012/13, 2013/14, 2014/15
TWO, JOINS = "A and B", "C joins in 2013/14"


def fixed(**percent: int) -> ApportionmentRule:
    return ApportionmentRule(Method.FIXED, {p: D(v) for p, v in percent.items()})


def joining_programme(options: Sequence[ParticipationOption], baseline: Sequence[BaselineEntry] = ()) -> Programme:
    """One service S with ``options``: a shared saving of 101 pounds, a further saving of 10 pounds that applies
    when C joins, a shared set-up cost of 507/607 pounds and A's own study of 50 pounds, all from 2012/13."""
    first = Profile("2012/13")
    return Programme(
        partners=(Partner("A"), Partner("B"), Partner("C")),
        services=(ServiceArea("S", tuple(options)),),
        baseline=tuple(baseline),
        saving_lines=(
            SavingLine(
                "S", "Shared saving", Category.CASHABLE_STAFFING, Range(D("-0.101"), D("-0.101")), profile=first
            ),
            SavingLine(
                "S",
                "Further saving with C",
                Category.CASHABLE_STAFFING,
                Range(D("-0.010"), D("-0.010")),
                condition=parse_condition("C joins"),
                profile=first,
            ),
        ),
        one_off_costs=(
            OneOffCost("S", "Set-up", OneOffType.OTHER, Range(D("0.507"), D("0.607")), profile=first),
            OneOffCost(
                "S", "A's own study", OneOffType.OTHER, Range(D("0.050"), D("0.050")), profile=first, sole_bearer="A"
            ),
        ),
    )
