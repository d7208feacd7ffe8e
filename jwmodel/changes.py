"""What moved between two versions of the business case: the committee's "what has changed since" page.

:func:`changes` compares two :class:`~jwmodel.versions.Version` values and gives a :class:`Changes`:
the parameters and input files that differ, the totals, each service area and each partner whose
figures moved, and line by line (matched by ID) what was added, removed or changed, each change
with the file and cell behind it. :func:`figure_differences` is the plainer comparison ``jwmodel
verify`` uses: every figure of one figures document against another's.

Lines are matched by their ID (``jwmodel.identity``). A line of the old version whose ID no line of
the new one has is "removed", and a LINE_ID_VANISHED warning says so: if the line was renumbered
rather than dropped, its old ID should be typed back so it can be followed.

Every figure is compared exactly (as ``Decimal``); a figure that did not move is not listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jwmodel.codes import Code
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.identity import id_key
from jwmodel.model import OneOffCost, SavingLine
from jwmodel.tables.inputs import condition_cell, profile_cells, rule_cell
from jwmodel.versions import Version

__all__ = [
    "ADDED",
    "REMOVED",
    "CHANGED",
    "Moved",
    "FigureChange",
    "FieldChange",
    "LineChange",
    "Changes",
    "changes",
    "figure_differences",
    "changes_to_json",
]

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
_NOT_FIGURES = frozenset({"findings", "sources", "incomplete"})  # messages and the register, not figures
_KEYS = ("id", "service", "partner", "option", "case", "scope", "year", "name")  # what names a list's entries


@dataclass(frozen=True, slots=True)
class Moved:
    """A figure of a figures document that differs: its path ("totals.recurring.low"), before and after."""

    figure: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure of the totals, a service area or a partner that moved (£000s; None where it is not there)."""

    scope: str  # "programme", "service" or "partner"
    key: str  # "" for the programme, else the service area or partner code
    figure: str  # "recurring.low"
    old: Decimal | None
    new: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """new less old (cost positive, saving negative: a bigger saving is a negative difference)."""
        if self.old is None or self.new is None:
            return None
        return self.new - self.old


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a line that differs: ``low``, ``share HC low``, ``% HFRS``, ``counted``, ``start year``..."""

    field: str
    old: Any
    new: Any
    where: Location = NOWHERE  # the file and cell behind the change


@dataclass(frozen=True, slots=True)
class LineChange:
    """A line added, removed or changed, with each field that differs."""

    line_id: str
    status: str  # ADDED, REMOVED or CHANGED
    service: str
    kind: str
    description: str
    fields: tuple[FieldChange, ...] = ()
    where: Location = NOWHERE  # the line's row in the version it is in (the new one, unless removed)


@dataclass(frozen=True, slots=True)
class Changes:
    """Everything that moved from ``old`` to ``new`` (named by the versions' names and dates)."""

    old_name: str
    new_name: str
    old_created: str
    new_created: str
    parameters: tuple[Moved, ...]
    inputs: tuple[Moved, ...]  # file -> SHA-256 (None where the file is not in that version)
    figures: tuple[FigureChange, ...]
    lines: tuple[LineChange, ...]
    findings: tuple[Finding, ...]

    @property
    def none(self) -> bool:
        """True when no parameter, input, figure or line differs."""
        return not (self.parameters or self.inputs or self.figures or self.lines)

    def scope(self, scope: str) -> tuple[FigureChange, ...]:
        """The figure changes of one scope: "programme", "service" or "partner"."""
        return tuple(f for f in self.figures if f.scope == scope)


# --- figures documents, flattened ---------------------------------------------------------------------


def _entry_key(entry: Mapping[str, Any], index: int) -> str:
    """What names an entry of a list: a line's ID; else its service area, partner, option... joined by '/'."""
    if isinstance(entry.get("id"), str) and entry["id"]:
        return entry["id"]
    parts = [str(entry[k]) for k in _KEYS if isinstance(entry.get(k), str | int) and not isinstance(entry[k], bool)]
    return "/".join(parts) if parts else str(index)


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and all(isinstance(v, Mapping) for v in value) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{_entry_key(item, index)}]", out)
    else:
        out[path] = value


def flattened(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Every figure of a figures document by its path, leaving out findings, sources and the incomplete note."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if key not in _NOT_FIGURES:
            _flatten(value, key, out)
    return out


def _same(a: Any, b: Any) -> bool:
    if (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def figure_differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Moved, ...]:
    """Every figure of ``old`` that ``new`` does not reproduce, and every figure ``new`` has that ``old`` had not."""
    before, after = flattened(old), flattened(new)
    moved = [
        Moved(path, before.get(path), after.get(path)) for path in before if not _same(before[path], after.get(path))
    ]
    moved += [Moved(path, None, after[path]) for path in after if path not in before]
    return tuple(moved)


# --- totals, service areas and partners ----------------------------------------------------------------

_TOTAL_FIGURES = ("cashable", "procurement", "non_cashable", "recurring", "one_off")
_PARTNER_FIGURES = ("recurring", "non_cashable", "one_off")


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _ranges(entry: Mapping[str, Any] | None, names: Sequence[str]) -> dict[str, Decimal | None]:
    entry = entry or {}
    return {f"{n}.{b}": _money((entry.get(n) or {}).get(b)) for n in names for b in ("low", "high")}


def _figure_changes(scope: str, key: str, old: dict[str, Decimal | None], new: dict[str, Decimal | None]):
    return [FigureChange(scope, key, name, old[name], new[name]) for name in old if old[name] != new[name]]


def _keyed(entries: Iterable[Mapping[str, Any]], key: str) -> dict[str, Mapping[str, Any]]:
    return {str(e[key]): e for e in entries}


def _figures(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FigureChange]:
    found = _figure_changes(
        "programme", "", _ranges(old.get("totals"), _TOTAL_FIGURES), _ranges(new.get("totals"), _TOTAL_FIGURES)
    )
    for scope, section, key, names in (
        ("service", "by_service", "service", _TOTAL_FIGURES),
        ("partner", "by_partner", "partner", _PARTNER_FIGURES),
    ):
        before, after = _keyed(old.get(section, ()), key), _keyed(new.get(section, ()), key)
        for name in (*before, *(k for k in after if k not in before)):
            found += _figure_changes(scope, name, _ranges(before.get(name), names), _ranges(after.get(name), names))
    return found


# --- lines ---------------------------------------------------------------------------------------------

Line = SavingLine | OneOffCost


def _where(figures: Mapping[str, Any]) -> Location:
    return Location(figures.get("file", ""), figures.get("sheet", ""), figures.get("cell", ""))


def _rule_where(version: Version, service: str) -> Location:
    """Where the rule splitting a service area's lines is: its option in use in the version."""
    area = version.programme.service(service)
    option = area.option(version.options_in_use.get(service)) if area is not None else None
    return option.where if option is not None else NOWHERE


def _line_fields(line: Line | None, figures: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """A line's comparable fields: name -> (value, what it comes from: 'row' or 'rule')."""
    fields: dict[str, tuple[Any, str]] = {
        "service": (figures.get("service"), "row"),
        "description": (figures.get("description"), "row"),
        "category": (figures.get("category"), "row"),
        "low": (_money(figures.get("low")), "row"),
        "high": (_money(figures.get("high")), "row"),
        "counted": (figures.get("included"), "rule"),
        "apportioned": (figures.get("apportioned"), "rule"),
        "basis": (figures.get("basis"), "rule"),
    }
    if line is not None:
        start, percentages = profile_cells(line.profile, timing=isinstance(line, OneOffCost))
        fields["start year"] = (start, "row")
        fields["timing" if isinstance(line, OneOffCost) else "ramp"] = (percentages, "row")
        fields["sole bearer"] = (line.sole_bearer or "", "row")
        fields["applies if"] = (condition_cell(line.condition), "row")
        fields["own split"] = (rule_cell(line.rule), "row")
    for partner, percent in (figures.get("percentages") or {}).items():
        fields[f"% {partner}"] = (_money(percent), "rule")
    for partner, share in (figures.get("shares") or {}).items():
        fields[f"share {partner} low"] = (_money(share["low"]), "rule")
        fields[f"share {partner} high"] = (_money(share["high"]), "rule")
    return fields


def _programme_lines(version: Version) -> dict[str, Line]:
    return {id_key(x.line_id): x for x in (*version.programme.saving_lines, *version.programme.one_off_costs)}


def _changed(key: str, old: Version, new: Version, before: Mapping[str, Any], after: Mapping[str, Any]):
    old_fields = _line_fields(_programme_lines(old).get(key), before)
    new_fields = _line_fields(_programme_lines(new).get(key), after)
    row, rule = _where(after), _rule_where(new, after.get("service", ""))
    fields = []
    for name in (*old_fields, *(n for n in new_fields if n not in old_fields)):
        was, _ = old_fields.get(name, (None, "rule"))
        now, source = new_fields.get(name, (None, old_fields[name][1]))
        if was != now:
            fields.append(FieldChange(name, was, now, row if source == "row" else rule))
    if not fields:
        return None
    return LineChange(after["id"], CHANGED, after["service"], after["kind"], after["description"], tuple(fields), row)


def _lines(old: Version, new: Version) -> tuple[list[LineChange], list[Finding]]:
    before = {id_key(x["id"]): x for x in old.figures.get("lines", ())}
    after = {id_key(x["id"]): x for x in new.figures.get("lines", ())}
    found: list[LineChange] = []
    findings: list[Finding] = []
    for key, line in before.items():
        if key not in after:
            found.append(_whole(line, REMOVED))
            findings.append(_vanished(line, old, new))
        elif change := _changed(key, old, new, line, after[key]):
            found.append(change)
    found += [_whole(line, ADDED) for key, line in after.items() if key not in before]
    return found, findings


def _whole(line: Mapping[str, Any], status: str) -> LineChange:
    low, high = _money(line.get("low")), _money(line.get("high"))
    where = _where(line)
    fields = (FieldChange("low", low, None, where), FieldChange("high", high, None, where))
    if status == ADDED:
        fields = tuple(FieldChange(f.field, None, f.old, where) for f in fields)
    return LineChange(line["id"], status, line["service"], line["kind"], line["description"], fields, where)


def _vanished(line: Mapping[str, Any], old: Version, new: Version) -> Finding:
    return Finding(
        Code.LINE_ID_VANISHED,
        f"the line {line['id']!r} ({line['service']}: '{line['description']}') of '{old.name}' is not in "
        f"'{new.name}': if it was dropped, say so in the papers; if it was renumbered, type its old ID back so it "
        "can be followed",
        _where(line),
        line["id"],
    )


# --- the comparison ------------------------------------------------------------------------------------


def _mapping_moves(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[Moved]:
    names = (*old, *(k for k in new if k not in old))
    return [Moved(f"{prefix}{k}", old.get(k), new.get(k)) for k in names if old.get(k) != new.get(k)]


def changes(old: Version, new: Version) -> Changes:
    """What moved from ``old`` to ``new``: parameters, inputs, figures and lines (see the module docstring)."""
    before, after = old.figures, new.figures
    lines, findings = _lines(old, new)
    return Changes(
        old.name,
        new.name,
        old.created,
        new.created,
        tuple(_mapping_moves(old.parameters, new.parameters)),
        tuple(_mapping_moves(old.inputs, new.inputs)),
        tuple(_figures(before, after)),
        tuple(lines),
        tuple(findings),
    )


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Location):
        return {"file": value.file, "sheet": value.sheet, "cell": value.cell}
    return value


def changes_to_json(found: Changes) -> dict[str, Any]:
    """The changes as JSON: money as strings ("-16"), every change with where it comes from."""
    return {
        "old": {"name": found.old_name, "created": found.old_created},
        "new": {"name": found.new_name, "created": found.new_created},
        "units": "GBP thousands",
        "sign": "cost positive, saving negative; difference = new less old",
        "parameters": [{"parameter": m.figure, "old": m.old, "new": m.new} for m in found.parameters],
        "inputs": [{"file": m.figure, "old_sha256": m.old, "new_sha256": m.new} for m in found.inputs],
        **{
            section: [
                {
                    "key": f.key,
                    "figure": f.figure,
                    "old": _json(f.old),
                    "new": _json(f.new),
                    "difference": _json(f.difference),
                }
                for f in found.scope(scope)
            ]
            for section, scope in (("totals", "programme"), ("by_service", "service"), ("by_partner", "partner"))
        },
        "lines": [
            {
                "id": c.line_id,
                "status": c.status,
                "service": c.service,
                "kind": c.kind,
                "description": c.description,
                "where": _json(c.where),
                "fields": [
                    {"field": f.field, "old": _json(f.old), "new": _json(f.new), "where": _json(f.where)}
                    for f in c.fields
                ],
            }
            for c in found.lines
        ],
        "findings": [
            {"code": str(f.code), "severity": str(f.severity), "message": f.message, **_json(f.where)}
            for f in found.findings
        ],
    }
