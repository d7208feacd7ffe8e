"""Appraisal: cases, optimism bias, payback, switching values, tornado data and option scoring."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.appraisal import (
    DEFAULT_CRITERIA,
    MAX_CRITERIA,
    MAX_RANKED_OPTIONS,
    MAX_SCORES,
    OPTIMISM_BIAS_GUIDANCE,
    AppraisalError,
    Case,
    OptimismBias,
    appraise,
    bias_from,
    case_cashflows,
    case_value,
    optimism_bias,
    payback_switching_value,
    payback_years,
    ranking_intervals,
    score_options,
    switching_value,
    tornado,
    weight_sensitivities,
    weight_sensitivity,
)
from jwmodel.discounting import STPR, constant_rate, npv_of_costs_and_savings
from jwmodel.model import Range
from jwmodel.money import POUND
from jwmodel.phasing import ONE_OFF, SAVING, Cashflow, Profile, financial_years

D = Decimal
PLAN = financial_years("2012/13", 5)
GREEN_BOOK_SAVINGS = [D(0)] + [D(-150)] * 10
GREEN_BOOK_COSTS = [D(1000)] + [D(0)] * 10


def amounts(values):
    return tuple(D(str(v)) for v in values)


# --- cases ---------------------------------------------------------------------------------


def test_prudent_case_takes_the_smaller_saving_and_optimistic_the_bigger():
    saving = Range(D(-100), D(-150))
    assert case_value(saving, Case.PRUDENT) == -100
    assert case_value(saving, Case.OPTIMISTIC) == -150
    assert case_value(saving, Case.CENTRAL) == -125


def test_prudent_case_takes_the_bigger_one_off_cost_and_optimistic_the_smaller():
    cost = Range(D(200), D(300))
    assert case_value(cost, Case.PRUDENT) == 300
    assert case_value(cost, Case.OPTIMISTIC) == 200
    assert case_value(cost, Case.CENTRAL) == 250


def test_a_central_half_pound_goes_the_prudent_way():
    assert case_value(Range(D("-0.001"), D("-0.002")), Case.CENTRAL) == D("-0.001")
    assert case_value(Range(D("0.001"), D("0.002")), Case.CENTRAL) == D("0.002")


# --- optimism bias -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "duration", "capex"),
    [
        ("standard buildings", (4, 1), (24, 2)),
        ("non-standard buildings", (39, 2), (51, 4)),
        ("standard civil engineering", (20, 1), (44, 3)),
        ("non-standard civil engineering", (25, 3), (66, 6)),
        ("equipment/development", (54, 10), (200, 10)),
        ("outsourcing", (None, None), (41, 0)),
    ],
)
def test_optimism_bias_guidance_holds_the_published_upper_and_lower_bounds(category, duration, capex):
    guidance = OPTIMISM_BIAS_GUIDANCE[category]
    assert (guidance.duration_upper, guidance.duration_lower) == duration
    assert (guidance.capex_upper, guidance.capex_lower) == capex


def test_standard_buildings_upper_bound_raises_costs_by_24_percent():
    bias = optimism_bias("Standard buildings")
    flow = Cashflow(PLAN[:2], amounts([0, -150]), amounts([1000, 0]))
    assert bias.apply(flow).costs == amounts([1240, 0])
    assert optimism_bias("standard buildings", bound="lower").cost_uplift_percent == 2


def test_optimism_bias_cuts_savings_and_raises_every_cost_one_off_or_recurring():
    # year 1's 20 is a recurring additional cost: by the one convention it is in costs, so it is uplifted
    flow = Cashflow(PLAN[:3], amounts([-150, 0, "-0.015"]), amounts([100, 20, 0]))
    adjusted = OptimismBias(10, 10).apply(flow)
    assert adjusted.savings == amounts([-135, 0, "-0.013"])  # -0.0135 rounds to the smaller saving
    assert adjusted.costs == amounts([110, 22, 0])


@pytest.mark.parametrize(
    ("text", "uplift", "reduction"),
    [
        ("10,5", 10, 5),
        ("10", 10, 0),
        ("12.5%, 5%", D("12.5"), 5),
        ("equipment/development:lower", 10, 0),
        ("Outsourcing", 41, 0),
        ("standard buildings:upper", 24, 0),
    ],
)
def test_optimism_bias_text_is_explicit_percentages_or_a_green_book_category(text, uplift, reduction):
    bias = bias_from(text)
    assert (bias.cost_uplift_percent, bias.benefit_reduction_percent) == (uplift, reduction)


def test_no_optimism_bias_text_means_none():
    assert bias_from(None) is None and bias_from("  ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10;5", "not understood"),
        ("-10", "not understood"),
        ("outsourcing:middle", "must be upper or lower"),
        ("bridges", "categories are: standard buildings"),
        ("10,150", "outside 0-100%"),
    ],
)
def test_optimism_bias_text_that_cannot_be_read_says_why(text, message):
    with pytest.raises(AppraisalError, match=message):
        bias_from(text)


def test_an_unknown_optimism_bias_category_lists_the_known_ones():
    with pytest.raises(AppraisalError, match="standard buildings, non-standard buildings"):
        optimism_bias("bridges")


@pytest.mark.parametrize(("uplift", "reduction"), [(-1, 0), (0, 101), ("lots", 0)])
def test_optimism_bias_outside_its_range_is_refused(uplift, reduction):
    with pytest.raises(AppraisalError):
        OptimismBias(uplift, reduction)


# --- payback and switching values ------------------------------------------------------------


def test_green_book_system_pays_back_two_thirds_of_the_way_through_year_7():
    net = [c + s for c, s in zip(GREEN_BOOK_COSTS, GREEN_BOOK_SAVINGS, strict=True)]
    assert payback_years(net).quantize(D("0.001")) == D("7.667")


def test_payback_is_zero_when_cumulative_benefit_is_never_negative():
    assert payback_years([D(-10), D(5), D(0)]) == 0
    assert payback_years([]) == 0


def test_payback_is_none_when_the_plan_ends_before_it_pays_back():
    assert payback_years([D(1000), D(-100), D(-100)]) is None


def test_payback_exactly_at_a_year_end():
    assert payback_years([D(100), D(-50), D(-50), D(-50)]) == 3


def test_payback_waits_for_a_later_dip_to_recover():
    # pays back in year 1, a new cost in year 2 takes it negative again, year 3 recovers it
    assert payback_years([D(100), D(-200), D(300), D(-400)]) == D("3.5")


def test_discounted_payback_is_later_than_simple_payback():
    net = [c + s for c, s in zip(GREEN_BOOK_COSTS, GREEN_BOOK_SAVINGS, strict=True)]
    assert payback_years(net, schedule=STPR) > payback_years(net)


def test_green_book_system_savings_can_fall_about_20_percent_before_npv_reaches_zero():
    value = switching_value(GREEN_BOOK_SAVINGS, GREEN_BOOK_COSTS)
    assert value.quantize(D("0.01")) == D("19.84")


def test_a_negative_switching_value_means_savings_must_rise():
    value = switching_value([D(0)] + [D(-100)] * 10, GREEN_BOOK_COSTS)
    assert value < 0


def test_switching_value_of_nothing_saved_is_none():
    assert switching_value([0, 0], [10, 0]) is None


def test_switching_value_needs_one_figure_a_year_in_both_streams():
    with pytest.raises(AppraisalError, match="11 years and costs 2"):
        switching_value(GREEN_BOOK_SAVINGS, [1, 2])


def test_green_book_system_savings_can_fall_a_sixth_before_payback_exceeds_9_years():
    value = payback_switching_value(GREEN_BOOK_SAVINGS, GREEN_BOOK_COSTS, 9)
    assert value.quantize(D("0.0001")) == D("16.6667")
    a_bit_more = [s * D("0.83") for s in GREEN_BOOK_SAVINGS]  # a 17% fall
    assert payback_years([s + c for s, c in zip(a_bit_more, GREEN_BOOK_COSTS, strict=True)]) > 9


def test_payback_switching_value_is_negative_when_payback_is_already_too_late():
    assert payback_switching_value(GREEN_BOOK_SAVINGS, GREEN_BOOK_COSTS, 5) < 0


def test_payback_switching_value_with_no_savings_to_scale_is_none():
    assert payback_switching_value([0, 0], [10, 0], 1) is None


def test_appraise_gives_the_headline_figures():
    flow = Cashflow(tuple(str(i) for i in range(11)), tuple(GREEN_BOOK_SAVINGS), tuple(GREEN_BOOK_COSTS))
    result = appraise(flow)
    assert result.npv.quantize(POUND) == D("247.491")
    assert result.payback_years.quantize(D("0.001")) == D("7.667")
    assert result.switching_value_percent.quantize(D("0.01")) == D("19.84")


# --- cases over a plan, and tornado data -----------------------------------------------------


LINES = [
    ("Legal", SAVING, Range(D(-100), D(-200)), Profile(start="2013/14", ramp=(50, 100))),
    ("Legal", ONE_OFF, Range(D(80), D(120)), Profile()),
    ("Media", SAVING, Range(D(-40), D(-50)), Profile()),
    ("Media", ONE_OFF, Range(D(30), D(30)), Profile()),
]


def test_case_cashflows_phase_each_service_under_each_case():
    flows = case_cashflows(LINES, PLAN)
    assert flows["Legal"][Case.PRUDENT].net == amounts([120, -50, -100, -100, -100])
    assert flows["Legal"][Case.OPTIMISTIC].net == amounts([80, -100, -200, -200, -200])
    assert flows["Legal"][Case.CENTRAL].net == amounts([100, -75, -150, -150, -150])


def test_case_cashflows_apply_optimism_bias_to_every_case():
    flows = case_cashflows(LINES, PLAN, bias=OptimismBias(50, 0))
    assert flows["Media"][Case.OPTIMISTIC].costs[0] == 45


def test_tornado_puts_the_widest_swing_first_with_the_others_central():
    data = tornado(case_cashflows(LINES, PLAN))
    assert [bar.service for bar in data.bars] == ["Legal", "Media"]
    legal, media = data.bars
    assert legal.prudent_npv < data.central_npv < legal.optimistic_npv
    central = case_cashflows(LINES, PLAN)
    media_central = npv_of_costs_and_savings(central["Media"][Case.CENTRAL].net)
    legal_prudent = npv_of_costs_and_savings(central["Legal"][Case.PRUDENT].net)
    assert abs(legal.prudent_npv - (media_central + legal_prudent)) < D("1e-20")
    assert media.swing > 0


def test_tornado_needs_all_three_cases():
    flows = case_cashflows(LINES, PLAN)
    del flows["Media"][Case.CENTRAL]
    with pytest.raises(AppraisalError, match="Media: no cash flow for the central case"):
        tornado(flows)


# --- options appraisal ------------------------------------------------------------------------

OPTIONS = {
    "Outsource": {"Quality": 4, "Resilience": 3, "Efficiency": 5},
    "Shared service centre": {"Quality": 5, "Resilience": 4, "Efficiency": 2},
    "Joint venture": {"Quality": 3, "Resilience": 5, "Efficiency": 3},
}
WEIGHTS = {"Quality": 40, "Resilience": 30, "Efficiency": 30}


def test_options_are_ranked_by_weighted_total_on_quality_resilience_and_efficiency():
    assert tuple(WEIGHTS) == DEFAULT_CRITERIA
    scored = score_options(OPTIONS, WEIGHTS)
    assert [(s.name, s.weighted_total, s.rank) for s in scored] == [
        ("Outsource", D(4), 1),
        ("Shared service centre", D("3.8"), 2),
        ("Joint venture", D("3.6"), 3),
    ]


def test_weights_are_normalised_so_points_and_fractions_rank_alike():
    as_fractions = {c: D(w) / 100 for c, w in WEIGHTS.items()}
    assert score_options(OPTIONS, as_fractions) == score_options(OPTIONS, WEIGHTS)


def test_tied_options_share_a_rank_and_are_listed_by_name():
    scored = score_options({"Zeta": {"Cost": 3}, "Alpha": {"Cost": 3}, "Mid": {"Cost": 1}}, {"Cost": 1})
    assert [(s.name, s.rank) for s in scored] == [("Alpha", 1), ("Zeta", 1), ("Mid", 3)]


def test_scoring_reports_every_missing_and_unweighted_score_at_once():
    options = {"A": {"Quality": 1}, "B": {"Quality": 1, "Resilience": 2, "Cost": 3}}
    with pytest.raises(AppraisalError) as raised:
        score_options(options, {"Quality": 1, "Resilience": 1})
    message = str(raised.value)
    assert "option 'A' has no score for 'Resilience'" in message
    assert "option 'B' is scored on 'Cost', which has no weight" in message


@pytest.mark.parametrize("weights", [{}, {"Quality": 0}, {"Quality": -1}])
def test_weights_that_cannot_rank_are_refused(weights):
    with pytest.raises(AppraisalError):
        score_options({"A": {"Quality": 1}}, weights)


def test_the_top_option_changes_when_efficiency_weight_falls_below_23_and_a_third():
    sensitivity = weight_sensitivity(OPTIONS, WEIGHTS, "Efficiency")
    third = D("0.000000000001")
    assert [w.quantize(third) for w in sensitivity.top_option_changes_at] == [D("23.333333333333")]
    assert sensitivity.nearest_top_change_below == sensitivity.top_option_changes_at[0]
    assert sensitivity.nearest_top_change_above is None
    assert [(b.option, b.high) for b in sensitivity.best] == [
        ("Shared service centre", sensitivity.top_option_changes_at[0]),
        ("Outsource", None),
    ]
    # by hand: others weigh Q 40 x score + R 30 x score; SSC 320 + 2w meets Outsource 250 + 5w at w = 70/3
    assert abs(sensitivity.top_option_changes_at[0] - D(70) / D(3)) < D("1e-25")
    intervals = ranking_intervals(OPTIONS, WEIGHTS, "Efficiency")
    assert [i.ranking[0] for i in intervals] == [
        "Shared service centre",
        "Shared service centre",
        "Outsource",
        "Outsource",
    ]
    assert intervals[0].low == 0 and intervals[-1].high is None


def test_the_whole_ranking_agrees_with_scoring_at_the_current_weight():
    intervals = ranking_intervals(OPTIONS, WEIGHTS, "Quality")
    current = next(i for i in intervals if i.low <= 40 and (i.high is None or 40 < i.high))
    assert current.ranking == tuple(s.name for s in score_options(OPTIONS, WEIGHTS))


def test_sensitivities_of_every_criterion_match_one_at_a_time():
    assert weight_sensitivities(OPTIONS, WEIGHTS) == tuple(weight_sensitivity(OPTIONS, WEIGHTS, c) for c in WEIGHTS)


def test_too_many_options_for_the_whole_ranking_are_refused_with_the_limit():
    many = {f"option {i}": {"Quality": i} for i in range(MAX_RANKED_OPTIONS + 1)}
    with pytest.raises(AppraisalError, match=f"up to {MAX_RANKED_OPTIONS} options"):
        ranking_intervals(many, {"Quality": 1}, "Quality")
    assert weight_sensitivity(many, {"Quality": 1}, "Quality").best[0].option == f"option {MAX_RANKED_OPTIONS}"


def test_more_options_or_criteria_than_the_limit_are_refused():
    with pytest.raises(AppraisalError, match="50,001 options by 2 criteria is 100,002 scores, more than the 100,000"):
        score_options({f"o{i}": {"Q": 1, "R": 1} for i in range(MAX_SCORES // 2 + 1)}, {"Q": 1, "R": 1})
    with pytest.raises(AppraisalError, match="101 criteria"):
        score_options({"A": {}}, {f"c{i}": 1 for i in range(MAX_CRITERIA + 1)})


def test_a_score_or_weight_beyond_ten_to_the_twelve_is_refused_naming_it():
    with pytest.raises(AppraisalError, match="option 'A', 'Quality': 1e\\+308 is beyond"):
        score_options({"A": {"Quality": 1e308}}, {"Quality": 1})
    with pytest.raises(AppraisalError, match="weight for 'Quality': .* is beyond"):
        score_options({"A": {"Quality": 1}}, {"Quality": D("1e13")})


def test_weight_sensitivity_of_an_unknown_criterion_is_refused():
    with pytest.raises(AppraisalError, match="'Cost' is not one of the criteria"):
        weight_sensitivity(OPTIONS, WEIGHTS, "Cost")


# --- properties ---------------------------------------------------------------------------------

pounds = st.integers(min_value=0, max_value=10**7).map(lambda units: D(units) / 1000)
flows = st.lists(
    st.integers(min_value=-(10**7), max_value=10**7).map(lambda units: D(units) / 1000), min_size=1, max_size=12
)


def _payback_key(value):
    return D("Infinity") if value is None else value


@given(flows, st.data())
def test_more_cost_never_shortens_payback(net, data):
    year = data.draw(st.integers(min_value=0, max_value=len(net) - 1))
    extra = data.draw(pounds)
    more = list(net)
    more[year] += extra
    assert _payback_key(payback_years(more)) >= _payback_key(payback_years(net))
    assert _payback_key(payback_years(more, schedule=STPR)) >= _payback_key(payback_years(net, schedule=STPR))


@given(
    st.lists(st.tuples(pounds, pounds), min_size=1, max_size=15).filter(lambda pairs: any(s for s, _ in pairs)),
    st.sampled_from([STPR, constant_rate(0), constant_rate(7)]),
)
def test_switching_value_drives_npv_to_zero(pairs, schedule):
    savings = [-s for s, _ in pairs]
    costs = [c for _, c in pairs]
    value = switching_value(savings, costs, schedule)
    reduced = [s * (1 - value / 100) for s in savings]
    assert abs(npv_of_costs_and_savings([s + c for s, c in zip(reduced, costs, strict=True)], schedule)) < D("1e-12")


@given(
    st.lists(st.tuples(pounds, pounds), min_size=1, max_size=10).filter(lambda pairs: any(s for s, _ in pairs)),
    st.integers(min_value=0, max_value=12),
)
def test_payback_switching_value_puts_payback_exactly_at_the_limit_or_sooner(pairs, limit):
    savings = [-s for s, _ in pairs]
    costs = [c for _, c in pairs]
    value = payback_switching_value(savings, costs, limit)
    if value is None:
        return
    # savings cut by a hair less than the switching value (the test's arithmetic is 28 digits)
    reduced = [s * (1 - (value - D("1e-9")) / 100) for s in savings]
    payback = payback_years([s + c for s, c in zip(reduced, costs, strict=True)])
    assert payback is not None and payback <= limit


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from([SAVING, ONE_OFF]), pounds, pounds), max_size=10))
def test_prudent_npv_never_beats_central_and_central_never_beats_optimistic(raw):
    lines = [
        (key, kind, Range(-min(a, b), -max(a, b)) if kind == SAVING else Range(min(a, b), max(a, b)), Profile())
        for key, kind, a, b in raw
    ]
    for by_case in case_cashflows(lines, PLAN).values():
        values = {case: npv_of_costs_and_savings(flow.net) for case, flow in by_case.items()}
        assert values[Case.PRUDENT] <= values[Case.CENTRAL] <= values[Case.OPTIMISTIC]


def test_engine_modules_import_no_spreadsheet_or_dataframe_library():
    code = (
        "import sys\n"
        "import jwmodel.discounting, jwmodel.phasing, jwmodel.appraisal, jwmodel.benchmarks, jwmodel.figures\n"
        "import jwmodel.cases, jwmodel.optimism, jwmodel.options_scoring, jwmodel.business_case\n"
        "import jwmodel.examples.herefordshire_2009\n"
        "banned = {'openpyxl', 'python_calamine', 'xlwings', 'pandas', 'xlsxwriter'}\n"
        "print(sorted(banned & {m.split('.')[0] for m in sys.modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@given(
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D", "E", "F", "G"]),
        st.tuples(*[st.integers(min_value=0, max_value=5)] * 3),
        min_size=1,
        max_size=7,
    ),
    st.tuples(*[st.integers(min_value=0, max_value=10)] * 3),
    st.sampled_from(DEFAULT_CRITERIA),
)
def test_the_best_option_in_each_interval_is_the_one_scoring_ranks_first_there(raw, weights, criterion):
    options = {name: dict(zip(DEFAULT_CRITERIA, scores, strict=True)) for name, scores in raw.items()}
    given_weights = dict(zip(DEFAULT_CRITERIA, weights, strict=True))
    sensitivity = weight_sensitivity(options, given_weights, criterion)
    assert sensitivity.best[0].low == 0 and sensitivity.best[-1].high is None
    for interval in sensitivity.best:
        probe = (interval.low + interval.high) / 2 if interval.high is not None else interval.low + 1
        first = score_options(options, {**given_weights, criterion: probe})[0]
        assert first.name == interval.option
    # the whole ranking (every pairwise crossing, sorted at each) puts the same option first
    tops = [i.ranking[0] for i in ranking_intervals(options, given_weights, criterion)]
    assert [b.option for b in sensitivity.best] == [t for k, t in enumerate(tops) if k == 0 or t != tops[k - 1]]


def test_savings_that_are_positive_are_refused_pointing_to_the_costs():
    with pytest.raises(AppraisalError, match="savings, year 1: 30 is positive.*goes with the costs"):
        switching_value([D(-100), D(30)], [D(150), D(0)])
    with pytest.raises(AppraisalError, match="savings, year 0"):
        payback_switching_value([D(5)], [D(0)], 3)


@pytest.mark.parametrize("huge", [1e308, D("1e13"), -1e300])
def test_a_flow_beyond_ten_to_the_twelve_is_refused_naming_its_year(huge):
    with pytest.raises(AppraisalError, match="year 1: .* is beyond the largest figure"):
        payback_years([D(1), huge])
    with pytest.raises(AppraisalError, match="costs, year 1: .* is beyond"):
        switching_value([D(-1), D(-1)], [D(0), huge])


def test_case_cashflows_put_a_recurring_additional_cost_with_the_costs():
    lines = [
        ("FM", SAVING, Range(D(-100), D(-100)), Profile()),
        ("FM", SAVING, Range(D(30), D(30)), Profile()),
        ("FM", ONE_OFF, Range(D(150), D(150)), Profile()),
    ]
    flow = case_cashflows(lines, PLAN)["FM"][Case.CENTRAL]
    assert flow.savings == amounts([-100] * 5)
    assert flow.costs == amounts([180, 30, 30, 30, 30])
