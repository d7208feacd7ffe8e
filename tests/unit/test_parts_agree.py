"""Issue 12's parts joined: the true-up, recharges, targets, the tracker and the leaver statement follow participation
over time (the option in force in each year) and a line's own split, each rule once.

Every expected figure is worked out by hand in the comment beside it, from the rules in docs/apportionment.md.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel.business_case import AppraisalSettings, options_by_year
from jwmodel.conditions import parse_condition
from jwmodel.consolidation import consolidate
from jwmodel.leaving import leaver_statement
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    DriverValue,
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
from jwmodel.monitoring import DriverActual, MonitoringPlan, MonitoringReturn, resolve_returns
from jwmodel.phasing import Profile, financial_years
from jwmodel.recharges import reconcile
from jwmodel.submissions import Cover
from jwmodel.targets import coverage
from jwmodel.tracking import PlannedLine, track
from jwmodel.trueup import Decision, TrueUpSettings, true_up

YEARS = financial_years("2012/13", 3)  # 2012/13, 2013/14, 2014/15
LEGAL = "Legal"
TWO, JOINS = "A and B", "C joins in 2013/14"


def _programme(*lines, rule: ApportionmentRule | None = None) -> Programme:
    """Legal split by the driver 'Cases' (A 60, B 20, C 20): under 'A and B' 60/20 = 75/25, under 'C joins in
    2013/14' (from 2013/14, 'A and B' before then) 60/20/20. FTE: A 10, B 10, C 5."""
    driver = rule or ApportionmentRule(Method.DRIVER, driver="Cases")
    options = (
        ParticipationOption(TWO, ("A", "B"), driver, default=True),
        ParticipationOption(JOINS, ("A", "B", "C"), driver, from_year="2013/14", before=TWO),
    )
    return Programme(
        partners=tuple(Partner(p) for p in "ABC"),
        services=(ServiceArea(LEGAL, options),),
        baseline=tuple(BaselineEntry(p, LEGAL, D(100), D(fte)) for p, fte in (("A", 10), ("B", 10), ("C", 5))),
        saving_lines=(
            SavingLine(LEGAL, "Shared team", Category.CASHABLE_STAFFING, Range(D(-100), D(-100)), line_id="L-S1"),
            *(x for x in lines if isinstance(x, SavingLine)),
        ),
        one_off_costs=tuple(x for x in lines if isinstance(x, OneOffCost)),
        drivers=tuple(DriverValue(LEGAL, "Cases", p, D(v)) for p, v in (("A", 60), ("B", 20), ("C", 20))),
    )


def _return(partner: str, year: str, *actuals: tuple[str, int]) -> MonitoringReturn:
    cover = Cover("jwmodel monitoring return", "1.0", year[:7], "", "", "2014-04-30", "1")
    stated = tuple(DriverActual(LEGAL, driver, year, D(value)) for driver, value in actuals)
    return MonitoringReturn(cover, partner, f"{year} Q4", actuals=stated, file=f"monitoring-{partner}.xlsx")


def _true_up(programme: Programme, year: str, returns, option: str = JOINS):
    result = consolidate(programme, options={LEGAL: option})
    return true_up(programme, result, returns, YEARS, TrueUpSettings(year))


def _row(t, line: str = ""):
    return next(s for s in t.services if s.line == line)


# --- 1. the true-up follows participation over time ----------------------------------------------------------


def test_the_first_year_is_trued_up_under_the_option_then_in_force_between_a_and_b_only():
    returns = [_return("A", "2012/13", ("Cases", 50)), _return("B", "2012/13", ("Cases", 50))]
    returns.append(_return("C", "2012/13", ("Cases", 30)))  # C does not take part before 2013/14
    t = _true_up(_programme(), "2012/13", returns)
    legal = _row(t)
    # In force in 2012/13: 'A and B', estimated 60/20 = 75/25; actual 50/50 = 50/50, a move of 25 points: trued up.
    assert legal.option == TWO and dict(legal.estimated) == {"A": 75, "B": 25}
    assert legal.decision is Decision.TRUED_UP and dict(legal.trued_up) == {"A": 50, "B": 50}
    # L-S1 -100 (full effect from the first year): paid -75 / -25, due -50 / -50; A pays 25, B receives 25.
    assert legal.payments == {"A": D("25.000"), "B": D("-25.000")}
    assert t.balances == {"A": D("25.000"), "B": D("-25.000"), "C": D("0.000")}
    # C's actual is for a split it has no part in that year: reported, not used.
    assert [f.code for f in t.findings] == ["ACTUALS_NOT_USED"] and "C does not take part" in t.findings[0].message


def test_the_second_year_is_trued_up_under_the_option_c_joins_with():
    returns = [_return(p, "2013/14", ("Cases", v)) for p, v in (("A", 40), ("B", 40), ("C", 20))]
    legal = _row(_true_up(_programme(), "2013/14", returns))
    # In force in 2013/14: 'C joins', estimated 60/20/20; actual 40/40/20: A -20, B +20 points: trued up.
    assert legal.option == JOINS and dict(legal.estimated) == {"A": 60, "B": 20, "C": 20}
    # L-S1 -100: paid -60 / -20 / -20, due -40 / -40 / -20: A pays 20, B receives 20, C nothing.
    assert legal.payments == {"A": D("20.000"), "B": D("-20.000"), "C": D("0.000")}


def test_a_line_that_applies_only_before_c_joins_is_shared_in_the_first_year_and_not_the_second():
    before = SavingLine(
        LEGAL,
        "Two-council contract",
        Category.PROCUREMENT,
        Range(D(-40), D(-40)),
        condition=parse_condition("C does not join"),
        line_id="L-S2",
    )
    programme = _programme(before)
    year1 = [_return("A", "2012/13", ("Cases", 50)), _return("B", "2012/13", ("Cases", 50))]
    legal = _row(_true_up(programme, "2012/13", year1))
    # 2012/13: L-S1 -100 and L-S2 -40 shared at 75/25, due at 50/50: -140 paid -105 / -35, due -70 / -70.
    assert legal.lines == ("L-S1", "L-S2") and legal.amount == D(-140)
    assert legal.payments == {"A": D("35.000"), "B": D("-35.000")}
    year2 = [_return(p, "2013/14", ("Cases", v)) for p, v in (("A", 60), ("B", 20), ("C", 20))]
    legal = _row(_true_up(programme, "2013/14", year2))
    # 2013/14: L-S2 does not apply once C has joined; actual 60/20/20 is the estimate: no move, nothing to pay.
    assert legal.lines == ("L-S1",) and legal.decision is Decision.WITHIN_TOLERANCE


# --- 2. the true-up and a line's own split -------------------------------------------------------------------


def _redundancy(rule: ApportionmentRule) -> OneOffCost:
    return OneOffCost(
        LEGAL, "Redundancy", OneOffType.HR, Range(D(30), D(30)), profile=Profile("2012/13"), line_id="L-C1", rule=rule
    )


def test_a_line_split_by_fte_is_its_own_row_trued_up_on_the_actual_fte_and_its_payments_join_the_balances():
    programme = _programme(_redundancy(ApportionmentRule(Method.BASELINE_FTE)))
    returns = [
        _return("A", "2012/13", ("Cases", 50), ("baseline FTE", 12)),
        _return("B", "2012/13", ("Cases", 50), ("Baseline FTE", 8)),
    ]
    t = _true_up(programme, "2012/13", returns)
    # The service's row: L-S1 only (L-C1 has its own split); as in the first test, A pays 25, B receives 25.
    assert _row(t).lines == ("L-S1",) and _row(t).payments == {"A": D("25.000"), "B": D("-25.000")}
    own = _row(t, "L-C1")
    # L-C1's own split under 'A and B' in 2012/13: FTE 10/10 = 50/50; actual FTE 12/8 = 60/40, 10 points: trued up.
    assert (own.service, own.option, own.driver, own.lines) == (LEGAL, TWO, "baseline FTE", ("L-C1",))
    assert dict(own.estimated) == {"A": 50, "B": 50} and dict(own.trued_up) == {"A": 60, "B": 40}
    # 30 spent in 2012/13: paid 15 / 15, due 18 / 12: A pays 3, B receives 3.
    assert own.amount == D(30) and own.payments == {"A": D("3.000"), "B": D("-3.000")}
    # Balances: A 25 + 3 = 28 pays, B -25 - 3 = -28 receives.
    assert t.balances == {"A": D("28.000"), "B": D("-28.000"), "C": D("0.000")}
    assert t.findings == ()


def test_a_line_split_by_fte_keeps_its_estimate_within_the_tolerance_and_applies_its_own_minimum():
    rule = ApportionmentRule(Method.BASELINE_FTE, minimum_percent=45)
    programme = _programme(_redundancy(rule))
    returns = [
        _return("A", "2012/13", ("Cases", 75), ("baseline FTE", 18)),
        _return("B", "2012/13", ("Cases", 25), ("baseline FTE", 2)),
    ]
    own = _row(_true_up(programme, "2012/13", returns), "L-C1")
    # Actual FTE 18/2 = 90/10; B below its own minimum of 45 is raised to 45, A 55 (the rule re-applied to actuals):
    # 5 points from 50/50, beyond 3: trued up to 55/45. 30: paid 15 / 15, due 16.5 / 13.5: A pays 1.5.
    assert dict(own.actual) == {"A": 55, "B": 45} and own.payments == {"A": D("1.500"), "B": D("-1.500")}


def test_a_line_with_fixed_percentages_of_its_own_is_listed_as_agreed_and_not_trued_up():
    fixed = ApportionmentRule(Method.FIXED, {"A": D(70), "B": D(30)})
    programme = _programme(_redundancy(fixed))
    returns = [_return("A", "2012/13", ("Cases", 75)), _return("B", "2012/13", ("Cases", 25))]
    own = _row(_true_up(programme, "2012/13", returns, option=TWO), "L-C1")
    # 30 at 70/30: 21 / 9 paid and due; nothing moves.
    assert own.decision is Decision.NOT_TRUED and dict(own.paid) == dict(own.due) == {"A": D(21), "B": D(9)}


def test_an_actual_fte_is_used_by_a_line_own_split_even_though_the_service_is_trued_up_on_a_driver():
    programme = _programme(_redundancy(ApportionmentRule(Method.BASELINE_FTE)))
    returns = [
        _return("A", "2012/13", ("Cases", 75), ("baseline FTE", 10), ("baseline net", 1)),
        _return("B", "2012/13", ("Cases", 25), ("baseline FTE", 10)),
    ]
    t = _true_up(programme, "2012/13", returns)
    # 'baseline FTE' is L-C1's; 'baseline net' no split of Legal uses: that one alone is reported.
    assert [(f.code, f.value) for f in t.findings] == [("ACTUALS_NOT_USED", "baseline net")]


# --- 3. recharges follow participation over time -------------------------------------------------------------


def test_a_charge_to_a_partner_joining_in_year_two_is_scheduled_from_that_year_only():
    pays, receives = RechargeDirection.PAYS, RechargeDirection.RECEIVES
    charges = (  # A hosts Legal: B pays it 100 a year throughout, C 50 a year (stated from the baseline year on)
        Recharge("B", "A", pays, LEGAL, D(100)),
        Recharge("A", "B", receives, LEGAL, D(100)),
        Recharge("C", "A", pays, LEGAL, D(50)),
        Recharge("A", "C", receives, LEGAL, D(50)),
    )
    programme = replace(_programme(), recharges=charges)
    result = consolidate(programme, options={LEGAL: JOINS})
    found = reconcile(programme, result.options_in_use, YEARS, "2011/12", result.timelines)
    schedule = [(m.year, m.payer, m.invoiced) for m in found.schedule]
    # The schedule runs over the plan. 'A and B' is in force in 2012/13, 'C joins' from 2013/14: C's charge is
    # invoiced only from 2013/14; B's every year.
    assert schedule == [
        ("2012/13", "B", D(100)),
        ("2013/14", "B", D(100)),
        ("2013/14", "C", D(50)),
        ("2014/15", "B", D(100)),
        ("2014/15", "C", D(50)),
    ]
    # Both sides agree in every year considered (the baseline year 2011/12 and the plan's three): 2 charges x 4
    # years, every one matched, whether scheduled or not.
    assert all(m.matched for m in found.matches) and len(found.matches) == 8


# --- 4. savings targets and the tracker follow participation over time ----------------------------------------


def _tagged_programme() -> Programme:
    """L-S1 is in C's plan, against its target 'Legal' of 30 a year in 2012/13 and 2013/14."""
    programme = _programme()
    tagged = replace(programme.saving_lines[0], plan_partner="C", plan_target="Legal")
    targets = tuple(SavingsTarget("C", "Legal", year, D(30)) for year in YEARS[:2])
    return replace(programme, saving_lines=(tagged,), targets=targets)


def test_a_partner_joining_in_year_two_delivers_its_target_from_year_two_only():
    programme = _tagged_programme()
    rows = {r.year: r for r in coverage(programme, consolidate(programme, options={LEGAL: JOINS}), YEARS)}
    # 2012/13: 'A and B' in force, C has no share of L-S1: delivers 0. 2013/14: 'C joins', C 20% of 100 = 20,
    # 20 / 30 = 66.7% covered.
    assert (rows["2012/13"].delivered_low, rows["2012/13"].delivered_high) == (D(0), D(0))
    assert (rows["2013/14"].delivered_low, rows["2013/14"].covered_low_percent) == (D(20), D("66.7"))


def test_the_tracker_splits_each_year_by_the_split_in_force_and_follows_it_into_the_targets():
    programme = _tagged_programme()
    result = consolidate(programme, options={LEGAL: JOINS})
    in_force = options_by_year(result, YEARS)[LEGAL]  # ('A and B', 'C joins ...', 'C joins ...')
    lines = [PlannedLine("L-S1", result.lines[0], in_force)]
    empty = resolve_returns([])
    targets = coverage(programme, result, YEARS)
    tracked = track(
        lines, YEARS, empty, MonitoringPlan(), partners=("A", "B", "C"), targets=targets, as_of="2012-06-30"
    )
    shares = tracked.by_line[0].shares
    # L-S1's plan -100 a year: 2012/13 at 75/25 (A and B), then 60/20/20 (C joins).
    assert shares["A"].plan == (D(-75), D(-60), D(-60))
    assert shares["B"].plan == (D(-25), D(-20), D(-20))
    assert shares["C"].plan == (D(0), D(-20), D(-20))
    # C's target against its planned share: 0 in 2012/13, 20 in 2013/14 (as coverage says).
    assert [(t.year, t.plan) for t in tracked.targets] == [("2012/13", D(0)), ("2013/14", D(20))]


# --- 5. the leaver statement and a line's own split ------------------------------------------------------------


def _big_redundancy(rule: ApportionmentRule) -> OneOffCost:
    return replace(_redundancy(rule), estimate=Range(D(100), D(100)))


def test_a_leaver_owes_its_share_of_a_line_own_split_cost_as_consolidated_and_that_split_is_recomputed_without_it():
    programme = _programme(_big_redundancy(ApportionmentRule(Method.BASELINE_FTE)))
    result = consolidate(programme, options={LEGAL: JOINS})
    statement = leaver_statement(programme, result, AppraisalSettings(YEARS[0], len(YEARS)), "B", "2013/14")
    # One-off: L-C1 100 in 2012/13, its own split by FTE under 'A and B' (10/10): B 50, every case (100/100).
    # Net recurring: L-S1 -100 a year, B 25% in 2012/13 (75/25), 20% in 2013/14 (60/20/20): -25 - 20 = -45.
    # Owed: 50 - 45 = 5.
    for case in statement.cases:
        assert (case.one_off_costs, case.net_recurring, case.owed) == (D(50), D(-45), D(5))
    rows = {(r.line, r.partner): (r.before, r.after) for r in statement.shares}
    # In force from 2014/15: 'C joins'. Its driver split 60/20/20 without B: 60/20 = 75/25.
    assert (rows[("", "A")], rows[("", "B")], rows[("", "C")]) == ((60, 75), (20, 0), (20, 25))
    # L-C1's own split under it, FTE 10/10/5 = 40/40/20; without B: 10/5 = 66.7/33.3: 67/33.
    assert (rows[("L-C1", "A")], rows[("L-C1", "B")], rows[("L-C1", "C")]) == ((40, 67), (40, 0), (20, 33))
    assert statement.findings == ()


def test_a_line_own_fixed_split_without_the_leaver_is_undecided_and_says_so_at_the_line():
    programme = _programme(_big_redundancy(ApportionmentRule(Method.FIXED, {"A": D(70), "B": D(30)})))
    result = consolidate(programme, options={LEGAL: TWO})
    statement = leaver_statement(programme, result, AppraisalSettings(YEARS[0], len(YEARS)), "B", "2012/13")
    rows = {(r.line, r.partner): (r.before, r.after) for r in statement.shares}
    assert rows[("L-C1", "A")] == (70, None) and rows[("", "A")] == (75, 100)
    (finding,) = statement.findings
    assert (
        finding.code == "LEAVER_SHARES_UNDECIDED" and "line L-C1's own split is by fixed percentages" in finding.message
    )


# --- 6. recharges are reconciled by the core consolidation -----------------------------------------------------


def test_consolidate_reconciles_the_recharges_over_the_plan_it_is_given_or_the_default_plan():
    pays, receives = RechargeDirection.PAYS, RechargeDirection.RECEIVES
    charges = (Recharge("C", "A", pays, LEGAL, D(50)), Recharge("A", "C", receives, LEGAL, D(50)))
    programme = replace(_programme(), recharges=charges)
    result = consolidate(programme, options={LEGAL: JOINS}, plan=YEARS, baseline_year="2011/12")
    # As reconcile gives it: C's charge invoiced from 2013/14, when C joins.
    assert [(m.year, m.invoiced) for m in result.recharges.schedule] == [("2013/14", D(50)), ("2014/15", D(50))]
    # No plan given: the service layer's default, five years from the baseline year (2011/12 to 2015/16); C joins
    # in 2013/14, so invoiced 2013/14, 2014/15 and 2015/16.
    default = consolidate(programme, options={LEGAL: JOINS}, baseline_year="2011/12").recharges
    assert default.years == ("2011/12", "2012/13", "2013/14", "2014/15", "2015/16")
    assert [m.year for m in default.schedule] == ["2013/14", "2014/15", "2015/16"]
    assert consolidate(_programme()).recharges is None  # no return states a charge: nothing to reconcile


@settings(max_examples=40, deadline=None)
@given(
    year=st.sampled_from(YEARS),
    cases=st.lists(st.integers(1, 500), min_size=3, max_size=3),
    fte=st.lists(st.integers(1, 60), min_size=3, max_size=3),
    cost=st.integers(1, 10**6),
)
def test_with_a_line_own_split_every_row_and_the_balances_still_add_up_to_nothing(year, cases, fte, cost):
    redundancy = replace(
        _redundancy(ApportionmentRule(Method.BASELINE_FTE)),
        estimate=Range(D(cost) / 1000, D(cost) / 1000),
        profile=Profile(year),
    )
    returns = [_return(p, year, ("Cases", c), ("baseline FTE", f)) for p, c, f in zip("ABC", cases, fte, strict=True)]
    t = _true_up(_programme(redundancy), year, returns)
    assert _row(t, "L-C1").amount == D(cost) / 1000  # the line's year figure, whichever option is in force
    for row in t.services:
        assert sum(row.payments.values()) == 0
    assert sum(t.balances.values()) == 0
