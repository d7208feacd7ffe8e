"""Plain-text tables for the terminal: Appendix A, one-off costs, partner shares, findings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jwmodel.apportionment import describe_shares
from jwmodel.appraisal import Case
from jwmodel.business_case import ProgrammeAppraisal
from jwmodel.consolidation import Consolidation
from jwmodel.findings import Finding, Severity
from jwmodel.submissions import SourceRecord, Status

__all__ = [
    "figure",
    "comparison_table",
    "appraisal_table",
    "appendix_a",
    "baseline_table",
    "partner_table",
    "findings_table",
    "sources_line",
    "incomplete_banner",
    "error_lines",
]


def figure(value: Decimal) -> str:
    """Appendix A style: (56) for a saving of 56, 14 for a cost, decimals only where needed."""
    text = f"{abs(value):,.3f}".rstrip("0").rstrip(".")
    return f"({text})" if value < 0 else text


def _table(header: Sequence[Sequence[str]], rows: Sequence[Sequence[str]], width0: int) -> list[str]:
    widths = [width0] + [
        max(8, *(len(r[i]) for r in [*header, *rows])) for i in range(1, len(rows[0] if rows else header[0]))
    ]
    out = []
    for r in [*header, *rows]:
        out.append(r[0].ljust(widths[0]) + "".join(c.rjust(w + 2) for c, w in zip(r[1:], widths[1:], strict=True)))
    return out


def appendix_a(result: Consolidation) -> str:
    width = max(len("Service area"), *(len(s.service) for s in result.services)) + 2
    header = [
        ("", "Cashable", "", "Procurement", "", "Total", ""),
        ("Service area", "Low", "High", "Low", "High", "Low", "High"),
    ]
    rows = [
        (
            s.service,
            *(
                figure(v)
                for v in (
                    s.cashable.low,
                    s.cashable.high,
                    s.procurement.low,
                    s.procurement.high,
                    s.recurring.low,
                    s.recurring.high,
                )
            ),
        )
        for s in [*result.services, result.total]
    ]
    lines = ["Appendix A: recurring full year estimated cost/(saving), £000s", *_table(header, rows, width)]
    lines += ["", "One-off costs of change, £000s"]
    rows = [(s.service, figure(s.one_off.low), figure(s.one_off.high)) for s in [*result.services, result.total]]
    lines += _table([("Service area", "Low", "High")], rows, width)
    if result.total.non_cashable.low or result.total.non_cashable.high:
        lines += [
            "",
            "Non-cashable (not in the totals): "
            f"{figure(result.total.non_cashable.low)} to {figure(result.total.non_cashable.high)}",
        ]
    return "\n".join(lines)


def partner_table(result: Consolidation) -> str:
    width = max(len("Partner"), *(len(p) for p in result.partners)) + 2 if result.partners else 10
    rows = [
        (p.partner, figure(p.recurring.low), figure(p.recurring.high), figure(p.one_off.low), figure(p.one_off.high))
        for p in result.by_partner
    ]
    lines = (
        [
            "Each partner's share, £000s",
            *_table([("Partner", "Recurring low", "Recurring high", "One-off low", "One-off high")], rows, width),
        ]
        if rows
        else []
    )
    lines += ["", "Apportionment in use"]
    for row in result.apportionment:
        if row.in_use:
            split = describe_shares(row.shares) or row.method.value
            driver = f" ({row.driver}{': ' + row.basis if row.basis else ''})" if row.driver else ""
            lines.append(
                f"  {row.service}: {row.option}: {row.method.value}{driver} {split if row.shares else ''}".rstrip()
            )
    return "\n".join(lines)


def baseline_table(result: Consolidation) -> str:
    rows = []
    for b in result.baseline:
        stated = "" if b.stated_net is None else figure(b.stated_net)
        stated_fte = "" if b.stated_fte is None else f"{b.stated_fte:,}"
        rows.append((b.partner, figure(b.net), f"{b.fte:,}", stated, stated_fte))
    if not rows:
        return ""
    return "\n".join(
        [
            "Financial baseline (sum of rows vs the partner's stated totals), £000s",
            *_table([("Partner", "Net", "FTE", "Stated net", "Stated FTE")], rows, 10),
        ]
    )


def findings_table(result: Consolidation, *, limit: int = 40) -> str:
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    lines = [
        f"Findings: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} notes"
    ]
    for f in result.findings[:limit]:
        lines.append(f"  {f}")
    if len(result.findings) > limit:
        lines.append(f"  ... and {len(result.findings) - limit} more (see the Findings sheet)")
    return "\n".join(lines)


def sources_line(sources: Sequence[SourceRecord]) -> str:
    """'Files: 12 seen = 10 accepted + ...' : the intake register's counts, which must reconcile."""
    order = (Status.ACCEPTED, Status.WARNINGS, Status.PARTLY, Status.REJECTED, Status.SUPERSEDED, Status.SKIPPED)
    counts = {st: sum(1 for s in sources if s.status == st) for st in order}
    assert sum(counts.values()) == len(sources), "every file has exactly one status"
    return f"Files: {len(sources)} seen = " + " + ".join(f"{n} {st}" for st, n in counts.items())


def incomplete_banner(sources: Sequence[SourceRecord], findings: Sequence[Finding]) -> str:
    """ "INCOMPLETE: n files rejected, m errors; see Findings", or "" when nothing was rejected or in error."""
    rejected = sum(1 for s in sources if s.status == Status.REJECTED)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if not rejected and not errors:
        return ""
    files = "file" if rejected == 1 else "files"
    return f"INCOMPLETE: {rejected} {files} rejected, {errors} error{'' if errors == 1 else 's'}; see Findings"


def error_lines(sources: Sequence[SourceRecord], findings: Sequence[Finding]) -> list[str]:
    """What ``-q`` still prints: each rejected file and each error finding, one line each."""
    lines = [f"{s.file}: {s.status}" for s in sources if s.status in (Status.REJECTED, Status.PARTLY)]
    lines += [str(f) for f in findings if f.severity is Severity.ERROR]
    return lines


def appraisal_table(appraisal: ProgrammeAppraisal) -> str:
    """Net cost/(saving) by year per case, with NPV (benefit positive) and payback."""
    years = list(appraisal.years)
    settings = appraisal.settings
    bias = (
        f"; optimism bias: costs +{settings.bias.cost_uplift_percent}%, "
        f"savings -{settings.bias.benefit_reduction_percent}%"
        if settings.bias
        else ""
    )
    lines = [
        f"Appraisal, £000s: net cost/(saving) by year; NPV at the {settings.schedule.name} (benefit positive){bias}"
    ]

    def q(value: Decimal | None, places: int) -> str:
        return "never" if value is None else f"{value.quantize(Decimal(1).scaleb(-places)):,}"

    header = [("Case", *years, "NPV", "Payback (years)")]
    rows = [
        (c.case.value, *(figure(v) for v in c.cashflow.net), q(c.npv, 1), q(c.payback_years, 2))
        for c in appraisal.cases
    ]
    lines += _table(header, rows, 12)
    lines += ["", "By partner (central case)"]
    rows = [
        (p.name, *(figure(v) for v in p.cashflow.net), q(p.npv[Case.CENTRAL], 1), q(p.payback_years, 2))
        for p in appraisal.by_partner
    ]
    lines += _table([("Partner", *years, "NPV", "Payback (years)")], rows, 12)
    lines += [
        "",
        "Switching values: how far savings can fall before NPV reaches 0 / payback passes "
        f"{settings.payback_limit_years} years",
    ]
    for w in appraisal.switching:
        pct = lambda v: "n/a (no net saving to scale)" if v is None else f"{q(v, 1)}%"  # noqa: E731
        lines.append(f"  {w.subject}: {pct(w.npv_percent)} / {pct(w.payback_percent)}")
    return "\n".join(lines)


def comparison_table(runs: Sequence[tuple[str, Consolidation, ProgrammeAppraisal]]) -> str:
    """Per partner, side by side: recurring share (low/high), one-off share, central NPV and payback."""
    lines = []
    for name, result, appraisal in runs:
        opts = sorted(set(result.options_in_use.values()))
        npv = appraisal.case(Case.CENTRAL).npv.quantize(Decimal("0.1"))
        lines.append(
            f"{name}: options {'; '.join(opts)}; programme NPV {npv:,} "
            f"(central), recurring {figure(result.total.recurring.low)} to {figure(result.total.recurring.high)}"
        )
    header = [("Partner", "Case", "Recurring low", "Recurring high", "One-off low", "One-off high", "NPV", "Payback")]
    rows = []
    for i, partner in enumerate(runs[0][1].partners):
        figures = []
        for name, result, appraisal in runs:
            p, a = result.by_partner[i], appraisal.by_partner[i]
            if not any(partner in line.shares for line in result.lines if line.included):
                rows.append((partner, name, "not a participant", "", "", "", "", ""))
                figures.append(None)
                continue
            npv = a.npv[Case.CENTRAL].quantize(Decimal("0.1"))
            payback = a.payback_years.quantize(Decimal("0.01")) if a.payback_years is not None else None
            figures.append((p.recurring.low, p.recurring.high, p.one_off.low, p.one_off.high, npv, payback))
            rows.append(
                (
                    partner,
                    name,
                    *(figure(v) for v in figures[-1][:4]),
                    f"{npv:,}",
                    "never" if payback is None else str(payback),
                )
            )
        if len(figures) == 2 and all(figures):
            (a, b) = figures
            delta = [b[k] - a[k] for k in range(5)]
            payback = "" if a[5] is None or b[5] is None else f"{b[5] - a[5]:+}"
            rows.append((partner, "change", *(figure(v) for v in delta[:4]), f"{delta[4]:+,}", payback))
        rows.append(("", "", "", "", "", "", "", ""))
    lines += [
        "",
        "£000s (cost positive, saving negative); NPV (benefit positive) and payback in years, central case",
        *_table(header, rows[:-1], 10),
    ]
    return "\n".join(lines)
