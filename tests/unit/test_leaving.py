"""The leaver statement (issue 12, part 3): worked out by hand from the rule and matched to £1.

The rule (docs/apportionment.md, "Leaving the partnership"): the leaver owes its share of the shared
one-off costs incurred to the end of its last year plus its share of the net recurring cost/(saving)
to then, where that is positive; its shares are the appraisal's, each year split by the option then
in force. The remaining partners' shares are the rule re-applied without it.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jwmodel.cases import Case
from jwmodel.codes import Code
from jwmodel.consolidation import consolidate
from jwmodel.leaving import LeavingError, leaver_statement
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Programme,
    Range,
)
from jwmodel.phasing import Profile
from tests.joining import JOINS, PLAN, TWO, joining_programme
from tests.joining import fixed as _fixed


def _programme(*, with_b_and_c: bool = True, method: Method = Method.FIXED) -> Programme:
    rule = ApportionmentRule(method) if method is not Method.FIXED else _fixed(A=50, B=30, C=20)
    options = [
        ParticipationOption(TWO, ("A", "B"), _fixed(A=60, B=40), default=True),
        ParticipationOption(JOINS, ("A", "B", "C"), rule, from_year="2013/14", before=TWO),
    ]
    if with_b_and_c:
        options.append(ParticipationOption("B and C", ("B", "C"), _fixed(B=70, C=30)))
    baseline = (
        BaselineEntry("A", "S", D(500), D(10)),
        BaselineEntry("B", "S", D(300), D(6)),
        BaselineEntry("C", "S", D(200), D(4)),
    )
    return joining_programme(options, baseline)


def _statement(programme: Programme, partner: str = "A", after: str = "2013/14"):
    result = consolidate(programme, options={"S": JOINS})
    return leaver_statement(programme, result, PLAN, partner, after)


def test_a_leaver_owes_its_share_of_shared_one_off_costs_less_its_net_savings_to_date_in_every_case():
    statement = _statement(_programme())
    # A leaves at the end of 2013/14 (years 2012/13 and 2013/14 counted).
    # Shared one-off cost "Set-up" in 2012/13 under "A and B" (60/40); A's own study is its own (not shared):
    #   prudent (high cost) 0.607: 364.2 / 242.8 -> 364 + 242, the pound to B (.8): A 0.364
    #   central 0.557: 334.2 / 222.8 -> A 0.334; optimistic (low cost) 0.507: 304.2 / 202.8 -> A 0.304
    # Net recurring (same in every case, low = high):
    #   2012/13 "A and B": shared saving 101 -> 60.6 / 40.4 -> A 61 (the pound to A): -0.061
    #   2013/14 "C joins" 50/30/20: shared 101 -> A 51 (50.5, the pound to A): -0.051; with C 10 -> A -0.005
    #   to date: -0.061 - 0.051 - 0.005 = -0.117
    # Owed: one-off + net recurring, where positive: 0.364 - 0.117 = 0.247; 0.334 - 0.117 = 0.217; 0.187
    assert statement.years == ("2012/13", "2013/14")
    got = {c.case: (c.one_off_costs, c.net_recurring, c.owed) for c in statement.cases}
    assert got == {
        Case.PRUDENT: (D("0.364"), D("-0.117"), D("0.247")),
        Case.CENTRAL: (D("0.334"), D("-0.117"), D("0.217")),
        Case.OPTIMISTIC: (D("0.304"), D("-0.117"), D("0.187")),
    }
    assert statement.owed == D("0.217")


def test_a_leaver_whose_savings_to_date_exceed_its_costs_owes_nothing():
    programme = _programme()
    small = Programme(
        programme.partners,
        programme.services,
        programme.baseline,
        saving_lines=programme.saving_lines,
        one_off_costs=(
            OneOffCost("S", "Set-up", OneOffType.OTHER, Range(D("0.100"), D("0.100")), profile=Profile("2012/13")),
        ),
    )
    statement = _statement(small)
    # one-off 0.100 x 60% = 0.060 for A; net recurring -0.117 (as above): 0.060 - 0.117 < 0, so nothing is owed
    assert statement.case(Case.CENTRAL).owed == D("0.000")
    assert statement.case(Case.CENTRAL).one_off_costs == D("0.060")


def test_with_fixed_percentages_the_remaining_shares_come_from_the_option_that_names_the_partners_who_remain():
    statement = _statement(_programme())
    shares = {(s.partner, s.before, s.after) for s in statement.shares}
    # the option in force after 2013/14 is "C joins" (50/30/20); "B and C" (70/30) names B and C
    assert shares == {("A", D(50), D(0)), ("B", D(30), D(70)), ("C", D(20), D(30))}
    assert statement.findings == ()


def test_with_fixed_percentages_and_no_option_naming_those_who_remain_the_shares_are_undecided():
    statement = _statement(_programme(with_b_and_c=False))
    assert [f.code for f in statement.findings] == [Code.LEAVER_SHARES_UNDECIDED]
    assert {s.partner: s.after for s in statement.shares} == {"A": D(0), "B": None, "C": None}


def test_a_share_of_baseline_split_is_recomputed_without_the_leaver():
    statement = _statement(_programme(method=Method.BASELINE))
    # with A: 500 / 300 / 200 of 1,000 -> 50 / 30 / 20; without A: 300 / 200 of 500 -> 60 / 40
    assert {s.partner: (s.before, s.after) for s in statement.shares} == {
        "A": (D(50), D(0)),
        "B": (D(30), D(60)),
        "C": (D(20), D(40)),
    }


def test_a_partner_that_is_not_one_or_a_year_outside_the_plan_is_refused():
    programme = _programme()
    result = consolidate(programme, options={"S": JOINS})
    with pytest.raises(LeavingError, match="'Z' is not a partner"):
        leaver_statement(programme, result, PLAN, "Z", "2013/14")
    with pytest.raises(LeavingError, match="not a year of the plan"):
        leaver_statement(programme, result, PLAN, "A", "2020/21")
