"""Receipts: one small workbook per submission listing its issues by cell, to send back."""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter

from jwmodel.submissions import SourceRecord

__all__ = ["write_receipt", "receipt_name"]


def receipt_name(record: SourceRecord) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(record.file).stem)[:80] or "file"
    return f"receipt-{stem}.xlsx"


def write_receipt(folder: str | Path, record: SourceRecord) -> Path:
    """Write the receipt for one file; every text is written as text."""
    path = Path(folder) / receipt_name(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("Receipt")
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    ws.write_string(0, 0, "Receipt for your submission", title)
    for row, (label, value) in enumerate(
        (
            ("File", record.file),
            ("SHA-256", record.sha256),
            ("Kind", record.kind),
            ("Status", record.status),
            ("Taken", record.taken),
        ),
        start=2,
    ):
        ws.write_string(row, 0, label, bold)
        ws.write_string(row, 1, value)
    ws.write_string(8, 0, f"Issues: {len(record.findings)}" if record.findings else "No issues: thank you.", bold)
    headers = ("Severity", "Code", "Sheet", "Cell", "Value", "What to do")
    for col, header in enumerate(headers):
        ws.write_string(9, col, header, bold)
    for row, f in enumerate(record.findings, start=10):
        value = "" if f.value is None else str(f.value)
        for col, text in enumerate((f.severity.value, f.code, f.where.sheet, f.where.cell, value[:200], f.message)):
            ws.write_string(row, col, text)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 4, 16)
    ws.set_column(5, 5, 120)
    wb.close()
    return path
