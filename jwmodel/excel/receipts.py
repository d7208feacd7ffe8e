"""Receipts: one small workbook per submission listing its issues by cell, to send back.

Each receipt's name is made from the file's name and a short digest of the whole name, so two
submissions never share a receipt (``return HC.xlsx`` and ``return_HC.xlsx``, ``late.xls`` and
``late.xlsx``, names that agree in their first 80 characters). Every receipt is written atomically.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import xlsxwriter

from jwmodel.excel.atomic import replacing
from jwmodel.excel.xlsx_cells import WORKBOOK_OPTIONS, mark_output, page_setup, styles, write_headers, write_value
from jwmodel.submissions import SourceRecord
from jwmodel.tables.outputs import FINDINGS, SOURCES, findings_rows, sources_rows

__all__ = ["write_receipt", "write_receipts", "receipt_name"]

STEM = 60  # characters of the file's own name kept in the receipt's name


def receipt_name(record: SourceRecord) -> str:
    """``receipt-<name>-<digest>.xlsx``: readable, and different for every different file name."""
    name = record.file
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem)[:STEM] or "file"
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"receipt-{stem}-{digest}.xlsx"


_WIDTHS = {"severity": 10, "code": 26, "file": 30, "sheet": 14, "cell": 8, "message": 70, "value": 18}


def _write(path: Path, record: SourceRecord) -> None:
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    mark_output(wb, "receipt")
    ws = wb.add_worksheet("Receipt")
    f = styles(wb)
    widths = [_WIDTHS[k] for k in FINDINGS.keys]
    for col, (key, width) in enumerate(zip(FINDINGS.keys, widths, strict=True)):
        ws.set_column(col, col, width, f.wrap if key in ("message", "value") else None)
    ws.set_column(1, 1, max(_WIDTHS["code"], 40))  # the register's values (a file's name, its digest) read whole
    ws.write_string(0, 0, "Receipt for your submission", f.title)
    source = next(sources_rows([record]))
    for row, (column, value) in enumerate(zip(SOURCES.columns, source, strict=True), start=2):
        ws.write_string(row, 0, column.header, f.bold)
        write_value(ws, row, 1, value, f.wrap)
    first = 3 + len(SOURCES.columns)
    ws.write_string(first, 0, f"Issues: {len(record.findings)}" if record.findings else "No issues: thank you.", f.bold)
    write_headers(ws, first + 1, FINDINGS.headers(), f.head, widths=widths)
    for row, values in enumerate(findings_rows(record.findings), start=first + 2):
        for col, value in enumerate(values):
            write_value(ws, row, col, value)
    page_setup(ws, programme=f"Receipt: {record.file}", sheet_title="Receipt", header_rows=first + 2)
    wb.close()


def write_receipt(folder: str | Path, record: SourceRecord) -> Path:
    """Write the receipt for one file into ``folder``, atomically; every text is written as text."""
    path = Path(folder) / receipt_name(record)
    with replacing(path, ".xlsx") as tmp:
        _write(tmp, record)
    return path


def write_receipts(folder: str | Path, records: Iterable[SourceRecord]) -> list[Path]:
    """One receipt per record; two records never share a receipt."""
    written: dict[Path, str] = {}
    for record in records:
        path = write_receipt(folder, record)
        if path in written:  # pragma: no cover - a digest collision of two different names
            raise RuntimeError(f"{record.file} and {written[path]} would share the receipt {path.name}")
        written[path] = record.file
    return list(written)
