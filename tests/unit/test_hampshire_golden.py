"""The Hampshire 2012 Individual Blueprints, reproduced to the pound from the engine's data.

Every expected figure is as published in Appendix B (April 2012).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.model import Method, Range

APPENDIX_A = {
    # service: (cashable low, high, procurement low, high, total low, high)
    "Learning & Development": (-8, -54, 0, 0, -8, -54),
    "Transport & Fleet Management": (0, 0, 0, 0, 0, 0),
    "Research & Analysis": (14, -9, 0, 0, 14, -9),
    "Estates & Property Services": (-56, -75, -113, -150, -169, -225),
    "Facilities Management": (-10, -24, 0, 0, -10, -24),
    "Media & Communications": (-3, -16, 0, 0, -3, -16),
    "Legal Services": (-6, -9, 0, 0, -6, -9),
}
ONE_OFF_IT = {
    "Learning & Development": (25, 32),
    "Transport & Fleet Management": (0, 0),
    "Research & Analysis": (11, 14),
    "Estates & Property Services": (18, 24),
    "Facilities Management": (16, 20),
    "Media & Communications": (18, 24),
    "Legal Services": (8, 10),
}


def test_appendix_a_every_service(hampshire):
    got = {
        s.service: (
            s.cashable.low,
            s.cashable.high,
            s.procurement.low,
            s.procurement.high,
            s.recurring.low,
            s.recurring.high,
        )
        for s in hampshire.services
    }
    assert got == {k: tuple(D(v) for v in vals) for k, vals in APPENDIX_A.items()}
    assert [s.service for s in hampshire.services] == list(APPENDIX_A)


def test_appendix_a_totals_are_69_187_cashable_113_150_procurement_182_337_in_all(hampshire):
    t = hampshire.total
    assert (t.cashable, t.procurement, t.recurring) == (
        Range(D(-69), D(-187)),
        Range(D(-113), D(-150)),
        Range(D(-182), D(-337)),
    )


def test_one_off_it_costs_are_96_to_124_and_every_row(hampshire):
    assert {s.service: (s.one_off.low, s.one_off.high) for s in hampshire.services} == {
        k: (D(a), D(b)) for k, (a, b) in ONE_OFF_IT.items()
    }
    assert hampshire.total.one_off == Range(D(96), D(124))


def test_baseline_sums_by_partner(hampshire):
    got = {b.partner: (b.net, b.fte) for b in hampshire.baseline}
    assert got == {"HC": (D(12531), D("216.3")), "HFRS": (D(3216), D("54.7")), "HCC": (D(36657), D("603.1"))}


def test_published_hfrs_and_hcc_totals_that_do_not_match_their_rows_are_found(hampshire):
    found = {(f.code, f.message.split()[0]) for f in hampshire.findings}
    assert found == {
        ("BASELINE_TOTAL_MISMATCH", "HFRS"),
        ("FTE_TOTAL_MISMATCH", "HFRS"),
        ("BASELINE_TOTAL_MISMATCH", "HCC"),
    }
    hfrs = next(f for f in hampshire.findings if f.code == "BASELINE_TOTAL_MISMATCH" and f.message.startswith("HFRS"))
    assert "7,514" in hfrs.message and "3,216" in hfrs.message and hfrs.value == D(7514)
    assert {f.severity.value for f in hampshire.findings} == {"warning"}  # reported, and the returns are used


def test_the_rules_check_runs_on_one_return_give_consolidations_findings(hampshire):
    """jwmodel.rules over each partner's own rows and totals gives exactly the findings consolidation reports."""
    from jwmodel.rules import control_total_findings

    programme = hampshire_2012.programme()
    by_rules = [f for c in programme.control_totals for f in control_total_findings(c, programme.baseline)]
    assert by_rules == [f for f in hampshire.findings if f.code in ("BASELINE_TOTAL_MISMATCH", "FTE_TOTAL_MISMATCH")]


def test_apportionment_table_matches_the_published_one(hampshire):
    rows = {(r.service, r.option): r for r in hampshire.apportionment}
    ld = rows[("Learning & Development", "HC, HFRS and HCC")]
    assert ld.in_use and ld.method is Method.FIXED and ld.shares == {"HC": 40, "HFRS": 15, "HCC": 45}
    ld2 = rows[("Learning & Development", "HC and HCC")]
    assert not ld2.in_use and ld2.method is Method.BASELINE and ld2.shares == {"HC": 47, "HCC": 53}
    assert rows[("Facilities Management", "HC, HFRS and HCC")].shares == {"HC": 27, "HFRS": 7, "HCC": 66}
    assert rows[("Legal Services", "HC, HFRS and HCC")].shares == {"HC": 9, "HFRS": 1, "HCC": 90}
    assert rows[("Transport & Fleet Management", "HC, HFRS and HCC")].method is Method.NONE
    for service in ("Research & Analysis", "Estates & Property Services", "Media & Communications"):
        row = rows[(service, "HC, HFRS and HCC")]
        assert row.method is Method.DRIVER and "ILLUSTRATIVE" in row.basis


def test_estates_procurement_saving_is_borne_100_percent_by_hc(hampshire):
    line = next(x for x in hampshire.lines if x.category == "procurement")
    assert line.shares == {"HC": Range(D(-113), D(-150))}
    assert line.basis == "sole bearer HC"


def test_every_line_is_split_exactly_between_partners(hampshire):
    for line in hampshire.lines:
        if line.estimate == Range():
            continue
        assert line.included and line.apportioned, line
        assert sum((s.low for s in line.shares.values()), D(0)) == line.estimate.low
        assert sum((s.high for s in line.shares.values()), D(0)) == line.estimate.high


def test_partner_totals_add_up_to_the_programme_totals(hampshire):
    assert sum((p.recurring for p in hampshire.by_partner), Range()) == hampshire.total.recurring
    assert sum((p.one_off for p in hampshire.by_partner), Range()) == hampshire.total.one_off


def test_fm_saving_of_10_splits_2_7_and_0_7_and_6_6(hampshire):
    fm = [x for x in hampshire.lines if x.service == "Facilities Management" and x.kind == "saving"]
    net = {p: sum((x.shares[p] for x in fm), Range()) for p in ("HC", "HFRS", "HCC")}
    assert {p: r.low for p, r in net.items()} == {"HC": D("-2.7"), "HFRS": D("-0.7"), "HCC": D("-6.6")}


def test_learning_and_development_without_hfrs_drops_the_hfrs_dependent_savings_and_splits_47_53():
    result = consolidate(hampshire_2012.programme(), options={"Learning & Development": "HC and HCC"})
    ld = result.services[0]
    assert ld.recurring == Range(D(8), D(-15))
    assert result.options_in_use["Learning & Development"] == "HC and HCC"
    note = next(f for f in result.findings if f.code == "LINE_CONDITION_NOT_MET")
    assert "HFRS" in note.message
    shares = [x for x in result.lines if x.service == "Learning & Development" and x.included and x.kind == "saving"]
    assert shares[0].shares == {"HC": Range(D("3.76"), D("-7.05")), "HCC": Range(D("4.24"), D("-7.95"))}
    assert all("HFRS" not in x.shares for x in result.lines if x.service == "Learning & Development")


def test_an_unknown_option_is_reported_and_the_default_used():
    result = consolidate(hampshire_2012.programme(), options={"Learning & Development": "HC alone", "Payroll": "x"})
    codes = [f.code for f in result.findings]
    assert "OPTION_UNKNOWN" in codes and "OPTION_SERVICE_UNKNOWN" in codes
    assert result.options_in_use["Learning & Development"] == "HC, HFRS and HCC"


def _with_service(programme, name, **changes):
    services = tuple(dataclasses.replace(s, **changes) if s.name == name else s for s in programme.services)
    return dataclasses.replace(programme, services=services)


def test_a_saving_in_a_service_with_no_rule_is_found_and_not_lost():
    programme = hampshire_2012.programme()
    fm = programme.service("Facilities Management")
    none = dataclasses.replace(fm.options[0], rule=dataclasses.replace(fm.options[0].rule, method=Method.NONE))
    result = consolidate(_with_service(programme, "Facilities Management", options=(none,)))
    assert result.total.recurring == Range(D(-182), D(-337))  # still in the service totals
    errors = [f for f in result.findings if f.code == "NOT_APPORTIONED"]
    assert len(errors) == 3  # two saving lines and the one-off cost
    assert sum((p.recurring for p in result.by_partner), Range()) == Range(D(-172), D(-313))


def test_fixed_percentages_not_adding_to_100_are_found():
    programme = hampshire_2012.programme()
    ld = programme.service("Learning & Development")
    bad = dataclasses.replace(
        ld.options[0],
        rule=dataclasses.replace(ld.options[0].rule, percentages={"HC": D(40), "HFRS": D(15), "HCC": D(44)}),
    )
    result = consolidate(_with_service(programme, "Learning & Development", options=(bad, ld.options[1])))
    finding = next(f for f in result.findings if f.code == "PERCENT_SUM")
    assert "99" in finding.message and finding.severity.value == "error"


def test_a_driver_missing_for_a_participant_is_found():
    programme = hampshire_2012.programme()
    drivers = tuple(d for d in programme.drivers if not (d.service == "Media & Communications" and d.partner == "HFRS"))
    result = consolidate(dataclasses.replace(programme, drivers=drivers))
    finding = next(f for f in result.findings if f.code == "DRIVER_MISSING")
    assert "HFRS" in finding.message and "Media" in finding.message


def test_a_range_running_the_wrong_way_is_an_error_and_not_counted():
    programme = hampshire_2012.programme()
    bad = dataclasses.replace(programme.saving_lines[3], estimate=Range(D(-75), D(-56)))
    lines = (*programme.saving_lines[:3], bad, *programme.saving_lines[4:])
    result = consolidate(dataclasses.replace(programme, saving_lines=lines))
    assert any(f.code == "RANGE_NOT_ORDERED" for f in result.findings)
    assert result.total.cashable == Range(D(-13), D(-112))


@pytest.mark.parametrize("partner_order", [("HC", "HFRS", "HCC"), ("HCC", "HC", "HFRS"), ("HFRS", "HCC", "HC")])
def test_results_do_not_depend_on_partner_order(partner_order, hampshire):
    programme = hampshire_2012.programme()
    partners = tuple(next(p for p in programme.partners if p.code == c) for c in partner_order)
    result = consolidate(
        dataclasses.replace(
            programme,
            partners=partners,
            baseline=tuple(reversed(programme.baseline)),
            drivers=tuple(reversed(programme.drivers)),
        )
    )
    assert {p.partner: p for p in result.by_partner} == {p.partner: p for p in hampshire.by_partner}
    assert {(r.service, r.option): r.shares for r in result.apportionment} == {
        (r.service, r.option): r.shares for r in hampshire.apportionment
    }
