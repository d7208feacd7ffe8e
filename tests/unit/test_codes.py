"""The registry of finding codes: every code emitted is in it, with one severity and one meaning."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from jwmodel.codes import Code, Severity, markdown_table
from jwmodel.consolidation import consolidate
from jwmodel.examples import hampshire_2012
from jwmodel.findings import Finding, Location

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "jwmodel").rglob("*.py"), *(ROOT / "addin" / "jwaddin").rglob("*.py")])
EMITTERS = {"Finding", "error", "warn", "_finding", "_error", "reject", "_reject", "lost", "_replace", "file_error"}
ALWAYS_ERROR = {
    "error",
    "_finding",
    "reject",
    "_reject",
    "lost",
    "_replace",
    "file_error",
}  # helpers that only make errors
CODE_LIKE = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")


def _called(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")


def emitted() -> list[tuple[str, int, str, str, str | None]]:
    """(file, line, emitter, code, severity named beside it) for every code literal given to an emitter."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _called(node) in EMITTERS):
                continue
            severity = next(
                (
                    a.attr
                    for a in node.args
                    if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id == "Severity"
                ),
                None,
            )
            for arg in node.args[:3]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE_LIKE.match(arg.value):
                    found.append((path.relative_to(ROOT).as_posix(), node.lineno, _called(node), arg.value, severity))
    return found


def test_the_scan_finds_the_codes_it_is_meant_to_find():
    codes = {code for *_, code, _ in emitted()}
    assert {"EMPTY_FILE", "NOT_A_NUMBER", "FORMULA_ERROR", "READER_CRASHED", "HIDDEN_ROW"} <= codes


def test_every_code_literal_given_to_a_finding_is_in_the_registry():
    unknown = [f"{file}:{line}: {code}" for file, line, _, code, _ in emitted() if code not in Code.__members__]
    assert unknown == []


def test_a_severity_written_beside_a_code_is_the_codes_own():
    wrong = []
    for file, line, emitter, code, severity in emitted():
        if code not in Code.__members__:
            continue
        named = (
            Severity[severity]
            if severity
            else Severity.ERROR
            if emitter in ALWAYS_ERROR
            else Severity.WARNING
            if emitter == "warn"
            else None
        )
        if named is not None and named is not Code[code].severity:
            wrong.append(f"{file}:{line}: {code} given as {named}, registered as {Code[code].severity}")
    assert wrong == []


def test_every_registered_code_is_used_somewhere():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES if p.name != "codes.py")
    unused = [c.value for c in Code if f'"{c.value}"' not in text and f"Code.{c.value}" not in text]
    assert unused == []


def test_every_code_has_a_one_line_meaning_and_its_name_as_its_value():
    for code in Code:
        assert code.value == code.name
        assert code.meaning and "\n" not in code.meaning and len(code.meaning) <= 100
        assert code.severity in Severity


def test_a_finding_takes_its_severity_from_its_code():
    assert Finding(Code.PERCENT_SUM, "x").severity is Severity.ERROR
    assert Finding("HIDDEN_ROW", "x").severity is Severity.WARNING
    assert Finding("SUPERSEDED", "x").code == "SUPERSEDED"  # a StrEnum: comparisons with text still work
    with pytest.raises(TypeError, match="not a severity"):
        Finding(Severity.ERROR, "HIDDEN_ROW", Location("f.xlsx"))  # the severity is never given beside a code
    with pytest.raises(ValueError):
        Finding("NOT_A_REGISTERED_CODE", "x")


def test_every_finding_of_a_hampshire_variant_has_its_codes_severity(hampshire):
    programme = hampshire_2012.programme()
    bad = dataclasses.replace(
        programme.saving_lines[3], estimate=dataclasses.replace(programme.saving_lines[3].estimate, low=D(-90))
    )
    result = consolidate(dataclasses.replace(programme, saving_lines=(*programme.saving_lines[:3], bad)))
    assert result.findings
    for f in (*result.findings, *hampshire.findings):
        assert f.severity is Code(f.code).severity


def test_consolidations_partner_and_service_checks_have_codes_of_their_own():
    """PARTNER_UNKNOWN and SERVICE_UNKNOWN mean 'not in the file's own list' (reading) and nothing else."""
    programme = hampshire_2012.programme()
    line = dataclasses.replace(programme.saving_lines[0], sole_bearer="HPA")
    orphan = dataclasses.replace(programme.saving_lines[1], service="Catering")
    result = consolidate(dataclasses.replace(programme, saving_lines=(line, orphan, *programme.saving_lines[2:])))
    codes = {f.code for f in result.findings}
    assert Code.PARTNER_NO_RETURN in codes and Code.SERVICE_NO_PROPOSAL in codes
    assert not codes & {Code.PARTNER_UNKNOWN, Code.SERVICE_UNKNOWN}


def test_the_docs_table_of_codes_is_the_registry():
    doc = (ROOT / "docs" / "intake.md").read_text(encoding="utf-8")
    start = doc.index("<!-- codes: generated")
    table = doc[doc.index("\n", start) + 1 : doc.index("<!-- end of codes -->")]
    assert table == markdown_table(), "run: python -m jwmodel.codes --markdown, and paste it into docs/intake.md"
    out = subprocess.run(
        [sys.executable, "-m", "jwmodel.codes", "--markdown"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout == table
    assert table.count("\n") == len(Code) + 2
