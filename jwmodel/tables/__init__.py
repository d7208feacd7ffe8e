"""Table declarations: every table a user types or reads, declared once.

A :class:`Table` is a tuple of :class:`Column` values: a key (the JSON field and DataFrame column),
the header text a person sees, a kind (how a cell is read and written), whether it is required and,
for a choice, the choices. Templates, readers, workbook writers, the add-in's conversions, the JSON
and the DataFrames all iterate these declarations, so a column added once appears everywhere.

Columns repeated for each partner (``% HC``, a driver's value for ``HC``) are declared once with
``per_partner=True`` and a header pattern holding ``{partner}``.

The declarations themselves live in :mod:`jwmodel.tables.inputs` (what partners and workstreams
type) and :mod:`jwmodel.tables.outputs` (what the consolidation gives back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Kind", "Scope", "Column", "Table"]


class Kind(StrEnum):
    """How a column's cells are read and written."""

    TEXT = "text"
    CODE = "code"  # a partner code: plain letters, checked against lookalikes
    MONEY = "money"  # £000s, to the nearest £1 (3 decimal places)
    FTE = "fte"
    NUMBER = "number"
    INTEGER = "integer"
    PERCENT = "percent"  # typed as 25 for 25%
    YEAR = "year"  # a financial year such as 2013/14
    CHOICE = "choice"  # one of ``Column.choices``
    DATE = "date"
    PERCENTAGES = "percentages"  # percentages by year typed in one cell, such as "50, 100"


class Scope(StrEnum):
    """Where a column appears: everywhere the table does, or only in the model workbook (which holds
    every partner's and service area's rows in one table, where a template carries them on its cover)."""

    ALL = "all"
    MODEL = "model workbook"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table.

    ``header`` may hold ``{partner}`` when ``per_partner`` is set: the column then stands once per
    partner code, in the programme's order.
    """

    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    per_partner: bool = False
    scope: Scope = Scope.ALL
    optional: bool = False  # a file from a template older than the column may lack it (read as blank)
    aliases: tuple[str, ...] = ()  # older headers of the column, still read as it (a renamed column)

    def headers(self, partners: Sequence[str] = ()) -> tuple[str, ...]:
        if self.per_partner:
            return tuple(self.header.format(partner=p) for p in partners)
        return (self.header,)

    def named(self, header: str) -> bool:
        """Whether ``header`` heads this column: its header or one of its older ones (not per partner)."""
        return not self.per_partner and (header == self.header or header in self.aliases)

    def partner_of(self, header: str) -> str | None:
        """The partner code a per-partner header names (``% HC`` -> ``HC``), else None."""
        if not self.per_partner:
            return None
        prefix, _, suffix = self.header.partition("{partner}")
        if header.startswith(prefix) and header.endswith(suffix) and len(header) > len(prefix) + len(suffix):
            return header[len(prefix) : len(header) - len(suffix)]
        return None


@dataclass(frozen=True, slots=True)
class Table:
    """A table's name (its key), title and columns in order."""

    name: str
    title: str
    columns: tuple[Column, ...]
    excel_name: str = ""  # the Excel table name (``ListObject``) where it is written as one
    sheet: str = ""

    def __hash__(self) -> int:
        """By name and sheet (equal tables have both equal): the reader's caches are keyed by table for every
        sheet of every file, and the hash a dataclass would give visits every field of every column (~3 µs)."""
        return hash((self.name, self.sheet))

    def columns_in(self, scope: Scope | None = None) -> tuple[Column, ...]:
        """The columns a surface shows: ``Scope.ALL`` for a template, ``Scope.MODEL`` (or None) for all."""
        if scope is None or scope is Scope.MODEL:
            return self.columns
        return tuple(c for c in self.columns if c.scope is Scope.ALL)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"table {self.name!r} has no column {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def headers(self, partners: Sequence[str] = (), scope: Scope | None = None) -> tuple[str, ...]:
        return tuple(h for c in self.columns_in(scope) for h in c.headers(partners))

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)
