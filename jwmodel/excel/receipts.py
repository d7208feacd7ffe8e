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
from jwmodel.excel.xlsx_cells import WORKBOOK_OPTIONS, mark_output, write_value
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


def _write(path: Path, record: SourceRecord) -> None:
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    mark_output(wb, "receipt")
    ws = wb.add_worksheet("Receipt")
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, "Receipt for your submission", wb.add_format({"bold": True, "font_size": 14}))
    source = next(sources_rows([record]))
    for row, (column, value) in enumerate(zip(SOURCES.columns, source, strict=True), start=2):
        ws.write_string(row, 0, column.header, bold)
        write_value(ws, row, 1, value)
    first = 3 + len(SOURCES.columns)
    ws.write_string(first, 0, f"Issues: {len(record.findings)}" if record.findings else "No issues: thank you.", bold)
    for col, header in enumerate(FINDINGS.headers()):
        ws.write_string(first + 1, col, header, bold)
    for row, values in enumerate(findings_rows(record.findings), start=first + 2):
        for col, value in enumerate(values):
            write_value(ws, row, col, value)
    ws.set_column(0, 1, 26)
    ws.set_column(2, 4, 16)
    ws.set_column(FINDINGS.keys.index("message"), FINDINGS.keys.index("message"), 120)
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
