"""Build a corpus of broken and hostile submissions from the real example returns.

Every file is made by code from a valid return or proposal (no hand-edited binaries). Each case
says what the intake must answer: the status, the finding code and where it points.
Run ``python -m tests.hostile_corpus OUTDIR`` to look at the files.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "examples" / "hampshire-2012"
RETURN = EXAMPLE / "return-HC.xlsx"
PROPOSAL = EXAMPLE / "proposal-legal-services.xlsx"


@dataclass(frozen=True)
class Case:
    file: str
    status: str
    code: str
    sheet: str = ""
    cell: str = ""
    what: str = ""


def _parts(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def _edit(path: Path, part: str, change) -> bytes:
    return _zip([(i.filename, change(data) if i.filename == part else data) for i, data in _parts(path)])


def _openpyxl(src: Path, dest: Path, change) -> None:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dest)


MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def prefixed(xml: bytes, prefix: bytes = b"x") -> bytes:
    """The same part with every unprefixed element written ``x:name``, the namespace declared for ``x``:
    legal OOXML that means exactly the same to an XML reader."""
    xml = xml.replace(b'xmlns="' + MAIN_NS + b'"', b"xmlns:" + prefix + b'="' + MAIN_NS + b'"', 1)
    return re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", lambda m: b"<" + m.group(1) + prefix + b":" + m.group(2), xml)


def without_r(xml: bytes, rows: tuple[int, ...]) -> bytes:
    """The part with the r="" of the given rows and of their cells removed (positions then follow)."""
    for row in rows:
        xml = xml.replace(f'<row r="{row}" '.encode(), b"<row ", 1)
        xml = re.sub(rf'<c r="[A-Z]+{row}" '.encode(), b"<c ", xml)
    return xml


def build(folder: Path) -> list[Case]:
    """Write the corpus into ``folder`` and return what each file must produce."""
    folder.mkdir(parents=True, exist_ok=True)
    valid = RETURN.read_bytes()
    cases: list[Case] = []

    def put(name: str, data: bytes, case: Case) -> None:
        (folder / name).write_bytes(data)
        cases.append(case)

    # Not a workbook at all
    put("empty.xlsx", b"", Case("empty.xlsx", "rejected", "EMPTY_FILE", what="an empty file"))
    put(
        "random-bytes.xlsx",
        bytes(range(256)) * 40,
        Case("random-bytes.xlsx", "rejected", "NOT_A_WORKBOOK", what="random bytes"),
    )
    put(
        "csv-renamed.xlsx",
        b"Service area,Net baseline,FTE\nLegal Services,430,8.5\n",
        Case("csv-renamed.xlsx", "rejected", "NOT_A_WORKBOOK", what="a CSV renamed .xlsx"),
    )
    put(
        "html-renamed.xlsx",
        b"<html><body><table><tr><td>430</td></tr></table></body></html>",
        Case("html-renamed.xlsx", "rejected", "NOT_A_WORKBOOK", what="an HTML table renamed .xlsx"),
    )
    put(
        "truncated.xlsx",
        valid[: len(valid) // 2],
        Case("truncated.xlsx", "rejected", "CORRUPT_ZIP", what="a file cut short"),
    )
    damaged = bytearray(valid)
    start = valid.index(b"xl/worksheets/sheet3.xml") + 40
    for k in range(start, start + 60):
        damaged[k] ^= 0x5A
    put(
        "damaged-data.xlsx",
        bytes(damaged),
        Case("damaged-data.xlsx", "rejected", "CORRUPT_ZIP", what="compressed data damaged in transit"),
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    put(
        "legacy.xls",
        ole + b"Workbook".ljust(512, b"\x00"),
        Case("legacy.xls", "rejected", "LEGACY_XLS", what="a legacy .xls"),
    )
    put(
        "legacy-renamed.xlsx",
        ole + b"Workbook".ljust(512, b"\x00"),
        Case("legacy-renamed.xlsx", "rejected", "LEGACY_XLS", what="a legacy .xls renamed .xlsx"),
    )
    put(
        "password.xlsx",
        ole + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 200,
        Case("password.xlsx", "rejected", "PASSWORD_PROTECTED", what="a workbook with a password to open"),
    )
    put(
        "binary.xlsb",
        _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01")]),
        Case("binary.xlsb", "rejected", "XLSB", what="an .xlsb"),
    )
    put(
        "binary-renamed.xlsx",
        _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01")]),
        Case("binary-renamed.xlsx", "rejected", "XLSB", what="an .xlsb renamed .xlsx"),
    )
    ods = _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", b"<office:document-content/>"),
        ],
        zipfile.ZIP_STORED,
    )
    put("calc.ods", ods, Case("calc.ods", "rejected", "ODS", what="an .ods"))
    put("calc-renamed.xlsx", ods, Case("calc-renamed.xlsx", "rejected", "ODS", what="an .ods renamed .xlsx"))

    # Packages that are zips but not honest workbooks
    parts = [(i.filename, d) for i, d in _parts(RETURN)]
    put(
        "macro.xlsx",
        _zip([*parts, ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 VBA")]),
        Case("macro.xlsx", "rejected", "MACRO_ENABLED", what="macros inside an .xlsx"),
    )
    put("macro.xlsm", _zip(parts), Case("macro.xlsm", "rejected", "MACRO_ENABLED", what="an .xlsm"))
    put(
        "no-workbook-part.xlsx",
        _zip([p for p in parts if p[0] != "xl/workbook.xml"]),
        Case("no-workbook-part.xlsx", "rejected", "MISSING_PART", what="the workbook part missing"),
    )
    put(
        "no-sheet-part.xlsx",
        _zip([p for p in parts if p[0] != "xl/worksheets/sheet3.xml"]),
        Case("no-sheet-part.xlsx", "rejected", "MISSING_PART", what="a sheet's part missing"),
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        put(
            "duplicate-entry.xlsx",
            _zip([*parts, ("xl/worksheets/sheet3.xml", b"<worksheet/>")]),
            Case("duplicate-entry.xlsx", "rejected", "DUPLICATE_ENTRY", what="a part stored twice"),
        )
    put(
        "bzip2.xlsx",
        _zip(parts, zipfile.ZIP_BZIP2),
        Case("bzip2.xlsx", "rejected", "UNSUPPORTED_COMPRESSION", what="compression Excel never uses"),
    )
    put(
        "zip-slip.xlsx",
        _zip([*parts, ("../../outside.xml", b"<x/>")]),
        Case("zip-slip.xlsx", "rejected", "UNSAFE_PATH", what="a part whose path leaves the package"),
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol2;</t></si></sst>'
    )
    put(
        "billion-laughs.xlsx",
        _zip([(n, laughs if n == "xl/sharedStrings.xml" else d) for n, d in parts]),
        Case("billion-laughs.xlsx", "rejected", "XML_DTD", what="an entity bomb"),
    )
    xxe = lambda d: d.replace(b"<workbook ", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook ', 1)  # noqa: E731
    put(
        "external-entity.xlsx",
        _edit(RETURN, "xl/workbook.xml", xxe),
        Case("external-entity.xlsx", "rejected", "XML_DTD", what="an external entity"),
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts:
            if name == "xl/sharedStrings.xml":
                with z.open(name, "w", force_zip64=True) as stream:
                    stream.write(data[:-6])
                    chunk = b"<si><t>" + b"A" * (1 << 20) + b"</t></si>"
                    for _ in range(60):
                        stream.write(chunk)
            else:
                z.writestr(name, data)
    put(
        "decompression-bomb.xlsx",
        bomb.getvalue(),
        Case("decompression-bomb.xlsx", "rejected", "DECOMPRESSION_BOMB", what="a part that inflates to 60 MB"),
    )
    put(
        "huge-dimension.xlsx",
        _edit(
            RETURN,
            "xl/worksheets/sheet3.xml",
            lambda d: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', d),
        ),
        Case(
            "huge-dimension.xlsx",
            "rejected",
            "DIMENSION_TOO_LARGE",
            "Baseline",
            what="a sheet claiming 17 billion cells",
        ),
    )
    put(
        "lying-dimension.xlsx",
        _edit(
            RETURN,
            "xl/worksheets/sheet3.xml",
            lambda d: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:A1"/>', d),
        ),
        Case(
            "lying-dimension.xlsx",
            "accepted with warnings",
            "DIMENSION_LIES",
            "Baseline",
            what="a sheet understating its size",
        ),
    )
    far = lambda d: d.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')  # noqa: E731
    put(
        "far-cell.xlsx",
        _edit(RETURN, "xl/worksheets/sheet3.xml", far),
        Case(
            "far-cell.xlsx",
            "rejected",
            "CELL_OUTSIDE_TEMPLATE",
            "Baseline",
            "XFD1048576",
            what="a cell far outside the template",
        ),
    )
    long = lambda d: d.replace(b"Generic L&amp;D, excluding professionally specific L&amp;D", b"x" * 40_000, 1)  # noqa: E731
    put(
        "long-text.xlsx",
        _edit(RETURN, "xl/sharedStrings.xml", long),
        Case(
            "long-text.xlsx",
            "rejected",
            "BAD_TEXT",
            "Baseline",
            "F5",
            what="text over Excel's 32,767 characters (no spreadsheet application writes this)",
        ),
    )
    put(
        "lying-strings.xlsx",
        _edit(RETURN, "xl/sharedStrings.xml", lambda d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="400000"', d)),
        Case("lying-strings.xlsx", "rejected", "SHARED_STRINGS_MISMATCH", what="a shared-strings count that lies"),
    )
    put(
        "absurd-strings.xlsx",
        _edit(RETURN, "xl/sharedStrings.xml", lambda d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', d)),
        Case("absurd-strings.xlsx", "rejected", "TOO_MANY_STRINGS", what="an absurd shared-strings count"),
    )

    # The guard sees what the reader sees: namespace prefixes, cells and rows without r="",
    # other encodings, a workbook found where the package relationships say, links and DDE
    sheet = "xl/worksheets/sheet3.xml"
    no_result = lambda d: d.replace(b'<c r="D6" s="7"><v>5967</v></c>', b'<c r="D6" s="7"><f>B6-C6</f></c>')  # noqa: E731
    put(
        "prefixed-formula.xlsx",
        _edit(RETURN, sheet, lambda d: prefixed(no_result(d))),
        Case(
            "prefixed-formula.xlsx",
            "rejected",
            "FORMULA_NO_RESULT",
            "Baseline",
            "D6",
            what="a formula with no result in a sheet written with x: prefixes",
        ),
    )
    put(
        "prefixed-everywhere.xlsx",
        _zip(
            [
                (n, prefixed(no_result(d) if n == sheet else d) if n.startswith("xl/") and n.endswith(".xml") else d)
                for n, d in parts
            ]
        ),
        Case(
            "prefixed-everywhere.xlsx",
            "rejected",
            "FORMULA_NO_RESULT",
            "Baseline",
            "D6",
            what="every part with x: prefixes (shared strings too, which are read, not miscounted)",
        ),
    )
    put(
        "prefixed-hidden-row.xlsx",
        _edit(RETURN, sheet, lambda d: prefixed(d.replace(b'<row r="7" ', b'<row r="7" hidden="1" '))),
        Case(
            "prefixed-hidden-row.xlsx",
            "accepted with warnings",
            "HIDDEN_ROW",
            "Baseline",
            "A7",
            what="a hidden row in a sheet written with x: prefixes",
        ),
    )
    put(
        "prefixed-dimension.xlsx",
        _edit(
            RETURN,
            sheet,
            lambda d: prefixed(re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', d)),
        ),
        Case(
            "prefixed-dimension.xlsx",
            "rejected",
            "DIMENSION_TOO_LARGE",
            "Baseline",
            what="a prefixed dimension claiming 17 billion cells",
        ),
    )
    put(
        "prefixed-far-cell.xlsx",
        _edit(RETURN, sheet, lambda d: prefixed(far(d))),
        Case(
            "prefixed-far-cell.xlsx",
            "rejected",
            "CELL_OUTSIDE_TEMPLATE",
            "Baseline",
            "XFD1048576",
            what="a prefixed cell at XFD1048576 (the reader would try to reserve 549,755,813,888 bytes and abort)",
        ),
    )
    far_bh = lambda d: d.replace(b"</sheetData>", b'<row r="1048576"><c r="BH1048576"><v>1</v></c></row></sheetData>')  # noqa: E731
    put(
        "prefixed-far-cell-bh.xlsx",
        _edit(RETURN, sheet, lambda d: prefixed(far_bh(d))),
        Case(
            "prefixed-far-cell-bh.xlsx",
            "rejected",
            "CELL_OUTSIDE_TEMPLATE",
            "Baseline",
            "BH1048576",
            what="an 11 KB file with a prefixed cell at BH1048576 (2.5 GB and 25 s in the reader before)",
        ),
    )
    far_no_r = lambda d: d.replace(b"</sheetData>", b'<row r="1048576"><c><v>1</v></c></row></sheetData>')  # noqa: E731
    put(
        "no-r-far-cell.xlsx",
        _edit(RETURN, sheet, far_no_r),
        Case(
            "no-r-far-cell.xlsx",
            "rejected",
            "CELL_OUTSIDE_TEMPLATE",
            "Baseline",
            "A1048576",
            what='a cell with no r="" in row 1048576 (the reader places it at A1048576)',
        ),
    )
    put(
        "no-r-formula.xlsx",
        _edit(RETURN, sheet, lambda d: without_r(no_result(d), (5, 6, 7))),
        Case(
            "no-r-formula.xlsx",
            "rejected",
            "FORMULA_NO_RESULT",
            "Baseline",
            "D6",
            what='a formula with no result where rows and cells have no r="" (positions follow)',
        ),
    )
    dtd = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

    def utf16(d: bytes) -> bytes:
        text = d.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return text.replace("<workbook ", dtd.decode() + "<workbook ", 1).encode("utf-16")

    put(
        "utf16-dtd.xlsx",
        _edit(RETURN, "xl/workbook.xml", utf16),
        Case("utf16-dtd.xlsx", "rejected", "XML_DTD", what="a DTD in a part encoded as UTF-16"),
    )
    put(
        "bom-dtd.xlsx",
        _edit(
            RETURN, "xl/styles.xml", lambda d: b"\xef\xbb\xbf" + d.replace(b"<styleSheet ", dtd + b"<styleSheet ", 1)
        ),
        Case("bom-dtd.xlsx", "rejected", "XML_DTD", what="a DTD in a part starting with a UTF-8 byte-order mark"),
    )
    moved = [(n, d) for n, d in parts] + [
        ("wb/" + n[3:], far(d) if n == sheet else d) for n, d in parts if n.startswith("xl/")
    ]
    moved = [
        (n, d.replace(b'Target="xl/workbook.xml"', b'Target="wb/workbook.xml"') if n == "_rels/.rels" else d)
        for n, d in moved
    ]
    put(
        "decoy-workbook.xlsx",
        _zip(moved),
        Case(
            "decoy-workbook.xlsx",
            "rejected",
            "CELL_OUTSIDE_TEMPLATE",
            "Baseline",
            "XFD1048576",
            what="the package's relationships name another workbook folder than xl/, with a clean decoy in xl/",
        ),
    )

    def linked(d: bytes) -> bytes:
        return d.replace(b'<c r="D6" s="7"><v>5967</v></c>', b'<c r="D6" s="7"><f>[1]Budget!D11</f><v>5967</v></c>')

    put(
        "linked-formula.xlsx",
        _edit(RETURN, sheet, linked),
        Case(
            "linked-formula.xlsx",
            "accepted with warnings",
            "EXTERNAL_LINK",
            "Baseline",
            "D6",
            what="a figure taken by formula from another workbook ([1]Budget!D11), its value saved",
        ),
    )
    link_part = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><externalLink xmlns="'
        + MAIN_NS
        + (
            b'"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            b'r:id="rId1"/></externalLink>'
        )
    )
    link_rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="file:///C:/Budgets/Budget%202012.xlsx" TargetMode="External"/></Relationships>'
    )
    put(
        "external-link-part.xlsx",
        _zip(
            [
                *parts,
                ("xl/externalLinks/externalLink1.xml", link_part),
                ("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels),
            ]
        ),
        Case("external-link-part.xlsx", "accepted with warnings", "EXTERNAL_LINK", what="a link to another workbook"),
    )

    def dde(d: bytes) -> bytes:
        return d.replace(
            b'<c r="D6" s="7"><v>5967</v></c>', b'<c r="D6" s="7"><f>cmd|\' /C calc\'!A0</f><v>5967</v></c>'
        )

    put(
        "dde-formula.xlsx",
        _edit(RETURN, sheet, dde),
        Case(
            "dde-formula.xlsx",
            "accepted with warnings",
            "DDE_FORMULA",
            "Baseline",
            "D6",
            what="a DDE formula (cmd|' /C calc'!A0) with a value saved",
        ),
    )

    # Real workbooks with problems in cells (saved by openpyxl, as a partner's tool might)
    def cell(
        name: str,
        sheet: str,
        ref: str,
        value,
        code: str,
        status: str = "rejected",
        src: Path = RETURN,
        at: str | None = None,
        what: str = "",
    ) -> None:
        def change(wb):
            wb[sheet][ref] = value

        _openpyxl(src, folder / name, change)
        cases.append(Case(name, status, code, sheet, at or ref, what))

    cell("formula-error.xlsx", "Baseline", "D6", "#REF!", "FORMULA_ERROR", what="#REF! in an input cell")
    cell("div-zero.xlsx", "Baseline", "E7", "#DIV/0!", "FORMULA_ERROR", what="#DIV/0! in an input cell")
    cell(
        "formula-no-result.xlsx",
        "Baseline",
        "D6",
        "=B6-C6",
        "FORMULA_NO_RESULT",
        what="a formula saved without its result",
    )
    cell("text-number.xlsx", "Baseline", "D6", "n/a", "NOT_A_NUMBER", what="text in a number cell")
    cell("nan-number.xlsx", "Baseline", "D6", "nan", "NOT_A_NUMBER", what="'nan' (which float() would accept)")
    cell(
        "underscore-number.xlsx", "Baseline", "D6", "1_000", "NOT_A_NUMBER", what="'1_000' (which float() would accept)"
    )
    cell("arabic-digits.xlsx", "Baseline", "D6", "١٢٣", "NOT_A_NUMBER", what="non-Latin digits")
    cell("negative-fte.xlsx", "Baseline", "E6", -3, "NEGATIVE", what="negative FTE")
    cell(
        "date-out-of-range.xlsx",
        "Cover",
        "B10",
        "1900-01-05",
        "DATE_OUT_OF_RANGE",
        what="an implausible submission date",
    )
    cell("unknown-partner.xlsx", "Cover", "B5", "HPA", "PARTNER_UNKNOWN", what="an unknown partner code")
    cell("lookalike-code.xlsx", "Cover", "B5", "Н\u0421", "BAD_CODE", what="Cyrillic letters that look like 'HC'")
    cell("invisible-code.xlsx", "Cover", "B5", "H\u200bC", "BAD_CODE", what="a zero-width space inside a code")
    cell("unknown-version.xlsx", "Cover", "B4", "0.9", "TEMPLATE_VERSION", what="an unsupported template version")
    cell("no-version.xlsx", "Cover", "B4", None, "TEMPLATE_VERSION", what="no template version")
    cell(
        "unknown-template.xlsx", "Cover", "B3", "Budget monitoring", "TEMPLATE_UNKNOWN", at="", what="another template"
    )
    cell("renamed-header.xlsx", "Baseline", "D4", "Net (£000s)", "HEADER_MISSING", at="A4", what="a renamed column")
    cell("outside-table.xlsx", "Baseline", "H8", 250, "OUTSIDE_TABLE", what="a figure to the right of the table")
    cell(
        "percent-sum.xlsx",
        "Options",
        "J5",
        0.44,  # 44 typed in the % cell (0.00%) is held as 0.44: 40/15/44
        "PERCENT_SUM",
        src=EXAMPLE / "proposal-learning-and-development.xlsx",
        at="H5:J5",
        what="percentages adding up to 99",
    )
    cell(
        "unordered-range.xlsx",
        "Saving lines",
        "C5",
        -20,
        "RANGE_NOT_ORDERED",
        src=PROPOSAL,
        at="A5",
        what="low a bigger saving than high",
    )

    cell("huge-number.xlsx", "Baseline", "D6", 1e25, "NOT_A_NUMBER", what="1e25 in a number cell")
    cell(
        "thousand-digits.xlsx", "Baseline", "D6", "9" * 1000, "NOT_A_NUMBER", what="a 1,000-digit number typed as text"
    )

    def merged(wb):
        wb["Baseline"].merge_cells("F6:F7")

    _openpyxl(RETURN, folder / "merged-cells.xlsx", merged)
    cases.append(
        Case(
            "merged-cells.xlsx",
            "accepted with warnings",
            "MERGED_CELLS",
            "Baseline",
            "F6",
            what="cells merged over the input area",
        )
    )

    def hidden_column(wb):
        wb["Baseline"].column_dimensions["E"].hidden = True

    _openpyxl(RETURN, folder / "hidden-column.xlsx", hidden_column)
    cases.append(
        Case(
            "hidden-column.xlsx",
            "accepted with warnings",
            "HIDDEN_COLUMN",
            "Baseline",
            "E4",
            what="a hidden column holding data",
        )
    )

    def renamed_sheet(wb):
        wb["Baseline"].title = "Base line"

    _openpyxl(RETURN, folder / "renamed-sheet.xlsx", renamed_sheet)
    cases.append(Case("renamed-sheet.xlsx", "rejected", "SHEET_MISSING", "Baseline", what="a renamed sheet"))

    def extra_sheet(wb):
        wb.create_sheet("My workings")["A1"] = 123

    _openpyxl(RETURN, folder / "extra-sheet.xlsx", extra_sheet)
    cases.append(
        Case("extra-sheet.xlsx", "rejected", "EXTRA_SHEET", "My workings", what="an extra sheet holding figures")
    )

    def hidden_sheet(wb):
        wb["Lists"].sheet_state = "hidden"

    _openpyxl(RETURN, folder / "hidden-sheet.xlsx", hidden_sheet)
    cases.append(
        Case("hidden-sheet.xlsx", "accepted with warnings", "HIDDEN_SHEET", "Lists", what="a template sheet hidden")
    )

    def hidden_row(wb):
        wb["Baseline"].row_dimensions[7].hidden = True

    _openpyxl(RETURN, folder / "hidden-row.xlsx", hidden_row)
    cases.append(
        Case(
            "hidden-row.xlsx",
            "accepted with warnings",
            "HIDDEN_ROW",
            "Baseline",
            "A7",
            what="a hidden row holding data",
        )
    )

    def injected(wb):
        wb["Baseline"]["F6"] = '=HYPERLINK("http://example.invalid","open me")'

    _openpyxl(RETURN, folder / "formula-in-notes.xlsx", injected)
    cases.append(
        Case(
            "formula-in-notes.xlsx",
            "rejected",
            "FORMULA_NO_RESULT",
            "Baseline",
            "F6",
            what="a live formula typed in a notes cell",
        )
    )
    return cases


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    shutil.rmtree(out, ignore_errors=True)
    for case in build(out):
        print(f"{case.file:28} {case.status:24} {case.code:24} {case.sheet}!{case.cell}  {case.what}")
