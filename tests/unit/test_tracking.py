"""The tracker's rules over a small programme: plan, actual, forecast, shares, RAG, drafts, reopening, lateness."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from jwmodel.cases import Case
from jwmodel.codes import Code
from jwmodel.consolidation import consolidate
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
from jwmodel.monitoring import (
    BenefitMeasure,
    Better,
    LineReport,
    LineStatus,
    Measurement,
    MonitoringPlan,
    MonitoringReturn,
    PeriodError,
    ReturnDue,
    ReturnStatus,
    SignOff,
    SpendReport,
    check_period,
    outstanding,
    period_order,
    resolve_returns,
)
from jwmodel.phasing import Profile
from jwmodel.submissions import Cover
from jwmodel.targets import TargetCoverage
from jwmodel.tracking import PlannedLine, rag, track

YEARS = ("2012/13", "2013/14", "2014/15")


def _programme() -> Programme:
    rule = ApportionmentRule(Method.FIXED, {"A": D(60), "B": D(40)})
    return Programme(
        partners=(Partner("A"), Partner("B")),
        services=(ServiceArea("S", (ParticipationOption("A and B", ("A", "B"), rule, default=True),)),),
        saving_lines=(
            SavingLine("S", "Shared team", Category.CASHABLE_STAFFING, Range(D(-100), D(-100))),
            SavingLine("S", "Later", Category.CASHABLE_NON_STAFF, Range(D(-50), D(-50)), profile=Profile("2013/14")),
        ),
        one_off_costs=(OneOffCost("S", "IT", OneOffType.IT, Range(D(20), D(30))),),
    )


def _lines() -> list[PlannedLine]:
    result = consolidate(_programme())
    return [PlannedLine(i, share) for i, share in zip(("L1", "L2", "C1"), result.lines, strict=True)]


def _return(partner, period, lines=(), *, status=ReturnStatus.FINAL, number="1", submitted="2012-07-20", **kw):
    cover = Cover(
        "jwmodel monitoring return", "1.0", period[:7], f"{partner} contact", f"{partner}@x", submitted, number
    )
    sign = SignOff("Ann", "Section 151 officer", submitted) if status is ReturnStatus.FINAL else SignOff()
    return MonitoringReturn(
        cover, partner, period, status, sign, tuple(lines), file=f"{partner}-{period}-{number}.xlsx", **kw
    )


def _report(line_id, delivered, forecast=None, status=LineStatus.ON_TRACK):
    return LineReport(line_id, D(delivered), None if forecast is None else D(forecast), status)


def test_periods_are_years_or_quarters_and_sort_in_time():
    assert check_period("2012/13 Q1") == "2012/13 Q1"
    assert sorted(["2013/14 Q1", "2012/13", "2012/13 Q2"], key=period_order) == ["2012/13 Q2", "2012/13", "2013/14 Q1"]
    for bad in ("2012/14 Q1", "2012/13 Q5", "Q1 2012/13", ""):
        with pytest.raises(PeriodError):
            check_period(bad)


def test_rag_is_red_below_80_percent_of_a_planned_saving_amber_below_plan_green_at_or_above():
    assert rag(D(-100), D(-79)) == "red"
    assert rag(D(-100), D(-80)) == "amber"
    assert rag(D(-100), D(-99)) == "amber"
    assert rag(D(-100), D(-100)) == "green"
    assert rag(D(-100), D(-130)) == "green"
    assert rag(D(10), D(12.5)) == "red"  # a cost more than 20% over plan
    assert rag(D(-100), D(-150), dropped=True) == "red"


def test_actuals_and_forecasts_by_line_with_shares_split_by_the_lines_rule():
    returns = [
        _return("A", "2012/13 Q1", [_report("L1", -20, -90)]),
        _return("A", "2012/13 Q2", [_report("L1", -25, -95)]),
    ]
    t = track(_lines(), YEARS, resolve_returns(returns), MonitoringPlan(), partners=("A", "B"), as_of="2012-12-31")
    line = t.by_line[0]
    assert line.figures.plan == (D(-100), D(-100), D(-100))
    assert line.figures.actual == (D(-45), None, None)
    assert line.figures.forecast == (D(-95), D(-100), D(-100))  # the latest forecast, then the plan stands
    assert line.shares["A"].actual[0] == D(-27) and line.shares["B"].actual[0] == D(-18)  # 60/40 of -45
    assert line.rag == "amber"  # -95 against -100: short, by less than 20%
    later = t.by_line[1]
    assert later.figures.plan == (D(0), D(-50), D(-50)) and later.status == "no return"
    assert t.programme.figures.actual[0] == D(-45)
    assert t.programme.figures.cumulative_plan == (D(-100), D(-250), D(-400))


def test_a_dropped_line_forecasts_nothing_more_and_is_red():
    returns = [
        _return("A", "2012/13 Q4", [_report("L1", -100, -100)]),
        _return("A", "2013/14 Q1", [_report("L1", -10, None, LineStatus.DROPPED)]),
    ]
    t = track(_lines(), YEARS, resolve_returns(returns), MonitoringPlan(), partners=("A", "B"), as_of="2013-08-01")
    line = t.by_line[0]
    assert line.figures.forecast == (D(-100), D(-10), D(0))
    assert line.rag == "red" and line.status == "dropped"


def test_a_draft_counts_only_when_asked_and_a_resubmission_after_sign_off_reopens_the_period():
    final = _return("A", "2012/13 Q1", [_report("L1", -20)], number="1")
    again = _return("A", "2012/13 Q1", [_report("L1", -30)], number="2", submitted="2012-08-01")
    draft = _return("B", "2012/13 Q1", [_report("L2", -5)], status=ReturnStatus.DRAFT)
    resolved = resolve_returns([final, again, draft])
    assert [r.file for r in resolved.used] == [again.file]
    codes = {(f.code, f.where.file) for f in resolved.findings}
    assert (Code.RETURN_REOPENED, again.file) in codes
    assert (Code.SUPERSEDED, final.file) in codes
    assert (Code.RETURN_DRAFT, draft.file) in codes
    with_drafts = resolve_returns([final, again, draft], include_drafts=True)
    assert {r.file for r in with_drafts.used} == {again.file, draft.file}


def test_a_final_return_nobody_signed_off_is_a_warning():
    r = _return("A", "2012/13 Q1")
    r = MonitoringReturn(r.cover, "A", "2012/13 Q1", ReturnStatus.FINAL, SignOff(), file="a.xlsx")
    assert [f.code for f in resolve_returns([r]).findings] == [Code.SIGN_OFF_MISSING]


def test_unknown_lines_and_a_line_reported_twice_in_a_period_are_errors_and_not_counted():
    returns = [
        _return("A", "2012/13 Q1", [_report("L1", -20), _report("ZZ", -99)]),
        _return("B", "2012/13 Q1", [_report("L1", -20)]),
    ]
    t = track(_lines(), YEARS, resolve_returns(returns), MonitoringPlan(), partners=("A", "B"), as_of="2012-12-31")
    codes = sorted(f.code for f in t.findings)
    assert codes == [Code.MONITORING_LINE_TWICE, Code.MONITORING_LINE_UNKNOWN]
    assert t.by_line[0].figures.actual[0] == D(-20)


def test_targets_spend_and_measures():
    plan = MonitoringPlan(
        benefits=(BenefitMeasure("Fix time", "hours", Better.LOWER, D(16), "2012-03-31", D(8), "2015-03-31"),)
    )
    targets = (TargetCoverage("A", "MTFP", "2012/13", D(80), None, None, ("L1",)),)
    r = _return(
        "A",
        "2012/13 Q4",
        [_report("L1", -100, -100)],
        spend=(SpendReport("C1", D(28)),),
        measurements=(Measurement("Fix time", D(12), "2013-03-31"), Measurement("Nope", D(1))),
    )
    t = track(_lines(), YEARS, resolve_returns([r]), plan, partners=("A", "B"), targets=targets, as_of="2013-05-01")
    target = t.targets[0]
    assert (target.forecast, target.coverage, target.state) == (D(60), D("75.0"), "partly met")  # 60% of 100 saved
    spend = t.spend[0]
    assert (spend.budget, spend.spent, spend.variance, spend.rag) == (D(25), D(28), D(3), "amber")  # central 25
    measure = t.measures[0]
    assert (measure.latest, measure.progress, measure.state) == (D(12), D("50.0"), "improving")  # 16 -> 12 of 8
    assert [f.code for f in t.findings] == [Code.MEASURE_UNKNOWN]


def test_outstanding_and_chase_list_with_the_contact_from_the_last_return():
    schedule = [ReturnDue("A", "2012/13 Q1", "2012-07-31"), ReturnDue("B", "2012/13 Q1", "2012-07-31")]
    late = _return("A", "2012/13 Q1", submitted="2012-08-10")
    earlier_b = _return("B", "2011/12 Q4", submitted="2012-04-20")
    rows = outstanding(schedule, [late, earlier_b], as_of="2012-08-30")
    assert [(o.partner, o.state, o.days_late, o.contact) for o in rows] == [
        ("A", "late", 10, "A contact"),
        ("B", "outstanding", 30, "B contact"),
    ]
    assert [o.chase for o in rows] == [False, True]


def test_the_plan_follows_the_case():
    t = track(
        _lines(),
        YEARS,
        resolve_returns([]),
        MonitoringPlan(),
        partners=("A", "B"),
        as_of="2012-05-01",
        case=Case.PRUDENT,
    )
    assert t.spend[0].budget == D(30) and t.current_year == ""


def _definition(monitoring: object) -> dict:
    return {"partners": [{"code": "A", "name": "Alpha"}], "service_areas": ["S"], "monitoring": monitoring}


@pytest.mark.parametrize(
    ("monitoring", "where"),
    [
        ({"benefits": [{"measure": "M", "unit": "%", "better": "up"}]}, "monitoring.benefits[0].better"),
        (
            {"returns_due": [{"partners": ["A"], "period": "2012/13 Q9", "due": "2012-07-31"}]},
            "monitoring.returns_due[0].period",
        ),
        (
            {"returns_due": [{"partners": ["A"], "period": "2012/13 Q1", "due": "31/07/2012"}]},
            "monitoring.returns_due[0].due",
        ),
        ({"targets": []}, "monitoring"),  # targets are the business case's (jwmodel.targets)
        ({"schedule": []}, "monitoring"),
    ],
)
def test_a_bad_monitoring_section_is_refused_naming_the_entry(monitoring, where):
    from jwmodel.definition import DefinitionError, from_dict

    with pytest.raises(DefinitionError, match=f"^programme.json: {re.escape(where)}: "):
        from_dict(_definition(monitoring))


def test_the_monitoring_section_reads_back_from_its_json_form():
    from jwmodel.definition import from_dict, to_dict
    from jwmodel.examples import hampshire_2012_monitoring as ex

    definition = from_dict(_definition({"benefits": [], "returns_due": []}))
    full = from_dict({**to_dict(definition), "monitoring": None} | {"monitoring": {}})
    assert full.monitoring == MonitoringPlan()
    with_plan = type(definition)(definition.partners, definition.services, monitoring=ex.plan())
    assert from_dict(to_dict(with_plan)) == with_plan
    assert len(with_plan.monitoring.schedule) == 36 and with_plan.monitoring.schedule[0].due == "2012-07-31"
    assert "monitoring" not in to_dict(definition)  # a definition without one is written as before
