"""The guard's quick way through a sheet finds exactly what the full parse finds, and is taken for real files.

Each sheet below is inspected twice: as it comes (the quick way where the sheet data is plainly
written) and with the quick way turned off (every element through the full parse); the findings and
the facts must be the same, whichever way was taken. The expected facts of a few are also worked
out by hand, so both ways agreeing on something wrong would still fail.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from jwmodel.excel import guard
from jwmodel.excel.guard import Limits, inspect_package
from tests.unit.test_guard import MAIN, package, sheet_xml

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
    forget()  # nothing parsed before: each way parses
    fast = inspect_package(data, "f.xlsx", limits)
    monkeypatch.setattr(guard._SheetScan, "quick", lambda self, parse, part: False)
    forget()
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


# --- parts parsed before ---------------------------------------------------------------------------


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    parse = guard._Parse._parse  # every call of expat goes through it

    def spy(self, chunk, final):
        parsed.append(self.info.filename)
        return parse(self, chunk, final)

    monkeypatch.setattr(guard._Parse, "_parse", spy)
    return parsed


def forget() -> None:
    """Nothing met or parsed before in this process."""
    guard._KNOWN.__init__()
    guard._INFLATED.__init__()


def test_a_part_met_again_is_remembered_then_not_parsed_again_but_still_counted(monkeypatch):
    path = sorted(EXAMPLES.glob("*/*.xlsx"))[0]
    data = path.read_bytes()
    forget()
    parsed = parses(monkeypatch)
    first = inspect_package(data, "a.xlsx")
    once = list(parsed)
    parsed.clear()
    second = inspect_package(data, "b.xlsx")  # met again: parsed once more, and now remembered
    assert "xl/styles.xml" in once and "xl/styles.xml" in parsed
    parsed.clear()
    third = inspect_package(data, "c.xlsx")
    assert "xl/styles.xml" not in parsed  # the same bytes: told already
    assert set(parsed) == {"xl/sharedStrings.xml"}  # shared strings are always counted afresh
    same(first, second)
    same(first, third)
    # the caps still see every byte: the whole file inflates to more than this
    total = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
    capped = inspect_package(data, "d.xlsx", Limits(max_total_bytes=total - 1))
    assert [f.code for f in capped.findings] == ["DECOMPRESSION_BOMB"]


def test_a_part_met_once_is_not_remembered():
    data = package(sheet_xml(PLAIN))
    parts = {zipfile.ZipFile(io.BytesIO(data)).read(name) for name in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    forget()
    inspect_package(data, "a.xlsx")
    # a part of one file alone (a partner's own figures) costs no memory: only what the quick way keeps of a
    # plain sheet's prolog and end, which every file from the template shares
    assert not any(part in key for key in guard._KNOWN.told for part in parts)
    assert [key[0] for key in guard._KNOWN.told] == [guard._SheetScan.quick]
    inspect_package(data, "b.xlsx")
    assert sum(any(part in key for part in parts) for key in guard._KNOWN.told) == len(parts)  # met again


def test_a_part_with_a_finding_is_parsed_every_time(monkeypatch):
    dtd = sheet_xml("").replace("?>", '?><!DOCTYPE x [<!ENTITY e "e">]>', 1)
    data = package(sheet_xml(PLAIN), extra={"docProps/app.xml": dtd})
    forget()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        assert [(f.code, f.where.file) for f in inspect_package(data, name).findings] == [("XML_DTD", name)]
    far = package(sheet_xml(CASES["far column"]))
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        assert [(f.code, f.where.file) for f in inspect_package(far, name).findings] == [
            ("CELL_OUTSIDE_TEMPLATE", name)
        ]


# --- parts inflated at once ------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.xlsx"))[:4], ids=lambda p: p.name)
def test_a_part_inflated_at_once_is_what_zipfile_gives(path):
    data = path.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info in archive.infolist():
        assert guard._inflated_at_once(data, info) == archive.read(info)


def damaged(how: str) -> tuple[bytes, zipfile.ZipInfo]:
    data = bytearray(package(sheet_xml(PLAIN)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    name_at = info.header_offset + 30
    if how == "crc":
        data[name_at + len(info.filename) + 5] ^= 0xFF  # a byte of the compressed stream
    elif how == "name":
        data[name_at] = ord("Y")  # the local header names another part
    elif how == "cut":
        data = data[: name_at + len(info.filename) + 3]
    return bytes(data), info


@pytest.mark.parametrize("how", ["crc", "name", "cut"])
def test_a_damaged_part_is_left_to_zipfile_which_says_what_is_wrong(how):
    data, info = damaged(how)
    assert guard._inflated_at_once(data, info) is None
    found = inspect_package(data, "f.xlsx")
    assert [f.code for f in found.findings] == ["CORRUPT_ZIP"]


def test_a_part_met_before_is_inflated_once_and_a_damaged_copy_is_not_served_from_memory():
    whole = package(sheet_xml(PLAIN))
    info = zipfile.ZipFile(io.BytesIO(whole)).getinfo("xl/worksheets/sheet1.xml")
    forget()
    first = guard._inflated_at_once(whole, info)
    assert first == zipfile.ZipFile(io.BytesIO(whole)).read(info)
    assert guard._inflated_at_once(whole, info) is first  # the same stream: inflated once, the same bytes
    data, same_entry = damaged("crc")  # one byte of the stream changed; the entry states the same size and CRC
    assert (same_entry.file_size, same_entry.CRC) == (info.file_size, info.CRC)
    assert guard._inflated_at_once(data, same_entry) is None
    assert [f.code for f in inspect_package(data, "f.xlsx").findings] == ["CORRUPT_ZIP"]


# --- cells formatted as a percentage ---------------------------------------------------------------

STYLES = (  # cell formats 1 ("0%", built in) and 2 ("0.0%") show a percentage; 0 and 3 ("#,##0") do not
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="3"/></cellXfs>'
    "</styleSheet>"
)
PERCENT_ROWS = (
    '<row r="5"><c r="A5" t="s"><v>0</v></c><c r="H5" s="1"><v>0.4</v></c><c r="I5" t="n" s="2"><v>0.6</v></c>'
    '<c r="J5" s="3"><v>1</v></c><c r="K5" s="11"><v>1</v></c></row><row r="6" spans="8:8"><c r="H6" s="1"/></row>'
)


WITHOUT_R = PERCENT_ROWS.replace(' r="H5"', "").replace(' r="I5"', "").replace(' r="J5"', "").replace(' r="K5"', "")
ERROR_AFTER = PERCENT_ROWS + '<row r="7"><c r="A7" t="e"><v>#N/A</v></c></row>'
# Formatted as a percentage: format 1 ("0%") and 2 ("0.0%"); not A5 (format 0), J5 ("#,##0"), K5 (no format 11).
# As 0-based (row, column): H5 = (4, 7), I5 = (4, 8), H6 = (5, 7). Without r, the cells after A5 are B5, C5,
# D5, E5: the percentages are then B5 = (4, 1) and C5 = (4, 2).
PERCENT_CASES = {
    "plain": (PERCENT_ROWS, True, {(4, 7), (4, 8), (5, 7)}),
    "cells without r": (WITHOUT_R, False, {(4, 1), (4, 2), (5, 7)}),
    "an error cell (the full parse)": (ERROR_AFTER, False, {(4, 7), (4, 8), (5, 7)}),
}


@pytest.mark.parametrize(("rows", "quick", "expected"), PERCENT_CASES.values(), ids=PERCENT_CASES.keys())
def test_the_cells_formatted_as_a_percentage_are_found_either_way(rows, quick, expected, monkeypatch):
    fast, full, taken = both_ways(package(sheet_xml(rows), styles=STYLES), monkeypatch)
    same(fast, full)
    assert taken == [quick]
    assert fast.sheet("S").percent_cells == expected


def test_a_workbook_whose_first_cell_format_is_a_percentage_has_every_unstyled_cell_as_one(monkeypatch):
    first_is_percent = STYLES.replace('<cellXfs count="4"><xf numFmtId="0"/>', '<cellXfs count="4"><xf numFmtId="9"/>')
    fast, full, taken = both_ways(package(sheet_xml(PERCENT_ROWS), styles=first_is_percent), monkeypatch)
    same(fast, full)
    assert taken == [False]  # left to the full parse, which knows which cells have no style
    assert fast.sheet("S").percent_cells == {(4, 0), (4, 7), (4, 8), (5, 7)}  # A5 has no s: format 0


# --- the plain sheet data pattern, written for speed, accepts what the plain grammar accepts ---------------

_GRAMMAR_ATTRS = rb'(?: (?!r=)[A-Za-z_][A-Za-z0-9_.:-]*="[^"<>&]*")*'
_GRAMMAR_FORMULA = rb"<f" + _GRAMMAR_ATTRS + rb"(?:/>|>[^<]*</f>)"
_GRAMMAR_CELL = (
    rb'<c r="[A-Z]{1,3}(?P=row)"'
    + _GRAMMAR_ATTRS
    + rb"(?:/>|>(?:"
    + _GRAMMAR_FORMULA
    + rb")?(?:<v>[^<]*</v>|<v/>)?</c>)"
)
_GRAMMAR_ROW = rb'<row r="(?P<row>[1-9][0-9]{0,6})"' + _GRAMMAR_ATTRS + rb"(?:/>|>(?:" + _GRAMMAR_CELL + rb")*</row>)"
GRAMMAR = re.compile(rb"(?:" + _GRAMMAR_ROW + rb")*")  # the grammar as first written, with no possessive repeats

_PIECES = [
    '<row r="1">',
    '<row r="2" spans="1:3">',
    '<row r="12" x14ac:dyDescent="0.25">',
    "<row r='3'>",
    "<row>",
    "</row>",
    '<row r="4"/>',
    '<c r="A1">',
    '<c r="B1" s="3" t="s">',
    '<c r="C2">',
    '<c r="A12">',
    '<c s="1">',
    '<c r="AB1" r="A1">',
    '<c r="D1"/>',
    "</c>",
    "<v>1.5</v>",
    "<v/>",
    "<v>a&amp;b</v>",
    "<f>SUM(A1:B1)</f>",
    '<f t="shared" si="0"/>',
    "<f>",
    "</f>",
    "<is><t>x</t></is>",
    " ",
    "<",
    '"',
    "=",
]


_ATTR = st.sampled_from(["", ' s="3"', ' t="s"', ' s="1" t="n"', ' spans="1:3"', ' r="A1"', ' x:y="1"', ' s="&"'])
_INSIDE = st.sampled_from(["", "<v>1.5</v>", "<v/>", "<f>A1+1</f><v>2</v>", '<f t="shared" si="0"/>', "<f>1</f>"])


@st.composite
def sheet_data(draw) -> str:
    """Rows of cells as the grammar has them (each in its row, attributes plain), then now and then one
    piece put in, taken out or changed, so both what the grammar accepts and what it refuses are met."""
    rows = []
    for r in draw(st.lists(st.integers(1, 30), max_size=5)):
        cells = []
        for col in draw(st.lists(st.sampled_from(["A", "B", "AB", "XFD"]), max_size=4)):
            inside = draw(_INSIDE)
            cell = f'<c r="{col}{r}"{draw(_ATTR)}'
            cells.append(f"{cell}>{inside}</c>" if inside or draw(st.booleans()) else f"{cell}/>")
        rows.append(f'<row r="{r}"{draw(_ATTR)}>{"".join(cells)}</row>' if cells else f'<row r="{r}"/>')
    text = "".join(rows)
    how = draw(st.sampled_from(["as is", "put in", "take out"]))
    at = draw(st.integers(0, len(text)))
    if how == "put in":
        text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at:]
    elif how == "take out":
        text = text[:at] + text[at + 1 :]
    return text


@given(st.one_of(sheet_data(), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)))
@settings(max_examples=3000, deadline=None)
def test_the_quick_pattern_accepts_exactly_what_the_grammar_accepts(text):
    body = text.encode()
    accepted = GRAMMAR.fullmatch(body) is not None
    event("accepted" if accepted else "refused")
    assert (guard._PLAIN_SHEET_DATA.fullmatch(body) is not None) == accepted


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/*.xlsx")), ids=lambda p: p.name)
def test_the_quick_pattern_accepts_the_examples_sheet_data_as_the_grammar_does(path):
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            start, end = data.find(b"<sheetData>"), data.find(b"</sheetData>")
            if name.startswith("xl/worksheets/") and 0 <= start < end:
                body = data[start + 11 : end]
                assert (guard._PLAIN_SHEET_DATA.fullmatch(body) is None) == (GRAMMAR.fullmatch(body) is None)
