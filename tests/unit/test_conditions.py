"""Conditions on a line ("Applies if"): every form, precedence, errors, and the one predicate over an option."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwmodel.conditions import (
    All,
    AnyOf,
    Condition,
    ConditionError,
    Joins,
    Not,
    Under,
    parse_condition,
    render,
    unknown_names,
)
from jwmodel.consolidation import line_applies
from jwmodel.findings import Location
from jwmodel.model import ApportionmentRule, Category, Method, ParticipationOption, Range, SavingLine

TWO = ParticipationOption("EHC and SBC", ("EHC", "SBC"), ApportionmentRule(Method.BASELINE))
THREE = ParticipationOption("EHC, SBC and NHDC", ("EHC", "SBC", "NHDC"), ApportionmentRule(Method.BASELINE))


def _holds(text: str) -> tuple[bool, bool]:
    """Whether the condition holds under the two-council option and under the three-council one."""
    condition = parse_condition(text)
    return condition.holds(TWO), condition.holds(THREE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHDC joins", (False, True)),
        ("NHDC", (False, True)),  # a bare code, as older files hold it
        ("NHDC does not join", (True, False)),
        ("NHDC doesn't join", (True, False)),
        ('option "EHC, SBC and NHDC"', (False, True)),
        ('under "EHC and SBC"', (True, False)),
        ("under “EHC and SBC”", (True, False)),  # Excel's autocorrect types curly quotes
        ("EHC joins and NHDC joins", (False, True)),
        ("NHDC joins or SBC joins", (True, True)),
        ("not (NHDC joins or EHC joins)", (False, False)),
        ("not NHDC joins", (True, False)),
        ("nhdc JOINS", (False, False)),  # keywords in any case; a code is as typed (nhdc is no partner)
        ("NHDC Joins", (False, True)),
    ],
)
def test_each_form_holds_under_the_options_it_says(text, expected):
    assert _holds(text) == expected


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    # A or (B and (not C)), not ((A or B) and not C) nor A or B and not (C)...
    condition = parse_condition("A joins or B joins and not C joins")
    assert condition.expr == AnyOf((Joins("A"), All((Joins("B"), Not(Joins("C"))))))
    # under an option of B and C only: A no; B and not C: no -> False; the other grouping would say False too,
    # so also check one where they differ: A and C join (A or ... holds; (A or B) and not C does not)
    assert condition.holds(ParticipationOption("x", ("A", "C"), ApportionmentRule(Method.NONE)))
    grouped = parse_condition("(A joins or B joins) and not C joins")
    assert not grouped.holds(ParticipationOption("x", ("A", "C"), ApportionmentRule(Method.NONE)))


def test_a_condition_keeps_the_text_as_typed_and_compares_by_meaning():
    typed = parse_condition("  NHDC  joins ")
    assert typed.text == "NHDC  joins"
    assert typed == parse_condition("NHDC") == Condition.joins("NHDC")
    assert str(typed) == "NHDC  joins"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "expected a condition, got the end of the text"),
        ("NHDC jions", "got 'jions' at character 6"),
        ("(NHDC joins", "expected ')'"),
        ("option EHC", "an option's name in quotes"),
        ("NHDC joins and", "expected a condition, got the end"),
        ("and NHDC joins", "got 'and' at character 1"),
        ("NHDC does join", "expected 'not' after 'does'"),
        ("NHDC joins; SBC joins", "cannot read ';"),
        ("__import__('os')", "not a condition"),
    ],
)
def test_text_that_is_not_a_condition_is_refused_saying_what_was_expected_where(text, says):
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert says in str(caught.value)
    assert repr(text.strip()) in str(caught.value)  # the message quotes the text as typed


def test_unknown_partners_and_options_are_findings_located_to_the_cell():
    where = Location("proposal-ict.xlsx", "Saving lines", "F7")
    condition = parse_condition('WHDC joins and option "All four"')
    found = unknown_names(condition, ("EHC", "SBC", "NHDC"), (TWO.name, THREE.name), "ICT: 'x'", where)
    assert [f.code for f in found] == ["CONDITION_UNKNOWN_PARTNER", "CONDITION_UNKNOWN_OPTION"]
    assert all(f.where == where for f in found)
    assert "'WHDC joins and option \"All four\"'" in found[0].message and "WHDC" in found[0].message
    assert '"All four"' in found[1].message and '"EHC and SBC"' in found[1].message
    assert unknown_names(parse_condition("NHDC joins"), ("EHC", "SBC", "NHDC"), (TWO.name,), "x", where) == []


def _line(condition: str | None) -> SavingLine:
    return SavingLine(
        "ICT",
        "x",
        Category.CASHABLE_NON_STAFF,
        Range(),
        condition=parse_condition(condition) if condition else None,
    )


def test_line_applies_is_the_one_predicate_a_line_with_no_condition_always_counts():
    assert line_applies(_line(None), TWO) and line_applies(_line(None), None)
    assert not line_applies(_line("NHDC joins"), TWO) and line_applies(_line("NHDC joins"), THREE)
    assert line_applies(_line("NHDC does not join"), TWO) and not line_applies(_line("NHDC does not join"), THREE)
    assert not line_applies(_line("NHDC does not join"), None)  # no option in use: a condition never holds


# --- invariants -----------------------------------------------------------------------------------

_KEYWORDS = {"AND", "OR", "NOT", "JOIN", "JOINS", "DOES", "OPTION", "UNDER"}
_codes = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5).filter(lambda c: c not in _KEYWORDS)
_names = st.text("abcdefghij ,&-ABC123", min_size=1, max_size=20).map(str.strip).filter(bool)
_atoms = st.one_of(_codes.map(Joins), _names.map(Under))
_exprs = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: All(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: AnyOf(tuple(xs))),
    ),
    max_leaves=8,
)
_options = st.builds(
    lambda name, partners: ParticipationOption(name, tuple(partners), ApportionmentRule(Method.NONE)),
    _names,
    st.lists(_codes, max_size=4, unique=True),
)


@given(_exprs)
def test_what_render_writes_parses_back_to_the_same_condition(expr):
    assert parse_condition(render(expr)).expr == expr


@given(_exprs, _options)
def test_not_c_holds_exactly_when_c_does_not(expr, option):
    condition = Condition(expr)
    assert Condition(Not(expr)).holds(option) is (not condition.holds(option))
    assert parse_condition(f"not ({render(expr)})").holds(option) is (not condition.holds(option))


def test_a_condition_naming_an_option_looks_at_its_name_and_one_naming_a_partner_at_who_takes_part():
    # docs/apportionment.md: under "North Herts joins in 2013/14" (EHC, SBC and NHDC) NHDC joins, but the option in
    # force is not the one called "EHC, SBC and NHDC"
    joins = ParticipationOption("North Herts joins in 2013/14", ("EHC", "SBC", "NHDC"), THREE.rule, from_year="2013/14")
    assert parse_condition("NHDC joins").holds(joins)
    assert not parse_condition('option "EHC, SBC and NHDC"').holds(joins)
