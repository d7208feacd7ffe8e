"""Which cells are formatted as a percentage, read from the package's XML (jwmodel.excel.number_formats):
as Excel reads it, whatever prefix the package gives the spreadsheet namespace and with or without ``r=``."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from jwmodel.excel.number_formats import percent_cells

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Options"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = "Option", 0.4, 15, 0.45
    ws["B1"].number_format = "0%"  # built-in 9
    ws["D1"].number_format = "0.0%"  # a custom format with a percent sign
    ws["C1"].number_format = '0"%"'  # a quoted % is text: not a percentage
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, change(body) if item.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def test_percent_formatted_cells_are_found_and_a_quoted_percent_sign_is_not():
    wanted = {(0, 1), (0, 2), (0, 3)}
    assert percent_cells(_workbook(), "Options", wanted) == {(0, 1), (0, 3)}
    assert percent_cells(_workbook(), "Options", {(0, 2)}) == frozenset()
    assert percent_cells(_workbook(), "No such sheet", wanted) == frozenset()


def test_a_prefixed_namespace_and_cells_without_references_read_the_same():
    def prefixed_without_refs(xml: bytes) -> bytes:
        text = xml.decode()
        text = text.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
        for tag in (
            "worksheet",
            "sheetData",
            "row",
            "c",
            "v",
            "is",
            "t",
            "sheetPr",
            "dimension",
            "sheetViews",
            "sheetView",
            "selection",
            "sheetFormatPr",
            "pageMargins",
            "outlinePr",
            "pageSetUpPr",
            "cols",
            "col",
        ):
            text = text.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
            text = text.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
        for ref in ("A1", "B1", "C1", "D1"):
            text = text.replace(f' r="{ref}"', "")
        return text.encode()

    data = _rewritten(_workbook(), prefixed_without_refs)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<x:c" in sheet and b"<c " not in sheet and b' r="B1"' not in sheet
    assert percent_cells(data, "Options", {(0, 1), (0, 2), (0, 3)}) == {(0, 1), (0, 3)}


def test_with_the_guards_inspection_only_the_one_sheet_is_read_and_the_package_is_not_opened_again(monkeypatch):
    """The guard hands over each sheet's entry and the percent cell formats it read (issue 14): given its
    inspection, percent_cells neither opens the package nor parses workbook.xml, relationships or styles."""
    import zipfile as zipfile_module

    from jwmodel.excel import guard

    data = _workbook()
    inspection = guard.inspect_package(data, "options.xlsx")
    assert inspection.ok and inspection.part("Options") is not None
    assert inspection.percent_styles is not None and len(inspection.percent_styles) == 2  # "0%" and "0.0%"

    def no_second_opening(*_: object, **__: object) -> None:
        raise AssertionError("the package was opened again")

    monkeypatch.setattr(zipfile_module, "ZipFile", no_second_opening)
    assert percent_cells(data, "Options", {(0, 1), (0, 2), (0, 3)}, inspection) == {(0, 1), (0, 3)}
