"""Writing values into XlsxWriter cells: the one place a value becomes a cell.

Numbers (``Decimal``, ``int``, ``float``) are written as numbers, ``None`` as a blank, a bool as a
boolean, and everything else as text, always as text (never a formula, a link or a number parsed
from text). Text longer than a cell holds is cut visibly, never silently. Every workbook jwmodel
writes is opened with :data:`WORKBOOK_OPTIONS` and marked with :func:`mark_output`, so a later run
over a folder that holds one knows it is an output, not a submission.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from jwmodel.tables import Table
from jwmodel.tables.outputs import flat, printable
from jwmodel.version import VERSION

__all__: list[str] = [
    "WORKBOOK_OPTIONS",
    "CELL_LIMIT",
    "ROW_LIMIT",
    "OUTPUT_PROPERTY",
    "write_value",
    "write_declared_rows",
    "fit_text",
    "mark_output",
]

WORKBOOK_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
CELL_LIMIT = 32_767  # the most characters an Excel cell holds
ROW_LIMIT = 1_048_576  # the most rows an Excel sheet holds
OUTPUT_PROPERTY = "jwmodel output"  # custom document property naming what the workbook is


def fit_text(text: str) -> str:
    """``text`` as it fits in one cell: cut with a note saying how much was left out, if too long."""
    text = printable(text)
    if len(text) <= CELL_LIMIT:
        return text
    note = " [cut here: {n:,} more characters; the JSON output holds the whole text]"
    keep = CELL_LIMIT - len(note.format(n=len(text)))
    while len(text[: keep + 1]) + len(note.format(n=len(text) - keep - 1)) <= CELL_LIMIT:
        keep += 1  # the count left out has fewer digits than the whole length: use the room
    return text[:keep] + note.format(n=len(text) - keep)


def write_value(ws: Any, row: int, col: int, value: object, fmt: object = None) -> None:
    """Write ``value`` into ``ws`` at (row, col), 0-based, by its type; text always as text."""
    if type(value) is str:  # the commonest case first: a table of findings or sources is mostly text
        ws.write_string(row, col, fit_text(value), fmt)
    elif value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, Decimal | int | float) and (number := _finite(value)) is not None:
        ws.write_number(row, col, number, fmt)
    else:  # text, and a number no cell can hold (NaN, infinity from a damaged file's finding) as its text
        ws.write_string(row, col, fit_text(str(flat(value))), fmt)


def _finite(value: Decimal | int | float) -> float | None:
    """``value`` as a float a cell can hold, or None (NaN, infinity, beyond a float's range)."""
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def mark_output(workbook: Any, what: str) -> None:
    """Mark an XlsxWriter workbook as written by jwmodel (``what``: e.g. "consolidated workbook")."""
    workbook.set_custom_property(OUTPUT_PROPERTY, what)


def write_declared_rows(
    ws: Any,
    table: Table,
    rows: Sequence[Sequence[object]],
    *,
    top: int,
    head: object = None,
    note: object = None,
    widths: Mapping[str, int] | None = None,
) -> None:
    """A declared table on a sheet: its headers on row ``top`` (0-based), its rows below, a filter.

    Rows beyond what a sheet holds are not dropped silently: the last row says how many more the
    JSON output lists. ``widths`` sets column widths by column key.
    """
    for col, header in enumerate(table.headers()):
        write_value(ws, top, col, header, head)
    room = ROW_LIMIT - top - 2  # the headers and a row for the note
    shown = rows if len(rows) <= room + 1 else rows[:room]
    for i, values in enumerate(shown, start=top + 1):
        for col, value in enumerate(values):
            if value is not None:  # a blank with no format is no cell at all: nothing to write
                write_value(ws, i, col, value)
    if len(shown) < len(rows):
        more = f"... and {len(rows) - len(shown):,} more rows than a sheet holds: the JSON output lists them all"
        write_value(ws, top + 1 + len(shown), 0, more, note)
    for key, width in (widths or {}).items():
        col = table.keys.index(key)
        ws.set_column(col, col, width)
    if shown:
        ws.autofilter(top, 0, top + len(shown), len(table.columns) - 1)


# Page and screen set-up, and the one number style ------------------------------------------------
#
# Every workbook jwmodel writes (consolidated, receipts, model, tracker, ...) uses these, so a sheet
# prints and reads the same whichever writer made it:
#
#     fmt = styles(wb)                                   # the shared cell formats, one set per workbook
#     write_headers(ws, 3, ["Service area", "Low", "High"], fmt.head, widths=[34, 11, 11])
#     write_value(ws, 4, 1, Decimal("-56"), fmt.money)  # (56): whole £000s, saving in brackets
#     write_figure(ws, 5, 2, None, fmt.years)          # "n/a": a figure with no meaning
#     page_setup(ws, programme="Hampshire 2012", sheet_title="Summary", header_rows=4, header_cols=1)
#
# Number formats (Excel's own, so the figure stays a number): MONEY on summary sheets (whole £000s,
# savings bracketed, as Appendix A), MONEY_EXACT on detail sheets only (£000s to £1), PERCENT for
# whole-number percentages stored as percentages (40 means 40%), YEARS for years and payback (one
# decimal), FTE. The terminal's text follows the same style: ``jwmodel.report_text.money`` and friends.

MONEY = "#,##0;(#,##0);0"
MONEY_EXACT = "#,##0.000;(#,##0.000);0.000"
PERCENT = '0"%";(0"%");0"%"'
YEARS = "0.0;(0.0);0.0"
FTE = "#,##0.0"
# Input cells show what a person typed, as typed: up to three decimals (£1 in £000s), none forced.
NUMBER_IN = "#,##0.0##"
MONEY_IN = "#,##0.0##;(#,##0.0##);0"
NOT_APPLICABLE = "n/a"  # written where a figure has no meaning (payback with no flows, no savings to scale)

CHAR_WIDTH = 1.1  # Excel column width units per character of Calibri 11, with a little room
WIDTH_MIN, WIDTH_MAX = 6, 60
LINE_HEIGHT = 15  # points per line of Calibri 11

__all__ += [
    "MONEY",
    "MONEY_EXACT",
    "PERCENT",
    "YEARS",
    "FTE",
    "NUMBER_IN",
    "MONEY_IN",
    "NOT_APPLICABLE",
    "Styles",
    "styles",
    "write_figure",
    "write_headers",
    "note_height",
    "keep_chart_on_one_page",
    "fit_width",
    "set_widths",
    "page_setup",
    "page_header_text",
]


class Styles:
    """The cell formats every writer shares, made once per workbook (``styles(wb)``)."""

    def __init__(self, wb: Any) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.note_wrap = add({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.head = add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
        self.head_right = add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom", "align": "right"})
        self.head_center = add({"bold": True, "bottom": 1, "align": "center", "valign": "bottom"})
        self.text = add({})
        self.money = add({"num_format": MONEY})
        self.money_exact = add({"num_format": MONEY_EXACT})
        self.percent = add({"num_format": PERCENT})
        self.years = add({"num_format": YEARS})
        self.fte = add({"num_format": FTE})
        self.total = add({"num_format": MONEY, "bold": True, "top": 1, "bottom": 6})
        self.total_exact = add({"num_format": MONEY_EXACT, "bold": True, "top": 1, "bottom": 6})
        self.fte_total = add({"num_format": FTE, "bold": True, "top": 1, "bottom": 6})
        self.not_applicable = add({"align": "right", "font_color": "#595959"})
        self.banner = add({"bold": True, "font_size": 14, "font_color": "#FFFFFF", "bg_color": "#C00000"})
        self.big = add({"bold": True, "font_size": 12, "num_format": MONEY})


def styles(wb: Any) -> Styles:
    """The shared :class:`Styles` of XlsxWriter workbook ``wb`` (made on the first call, kept on it)."""
    held = getattr(wb, "_jwmodel_styles", None)
    if held is None:
        held = Styles(wb)
        wb._jwmodel_styles = held
    return held


def write_figure(ws: Any, row: int, col: int, value: object, fmt: object = None, *, na: Any = None) -> None:
    """A figure in the one number style; ``None`` is "n/a" (a figure with no meaning), right-aligned.

    ``na`` is the format for "n/a" (default: the format given, so it lines up with the figures).
    """
    if value is None:
        ws.write_string(row, col, NOT_APPLICABLE, na if na is not None else fmt)
    else:
        write_value(ws, row, col, value, fmt)


def fit_width(values: Sequence[object], *, minimum: int = WIDTH_MIN, maximum: int = WIDTH_MAX) -> int:
    """A column width (Excel units) that shows the longest of ``values`` as text, within the bounds."""
    longest = max((len(_shown(v)) for v in values), default=0)
    return int(max(minimum, min(maximum, round(longest * CHAR_WIDTH + 2))))


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return f"({abs(value):,.0f})" if value < 0 else f"{value:,.0f}"
    return str(value)


def set_widths(ws: Any, widths: Sequence[float], *, first_col: int = 0) -> None:
    """Set the widths of consecutive columns from ``first_col``."""
    for col, width in enumerate(widths, start=first_col):
        ws.set_column(col, col, width)


def write_headers(
    ws: Any,
    row: int,
    headers: Sequence[str],
    fmt: object,
    *,
    widths: Sequence[float],
    first_col: int = 0,
    label_cols: int = 0,
    label_fmt: object = None,
) -> None:
    """Column headers on ``row`` that wrap within their columns, with the row tall enough for them.

    The row's height is set from the longest wrapped header, so a header never runs over the first
    row of figures (a reader that does not fit rows to wrapped text shows it whole too). The first
    ``label_cols`` headers (over text that labels the rows) take ``label_fmt`` (e.g. left-aligned
    where ``fmt`` is right-aligned over figures).
    """
    lines = 1
    for i, (header, width) in enumerate(zip(headers, widths, strict=True)):
        write_value(ws, row, first_col + i, header, label_fmt if i < label_cols and label_fmt is not None else fmt)
        lines = max(lines, _wrapped_lines(str(header), width))
    ws.set_row(row, LINE_HEIGHT * lines + 3)


def note_height(text: str, width: float) -> float:
    """The height (points) of a row holding ``text`` wrapped in columns ``width`` wide in all."""
    return LINE_HEIGHT * _wrapped_lines(text, width) + 3


# A4 landscape less the margins page_setup sets, in points; a column's width unit is about 7 pixels.
PAGE_WIDTH, PAGE_HEIGHT = 842 - 72, 595 - 108 - 24


def keep_chart_on_one_page(ws: Any, row: int, *, chart: float, width: float) -> None:
    """Start a chart placed at ``row`` on a new printed page unless it fits whole on the first one.

    ``chart``: its height (points); ``width``: the sheet's printed width (column width units), from
    which the fit-to-width scale follows. The rows above take the heights set on them (15 points
    otherwise). A chart that starts a page (a blank row above it: leave row ``row - 1`` empty) and
    is no taller than a page is never cut across pages.
    """
    heights = {r: info.height for r, info in ws.row_info.items() if info.height is not None}  # set_row's
    above = sum(heights.get(r, LINE_HEIGHT) for r in range(row))
    scale = min(1.0, PAGE_WIDTH / max(1.0, width * 7 * 0.75))
    if (above + chart) * scale > PAGE_HEIGHT * 0.92:
        ws.set_h_pagebreaks([max(1, row - 1)])  # a row of room above it: a chart touching a break prints on both pages


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes when wrapped at word breaks in a column ``width`` wide."""
    room = max(1, int((width - 1) / CHAR_WIDTH))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, 0
        used = len(word) if not used else used + 1 + len(word)
        while used > room:  # a word longer than the column breaks inside it
            lines, used = lines + 1, used - room
    return lines


@functools.cache
def page_header_text(text: str, limit: int = 80) -> str:
    """``text`` safe in a page header or footer: '&' doubled, cut to ``limit`` characters."""
    text = printable(text).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&&")


def page_setup(
    ws: Any,
    *,
    programme: str,
    sheet_title: str,
    header_rows: int = 0,
    header_cols: int = 0,
    version: str | None = None,
    date: str | None = None,
    one_page: bool = False,
    freeze: bool = True,
) -> None:
    """Print and screen set-up every sheet jwmodel writes shares.

    A4 landscape, fitted to the page width (and to one page tall with ``one_page``), the first
    ``header_rows`` rows and ``header_cols`` columns repeated on every printed page and frozen on
    screen, a header naming the programme (left) and the sheet (right), and a footer with
    "Page x of y", the date the workbook was written and "jwmodel VERSION".

    Args:
        ws: an XlsxWriter worksheet.
        programme: the programme's name (or what the workbook is about), shown in the page header.
        sheet_title: the sheet's name as a reader knows it, shown in the page header.
        header_rows: rows at the top that label the columns (print titles; panes frozen below them).
        header_cols: columns at the left that label the rows (print titles; panes frozen right of them).
        version: jwmodel's version (default: ``jwmodel.version.VERSION``).
        date: the date to show (default: today, ISO 8601).
        one_page: fit the whole sheet on one page (a summary for a committee).
        freeze: freeze the header rows and columns on screen.
    """
    import datetime

    if version is None:
        version = VERSION
    date = date or datetime.date.today().isoformat()
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.fit_to_pages(1, 1 if one_page else 0)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    if header_cols:
        ws.repeat_columns(0, header_cols - 1)
    if freeze and (header_rows or header_cols):
        ws.freeze_panes(header_rows, header_cols)
    ws.set_header(f"&L{page_header_text(programme)}&R{page_header_text(sheet_title)}", {"margin": 0.3})
    ws.set_footer(
        f"&LPage &P of &N&C{page_header_text(date, 20)}&Rjwmodel {page_header_text(version, 20)}", {"margin": 0.3}
    )
