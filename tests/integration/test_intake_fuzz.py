"""Fuzzing the intake with mutated valid returns: it answers with its own findings, never an
unexpected exception, a crash or a hang.

Mutations are drawn by hypothesis: bytes flipped in the package, the file cut short, and (the
interesting ones, since they reach the spreadsheet reader) XML inside an intact package edited:
spans deleted, duplicated or overwritten, digits and tags changed. Files are read in the intake's
isolated workers, as in a real batch; a crash or a hang would show as READER_CRASHED or
READER_TIMEOUT, and an exception the intake did not expect as INTERNAL_ERROR.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwmodel.excel.intake import extract_all
from tests.hostile_corpus import PROPOSAL, RETURN

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
