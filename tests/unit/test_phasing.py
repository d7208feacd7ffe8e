"""Phasing full-year savings and one-off costs over a plan's financial years."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.money import POUND, whole_percent_shares
from jwmodel.phasing import (
    ONE_OFF,
    SAVING,
    Cashflow,
    PhasingError,
    Profile,
    financial_years,
    phase_line,
    phase_lines,
    phase_one_off,
    phase_recurring,
    round_to_pound,
    total_cashflow,
)

D = Decimal
PLAN = financial_years("2012/13", 5)


def amounts(values):
    return tuple(D(str(v)) for v in values)


def test_a_five_year_plan_from_2012_13_runs_to_2016_17():
    assert PLAN == ("2012/13", "2013/14", "2014/15", "2015/16", "2016/17")


def test_financial_years_cross_the_century():
    assert financial_years("1998/99", 3) == ("1998/99", "1999/00", "2000/01")


@pytest.mark.parametrize("first", ["2012/14", "2012-13", "12/13", "2012"])
def test_a_financial_year_written_another_way_is_refused_with_the_expected_form(first):
    with pytest.raises(PhasingError, match="2012/13"):
        financial_years(first, 5)


def test_a_plan_needs_at_least_one_year():
    with pytest.raises(PhasingError, match="1 or more"):
        financial_years("2012/13", 0)


def test_a_saving_ramping_50_then_100_from_2013_14_is_half_then_full():
    profile = Profile(start="2013/14", ramp=(50, 100))
    assert phase_recurring(D(-100), profile, PLAN) == amounts([0, -50, -100, -100, -100])


def test_the_last_ramp_figure_holds_for_every_later_year():
    assert phase_recurring(D(-90), Profile(ramp=(25, 50, 75)), PLAN) == amounts(
        ["-22.5", -45, "-67.5", "-67.5", "-67.5"]
    )


def test_a_recurring_half_pound_rounds_to_the_smaller_saving_and_the_bigger_cost():
    half = Profile(ramp=(50,))
    assert phase_recurring(D("-0.003"), half, PLAN)[0] == D("-0.001")
    assert phase_recurring(D("0.003"), half, PLAN)[0] == D("0.002")


def test_round_to_pound_sends_halves_towards_plus_infinity():
    assert round_to_pound(D("-1.0005")) == D("-1.000")
    assert round_to_pound(D("1.0005")) == D("1.001")
    assert round_to_pound(D("1.0004")) == D("1.000")


def test_a_one_off_cost_spent_a_quarter_then_three_quarters():
    profile = Profile(start="2012/13", one_off_timing=(25, 75))
    assert phase_one_off(D(1000), profile, PLAN) == amounts([250, 750, 0, 0, 0])


def test_a_one_off_pound_that_cannot_be_halved_goes_to_the_earlier_year():
    assert phase_one_off(D("0.001"), Profile(one_off_timing=(50, 50)), PLAN) == amounts(["0.001", 0, 0, 0, 0])


def test_one_off_timing_may_run_past_the_plan_only_with_nothing_in_it():
    profile = Profile(start="2016/17", one_off_timing=(100, 0))
    assert phase_one_off(D(10), profile, PLAN) == amounts([0, 0, 0, 0, 10])
    with pytest.raises(PhasingError, match="after 2016/17"):
        phase_one_off(D(10), Profile(start="2016/17", one_off_timing=(50, 50)), PLAN)


def test_a_start_year_outside_the_plan_is_named_with_the_plans_years():
    with pytest.raises(PhasingError, match="'2020/21' is not in the plan"):
        phase_recurring(D(-1), Profile(start="2020/21"), PLAN)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"one_off_timing": (50, 40)}, "add up to 90, not 100"),
        ({"ramp": ()}, "at least one percentage"),
        ({"ramp": (150,)}, "between 0 and 100"),
        ({"one_off_timing": (-10, 110)}, "between 0 and 100"),
        ({"ramp": ("half",)}, "not a number"),
    ],
)
def test_a_profile_that_cannot_be_used_says_why(kwargs, message):
    with pytest.raises(PhasingError, match=message):
        Profile(**kwargs)


def test_an_amount_finer_than_a_pound_is_refused():
    with pytest.raises(PhasingError, match="less than £1"):
        phase_one_off(D("1.0001"), Profile(), PLAN)


def test_cashflow_nets_savings_against_costs_and_keeps_a_running_total():
    flow = Cashflow(PLAN[:3], amounts([0, -150, -150]), amounts([200, 50, 0]))
    assert flow.net == amounts([200, -100, -150])
    assert flow.cumulative == amounts([200, 100, -50])
    assert flow.total_savings == -300
    assert flow.total_costs == 250


def test_a_cashflow_needs_one_figure_a_year():
    with pytest.raises(PhasingError, match="one figure a year"):
        Cashflow(PLAN, amounts([0]), amounts([0]))


def test_cashflows_over_different_years_cannot_be_added():
    with pytest.raises(PhasingError, match="different years"):
        Cashflow.zero(PLAN) + Cashflow.zero(PLAN[:2])


def test_phase_lines_totals_each_service_by_year():
    lines = [
        ("Legal", SAVING, D(-100), Profile(start="2013/14", ramp=(50, 100))),
        ("Legal", ONE_OFF, D(60), Profile(one_off_timing=(50, 50))),
        ("Media", SAVING, D(-40), Profile()),
        ("Legal", SAVING, D(10), Profile()),  # a recurring additional cost
    ]
    flows = phase_lines(lines, PLAN)
    assert list(flows) == ["Legal", "Media"]
    assert flows["Legal"].savings == amounts([0, -50, -100, -100, -100])
    assert flows["Legal"].costs == amounts([40, 40, 10, 10, 10])  # the one-off 30/30 and the recurring 10
    assert flows["Media"].net == amounts([-40] * 5)
    assert total_cashflow(flows.values(), PLAN).net == amounts([0, -50, -130, -130, -130])


def test_one_line_goes_into_savings_if_a_recurring_saving_and_into_costs_otherwise():
    profile = Profile(start="2013/14", ramp=(50, 100), one_off_timing=(60, 40))
    nil = amounts([0] * 5)
    saving = phase_line(SAVING, D(-100), profile, PLAN)
    assert (saving.savings, saving.costs) == (amounts([0, -50, -100, -100, -100]), nil)
    additional = phase_line(SAVING, D(30), profile, PLAN)
    assert (additional.savings, additional.costs) == (nil, amounts([0, 15, 30, 30, 30]))
    one_off = phase_line(ONE_OFF, D(150), profile, PLAN)
    assert (one_off.savings, one_off.costs) == (nil, amounts([0, 90, 60, 0, 0]))
    assert phase_line(SAVING, D(-7), None, PLAN).savings == amounts([-7] * 5)  # no profile: in full from the start


def test_a_cashflow_refuses_a_positive_saving_naming_the_year():
    with pytest.raises(PhasingError, match="2013/14: savings of 30 is positive.*goes in costs"):
        Cashflow(PLAN[:2], amounts([-100, 30]), amounts([0, 0]))


def test_phase_lines_names_the_line_it_cannot_phase():
    with pytest.raises(PhasingError, match=r"line 2 \('Media'\): kind must be"):
        phase_lines([("Legal", SAVING, D(-1), Profile()), ("Media", "recurring", D(-1), Profile())], PLAN)


pound_amounts = st.integers(min_value=-(10**9), max_value=10**9).map(lambda units: D(units) * POUND)


@st.composite
def timings(draw):
    weights = draw(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=5).filter(any))
    shares = whole_percent_shares({str(i): w for i, w in enumerate(weights)}, minimum=0)
    return tuple(shares[str(i)] for i in range(len(weights)))


@given(pound_amounts, timings(), st.integers(min_value=0, max_value=4))
def test_phased_one_off_years_add_up_exactly_to_the_amount(amount, timing, start):
    timing = timing[: len(PLAN) - start] if sum(timing[: len(PLAN) - start]) == 100 else (100,)
    phased = phase_one_off(amount, Profile(start=PLAN[start], one_off_timing=timing), PLAN)
    assert sum(phased, D(0)) == amount
    assert all(value == value.quantize(POUND) for value in phased)
    assert all(value == 0 for value in phased[:start])


@given(
    pound_amounts,
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=4),
    st.integers(min_value=0, max_value=4),
)
def test_phased_recurring_years_are_on_the_pound_and_reach_the_full_year_once_ramped(amount, ramp, start):
    phased = phase_recurring(amount, Profile(start=PLAN[start], ramp=(*ramp, 100)), PLAN)
    assert all(value == value.quantize(POUND) for value in phased)
    assert all(value == 0 for value in phased[:start])
    full_from = start + len(ramp)
    assert all(value == amount for value in phased[full_from:])
    assert all(abs(value) <= abs(amount) for value in phased)


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from([SAVING, ONE_OFF]), pound_amounts), max_size=12))
def test_per_service_totals_add_up_to_the_lines(lines):
    phased = phase_lines(((key, kind, amount, Profile()) for key, kind, amount in lines), PLAN)
    total = total_cashflow(phased.values(), PLAN)
    additional = sum((a for _, k, a in lines if k == SAVING and a > 0), D(0))
    assert total.total_costs == sum((a for _, k, a in lines if k == ONE_OFF), D(0)) + 5 * additional
    assert total.total_savings == 5 * sum((a for _, k, a in lines if k == SAVING and a < 0), D(0))


# --- the default ramp and timing phased directly (issue 14) -----------------------------------


def test_a_line_with_no_profile_is_its_amount_every_year_on_the_pound_grid():
    flow = phase_line(SAVING, D("-12.5"), None, PLAN)
    assert [str(v) for v in flow.savings] == ["-12.500"] * 5  # written to £1, as a ramp of 100% gives it
    assert [str(v) for v in flow.costs] == ["0.000"] * 5
    cost = phase_line(SAVING, D("3"), Profile("2014/15"), PLAN)
    assert [str(v) for v in cost.costs] == ["0.000", "0.000", "3.000", "3.000", "3.000"]
    assert [str(v) for v in phase_line(SAVING, D("-0"), None, PLAN).savings] == ["0.000"] * 5  # never -0.000


def test_a_one_off_cost_spent_in_its_start_year_is_all_there():
    flow = phase_line(ONE_OFF, D("250.5"), Profile("2013/14"), PLAN)
    assert [str(v) for v in flow.costs] == ["0.000", "250.500", "0.000", "0.000", "0.000"]
    assert [str(v) for v in phase_one_off(D("-1"), Profile(), PLAN)] == ["-1.000", "0.000", "0.000", "0.000", "0.000"]
    assert [str(v) for v in phase_one_off(D("0"), Profile("2016/17"), PLAN)] == ["0.000"] * 5


def test_a_ramp_written_100_0_is_the_full_ramp():
    assert phase_recurring(D("-7.001"), Profile(ramp=(D("100.0"),)), PLAN) == (D("-7.001"),) * 5
    assert phase_one_off(D("9"), Profile(one_off_timing=(D("100.00"),)), PLAN)[0] == D("9.000")


def test_a_phased_cash_flow_is_equal_to_one_built_and_checked_from_its_figures():
    for kind, amount, profile in (
        (SAVING, "-100", Profile("2013/14", (D(50), D(100)))),
        (SAVING, "40", None),
        (ONE_OFF, "100", Profile(one_off_timing=(D(25), D(75)))),
    ):
        flow = phase_line(kind, D(amount), profile, PLAN)
        assert flow == Cashflow(flow.years, flow.savings, flow.costs)
        assert all(type(v) is Decimal for v in (*flow.savings, *flow.costs)) and type(flow.years) is tuple


def test_phase_line_still_refuses_an_unknown_kind_before_reading_the_amount():
    with pytest.raises(PhasingError, match="kind must be 'saving' or 'one-off', got 'other'"):
        phase_line("other", "not a number", None, PLAN)
