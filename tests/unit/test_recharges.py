"""Recharges between partners (jwmodel.recharges): matching, elimination and the schedule, worked by hand.

The rules are docs/apportionment.md's "Recharges between partners". Every expected figure is worked
out in the comment beside it from the rule, never by calling the code under test.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel.codes import Code
from jwmodel.consolidation import consolidate
from jwmodel.findings import Location
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    Method,
    ParticipationOption,
    Partner,
    Programme,
    Range,
    Recharge,
    RechargeDirection,
    SavingLine,
    ServiceArea,
)
from jwmodel.recharges import MATCHED, PAYER_ONLY, RECEIVER_ONLY, charges_findings, recharge_row_findings, reconcile

PAYS, RECEIVES = RechargeDirection.PAYS, RechargeDirection.RECEIVES
PLAN = ("2012/13", "2013/14", "2014/15")
ICT = "ICT"
AT_A = Location("return-A.xlsx", "Recharges", "A5")  # the host's row
AT_B = Location("return-B.xlsx", "Recharges", "A5")  # the payer's row


def _programme(
    recharges: tuple[Recharge, ...], *, b_charges: int | None = 150, partners: tuple[str, ...] = ("A", "B")
) -> Programme:
    """A hosts ICT (gross = net 1,000); B pays A for it: gross 450 less charges 150 = net 300 (C: net 200)."""
    b_gross = D(300) + (D(b_charges) if b_charges is not None else D(0))
    baseline = [
        BaselineEntry("A", ICT, D(1000), D(20), D(1000), None),
        BaselineEntry("B", ICT, D(300), D(5), b_gross, D(b_charges) if b_charges is not None else None),
        BaselineEntry("C", ICT, D(200), D(4)),
    ]
    option = ParticipationOption("A and B", partners, ApportionmentRule(Method.BASELINE), default=True)
    line = SavingLine(ICT, "Shared ICT", Category.CASHABLE_NON_STAFF, Range(D(-60), D(-90)))
    return Programme(
        (Partner("A"), Partner("B"), Partner("C")),
        (ServiceArea(ICT, (option,)),),
        tuple(baseline),
        (),
        (line,),
        recharges=recharges,
    )


def _run(programme: Programme):
    return reconcile(programme, consolidate(programme).options_in_use, PLAN, "2012/13")


def _both_sides(paid: int, received: int) -> tuple[Recharge, ...]:
    return (
        Recharge("B", "A", PAYS, ICT, D(paid), where=AT_B),
        Recharge("A", "B", RECEIVES, ICT, D(received), where=AT_A),
    )


def test_a_matched_recharge_is_eliminated_once_so_the_host_cost_counts_once():
    result = _run(_programme(_both_sides(150, 150)))
    # each of the plan's 3 years: B pays 150 (blank years: from the baseline year to the plan's end), A receives 150
    assert [(m.payer, m.receiver, m.year, m.paid, m.received, m.status) for m in result.matches] == [
        ("B", "A", year, D(150), D(150), MATCHED) for year in PLAN
    ]
    assert not result.findings
    ict = result.eliminations[0]
    # gross: A 1,000 + B (300 + 150) + C 200 = 1,650; eliminated: what B pays in 2012/13 = 150
    assert (ict.gross, ict.eliminated) == (D(1650), D(150))
    # programme baseline: 1,650 - 150 = 1,500 = the nets 1,000 + 300 + 200: A's cost once, B's payment not again
    assert ict.consolidated == D(1500) == ict.net
    # the schedule: A invoices B 150 in each year of the plan
    assert [(m.year, m.receiver, m.payer, m.invoiced) for m in result.schedule] == [
        (year, "A", "B", D(150)) for year in PLAN
    ]


def test_a_mismatch_is_a_warning_at_the_payer_naming_the_receivers_row_and_the_difference():
    result = _run(_programme(_both_sides(150, 140)))
    (finding,) = result.findings
    assert finding.code == Code.RECHARGE_MISMATCH
    assert finding.where == AT_B  # the payer's row, where the finding is located
    assert str(AT_A) in finding.message  # the receiver's row, named in the message
    assert "2012/13 to 2014/15" in finding.message  # one finding for the three years with the same amounts
    assert "difference 10" in finding.message and finding.value == D(10)  # 150 paid - 140 received
    ict = result.eliminations[0]
    # the payer's 150 is what its gross holds: eliminated whole, 1,650 - 150 = 1,500
    assert (ict.eliminated, ict.consolidated) == (D(150), D(1500))
    # the schedule invoices the receiver's amount, 140, flagged as differing
    assert {(m.invoiced, m.status) for m in result.schedule} == {(D(140), "differs")}


def test_a_charge_stated_by_the_payer_only_is_located_there_and_still_eliminated():
    result = _run(_programme(_both_sides(150, 0)[:1]))
    (finding,) = result.findings
    assert (finding.code, finding.where) == (Code.RECHARGE_ONE_SIDED, AT_B)
    assert "A's return states no such charge" in finding.message and "difference 150" in finding.message
    assert {m.status for m in result.matches} == {PAYER_ONLY}
    assert result.eliminations[0].consolidated == D(1500)  # 1,650 - 150, as when matched


def test_a_charge_stated_by_the_receiver_only_eliminates_nothing():
    programme = _programme(_both_sides(0, 150)[1:], b_charges=None)  # B's net 300 is its gross: it pays nothing
    result = _run(programme)
    (finding,) = result.findings
    assert (finding.code, finding.where) == (Code.RECHARGE_ONE_SIDED, AT_A)
    assert "difference -150" in finding.message  # nothing paid - 150 received
    assert {m.status for m in result.matches} == {RECEIVER_ONLY}
    ict = result.eliminations[0]
    # gross 1,000 + 300 + 200 = 1,500; nothing is in a payer's gross to eliminate
    assert (ict.gross, ict.eliminated, ict.consolidated) == (D(1500), D(0), D(1500))


def test_charges_left_out_of_the_baseline_are_reported_and_the_elimination_removes_the_double_count():
    # B pays A 150 but its baseline gives no charges: its net is its gross 300 + 150 = 450 (b_charges=None
    # makes gross 300; here the payment is in it, so gross and net are 450)
    entry = BaselineEntry("B", ICT, D(450), D(5), D(450), None, where=Location("return-B.xlsx", "Baseline", "A5"))
    programme = dataclasses.replace(
        _programme(_both_sides(150, 150)),
        baseline=(BaselineEntry("A", ICT, D(1000), D(20), D(1000), None), entry, BaselineEntry("C", ICT, D(200), D(4))),
    )
    result = _run(programme)
    (finding,) = result.findings
    assert (finding.code, finding.where) == (Code.RECHARGE_CHARGES_DIFFER, entry.where)
    assert str(AT_B) in finding.message and "difference -150" in finding.message  # charges 0 - paid 150
    ict = result.eliminations[0]
    # the nets add up to 1,000 + 450 + 200 = 1,650, counting the 150 twice (at A and in B's net);
    # gross 1,650 less the 150 B pays = 1,500
    assert (ict.net, ict.consolidated) == (D(1650), D(1500))


def test_a_payment_for_a_service_with_no_baseline_row_is_reported_and_not_eliminated():
    # C (net 200, no charges) says it pays A 80 for HR, where it gives no baseline row: nothing holds the 80
    at_c = Location("return-C.xlsx", "Recharges", "A5")
    recharges = (
        *_both_sides(150, 150),
        Recharge("C", "A", PAYS, "HR", D(80), where=at_c),
        Recharge("A", "C", RECEIVES, "HR", D(80), where=AT_A),
    )
    result = _run(_programme(recharges))
    (finding,) = result.findings
    assert (finding.code, finding.where, finding.value) == (Code.RECHARGE_CHARGES_DIFFER, at_c, D(80))
    assert "no baseline row for HR" in finding.message
    # ICT as before: 1,650 - 150 = 1,500; HR has no baseline rows and nothing is eliminated from it
    assert result.total.eliminated == D(150) and result.total.consolidated == D(1500)


def test_a_charge_between_partners_not_both_taking_part_is_matched_but_not_scheduled():
    recharges = (
        *_both_sides(150, 150),
        Recharge("C", "A", PAYS, ICT, D(80), "2013/14", where=Location("return-C.xlsx", "Recharges", "A5")),
        Recharge("A", "C", RECEIVES, ICT, D(80), "2013/14", where=Location("return-A.xlsx", "Recharges", "A6")),
    )
    result = _run(_programme(recharges))  # the option in use: A and B only
    c_rows = [m for m in result.matches if m.payer == "C"]
    assert [(m.year, m.matched, m.applies) for m in c_rows] == [("2013/14", True, False), ("2014/15", True, False)]
    assert {m.payer for m in result.schedule} == {"B"}
    with_c = _run(_programme(recharges, partners=("A", "B", "C")))
    # 3 years of B's 150, then C's 80 in 2013/14 and 2014/15, in year order
    assert [(m.year, m.payer, m.invoiced) for m in with_c.schedule] == [
        ("2012/13", "B", D(150)),
        ("2013/14", "B", D(150)),
        ("2013/14", "C", D(80)),
        ("2014/15", "B", D(150)),
        ("2014/15", "C", D(80)),
    ]
    # C pays from 2013/14 only: nothing of it is in the 2012/13 baseline, so only B's 150 is eliminated
    assert with_c.eliminations[0].eliminated == D(150)


def test_a_charge_that_changes_over_the_years_is_matched_year_by_year():
    recharges = (
        Recharge("B", "A", PAYS, ICT, D(150), to_year="2012/13", where=AT_B),
        Recharge("B", "A", PAYS, ICT, D(250), from_year="2013/14", where=Location("return-B.xlsx", "Recharges", "A6")),
        Recharge("A", "B", RECEIVES, ICT, D(150), to_year="2012/13", where=AT_A),
        Recharge("A", "B", RECEIVES, ICT, D(250), from_year="2013/14", where=AT_A),
    )
    result = _run(_programme(recharges))
    assert [(m.year, m.paid, m.matched) for m in result.matches] == [
        ("2012/13", D(150), True),
        ("2013/14", D(250), True),
        ("2014/15", D(250), True),
    ]
    assert not result.findings


def test_a_row_outside_the_plan_is_reported_and_not_counted():
    late = Recharge("B", "A", PAYS, ICT, D(40), "2020/21", where=AT_B)
    result = _run(_programme((late,), b_charges=None))  # B pays nothing in the baseline year
    assert [f.code for f in result.findings] == [Code.RECHARGE_OUTSIDE_PLAN]
    assert result.matches == ()


def test_a_return_cannot_charge_itself_reverse_its_years_or_state_a_charge_twice():
    rows = (
        Recharge("A", "A", PAYS, ICT, D(10), where=Location("r.xlsx", "Recharges", "A5")),
        Recharge("A", "B", RECEIVES, ICT, D(10), "2014/15", "2013/14", where=Location("r.xlsx", "Recharges", "A6")),
        Recharge("A", "B", RECEIVES, ICT, D(10), "2013/14", where=Location("r.xlsx", "Recharges", "A7")),
        Recharge("A", "B", RECEIVES, ICT, D(20), "2012/13", "2013/14", where=Location("r.xlsx", "Recharges", "A8")),
        Recharge("A", "B", PAYS, ICT, D(5), "2012/13", "2013/14", where=Location("r.xlsx", "Recharges", "A9")),
    )
    found = recharge_row_findings(rows)
    # A5 itself; A6 to before from; A8 overlaps A7 in 2013/14; A9 is the other direction: no overlap
    assert [(f.code, f.where.cell) for f in found] == [
        (Code.RECHARGE_SELF, "A5"),
        (Code.RECHARGE_YEARS, "A6"),
        (Code.RECHARGE_DUPLICATE, "A8"),
    ]
    assert "A7" in found[2].message  # the row it overlaps is named


def test_a_row_with_an_error_is_not_matched():
    twice = (*_both_sides(150, 150), Recharge("B", "A", PAYS, ICT, D(999), where=Location("return-B.xlsx", "R", "A9")))
    result = _run(_programme(twice))
    assert {m.paid for m in result.matches} == {D(150)}  # the second row (A9) is not counted
    assert [f.code for f in result.findings] == [Code.RECHARGE_DUPLICATE]


def test_a_partner_stating_no_recharges_is_not_held_to_its_charges():
    baseline = (BaselineEntry("B", ICT, D(300), D(5), D(450), D(150)),)
    assert charges_findings(baseline, (), "2012/13") == ()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([("B", "A"), ("C", "A"), ("A", "B"), ("C", "B")]),
            st.integers(min_value=0, max_value=5_000_000).map(lambda n: D(n) / 1000),
        ),
        max_size=4,
        unique_by=lambda x: x[0],
    )
)
def test_matched_recharges_leave_the_programme_totals_unchanged_whatever_their_amounts(charges):
    base = _programme((), b_charges=None, partners=("A", "B", "C"))  # no charges anywhere: gross = net
    baseline = {e.partner: e for e in base.baseline}
    recharges: list[Recharge] = []
    for (payer, receiver), amount in charges:
        # the payer's gross holds what it pays and its charges take it out again: its net does not move
        e = baseline[payer]
        baseline[payer] = dataclasses.replace(e, gross=(e.gross or e.net) + amount, charges=(e.charges or 0) + amount)
        recharges += [Recharge(payer, receiver, PAYS, ICT, amount), Recharge(receiver, payer, RECEIVES, ICT, amount)]
    programme = dataclasses.replace(base, baseline=tuple(baseline.values()), recharges=tuple(recharges))
    result = _run(programme)
    assert all(m.matched for m in result.matches) and not result.findings
    # the programme's baseline: 1,000 + 300 + 200 = 1,500 however much is charged
    assert result.total.consolidated == D(1500) == result.total.net
    assert result.total.gross - result.total.eliminated == D(1500)
    before, after = consolidate(base), consolidate(programme)
    assert (after.total, after.by_partner) == (before.total, before.by_partner)  # Appendix A and shares too
