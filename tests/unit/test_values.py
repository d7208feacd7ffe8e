"""Immutable values stay immutable; one root exception; a Decimal is a number everywhere."""

from __future__ import annotations

import dataclasses
import json
import pickle
from decimal import Decimal as D

import pytest

from jwmodel.consolidation import LineKind, consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.model import ApportionmentRule, Category, FrozenMap, Method, OneOffType, ParticipationOption, Range
from jwmodel.submissions import SourceKind, SourceRecord, Status


def test_a_programme_can_be_hashed_and_equal_programmes_hash_alike():
    assert hash(hampshire_2012.programme()) == hash(hampshire_2012.programme())
    assert hampshire_2012.programme() == hampshire_2012.programme()


def test_a_consolidations_shares_cannot_be_changed_in_place(hampshire):
    line = next(x for x in hampshire.lines if x.shares)
    partner = next(iter(line.shares))
    with pytest.raises(TypeError):
        line.shares[partner] = Range(D(0), D(0))  # type: ignore[index]
    with pytest.raises(AttributeError):
        line.shares.pop(partner)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        hampshire.options_in_use["Legal Services"] = "none"  # type: ignore[index]
    row = next(r for r in hampshire.apportionment if r.shares)
    with pytest.raises(TypeError):
        row.shares["HC"] = D(100)  # type: ignore[index]


def test_a_rule_given_a_dict_holds_a_read_only_copy():
    given = {"HC": D(60), "HCC": D(40)}
    rule = ApportionmentRule(Method.FIXED, given)
    given["HC"] = D(0)  # changing the caller's dict afterwards changes nothing
    assert rule.percentages == {"HC": D(60), "HCC": D(40)} and isinstance(rule.percentages, FrozenMap)
    with pytest.raises(TypeError):
        rule.percentages["HC"] = D(1)  # type: ignore[index]
    option = ParticipationOption("both", ["HC", "HCC"], rule)  # type: ignore[arg-type]
    assert option.partners == ("HC", "HCC") and hash(option) == hash(ParticipationOption("both", ("HC", "HCC"), rule))


def test_a_frozen_map_keeps_order_compares_as_a_mapping_and_survives_pickling():
    m = FrozenMap({"b": 1, "a": 2})
    assert list(m) == ["b", "a"] and m == {"a": 2, "b": 1} and m != {"a": 2}
    assert pickle.loads(pickle.dumps(m)) == m and hash(pickle.loads(pickle.dumps(m))) == hash(m)


def test_statuses_and_kinds_are_enums_that_read_as_their_text(hampshire):
    record = SourceRecord("a.xlsx", "", "partner return", "accepted with warnings")
    assert record.status is Status.WARNINGS and record.kind is SourceKind.PARTNER_RETURN
    assert json.dumps({"status": record.status}) == '{"status": "accepted with warnings"}'
    with pytest.raises(ValueError):
        SourceRecord("a.xlsx", "", "partner return", "half accepted")
    saving = next(x for x in hampshire.lines if x.kind == "saving")
    one_off = next(x for x in hampshire.lines if x.kind == "one-off")
    assert saving.kind is LineKind.SAVING and isinstance(saving.category, Category)
    assert one_off.kind is LineKind.ONE_OFF and isinstance(one_off.category, OneOffType)


def test_every_deliberate_exception_has_one_root_and_keeps_its_old_base():
    from jwaddin._runtime import FunctionInputError

    from jwmodel.appraisal import AppraisalError
    from jwmodel.benchmarks import BenchmarkError
    from jwmodel.cells import CellError
    from jwmodel.discounting import DiscountError
    from jwmodel.errors import JwmodelError
    from jwmodel.excel.libreoffice import LibreOfficeError
    from jwmodel.money import MoneyError
    from jwmodel.phasing import PhasingError

    for error in (AppraisalError, BenchmarkError, DiscountError, CellError, MoneyError, PhasingError):
        assert issubclass(error, JwmodelError) and issubclass(error, ValueError)
    assert issubclass(LibreOfficeError, JwmodelError) and issubclass(LibreOfficeError, RuntimeError)
    assert issubclass(FunctionInputError, JwmodelError) and issubclass(FunctionInputError, ValueError)


def test_every_exception_class_jwmodel_and_the_add_in_define_is_under_the_one_root():
    import importlib
    import inspect
    import pkgutil

    import jwaddin

    import jwmodel
    from jwmodel.errors import JwmodelError

    found = []
    for package in (jwmodel, jwaddin):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith(("jwaddin.server", "jwaddin.pane")):
                continue  # the server's modules need its settings at import; their errors are HTTP responses
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                private = cls.__name__.startswith("_")  # a reader's own control flow, caught where it is raised
                if issubclass(cls, BaseException) and cls.__module__ == module.__name__ and not private:
                    found.append(cls)
    assert len(found) >= 10  # the scan found the classes it is meant to (AppraisalError, MoneyError, ...)
    assert [c.__qualname__ for c in found if not issubclass(c, JwmodelError)] == []


def test_the_add_in_takes_a_decimal_wherever_it_takes_a_number():
    from jwaddin import functions as f

    # 10 split 27/7/66 is 2.7/0.7/6.6, worked by hand
    assert f.jw_apportion(D("10"), [D("27"), 7, 66]) == f.jw_apportion(10, [27, 7, 66]) == [[2.7, 0.7, 6.6]]
    assert f.jw_shares([D(1314), D(333), D(3253)]) == [[27, 7, 66]]


def test_a_baseline_row_whose_net_is_not_gross_less_charges_is_not_counted():
    programme = hampshire_2012.programme()
    i, entry = next(
        (i, e) for i, e in enumerate(programme.baseline) if e.partner == "HC" and e.service == "Legal Services"
    )
    wrong = dataclasses.replace(entry, gross=D(500), charges=D(50))  # 500 - 50 = 450, not the 430 given
    baseline = (*programme.baseline[:i], wrong, *programme.baseline[i + 1 :])
    result = consolidate(dataclasses.replace(programme, baseline=baseline))
    finding = next(f for f in result.findings if f.code == "BASELINE_NET_MISMATCH")
    assert finding.severity.value == "error" and "450" in finding.message
    hc = next(b for b in result.baseline if b.partner == "HC")
    assert hc.net == D(12531) - D(430)  # HC's rows add up to 12,531 with Legal Services' 430


def test_appraisal_results_hold_read_only_mappings(hampshire):
    from jwmodel.appraisal import score_options
    from jwmodel.business_case import AppraisalSettings, appraise_programme

    scored = score_options(
        {"Share": {"Cost": 3, "Quality": 4}, "Outsource": {"Cost": 5, "Quality": 2}}, {"Cost": 1, "Quality": 1}
    )
    with pytest.raises(TypeError):
        scored[0].scores["Cost"] = D(0)  # type: ignore[index]
    appraisal = appraise_programme(hampshire, AppraisalSettings("2012/13", 5))
    subject = appraisal.by_service[0]
    case = next(iter(subject.npv))
    with pytest.raises(TypeError):
        subject.npv[case] = D(0)  # type: ignore[index]
    hash(subject.npv)


def test_consolidation_reports_a_finding_once_even_when_reading_reported_it_and_its_value_is_unhashable():
    from jwmodel.findings import Finding, Location

    programme = hampshire_2012.programme()
    odd = Finding("HIDDEN_ROW", "a note whose value is a list", Location("x.xlsx"), ["not", "hashable"])
    result = consolidate(dataclasses.replace(programme, findings=(odd, odd)))
    assert [f for f in result.findings if f.code == "HIDDEN_ROW"] == [odd]
    once = consolidate(programme).findings  # the stated-total findings, as reading would have reported them
    again = consolidate(dataclasses.replace(programme, findings=once))
    assert again.findings == once


def test_text_no_output_can_hold_is_shown_as_a_file_name_is():
    """Bytes that are not UTF-8 read as the same \\xNN escapes in every output as in a file's display name."""
    import os

    from jwmodel.excel.files import display_name
    from jwmodel.tables.outputs import printable

    name = os.fsdecode(b"bad-\xff\xfe-name.xlsx")
    assert printable(name) == display_name(name) == "bad-\\xff\\xfe-name.xlsx"
    assert printable("Lеgal Services £") == "Lеgal Services £"  # valid text is left as it is
    printable(name).encode("utf-8")  # and any writer can take it
