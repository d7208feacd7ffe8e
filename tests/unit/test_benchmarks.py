"""Benchmark-gap savings, and the Herefordshire 2009 review reproduced from illustrative inputs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.benchmarks import BenchmarkError, Metric, ServiceBenchmark, assess, assess_all, to_saving_line, totals
from jwmodel.examples import herefordshire_2009 as hereford
from jwmodel.model import Category, Range

D = Decimal


def service(cost=100, fte=10, cost_metric=None, fte_metric=None, low=50, high=100, name="Payroll"):
    return ServiceBenchmark(
        name,
        cost,  # raw: the dataclass reads numbers and numeric strings itself
        fte,
        cost_metric or Metric("cost per payslip", D(8), D(6)),
        fte_metric,
        low,
        high,
    )


# --- the Herefordshire review -------------------------------------------------------------------


def test_herefordshire_services_in_scope_are_526_fte_and_19_million_pounds():
    total = totals(hereford.benchmark_results())
    assert total.fte == hereford.PUBLISHED["in_scope_fte"] == 526
    assert total.cost == hereford.PUBLISHED["in_scope_cost"] == 19000


def test_herefordshire_gap_to_top_quartile_releases_104_to_140_fte():
    assert (
        totals(hereford.benchmark_results()).fte_release == Range(D(104), D(140)) == hereford.PUBLISHED["fte_release"]
    )


def test_herefordshire_gap_to_top_quartile_saves_3_4_to_5_4_million_a_year():
    assert (
        totals(hereford.benchmark_results()).saving
        == Range(D(-3400), D(-5400))
        == hereford.PUBLISHED["recurring_saving"]
    )


def test_herefordshire_procurement_adds_about_890k_a_year():
    assert hereford.PROCUREMENT_SAVING == Range(D(-890), D(-890))
    lines = hereford.saving_lines()
    procurement = [line for line in lines if line.category is Category.PROCUREMENT]
    assert [line.estimate for line in procurement] == [Range(D(-890), D(-890))]
    total = Range()
    for line in lines:
        total += line.estimate
    assert total == Range(D(-4290), D(-6290))


def test_every_herefordshire_per_service_input_is_labelled_illustrative():
    assert all(b.note == hereford.ILLUSTRATIVE for b in hereford.BENCHMARKS)
    assert "ILLUSTRATIVE" in hereford.ILLUSTRATIVE
    assert "ILLUSTRATIVE" in (hereford.__doc__ or "")


def test_herefordshire_results_need_no_rounding():
    for result in hereford.benchmark_results():
        b = next(b for b in hereford.BENCHMARKS if b.service == result.service)
        exact = Fraction(b.cost) * b.cost_metric.gap_share * Fraction(b.achievable_low_percent) / 100
        assert Fraction(result.saving.low) == -exact


# --- the method --------------------------------------------------------------------------------


def test_saving_is_the_gap_to_top_quartile_times_the_achievable_share():
    result = assess(
        service(cost=1200, fte=40, fte_metric=Metric("FTE per 10,000 payslips", D(4), D(3)), low=60, high=90)
    )
    assert result.potential_saving == -300  # a quarter of 1,200: £8 a payslip against £6
    assert result.saving == Range(D(-180), D(-270))
    assert result.potential_fte == 10
    assert result.fte_release == Range(D(6), D(9))


def test_a_service_already_in_the_top_quartile_has_no_gap():
    result = assess(service(cost_metric=Metric("cost per payslip", D(5), D(6))))
    assert result.saving == Range(D(0), D(0))
    assert result.fte_release == Range(D(0), D(0))


def test_a_metric_where_higher_is_better_measures_the_gap_the_other_way():
    assert Metric("users per ICT FTE", D(80), D(100), higher_is_better=True).gap_share == Fraction(1, 5)
    assert Metric("users per ICT FTE", D(120), D(100), higher_is_better=True).gap_share == 0


def test_savings_and_fte_round_halves_to_the_smaller_figure():
    result = assess(
        service(
            cost=D("0.003"),
            fte=D("0.3"),
            fte_metric=Metric("FTE", D(2), D(1)),
            low=100,
            high=100,
            cost_metric=Metric("cost", D(2), D(1)),
        )
    )
    assert result.saving.low == D("-0.001")  # -0.0015
    assert result.fte_release.low == D("0.1")  # 0.15


def test_a_result_becomes_a_recurring_saving_line():
    line = to_saving_line(assess(service(cost=1200, low=60, high=90)))
    assert line.service == "Payroll"
    assert line.category is Category.CASHABLE_STAFFING
    assert line.estimate.ordered_as_saving


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"low": 60, "high": 50}, "0 <= low"),
        ({"high": 120}, "<= 100"),
        ({"cost": -1}, "0 or more"),
        ({"cost": "n/a"}, "Payroll: current cost"),
    ],
)
def test_benchmark_inputs_that_cannot_be_used_say_why(kwargs, message):
    with pytest.raises(BenchmarkError, match=message):
        service(**kwargs)


def test_a_benchmark_level_of_zero_is_refused():
    with pytest.raises(BenchmarkError, match="more than 0"):
        Metric("cost per payslip", D(0), D(6))


def test_a_service_benchmarked_twice_is_refused():
    with pytest.raises(BenchmarkError, match="'Payroll' is benchmarked twice"):
        assess_all([service(), service()])


levels = st.integers(min_value=1, max_value=10**4).map(D)


@given(
    st.integers(min_value=0, max_value=10**7).map(lambda units: D(units) / 1000),
    st.integers(min_value=0, max_value=10**4).map(lambda units: D(units) / 10),
    levels,
    levels,
    levels,
    levels,
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
)
def test_low_case_never_saves_or_releases_more_than_high_case_nor_high_more_than_the_gap(
    cost, fte, c1, c2, f1, f2, a, b
):
    low, high = sorted((a, b))
    result = assess(
        service(cost=cost, fte=fte, cost_metric=Metric("c", c1, c2), fte_metric=Metric("f", f1, f2), low=low, high=high)
    )
    assert result.saving.ordered_as_saving
    assert result.potential_saving <= result.saving.high <= 0
    assert 0 <= result.fte_release.low <= result.fte_release.high <= result.potential_fte <= fte
    assert -result.potential_saving <= cost
