"""The yearly true-up (jwmodel.trueup): actual shares, tolerance, damping, balancing payments, settlement.

Every expected figure is worked out by hand in the comment beside it, from the rules in docs/apportionment.md
("The yearly true-up"); Hypothesis checks the invariants: payments add up to 0, a split within the tolerance
never moves, damping never lets a share move more than the cap (nor breaks the 100).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jwmodel.consolidation import consolidate
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
from jwmodel.money import whole_percent_shares
from jwmodel.monitoring import DriverActual, MonitoringReturn
from jwmodel.phasing import financial_years
from jwmodel.submissions import Cover
from jwmodel.trueup import Decision, Settlement, TrueUpSettings, damp, settle, settle_shares, true_up

YEARS = financial_years("2012/13", 3)
LEGAL, FM, ESTATES = "Legal", "Facilities", "Estates"


def _programme(*, legal_lines=None) -> Programme:
    """Legal split by the driver 'Cases' (A 50, B 30, C 20: 50/30/20); Facilities by net baseline (A 600, B 400:
    60/40); Estates fixed 70/30 (agreed, never trued up)."""
    everyone = ("A", "B", "C")
    services = (
        ServiceArea(LEGAL, (ParticipationOption("All", everyone, ApportionmentRule(Method.DRIVER, driver="Cases")),)),
        ServiceArea(FM, (ParticipationOption("A and B", ("A", "B"), ApportionmentRule(Method.BASELINE)),)),
        ServiceArea(
            ESTATES,
            (ParticipationOption("A and B", ("A", "B"), ApportionmentRule(Method.FIXED, {"A": D(70), "B": D(30)})),),
        ),
    )
    lines = legal_lines or (
        SavingLine(LEGAL, "Shared team", Category.CASHABLE_STAFFING, Range(D("-10.001"), D("-10.001")), line_id="L-S1"),
        SavingLine(LEGAL, "Case system", Category.NON_CASHABLE, Range(D(-50), D(-50)), line_id="L-S2"),
        SavingLine(LEGAL, "Library", Category.CASHABLE_NON_STAFF, Range(D(-8), D(-8)), sole_bearer="C", line_id="L-S3"),
    )
    return Programme(
        partners=tuple(Partner(p) for p in everyone),
        services=services,
        baseline=(BaselineEntry("A", FM, D(600), D(10)), BaselineEntry("B", FM, D(400), D(8))),
        saving_lines=(
            *lines,
            SavingLine(FM, "Joint contracts", Category.PROCUREMENT, Range(D(-20), D(-30)), line_id="F-S1"),
            SavingLine(ESTATES, "One office", Category.CASHABLE_NON_STAFF, Range(D(-40), D(-40)), line_id="E-S1"),
        ),
        one_off_costs=(OneOffCost(LEGAL, "Merging case files", OneOffType.IT, Range(D(30), D(30)), line_id="L-C1"),),
        drivers=tuple(DriverValue(LEGAL, "Cases", p, D(v)) for p, v in (("A", 50), ("B", 30), ("C", 20))),
    )


def _return(partner: str, period: str, *actuals: tuple[str, str, int]) -> MonitoringReturn:
    cover = Cover("jwmodel monitoring return", "1.0", period[:7], "", "", "2013-04-30", "1")
    stated = tuple(DriverActual(service, driver, "2012/13", D(value)) for service, driver, value in actuals)
    return MonitoringReturn(cover, partner, period, actuals=stated, file=f"monitoring-{partner}.xlsx")


def _run(returns, **kwargs):
    programme = _programme()
    return true_up(programme, consolidate(programme), returns, YEARS, TrueUpSettings("2012/13", **kwargs))


def _returns(legal=(40, 40, 20), fm=(600, 400)):
    return [
        _return("A", "2012/13 Q4", (LEGAL, "Cases", legal[0]), (FM, "baseline net", fm[0])),
        _return("B", "2012/13 Q4", (LEGAL, "cases", legal[1]), (FM, "Baseline net", fm[1])),
        _return("C", "2012/13 Q4", (LEGAL, "Cases", legal[2])),
    ]


def test_a_split_moved_beyond_the_tolerance_is_trued_up_and_the_payments_are_exact_to_the_pound():
    t = _run(_returns())
    legal = next(s for s in t.services if s.service == LEGAL)
    # Actual cases 40/40/20 give 40/40/20; A moves -10 and B +10 points, beyond 3: trued up.
    assert legal.decision is Decision.TRUED_UP and legal.moved == 10 and not legal.damped
    assert dict(legal.actual) == dict(legal.trued_up) == {"A": 40, "B": 40, "C": 20}
    # Shared lines in 2012/13: L-S1 (-10.001, full effect from the first year) and L-C1 (30, spent in the first
    # year). L-S2 is non-cashable and L-S3 has its own sole bearer: neither is shared. Amount: -10.001 + 30 = 19.999.
    assert legal.lines == ("L-S1", "L-C1") and legal.amount == D("19.999")
    # Paid at 50/30/20: L-S1 10,001 pounds = 5,000.5 / 3,000.3 / 2,000.2, the odd pound to A (largest remainder):
    # -5.001 / -3.000 / -2.000; L-C1 15 / 9 / 6. Paid: A 9.999, B 6.000, C 4.000.
    assert dict(legal.paid) == {"A": D("9.999"), "B": D("6.000"), "C": D("4.000")}
    # Due at 40/40/20: L-S1 4,000.4 / 4,000.4 / 2,000.2, the odd pound tied between A and B (equal remainders and
    # weights) goes to A, which sorts first: -4.001 / -4.000 / -2.000; L-C1 12 / 12 / 6. Due: 7.999, 8.000, 4.000.
    assert dict(legal.due) == {"A": D("7.999"), "B": D("8.000"), "C": D("4.000")}
    # Payments (due less paid): A 7.999 - 9.999 = -2.000 (receives), B 8.000 - 6.000 = 2.000 (pays), C 0.
    assert legal.payments == {"A": D("-2.000"), "B": D("2.000"), "C": D("0.000")}


def test_a_split_within_the_tolerance_stands_and_nobody_pays():
    # Net baseline 615/385 gives 61.5/38.5: the remainders tie and the larger weight (A) takes the point:
    # 62/38, a move of 2 points from 60/40: within 3, the estimate stands.
    t = _run(_returns(fm=(615, 385)))
    fm = next(s for s in t.services if s.service == FM)
    assert fm.decision is Decision.WITHIN_TOLERANCE and dict(fm.actual) == {"A": 62, "B": 38}
    assert dict(fm.trued_up) == {"A": 60, "B": 40}
    # F-S1 central of -20/-30 is -25; paid and due both 60/40: -15 / -10; no payment.
    assert dict(fm.paid) == dict(fm.due) == {"A": D("-15.000"), "B": D("-10.000")}
    assert set(fm.payments.values()) == {D(0)}


def test_a_move_of_exactly_the_tolerance_stands():
    # Net baseline 630/370: 63/37, a move of exactly 3 points: the estimate stands.
    fm = next(s for s in _run(_returns(fm=(630, 370))).services if s.service == FM)
    assert fm.decision is Decision.WITHIN_TOLERANCE and fm.moved == 3


def test_damping_scales_every_move_down_together_and_the_payments_follow():
    t = _run(_returns(), cap=4)
    legal = next(s for s in t.services if s.service == LEGAL)
    # Moves -10/+10/0, the largest 10 beyond the cap of 4: each scaled by 4/10 to -4/+4/0: 46/34/20.
    assert legal.damped and dict(legal.trued_up) == {"A": 46, "B": 34, "C": 20}
    # Due at 46/34/20: L-S1 4,600.46 / 3,400.34 / 2,000.2, the odd pound to A (remainder .46): -4.601 / -3.400 /
    # -2.000; L-C1 13.8 / 10.2 / 6. Due: A 9.199, B 6.800, C 4.000; paid 9.999 / 6.000 / 4.000.
    assert legal.payments == {"A": D("-0.800"), "B": D("0.800"), "C": D("0.000")}


def test_the_balances_add_the_services_and_the_settlement_says_who_pays_whom():
    # Legal as above (A -2, B +2); Facilities 700/300 gives 70/30, 10 points from 60/40: trued up. F-S1 -25:
    # paid -15 / -10, due -17.5 / -7.5: A -2.5 (its share of the saving grows: it receives), B +2.5.
    t = _run(_returns(fm=(700, 300)))
    assert t.balances == {"A": D("-4.500"), "B": D("4.500"), "C": D("0.000")}
    assert t.settlements == (Settlement("B", "A", D("4.500")),)
    # Estates is fixed 70/30: listed, not trued up, no payment.
    estates = next(s for s in t.services if s.service == ESTATES)
    assert estates.decision is Decision.NOT_TRUED and set(estates.payments.values()) == {D(0)}


def test_a_later_period_restates_an_actual_and_a_missing_one_leaves_the_estimate_standing():
    returns = [
        *_returns(),
        _return("A", "2012/13 Q2", (LEGAL, "Cases", 99)),  # an earlier period: replaced by Q4's 40
    ]
    legal = next(s for s in _run(returns).services if s.service == LEGAL)
    assert dict(legal.actual) == {"A": 40, "B": 40, "C": 20}
    t = _run(_returns()[:2])  # C sends no actual for Legal
    legal = next(s for s in t.services if s.service == LEGAL)
    assert legal.decision is Decision.NO_ACTUALS and set(legal.payments.values()) == {D(0)}
    assert [f.code for f in t.findings] == ["ACTUALS_MISSING"]
    assert "from C" in t.findings[0].message


def test_actuals_for_an_unknown_service_or_an_unused_driver_are_reported_where_they_were_typed():
    returns = [*_returns(), _return("C", "2012/13 Q4", ("Catering", "Meals", 5), (ESTATES, "Desks", 3))]
    codes = sorted(f.code for f in _run(returns).findings)
    assert codes == ["ACTUALS_NOT_USED", "ACTUALS_SERVICE_UNKNOWN"]


def test_actuals_that_cannot_give_a_split_leave_the_estimate_standing_with_a_located_error():
    # Every Facilities actual is 0: there is no basis to split on (SHARES_IMPOSSIBLE), located to an actual's row.
    where = Location("monitoring-A.xlsx", "Actual drivers", "A5")
    returns = [
        *_returns()[:1],
        _return("B", "2012/13 Q4", (LEGAL, "Cases", 40)),
        _return("C", "2012/13 Q4", (LEGAL, "Cases", 20)),
    ]
    returns[0] = MonitoringReturn(
        returns[0].cover,
        "A",
        "2012/13 Q4",
        actuals=(
            DriverActual(LEGAL, "Cases", "2012/13", D(40)),
            DriverActual(FM, "baseline net", "2012/13", D(0), "", where),
        ),
    )
    returns.append(
        MonitoringReturn(
            returns[0].cover, "B", "2012/13 Q3", actuals=(DriverActual(FM, "baseline net", "2012/13", D(0)),)
        )
    )
    t = _run(returns)
    fm = next(s for s in t.services if s.service == FM)
    assert fm.decision is Decision.UNUSABLE and dict(fm.trued_up) == {"A": 60, "B": 40}
    assert set(fm.payments.values()) == {D(0)}
    (finding,) = t.findings
    assert finding.code == "SHARES_IMPOSSIBLE" and finding.where == where and "2012/13" in finding.message


def test_settlement_uses_the_fewest_transfers():
    # Greedy (largest payer to largest receiver) would take 4: A->C 4, B->D 3, A->E 1, B->E 1. B and C clear
    # each other (4 - 4), and A, D, E do (5 - 3 - 2): 1 + 2 = 3 transfers.
    balances = {"A": D(5), "B": D(4), "C": D(-4), "D": D(-3), "E": D(-2)}
    assert settle(balances) == (
        Settlement("A", "D", D(3)),
        Settlement("A", "E", D(2)),
        Settlement("B", "C", D(4)),
    )


def test_balances_that_do_not_add_up_to_zero_cannot_be_settled():
    with pytest.raises(ValueError):
        settle({"A": D(1), "B": D(-2)})


# --- invariants (Hypothesis) -------------------------------------------------------------------------

CODES = ("A", "B", "C", "D", "E")


@st.composite
def splits(draw, n: int | None = None) -> dict[str, D]:
    """Whole percentages adding up to 100 for 2 to 5 partners."""
    n = n or draw(st.integers(2, 5))
    weights = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n).filter(any))
    return {k: D(v) for k, v in whole_percent_shares(dict(zip(CODES, weights, strict=False)), minimum=0).items()}


@st.composite
def pairs(draw) -> tuple[dict[str, D], dict[str, D]]:
    n = draw(st.integers(2, 5))
    return draw(splits(n)), draw(splits(n))


@given(pairs(), st.integers(0, 20))
@settings(max_examples=500)
def test_damping_never_lets_a_share_move_more_than_the_cap_nor_breaks_the_hundred(pair, cap):
    estimated, actual = pair
    damped = damp(estimated, actual, cap)
    assert sum(damped.values()) == 100 and all(v == int(v) and v >= 0 for v in damped.values())
    assert all(abs(damped[p] - estimated[p]) <= cap for p in estimated)
    # every share lies between its estimate and its actual
    assert all(min(estimated[p], actual[p]) <= damped[p] <= max(estimated[p], actual[p]) for p in estimated)


@given(pairs(), st.integers(0, 10))
@settings(max_examples=300)
def test_a_split_within_the_tolerance_never_moves(pair, tolerance):
    estimated, actual = pair
    trued, decision, damped = settle_shares(estimated, actual, tolerance=D(tolerance))
    largest = max(abs(actual[p] - estimated[p]) for p in estimated)
    if largest <= tolerance:
        assert trued == estimated and decision is Decision.WITHIN_TOLERANCE and not damped
    else:
        assert trued == actual and decision is Decision.TRUED_UP


_amounts = st.integers(-500_000, 500_000).map(lambda units: D(units) / 1000)


@given(
    st.lists(_amounts, min_size=1, max_size=4),
    st.lists(st.integers(0, 1000), min_size=3, max_size=3).filter(any),
    st.lists(st.integers(0, 1000), min_size=2, max_size=2).filter(any),
    st.sampled_from([None, 0, 2, 5]),
)
@settings(max_examples=150, deadline=None)
def test_true_up_payments_always_add_up_to_zero(amounts, legal, fm, cap):
    lines = tuple(
        SavingLine(LEGAL, f"Line {i}", Category.CASHABLE_STAFFING, Range(a, a), line_id=f"L-{i}")
        for i, a in enumerate(amounts)
    )
    programme = _programme(legal_lines=lines)
    t = true_up(programme, consolidate(programme), _returns(legal, fm), YEARS, TrueUpSettings("2012/13", cap=cap))
    for s in t.services:
        assert sum(s.payments.values(), D(0)) == 0
        if s.decision is not Decision.TRUED_UP:  # within tolerance (or not trued up): nothing moves, nobody pays
            assert s.trued_up == s.estimated and set(s.payments.values()) <= {D(0)}
        assert sum(s.paid.values(), D(0)) == sum(s.due.values(), D(0)) == s.amount
        assert all(v == v.quantize(D("0.001")) for v in s.payments.values())
    assert sum(t.balances.values(), D(0)) == 0
    received = {p: D(0) for p in t.partners}
    for x in t.settlements:
        assert x.amount > 0
        received[x.payer] += x.amount
        received[x.payee] -= x.amount
    assert received == t.balances


@given(st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=7))
@settings(max_examples=300)
def test_the_settlement_clears_every_balance_in_fewer_transfers_than_partners(values):
    balances = {c: D(v) for c, v in zip("ABCDEFG", values, strict=False)}
    balances["Z"] = -sum(balances.values(), D(0))
    transfers = settle(balances)
    left = dict(balances)
    for x in transfers:
        left[x.payer] -= x.amount
        left[x.payee] += x.amount
    assert set(left.values()) <= {D(0)}
    assert len(transfers) <= max(0, sum(1 for v in balances.values() if v) - 1)
