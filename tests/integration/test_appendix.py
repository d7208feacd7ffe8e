"""The committee appendix (issue 13, part 4): `jwmodel consolidate ... --appendix appendix.docx`.

The Word document is opened with python-docx and every figure of its Appendix A, one-off costs,
apportionment, partners' shares and appraisal tables is read back (the one number style: (56) is a
saving of 56, whole £000s; 40% a share) and compared with the summary JSON written by the same
command, parsed here with ``json`` and rounded here to whole £000s, halves away from zero.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

import docx
import pytest

from jwmodel.cli import main
from jwmodel.service import UsageError, consolidate_folder
from tests.conftest import WORKBOOKS

EXAMPLES = WORKBOOKS / "examples"
GROUPS = ("cashable", "procurement", "recurring", "non_cashable")


def parsed(text: str) -> Decimal | None:
    """A figure as the appendix shows it: '(8)' is -8, '1,234' is 1234, '40%' is 40, '' is no figure."""
    text = text.strip().replace(",", "").removesuffix("%")
    if not text:
        return None
    match = re.fullmatch(r"\((\d+(?:\.\d+)?)%?\)|(-?\d+(?:\.\d+)?)", text)
    assert match, f"not a figure: {text!r}"
    return -Decimal(match.group(1)) if match.group(1) else Decimal(match.group(2))


def json_figure(value: int | float, places: int = 0) -> Decimal:
    """A JSON figure as the appendix shows it: to ``places`` decimals, halves away from zero."""
    exact = Decimal(str(value))
    shown = abs(exact).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return -shown if exact < 0 else shown


@pytest.fixture(scope="module", params=["hampshire-2012", "east-herts-stevenage-2011"])
def written(request, tmp_path_factory):
    """(the document, the JSON) written by one `jwmodel consolidate` with --appendix and --json."""
    out = tmp_path_factory.mktemp("appendix")
    code = main(
        [
            "consolidate",
            str(EXAMPLES / request.param),
            "-o",
            str(out / "consolidated.xlsx"),
            "--json",
            str(out / "summary.json"),
            "--appendix",
            str(out / "appendix.docx"),
            "-q",
        ]
    )
    assert code in (0, 2)
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return docx.Document(str(out / "appendix.docx")), document, out


def tables(document) -> dict[str, list[list[str]]]:
    """Each table by the heading above it."""
    found, heading = {}, ""
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and "Heading" in (child.xpath("string(.//w:pStyle/@w:val)") or ""):
            heading = child.xpath("string(.)")
        elif tag == "tbl":
            table = next(t for t in document.tables if t._tbl is child)
            found[heading] = [[c.text for c in row.cells] for row in table.rows]
    return found


def table_starting(document, words: str) -> list[list[str]]:
    (rows,) = [rows for heading, rows in tables(document).items() if heading.startswith(words)]
    return rows


def test_appendix_a_holds_every_figure_of_the_json(written):
    document, summary, _ = written
    rows = table_starting(document, "Appendix A")
    want = [(s["service"], s) for s in summary["by_service"]] + [("Total", summary["totals"])]
    assert [r[0] for r in rows[1:]] == [name for name, _ in want]
    for row, (name, figures) in zip(rows[1:], want, strict=True):
        expected = [json_figure(figures[g][b]) for g in GROUPS for b in ("low", "high")]
        assert [parsed(c) for c in row[1:]] == expected, name
    one_off = table_starting(document, "One-off costs")
    for row, (name, figures) in zip(one_off[1:], want, strict=True):
        assert row[0] == name
        assert [parsed(c) for c in row[1:]] == [json_figure(figures["one_off"][b]) for b in ("low", "high")]


def test_the_apportionment_table_holds_every_share_of_the_json(written):
    document, summary, _ = written
    rows = table_starting(document, "Apportionment")
    partners = summary["partners"]
    assert rows[0][-len(partners) :] == [f"{p} %" for p in partners]
    assert len(rows) - 1 == len(summary["apportionment"])
    for row, entry in zip(rows[1:], summary["apportionment"], strict=True):
        assert re.sub(r" \[\d+\]$", "", row[0]) == entry["service"] and row[1] == entry["option"]
        assert (row[2] == "Yes") is entry["in_use"]
        shares = entry["shares"] or {}
        got = [parsed(c) for c in row[-len(partners) :]]
        assert got == [json_figure(shares[p]) if p in shares else None for p in partners], entry["service"]
        if entry["shares"]:
            assert sum(x for x in got if x is not None) == 100


def test_every_footnote_mark_has_its_footnote(written):
    document, summary, _ = written
    rows = table_starting(document, "Apportionment")
    marks = [int(m) for r in rows[1:] for m in re.findall(r"\[(\d+)\]$", r[0])]
    texts = [p.text for p in document.paragraphs]
    assert marks == list(range(1, len(marks) + 1))
    bases = [e["driver_basis"] for e in summary["apportionment"] if e["driver_basis"]]
    for mark, basis in zip(marks, bases, strict=True):
        assert f"[{mark}] {basis}" in texts


def test_each_partners_share_and_the_appraisal_are_the_jsons(written):
    document, summary, _ = written
    rows = table_starting(document, "Each partner")
    for row, p in zip(rows[1:], summary["by_partner"], strict=True):
        assert row[0] == p["partner"]
        want = [json_figure(p[k][b]) for k in ("recurring", "non_cashable", "one_off") for b in ("low", "high")]
        assert [parsed(c) for c in row[1:]] == want
    appraisal = table_starting(document, "Appraisal")
    cases = summary["appraisal"]["cases"]
    for row in appraisal[1:]:
        figures = cases[row[0]]
        assert [parsed(c) for c in row[1:-2]] == [json_figure(v) for v in figures["net_by_year"]]
        assert parsed(row[-2]) == json_figure(figures["npv"])
        years = figures["payback_years"]  # to 2 places in the JSON, to 1 here; none: beyond the plan; 0: nothing to pay
        if years is None or years == 0:
            assert row[-1] == ("beyond plan" if years is None else "n/a")
        else:
            assert abs(parsed(row[-1]) - Decimal(str(years))) <= Decimal("0.055"), row


def test_the_charts_are_images(written):
    document, _, _ = written
    assert len(document.inline_shapes) == 3  # by service area, cumulative net, tornado


def test_without_python_docx_the_appendix_is_a_usage_error(monkeypatch, tmp_path):
    run = consolidate_folder(EXAMPLES / "hampshire-2012", workers=0, progress=False)
    monkeypatch.delitem(sys.modules, "jwmodel.excel.appendix", raising=False)
    monkeypatch.setitem(sys.modules, "docx", None)  # an import of docx now fails as if it were not installed
    with pytest.raises(UsageError, match=r"pip install 'jwmodel\[appendix\]'"):
        run.write_appendix(tmp_path / "appendix.docx")
    assert not (tmp_path / "appendix.docx").exists()


def test_without_libreoffice_the_command_says_there_is_no_pdf(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the path
    out = tmp_path / "out"
    args = ["consolidate", str(EXAMPLES / "hampshire-2012"), "-o", str(out / "c.xlsx"), "--appendix"]
    assert main([*args, str(out / "appendix.docx")]) == 0
    assert (out / "appendix.docx").exists() and not (out / "appendix.pdf").exists()
    assert "LibreOffice is not installed: no PDF of the workbook's summary pages" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_the_pdf_holds_the_summary_pages_only(written, libreoffice):
    import subprocess

    from jwmodel.excel.libreoffice import soffice

    _, _, out = written
    pdf = (out / "appendix.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1
    whole = out / "whole"
    subprocess.run(
        [soffice(), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(whole), str(out / "consolidated.xlsx")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    every_sheet = len(re.findall(rb"/Type\s*/Page[^s]", (whole / "consolidated.pdf").read_bytes()))
    assert pages < every_sheet  # the other sheets are left out
