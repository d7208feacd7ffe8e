"""Round trips through a real spreadsheet application: LibreOffice headless.

LibreOffice opens our files, recalculates every formula and re-saves them; every figure must be
unchanged. And returns re-saved by LibreOffice (whose files differ from XlsxWriter's) must read
back to the same consolidation. `make test` installs LibreOffice; these tests never skip.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter

from jwmodel.cli import main
from jwmodel.excel.libreoffice import resave
from jwmodel.excel.report import SHEETS
from tests.conftest import HAMPSHIRE_DIR

pytestmark = pytest.mark.libreoffice


def values(path: Path, name: str) -> list[list[object]]:
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)
    )
    trimmed = [[c for c in r] for r in rows]
    while trimmed and not any(c != "" for c in trimmed[-1]):
        trimmed.pop()
    return [r[: max((i + 1 for i, c in enumerate(r) if c != ""), default=0)] for r in trimmed]


def same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return a == b


def test_libreoffice_really_recalculates_on_load(tmp_path, libreoffice):
    wb = xlsxwriter.Workbook(tmp_path / "stale.xlsx")
    ws = wb.add_worksheet()
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=A1*21", None, 999)  # a deliberately wrong cached result
    wb.close()
    (out,) = resave([tmp_path / "stale.xlsx"], tmp_path / "lo")
    assert values(out, "Sheet1") == [[2.0, 42.0]]


def test_consolidated_workbook_survives_recalculation_in_libreoffice(tmp_path, libreoffice):
    ours = tmp_path / "ours"
    assert main(["consolidate", str(HAMPSHIRE_DIR), "-o", str(ours / "consolidated.xlsx"), "-q"]) == 0
    (theirs,) = resave([ours / "consolidated.xlsx"], tmp_path / "lo")
    compared = 0
    for name in SHEETS:
        before, after = values(ours / "consolidated.xlsx", name), values(theirs, name)
        assert len(before) == len(after), name
        for r, (row_a, row_b) in enumerate(zip(before, after, strict=True)):
            assert len(row_a) == len(row_b), (name, r, row_a, row_b)
            for c, (x, y) in enumerate(zip(row_a, row_b, strict=True)):
                assert same(x, y), f"{name}!R{r + 1}C{c + 1}: {x!r} became {y!r}"
                compared += isinstance(x, (int, float))
    assert compared > 300


def test_returns_resaved_by_libreoffice_consolidate_to_the_same_figures(tmp_path, libreoffice):
    resaved = tmp_path / "resaved"
    resave(sorted(HAMPSHIRE_DIR.glob("*.xlsx")), resaved)
    assert len(list(resaved.glob("*.xlsx"))) == 10
    (resaved / "programme.json").write_bytes((HAMPSHIRE_DIR / "programme.json").read_bytes())  # kept with the returns
    docs = []
    for folder in (HAMPSHIRE_DIR, resaved):
        out = tmp_path / f"out-{folder.name}"
        assert main(["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"]) == 0
        docs.append(json.loads((out / "s.json").read_text()))
    ours, theirs = docs
    assert [s["sha256"] for s in ours["sources"]] != [s["sha256"] for s in theirs["sources"]]  # really different files
    for doc in docs:
        doc.pop("sources")
    assert ours == theirs
    assert theirs["totals"]["recurring"] == {"low": -182, "high": -337}
