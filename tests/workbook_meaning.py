"""What a workbook means, to compare a regenerated workbook with a committed one.

Byte-for-byte comparison breaks whenever XlsxWriter changes how it lays out the XML; this compares
what a person or a reader sees instead: sheet names and states, every cell's value or formula (with
its cached result as python-calamine reads it), number format and lock, merged cells, frozen panes,
sheet protection, data validations, Excel tables (name, range, columns) and defined names.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["meaning", "differences"]


def _cells(ws) -> dict[str, tuple[object, ...]]:
    from openpyxl.worksheet.formula import ArrayFormula

    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, ArrayFormula):
                value = ("array", value.ref, value.text)
            if value is None and cell.number_format == "General" and cell.protection.locked:
                continue
            cells[cell.coordinate] = (value, cell.number_format, cell.protection.locked)
    return cells


def _cached(path: Path) -> dict[str, list[list[object]]]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def meaning(path: str | Path) -> dict[str, object]:
    """A comparable description of the workbook at ``path``."""
    import openpyxl

    path = Path(path)
    wb = openpyxl.load_workbook(path)
    cached = _cached(path)
    sheets = {}
    for ws in wb.worksheets:
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "cells": _cells(ws),
            "cached": [[v for v in row] for row in cached.get(ws.title, [])],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
            "protected": bool(ws.protection.sheet),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.errorTitle, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "tables": sorted((t.name, t.ref, tuple(c.name for c in t.tableColumns)) for t in ws.tables.values()),
        }
    names = sorted((n, d.attr_text) for n, d in wb.defined_names.items())
    return {"sheets": list(wb.sheetnames), "by_sheet": sheets, "names": names, "title": wb.properties.title}


def differences(ours: dict[str, object], theirs: dict[str, object]) -> list[str]:
    """Where two meanings differ, in words (empty when they are the same)."""
    found = []
    for key in ("sheets", "names", "title"):
        if ours[key] != theirs[key]:
            found.append(f"{key}: {ours[key]!r} != {theirs[key]!r}")
    for sheet, a in ours["by_sheet"].items():  # type: ignore[union-attr]
        b = theirs["by_sheet"].get(sheet)  # type: ignore[union-attr]
        if b is None:
            continue
        for part in a:
            if a[part] == b[part]:
                continue
            if part == "cells":
                for ref in sorted(set(a[part]) | set(b[part])):
                    if a[part].get(ref) != b[part].get(ref):
                        found.append(f"{sheet}!{ref}: {a[part].get(ref)!r} != {b[part].get(ref)!r}")
                        break
            else:
                found.append(f"{sheet} {part}: {a[part]!r} != {b[part]!r}")
    return found
