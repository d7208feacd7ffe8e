"""The one page and screen set-up and number style every workbook jwmodel writes shares (xlsx_cells)."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import python_calamine
import xlsxwriter

from jwmodel.excel.xlsx_cells import (
    MONEY,
    NOT_APPLICABLE,
    PERCENT,
    WORKBOOK_OPTIONS,
    YEARS,
    fit_width,
    page_setup,
    styles,
    write_figure,
    write_headers,
)


def _written(tmp_path, fill) -> tuple[str, str, list[list[object]]]:
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("Summary")
    fill(wb, ws)
    wb.close()
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        book = z.read("xl/workbook.xml").decode()
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python()
    return sheet, book, rows


def test_page_setup_prints_landscape_fitted_to_width_with_titles_header_footer_and_frozen_panes(tmp_path):
    def fill(wb, ws):
        ws.write_string(0, 0, "x")
        page_setup(ws, programme="Hampshire & IOW", sheet_title="Summary", header_rows=3, header_cols=1, version="9.9")

    sheet, book, _ = _written(tmp_path, fill)
    setup = re.search(r"<pageSetup[^>]*>", sheet).group(0)
    assert 'orientation="landscape"' in setup and 'paperSize="9"' in setup
    assert 'fitToHeight="0"' in setup  # one page wide, as many tall as it takes
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    assert "&amp;LHampshire &amp;&amp; IOW&amp;RSummary" in sheet  # '&' in a name doubled, not a code
    footer = re.search(r"<oddFooter>(.*)</oddFooter>", sheet).group(1)
    assert "Page &amp;P of &amp;N" in footer and "jwmodel 9.9" in footer
    assert re.search(r"\d{4}-\d\d-\d\d", footer)
    assert '<pane xSplit="1" ySplit="3" topLeftCell="B4"' in sheet
    assert "Summary!$A:$A,Summary!$1:$3" in book  # print titles: the labelling column and rows


def test_one_page_fits_the_sheet_on_one_page(tmp_path):
    sheet, _, _ = _written(tmp_path, lambda wb, ws: page_setup(ws, programme="P", sheet_title="S", one_page=True))
    setup = re.search(r"<pageSetup[^>]*>", sheet).group(0)
    assert 'fitToHeight="0"' not in setup  # 1 by 1 is the default XlsxWriter leaves out


def test_a_figure_with_no_meaning_is_na_and_figures_stay_numbers(tmp_path):
    def fill(wb, ws):
        fmt = styles(wb)
        assert styles(wb) is fmt  # one set of formats per workbook
        write_figure(ws, 0, 0, None, fmt.years)
        write_figure(ws, 0, 1, Decimal("2.25"), fmt.years)
        write_figure(ws, 0, 2, Decimal("-56"), fmt.money)

    sheet, _, rows = _written(tmp_path, fill)
    assert rows[0] == [NOT_APPLICABLE, 2.25, -56]


def test_wrapped_headers_get_a_row_tall_enough_for_their_lines(tmp_path):
    def fill(wb, ws):
        write_headers(ws, 2, ["Service area", "Payback (5 years) switching value %"], styles(wb).head, widths=[30, 12])

    sheet, _, rows = _written(tmp_path, fill)
    height = float(re.search(r'<row r="3"[^>]* ht="([\d.]+)"', sheet).group(1))
    # "Payback (5 years) switching value %" in a 12-wide column: "Payback (5", "years)", "switching", "value %"
    assert height >= 4 * 15


def test_widths_fit_the_longest_text_within_bounds():
    assert fit_width(["Estates & Property Services"]) >= len("Estates & Property Services")
    assert fit_width(["x" * 500]) == 60
    assert fit_width([]) == 6
    assert fit_width([Decimal("-1234567")]) >= len("(1,234,567)")


def test_the_number_formats_are_the_one_style():
    assert MONEY == "#,##0;(#,##0);0"  # whole £000s, savings in brackets: Appendix A
    assert PERCENT.startswith('0"%"') and YEARS.startswith("0.0;")
