"""Findings: problems and observations as values a user can act on.

Each has a stable code, a severity, a location (file, sheet, cell in A1 form) and a sentence.
They are collected and reported together, never raised one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from jwmodel.codes import Code, Severity
from jwmodel.compact import compact_pickle

__all__ = ["Severity", "Code", "Location", "Finding", "a1", "column_letter", "NOWHERE"]


def column_letter(col: int) -> str:
    """0-based column index -> Excel column letters (0 -> A, 26 -> AA)."""
    if col < 0:
        raise ValueError(f"column index must be 0 or more, got {col}")
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> A1 reference; the one place references are rendered."""
    if row < 0:
        raise ValueError(f"row index must be 0 or more, got {row}")
    return f"{column_letter(col)}{row + 1}"


@compact_pickle
@dataclass(frozen=True, slots=True)
class Location:
    """Where a figure came from: file name, sheet and A1 cell (each may be empty)."""

    file: str = ""
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"'{self.sheet}'!{self.cell}" if self.cell else f"'{self.sheet}'")
        return ": ".join(p for p in parts if p)


NOWHERE = Location()


@compact_pickle
@dataclass(frozen=True, slots=True, init=False)
class Finding:
    """A problem or observation: its code (whose severity comes from the registry), sentence, place, value.

    ``Finding(code, message, where=NOWHERE, value=None)``: the severity is never given beside the
    code, so a code cannot be an error in one place and a warning in another.
    """

    code: Code
    message: str
    where: Location
    value: object

    def __init__(self, code: str, message: str, where: Location = NOWHERE, value: object = None) -> None:
        if isinstance(code, Severity):
            raise TypeError("a Finding takes its code, not a severity: the severity comes from jwmodel.codes")
        if not isinstance(where, Location):
            raise TypeError(f"where must be a Location, got {where!r}")
        object.__setattr__(self, "code", Code(code))
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "where", where)
        object.__setattr__(self, "value", value)

    @property
    def severity(self) -> Severity:
        """The code's severity, from the registry."""
        return self.code.severity

    def __str__(self) -> str:
        place = f"{self.where}: " if str(self.where) else ""
        return f"{self.severity.value} {self.code}: {place}{self.message}"
