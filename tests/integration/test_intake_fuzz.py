"""Fuzzing the intake with mutated valid returns: it answers with its own findings, never an
unexpected exception, a crash or a hang.

Mutations are drawn by hypothesis: bytes flipped in the package, the file cut short, and (the
interesting ones, since they reach the spreadsheet reader) XML inside an intact package edited:
spans deleted, duplicated or overwritten, digits and tags changed. Files are read in the intake's
isolated workers, as in a real batch; a crash or a hang would show as READER_CRASHED or
READER_TIMEOUT, and an exception the intake did not expect as INTERNAL_ERROR.

A property test beside it builds small sheets (with and without namespace prefixes, with and without
r="" on rows and cells) and checks the guard places every cell where python-calamine reads it.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import python_calamine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jwmodel.excel.guard import _WARNINGS_PER_SHEET, inspect_package
from jwmodel.excel.intake import extract_all
from jwmodel.findings import a1
from tests.hostile_corpus import PROPOSAL, RETURN
from tests.unit.test_guard import package, sheet_xml

SOURCES = [RETURN.read_bytes(), PROPOSAL.read_bytes()]
XML_PARTS = [
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/styles.xml",
]
NOT_OURS = {"INTERNAL_ERROR", "READER_CRASHED", "READER_TIMEOUT"}

raw = st.tuples(
    st.just("raw"),
    st.integers(0, 1),
    st.lists(st.tuples(st.integers(0, 20_000), st.integers(1, 255)), min_size=1, max_size=8),
)
cut = st.tuples(st.just("cut"), st.integers(0, 1), st.floats(0.0, 0.99))
xml = st.tuples(
    st.just("xml"),
    st.integers(0, 1),
    st.sampled_from(XML_PARTS),
    st.sampled_from(["delete", "duplicate", "overwrite", "digits", "tag"]),
    st.floats(0.0, 1.0),
    st.integers(1, 400),
    st.binary(min_size=1, max_size=40),
)


def mutate(spec: tuple) -> bytes:
    kind, which = spec[0], spec[1]
    data = SOURCES[which]
    if kind == "raw":
        out = bytearray(data)
        for offset, flip in spec[2]:
            out[offset % len(out)] ^= flip
        return bytes(out)
    if kind == "cut":
        return data[: int(len(data) * spec[2])]
    _, _, part, how, where, length, payload = spec
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts:
            if name == part and content:
                at = int(where * (len(content) - 1))
                if how == "delete":
                    content = content[:at] + content[at + length :]
                elif how == "duplicate":
                    content = content[:at] + content[at : at + length] + content[at:]
                elif how == "overwrite":
                    content = content[:at] + payload + content[at + len(payload) :]
                elif how == "digits":
                    content = (
                        content[:at]
                        + content[at : at + length].translate(bytes.maketrans(b"0123456789", b"9876543210"))
                        + content[at + length :]
                    )
                else:
                    content = (
                        content[:at]
                        + content[at : at + length]
                        .replace(b"<c ", b"<x ")
                        .replace(b"</v>", b"</w>")
                        .replace(b'"', b"'")
                        + content[at + length :]
                    )
            z.writestr(name, content)
    return out.getvalue()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(raw, cut, xml, xml), min_size=25, max_size=25))
def test_mutated_returns_get_the_intakes_own_answers(tmp_path_factory, specs):
    folder: Path = tmp_path_factory.mktemp("fuzz")
    paths = []
    for i, spec in enumerate(specs):
        path = folder / f"mutant-{i:02d}.xlsx"
        path.write_bytes(mutate(spec))
        paths.append(path)
    results = extract_all(paths, workers=2, timeout=30)
    assert len(results) == len(paths)
    for (submission, record), spec in zip(results, specs, strict=True):
        codes = {f.code for f in record.findings}
        assert not codes & NOT_OURS, (spec, [str(f) for f in record.findings])
        assert record.status in ("accepted", "accepted with warnings", "rejected")
        assert (submission is None) == (record.status == "rejected")
        for finding in record.findings:
            assert finding.code.isupper() and finding.message and finding.where.file == record.file


# --- the guard places every cell where python-calamine reads it -----------------------------------

_cell = st.tuples(
    st.one_of(st.none(), st.tuples(st.integers(0, 15), st.integers(1, 30))),  # r="" or none
    st.booleans(),  # holds a value
)
_row = st.tuples(st.one_of(st.none(), st.integers(1, 30)), st.lists(_cell, max_size=6))


def _sheet(prefix: str, rows: list) -> tuple[str, int]:
    """Sheet XML whose k-th value is a formula naming k ([1]S!Ak, value k): the guard warns of each
    at the cell it computes, and calamine reads k where it places the cell."""
    p = f"{prefix}:" if prefix else ""
    k = 0
    out = []
    for row_r, cells in rows:
        out.append(f'<{p}row r="{row_r}">' if row_r else f"<{p}row>")
        for ref, valued in cells:
            r = f' r="{a1(ref[1] - 1, ref[0])}"' if ref else ""
            if valued:
                k += 1
                out.append(f"<{p}c{r}><{p}f>[1]S!A{k}</{p}f><{p}v>{k}</{p}v></{p}c>")
            else:
                out.append(f"<{p}c{r}/>")
        out.append(f"</{p}row>")
    return "".join(out), k


_PAST_THE_CAP = [(r, [((c, r), True) for c in range(6)]) for r in range(1, 7)]  # 36 formulas: 20 located, 16 counted
# 21 formulas in cells without r, A1 first; the 21st is written at A1 again: calamine reads 21 there, the guard
# located 1 there and only counted 21
_TAKEN_AGAIN_PAST_THE_CAP = [(None, [(None, True)] * 5)] * 4 + [(None, [((0, 1), True)])]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["", "x"]), st.lists(_row, min_size=1, max_size=6))
@example("", _PAST_THE_CAP)
@example("x", _PAST_THE_CAP)
@example("", _TAKEN_AGAIN_PAST_THE_CAP)
def test_the_guard_places_each_cell_where_the_reader_reads_it(prefix, rows):

    data, values = _sheet(prefix, rows)
    built = package(sheet_xml(data, prefix=prefix))
    inspection = inspect_package(built, "p.xlsx")
    assert inspection.ok, [str(f) for f in inspection.findings]
    guard: dict[str, set[int]] = {}
    more = 0  # past _WARNINGS_PER_SHEET warnings of one code, the guard says how many more in one finding
    for finding in inspection.findings:
        assert finding.code == "EXTERNAL_LINK"
        if (counted := re.fullmatch(r"and (\d+) more cells like this on the sheet", finding.message)) is not None:
            more += int(counted.group(1))
            continue
        k = int(re.search(r"\[1\]S!A(\d+)", finding.message).group(1))
        guard.setdefault(finding.where.cell, set()).add(k)
    located = sum(len(ks) for ks in guard.values())
    assert located == min(values, _WARNINGS_PER_SHEET) and located + more == values  # every value seen once
    rows_read = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(built)).get_sheet_by_name("S")
    reader = {
        a1(r, c): int(value)
        for r, row in enumerate(rows_read.to_python(skip_empty_area=False))
        for c, value in enumerate(row)
        if value != ""
    }
    # every cell the guard placed is where calamine reads its value (those only counted are past the first 20);
    # where a later cell takes the same place, calamine reads the later value: one past the first 20 was only
    # counted, so the guard's located value there is an earlier one
    assert set(guard) <= set(reader) and (more or set(reader) == set(guard))
    assert all(reader[at] in guard[at] or reader[at] > _WARNINGS_PER_SHEET for at in guard)
    assert all(reader[at] in guard[at] for at in guard if reader[at] <= _WARNINGS_PER_SHEET)
