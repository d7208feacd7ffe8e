"""The Hampshire business case over its (illustrative) plan: phased, discounted, tested."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from decimal import Decimal as D

import pytest
import python_calamine

from jwmodel.appraisal import AppraisalError, Case, OptimismBias
from jwmodel.business_case import AppraisalSettings, appraise_programme, settings_from
from jwmodel.cli import main
from jwmodel.consolidation import consolidate
from jwmodel.discounting import npv_of_costs_and_savings
from jwmodel.examples import hampshire_2012
from jwmodel.phasing import Profile
from tests.conftest import HAMPSHIRE_DIR


@pytest.fixture(scope="module")
def appraisal(hampshire):
    return appraise_programme(hampshire, AppraisalSettings("2012/13", 5))


def test_once_every_line_has_built_up_each_case_saves_the_full_year_figure(appraisal):
    assert appraisal.years == ("2012/13", "2013/14", "2014/15", "2015/16", "2016/17")
    final = {c.case: c.cashflow.net[-1] for c in appraisal.cases}
    assert final[Case.PRUDENT] == D(-182) and final[Case.OPTIMISTIC] == D(-337)
    assert final[Case.CENTRAL] == D("-259.5")


def test_one_off_costs_are_all_spent_once_60_40_high_in_the_prudent_case():
    programme = dataclasses.replace(hampshire_2012.programme(), saving_lines=())
    appraisal = appraise_programme(consolidate(programme), AppraisalSettings("2012/13", 5))
    costs = {c.case: c.cashflow.costs for c in appraisal.cases}
    assert costs[Case.PRUDENT][:3] == (D("74.4"), D("49.6"), D(0))
    assert costs[Case.OPTIMISTIC][:3] == (D("57.6"), D("38.4"), D(0))
    assert sum(costs[Case.CENTRAL]) == 110


def test_partners_flows_add_up_to_the_programme_every_year_in_every_case(appraisal):
    for case in Case:
        programme = next(c for c in appraisal.cases if c.case is case).cashflow
        for year in range(len(appraisal.years)):
            assert (
                sum(p.cashflow.net[year] for p in appraisal.by_partner) == programme.net[year]
                or case is not Case.CENTRAL
            )
        total = sum((dict(p.npv)[case] for p in appraisal.by_partner), D(0))
        assert abs(total - next(c for c in appraisal.cases if c.case is case).npv) < D("0.001")


def test_npv_runs_prudent_below_central_below_optimistic(appraisal):
    npvs = [c.npv for c in appraisal.cases]
    assert npvs == sorted(npvs)
    central = appraisal.case(Case.CENTRAL)
    assert central.npv == npv_of_costs_and_savings(central.cashflow.net)
    assert central.npv.quantize(D("0.1")) == D("692.3")


def test_switching_value_drives_the_programme_npv_to_zero(appraisal):
    programme = next(w for w in appraisal.switching if w.subject == "Programme")
    flow = appraisal.case(Case.CENTRAL).cashflow
    factor = 1 - programme.npv_percent / 100
    scaled = [s * factor + c for s, c in zip(flow.savings, flow.costs, strict=True)]
    assert abs(npv_of_costs_and_savings(scaled)) < D("0.000001")


def test_recurring_additional_costs_are_costs_not_negative_savings(appraisal):
    media = next(w for w in appraisal.switching if w.subject == "Media & Communications")
    assert media.npv_percent < 0  # its central NPV is negative: savings would have to rise
    assert all(v <= 0 for c in appraisal.cases for v in c.cashflow.savings)


def test_optimism_bias_raises_costs_and_lowers_npv(hampshire, appraisal):
    biased = appraise_programme(hampshire, AppraisalSettings("2012/13", 5, bias=OptimismBias(D(24), D(10))))
    for case in Case:
        assert biased.case(case).npv < appraisal.case(case).npv


def test_a_line_phased_outside_the_plan_is_reported_and_left_out():
    programme = hampshire_2012.programme()
    late = dataclasses.replace(programme.saving_lines[0], profile=Profile("2020/21"))
    result = consolidate(dataclasses.replace(programme, saving_lines=(late, *programme.saving_lines[1:])))
    appraisal = appraise_programme(result, AppraisalSettings("2012/13", 5))
    finding = next(f for f in appraisal.findings if f.code == "PHASING_OUTSIDE_PLAN")
    assert "2020/21" in finding.message and "Shared IT systems" in finding.message


def test_demo_json_and_workbook_carry_the_appraisal(tmp_path):
    assert (
        main(
            [
                "consolidate",
                str(HAMPSHIRE_DIR),
                "-o",
                str(tmp_path / "c.xlsx"),
                "--json",
                str(tmp_path / "s.json"),
                "-q",
            ]
        )
        == 0
    )
    doc = json.loads((tmp_path / "s.json").read_text())["appraisal"]
    assert doc["years"][0] == "2012/13" and doc["discount"] == "Green Book STPR"
    assert set(doc["cases"]) == {"prudent", "central", "optimistic"}
    assert doc["cases"]["central"]["npv"] == 692.265 or round(doc["cases"]["central"]["npv"], 1) == 692.3
    assert doc["cases"]["prudent"]["net_by_year"][-1] == -182
    assert {w["subject"] for w in doc["switching_values"]} >= {"Programme", "Legal Services"}
    assert len(doc["tornado"]["bars"]) == 7
    with zipfile.ZipFile(tmp_path / "c.xlsx") as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 4
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(tmp_path / "c.xlsx")).get_sheet_by_name("Appraisal").to_python()
    )
    net = [r for r in rows if len(r) > 2 and r[0] == "prudent" and r[1] == "Net cost/(saving)"][0]
    assert net[2:8] == [85.4, -22.15, -153.75, -182, -182, pytest.approx(-454.5)]


def test_command_line_appraisal_options(tmp_path):
    args = ["consolidate", str(HAMPSHIRE_DIR), "-o", str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "s.json"), "-q"]
    assert main([*args, "--discount", "health", "--plan-years", "7", "--optimism-bias", "outsourcing:upper"]) == 0
    doc = json.loads((tmp_path / "s.json").read_text())["appraisal"]
    assert len(doc["years"]) == 7 and doc["discount"] == "Green Book health rate"
    assert doc["optimism_bias"] == {"cost_uplift_percent": 41, "benefit_reduction_percent": 0}
    assert main([*args, "--discount", "fifty"]) == 1


def test_settings_from_typed_options_read_the_rate_and_bias_by_the_one_rule():
    settings = settings_from(
        first_year="2013/14", years=7, discount="3.5", optimism_bias="outsourcing:upper", payback_limit="4.5"
    )
    assert settings.plan[0] == "2013/14" and len(settings.plan) == 7
    assert settings.schedule.bands == ((0, D("3.5")),)
    assert settings.bias == OptimismBias(D(41), D(0))
    assert settings.payback_limit_years == D("4.5")
    assert settings_from(discount="health", optimism_bias=None).schedule.name == "Green Book health rate"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"discount": "fifty"}, "discount rate: 'fifty' is not a rate"),
        ({"discount": "0.5"}, "discount rate: .*write '0.5%'"),
        ({"optimism_bias": "bridges"}, "optimism bias: no optimism bias guidance for 'bridges'"),
        ({"payback_limit": "-1"}, "payback limit"),
        ({"first_year": "2012-13"}, "plan: a financial year is written like '2012/13'"),
    ],
)
def test_settings_that_cannot_be_read_name_the_setting(kwargs, message):
    with pytest.raises(AppraisalError, match=message):
        settings_from(**kwargs)


def test_each_partners_share_of_each_year_is_split_to_the_pound_and_written_on_the_grid():
    """One line of -1 (£1,000 saved a year) at 33/33/34, one of -0.002 at 50/50 that splits 1/1:
    worked by hand, each partner's figure is the sum of its shares, written to 3 places."""
    from jwmodel.model import (
        ApportionmentRule,
        Category,
        Method,
        ParticipationOption,
        Partner,
        Programme,
        Range,
        SavingLine,
        ServiceArea,
    )

    fixed = {"A": D(33), "B": D(33), "C": D(34)}
    programme = Programme(
        partners=(Partner("A"), Partner("B"), Partner("C")),
        services=(
            ServiceArea("S", (ParticipationOption("all", ("A", "B", "C"), ApportionmentRule(Method.FIXED, fixed)),)),
            ServiceArea(
                "T", (ParticipationOption("two", ("A", "B"), ApportionmentRule(Method.FIXED, {"A": 50, "B": 50})),)
            ),
        ),
        saving_lines=(
            SavingLine("S", "one", Category.CASHABLE_STAFFING, Range(D(-1), D(-1))),
            SavingLine("T", "two", Category.CASHABLE_STAFFING, Range(D("-0.002"), D("-0.002"))),
        ),
    )
    appraisal = appraise_programme(consolidate(programme), AppraisalSettings("2012/13", 2))
    savings = {p.name: [str(v) for v in p.cashflow.savings] for p in appraisal.by_partner}
    assert savings == {"A": ["-0.331", "-0.331"], "B": ["-0.331", "-0.331"], "C": ["-0.340", "-0.340"]}
