"""The edge cases docs/apportionment.md documents, each example's figures checked against the code.

Every expected figure is worked out by hand in the comment beside it, from the rule as documented.
"""

from __future__ import annotations

from decimal import Decimal as D

from jwmodel.apportionment import option_shares
from jwmodel.consolidation import consolidate
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    Method,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    SavingLine,
    ServiceArea,
)
from jwmodel.money import allocate, whole_percent_shares


def test_the_minimum_is_reapplied_until_no_partner_is_below_it():
    # 2/5/93 at a minimum of 5: A (2) is held at 5; B and C share 95 as 5:93, B gets 95*5/98 = 4.85 < 5,
    # so B is held too; C takes 100 - 5 - 5 = 90.
    assert whole_percent_shares({"A": 2, "B": 5, "C": 93}, minimum=5) == {"A": 5, "B": 5, "C": 90}


def _legal(minimum: int | None) -> dict[str, D]:
    rule = (
        ApportionmentRule(Method.BASELINE)
        if minimum is None
        else ApportionmentRule(Method.BASELINE, minimum_percent=minimum)
    )
    option = ParticipationOption("HC, HFRS and HCC", ("HC", "HFRS", "HCC"), rule, default=True)
    baseline = [
        BaselineEntry("HC", "Legal Services", D(430), D(0)),
        BaselineEntry("HFRS", "Legal Services", D(21), D(0)),
        BaselineEntry("HCC", "Legal Services", D(4091), D(0)),
    ]
    shares = option_shares("Legal Services", option, baseline=baseline, drivers=())
    assert shares.findings == ()
    return dict(shares.percentages)


def test_a_blank_minimum_means_one_percent():
    # HFRS: 21/4542 = 0.46% < 1, held at 1; HC and HCC share 99 as 430:4091 = 9.416 and 89.584:
    # floors 9 + 89 = 98, the 1 left goes to the larger remainder (HCC): 9/1/90.
    assert ApportionmentRule(Method.BASELINE).minimum_percent == 1  # what a blank Minimum % cell is read as
    assert _legal(None) == {"HC": 9, "HFRS": 1, "HCC": 90}


def test_a_minimum_of_zero_holds_no_one():
    # 430, 21, 4091 of 4542: 9.467, 0.462, 90.070; floors 9 + 0 + 90 = 99, the 1 left to HC (.467 largest).
    assert _legal(0) == {"HC": 10, "HFRS": 0, "HCC": 90}


def test_a_tie_in_remainders_goes_to_the_larger_weight():
    # 2 units at 25/75: 0.5 and 1.5, equal remainders; the unit left goes to the 75% partner.
    assert allocate(D("0.002"), {"A": 25, "B": 75}) == {"A": D("0.000"), "B": D("0.002")}


def test_a_tie_in_remainders_and_weights_goes_to_the_code_that_sorts_first_in_any_order():
    # 1 unit at 50/50: 0.5 each; equal weights too, so HC (sorts before HCC) gets it.
    assert allocate(D("0.001"), {"HCC": 50, "HC": 50}) == {"HCC": D("0.000"), "HC": D("0.001")}
    assert allocate(D("0.001"), {"HC": 50, "HCC": 50}) == {"HC": D("0.001"), "HCC": D("0.000")}


def test_a_negative_amount_is_split_on_its_size():
    # 5 units at 50/50: 2.5 each, the unit left to A (tie: sorts first); a saving takes the same split, negated.
    assert allocate(D("-0.005"), {"A": 50, "B": 50}) == {"A": D("-0.003"), "B": D("-0.002")}
    assert allocate(D("0.005"), {"A": 50, "B": 50}) == {"A": D("0.003"), "B": D("0.002")}


def _transport(sole_bearer: str | None, rule: ApportionmentRule | None = None) -> Programme:
    option = ParticipationOption("HC, HFRS and HCC", ("HC", "HFRS", "HCC"), ApportionmentRule(Method.NONE), True)
    line = SavingLine(
        "Transport & Fleet Management",
        "Fleet maintenance",
        Category.CASHABLE_NON_STAFF,
        Range(D(-50), D(-80)),
        sole_bearer=sole_bearer,
        rule=rule,
    )
    return Programme(
        partners=(Partner("HC"), Partner("HFRS"), Partner("HCC")),
        services=(ServiceArea("Transport & Fleet Management", (option,)),),
        saving_lines=(line,),
    )


def test_under_method_none_a_line_with_no_sole_bearer_is_not_apportioned():
    result = consolidate(_transport(None))
    assert [f.code for f in result.findings] == ["NOT_APPORTIONED"]
    assert result.total.recurring == Range(D(-50), D(-80))  # in the service totals
    assert all(p.recurring == Range() for p in result.by_partner)  # in no partner's share


def test_under_method_none_a_lines_own_sole_bearer_bears_it_all():
    result = consolidate(_transport("HCC"))
    assert [f.code for f in result.findings if f.severity.name == "ERROR"] == []
    assert "NOT_APPORTIONED" not in [f.code for f in result.findings]
    by_partner = {p.partner: p.recurring for p in result.by_partner}
    assert by_partner == {"HC": Range(), "HFRS": Range(), "HCC": Range(D(-50), D(-80))}


def test_under_method_none_a_lines_own_split_still_applies_among_the_options_partners():
    # fixed 50/10/40: -50 gives -25/-5/-20, -80 gives -40/-8/-32
    rule = ApportionmentRule(Method.FIXED, {"HC": D(50), "HFRS": D(10), "HCC": D(40)})
    result = consolidate(_transport(None, rule))
    assert "NOT_APPORTIONED" not in [f.code for f in result.findings]
    assert {p.partner: p.recurring for p in result.by_partner} == {
        "HC": Range(D(-25), D(-40)),
        "HFRS": Range(D(-5), D(-8)),
        "HCC": Range(D(-20), D(-32)),
    }
