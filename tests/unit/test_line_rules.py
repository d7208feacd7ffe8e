"""A line's own rule (its "Own split"): worked by hand, shown as such, and refused where it cannot apply."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel.conditions import parse_condition
from jwmodel.consolidation import consolidate
from jwmodel.examples import east_herts_2011
from jwmodel.findings import Location
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
    SavingLine,
    ServiceArea,
)
from jwmodel.tables.inputs import RowProblem, rule_cell, rule_from_cell

THREE = {"*": "EHC, SBC and NHDC"}
REDUNDANCY = "Redundancy costs, split by each council's headcount"


def _redundancy(options=None):
    result = consolidate(east_herts_2011.programme(), options=options)
    return result, next(x for x in result.lines if x.description == REDUNDANCY)


def test_east_herts_redundancy_costs_are_split_by_fte_while_fm_savings_follow_net_cost():
    # FM baseline (ILLUSTRATIVE): net EHC 620, SBC 880; FTE EHC 14.0, SBC 21.0.
    # Net cost: 620/1,500 = 41.33%, 880/1,500 = 58.67%: floors 41 + 58 = 99, the 1 left to the larger
    # remainder (SBC .67) -> 41/59. FTE: 14/35 = 40%, 21/35 = 60% exactly -> 40/60.
    result, line = _redundancy()
    fm = next(r for r in result.apportionment if r.service == "Facilities Management" and r.in_use)
    assert fm.shares == {"EHC": 41, "SBC": 59}
    assert line.percentages == {"EHC": 40, "SBC": 60}
    # 37.917 x 40% = 15.1668 -> 15.166 floored, 37.917 x 60% = 22.7502 -> 22.750; 15.166 + 22.750 = 37.916,
    # the £1 left goes to the larger remainder (EHC .8 against SBC .2): EHC 15.167, SBC 22.750.
    # 56.433 x 40% = 22.5732 -> 22.573, x 60% = 33.8598 -> 33.859; 56.432, the £1 to SBC (.8 > .2): 33.860.
    assert line.shares == {"EHC": Range(D("15.167"), D("22.573")), "SBC": Range(D("22.750"), D("33.860"))}
    assert line.basis == "own rule: share of baseline (FTE) 40/60"


def test_with_north_herts_the_redundancy_split_is_worked_from_three_councils_fte():
    # FTE EHC 14.0, SBC 21.0, NHDC 12.0 = 47.0: 29.787%, 44.681%, 25.532%, none below the 1% minimum.
    # Floors 29 + 44 + 25 = 98; the 2 left go to the largest remainders, EHC (.787) and SBC (.681): 30/45/25.
    result, line = _redundancy(THREE)
    assert line.percentages == {"EHC": 30, "SBC": 45, "NHDC": 25}
    # Low 37.917: 30% 11.3751, 45% 17.06265, 25% 9.47925 -> floors 11.375 + 17.062 + 9.479 = 37.916;
    # the £1 left to the largest remainder, SBC (.65 against .1 and .25): 17.063.
    # High 56.433: 16.9299, 25.39485, 14.10825 -> floors 16.929 + 25.394 + 14.108 = 56.431; two £1s left, to
    # EHC (.9) and SBC (.85): 16.930, 25.395, NHDC 14.108.
    assert line.shares == {
        "EHC": Range(D("11.375"), D("16.930")),
        "SBC": Range(D("17.063"), D("25.395")),
        "NHDC": Range(D("9.479"), D("14.108")),
    }
    assert sum((r.low for r in line.shares.values()), D(0)) == D("37.917")
    own = [r for r in result.apportionment if r.line]
    assert [(r.service, r.option, r.method, dict(r.shares)) for r in own] == [
        ("Facilities Management", "EHC, SBC and NHDC", Method.BASELINE_FTE, {"EHC": 30, "SBC": 45, "NHDC": 25})
    ]
    assert REDUNDANCY in own[0].basis and own[0].line == "FM-C01"


# --- a small programme to break the rules on ----------------------------------------------------

WHERE = Location("proposal-payroll.xlsx", "One-off costs", "A6")


def _programme(rule: ApportionmentRule, *, partners=("NORTH", "SOUTH"), service_rule=None) -> Programme:
    option = ParticipationOption(
        "Both", partners, service_rule or ApportionmentRule(Method.FIXED, {"NORTH": D(50), "SOUTH": D(50)}), True
    )
    return Programme(
        partners=(Partner("NORTH"), Partner("SOUTH"), Partner("EAST")),
        services=(ServiceArea("Payroll", (option,)),),
        baseline=(
            BaselineEntry("NORTH", "Payroll", D(300), D("7.5")),
            BaselineEntry("SOUTH", "Payroll", D(100), D("2.5")),
        ),
        one_off_costs=(OneOffCost("Payroll", "Severance", OneOffType.HR, Range(D(10), D(20)), where=WHERE, rule=rule),),
        drivers=(DriverValue("Payroll", "payslips", "NORTH", D(1)),),
    )


def _only_line(programme: Programme):
    result = consolidate(programme)
    return result, result.lines[0]


def test_a_fixed_own_split_overrides_the_service_rule():
    _, line = _only_line(_programme(ApportionmentRule(Method.FIXED, {"NORTH": D(70), "SOUTH": D(30)})))
    # 10 x 70% = 7, x 30% = 3; 20 -> 14 and 6
    assert line.shares == {"NORTH": Range(D(7), D(14)), "SOUTH": Range(D(3), D(6))}
    assert line.basis == "own rule: fixed percentages 70/30"


def test_share_of_baseline_by_fte_can_be_a_services_own_rule_too():
    # FTE 7.5 and 2.5 of 10: 75/25 (net would give the same 300/100 here; so set net the other way round)
    programme = _programme(None, service_rule=ApportionmentRule(Method.BASELINE_FTE))  # type: ignore[arg-type]
    programme = dataclasses.replace(
        programme,
        baseline=(
            BaselineEntry("NORTH", "Payroll", D(100), D("7.5")),
            BaselineEntry("SOUTH", "Payroll", D(300), D("2.5")),
        ),
    )
    result, line = _only_line(programme)
    assert result.apportionment[0].shares == {"NORTH": 75, "SOUTH": 25}
    assert line.shares == {"NORTH": Range(D("7.5"), D(15)), "SOUTH": Range(D("2.5"), D(5))}


@pytest.mark.parametrize(
    ("rule", "code", "says"),
    [
        (ApportionmentRule(Method.FIXED, {"NORTH": D(60), "SOUTH": D(30)}), "PERCENT_SUM", "add up to 90, not 100"),
        (
            ApportionmentRule(Method.FIXED, {"NORTH": D(60), "EAST": D(40)}),
            "PERCENT_NOT_PARTICIPANT",
            "EAST, who does not participate",
        ),
        (ApportionmentRule(Method.DRIVER, driver="payslips"), "DRIVER_MISSING", "no value for SOUTH"),
        (ApportionmentRule(Method.DRIVER, driver="hours"), "DRIVER_MISSING", "no value for NORTH, SOUTH"),
    ],
)
def test_an_own_split_that_cannot_be_applied_is_an_error_located_to_the_line(rule, code, says):
    result, line = _only_line(_programme(rule))
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1 and says in found[0].message
    assert found[0].where == WHERE and found[0].severity == "error"
    assert "own split of 'Severance'" in found[0].message
    assert not line.apportioned and line.shares == {}  # in the service totals, in no partner's share
    assert any(f.code == "NOT_APPORTIONED" and f.where == WHERE for f in result.findings)


def test_a_line_with_both_a_sole_bearer_and_an_own_split_is_refused():
    programme = _programme(ApportionmentRule(Method.BASELINE))
    cost = dataclasses.replace(programme.one_off_costs[0], sole_bearer="NORTH")
    result, line = _only_line(dataclasses.replace(programme, one_off_costs=(cost,)))
    assert [f.code for f in result.findings if f.where == WHERE] == ["LINE_RULE_BAD"]
    assert not line.included


# --- the "Own split" cell ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("share of baseline", ApportionmentRule(Method.BASELINE)),
        ("Baseline", ApportionmentRule(Method.BASELINE)),
        ("share of baseline (FTE)", ApportionmentRule(Method.BASELINE_FTE)),
        ("baseline FTE", ApportionmentRule(Method.BASELINE_FTE)),
        ("driver: headcount", ApportionmentRule(Method.DRIVER, driver="headcount")),
        ("Driver: time spent; minimum 5%", ApportionmentRule(Method.DRIVER, driver="time spent", minimum_percent=5)),
        ("baseline FTE; minimum 0", ApportionmentRule(Method.BASELINE_FTE, minimum_percent=0)),
        ("fixed: EHC 40%, SBC 60%", ApportionmentRule(Method.FIXED, {"EHC": D(40), "SBC": D(60)})),
        ("fixed: EHC 33.5 and SBC 66.5", ApportionmentRule(Method.FIXED, {"EHC": D("33.5"), "SBC": D("66.5")})),
        ("sole bearer: HC", ApportionmentRule(Method.SOLE_BEARER, sole_bearer="HC")),
        ("", None),
    ],
)
def test_each_form_of_the_own_split_cell_reads_as_its_rule_and_is_written_back(typed, rule):
    assert rule_from_cell(typed) == rule
    assert rule_from_cell(rule_cell(rule)) == rule


@pytest.mark.parametrize(
    "typed",
    ["by headcount", "driver", "driver:", "fixed: EHC", "fixed: EHC 40, EHC 60", "sole bearer", "none",
     "share of baseline: net", "fixed: EHC 40, SBC 60; minimum 5", "driver: x; min 5"],
)  # fmt: skip
def test_an_own_split_that_does_not_read_is_refused_naming_the_forms(typed):
    with pytest.raises(RowProblem) as caught:
        rule_from_cell(typed)
    assert caught.value.key == "rule" and caught.value.code == "LINE_RULE_BAD"
    assert repr(typed) in str(caught.value) or "minimum" in str(caught.value)


def test_a_saving_line_with_an_own_split_is_shown_in_the_apportionment():
    programme = _programme(ApportionmentRule(Method.BASELINE_FTE))
    line = SavingLine(
        "Payroll",
        "Shared payroll system",
        Category.CASHABLE_NON_STAFF,
        Range(D(-4), D(-8)),
        rule=ApportionmentRule(Method.BASELINE_FTE),
        line_id="PAY-S01",
    )
    result = consolidate(dataclasses.replace(programme, saving_lines=(line,)))
    own = [r for r in result.apportionment if r.line == "PAY-S01"]
    assert len(own) == 1 and own[0].shares == {"NORTH": 75, "SOUTH": 25} and own[0].in_use
    saving = next(x for x in result.lines if x.line_id == "PAY-S01")
    assert saving.shares == {"NORTH": Range(D(-3), D(-6)), "SOUTH": Range(D(-1), D(-2))}


_fte = st.decimals(min_value=D("0.5"), max_value=D(500), places=1, allow_nan=False, allow_infinity=False)


@settings(max_examples=80, deadline=None)
@given(
    north=_fte,
    south=_fte,
    low=st.integers(1, 10**7).map(lambda n: D(n) / 1000),  # a cost of 0 is not split at all
    extra=st.integers(0, 10**6).map(lambda n: D(n) / 1000),
)
def test_an_fte_own_split_gives_whole_percentages_and_shares_adding_up_to_the_cost_exactly(north, south, low, extra):
    programme = dataclasses.replace(
        _programme(ApportionmentRule(Method.BASELINE_FTE)),
        baseline=(BaselineEntry("NORTH", "Payroll", D(1), north), BaselineEntry("SOUTH", "Payroll", D(1), south)),
    )
    cost = dataclasses.replace(programme.one_off_costs[0], estimate=Range(low, low + extra))
    _, line = _only_line(dataclasses.replace(programme, one_off_costs=(cost,)))
    assert sum(line.percentages.values()) == 100 and all(v == v.to_integral_value() for v in line.percentages.values())
    assert all(v >= 1 for v in line.percentages.values())  # the minimum, 1% when not given
    assert sum((r.low for r in line.shares.values()), D(0)) == low
    assert sum((r.high for r in line.shares.values()), D(0)) == low + extra
    assert all(r.low <= r.high for r in line.shares.values())  # each range ordered as the cost's


def test_an_own_sole_bearer_outside_the_option_bears_it_with_a_warning_as_an_options_sole_bearer_does():
    result, line = _only_line(_programme(ApportionmentRule(Method.SOLE_BEARER, sole_bearer="EAST")))
    assert line.shares == {"EAST": Range(D(10), D(20))}
    (warning,) = [f for f in result.findings if f.code == "SOLE_BEARER_NOT_PARTICIPANT"]
    assert warning.where == WHERE and warning.severity == "warning" and "EAST" in warning.message


def test_a_condition_naming_an_option_the_service_does_not_have_is_an_error_and_the_line_not_counted():
    programme = _programme(ApportionmentRule(Method.BASELINE))
    cost = dataclasses.replace(programme.one_off_costs[0], condition=parse_condition('option "All three"'))
    result, line = _only_line(dataclasses.replace(programme, one_off_costs=(cost,)))
    (found,) = [f for f in result.findings if f.code == "CONDITION_UNKNOWN_OPTION"]
    assert found.where == WHERE and found.severity == "error" and '"All three"' in found.message
    assert not line.included and result.total.one_off == Range()


def test_fixed_percentages_typed_in_the_own_split_must_add_up_to_100_whatever_the_option():
    with pytest.raises(RowProblem) as caught:
        rule_from_cell("fixed: EHC 40%, SBC 50%")
    assert caught.value.code == "PERCENT_SUM" and "add up to 90, not 100" in str(caught.value)


# --- docs/apportionment.md's table of Own split forms: each on East Herts' FM redundancy costs (high 56.433) -------


@pytest.mark.parametrize(
    ("typed", "percent", "high"),
    [
        # net 620/880 = 41.33/58.67 -> 41/59; 56.433 x 41% = 23.13753, x 59% = 33.29547: floors 23.137 + 33.295 =
        # 56.432, the £1 to the larger remainder (EHC .53 against .47)
        ("share of baseline", (41, 59), ("23.138", "33.295")),
        # FTE 14.0/21.0 = 40/60 exactly: 22.5732 and 33.8598, floors 56.432, the £1 to SBC (.8 against .2)
        ("share of baseline (FTE)", (40, 60), ("22.573", "33.860")),
        # headcount 15/35 = 30/70: 16.9299 and 39.5031, floors 56.432, the £1 to EHC (.9 against .1)
        ("driver: headcount", (30, 70), ("16.930", "39.503")),
        # 25/75: 14.10825 and 42.32475, floors 56.432, the £1 to SBC (.75 against .25)
        ("fixed: EHC 25%, SBC 75%", (25, 75), ("14.108", "42.325")),
        ("sole bearer: SBC", (0, 100), ("0", "56.433")),
        # net 41.33 is below the minimum 45: EHC held at 45, SBC takes 55; 25.39485 and 31.03815, floors 56.432,
        # the £1 to EHC (.85 against .15)
        ("share of baseline; minimum 45%", (45, 55), ("25.395", "31.038")),
    ],
)
def test_each_own_split_form_as_the_docs_work_it_on_the_east_herts_redundancy_costs(typed, percent, high):
    programme = east_herts_2011.programme()
    costs = tuple(
        dataclasses.replace(c, rule=rule_from_cell(typed)) if c.description == REDUNDANCY else c
        for c in programme.one_off_costs
    )
    headcount = tuple(DriverValue("Facilities Management", "headcount", p, D(v)) for p, v in (("EHC", 15), ("SBC", 35)))
    result = consolidate(dataclasses.replace(programme, one_off_costs=costs, drivers=headcount))
    line = next(x for x in result.lines if x.description == REDUNDANCY)
    assert not [f for f in result.findings if f.severity.name == "ERROR"]
    shares = {p: line.shares[p].high if p in line.shares else D(0) for p in ("EHC", "SBC")}
    assert (shares["EHC"], shares["SBC"]) == tuple(D(x) for x in high)
    assert tuple(line.percentages.get(p, 0) for p in ("EHC", "SBC")) == percent
