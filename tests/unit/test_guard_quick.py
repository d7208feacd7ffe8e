"""The guard's quick way through a sheet finds exactly what the full parse finds, and is taken for real files.

Each sheet below is inspected twice: as it comes (the quick way where the sheet data is plainly
written) and with the quick way turned off (every element through the full parse); the findings and
the facts must be the same, whichever way was taken. The expected facts of a few are also worked
out by hand, so both ways agreeing on something wrong would still fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jwmodel.excel import guard
from jwmodel.excel.guard import Limits, inspect_package
from tests.unit.test_guard import package, sheet_xml

EXAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "examples"

PLAIN = (
    '<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" t="n"><v>1.5</v></c></row>'
    '<row r="3" customFormat="false" hidden="false" x14ac:dyDescent="0.25"><c r="C3" s="2"/>'
    '<c r="D3"><f>B1*2</f><v>3</v></c></row>'
)
CASES = {
    "plain": PLAIN,
    "no result": '<row r="2"><c r="B2"><f>1+1</f></c><c r="C2"><f>1+2</f><v/></c><c r="D2"><f>1</f><v></v></c></row>',
    "an empty text result is a result": '<row r="2"><c r="B2" t="str"><f>""&amp;""</f><v></v></c></row>',
    "shared formula followers": '<row r="2"><c r="B2"><f t="shared" ref="B2:B3" si="0">A2</f><v>1</v></c></row>'
    '<row r="3"><c r="B3"><f t="shared" si="0"/><v>2</v></c></row>',
    "DDE with entities": '<row r="4"><c r="E4"><f>cmd|&apos; /C calc&apos;!A0</f><v>0</v></c></row>',
    "pipe inside text only": (
        '<row r="4"><c r="E4" t="str"><f>&quot;a|b&quot;&amp;&quot;[1]&quot;</f><v>a|b</v></c></row>'
    ),
    "external": '<row r="5"><c r="F5"><f>[1]Budget!D11+[Book.xlsx]S!A1</f><v>7</v></c></row>',
    "dde call": '<row r="5"><c r="F5"><f>dDe("a","b","c")</f><v>7</v></c></row>',
    "many warnings": "".join(f'<row r="{r}"><c r="A{r}"><f>[1]S!A1</f><v>1</v></c></row>' for r in range(1, 25)),
    "far row": '<row r="10001"><c r="A10001"><v>1</v></c></row>',
    "far column": '<row r="1"><c r="BI1"><v>1</v></c></row>',
    "last allowed": '<row r="10000"><c r="BH10000"><v>1</v></c></row>',
    "error cell": '<row r="2"><c r="B2" t="e"><v>#REF!</v></c></row>',
    "hidden row": '<row r="7" hidden="1"><c r="A7"><v>1</v></c></row>',
    "cells without r": "<row><c><v>1</v></c><c><v>2</v></c></row>",
    "lower-case refs": '<row r="1"><c r="b1"><v>1</v></c></row>',
    "leading zero": '<row r="1"><c r="B01"><v>1</v></c></row>',
    "inline string": '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>',
    "character reference": '<row r="1"><c r="A1"><f>&#124;x</f><v>1</v></c></row>',
    "line ends in a formula": '<row r="1"><c r="A1"><f>cmd|\'x\'!A0\r\n</f><v>1</v></c></row>',
    "a cell named in another row": '<row r="2"><c r="C7"><v>1</v></c>' + '<c r="D2"><v>1</v></c></row>',
    "a row without r": '<row r="1"><c r="A1"><v>1</v></c></row><row><c r="A2"><v>1</v></c></row>',
    "far empty rows": '<row r="9"/><row r="1"><c r="B1"><v>1</v></c></row><row r="9999" ht="20"></row>',
    "prefixed cells": '<x:row xmlns:x="urn:x" r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>',
    "not well-formed": '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="XFD2" r="A2"><v>1</v></c></row>',
    "empty": "",
}
QUICK = {  # the cases the quick way tells in full; the others it leaves to the full parse
    "plain",
    "no result",
    "an empty text result is a result",
    "shared formula followers",
    "DDE with entities",
    "pipe inside text only",
    "external",
    "dde call",
    "many warnings",
    "last allowed",
    "far empty rows",
    "empty",
}
AROUND = {
    "dimension that lies": ('<dimension ref="A1:B2"/>', ""),
    "merged after": ("", '<mergeCells count="1"><mergeCell ref="B5:D6"/></mergeCells>'),
    "hidden column with data": ('<cols><col min="4" max="4" hidden="1"/></cols>', ""),
    "comment": ("<!-- <sheetData></sheetData> -->", ""),
}


def both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch, limits: Limits = Limits()):
    taken: list[bool] = []
    quick = guard._SheetScan.quick

    def spy(self, parse, part):
        taken.append(quick(self, parse, part))
        return taken[-1]

    monkeypatch.setattr(guard._SheetScan, "quick", spy)
    fast = inspect_package(data, "f.xlsx", limits)
    monkeypatch.setattr(guard._SheetScan, "quick", lambda self, parse, part: False)
    full = inspect_package(data, "f.xlsx", limits)
    return fast, full, taken


def same(fast, full) -> None:
    assert [(f.code, f.message, f.where) for f in fast.findings] == [
        (f.code, f.message, f.where) for f in full.findings
    ]
    assert fast.sheets == full.sheets


@pytest.mark.parametrize("name", CASES)
def test_the_quick_way_finds_what_the_full_parse_finds(name, monkeypatch):
    fast, full, taken = both_ways(package(sheet_xml(CASES[name])), monkeypatch)
    same(fast, full)
    assert taken == [name in QUICK]


@pytest.mark.parametrize(("before", "after"), AROUND.values(), ids=AROUND.keys())
def test_what_is_around_the_sheet_data_is_found_either_way(before, after, monkeypatch):
    fast, full, taken = both_ways(package(sheet_xml(PLAIN, before=before, after=after)), monkeypatch)
    same(fast, full)
    assert taken == [before == "" or "dimension" in before]


def test_a_cap_on_cells_is_enforced_either_way(monkeypatch):
    fast, full, _ = both_ways(package(sheet_xml(PLAIN)), monkeypatch, Limits(max_cells=3))
    same(fast, full)
    assert [f.code for f in fast.findings] == ["TOO_MANY_CELLS"]


def test_the_facts_of_plain_sheet_data_worked_out_by_hand(monkeypatch):
    sheet = sheet_xml(PLAIN + CASES["no result"].replace('r="2"', 'r="4"').replace("2<", "4<").replace('2"', '4"'))
    fast, full, taken = both_ways(package(sheet, extra={}), monkeypatch)
    same(fast, full)
    assert taken == [True]
    facts = fast.sheet("S")
    # A1, B1, C3, D3, then B4, C4, D4: 7 cells, the last row 4 and the last column D
    assert (facts.cells, facts.last_row, facts.last_col) == (7, 4, 4)
    assert facts.formulas_without_result == ("B4", "C4", "D4")


def test_the_last_row_is_the_last_holding_a_cell_the_quick_way(monkeypatch):
    fast, full, taken = both_ways(package(sheet_xml(CASES["far empty rows"])), monkeypatch)
    same(fast, full)
    assert taken == [True]
    facts = fast.sheet("S")
    assert (facts.cells, facts.last_row, facts.last_col) == (1, 1, 2)  # B1 alone


def test_formulas_reaching_outside_are_warned_of_at_their_cells_the_quick_way(monkeypatch):
    data = CASES["DDE with entities"] + CASES["external"].replace("F5", "F6").replace('r="5"', 'r="6"')
    fast, full, taken = both_ways(package(sheet_xml(data)), monkeypatch)
    same(fast, full)
    assert taken == [True]
    assert [(f.code, f.where.cell) for f in fast.findings] == [("DDE_FORMULA", "E4"), ("EXTERNAL_LINK", "F6")]
    assert "cmd|' /C calc'!A0" in fast.findings[0].message


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.xlsx")), ids=lambda p: p.name)
def test_the_example_workbooks_take_the_quick_way_for_every_sheet(path, monkeypatch):
    fast, full, taken = both_ways(path.read_bytes(), monkeypatch)
    same(fast, full)
    assert taken and all(taken)
