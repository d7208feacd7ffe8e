"""The consolidated workbook and a receipt printed by LibreOffice: the pages a committee gets.

Each page's header names the sheet (``xlsx_cells.page_setup``), so the PDF's text says which sheet
every page belongs to. The Summary is one page; no page is blank; a chart is never cut across pages
(its title, at its top, and its legend, at its bottom, are on the same page, and on no other).
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from jwmodel.cli import main
from jwmodel.excel.libreoffice import to_pdf
from jwmodel.excel.report import SHEETS
from tests.conftest import HAMPSHIRE_DIR

PROGRAMME = "Joint Working in Hampshire, Individual Blueprints (April 2012)"  # the name in its programme.json
CHARTS = {  # sheet -> (title, legend entries) of each chart on it
    "Summary": [
        ("Recurring cost/(saving) by service area, £000s", ("Low estimate", "High estimate")),
        ("Tornado: programme NPV about the central 692, £000s", ("Prudent case", "Optimistic case")),
    ],
    "By partner": [
        ("Recurring cost/(saving) by partner, £000s", ("Recurring, low estimate", "Recurring, high estimate")),
    ],
    "Appraisal": [
        ("Cumulative net cost/(saving) by year, £000s", ("Prudent case", "Central case", "Optimistic case")),
    ],
}


def pages(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(str(pdf)).pages]


def sheet_of(text: str, header: str, names: tuple[str, ...]) -> str:
    """The sheet a page belongs to: the page header is "<programme> <sheet>"."""
    assert text.startswith(header), text[:200]
    after = text[len(header) :].lstrip()
    return next(n for n in sorted(names, key=len, reverse=True) if after.startswith(n + " "))


@pytest.fixture(scope="module")
def printed(tmp_path_factory, libreoffice) -> tuple[list[str], list[str]]:
    out = tmp_path_factory.mktemp("printed")
    assert main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(out / "c.xlsx"), "--receipts", str(out / "r"), "-q"]) == 0
    receipt = next(p for p in (out / "r").glob("receipt-return-HFRS-*.xlsx"))  # the one with issues
    workbook_pdf, receipt_pdf = to_pdf([out / "c.xlsx", receipt], out / "pdf")
    return pages(workbook_pdf), pages(receipt_pdf)


def test_every_sheet_prints_with_its_name_and_page_numbers_and_the_summary_on_one_page(printed):
    book, _ = printed
    owners = [sheet_of(text, PROGRAMME, SHEETS) for text in book]
    assert owners == sorted(owners, key=SHEETS.index)  # every sheet's pages together, in the reading order
    assert set(owners) == set(SHEETS)
    assert owners.count("Summary") == 1 and owners[0] == "Summary"
    for n, text in enumerate(book, start=1):
        assert f"Page {n} of {len(book)}" in text
        assert re.search(r"\d{4}-\d\d-\d\d jwmodel \d", text)
    assert len(book) <= 2 * len(SHEETS)  # the Hampshire case printed on 41 pages before


def test_no_page_is_blank(printed):
    book, receipt = printed
    for text in [*book, *receipt]:
        body = re.sub(r"Page \d+ of \d+ \d{4}-\d\d-\d\d jwmodel \S+", "", text)
        body = body.replace(PROGRAMME, "")
        assert len(body.split()) > 5, text  # more than the page header and footer


def test_the_summary_page_holds_the_committees_figures(printed):
    summary = printed[0][0]
    for shown in ("(182) (337)", "96 124", "402 692 982", "2.4 1.7 1.2", "Each partner's share", "Appendix A"):
        assert shown in summary, shown  # recurring range, one-off range, NPV and payback by case


def test_no_chart_is_cut_across_pages(printed):
    book, _ = printed
    owners = [sheet_of(text, PROGRAMME, SHEETS) for text in book]
    for sheet, charts in CHARTS.items():
        texts = [t for t, owner in zip(book, owners, strict=True) if owner == sheet]
        for title, legend in charts:
            holding = [t for t in texts if title in t]
            assert len(holding) == 1, (sheet, title, len(holding))
            assert all(entry in holding[0] for entry in legend), (sheet, title)


def test_a_receipt_prints_on_one_page_naming_the_file(printed):
    _, receipt = printed
    assert len(receipt) == 1
    assert receipt[0].startswith("Receipt: return-HFRS.xlsx Receipt")
    assert "BASELINE_TOTAL_MISMATCH" in receipt[0] and "Page 1 of 1" in receipt[0]
