"""Joint Working in Hampshire, Individual Blueprints (April 2012): the first worked example.

Figures are from Appendix B of the report (financial baseline, Appendix A, one-off IT costs and
the apportionment table), entered as published, including the HFRS and HCC stated totals that do
not equal the sum of their rows. Where the report gives a net figure and its parts in the text
(FM, Media, Legal, the HFRS-dependent part of L&D), the saving lines are those parts.

Driver values the report does not give are ILLUSTRATIVE ASSUMPTIONS, labelled so wherever they
appear: time spent for Estates staffing and for Media, and use of shared IT for Research & Analysis.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from jwmodel.conditions import Condition
from jwmodel.identity import with_given_ids
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    ControlTotal,
    DriverValue,
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

FINANCIAL_YEAR = "2012/13"
ILLUSTRATIVE = "ILLUSTRATIVE ASSUMPTION: not in the source report"

PARTNERS = (
    Partner("HC", "Hampshire Constabulary"),
    Partner("HFRS", "Hampshire Fire and Rescue Service"),
    Partner("HCC", "Hampshire County Council"),
)
ALL = ("HC", "HFRS", "HCC")
ALL_NAME = "HC, HFRS and HCC"

SERVICES_IN_ORDER = (
    "Learning & Development",
    "Transport & Fleet Management",
    "Research & Analysis",
    "Estates & Property Services",
    "Facilities Management",
    "Media & Communications",
    "Legal Services",
)

# Financial baseline (£000s, FTE) by partner, in service order: net of charges from the others.
BASELINE = {
    "HC": ((1452, "27.5"), (5967, "37.8"), (1791, "57.4"), (474, "11.5"), (1314, "45.6"), (1103, "28.0"), (430, "8.5")),
    "HFRS": ((299, "7.0"), (1864, "24.5"), (77, "3.0"), (156, "3.3"), (333, "5.3"), (466, "11.6"), (21, "0.0")),
    "HCC": (
        (1637, "28.3"),
        (6273, "56.5"),
        (848, "19.7"),
        (19053, "283.4"),
        (3253, "114.0"),
        (1502, "30.0"),
        (4091, "71.2"),
    ),
}
STATED_TOTALS = {"HC": (12531, "216.3"), "HFRS": (7514, "56.7"), "HCC": (53747, "603.1")}

BASELINE_NOTES = {
    ("HC", "Learning & Development"): "Generic L&D, excluding professionally specific L&D",
    ("HFRS", "Learning & Development"): "Generic L&D, excluding professionally specific L&D",
    ("HCC", "Learning & Development"): "Generic L&D, excluding professionally specific L&D",
    (
        "HCC",
        "Estates & Property Services",
    ): "Large internal property function whose income offsets the gross direct costs shown",
}


def _rule(method: Method, **kw: object) -> ApportionmentRule:
    return ApportionmentRule(method, **kw)  # type: ignore[arg-type]


def _all(rule: ApportionmentRule) -> tuple[ParticipationOption, ...]:
    return (ParticipationOption(ALL_NAME, ALL, rule, default=True),)


SERVICES = (
    ServiceArea(
        "Learning & Development",
        (
            ParticipationOption(
                ALL_NAME, ALL, _rule(Method.FIXED, percentages={"HC": D(40), "HFRS": D(15), "HCC": D(45)}), default=True
            ),
            ParticipationOption("HC and HCC", ("HC", "HCC"), _rule(Method.BASELINE)),
        ),
    ),
    ServiceArea("Transport & Fleet Management", _all(_rule(Method.NONE))),
    ServiceArea("Research & Analysis", _all(_rule(Method.DRIVER, driver="Users of shared IT systems"))),
    ServiceArea("Estates & Property Services", _all(_rule(Method.DRIVER, driver="Time spent"))),
    ServiceArea("Facilities Management", _all(_rule(Method.BASELINE))),
    ServiceArea("Media & Communications", _all(_rule(Method.DRIVER, driver="Time spent"))),
    ServiceArea("Legal Services", _all(_rule(Method.BASELINE))),
)

DRIVERS = (
    *(
        DriverValue("Research & Analysis", "Users of shared IT systems", p, D(v), ILLUSTRATIVE)
        for p, v in (("HC", 60), ("HFRS", 10), ("HCC", 30))
    ),
    *(
        DriverValue("Estates & Property Services", "Time spent", p, D(v), ILLUSTRATIVE)
        for p, v in (("HC", 30), ("HFRS", 5), ("HCC", 65))
    ),
    *(
        DriverValue("Media & Communications", "Time spent", p, D(v), ILLUSTRATIVE)
        for p, v in (("HC", 40), ("HFRS", 25), ("HCC", 35))
    ),
)

PLAN_FIRST_YEAR = "2012/13"
PLAN_YEARS = 5
PHASING_NOTE = "Phasing is an ILLUSTRATIVE ASSUMPTION: the report gives full-year figures only"


def _p(start: str, *ramp: int) -> Profile:
    return Profile(start, ramp=tuple(D(r) for r in ramp) or (D(100),))


# ILLUSTRATIVE phasing: savings build up over the first year; Estates procurement follows the
# alignment of contracts ("the timing of some of these savings will depend on when contracts can
# be aligned"); the additional FM and Media resource starts at once; one-off IT is spent 60/40.
PHASING = {
    "Shared IT systems and in-house leadership programmes": _p("2013/14", 50, 100),
    "Combined training resources: venues, bought-in services, IT systems, income": _p("2012/13", 50, 100),
    "Shared software licences including a joint GIS system": _p("2013/14", 100),
    "Reduced staffing in the joint Estates and Property team": _p("2012/13", 50, 100),
    "Brought-in services: procured Estates and Property Management": _p("2013/14", 25, 75, 100),
    "Combined delivery services: reduced staff numbers": _p("2012/13", 50, 100),
    "Additional management capacity to drive convergence": _p("2012/13", 100),
    "Reduced duplication of campaigns and external supplier costs": _p("2013/14", 50, 100),
    "Additional resource to manage the joint communications unit": _p("2012/13", 100),
    "In-house delivery of legal work HFRS now outsources": _p("2012/13", 50, 100),
    "IT system serving a larger team": _p("2012/13", 100),
}
ONE_OFF_PHASING = Profile("2012/13", one_off_timing=(D(60), D(40)))

C = Category
_SAVING_LINES = (
    SavingLine(
        "Learning & Development",
        "Shared IT systems and in-house leadership programmes",
        C.CASHABLE_NON_STAFF,
        Range(D(-16), D(-39)),
        condition=Condition.joins("HFRS"),
        note="Dependent on HFRS being included (report: £16,000 to £39,000)",
    ),
    SavingLine(
        "Learning & Development",
        "Combined training resources: venues, bought-in services, IT systems, income",
        C.CASHABLE_NON_STAFF,
        Range(D(8), D(-15)),
        note="Appendix A total (8)/(54) less the HFRS-dependent (16)/(39)",
    ),
    SavingLine(
        "Research & Analysis",
        "Shared software licences including a joint GIS system",
        C.CASHABLE_NON_STAFF,
        Range(D(14), D(-9)),
        note="Appendix A: 14 / (9)",
    ),
    SavingLine(
        "Estates & Property Services",
        "Reduced staffing in the joint Estates and Property team",
        C.CASHABLE_STAFFING,
        Range(D(-56), D(-75)),
        note="Report: £56,000-£75,000, shared between the partners",
    ),
    SavingLine(
        "Estates & Property Services",
        "Brought-in services: procured Estates and Property Management",
        C.PROCUREMENT,
        Range(D(-113), D(-150)),
        sole_bearer="HC",
        note="Report: £113,000-£150,000, attributable to HC",
    ),
    SavingLine(
        "Facilities Management",
        "Combined delivery services: reduced staff numbers",
        C.CASHABLE_STAFFING,
        Range(D(-30), D(-40)),
        note="Report: approximately £30,000-£40,000",
    ),
    SavingLine(
        "Facilities Management",
        "Additional management capacity to drive convergence",
        C.ADDITIONAL_COST,
        Range(D(20), D(16)),
        note="Report: net saving £10,000-£24,000 after this cost",
    ),
    SavingLine(
        "Media & Communications",
        "Reduced duplication of campaigns and external supplier costs",
        C.CASHABLE_NON_STAFF,
        Range(D(-35), D(-45)),
        note="Report: £35,000-£45,000",
    ),
    SavingLine(
        "Media & Communications",
        "Additional resource to manage the joint communications unit",
        C.ADDITIONAL_COST,
        Range(D(32), D(29)),
        note="Report: net saving £3,000-£16,000 after this cost",
    ),
    SavingLine(
        "Legal Services",
        "In-house delivery of legal work HFRS now outsources",
        C.CASHABLE_NON_STAFF,
        Range(D(-8), D(-11)),
        note="Report: £8,000 to £11,000 a year",
    ),
    SavingLine(
        "Legal Services",
        "IT system serving a larger team",
        C.ADDITIONAL_COST,
        Range(D(2), D(2)),
        note="Report: net saving £6,000 to £9,000 after this cost",
    ),
)

SAVING_LINES = tuple(replace(line, profile=PHASING[line.description]) for line in _SAVING_LINES)

ONE_OFF_COSTS = tuple(
    OneOffCost(
        service,
        "IT resource to implement joint IT systems",
        OneOffType.IT,
        Range(D(low), D(high)),
        note="Appendix A: one-off IT cost",
        profile=ONE_OFF_PHASING,
    )
    for service, low, high in (
        ("Learning & Development", 25, 32),
        ("Research & Analysis", 11, 14),
        ("Estates & Property Services", 18, 24),
        ("Facilities Management", 16, 20),
        ("Media & Communications", 18, 24),
        ("Legal Services", 8, 10),
    )
)


def baseline_entries() -> tuple[BaselineEntry, ...]:
    return tuple(
        BaselineEntry(partner, service, D(net), D(fte), note=BASELINE_NOTES.get((partner, service), ""))
        for partner, rows in BASELINE.items()
        for service, (net, fte) in zip(SERVICES_IN_ORDER, rows, strict=True)
    )


def control_totals() -> tuple[ControlTotal, ...]:
    return tuple(ControlTotal(p, D(net), D(fte)) for p, (net, fte) in STATED_TOTALS.items())


def programme() -> Programme:
    """The Hampshire example as engine data, with no file locations."""
    return Programme(
        partners=PARTNERS,
        services=SERVICES,
        baseline=baseline_entries(),
        control_totals=control_totals(),
        saving_lines=with_given_ids(SAVING_LINES),  # the IDs the templates carry (jwmodel.identity)
        one_off_costs=with_given_ids(ONE_OFF_COSTS),
        drivers=DRIVERS,
    )
