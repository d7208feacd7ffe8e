"""The summary JSON: a stable contract that other tools read.

Figures are £000s as JSON numbers (whole numbers as integers), sign "cost positive, saving
negative". Keys and their meaning are documented in docs/summary-json.md; add keys, never rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jwmodel.consolidation import Consolidation
from jwmodel.model import Range
from jwmodel.submissions import SourceRecord

__all__ = ["SCHEMA_VERSION", "number", "summary"]

SCHEMA_VERSION = 1


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an int when whole, else a float (exact to £1 at 3 places)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _range(r: Range) -> dict[str, int | float]:
    return {"low": number(r.low), "high": number(r.high)}


def summary(result: Consolidation, sources: Sequence[SourceRecord] = ()) -> dict[str, Any]:
    """The summary document for a consolidation and its intake register."""
    t = result.total
    return {
        "schema_version": SCHEMA_VERSION,
        "units": "GBP thousands",
        "sign": "cost positive, saving negative",
        "partners": list(result.partners),
        "options_in_use": dict(result.options_in_use),
        "totals": {
            "cashable": _range(t.cashable),
            "procurement": _range(t.procurement),
            "non_cashable": _range(t.non_cashable),
            "recurring": _range(t.recurring),
            "one_off": _range(t.one_off),
        },
        "by_service": [
            {
                "service": s.service,
                "cashable": _range(s.cashable),
                "procurement": _range(s.procurement),
                "non_cashable": _range(s.non_cashable),
                "recurring": _range(s.recurring),
                "one_off": _range(s.one_off),
            }
            for s in result.services
        ],
        "apportionment": [
            {
                "service": row.service,
                "option": row.option,
                "partners": list(row.partners),
                "in_use": row.in_use,
                "default": row.default,
                "method": row.method.value,
                "driver": row.driver or None,
                "driver_basis": row.basis or None,
                "shares": {p: number(v) for p, v in row.shares.items()} if row.shares is not None else None,
            }
            for row in result.apportionment
        ],
        "by_partner": [
            {
                "partner": p.partner,
                "recurring": _range(p.recurring),
                "non_cashable": _range(p.non_cashable),
                "one_off": _range(p.one_off),
                "by_service": [
                    {"service": s.service, "recurring": _range(result.partner_service(p.partner, s.service)), "one_off": _range(result.partner_service(p.partner, s.service, "one-off"))}
                    for s in result.services
                ],
            }
            for p in result.by_partner
        ],
        "baseline": [
            {
                "partner": b.partner,
                "net": number(b.net),
                "fte": number(b.fte),
                "stated_net": number(b.stated_net) if b.stated_net is not None else None,
                "stated_fte": number(b.stated_fte) if b.stated_fte is not None else None,
            }
            for b in result.baseline
        ],
        "findings": [
            {"severity": f.severity.value, "code": f.code, "file": f.where.file, "sheet": f.where.sheet, "cell": f.where.cell, "message": f.message}
            for f in result.findings
        ],
        "sources": [
            {"file": s.file, "sha256": s.sha256, "kind": s.kind, "status": s.status, "taken": s.taken, "reasons": [str(f) for f in s.findings]}
            for s in sources
        ],
    }
