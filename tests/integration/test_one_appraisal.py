"""One appraisal pipeline: the business case, the Python API and the Excel function give one switching value.

The worked example of docs/appraisal.md ("Where a recurring additional cost goes"): one service
saves 100 a year (£000s), a recurring additional cost of 30 a year, and a one-off cost of 150, over
a five-year plan from 2012/13, everything in full from the first year. By the one convention
(``jwmodel.phasing.phase_line``) the 30 is a cost: savings -100 every year, costs 180 then 30.
"""

from __future__ import annotations

import os

# as the other add-in tests: xlwings picks its decorators when first imported (tests/integration/test_addin_plain.py)
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import dataclasses  # noqa: E402
from decimal import Decimal as D  # noqa: E402
from fractions import Fraction  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from jwaddin.functions import FunctionInputError, jw_npv, jw_switching_value  # noqa: E402

from jwmodel.appraisal import Case, appraise, case_cashflows, switching_value  # noqa: E402
from jwmodel.business_case import AppraisalSettings, appraise_programme, settings_from  # noqa: E402
from jwmodel.consolidation import consolidate  # noqa: E402
from jwmodel.examples import hampshire_2012  # noqa: E402
from jwmodel.model import Category, OneOffCost, OneOffType, Range, SavingLine  # noqa: E402
from jwmodel.phasing import ONE_OFF, SAVING, financial_years  # noqa: E402

SERVICE = "Facilities Management"
PLAN = financial_years("2012/13", 5)


def _by_hand() -> Fraction:
    """Green Book STPR, 3.5% for years 1-4, year 0 undiscounted: factor of year t is (1/1.035)^t."""
    factors = [Fraction(1000, 1035) ** t for t in range(5)]
    pv_savings = sum(100 * f for f in factors)  # 467.308
    pv_costs = 150 + sum(30 * f for f in factors)  # 150 + 140.192 = 290.192
    return 100 * (1 - pv_costs / pv_savings)  # 37.9013%


BY_HAND = _by_hand()


def test_the_worked_example_by_hand_is_37_point_9_percent_not_the_netted_54_point_1():
    assert round(float(BY_HAND), 4) == 37.9013
    factors = [Fraction(1000, 1035) ** t for t in range(5)]
    netted = 100 * (1 - 150 / sum(70 * f for f in factors))  # the convention not taken: 30 netted into savings
    assert round(float(netted), 1) == 54.1


def _programme():
    lines = (
        SavingLine(SERVICE, "Shared contracts", Category.CASHABLE_NON_STAFF, Range(D(-100), D(-100))),
        SavingLine(SERVICE, "Shared helpdesk licence", Category.CASHABLE_NON_STAFF, Range(D(30), D(30))),
    )
    one_off = (OneOffCost(SERVICE, "Implementation", OneOffType.OTHER, Range(D(150), D(150))),)
    return dataclasses.replace(hampshire_2012.programme(), saving_lines=lines, one_off_costs=one_off)


def test_business_case_api_and_excel_function_give_the_same_switching_value():
    appraisal = appraise_programme(consolidate(_programme()), AppraisalSettings("2012/13", 5))
    by_subject = {s.subject: s.npv_percent for s in appraisal.switching}
    assert set(by_subject) == {"Programme", SERVICE}

    lines = [
        (SERVICE, SAVING, Range(D(-100), D(-100)), None),
        (SERVICE, SAVING, Range(D(30), D(30)), None),
        (SERVICE, ONE_OFF, Range(D(150), D(150)), None),
    ]
    flow = case_cashflows(lines, PLAN)[SERVICE][Case.CENTRAL]
    assert flow.savings == (D(-100),) * 5 and flow.costs == (D(180), D(30), D(30), D(30), D(30))
    api = switching_value(flow.savings, flow.costs)

    excel = jw_switching_value([[-100] * 5], [[180, 30, 30, 30, 30]])

    tolerance = D("1e-25")
    exact = D(BY_HAND.numerator) / D(BY_HAND.denominator)
    for value in (by_subject["Programme"], by_subject[SERVICE], api, appraise(flow).switching_value_percent):
        assert abs(value - exact) < tolerance
    assert excel == round(float(BY_HAND), 4) == 37.9013
    assert appraisal.case(Case.CENTRAL).cashflow == flow


def test_the_excel_function_refuses_the_additional_cost_netted_into_savings():
    with pytest.raises(FunctionInputError, match="savings, year 0: 70 is positive|goes with the costs"):
        jw_switching_value([[70] * 5], [[150, 0, 0, 0, 0]])
    with pytest.raises(FunctionInputError, match="savings, year 2: 30 is positive"):
        jw_switching_value([[-100, -100, 30, -100, -100]], [[150, 0, 0, 0, 0]])


@pytest.mark.parametrize("rate", ["3.5", "3.5%", 3.5, 0.035, "STPR", None])
def test_every_spelling_of_the_green_book_rate_gives_the_same_answer_in_excel(rate):
    assert jw_switching_value([[-100] * 5], [[180, 30, 30, 30, 30]], [[rate]]) == 37.9013
    assert jw_npv([[80, -70, -70, -70, -70]], [[rate]]) == jw_npv([[80, -70, -70, -70, -70]])


def test_a_rate_that_would_be_misread_is_refused_in_excel_naming_the_argument():
    with pytest.raises(FunctionInputError, match="rate_or_schedule: .*read as 50% a year.*write '0.5%'"):
        jw_npv([[80, -70]], [[0.5]])


@pytest.mark.parametrize(
    ("flows", "message"),
    [
        ([[1e308, -1e308]], "cashflows, year 0: 1E\\+308 is beyond"),
        ([[1, -1e13]], "cashflows, year 1: .* is beyond"),
    ],
)
def test_very_large_numbers_are_a_clear_input_error_naming_the_argument(flows, message):
    with pytest.raises(FunctionInputError, match=message):
        jw_npv(flows)


def test_a_result_beyond_the_plausible_range_is_an_error_not_an_overflow():
    with pytest.raises(FunctionInputError, match="beyond 10\\^12"):
        jw_switching_value([[-0.000001, 0]], [[1e12, 0]])  # -1e20 %


amounts = st.integers(min_value=1, max_value=10**6).map(lambda units: D(units) / 1000)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["saving", "additional", "one-off"]), amounts), min_size=1, max_size=6),
    st.sampled_from(["stpr", "3.5", "health", "0"]),
)
def test_any_mix_of_lines_gives_one_switching_value_through_every_surface(raw, rate):
    """Savings, recurring additional costs and one-off costs in one service: business case = API = Excel."""
    signed = [(kind, -a if kind == "saving" else a) for kind, a in raw]
    lines = tuple(
        SavingLine(SERVICE, f"line {i}", Category.CASHABLE_NON_STAFF, Range(v, v))
        for i, (kind, v) in enumerate(signed)
        if kind != "one-off"
    )
    one_off = tuple(
        OneOffCost(SERVICE, f"cost {i}", OneOffType.OTHER, Range(v, v))
        for i, (kind, v) in enumerate(signed)
        if kind == "one-off"
    )
    programme = dataclasses.replace(hampshire_2012.programme(), saving_lines=lines, one_off_costs=one_off)
    settings = settings_from(first_year="2012/13", years=5, discount=rate)
    appraisal = appraise_programme(consolidate(programme), settings)
    business_case = next(s.npv_percent for s in appraisal.switching if s.subject == "Programme")

    api_lines = [(SERVICE, ONE_OFF if kind == "one-off" else SAVING, Range(v, v), None) for kind, v in signed]
    flow = case_cashflows(api_lines, PLAN)[SERVICE][Case.CENTRAL]
    api = switching_value(flow.savings, flow.costs, settings.schedule)
    assert business_case == api
    excel = jw_switching_value([[float(v) for v in flow.savings]], [[float(v) for v in flow.costs]], [[rate]])
    if api is None:
        assert excel == "no scaling of the savings reaches it"
    elif abs(api) <= 10**12:
        assert excel == float(api.quantize(D("0.0001")))
