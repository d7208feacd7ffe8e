"""The committee appendix: the business case's financial appendix as a Word document (python-docx).

``jwmodel consolidate ... --appendix appendix.docx`` writes it: the Appendix A table, the one-off
costs, the apportionment table with its footnotes, each partner's share, the appraisal table and the
charts as images (matplotlib), ready to paste into a cabinet report template. Every figure comes from
the output-table declarations (``jwmodel.tables.outputs``: the rows the JSON, the DataFrames and the
workbooks are made from), in the one number style (``jwmodel.report_text``): whole £000s with
savings in brackets, as Appendix A; percentages whole; payback to one decimal, or "n/a".

:func:`summary_pdf` renders the consolidated workbook's Summary as a PDF with LibreOffice (the other
sheets hidden in a copy), where LibreOffice is installed.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import docx
import matplotlib

matplotlib.use("Agg")  # no display: images only
import matplotlib.pyplot as plt  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from jwmodel.business_case import ProgrammeAppraisal  # noqa: E402
from jwmodel.consolidation import Consolidation  # noqa: E402
from jwmodel.excel.atomic import replacing  # noqa: E402
from jwmodel.excel.libreoffice import to_pdf  # noqa: E402
from jwmodel.report_text import incomplete_banner, money, payback, percent, sources_line  # noqa: E402
from jwmodel.submissions import SourceRecord  # noqa: E402
from jwmodel.tables import Table  # noqa: E402
from jwmodel.tables.outputs import (  # noqa: E402
    APPORTIONMENT,
    APPRAISAL,
    PARTNERS,
    SUMMARY,
    appendix_a_rows,
    apportionment_rows,
    appraisal_rows,
    partners_rows,
)

__all__ = ["TITLE", "SUMMARY_SHEETS", "write_appendix", "summary_pdf"]

TITLE = "Financial appendix: joint working business case"
SUMMARY_SHEETS = ("Summary",)  # the consolidated workbook's pages the PDF holds
RECURRING = ("cashable", "procurement", "recurring", "non_cashable")
CHART_WIDTH = Cm(16)
_FIGURE = re.compile(r"^\(?[\d,]+(?:\.\d+)?%?\)?$|^n/a$|^beyond plan$")  # a cell shown right-aligned


def _cell(value: object) -> str:
    """A figure in the one number style (whole £000s, savings bracketed), text as it is, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return money(Decimal(value))
    return str(value)


def _table(document: docx.document.Document, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A Word table: a bold header row, figures right-aligned, the last row bold when it is the total."""
    rows = [list(r) for r in rows]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _cell(value)
            if _FIGURE.match(cell.text):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if values[0] == "Total":
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _columns(table: Table, keys: Sequence[str]) -> list[int]:
    return [table.keys.index(k) for k in keys]


def _appendix_a(document: docx.document.Document, result: Consolidation) -> None:
    """Appendix A (recurring) and the one-off costs: the SUMMARY table's rows, then its Total row."""
    total = dataclasses.replace(result, services=(result.total,))  # the Total row, made as every other row
    rows = [*appendix_a_rows(result), *appendix_a_rows(total)]
    recurring = ["service", *(f"{g}_{b}" for g in RECURRING for b in ("low", "high"))]
    document.add_heading("Appendix A: recurring full year estimated cost/(saving), £000s", level=2)
    index = _columns(SUMMARY, recurring)
    _table(document, [SUMMARY.columns[i].header for i in index], ([r[i] for i in index] for r in rows))
    document.add_paragraph("Non-cashable savings are shown apart and are not in the totals.")
    document.add_heading("One-off costs of change, £000s", level=2)
    index = _columns(SUMMARY, ["service", "one_off_low", "one_off_high"])
    _table(document, [SUMMARY.columns[i].header for i in index], ([r[i] for i in index] for r in rows))


def _apportionment(document: docx.document.Document, result: Consolidation) -> None:
    """The APPORTIONMENT rows, one line per service area and option with each partner's %, and footnotes."""
    partners = list(result.partners)
    lines: dict[tuple[str, str, str], dict[str, object]] = {}
    for row in apportionment_rows(result):
        values = dict(zip(APPORTIONMENT.keys, row, strict=True))
        key = (values["service"], values["option"], values["basis"])  # a line's own split: its basis names it
        line = lines.setdefault(key, {**values, "shares": {}})
        if values["partner"]:
            line["shares"][values["partner"]] = values["percent"]  # type: ignore[index]
    notes: list[str] = []
    body = []
    for (service, option, _), line in lines.items():
        label = f"{service} [{len(notes) + 1}]" if line["basis"] else service
        if line["basis"]:
            notes.append(str(line["basis"]))
        shares = line["shares"]
        body.append(
            [
                label,
                option,
                "Yes" if line["in_use"] else "",
                str(line["method"]),
                str(line["driver"] or ""),
                *(_percent(shares.get(p)) for p in partners),  # type: ignore[attr-defined]
            ]
        )
    document.add_heading("Apportionment between partners, %", level=2)
    heads = [APPORTIONMENT.column(k).header for k in ("service", "option", "in_use", "method", "driver")]
    _table(document, [*heads, *(f"{p} %" for p in partners)], body)
    notes.append("Percentages are whole numbers adding up to 100; a blank means the partner does not take part.")
    for i, note in enumerate(notes, start=1):
        document.add_paragraph(f"[{i}] {note}" if i < len(notes) else note).runs[0].font.size = Pt(8)


def _percent(value: object) -> str:
    """A partner's share: a whole percentage, nothing where the partner does not take part."""
    return "" if value is None else percent(Decimal(str(value)))


def _partners(document: docx.document.Document, result: Consolidation) -> None:
    document.add_heading("Each partner's share, £000s", level=2)
    _table(document, PARTNERS.headers(), partners_rows(result))


def _appraisal(document: docx.document.Document, appraisal: ProgrammeAppraisal) -> None:
    """The programme's net cost/(saving) by year per case (the APPRAISAL rows), NPV and payback as the
    JSON rounds them."""
    document.add_heading("Appraisal over the plan, £000s", level=2)
    settings = appraisal.settings
    document.add_paragraph(
        f"Net cost/(saving) by year; NPV at the {settings.schedule.name}, benefit positive (above 0 means worth "
        "doing); payback in years from the start of the plan."
    )
    net: dict[str, list[object]] = {}
    keys = APPRAISAL.keys
    for row in appraisal_rows(appraisal):
        values = dict(zip(keys, row, strict=True))
        if values["scope"] == "programme":
            net.setdefault(str(values["case"]), []).append(values["net"])
    rows = [[str(c.case), *net[str(c.case)], c.npv, payback(c.payback_years)] for c in appraisal.cases]
    _table(document, ["Case", *appraisal.years, "NPV", "Payback (years)"], rows)


def _bracketed(value: float, _: object = None) -> str:
    """An axis label in the one number style: (250) for a saving of 250."""
    return money(Decimal(repr(float(value))))  # numpy 2 writes repr(np.float64(x)) as "np.float64(x)"


def _png(fig: object) -> io.BytesIO:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    buffer.seek(0)
    return buffer


def _services_chart(result: Consolidation) -> io.BytesIO:
    """Recurring cost/(saving) by service area, low and high, labels at the left whatever the sign."""
    names = [s.service for s in result.services]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    y = range(len(names))
    ax.barh([i - 0.2 for i in y], [float(s.recurring.low) for s in result.services], 0.4, label="Low")
    ax.barh([i + 0.2 for i in y], [float(s.recurring.high) for s in result.services], 0.4, label="High")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(_bracketed))
    ax.set_title("Recurring cost/(saving) by service area, £000s")
    ax.legend(loc="lower left", frameon=False)
    return _png(fig)


def _tornado_chart(appraisal: ProgrammeAppraisal) -> io.BytesIO | None:
    """The tornado: each service area's swing of the programme NPV, centred on the central NPV."""
    bars = sorted(appraisal.tornado.bars, key=lambda b: abs(b.swing))
    if not bars:
        return None
    centre = float(appraisal.tornado.central_npv)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(bars) + 1.5))
    for i, b in enumerate(bars):
        low, high = sorted((float(b.prudent_npv), float(b.optimistic_npv)))
        ax.barh(i, high - low, left=low, color="#4472C4")
    ax.set_yticks(range(len(bars)), [b.service for b in bars])
    ax.axvline(centre, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(_bracketed))
    ax.set_title(f"Tornado: programme NPV, £000s (central {_bracketed(centre)})")
    return _png(fig)


def _cumulative_chart(appraisal: ProgrammeAppraisal) -> io.BytesIO:
    fig, ax = plt.subplots(figsize=(8, 3.5))
    for c in appraisal.cases:
        ax.plot(list(appraisal.years), [float(v) for v in c.cashflow.cumulative], marker="o", label=str(c.case))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(FuncFormatter(_bracketed))
    ax.set_title("Cumulative net cost/(saving) by year, £000s")
    ax.legend(frameon=False)
    return _png(fig)


def _charts(document: docx.document.Document, result: Consolidation, appraisal: ProgrammeAppraisal) -> None:
    document.add_heading("Charts", level=2)
    for image in (_services_chart(result), _cumulative_chart(appraisal), _tornado_chart(appraisal)):
        if image is not None:
            document.add_picture(image, width=CHART_WIDTH)


def write_appendix(
    path: str | Path,
    result: Consolidation,
    appraisal: ProgrammeAppraisal,
    sources: Sequence[SourceRecord] = (),
    *,
    programme: str = "",
) -> Path:
    """Write the financial appendix to ``path`` (.docx) atomically and return the path.

    Args:
        path: where to write the Word document.
        result: the consolidation.
        appraisal: its appraisal (the appraisal table and the charts).
        sources: the intake register (the files line and the INCOMPLETE banner).
        programme: one line naming the programme definition the files were held to.
    """
    document = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.author = "jwmodel"
    document.add_heading(TITLE, level=1)
    banner = incomplete_banner(sources, result.findings)
    for line in (banner, sources_line(sources) if sources else "", programme):
        if line:
            document.add_paragraph(line).runs[0].bold = line == banner
    document.add_paragraph(
        "All figures £000s, to the nearest £1,000; cost positive, saving in brackets. Totals are of the exact "
        "figures, so a column may differ from the sum of its rounded figures by 1."
    )
    _appendix_a(document, result)
    _apportionment(document, result)
    _partners(document, result)
    _appraisal(document, appraisal)
    _charts(document, result, appraisal)
    path = Path(path)
    with replacing(path, ".docx") as tmp:
        document.save(str(tmp))
    return path


def _only(workbook: Path, sheets: Sequence[str], copy: Path) -> None:
    """A copy of ``workbook`` with every sheet but ``sheets`` hidden (only workbook.xml changes, so
    charts and print settings stay); LibreOffice leaves hidden sheets out of a PDF."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                names = re.findall(r'<sheet [^>]*name="([^"]*)"', text)
                keep = [i for i, n in enumerate(names) if n in sheets] or [0]
                text = re.sub(r'activeTab="\d+"', f'activeTab="{keep[0]}"', text)
                for n in names:
                    if n not in sheets:
                        text = text.replace(f'<sheet name="{n}"', f'<sheet name="{n}" state="hidden"', 1)
                data = text.encode("utf-8")
            target.writestr(item, data)


def summary_pdf(workbook: str | Path, path: str | Path, *, timeout: float = 300) -> Path:
    """The consolidated workbook's summary pages (``SUMMARY_SHEETS``) as a PDF, printed by LibreOffice
    (``jwmodel.excel.libreoffice.to_pdf``) from a copy with the other sheets hidden.

    Raises:
        LibreOfficeError: LibreOffice is not installed, or gave no PDF.
    """
    workbook, path = Path(workbook), Path(path)
    with tempfile.TemporaryDirectory(prefix="jwmodel-pdf-") as folder:
        copy = Path(folder) / "copy" / (path.stem + ".xlsx")
        copy.parent.mkdir()
        _only(workbook, SUMMARY_SHEETS, copy)
        (made,) = to_pdf([copy], Path(folder) / "pdf", timeout=timeout)
        with replacing(path, ".pdf") as tmp:
            shutil.copyfile(made, tmp)
    return path
