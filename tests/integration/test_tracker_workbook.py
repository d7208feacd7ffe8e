"""The tracker workbook: every figure readable as a value by a reader that does not calculate, unchanged by a
LibreOffice recalculation round trip, with native charts; and `jwmodel track` from the command line."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pytest
import python_calamine

from jwmodel.cli import main
from jwmodel.examples import hampshire_2012_monitoring as ex
from jwmodel.excel.libreoffice import resave
from jwmodel.excel.tracker import SHEETS
from jwmodel.tables.monitoring import TRACKER_TABLES

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "examples" / "hampshire-2012-monitoring"
FOLDER = EXAMPLE / ex.RETURNS


def values(path: Path, name: str) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    while rows and not any(c != "" for c in rows[-1]):
        rows.pop()
    return [r[: max((i + 1 for i, c in enumerate(r) if c != ""), default=0)] for r in rows]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("tracker")
    argv = ["track", str(EXAMPLE / ex.VERSION_FILE), str(FOLDER), "-o", str(out / "tracker.xlsx")]
    code = main([*argv, "--json", str(out / "tracker.json"), "--as-of", ex.AS_OF, "--workers", "0"])
    assert code == 2  # written, but a return is outstanding (and the example has no error)
    return out / "tracker.xlsx", json.loads((out / "tracker.json").read_text(encoding="utf-8"))


def test_every_table_reads_back_as_values_equal_to_the_json(written):
    path, doc = written
    compared = 0
    for table in TRACKER_TABLES:
        rows = values(path, table.sheet)
        assert rows[2][: len(table.columns)] == list(table.headers()), table.name
        body = rows[3:]
        assert len(body) == len(doc[table.name]), table.name
        for row, record in zip(body, doc[table.name], strict=True):
            for cell, key in zip([*row, *[""] * len(table.columns)], table.keys, strict=False):
                want = "; ".join(record[key]) if isinstance(record[key], list) else record[key]
                if isinstance(want, (int, float)) and not isinstance(want, bool):
                    assert math.isclose(cell, want, abs_tol=1e-9), (table.name, key, cell, want)
                    compared += 1
                else:
                    assert cell == ("" if want is None else want), (table.name, key, cell, want)
    assert compared > 500


def test_the_workbook_has_native_charts_for_the_programme_each_partner_and_each_measure(written):
    path, _ = written
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 1 + 3 + 2
    assert python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names == list(SHEETS)


@pytest.mark.libreoffice
def test_the_tracker_survives_a_libreoffice_recalculation_round_trip(written, tmp_path, libreoffice):
    path, _ = written
    (theirs,) = resave([path], tmp_path / "lo")
    compared = 0
    for name in SHEETS:
        before, after = values(path, name), values(theirs, name)
        assert len(before) == len(after), name
        for r, (a, b) in enumerate(zip(before, after, strict=True)):
            assert len(a) == len(b), (name, r, a, b)
            for c, (x, y) in enumerate(zip(a, b, strict=True)):
                if isinstance(x, (int, float)) and isinstance(y, (int, float)):
                    assert math.isclose(x, y, abs_tol=1e-9), f"{name}!R{r + 1}C{c + 1}: {x!r} became {y!r}"
                    compared += 1
                else:
                    assert x == y, f"{name}!R{r + 1}C{c + 1}: {x!r} became {y!r}"
    assert compared > 500
