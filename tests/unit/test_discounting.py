"""Green Book discounting: schedules, factors, NPV and the project's sign conventions."""

from __future__ import annotations

from decimal import Decimal, localcontext
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.discounting import (
    HEALTH,
    STPR,
    DiscountError,
    DiscountSchedule,
    constant_rate,
    discount_factors,
    npv,
    npv_of_costs_and_savings,
    present_values,
    schedule_from,
)
from jwmodel.money import POUND

D = Decimal
TOLERANCE = D("1e-20")


def test_green_book_example_system_saving_150k_a_year_has_npv_of_about_247k():
    flows = [-1000] + [150] * 10  # benefit positive: the system costs 1,000 now, saves 150 in years 1-10
    assert npv(flows).quantize(POUND) == D("247.491")


def test_green_book_example_system_saving_100k_a_year_has_npv_of_about_minus_168k():
    assert npv([-1000] + [100] * 10).quantize(POUND) == D("-168.339")


def test_business_case_flows_cost_positive_give_the_same_benefit_positive_npv():
    business_case = [1000] + [-150] * 10  # cost positive, saving negative
    assert npv_of_costs_and_savings(business_case) == npv([-1000] + [150] * 10)
    assert npv_of_costs_and_savings(business_case) > 0


def test_year_0_is_undiscounted_and_year_1_is_discounted_at_3_5_percent():
    factors = discount_factors(2)
    assert factors[0] == 1
    assert abs(factors[1] - 1 / D("1.035")) < TOLERANCE


def test_stpr_discounts_year_31_at_3_percent_after_thirty_years_at_3_5():
    factors = discount_factors(32)
    assert abs(factors[30] - 1 / D("1.035") ** 30) < TOLERANCE
    assert abs(factors[31] - factors[30] / D("1.03")) < TOLERANCE
    assert factors[30].quantize(D("0.0001")) == D("0.3563")


@pytest.mark.parametrize(
    ("year", "stpr", "health"),
    [
        (0, "3.5", "1.5"),
        (30, "3.5", "1.5"),
        (31, "3.0", "1.29"),
        (75, "3.0", "1.29"),
        (76, "2.5", "1.07"),
        (125, "2.5", "1.07"),
        (126, "2.0", "0.86"),
        (200, "2.0", "0.86"),
        (201, "1.5", "0.64"),
        (300, "1.5", "0.64"),
        (301, "1.0", "0.43"),
        (1000, "1.0", "0.43"),
    ],
)
def test_green_book_declining_schedules_change_rate_at_the_published_years(year, stpr, health):
    assert STPR.rate(year) == D(stpr)
    assert HEALTH.rate(year) == D(health)


def test_health_rate_discounts_less_than_the_stpr():
    assert npv([0] + [100] * 10, HEALTH) > npv([0] + [100] * 10, STPR)
    assert abs(discount_factors(2, HEALTH)[1] - 1 / D("1.015")) < TOLERANCE


def test_constant_rate_of_zero_leaves_every_year_at_face_value():
    assert discount_factors(5, constant_rate(0)) == (1, 1, 1, 1, 1)


def test_present_values_keep_each_years_sign():
    values = present_values([-100, 100], constant_rate(10))
    assert values[0] == -100
    assert abs(values[1] - D(100) / D("1.1")) < TOLERANCE


def test_result_does_not_depend_on_the_callers_decimal_precision():
    expected = npv([-1000] + [150] * 10)
    with localcontext() as ctx:
        ctx.prec = 6
        assert npv([-1000] + [150] * 10) == expected


def test_no_years_have_no_factors_and_zero_npv():
    assert discount_factors(0) == ()
    assert npv([]) == 0


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "at least one band"),
        (((1, 3),), "must start at year 0"),
        (((0, 3), (10, 2), (10, 1)), "must increase"),
        (((0, -100),), "more than -100%"),
        (((0, "three"),), "not a number"),
        (((0.5, 3),), "whole number"),
    ],
)
def test_a_schedule_that_cannot_be_used_says_why(bands, message):
    with pytest.raises(DiscountError, match=message):
        DiscountSchedule(bands)


def test_a_flow_that_is_not_a_number_names_its_year():
    with pytest.raises(DiscountError, match="year 2"):
        npv([1, 2, "n/a"])


def test_a_negative_number_of_years_is_refused():
    with pytest.raises(DiscountError, match="0 or more"):
        discount_factors(-1)


amounts = st.integers(min_value=-(10**9), max_value=10**9).map(lambda units: D(units) * D("0.001"))
rates = st.decimals(min_value=0, max_value=20, places=2)


@given(st.lists(amounts, max_size=40))
def test_npv_at_a_zero_rate_is_the_plain_sum(flows):
    assert npv(flows, constant_rate(0)) == sum(flows, D(0))


@given(
    st.lists(amounts, min_size=1, max_size=30),
    st.integers(min_value=1, max_value=10**6).map(lambda units: D(units) * D("0.001")),
    st.data(),
    st.sampled_from([STPR, HEALTH]) | rates.map(constant_rate),
)
def test_moving_a_saving_later_never_raises_npv(flows, saving, data, schedule):
    n = len(flows)
    early = data.draw(st.integers(min_value=0, max_value=n - 1))
    late = data.draw(st.integers(min_value=early, max_value=n - 1))
    with_early = list(flows)
    with_early[early] += saving
    with_late = list(flows)
    with_late[late] += saving
    assert npv(with_late, schedule) <= npv(with_early, schedule) + TOLERANCE


@given(st.integers(min_value=0, max_value=400), rates)
def test_factors_never_rise_from_one_year_to_the_next_at_non_negative_rates(n, rate):
    for schedule in (STPR, HEALTH, constant_rate(rate)):
        factors = discount_factors(n, schedule)
        assert all(a >= b for a, b in pairwise(factors))


@given(st.lists(st.tuples(amounts, amounts), max_size=30))
def test_npv_of_a_sum_is_the_sum_of_npvs(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    assert abs(npv([x + y for x, y in pairs]) - (npv(a) + npv(b))) < D("1e-15")  # the test adds in 28 digits


# --- a schedule from what a person typed: the one rule for the command line and Excel -------------


@pytest.mark.parametrize(
    ("typed", "percent"),
    [
        ("3.5", D("3.5")),
        ("3.5%", D("3.5")),
        (" 3.5 % ", D("3.5")),
        (3.5, D("3.5")),
        (D("3.5"), D("3.5")),
        (0.035, D("3.5")),  # an Excel cell showing 3.5% holds 0.035
        ("0.035", D("3.5")),
        ("0.5%", D("0.5")),
        (1, D("1")),
        ("0", D("0")),
        (0, D("0")),
        ("20", D("20")),
    ],
)
def test_a_typed_rate_is_a_percentage_and_a_fraction_below_one_is_excels_percentage(typed, percent):
    schedule = schedule_from(typed)
    assert schedule.bands == ((0, percent),)
    # year 1 is divided by 1 + percent/100, worked by hand
    assert abs(discount_factors(2, schedule)[1] - D(1) / (D(1) + percent / D(100))) < D("1e-25")


@pytest.mark.parametrize(
    ("typed", "expected"), [(None, STPR), ("", STPR), ("STPR", STPR), (" stpr ", STPR), ("Health", HEALTH)]
)
def test_empty_or_a_schedule_name_gives_that_schedule(typed, expected):
    assert schedule_from(typed) is expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (0.5, "read as 50% a year, above the 20%.*write '0.5%'"),
        ("25", "read as 25% a year"),
        ("25%", "read as 25% a year"),
        ("-1", "negative"),
        ("fifty", "'fifty' is not a rate"),
        ("3,5", "not a rate"),
        (True, "not a rate"),
    ],
)
def test_a_rate_that_could_be_misread_or_is_not_a_rate_is_refused_saying_what_to_give(typed, message):
    with pytest.raises(DiscountError, match=message):
        schedule_from(typed)


def test_command_line_and_excel_spellings_of_three_and_a_half_percent_give_the_same_npv():
    flows = [1000, *([-150] * 10)]
    values = {npv(flows, schedule_from(v)) for v in ("3.5", "3.5%", 3.5, 0.035)}
    assert len(values) == 1


@pytest.mark.parametrize("huge", [1e308, D("-1e13"), "1e400"])
def test_a_flow_beyond_ten_to_the_twelve_is_refused_naming_its_year(huge):
    with pytest.raises(DiscountError, match="year 1: .* is beyond the largest figure accepted"):
        npv([1, huge, 2])
