"""Lines that keep their identity: every saving line and one-off cost has a stable ID.

A line's ID is what follows it from the business case through every later version and
monitoring return. It is typed in the ID column of the workstream proposal; where that is blank
(a file from a template older than the column, or a row left blank) the reader gives it one from
the service area and the row's place in its table, by :func:`given_line_id`:

* the service area's initials (the first letter of each word, "Learning & Development" -> ``LD``;
  a one-word name gives its first three letters, "Finance" -> ``FIN``);
* ``S`` for a saving line or ``C`` for a one-off cost, and the row's number in its table (1 for the
  first data row), two digits at least: ``LD-S01``, ``LD-C01``.

Once given, an ID is kept: the template written from a programme, the model workbook and a saved
version (``jwmodel.versions``) all carry it, so a row inserted later does not renumber the others.

The rules over IDs are here, once: an ID is letters, digits and ``- _ . /`` (up to 30
characters, :func:`line_id_problem`); two lines of one file with one ID is an error that rejects
the file (:func:`duplicate_id_findings`); two lines of the consolidated programme with one ID
(from two files, or a programme built in Python) is a warning, both counted
(:func:`programme_id_findings`); IDs are compared ignoring case (:func:`id_key`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from jwmodel.codes import Code
from jwmodel.findings import Finding
from jwmodel.model import OneOffCost, Programme, SavingLine

__all__ = [
    "SAVING_MARK",
    "COST_MARK",
    "service_initials",
    "given_line_id",
    "line_id_problem",
    "id_key",
    "duplicate_id_findings",
    "programme_id_findings",
    "lines_by_id",
    "with_given_ids",
]

SAVING_MARK, COST_MARK = "S", "C"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$", re.ASCII)
_WORD = re.compile(r"[A-Za-z0-9]+", re.ASCII)

Line = SavingLine | OneOffCost
L = TypeVar("L", SavingLine, OneOffCost)


@functools.lru_cache(maxsize=1024)  # a programme has a few dozen service areas, each named on every line
def service_initials(service: str) -> str:
    """A service area's initials for a given ID: ``Learning & Development`` -> ``LD``, ``Finance`` -> ``FIN``."""
    words = _WORD.findall(service)
    if not words:
        return "X"
    if len(words) == 1:
        return words[0][:3].upper()
    return "".join(w[0] for w in words).upper()


def given_line_id(service: str, *, one_off: bool, position: int) -> str:
    """The ID a line with a blank ID cell is given: service initials, S or C, its row number in its table.

    >>> given_line_id("Learning & Development", one_off=False, position=1)
    'LD-S01'
    """
    return f"{service_initials(service)}-{COST_MARK if one_off else SAVING_MARK}{position:02d}"


def line_id_problem(text: str) -> str:
    """Why ``text`` cannot be a line ID ('' when it can)."""
    if _ID.match(text):
        return ""
    return (
        f"a line ID is letters, digits and - _ . / (up to 30 characters, starting with a letter or digit), "
        f"such as LD-S01; got {text[:40]!r}"
    )


def id_key(line_id: str) -> str:
    """The form IDs are compared in (case ignored, spaces either side dropped)."""
    return line_id.strip().casefold()


def _label(line: Line) -> str:
    kind = "one-off cost" if isinstance(line, OneOffCost) else "saving line"
    return f"{line.service}: {kind} '{line.description}'"


def _repeats(lines: Iterable[Line]) -> list[tuple[Line, Line]]:
    """(first, later) for every line whose ID an earlier line already has."""
    first: dict[str, Line] = {}
    pairs = []
    for line in lines:
        if not line.line_id:
            continue
        key = id_key(line.line_id)
        if key in first:
            pairs.append((first[key], line))
        else:
            first[key] = line
    return pairs


def duplicate_id_findings(lines: Sequence[Line]) -> tuple[Finding, ...]:
    """LINE_ID_DUPLICATE (error) for each line of one file whose ID an earlier line of the file has."""
    return tuple(
        Finding(
            Code.LINE_ID_DUPLICATE,
            f"{_label(later)} has the ID {later.line_id!r}, which {_label(first)}"
            f"{' (' + first.where.cell + ')' if first.where.cell else ''} already has: give each line its own ID",
            later.where,
            later.line_id,
        )
        for first, later in _repeats(lines)
    )


def programme_id_findings(programme: Programme) -> tuple[Finding, ...]:
    """LINE_ID_CLASH (warning) for each line of the programme whose ID an earlier line already has.

    Both lines are counted: the figures are not in doubt, only which line a later version or
    monitoring return means. (Two lines of one file with one ID reject the file when it is read.)
    """
    lines = (*programme.saving_lines, *programme.one_off_costs)
    return tuple(
        Finding(
            Code.LINE_ID_CLASH,
            f"{_label(later)} has the ID {later.line_id!r}, as {_label(first)}"
            f"{' in ' + first.where.file if first.where.file else ''} has: both are counted, but a later version "
            "or monitoring return cannot tell them apart; give one of them another ID",
            later.where,
            later.line_id,
        )
        for first, later in _repeats(lines)
    )


def lines_by_id(lines: Iterable[Line]) -> dict[str, Line]:
    """Lines keyed by :func:`id_key` of their ID (the first of any repeated ID; lines with no ID left out)."""
    result: dict[str, Line] = {}
    for line in lines:
        if line.line_id:
            result.setdefault(id_key(line.line_id), line)
    return result


def with_given_ids(lines: Iterable[L]) -> tuple[L, ...]:
    """The lines, each blank ID given as the reader would give it: the line's place among its service's lines.

    A programme built in Python (the worked examples) is written to templates one service area per
    proposal, so its lines' places there are their places among their service area's lines.
    """
    counts: dict[str, int] = {}
    result = []
    for line in lines:
        counts[line.service] = counts.get(line.service, 0) + 1
        if not line.line_id:
            given = given_line_id(line.service, one_off=isinstance(line, OneOffCost), position=counts[line.service])
            line = dataclasses.replace(line, line_id=given)
        result.append(line)
    return tuple(result)
