"""The package guard reads each part as an XML reader does: namespaces, encodings, cells without r.

Every package here is built by ``package`` below, the smallest workbook python-calamine opens; the
expected cells are worked out by hand from the rule (a cell's r, or the cell after the previous one
in the row; a row's r, or the row after the previous one).
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from jwmodel.excel.guard import Limits, inspect_package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def sheet_xml(data: str, *, prefix: str = "", before: str = "", after: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>{before}'
        f"<{p}sheetData>{data}</{p}sheetData>{after}</{p}worksheet>"
    )


def package(
    sheet: str, *, extra: dict[str, bytes] | None = None, folder: str = "xl", target: str = "", styles: str = ""
) -> bytes:
    styled = f'<Relationship Id="rId9" Type="{REL}/styles" Target="styles.xml"/>' if styles else ""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            f'Target="{folder}/workbook.xml"/></Relationships>'
        ),
        f"{folder}/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        f"{folder}/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" '
            f'Target="{target or "worksheets/sheet1.xml"}"/>{styled}</Relationships>'
        ),
        f"{folder}/worksheets/sheet1.xml": sheet,
        **({f"{folder}/styles.xml": styles} if styles else {}),
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def codes(inspection) -> list[tuple[str, str, str]]:
    return [(f.code, f.where.sheet, f.where.cell) for f in inspection.findings]


ERROR = '<c {r}t="e"><v>#N/A</v></c>'


def error_cell(r: str = "") -> str:
    return ERROR.format(r=f'r="{r}" ' if r else "")


# --- namespaces ----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "x", "main"])
def test_a_formula_with_no_result_is_seen_whatever_the_prefix(prefix):
    p = f"{prefix}:" if prefix else ""
    data = f'<{p}row r="2"><{p}c r="B2"><{p}f>1+1</{p}f></{p}c></{p}row>'
    facts = inspect_package(package(sheet_xml(data, prefix=prefix)), "f.xlsx").sheet("S")
    assert facts.formulas_without_result == ("B2",)


def test_a_prefixed_hidden_row_and_error_cell_are_recorded():
    data = '<x:row r="7" hidden="1"><x:c r="C7" t="e"><x:v>#REF!</x:v></x:c></x:row>'
    facts = inspect_package(package(sheet_xml(data, prefix="x")), "f.xlsx").sheet("S")
    assert facts.hidden_rows == frozenset({6}) and facts.error_cells == (("C7", "#REF!"),)


def test_a_prefixed_dimension_is_checked():
    sheet = sheet_xml("", prefix="x", before='<x:dimension ref="A1:XFD1048576"/>')
    assert codes(inspect_package(package(sheet), "f.xlsx")) == [("DIMENSION_TOO_LARGE", "S", "")]


def test_elements_in_another_namespace_are_matched_by_local_name_as_the_reader_does():
    sheet = sheet_xml('<o:row xmlns:o="urn:other" r="1"><o:c r="XFD1"><o:v>1</o:v></o:c></o:row>')
    assert codes(inspect_package(package(sheet), "f.xlsx")) == [("CELL_OUTSIDE_TEMPLATE", "S", "XFD1")]


def test_names_are_split_at_the_first_colon_as_the_reader_splits_them():
    # calamine reads <b:c> (prefix b, even unbound) as a cell, and <a:b:c> (local name b:c) as none
    counted = sheet_xml('<row r="1"><b:c r="XFD1"><v>1</v></b:c></row>')
    assert codes(inspect_package(package(counted), "f.xlsx")) == [("CELL_OUTSIDE_TEMPLATE", "S", "XFD1")]
    not_a_cell = sheet_xml('<row r="1"><a:b:c r="XFD1"><v>1</v></a:b:c>' + error_cell() + "</row>")
    assert inspect_package(package(not_a_cell), "f.xlsx").sheet("S").error_cells == (("A1", "#N/A"),)


# --- positions without r ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ('<row r="3"><c r="B3"><v>1</v></c>' + error_cell() + "</row>", "C3"),  # after B3 in row 3
        ('<row r="4"><c r="A4"/></row><row>' + error_cell() + "</row>", "A5"),  # the row after row 4
        ('<row r="2"><c r="D2"/></row><row><c/>' + error_cell() + "</row>", "B3"),  # a new row starts at A
        ('<row r="2"><c r="C7"/>' + error_cell() + "</row>", "D2"),  # r sets the column, the row stays
        ("<row>" + error_cell() + "</row>", "A1"),
        ('<row r="b5"><c r="c5"/>' + error_cell() + "</row>", "D5"),  # any case, and a column in a row's r
    ],
)
def test_a_cell_without_r_is_where_the_reader_puts_it(data, where):
    facts = inspect_package(package(sheet_xml(data)), "f.xlsx").sheet("S")
    assert facts.error_cells == ((where, "#N/A"),)


def test_a_cell_without_r_in_a_far_row_is_refused_where_the_reader_would_put_it():
    data = '<row r="1048576"><c><v>1</v></c></row>'
    assert codes(inspect_package(package(sheet_xml(data)), "f.xlsx")) == [("CELL_OUTSIDE_TEMPLATE", "S", "A1048576")]


def test_cells_inside_an_inline_string_do_not_move_the_next_cell():
    data = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t><c/><c/></is></c>' + error_cell() + "</row>"
    assert inspect_package(package(sheet_xml(data)), "f.xlsx").sheet("S").error_cells == (("B1", "#N/A"),)


@pytest.mark.parametrize("ref", ["A0", "1A", "A", "", "A-1", "Ä1"])
def test_a_reference_the_reader_would_refuse_is_refused(ref):
    data = f'<row r="1"><c r="{ref}"><v>1</v></c></row>'
    assert codes(inspect_package(package(sheet_xml(data)), "f.xlsx")) == [("CORRUPT_XML", "S", "")]


# --- DTDs in any encoding -----------------------------------------------------------------------

DTD = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        lambda text: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-be"),
        lambda text: text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be-no-bom", "latin-1"],
)
def test_a_dtd_is_refused_whatever_the_encoding(encode):
    sheet = sheet_xml("").replace("?>", "?>" + DTD, 1)
    assert codes(inspect_package(package(encode(sheet)), "f.xlsx")) == [("XML_DTD", "", "")]


def test_a_dtd_in_a_part_no_reader_opens_is_refused_too():
    themed = package(sheet_xml(""), extra={"xl/theme/theme1.xml": ("<?xml version='1.0'?>" + DTD + "<t/>").encode()})
    assert codes(inspect_package(themed, "f.xlsx")) == [("XML_DTD", "", "")]


def test_an_encoding_expat_cannot_read_is_a_finding_not_a_crash():
    sheet = sheet_xml("").replace('encoding="UTF-8"', 'encoding="UTF-1"')
    assert codes(inspect_package(package(sheet), "f.xlsx")) == [("CORRUPT_XML", "", "")]


# --- where the parts are --------------------------------------------------------------------------


def test_the_workbook_is_read_from_the_folder_the_package_relationships_name():
    far = sheet_xml('<row r="1"><c r="ZZ1"><v>1</v></c></row>')
    decoy = {"xl/workbook.xml": b"<workbook/>"}
    assert codes(inspect_package(package(far, folder="wb", extra=decoy), "f.xlsx")) == [
        ("CELL_OUTSIDE_TEMPLATE", "S", "ZZ1")
    ]


def test_part_names_match_whatever_their_case_as_the_reader_finds_them():
    far = sheet_xml('<row r="1"><c r="ZZ1"><v>1</v></c></row>')
    data = package(far, target="Worksheets/SHEET1.xml")
    assert codes(inspect_package(data, "f.xlsx")) == [("CELL_OUTSIDE_TEMPLATE", "S", "ZZ1")]


def test_relationships_the_reader_would_take_another_way_are_refused():
    escaped = package(sheet_xml(""), target="worksheets/sheet&#49;.xml")  # the reader would not resolve &#49;
    assert [f.code for f in inspect_package(escaped, "f.xlsx").findings] == ["CORRUPT_XML"]
    data = package(sheet_xml(""))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    two = parts["_rels/.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId2" Type="x/relationships/officeDocument" Target="wb/workbook.xml"/></Relationships>',
    )
    same_id = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId1" Type="x/worksheet" Target="worksheets/other.xml"/></Relationships>',
    )
    for name, changed in (("_rels/.rels", two), ("xl/_rels/workbook.xml.rels", same_id)):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n, d in parts.items():
                z.writestr(n, changed if n == name else d)
        assert [f.code for f in inspect_package(out.getvalue(), "f.xlsx").findings] == ["MISSING_PART"]


def test_a_sheet_pointing_at_the_workbook_part_is_read_as_a_sheet_as_the_reader_would():
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" '
        'r:id="rId1"/></sheets><sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData></workbook>'
    )
    data = package(sheet_xml(""), target="workbook.xml", extra={"xl/workbook.xml": workbook.encode()})
    assert codes(inspect_package(data, "f.xlsx")) == [("CELL_OUTSIDE_TEMPLATE", "S", "XFD1")]


def test_two_sheets_naming_one_part_both_carry_its_facts():
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/><sheet '
        'name="T" sheetId="2" r:id="rId1"/></sheets></workbook>'
    )
    data = package(sheet_xml('<row r="2">' + error_cell("B2") + "</row>"), extra={"xl/workbook.xml": workbook.encode()})
    result = inspect_package(data, "f.xlsx")
    assert result.sheet("S").error_cells == result.sheet("T").error_cells == (("B2", "#N/A"),)


# --- caps, enforced as the parse goes -------------------------------------------------------------


def test_an_11_kb_file_with_a_far_prefixed_cell_is_refused_in_milliseconds_with_little_memory():
    filler = "".join(f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c></x:row>' for r in range(1, 200))
    data = package(sheet_xml(filler + '<x:row r="1048576"><x:c r="BH1048576"><x:v>1</x:v></x:c></x:row>', prefix="x"))
    tracemalloc.start()
    started = time.perf_counter()
    result = inspect_package(data, "f.xlsx")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert codes(result) == [("CELL_OUTSIDE_TEMPLATE", "S", "BH1048576")]
    assert elapsed < 0.5 and peak < 2_000_000  # before: 2.5 GB and 25 s in the reader


def test_the_parse_stops_at_the_first_cell_over_the_cap():
    rows = "".join(f'<row r="{r}"><c r="A{r}"/><c r="B{r}"/></row>' for r in range(1, 5))
    result = inspect_package(package(sheet_xml(rows)), "f.xlsx", Limits(max_cells=5))
    assert [f.code for f in result.findings] == ["TOO_MANY_CELLS"]
    result = inspect_package(package(sheet_xml(rows)), "f.xlsx", Limits(max_row=3))
    assert codes(result) == [("CELL_OUTSIDE_TEMPLATE", "S", "A4")]


def test_the_inflated_size_is_counted_as_the_part_inflates():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 300))
    result = inspect_package(package(sheet_xml(rows)), "f.xlsx", Limits(max_part_bytes=5_000))
    assert [f.code for f in result.findings] == ["DECOMPRESSION_BOMB"]


def shared(*texts: str, declared: int | None = None, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    count = len(texts) if declared is None else declared
    items = "".join(f"<{p}si><{p}t>{t}</{p}t></{p}si>" for t in texts)
    return f'<{p}sst {ns} uniqueCount="{count}">{items}</{p}sst>'.encode()


def test_a_text_over_the_cap_is_refused_at_the_cell_showing_it():
    data = '<row r="2"><c r="B2" t="s"><v>1</v></c></row>'
    built = package(sheet_xml(data), extra={"xl/sharedStrings.xml": shared("short", "x" * 11)})
    assert codes(inspect_package(built, "f.xlsx", Limits(max_text_chars=10))) == [("BAD_TEXT", "S", "B2")]
    unused = package(sheet_xml(""), extra={"xl/sharedStrings.xml": shared("short", "x" * 11)})
    assert codes(inspect_package(unused, "f.xlsx", Limits(max_text_chars=10))) == [("BAD_TEXT", "", "")]
    inline = '<row r="3"><c r="C3" t="inlineStr"><is><t>' + "y" * 11 + "</t></is></c></row>"
    assert codes(inspect_package(package(sheet_xml(inline)), "f.xlsx", Limits(max_text_chars=10))) == [
        ("BAD_TEXT", "S", "C3")
    ]


def test_shared_strings_are_counted_whatever_the_prefix():
    prefixed = package(sheet_xml(""), extra={"xl/sharedStrings.xml": shared("a", "b", "c", prefix="x")})
    assert inspect_package(prefixed, "f.xlsx").ok
    lying = package(sheet_xml(""), extra={"xl/sharedStrings.xml": shared("a", declared=3, prefix="x")})
    assert [f.code for f in inspect_package(lying, "f.xlsx").findings] == ["SHARED_STRINGS_MISMATCH"]
    many = package(sheet_xml(""), extra={"xl/sharedStrings.xml": shared("a", "b", "c", declared=2)})
    assert [f.code for f in inspect_package(many, "f.xlsx", Limits(max_shared_strings=2)).findings] == [
        "TOO_MANY_STRINGS"
    ]


# --- warnings: links, DDE, hidden columns, merged ranges ---------------------------------------------


@pytest.mark.parametrize(
    ("formula", "code"),
    [
        ("[1]Budget!D11", "EXTERNAL_LINK"),
        ("'[1]Budget 2012'!D11*2", "EXTERNAL_LINK"),
        ("SUM('C:\\x\\[Book1.xlsx]Sheet1'!A1:A3)", "EXTERNAL_LINK"),
        ("cmd|' /C calc'!A0", "DDE_FORMULA"),
        ('DDEAUTO("excel","sheet1","r1c1")', "DDE_FORMULA"),
        ('"[1]Budget!D11"&A1', None),  # text in quotes, not a reference
        ("'a|b'!A1+1", None),  # a sheet named a|b
        ('"x|y"&A1', None),
        ("SUM(Table1[Net])", None),  # a table's column
        ("B5-C5", None),
    ],
)
def test_formulas_reaching_outside_the_workbook_are_warned_of_at_their_cell(formula, code):
    data = f'<row r="5"><c r="D5"><f>{formula.replace("&", "&amp;")}</f><v>3</v></c></row>'
    result = inspect_package(package(sheet_xml(data)), "f.xlsx")
    assert result.ok
    assert codes(result) == ([(code, "S", "D5")] if code else [])


def test_warnings_of_one_code_stop_at_twenty_a_sheet_then_one_counts_the_rest():
    cells = "".join(f'<row r="{r}"><c r="A{r}"><f>[1]S!A1</f><v>1</v></c></row>' for r in range(1, 26))
    result = inspect_package(package(sheet_xml(cells)), "f.xlsx")
    assert [f.where.cell for f in result.findings] == [f"A{r}" for r in range(1, 21)] + [""]
    assert result.findings[-1].message.startswith("and 5 more cells")


def test_a_long_run_of_pipes_in_a_formula_is_read_in_linear_time():
    data = f'<row r="1"><c r="A1"><f>{"|" * 200_000}</f><v>1</v></c></row>'
    started = time.perf_counter()
    assert codes(inspect_package(package(sheet_xml(data)), "f.xlsx")) == [("DDE_FORMULA", "S", "A1")]
    assert time.perf_counter() - started < 1


def test_an_external_link_part_is_warned_of_with_its_target():
    link = f'<externalLink xmlns="{MAIN}"/>'.encode()
    rels = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/externalLinkPath" '
        'Target="file:///C:/Budget.xlsx" TargetMode="External"/></Relationships>'
    )
    extra = {"xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": rels.encode()}
    result = inspect_package(package(sheet_xml(""), extra=extra), "f.xlsx")
    assert codes(result) == [("EXTERNAL_LINK", "", "")] and "file:///C:/Budget.xlsx" in result.findings[0].message


def test_a_hidden_column_holding_data_is_warned_of_at_its_first_value_and_merges_are_recorded():
    cols = '<cols><col min="2" max="3" hidden="1"/></cols>'
    data = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"/></row><row r="2"><c r="C2"><v>2</v></c></row>'
    merges = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
    result = inspect_package(package(sheet_xml(data, before=cols, after=merges)), "f.xlsx")
    assert codes(result) == [("HIDDEN_COLUMN", "S", "C2")]  # B1 is empty: column B holds nothing
    facts = result.sheet("S")
    assert facts.hidden_columns == frozenset({1, 2}) and facts.merged == ("A1:B1",)
