"""Participation over time (issue 12, part 3): an option in force from a plan year, followed year by year.

The expected figures are worked out by hand in each test from the rule (docs/apportionment.md,
"Participation over time"): each year's phased figure of a line is split by the percentages of the
option in force that year, by largest remainder to £1 (0.001 in £000s), and a line with a condition
counts only in the years its condition is met.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel.business_case import AppraisalSettings, appraise_programme, options_by_year
from jwmodel.cases import Case
from jwmodel.codes import Code
from jwmodel.conditions import parse_condition
from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.model import (
    ApportionmentRule,
    Category,
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
from jwmodel.participation import Step, in_force, timeline
from jwmodel.phasing import Profile
from jwmodel.summary import summary
from tests.joining import JOINS, PLAN, TWO, joining_programme
from tests.joining import fixed as _fixed


def _options(*, joins_from: str | None = "2013/14") -> tuple[ParticipationOption, ...]:
    return (
        ParticipationOption(TWO, ("A", "B"), _fixed(A=60, B=40), default=True),
        ParticipationOption(JOINS, ("A", "B", "C"), _fixed(A=50, B=30, C=20), from_year=joins_from, before=TWO),
        ParticipationOption("B and C", ("B", "C"), _fixed(B=70, C=30)),
    )


def _programme(options: tuple[ParticipationOption, ...] | None = None) -> Programme:
    return joining_programme(options or _options())


def _partner_net(programme: Programme, options: dict[str, str]) -> dict[str, tuple[D, ...]]:
    appraisal = appraise_programme(consolidate(programme, options=options), PLAN)
    return {p.name: p.cashflow.net for p in appraisal.by_partner}


def test_a_partner_joining_in_year_two_takes_its_share_from_that_year_and_each_year_is_split_to_the_pound():
    net = _partner_net(_programme(), {"S": JOINS})
    # 2012/13, "A and B" (60/40) in force:
    #   shared saving 101 pounds: 60.6 and 40.4 -> 60 + 40, the pound left to A (remainder .6): A -0.061, B -0.040
    #   the further saving with C does not apply (C is not in "A and B")
    #   set-up, central case (0.507 + 0.607) / 2 = 0.557: 334.2 and 222.8 -> 334 + 222, the pound to B (.8)
    #   A's own study 0.050 (sole bearer A)
    #   A: -0.061 + 0.334 + 0.050 = 0.323; B: -0.040 + 0.223 = 0.183; C: nothing
    # 2013/14 and 2014/15, "C joins in 2013/14" (50/30/20) in force:
    #   shared saving 101: 50.5, 30.3, 20.2 -> 50 + 30 + 20, the pound to A (.5): A -0.051, B -0.030, C -0.020
    #   further saving with C, 10: A -0.005, B -0.003, C -0.002
    #   A -0.056, B -0.033, C -0.022
    assert net["A"] == (D("0.323"), D("-0.056"), D("-0.056"))
    assert net["B"] == (D("0.183"), D("-0.033"), D("-0.033"))
    assert net["C"] == (D("0.000"), D("-0.022"), D("-0.022"))


def test_a_line_that_applies_only_once_the_partner_joins_counts_only_from_that_year():
    result = consolidate(_programme(), options={"S": JOINS})
    appraisal = appraise_programme(result, PLAN)
    service = next(s for s in appraisal.by_service if s.name == "S").cashflow
    # savings: 2012/13 the shared saving alone (-0.101); from 2013/14 with the further saving (-0.101 - 0.010)
    assert service.savings == (D("-0.101"), D("-0.111"), D("-0.111"))
    # costs: set-up (central 0.557) and A's study (0.050) in 2012/13
    assert service.costs == (D("0.607"), D("0.000"), D("0.000"))
    # Appendix A shows the full-year figures under the option in use (in force at the end of the plan)
    assert result.total.recurring == Range(D("-0.111"), D("-0.111"))


def test_the_option_in_force_by_year_is_in_the_summary_json_and_the_apportionment_rows():
    result = consolidate(_programme(), options={"S": JOINS})
    appraisal = appraise_programme(result, PLAN)
    assert options_by_year(result, PLAN.plan) == {"S": (TWO, JOINS, JOINS)}
    document = summary(result, (), appraisal)
    assert document["options_by_year"] == {"S": {"2012/13": TWO, "2013/14": JOINS, "2014/15": JOINS}}
    joins = next(r for r in document["apportionment"] if r["option"] == JOINS)
    assert (joins["from_year"], joins["before"]) == ("2013/14", TWO)
    assert "from_year" not in next(r for r in document["apportionment"] if r["option"] == TWO)


def test_without_a_start_year_in_force_the_summary_has_no_options_by_year_key():
    result = consolidate(_programme())
    assert "options_by_year" not in summary(result, (), appraise_programme(result, PLAN))


def test_an_option_with_no_start_year_gives_exactly_the_figures_of_a_programme_without_the_new_fields():
    programme = hampshire_2012.programme()
    # every option with the new fields set to their blank values, as a file with the new columns left blank reads
    blank = Programme(
        programme.partners,
        tuple(
            ServiceArea(
                s.name,
                tuple(
                    ParticipationOption(o.name, o.partners, o.rule, o.default, o.where, None, None) for o in s.options
                ),
                s.where,
            )
            for s in programme.services
        ),
        programme.baseline,
        programme.control_totals,
        programme.saving_lines,
        programme.one_off_costs,
        programme.drivers,
    )
    before, after = consolidate(programme), consolidate(blank)
    assert before == after and not after.timelines
    first, second = appraise_programme(before), appraise_programme(after)
    assert first == second


def test_an_option_starting_in_the_plans_first_year_gives_the_same_figures_as_one_in_force_throughout():
    starting = _programme(_options(joins_from="2012/13"))
    throughout = _programme(_options(joins_from=None))
    assert _partner_net(starting, {"S": JOINS}) == _partner_net(throughout, {"S": JOINS})


def test_a_chain_joined_then_left_is_followed_back_to_an_option_with_no_start_year():
    options = (
        *_options(),
        ParticipationOption("A leaves in 2014/15", ("B", "C"), _fixed(B=70, C=30), from_year="2014/15", before=JOINS),
    )
    service = ServiceArea("S", options)
    steps, found = timeline(service, options[-1])
    assert found == ()
    assert [(s.start, s.option) for s in steps] == [(None, TWO), ("2013/14", JOINS), ("2014/15", "A leaves in 2014/15")]
    assert in_force(steps, PLAN.plan) == (TWO, JOINS, "A leaves in 2014/15")
    net = _partner_net(_programme(options), {"S": "A leaves in 2014/15"})
    # 2014/15, B and C 70/30: shared saving 101 -> 70.7, 30.3 -> 70 + 30, the pound to B (.7): B -0.071, C -0.030;
    # further saving with C, 10 -> B -0.007, C -0.003. A takes nothing that year.
    assert net["A"][2] == D("0.000")
    assert (net["B"][2], net["C"][2]) == (D("-0.078"), D("-0.033"))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"before": "No such option"}, Code.OPTION_BEFORE_UNKNOWN),
        ({"before": JOINS}, Code.OPTION_TIMELINE),  # before itself: a circle
        ({"from_year": "2013-14"}, Code.OPTION_TIMELINE),  # not a financial year
    ],
)
def test_a_chain_that_cannot_be_followed_is_an_error_at_the_option_and_the_option_is_taken_throughout(change, code):
    two, joins, other = _options()
    joins = ParticipationOption(
        joins.name,
        joins.partners,
        joins.rule,
        where=joins.where,
        from_year=change.get("from_year", joins.from_year),
        before=change.get("before", joins.before),
    )
    result = consolidate(_programme((two, joins, other)), options={"S": JOINS})
    assert [f.code for f in result.findings if f.code.startswith("OPTION_")] == [code]
    assert not result.timelines  # in force in every year, as without a start year
    assert _partner_net(_programme((two, joins, other)), {"S": JOINS}) == _partner_net(
        _programme(_options(joins_from=None)), {"S": JOINS}
    )


def test_a_start_year_not_before_the_option_that_follows_it_is_an_error():
    options = (
        *_options(),
        ParticipationOption("A leaves", ("B", "C"), _fixed(B=70, C=30), from_year="2013/14", before=JOINS),
    )
    _, found = timeline(ServiceArea("S", options), options[-1])
    assert [f.code for f in found] == [Code.OPTION_TIMELINE]
    assert "must start before" in found[0].message


def test_a_start_year_after_the_plan_is_a_warning_and_the_option_before_is_in_force_throughout():
    result = consolidate(_programme(_options(joins_from="2020/21")), options={"S": JOINS})
    appraisal = appraise_programme(result, PLAN)
    warnings = [f for f in appraisal.findings if f.code == Code.OPTION_START_OUTSIDE_PLAN]
    assert len(warnings) == 1 and "'A and B' is in force throughout the plan" in warnings[0].message
    assert options_by_year(result, PLAN.plan) == {"S": (TWO, TWO, TWO)}


def test_in_force_takes_the_last_step_started_in_or_before_each_year():
    steps = (Step(None, "x"), Step("2013/14", "y"), Step("2015/16", "z"))
    assert in_force(steps, ("2012/13", "2013/14", "2014/15", "2015/16", "2016/17")) == ("x", "y", "y", "z", "z")


# --- Hypothesis: each year's partner shares add up to the year's total, whatever is in force ---------------

YEARS = ("2012/13", "2013/14", "2014/15", "2015/16")
CODES = ("A", "B", "C", "D")


@st.composite
def _split(draw: st.DrawFn) -> tuple[tuple[str, ...], dict[str, D]]:
    partners = tuple(sorted(draw(st.sets(st.sampled_from(CODES), min_size=1, max_size=4))))
    weights = [draw(st.integers(1, 100)) for _ in partners]
    percent = [D(w * 100) / sum(weights) for w in weights]
    whole = [p.quantize(D(1)) for p in percent[:-1]]
    whole.append(D(100) - sum(whole, D(0)))
    if whole[-1] < 0:
        whole = [D(100)] + [D(0)] * (len(partners) - 1)
    return partners, dict(zip(partners, whole, strict=True))


@st.composite
def _programmes(draw: st.DrawFn) -> tuple[Programme, str]:
    options = []
    names = []
    for i in range(draw(st.integers(1, 3))):
        partners, percent = draw(_split())
        start = draw(st.sampled_from(YEARS[1:])) if i else None
        name = f"option {i}"
        options.append(
            ParticipationOption(
                name,
                partners,
                ApportionmentRule(Method.FIXED, percent),
                default=i == 0,
                from_year=start,
                before=names[-1] if names else None,
            )
        )
        names.append(name)
    # start years drawn at random: a chain whose years do not rise is refused (OPTION_TIMELINE), which must hold too
    lines = tuple(
        SavingLine(
            "S",
            f"line {n}",
            Category.CASHABLE_STAFFING,
            Range(D(-low) / 1000, D(-low - extra) / 1000),
            condition=draw(st.sampled_from((None, *(parse_condition(f"{c} joins") for c in CODES)))),
            profile=Profile(draw(st.sampled_from(YEARS)), ramp=(D(draw(st.integers(0, 100))), D(100))),
        )
        for n, (low, extra) in enumerate(
            draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**4)), max_size=4))
        )
    )
    costs = tuple(
        OneOffCost(
            "S",
            f"cost {n}",
            OneOffType.IT,
            Range(D(low) / 1000, D(low) / 1000),
            profile=Profile(YEARS[0], one_off_timing=(D(30), D(70))),
        )
        for n, low in enumerate(draw(st.lists(st.integers(0, 10**6), max_size=2)))
    )
    programme = Programme(
        tuple(Partner(c) for c in CODES), (ServiceArea("S", tuple(options)),), saving_lines=lines, one_off_costs=costs
    )
    return programme, names[-1]


@settings(max_examples=150, deadline=None)
@given(_programmes())
def test_each_years_partner_shares_add_up_exactly_to_the_years_total_whatever_options_are_in_force(drawn):
    programme, chosen = drawn
    result = consolidate(programme, options={"S": chosen})
    appraisal = appraise_programme(result, AppraisalSettings(first_year=YEARS[0], years=len(YEARS)))
    total = appraisal.case(Case.CENTRAL).cashflow  # the partners' flows are the central case's
    for year in range(len(YEARS)):
        assert sum((p.cashflow.net[year] for p in appraisal.by_partner), D(0)) == total.net[year]
        assert sum((p.cashflow.savings[year] for p in appraisal.by_partner), D(0)) == total.savings[year]


def test_an_option_not_in_use_whose_chain_cannot_be_followed_is_a_warning_saying_it_would_be_an_error():
    two, joins, other = _options()
    broken = ParticipationOption(joins.name, joins.partners, joins.rule, from_year="2013/14", before="No such option")
    result = consolidate(_programme((two, broken, other)))  # the default, "A and B", is in use
    unusable = [f for f in result.findings if f.code == Code.OPTION_UNUSABLE]
    assert len(unusable) == 1 and "(OPTION_BEFORE_UNKNOWN if this option is chosen)" in unusable[0].message


def test_a_partner_that_leaves_before_the_end_of_the_plan_still_participates_and_one_never_in_force_does_not():
    options = (
        *_options(),
        ParticipationOption("A leaves in 2014/15", ("B", "C"), _fixed(B=70, C=30), from_year="2014/15", before=JOINS),
    )
    leaves = consolidate(_programme(options), options={"S": "A leaves in 2014/15"})
    assert leaves.participates("A")  # in 2012/13 and 2013/14, though not under the option in use
    shared = [line for line in leaves.lines if not line.description.startswith("A's own")]  # A's own: sole bearer
    assert not any("A" in line.shares for line in shared)  # Appendix A's shares: the option in use only
    assert not consolidate(_programme()).participates("C")  # "A and B" throughout


def test_a_line_counted_while_an_option_with_no_split_is_in_force_is_reported_not_apportioned_those_years():
    two, joins, other = _options()
    nothing_shared = ParticipationOption(TWO, ("A", "B"), ApportionmentRule(Method.NONE), default=True)
    result = consolidate(_programme((nothing_shared, joins, other)), options={"S": JOINS})
    found = [f for f in result.findings if f.code == Code.NOT_APPORTIONED]
    assert {f.message.split("'")[1] for f in found} == {"Shared saving", "Set-up"}  # A's own study: its sole bearer
    assert all("in the years 'A and B' is in force" in f.message for f in found)
    net = _partner_net(_programme((nothing_shared, joins, other)), {"S": JOINS})
    # 2012/13: nothing is split but A's own study (0.050); from 2013/14 as before
    assert [net[p][0] for p in ("A", "B", "C")] == [D("0.050"), D("0.000"), D("0.000")]
    assert net["A"][1:] == (D("-0.056"), D("-0.056"))
