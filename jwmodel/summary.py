"""The summary JSON: a stable contract that other tools read.

Figures are £000s as JSON numbers (whole numbers as integers), sign "cost positive, saving
negative". Keys and their meaning are documented in docs/summary-json.md; add keys, never rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jwmodel.appraisal import Case
from jwmodel.business_case import ProgrammeAppraisal, options_by_year
from jwmodel.consolidation import ApportionmentRow, Consolidation, PartnerBaseline, PartnerTotals, ServiceTotals
from jwmodel.findings import Finding, Severity
from jwmodel.model import Range
from jwmodel.report_text import incomplete_banner
from jwmodel.submissions import SourceRecord, Status
from jwmodel.tables.outputs import (
    FINDINGS,
    RECHARGE_ELIMINATION,
    RECHARGE_SCHEDULE,
    RECHARGES,
    SOURCES,
    as_dicts,
    findings_rows,
    recharge_elimination_rows,
    recharge_schedule_rows,
    recharges_rows,
    sources_rows,
)

__all__ = [
    "SCHEMA_VERSION",
    "number",
    "rounded",
    "summary",
    "appraisal_section",
    "comparison",
    "findings_section",
    "sources_section",
    "incomplete_section",
    "targets_section",
    "recharges_section",
    "options_by_year_section",
    "leaver_section",
]

SCHEMA_VERSION = 1


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an int when whole, else a float (exact to £1 at 3 places)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def rounded(value: Decimal | None, places: int = 3) -> int | float | None:
    """A derived figure (NPV, payback, a percentage) at its stated precision: £1, or ``places``."""
    if value is None:
        return None
    return number(value.quantize(Decimal(1).scaleb(-places)))


def appraisal_section(appraisal: ProgrammeAppraisal) -> dict[str, Any]:
    """The ``appraisal`` key: per case NPV (benefit positive), payback and flows by year."""
    settings = appraisal.settings
    bias = settings.bias
    return {
        "years": list(appraisal.years),
        "discount": settings.schedule.name,
        "npv_sign": "benefit positive: above 0 means worth doing",
        "optimism_bias": {
            "cost_uplift_percent": number(bias.cost_uplift_percent),
            "benefit_reduction_percent": number(bias.benefit_reduction_percent),
        }
        if bias
        else None,
        "cases": {
            c.case.value: {
                "npv": rounded(c.npv),
                "payback_years": rounded(c.payback_years, 2),
                "savings_by_year": [number(v) for v in c.cashflow.savings],
                "costs_by_year": [number(v) for v in c.cashflow.costs],
                "net_by_year": [number(v) for v in c.cashflow.net],
                "cumulative_by_year": [number(v) for v in c.cashflow.cumulative],
            }
            for c in appraisal.cases
        },
        "by_service": [
            {
                "service": x.name,
                "npv": {k.value: rounded(v) for k, v in x.npv.items()},
                "payback_years": rounded(x.payback_years, 2),
            }
            for x in appraisal.by_service
        ],
        "by_partner": [
            {
                "partner": x.name,
                "npv": {k.value: rounded(v) for k, v in x.npv.items()},
                "payback_years": rounded(x.payback_years, 2),
                "net_by_year": [number(v) for v in x.cashflow.net],
            }
            for x in appraisal.by_partner
        ],
        "payback_limit_years": number(settings.payback_limit_years),
        "switching_values": [
            {
                "subject": w.subject,
                "npv_percent": rounded(w.npv_percent, 1),
                "payback_percent": rounded(w.payback_percent, 1),
            }
            for w in appraisal.switching
        ],
        "tornado": {
            "central_npv": rounded(appraisal.tornado.central_npv),
            "bars": [
                {
                    "service": b.service,
                    "prudent_npv": rounded(b.prudent_npv),
                    "optimistic_npv": rounded(b.optimistic_npv),
                }
                for b in appraisal.tornado.bars
            ],
        },
    }


def _range(r: Range) -> dict[str, int | float]:
    return {"low": number(r.low), "high": number(r.high)}


def _json_value(value: object) -> object:
    """A row value as JSON: Decimal as a number, a tuple as a list, other objects as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return number(value) if value.is_finite() else str(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return str(value)


def findings_section(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """The ``findings`` key: one object per finding, keyed as ``jwmodel.tables.outputs.FINDINGS``."""
    rows = ([_json_value(v) for v in row] for row in findings_rows(findings))
    return as_dicts(FINDINGS, rows)


def sources_section(sources: Sequence[SourceRecord]) -> list[dict[str, Any]]:
    """The ``sources`` key: one object per file, keyed as ``SOURCES`` (``reasons`` a list)."""
    rows = ([_json_value(v) for v in row] for row in sources_rows(sources))
    return as_dicts(SOURCES, rows)


def incomplete_section(sources: Sequence[SourceRecord], findings: Sequence[Finding]) -> dict[str, Any] | None:
    """The ``incomplete`` key: None when every file was used whole, else the counts and the banner."""
    banner = incomplete_banner(sources, findings)
    if not banner:
        return None
    return {
        "rejected_files": sum(1 for s in sources if s.status == Status.REJECTED),
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "message": banner,
    }


def _totals(t: ServiceTotals) -> dict[str, Any]:
    """A row of Appendix A: each group's ``{low, high}``."""
    return {
        "cashable": _range(t.cashable),
        "procurement": _range(t.procurement),
        "non_cashable": _range(t.non_cashable),
        "recurring": _range(t.recurring),
        "one_off": _range(t.one_off),
    }


def _apportionment(row: ApportionmentRow) -> dict[str, Any]:
    """An option's row; a line's own split adds ``line`` (its ID), its ``driver_basis`` naming the line."""
    line = {"line": row.line} if row.line else {}  # option rows as before: no key added
    timing = {"from_year": row.from_year, "before": row.before or None} if row.from_year else {}
    return {
        **line,
        "service": row.service,
        "option": row.option,
        "partners": list(row.partners),
        "in_use": row.in_use,
        "default": row.default,
        "method": row.method.value,
        "driver": row.driver or None,
        "driver_basis": row.basis or None,
        "shares": {p: number(v) for p, v in row.shares.items()} if row.shares is not None else None,
        **timing,  # only for an option with a start year (participation over time), so older summaries read the same
    }


def _partner(result: Consolidation, p: PartnerTotals) -> dict[str, Any]:
    return {
        "partner": p.partner,
        "recurring": _range(p.recurring),
        "non_cashable": _range(p.non_cashable),
        "one_off": _range(p.one_off),
        "by_service": [
            {
                "service": s.service,
                "recurring": _range(result.partner_service(p.partner, s.service)),
                "one_off": _range(result.partner_service(p.partner, s.service, "one-off")),
            }
            for s in result.services
        ],
    }


def _baseline(b: PartnerBaseline) -> dict[str, Any]:
    return {
        "partner": b.partner,
        "net": number(b.net),
        "fte": number(b.fte),
        "stated_net": number(b.stated_net) if b.stated_net is not None else None,
        "stated_fte": number(b.stated_fte) if b.stated_fte is not None else None,
    }


def summary(
    result: Consolidation, sources: Sequence[SourceRecord] = (), appraisal: ProgrammeAppraisal | None = None
) -> dict[str, Any]:
    """The summary document for a consolidation, its intake register and (if given) its appraisal."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "units": "GBP thousands",
        "sign": "cost positive, saving negative",
        "partners": list(result.partners),
        "options_in_use": dict(result.options_in_use),
        "totals": _totals(result.total),
        "by_service": [{"service": s.service, **_totals(s)} for s in result.services],
        "apportionment": [_apportionment(row) for row in result.apportionment],
        "by_partner": [_partner(result, p) for p in result.by_partner],
        "baseline": [_baseline(b) for b in result.baseline],
        "findings": findings_section(result.findings),
        "sources": sources_section(sources),
        "incomplete": incomplete_section(sources, result.findings),
    }
    if appraisal is not None:
        document["appraisal"] = appraisal_section(appraisal)
        if result.timelines:  # the key only where an option in use starts in a year (participation over time)
            document["options_by_year"] = options_by_year_section(result, appraisal.years)
    if result.recharges is not None:  # issue 12: only where a return states recharges
        document["recharges"] = recharges_section(result)
    return document


def recharges_section(result: Consolidation) -> dict[str, Any]:
    """The ``recharges`` key: each charge with both sides, the baseline with recharges eliminated, the schedule."""
    recharges = result.recharges
    if recharges is None:
        raise ValueError("the consolidation holds no recharges (no return states any)")
    total = recharges.total

    def rows(table: Any, values: Any) -> list[dict[str, Any]]:
        return as_dicts(table, ([_json_value(v) for v in row] for row in values))

    return {
        "baseline_year": recharges.baseline_year,
        "charges": rows(RECHARGES, recharges_rows(result)),
        "elimination": {
            "by_service": rows(RECHARGE_ELIMINATION, recharge_elimination_rows(result)),
            "total": {
                "gross": number(total.gross),
                "eliminated": number(total.eliminated),
                "consolidated": number(total.consolidated),
                "net": number(total.net),
            },
        },
        "schedule": rows(RECHARGE_SCHEDULE, recharge_schedule_rows(result)),
    }


def options_by_year_section(result: Consolidation, years: Sequence[str]) -> dict[str, dict[str, str]]:
    """The ``options_by_year`` key: per service area, the option in force in each year of the plan."""
    return {
        service: dict(zip(years, options, strict=True)) for service, options in options_by_year(result, years).items()
    }


def comparison(runs: Sequence[tuple[str, Consolidation, ProgrammeAppraisal]]) -> dict[str, Any]:
    """Each run's options and, per partner, recurring share, one-off share, central NPV and payback."""
    return {
        "units": "GBP thousands",
        "npv_sign": "benefit positive",
        "runs": [
            {
                "name": name,
                "options_in_use": dict(result.options_in_use),
                "options_by_year": options_by_year_section(result, appraisal.years),
                "totals": {"recurring": _range(result.total.recurring), "one_off": _range(result.total.one_off)},
                "npv_central": rounded(appraisal.case(Case.CENTRAL).npv),
                "payback_years_central": rounded(appraisal.case(Case.CENTRAL).payback_years, 2),
                "by_partner": [
                    {
                        "partner": p.partner,
                        "participates": result.participates(p.partner),
                        "recurring": _range(p.recurring),
                        "one_off": _range(p.one_off),
                        "npv_central": rounded(a.npv[Case.CENTRAL]),
                        "payback_years_central": rounded(a.payback_years, 2),
                    }
                    for p, a in zip(result.by_partner, appraisal.by_partner, strict=True)
                ],
            }
            for name, result, appraisal in runs
        ],
    }


def targets_section(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The ``targets`` key: each partner's savings target by year and what the programme delivers of it.

    ``rows`` are ``jwmodel.targets.TargetCoverage``; amounts are savings as positive figures (£000s).
    """
    return [
        {
            "partner": t.partner,
            "target": t.target,
            "year": t.year,
            "amount": number(t.amount),
            "delivered": {"low": _maybe(t.delivered_low), "high": _maybe(t.delivered_high)},
            "covered_percent": {"low": _maybe(t.covered_low_percent), "high": _maybe(t.covered_high_percent)},
            "lines": list(t.lines),
        }
        for t in rows
    ]


def _maybe(value: Decimal | None) -> int | float | None:
    return None if value is None else number(value)


def leaver_section(statement: Any) -> dict[str, Any]:
    """A leaver statement (``jwmodel.leaving.LeaverStatement``) as JSON, keyed as ``LEAVER`` and ``LEAVER_SHARES``."""
    from jwmodel.tables.outputs import LEAVER, LEAVER_SHARES, leaver_rows, leaver_shares_rows

    def section(table: Any, rows: Any) -> list[dict[str, Any]]:
        return as_dicts(table, ([_json_value(v) for v in row] for row in rows))

    return {
        "units": "GBP thousands",
        "partner": statement.partner,
        "last_year": statement.last_year,
        "years": list(statement.years),
        "rule": LEAVER_RULE,
        "owed_central": number(statement.owed),
        "cases": section(LEAVER, leaver_rows(statement)),
        "remaining_shares": section(LEAVER_SHARES, leaver_shares_rows(statement)),
        "findings": findings_section(statement.findings),
    }


LEAVER_RULE = (
    "the leaver owes its share of the shared one-off costs incurred to the end of its last year less its share of "
    "the net recurring savings delivered to then (savings less recurring additional costs), where that is positive; "
    "otherwise nothing (docs/apportionment.md, Leaving the partnership)"
)
