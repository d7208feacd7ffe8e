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
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol2;</t></si></sst>'
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
        44,
        "PERCENT_SUM",
        src=EXAMPLE / "proposal-learning-and-development.xlsx",
        at="A5",
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
