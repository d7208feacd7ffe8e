"""Targets and double counting: coverage of a partner's plan targets, worked out by hand from the rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from jwmodel.business_case import AppraisalSettings
from jwmodel.claims import target_findings, target_row_findings
from jwmodel.codes import Code, Severity
from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.findings import Location
from jwmodel.model import SavingsTarget
from jwmodel.targets import coverage

YEARS = AppraisalSettings().plan  # 2012/13 to 2016/17
REVIEW = "Support services review"


def _programme(**tags_by_id):
    programme = hampshire_2012.programme()
    lines = tuple(replace(x, **tags_by_id.get(x.line_id, {})) for x in programme.saving_lines)
    targets = (
        SavingsTarget("HCC", REVIEW, "2013/14", D(20), where=Location("return-HCC.xlsx", "Targets", "A5")),
        SavingsTarget("HCC", REVIEW, "2014/15", D(20)),
        SavingsTarget("HC", "Estates", "2013/14", D(10)),
    )
    return replace(programme, saving_lines=lines, targets=targets)


def test_a_partner_covers_its_target_with_its_own_share_of_the_tagged_lines_phased():
    # LD-S01: (16) / (39), HCC's fixed share 45%: (7.2) / (17.55); starts 2013/14 at 50%, full from 2014/15
    tag = {"plan_partner": "HCC", "plan_target": REVIEW}
    programme = _programme(**{"LD-S01": tag})
    rows = coverage(programme, consolidate(programme), YEARS)
    by_year = {(r.partner, r.target, r.year): r for r in rows}
    first = by_year[("HCC", REVIEW, "2013/14")]
    assert (first.delivered_low, first.delivered_high) == (D("3.6"), D("8.775"))
    assert (first.covered_low_percent, first.covered_high_percent) == (D("18.0"), D("43.9"))  # 3.6/20, 8.775/20
    second = by_year[("HCC", REVIEW, "2014/15")]
    assert (second.delivered_low, second.delivered_high) == (D("7.2"), D("17.55"))
    assert second.covered_high_percent == D("87.8")  # 87.75% to 0.1, halves up
    assert first.lines == ("LD-S01",)
    untagged = by_year[("HC", "Estates", "2013/14")]
    assert (untagged.delivered_low, untagged.delivered_high, untagged.lines) == (D(0), D(0), ())


def test_a_tagged_additional_cost_reduces_what_a_target_is_delivered():
    # LD-S02: 8 / (15) (an additional cost in the prudent case), HCC 45%: 3.6 / (6.75), in full from 2013/14
    tag = {"plan_partner": "HCC", "plan_target": REVIEW.upper()}  # target names are matched ignoring case
    programme = _programme(**{"LD-S01": tag, "LD-S02": tag})
    rows = {r.year: r for r in coverage(programme, consolidate(programme), YEARS) if r.partner == "HCC"}
    assert (rows["2013/14"].delivered_low, rows["2013/14"].delivered_high) == (
        D("3.6") - D("3.6"),
        D("8.775") + D("6.75"),
    )
    assert rows["2013/14"].lines == ("LD-S01", "LD-S02")


def test_a_line_that_does_not_count_delivers_nothing():
    tag = {"plan_partner": "HCC", "plan_target": REVIEW}
    programme = _programme(**{"LD-S01": tag})
    without_fire = consolidate(programme, options={"Learning & Development": "HC and HCC"})  # LD-S01 needs HFRS
    rows = coverage(programme, without_fire, YEARS)
    assert {(r.delivered_low, r.delivered_high) for r in rows if r.partner == "HCC"} == {(D(0), D(0))}


def test_a_target_year_outside_the_plan_has_no_delivery_rather_than_a_wrong_one():
    programme = replace(_programme(), targets=(SavingsTarget("HCC", REVIEW, "2020/21", D(5)),))
    (row,) = coverage(programme, consolidate(programme), YEARS)
    assert (row.delivered_low, row.covered_low_percent) == (None, None)


def test_a_saving_claimed_twice_inside_the_programme_or_by_another_programme_is_flagged():
    programme = _programme(
        **{
            "LD-S02": {"also_claimed_by": "ld-s01"},
            "EPS-S01": {"also_claimed_by": "Corporate Services Review"},
            "FM-S01": {"plan_partner": "HCC", "plan_target": "No such target"},
            "MC-S01": {"plan_target": REVIEW},
        }
    )
    found = [(f.code, f.severity, f.value) for f in target_findings(programme)]
    assert found == [
        (Code.SAVING_CLAIMED_TWICE, Severity.WARNING, "ld-s01"),
        (Code.SAVING_CLAIMED_ELSEWHERE, Severity.WARNING, "Corporate Services Review"),
        (Code.TARGET_UNKNOWN, Severity.WARNING, "No such target"),
        (Code.TARGET_UNKNOWN, Severity.WARNING, REVIEW),
    ]
    result = consolidate(programme)
    assert {f.code for f in result.findings} >= {Code.SAVING_CLAIMED_TWICE, Code.SAVING_CLAIMED_ELSEWHERE}
    assert result.total == consolidate(hampshire_2012.programme()).total  # flagged, still counted
    assert target_findings(_programme()) == ()


def test_a_target_given_twice_for_a_year_is_an_error():
    a = SavingsTarget("HCC", REVIEW, "2013/14", D(20))
    found = target_row_findings((a, replace(a, name=REVIEW.lower(), amount=D(5)), replace(a, year="2014/15")))
    assert [(f.code, f.severity) for f in found] == [(Code.TARGET_DUPLICATE, Severity.ERROR)]
