"""A version of the business case round-trips exactly through its JSON document."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D

import pytest

from jwmodel.business_case import AppraisalSettings
from jwmodel.codes import Code
from jwmodel.conditions import parse_condition
from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.findings import Finding, Location
from jwmodel.optimism import OptimismBias
from jwmodel.summary import summary
from jwmodel.versions import VersionError, make_version, version_from_json, version_to_json


def _version(programme=None, settings=None):
    programme = programme or hampshire_2012.programme()
    result = consolidate(programme)
    return make_version(
        "Cabinet April 2012",
        created="2012-04-24",
        jwmodel_version="0.1.0",
        inputs={"b.xlsx": "ab" * 32, "a.xlsx": "cd" * 32},
        options={"Learning & Development": "All partners"},
        settings=settings or AppraisalSettings(),
        financial_year="2012/13",
        programme=programme,
        result=result,
        summary=summary(result),
    )


def test_the_programme_every_rule_and_setting_come_back_exactly_through_json():
    programme = hampshire_2012.programme()
    finding = Finding(Code.ROUNDED_TO_POUND, "x", Location("f.xlsx", "Baseline", "D5"), D("1.2345"))
    programme = replace(programme, findings=(finding, Finding(Code.COVER_BLANK, "y", value=1.5)))
    settings = AppraisalSettings(first_year="2013/14", years=4, bias=OptimismBias(D("10.5"), D(5)))
    version = _version(programme, settings)
    text = json.dumps(version_to_json(version))
    back = version_from_json(json.loads(text))
    assert back == version
    assert back.programme == programme
    assert back.programme.findings[0].value == D("1.2345") and isinstance(back.programme.findings[0].value, D)
    assert back.settings.plan == ("2013/14", "2014/15", "2015/16", "2016/17")
    # Decimal figures are written as their strings: -16 stays "-16", never a float
    document = json.loads(text)
    first = document["programme"]["saving_lines"][0]
    assert (first["line_id"], first["estimate"]) == ("LD-S01", {"low": "-16", "high": "-39"})
    assert list(document["inputs"]) == ["a.xlsx", "b.xlsx"]


def test_the_figures_hold_every_line_with_its_id_and_partner_shares():
    lines = _version().figures["lines"]
    first = next(x for x in lines if x["id"] == "LD-S02")
    # Learning & Development is split 40 / 15 / 45 (HC, HFRS, HCC); the line is 8 / (15)
    assert first["percentages"] == {"HC": 40, "HFRS": 15, "HCC": 45}
    assert first["low"] == 8 and first["high"] == -15
    assert sum(s["low"] for s in first["shares"].values()) == 8
    assert sum(s["high"] for s in first["shares"].values()) == -15
    assert len(lines) == 11 + 6


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({}, "not a jwmodel business case version"),
        ({"format": "jwmodel business case version", "format_version": 99}, "format 99"),
    ],
)
def test_a_document_that_is_not_a_version_is_refused_with_a_reason(document, said):
    with pytest.raises(VersionError, match=said):
        version_from_json(document)


def test_a_version_written_before_conditions_reads_only_if_partner_as_the_partner_joining():
    from jwmodel.versions import _decode, _encode

    document = _encode(hampshire_2012.programme())
    for line in document["saving_lines"]:  # as versions before issue 12 held it
        line["only_if_partner"] = "HFRS" if line.pop("condition") else None
        del line["rule"]
    back = _decode(json.loads(json.dumps(document)), Programme, "programme")
    assert back.saving_lines[0].condition == parse_condition("HFRS joins")
    assert all(x.condition is None for x in back.saving_lines[1:])
    assert back == hampshire_2012.programme()


def test_a_version_missing_a_field_names_it():
    document = version_to_json(_version())
    del document["programme"]
    with pytest.raises(VersionError, match="'programme'"):
        version_from_json(document)


# --- property: any programme the model can hold comes back exactly --------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from jwmodel.model import (  # noqa: E402
    ApportionmentRule,
    Category,
    Method,
    OneOffCost,
    OneOffType,
    Programme,
    Range,
    SavingLine,
    SavingsTarget,
)
from jwmodel.phasing import Profile  # noqa: E402

_money = st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
_text = st.text(min_size=0, max_size=12)
_profile = st.one_of(
    st.none(),
    st.builds(
        Profile,
        st.sampled_from([None, "2012/13", "2014/15"]),
        ramp=st.lists(st.decimals(0, 100, places=1), min_size=1, max_size=4).map(tuple),
    ),
)
_line = st.builds(
    SavingLine,
    _text,
    _text,
    st.sampled_from(list(Category)),
    st.builds(Range, _money, _money),
    sole_bearer=st.one_of(st.none(), _text),
    note=_text,
    where=st.builds(Location, _text, _text, _text),
    profile=_profile,
    line_id=_text,
    plan_partner=st.one_of(st.none(), _text),
    plan_target=_text,
    also_claimed_by=_text,
    condition=st.one_of(
        st.none(),
        st.sampled_from(
            ["HFRS joins", "HFRS does not join", 'option "HC and HCC" or not (HC joins and HCC joins)']
        ).map(parse_condition),
    ),
    rule=st.one_of(
        st.none(),
        st.sampled_from(
            [
                ApportionmentRule(Method.BASELINE_FTE, minimum_percent=5),
                ApportionmentRule(Method.FIXED, {"HC": D("40.5"), "HCC": D("59.5")}),
                ApportionmentRule(Method.DRIVER, driver="headcount"),
            ]
        ),
    ),
)
_cost = st.builds(
    OneOffCost, _text, _text, st.sampled_from(list(OneOffType)), st.builds(Range, _money, _money), line_id=_text
)
_target = st.builds(SavingsTarget, _text, _text, st.sampled_from(["2012/13", "2013/14"]), _money, _text)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_line, max_size=4), costs=st.lists(_cost, max_size=3), targets=st.lists(_target, max_size=3))
def test_any_programme_round_trips_exactly(lines, costs, targets):
    programme = replace(
        hampshire_2012.programme(), saving_lines=tuple(lines), one_off_costs=tuple(costs), targets=tuple(targets)
    )
    from jwmodel.versions import _decode, _encode  # the codec itself, without consolidating random figures

    back = _decode(json.loads(json.dumps(_encode(programme))), Programme, "programme")
    assert back == programme
    for before, after in zip(back.saving_lines, programme.saving_lines, strict=True):
        assert str(before.estimate.low) == str(after.estimate.low)  # the same Decimal, exponent and all
