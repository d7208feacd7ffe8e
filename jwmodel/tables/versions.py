"""The tables of ``jwmodel changes``, declared once: the changes workbook's sheets and their rows.

Each table's rows come from a :class:`~jwmodel.changes.Changes`; the workbook
(``jwmodel.excel.changes``) writes them with their declared headers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from jwmodel.changes import Changes, FieldChange, FigureChange
from jwmodel.tables import Column, Kind, Table

__all__ = ["PARAMETERS", "INPUTS", "FIGURES", "LINES", "CHANGE_TABLES", "rows_of"]


def _c(key: str, header: str, kind: Kind = Kind.TEXT, help: str = "") -> Column:
    return Column(key, header, kind, help=help)


_OLD_NEW = (_c("old", "Before"), _c("new", "After"))
_MONEY_OLD_NEW = (
    _c("old", "Before (£000s)", Kind.MONEY),
    _c("new", "After (£000s)", Kind.MONEY),
    _c("difference", "Difference (£000s)", Kind.MONEY, "after less before: a bigger saving is negative"),
)
_WHERE = (
    _c("file", "File", help="the file behind the change"),
    _c("sheet", "Sheet"),
    _c("cell", "Cell", help="A1 reference: the line's row, or the participation option splitting it"),
)

PARAMETERS = Table(
    "parameters", "Parameters that differ", (_c("parameter", "Parameter"), *_OLD_NEW), sheet="Parameters"
)
INPUTS = Table(
    "inputs",
    "Input files that differ (SHA-256; blank where the version has no such file)",
    (_c("file", "File"), _c("old", "Before (SHA-256)"), _c("new", "After (SHA-256)")),
    sheet="Inputs",
)
FIGURES = Table(
    "figures",
    "Totals, service areas and partners: figures that moved",
    (
        _c("scope", "Scope", Kind.CHOICE, "programme, service or partner"),
        _c("key", "Service area or partner"),
        _c("figure", "Figure", help="e.g. recurring.low: Appendix A's column and the low or high case"),
        *_MONEY_OLD_NEW,
    ),
    sheet="Figures",
)
LINES = Table(
    "lines",
    "Line by line: added, removed and changed (one row per field that differs)",
    (
        _c("line_id", "ID"),
        _c("status", "Status", Kind.CHOICE, "added, removed or changed"),
        _c("service", "Service area"),
        _c("kind", "Kind", Kind.CHOICE),
        _c("description", "Description"),
        _c("field", "Field", help="low, high, counted, % HC, share HC low, start year ..."),
        *_OLD_NEW,
        _c("difference", "Difference (£000s)", Kind.MONEY),
        *_WHERE,
    ),
    sheet="Lines",
)
CHANGE_TABLES = (PARAMETERS, INPUTS, FIGURES, LINES)


def _cell(value: Any) -> Any:
    """A before or after value as one cell: a mapping as 'key: value; ...', a list joined, else itself."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(_cell(v)) for v in value)
    return value


def _difference(change: FieldChange) -> Decimal | None:
    old, new = change.old, change.new
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return new - old
    return None


def _figure_row(f: FigureChange) -> tuple[Any, ...]:
    return (f.scope, f.key, f.figure, f.old, f.new, f.difference)


def rows_of(table: Table, found: Changes) -> Iterator[tuple[Any, ...]]:
    """The rows of one of :data:`CHANGE_TABLES` for ``found``."""
    if table is PARAMETERS:
        yield from ((m.figure, _cell(m.old), _cell(m.new)) for m in found.parameters)
    elif table is INPUTS:
        yield from ((m.figure, m.old, m.new) for m in found.inputs)
    elif table is FIGURES:
        yield from (_figure_row(f) for f in found.figures)
    elif table is LINES:
        for line in found.lines:
            for f in line.fields:
                head = (line.line_id, line.status, line.service, line.kind, line.description, f.field)
                yield (*head, f.old, f.new, _difference(f), f.where.file, f.where.sheet, f.where.cell)
    else:
        raise KeyError(f"no changes table {table.name!r}")
