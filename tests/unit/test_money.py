"""Exact splits of money and whole-percentage shares: examples and invariants."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.consolidation import split_range
from jwmodel.model import Range
from jwmodel.money import POUND, MoneyError, allocate, apportion, display, split_units, whole_percent_shares

codes = st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=4)
weights = st.dictionaries(codes, st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8).filter(
    lambda w: sum(w.values()) > 0
)
amounts = st.integers(min_value=-(10**9), max_value=10**9).map(lambda units: Decimal(units) * POUND)


def test_fm_baseline_shares_are_27_7_66():
    assert whole_percent_shares({"HC": 1314, "HFRS": 333, "HCC": 3253}) == {"HC": 27, "HFRS": 7, "HCC": 66}


def test_legal_split_gives_every_partner_at_least_one_percent():
    assert whole_percent_shares({"HC": 430, "HFRS": 21, "HCC": 4091}) == {"HC": 9, "HFRS": 1, "HCC": 90}


def test_learning_and_development_without_hfrs_is_47_53():
    assert whole_percent_shares({"HC": 1452, "HCC": 1637}) == {"HC": 47, "HCC": 53}


def test_apportioning_minus_10_by_fm_shares():
    assert apportion(Decimal(-10), {"HC": 27, "HFRS": 7, "HCC": 66}) == {
        "HC": Decimal("-2.7"),
        "HFRS": Decimal("-0.7"),
        "HCC": Decimal("-6.6"),
    }


def test_100_split_three_ways_at_one_pound_adds_up_to_exactly_100():
    shares = allocate(100, {"A": 1, "B": 1, "C": 1})
    assert sum(shares.values()) == 100
    assert sorted(shares.values()) == [Decimal("33.333"), Decimal("33.333"), Decimal("33.334")]


def test_negative_amounts_split_as_the_mirror_of_positive_ones():
    assert allocate(Decimal("-0.002"), {"A": 1, "B": 1, "C": 1}) == {
        k: -v for k, v in allocate(Decimal("0.002"), {"A": 1, "B": 1, "C": 1}).items()
    }


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: allocate(Decimal("1.0005"), {"A": 1}), "more precise"),
        (lambda: allocate(1, {"A": -1, "B": 2}), "negative"),
        (lambda: allocate(1, {"A": 0, "B": 0}), "all weights are zero"),
        (lambda: allocate(1, {}), "no weights"),
        (lambda: apportion(1, {"A": 60, "B": 30}), "add up to 90"),
        (lambda: whole_percent_shares({str(i): 1 for i in range(101)}), "cannot each have at least 1%"),
        (lambda: allocate("nan", {"A": 1}), "finite"),
    ],
)
def test_impossible_splits_say_why(call, message):
    with pytest.raises(MoneyError, match=message):
        call()


def test_display_drops_trailing_zeros_and_groups_thousands():
    assert [display(Decimal(x)) for x in ("7514.000", "-2.700", "0.001", "0")] == ["7,514", "-2.7", "0.001", "0"]


@given(amounts, weights)
def test_allocation_adds_up_exactly_to_the_amount(amount, w):
    shares = allocate(amount, w)
    assert sum(shares.values()) == amount
    assert all(s == s.quantize(POUND) for s in shares.values())


@given(amounts, weights)
def test_allocation_never_gives_a_share_of_the_opposite_sign(amount, w):
    shares = allocate(amount, w)
    assert all(s * amount >= 0 for s in shares.values())
    assert all(shares[k] == 0 for k, v in w.items() if v == 0)


@given(amounts, weights, st.randoms())
def test_allocation_does_not_depend_on_partner_order(amount, w, rnd):
    keys = list(w)
    rnd.shuffle(keys)
    assert allocate(amount, {k: w[k] for k in keys}) == allocate(amount, w)


@given(st.integers(min_value=0, max_value=10**6), weights)
def test_each_share_is_within_one_unit_of_its_exact_quota(units, w):
    shares = split_units(units, w)
    total = sum(w.values())
    for k, v in w.items():
        assert abs(shares[k] - units * v / total) < 1


@given(weights, st.integers(min_value=0, max_value=5))
def test_whole_percent_shares_sum_to_100_with_the_minimum_respected(w, minimum):
    if minimum * len(w) > 100:
        with pytest.raises(MoneyError):
            whole_percent_shares(w, minimum=minimum)
        return
    shares = whole_percent_shares(w, minimum=minimum)
    assert sum(shares.values()) == 100
    assert all(isinstance(v, int) and v >= minimum for v in shares.values())


@given(weights, st.randoms())
def test_whole_percent_shares_do_not_depend_on_partner_order(w, rnd):
    keys = list(w)
    rnd.shuffle(keys)
    assert whole_percent_shares({k: w[k] for k in keys}) == whole_percent_shares(w)


@given(weights)
def test_a_bigger_weight_never_gets_a_smaller_percentage(w):
    shares = whole_percent_shares(w)
    for a in w:
        for b in w:
            if w[a] > w[b]:
                assert shares[a] >= shares[b]


@given(
    amounts,
    amounts,
    st.dictionaries(codes, st.integers(min_value=0, max_value=100), min_size=1, max_size=6).filter(
        lambda w: sum(w.values()) > 0
    ),
)
def test_split_ranges_stay_ordered_for_every_partner_and_add_up(a, b, w):
    estimate = Range(max(a, b), min(a, b))
    shares = split_range(estimate, w)
    assert sum((s.low for s in shares.values()), Decimal(0)) == estimate.low
    assert sum((s.high for s in shares.values()), Decimal(0)) == estimate.high
    assert all(s.low >= s.high for s in shares.values())
    cost = Range(min(a, b), max(a, b))
    assert all(s.low <= s.high for s in split_range(cost, w).values())


def test_split_range_repairs_the_alabama_paradox():
    # Largest remainder alone would give C more of the smaller bound here; the repair keeps order.
    rng = random.Random(7)
    for _ in range(2000):
        w = {k: rng.randint(1, 50) for k in "ABC"}
        low, high = sorted((Decimal(rng.randint(0, 40)) * POUND, Decimal(rng.randint(0, 40)) * POUND))
        for s in split_range(Range(low, high), w).values():
            assert s.low <= s.high


# --- one rounding to £1 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.0005", "1.001"),  # a cost's half goes up: the bigger cost
        ("-1.0005", "-1.000"),  # a saving's half goes to the smaller saving
        ("0.0005", "0.001"),
        ("-0.0005", "0.000"),
        ("2.0015", "2.002"),  # no banker's rounding: every positive half goes up
        ("-2.0015", "-2.001"),  # and every negative half towards zero
        ("1.00049", "1.000"),
        ("-1.00051", "-1.001"),
        ("7", "7.000"),
    ],
)
def test_round_to_pound_sends_halves_towards_plus_infinity(value, expected):
    from jwmodel.money import round_to_pound

    assert str(round_to_pound(Decimal(value))) == expected


def test_the_reader_and_the_phasing_round_with_the_same_function():
    from jwmodel.cells import to_pounds
    from jwmodel.money import round_to_pound
    from jwmodel.phasing import round_to_pound as phasing_rounding

    assert phasing_rounding is round_to_pound
    for value in ("1.0005", "-1.0005", "-2.0015", "3.14159", "-3.14159"):
        assert to_pounds(Decimal(value)) == round_to_pound(Decimal(value))
    assert to_pounds(Decimal("-1.0005")) == Decimal("-1.000")  # it gave -1.001 when it had its own rule


def test_a_decimal_is_accepted_wherever_a_number_is():
    from jwmodel.cells import CellError, parse_number

    assert parse_number(Decimal("10.5")) == Decimal("10.5")
    with pytest.raises(CellError):
        parse_number(Decimal("NaN"))
    with pytest.raises(CellError):
        parse_number(Decimal("Infinity"))


# --- weights scaled once (issue 14): a line's percentages are a FrozenMap, split for every figure ---


def test_weights_given_as_a_frozen_map_split_as_the_same_weights_given_as_a_dict():
    from jwmodel.model import FrozenMap

    frozen = FrozenMap({"HC": Decimal(27), "HFRS": Decimal(7), "HCC": Decimal(66)})
    assert split_units(100, frozen) == {"HC": 27, "HFRS": 7, "HCC": 66}
    # 101 units: quotas 27.27, 7.07, 66.66; the one unit left goes to the largest remainder, HCC
    assert split_units(101, frozen) == {"HC": 27, "HFRS": 7, "HCC": 67}
    # -7 units split as 7 then negated: quotas 1.89, 0.49, 4.62; two left go to HC (.89) and HCC (.62)
    assert split_units(-7, frozen) == {"HC": -2, "HFRS": 0, "HCC": -5}
    assert allocate(Decimal("-10"), frozen) == {
        "HC": Decimal("-2.700"),
        "HFRS": Decimal("-0.700"),
        "HCC": Decimal("-6.600"),
    }
    # 0.001 three ways at 27/7/66: the one unit goes to the largest remainder, HCC (0.66 of a unit)
    assert allocate(Decimal("0.001"), frozen) == {
        "HC": Decimal("0.000"),
        "HFRS": Decimal("0.000"),
        "HCC": Decimal("0.001"),
    }


def test_frozen_weights_equal_but_in_another_order_keep_the_order_they_are_given_in():
    from jwmodel.model import FrozenMap

    first = FrozenMap({"A": Decimal(1), "B": Decimal(2)})
    second = FrozenMap({"B": Decimal(2), "A": Decimal(1)})  # equal (and so one cache entry) but ordered B, A
    assert list(allocate(Decimal("3"), first)) == ["A", "B"]
    assert list(allocate(Decimal("3"), second)) == ["B", "A"]
    assert allocate(Decimal("3"), second) == {"A": Decimal("1.000"), "B": Decimal("2.000")}


def test_frozen_weights_that_cannot_be_used_are_refused_every_time():
    from jwmodel.model import FrozenMap

    negative = FrozenMap({"A": Decimal(-1), "B": Decimal(2)})
    zero = FrozenMap({"A": Decimal(0)})
    for _ in range(2):  # a refusal is not remembered as a result
        with pytest.raises(MoneyError, match="weight for 'A': -1 is negative"):
            allocate(Decimal(1), negative)
        with pytest.raises(MoneyError, match="all weights are zero"):
            allocate(Decimal(1), zero)
