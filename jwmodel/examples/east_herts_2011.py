"""East Herts and Stevenage sharing support services (February 2011), North Herts possibly joining.

The SHAPE is from the East Herts executive report of 8 February 2011: two councils sharing four
support services (facilities management, human resources, ICT, strategic financial advice), a
phased approach, savings aligned with each council's medium-term financial plan, North Herts
District Council interested in joining, and the cost of building the business case (project
management and back-fill) of up to £25,000 for each authority.

HOW YEARS ARE COUNTED. The plan starts in 2011/12, the year the business case is built (its only costs
are the councils' own £25k each); the shared services start in 2012/13. "Year 1" always means the shared
services' first year, 2012/13, here, in the docs and in ``make demo``: North Herts joins in year 2
(2013/14, the option "North Herts joins in 2013/14"), the true-up is after year 1 (2012/13's actuals,
``east_herts_2011_actuals``) and the leaver statement is for East Herts leaving after year 3 (its last
year 2014/15). ``YEAR_1`` and ``LEAVER_LAST_YEAR`` hold these years.

EVERY FIGURE IS ILLUSTRATIVE: the report gives no baselines or savings. They are invented to be
plausible for district councils and labelled so in the returns and in every output. The example
exists to show how each council's share, payback and NPV change when a third partner joins.

The report says "savings targets have already been set within the MTFP and some of the work will be
to enable the delivery of already identified savings": each council's return gives its MTFP savings
targets (``TARGETS``, ILLUSTRATIVE too) and the lines that deliver them are tagged to them
(``TAGS``; ``jwmodel.targets`` works out how much of each target the programme covers).

ICT is hosted by Stevenage and recharged (``RECHARGES``, ILLUSTRATIVE, issue 12): SBC's data centre
already hosts East Herts' servers (120 a year in the baseline year 2011/12, so East Herts' ICT baseline
is gross 1,570 less 120 of charges from SBC = net 1,450, as before); from 2013/14 the shared
infrastructure is SBC's and East Herts pays 300 a year, and North Herts 200 a year if it joins. Each
side states each charge on its return; they match, so the example is clean (mismatches are shown in
tests/unit/test_recharges.py).
"""

from __future__ import annotations

from decimal import Decimal as D

from jwmodel.conditions import parse_condition
from jwmodel.identity import with_given_ids
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    ControlTotal,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    Recharge,
    RechargeDirection,
    SavingLine,
    SavingsTarget,
    ServiceArea,
)
from jwmodel.phasing import Profile

FINANCIAL_YEAR = "2011/12"
ILLUSTRATIVE = "ILLUSTRATIVE: invented for the example; the report gives no figures"
TWO = "EHC and SBC"
THREE = "EHC, SBC and NHDC"
YEAR_1 = "2012/13"  # the shared services' first year (the plan's second: 2011/12 builds the business case)
JOINS = "North Herts joins in 2013/14"  # participation over time: two councils to 2012/13, three from 2013/14
JOIN_YEAR = "2013/14"  # year 2 of the shared services
LEAVER_LAST_YEAR = "2014/15"  # the leaver statement's example: East Herts leaves after year 3

PARTNERS = (
    Partner("EHC", "East Herts Council"),
    Partner("SBC", "Stevenage Borough Council"),
    Partner("NHDC", "North Hertfordshire District Council"),
)
SERVICES_IN_ORDER = (
    "Facilities Management",
    "Human Resources",
    "ICT",
    "Strategic Financial Advice",
    "Business case and programme",
)

# Net baseline (£000s) and FTE, by partner, in service order (the programme line has none).
BASELINE = {
    "EHC": ((620, "14.0"), (510, "11.5"), (1450, "24.0"), (380, "6.0")),
    "SBC": ((880, "21.0"), (690, "16.0"), (1820, "31.0"), (450, "7.5")),
    "NHDC": ((540, "12.0"), (470, "10.5"), (1260, "20.0"), (340, "5.0")),
}

# Gross direct cost and charges from the other partners where a council pays another (ICT hosted by SBC):
# the net above is gross less charges. ILLUSTRATIVE.
GROSS_AND_CHARGES = {("EHC", "ICT"): (1570, 120)}

# Charges between the councils, as each return states them: (partner, other, pays/receives, amount a year,
# from year, to year, basis). ILLUSTRATIVE: SBC hosts ICT; the two sides of each charge agree.
PAYS, RECEIVES = RechargeDirection.PAYS, RechargeDirection.RECEIVES
HOSTING = "ILLUSTRATIVE: EHC's servers in SBC's data centre"
SHARED_ICT = "ILLUSTRATIVE: the shared ICT infrastructure, hosted by SBC"
RECHARGES = tuple(
    Recharge(partner, other, direction, "ICT", D(amount), start, end, basis)
    for partner, other, direction, amount, start, end, basis in (
        ("EHC", "SBC", PAYS, 120, "", "2012/13", HOSTING),
        ("EHC", "SBC", PAYS, 300, "2013/14", "", SHARED_ICT),
        ("SBC", "EHC", RECEIVES, 120, "", "2012/13", HOSTING),
        ("SBC", "EHC", RECEIVES, 300, "2013/14", "", SHARED_ICT),
        ("SBC", "NHDC", RECEIVES, 200, "2013/14", "", f"{SHARED_ICT}, if North Herts joins"),
        ("NHDC", "SBC", PAYS, 200, "2013/14", "", f"{SHARED_ICT}, if North Herts joins"),
    )
)


def _options() -> tuple[ParticipationOption, ...]:
    return (
        ParticipationOption(TWO, ("EHC", "SBC"), ApportionmentRule(Method.BASELINE), default=True),
        ParticipationOption(THREE, ("EHC", "SBC", "NHDC"), ApportionmentRule(Method.BASELINE)),
        ParticipationOption(
            JOINS, ("EHC", "SBC", "NHDC"), ApportionmentRule(Method.BASELINE), from_year=JOIN_YEAR, before=TWO
        ),
    )


def _programme_options() -> tuple[ParticipationOption, ...]:
    return (
        ParticipationOption(TWO, ("EHC", "SBC"), ApportionmentRule(Method.NONE), default=True),
        ParticipationOption(THREE, ("EHC", "SBC", "NHDC"), ApportionmentRule(Method.NONE)),
    )


SERVICES = (
    *(ServiceArea(name, _options()) for name in SERVICES_IN_ORDER[:4]),
    ServiceArea("Business case and programme", _programme_options()),
)


def _p(start: str, *ramp: int) -> Profile:
    return Profile(start, ramp=tuple(D(r) for r in ramp))


# Each council's MTFP savings targets by year (a saving to find, positive £000s): ILLUSTRATIVE.
EHC_TARGET = "Shared services savings in the MTFP"
SBC_TARGET = "Support services efficiencies (MTFP)"
TARGETS = (
    SavingsTarget("EHC", EHC_TARGET, "2012/13", D(40), ILLUSTRATIVE),
    SavingsTarget("EHC", EHC_TARGET, "2013/14", D(60), ILLUSTRATIVE),
    SavingsTarget("SBC", SBC_TARGET, "2012/13", D(30), ILLUSTRATIVE),
    SavingsTarget("SBC", SBC_TARGET, "2013/14", D(100), ILLUSTRATIVE),
)
# The lines whose saving a council's MTFP already counts on (its share of each), by description.
TAGS = {
    "Joint FM management and contracts": ("EHC", EHC_TARGET),
    "Shared strategic financial advice team": ("EHC", EHC_TARGET),
    "Shared ICT infrastructure and licences": ("SBC", SBC_TARGET),
    "Joint ICT procurement": ("SBC", SBC_TARGET),
}

C = Category
SAVING_LINES = tuple(
    SavingLine(
        service,
        description,
        category,
        Range(D(low), D(high)),
        condition=parse_condition(applies_if) if applies_if else None,
        note=ILLUSTRATIVE,
        profile=profile,
        plan_partner=TAGS.get(description, (None, ""))[0],
        plan_target=TAGS.get(description, (None, ""))[1],
    )
    for service, description, category, low, high, applies_if, profile in (
        (
            "Facilities Management",
            "Joint FM management and contracts",
            C.CASHABLE_STAFFING,
            -45,
            -70,
            None,
            _p("2012/13", 50, 100),
        ),
        (
            "Facilities Management",
            "Further FM savings with a third council",
            C.CASHABLE_STAFFING,
            -20,
            -35,
            "NHDC joins",
            _p("2013/14", 50, 100),
        ),
        (
            "Human Resources",
            "Single HR service: management and systems",
            C.CASHABLE_STAFFING,
            -60,
            -95,
            None,
            _p("2012/13", 50, 100),
        ),
        (
            "Human Resources",
            "HR system licences for the larger service",
            C.ADDITIONAL_COST,
            15,
            10,
            None,
            _p("2012/13", 100),
        ),
        (
            "Human Resources",
            "Further HR savings with a third council",
            C.CASHABLE_STAFFING,
            -30,
            -45,
            "NHDC joins",
            _p("2013/14", 50, 100),
        ),
        (
            "ICT",
            "Shared ICT infrastructure and licences",
            C.CASHABLE_NON_STAFF,
            -90,
            -150,
            None,
            _p("2013/14", 50, 100),
        ),
        ("ICT", "Joint ICT procurement", C.PROCUREMENT, -30, -50, None, _p("2012/13", 100)),
        (
            "ICT",
            "Further ICT savings with a third council",
            C.CASHABLE_NON_STAFF,
            -40,
            -70,
            "NHDC joins",
            _p("2014/15", 50, 100),
        ),
        (
            "ICT",
            "Two-council ICT support contract, only without a third council",
            C.CASHABLE_NON_STAFF,
            -25,
            -40,
            "NHDC does not join",
            _p("2012/13", 100),
        ),
        (
            "Strategic Financial Advice",
            "Shared strategic financial advice team",
            C.CASHABLE_STAFFING,
            -35,
            -55,
            None,
            _p("2012/13", 100),
        ),
        (
            "Strategic Financial Advice",
            "Further savings with a third council",
            C.CASHABLE_STAFFING,
            -15,
            -25,
            "NHDC joins",
            _p("2013/14", 100),
        ),
    )
)

ONE_OFF_COSTS = (
    OneOffCost(
        "ICT",
        "Infrastructure convergence",
        OneOffType.IT,
        Range(D(120), D(180)),
        ILLUSTRATIVE,
        profile=Profile("2012/13", one_off_timing=(D(50), D(50))),
    ),
    OneOffCost(
        "ICT",
        "Bringing a third council onto the shared infrastructure",
        OneOffType.IT,
        Range(D(60), D(90)),
        ILLUSTRATIVE,
        profile=Profile("2013/14"),
        condition=parse_condition("NHDC joins"),
    ),
    OneOffCost(
        "Facilities Management",
        "Redundancy costs, split by each council's headcount",
        OneOffType.HR,
        Range(D("37.917"), D("56.433")),
        f"{ILLUSTRATIVE}; its own split: share of baseline (FTE), while the service's savings follow net cost",
        profile=Profile("2012/13"),
        rule=ApportionmentRule(Method.BASELINE_FTE),
    ),
    OneOffCost(
        "Human Resources",
        "Change management and consultation",
        OneOffType.HR,
        Range(D(30), D(45)),
        ILLUSTRATIVE,
        profile=Profile("2012/13"),
    ),
    *(
        OneOffCost(
            "Business case and programme",
            f"Building the business case: project manager and back-fill ({code})",
            OneOffType.OTHER,
            Range(D(25), D(25)),
            "Report: up to £25,000 for each authority",
            profile=Profile("2011/12"),
            sole_bearer=code,
            condition=parse_condition("NHDC joins") if code == "NHDC" else None,
        )
        for code in ("EHC", "SBC", "NHDC")
    ),
)


def baseline_entries() -> tuple[BaselineEntry, ...]:
    def gross_and_charges(partner: str, service: str) -> tuple[D | None, D | None]:
        given = GROSS_AND_CHARGES.get((partner, service))
        return (D(given[0]), D(given[1])) if given else (None, None)

    return tuple(
        BaselineEntry(partner, service, D(net), D(fte), *gross_and_charges(partner, service), note=ILLUSTRATIVE)
        for partner, rows in BASELINE.items()
        for service, (net, fte) in zip(SERVICES_IN_ORDER, rows, strict=False)
    )


def control_totals() -> tuple[ControlTotal, ...]:
    totals = []
    for partner, rows in BASELINE.items():
        totals.append(ControlTotal(partner, sum((D(n) for n, _ in rows), D(0)), sum((D(f) for _, f in rows), D(0))))
    return tuple(totals)


def programme() -> Programme:
    lines, costs = with_given_ids(SAVING_LINES), with_given_ids(ONE_OFF_COSTS)  # the IDs the templates carry
    return Programme(
        PARTNERS, SERVICES, baseline_entries(), control_totals(), lines, costs, targets=TARGETS, recharges=RECHARGES
    )
