"""Plain-text tables for the terminal: Appendix A, one-off costs, partner shares, findings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from jwmodel.apportionment import describe_shares
from jwmodel.appraisal import Case
from jwmodel.business_case import ProgrammeAppraisal, options_by_year
from jwmodel.consolidation import Consolidation
from jwmodel.findings import Finding, Severity
from jwmodel.model import Programme
from jwmodel.participation import describe_steps
from jwmodel.submissions import SourceRecord, Status

__all__ = [
    "NOT_APPLICABLE",
    "BEYOND_PLAN",
    "money",
    "percent",
    "years",
    "fte",
    "payback",
    "payback_shown",
    "comparison_table",
    "appraisal_table",
    "appendix_a",
    "baseline_table",
    "partner_table",
    "conditions_table",
    "recharges_table",
    "findings_table",
    "sources_line",
    "incomplete_banner",
    "error_lines",
]


# The one number style (the workbook's number formats, jwmodel.excel.xlsx_cells, show the same) -------

NOT_APPLICABLE = "n/a"  # a figure with no meaning: payback with nothing to pay back, no savings to scale
BEYOND_PLAN = "beyond plan"  # payback that does not come within the plan's years


def money(value: Decimal | int | None, *, exact: bool = False) -> str:
    """£000s as Appendix A shows them: whole, savings (negative) in brackets: (56), 14, 1,234.

    ``exact`` gives the figure to £1 (three places), for a line's detail only. ``None`` is "n/a".
    Halves round away from zero, as a spreadsheet shows them.
    """
    if value is None:
        return NOT_APPLICABLE
    places = 3 if exact else 0
    shown = f"{_rounded(abs(Decimal(value)), places):,.{places}f}"
    return f"({shown})" if value < 0 else shown


def percent(value: Decimal | int | None) -> str:
    """A percentage stored as a percentage (40 is 40%), shown whole: 40%, (54%) for a negative one; "n/a"."""
    if value is None:
        return NOT_APPLICABLE
    shown = f"{_rounded(abs(Decimal(value)), 0):,.0f}%"
    return f"({shown})" if value < 0 else shown


def years(value: Decimal | int | None) -> str:
    """Years (and changes in years) to one decimal: 2.4, (0.3); "n/a" for ``None``."""
    if value is None:
        return NOT_APPLICABLE
    shown = f"{_rounded(abs(Decimal(value)), 1):,.1f}"
    return f"({shown})" if value < 0 else shown


def fte(value: Decimal | int) -> str:
    """Full-time equivalents to one decimal: 216.3."""
    return f"{_rounded(Decimal(value), 1):,.1f}"


def payback_shown(value: Decimal | None) -> Decimal | str:
    """Payback as every output shows it: the years, or why there is no figure.

    ``appraisal.payback_years`` gives 0 when cumulative net benefit is never negative (nothing to
    pay back: no flows at all, or savings from the first year with no cost before them) and None
    when it is still negative at the end of the plan. Those are "n/a" and "beyond plan".
    """
    if value is None:
        return BEYOND_PLAN
    if value == 0:
        return NOT_APPLICABLE
    return value


def payback(value: Decimal | None) -> str:
    """Payback in years to one decimal, "n/a" or "beyond plan" (see :func:`payback_shown`)."""
    shown = payback_shown(value)
    return shown if isinstance(shown, str) else years(shown)


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


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
                money(v)
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
    rows = [(s.service, money(s.one_off.low), money(s.one_off.high)) for s in [*result.services, result.total]]
    lines += _table([("Service area", "Low", "High")], rows, width)
    if result.total.non_cashable.low or result.total.non_cashable.high:
        lines += [
            "",
            "Non-cashable (not in the totals): "
            f"{money(result.total.non_cashable.low)} to {money(result.total.non_cashable.high)}",
        ]
    return "\n".join(lines)


def partner_table(result: Consolidation) -> str:
    width = max(len("Partner"), *(len(p) for p in result.partners)) + 2 if result.partners else 10
    rows = [
        (p.partner, money(p.recurring.low), money(p.recurring.high), money(p.one_off.low), money(p.one_off.high))
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
            driver = f" ({row.driver}{': ' + row.basis if row.basis and not row.line else ''})" if row.driver else ""
            own = f"{row.basis}: " if row.line else ""  # a line's own split: which line
            lines.append(
                f"  {row.service}: {row.option}: {own}{row.method.value}{driver} {split if row.shares else ''}".rstrip()
            )
    return "\n".join(lines)


def baseline_table(result: Consolidation) -> str:
    rows = []
    for b in result.baseline:
        stated = "" if b.stated_net is None else money(b.stated_net)
        stated_fte = "" if b.stated_fte is None else fte(b.stated_fte)
        rows.append((b.partner, money(b.net), fte(b.fte), stated, stated_fte))
    if not rows:
        return ""
    return "\n".join(
        [
            "Financial baseline (sum of rows vs the partner's stated totals), £000s",
            *_table([("Partner", "Net", "FTE", "Stated net", "Stated FTE")], rows, 10),
        ]
    )


def _spans(chosen: Sequence[str], plan: Sequence[str]) -> str:
    """Years of ``plan`` as runs: "2013/14 to 2015/16", "2012/13", "2011/12 to 2012/13 and 2015/16"; "every year";
    "no year"."""
    if not chosen:
        return "no year"
    if list(chosen) == list(plan):
        return "every year"
    runs: list[list[str]] = []
    for year in chosen:
        if runs and plan.index(year) == plan.index(runs[-1][-1]) + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return " and ".join(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def conditions_table(programme: Programme, result: Consolidation, plan: Sequence[str]) -> str:
    """The lines with an 'Applies if' condition, each with the plan years it applies in (the option in force each
    year, ``business_case.options_by_year``); "" where no line has one."""
    typed = {
        (line.service, line.line_id, line.description): line.condition
        for line in (*programme.saving_lines, *programme.one_off_costs)
        if line.condition is not None
    }
    in_force = options_by_year(result, plan)
    lines = []
    for share in result.lines:
        condition = typed.get((share.service, share.line_id, share.description))
        if condition is None:
            continue
        phases = {phase.option: phase.applies for phase in share.phases}
        options = in_force.get(share.service, ("",) * len(plan))
        applies = [
            y for y, o in zip(plan, options, strict=True) if (phases.get(o, False) if phases else share.included)
        ]
        lines.append(
            f"  {share.service}: '{share.description}' ({condition.text or condition}): {_spans(applies, plan)}"
        )
    if not lines:
        return ""
    return "\n".join(["Lines that apply only under some options ('Applies if'): the years each applies in", *lines])


def recharges_table(result: Consolidation) -> str:
    """What each partner invoices another for a hosted service, year by year, whether both sides agree, and the
    baseline before and after eliminating the charges; "" where no return states a recharge."""
    recharges = result.recharges
    if recharges is None or not recharges.matches:
        return ""
    statuses = [m.status for m in recharges.matches]
    agreed = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
    pairs = list(dict.fromkeys((m.receiver, m.payer, m.service) for m in recharges.schedule))
    invoiced = {(m.receiver, m.payer, m.service, m.year): m.invoiced for m in recharges.schedule}
    rows = [
        (
            f"{receiver} invoices {payer}",
            service,
            *(
                money(invoiced[receiver, payer, service, y]) if (receiver, payer, service, y) in invoiced else "-"
                for y in recharges.years
            ),
        )
        for receiver, payer, service in pairs
    ]
    total = recharges.total
    return "\n".join(
        [
            f"Recharges between partners, £000s a year; each year's charge as payer and receiver state it: {agreed}",
            *_table([("Who invoices whom", "Service area", *recharges.years)], rows, 24),
            f"Baseline {recharges.baseline_year}: gross {money(total.gross)} less charges eliminated "
            f"{money(total.eliminated)} = {money(total.consolidated)}, each cost counted once (the partners' net "
            f"baselines add up to {money(total.net)})",
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
    years_ = list(appraisal.years)
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

    header = [("Case", *years_, "NPV", "Payback (years)")]
    rows = [
        (c.case.value, *(money(v) for v in c.cashflow.net), money(c.npv), payback(c.payback_years))
        for c in appraisal.cases
    ]
    lines += _table(header, rows, 12)
    lines += ["", "By partner (central case)"]
    rows = [
        (p.name, *(money(v) for v in p.cashflow.net), money(p.npv[Case.CENTRAL]), payback(p.payback_years))
        for p in appraisal.by_partner
    ]
    lines += _table([("Partner", *years_, "NPV", "Payback (years)")], rows, 12)
    lines += [
        "",
        "Switching values: how far savings can fall before NPV reaches 0 / payback passes "
        f"{settings.payback_limit_years} years",
    ]
    for w in appraisal.switching:
        lines.append(f"  {w.subject}: {percent(w.npv_percent)} / {percent(w.payback_percent)}")
    lines.append(f"  ({NOT_APPLICABLE}: no net saving to scale)")
    return "\n".join(lines)


def comparison_table(runs: Sequence[tuple[str, Consolidation, ProgrammeAppraisal]]) -> str:
    """Per partner, side by side: recurring share (low/high), one-off share, central NPV and payback.

    Under each run's options, the years each option is in force in a service area whose option changes
    over the plan ("ICT: 'EHC and SBC' to 2012/13; 'North Herts joins in 2013/14' from 2013/14").

    Every figure in the one number style (:func:`money`, :func:`payback`, :func:`years`); the change
    between two runs too, so a fall is bracketed like a saving.
    """
    lines = []
    for name, result, appraisal in runs:
        opts = sorted(set(result.options_in_use.values()))
        lines.append(
            f"{name}: options {'; '.join(opts)}; programme NPV {money(appraisal.case(Case.CENTRAL).npv)} "
            f"(central), recurring {money(result.total.recurring.low)} to {money(result.total.recurring.high)}"
        )
        for service, steps in result.timelines.items():
            lines.append(f"  {service}: {describe_steps(steps)}")
    header = [("Partner", "Case", "Recurring low", "Recurring high", "One-off low", "One-off high", "NPV", "Payback")]
    rows: list[tuple[str, ...]] = []
    for i, partner in enumerate(runs[0][1].partners):
        figures: list[tuple[Decimal, ...] | None] = []
        paybacks: list[Decimal | str] = []
        for name, result, appraisal in runs:
            p, a = result.by_partner[i], appraisal.by_partner[i]
            if not result.participates(partner):
                rows.append((partner, name, "not a participant", "", "", "", "", ""))
                figures.append(None)
                continue
            figures.append((p.recurring.low, p.recurring.high, p.one_off.low, p.one_off.high, a.npv[Case.CENTRAL]))
            paybacks.append(payback_shown(a.payback_years))
            rows.append((partner, name, *(money(v) for v in figures[-1]), payback(a.payback_years)))
        if len(figures) == 2 and figures[0] is not None and figures[1] is not None:
            before, after = figures
            delta = [y - x for x, y in zip(before, after, strict=True)]
            moved = (
                years(paybacks[1] - paybacks[0])
                if isinstance(paybacks[0], Decimal) and isinstance(paybacks[1], Decimal)
                else ""
            )
            rows.append((partner, "change", *(money(v) for v in delta), moved))
        rows.append(("", "", "", "", "", "", "", ""))
    lines += [
        "",
        "£000s (cost positive, saving negative: savings and falls in brackets); NPV (benefit positive) and payback "
        "in years, central case",
        *_table(header, rows[:-1], 10),
    ]
    return "\n".join(lines)


def _own(service: str, line: str) -> str:
    """A service area's name, with the line whose own split a row is (as the apportionment names it)."""
    return f"{service} ({line})" if line else service


def leaver_text(statement: object) -> str:
    """A leaver statement (``jwmodel.leaving.LeaverStatement``) in words and two small tables."""
    from jwmodel.tables.outputs import leaver_rows, leaver_shares_rows

    s = statement  # type: ignore[assignment]
    central = s.case(Case.CENTRAL)  # type: ignore[attr-defined]
    verdict = (
        f"owes {money(central.owed)}"
        if central.owed
        else "owes nothing: its net savings to date cover its share of the shared one-off costs to date"
    )
    lines = [
        f"Leaver statement: {s.partner} leaving at the end of {s.last_year} "  # type: ignore[attr-defined]
        f"(its figures to date: {' to '.join(dict.fromkeys((s.years[0], s.years[-1])))}): "  # type: ignore[attr-defined]
        f"central case, it {verdict}",
        "",
        "£000s to £1, savings in brackets; owed = its share of the shared one-off costs to date plus its net "
        "recurring cost/(saving) to date, where positive",
        *_table(
            [("Case", "One-off costs", "Net recurring", "Owed")],
            [(r[2], money(r[3], exact=True), money(r[4], exact=True), money(r[5], exact=True)) for r in leaver_rows(s)],
            12,
        ),
        "",
        "The remaining partners' shares (percent)",
        *_table(
            [("Service area", "Option", "Partner", "With", "Without", "Basis")],
            [
                (_own(service, line), option, partner, "" if w is None else f"{w}", "?" if wo is None else f"{wo}", b)
                for service, line, option, partner, w, wo, b in leaver_shares_rows(s)
            ],
            max([len("Service area"), *(len(_own(r.service, r.line)) for r in s.shares)]) + 2,  # type: ignore[attr-defined]
        ),
    ]
    for f in s.findings:  # type: ignore[attr-defined]
        lines.append(str(f))
    return "\n".join(lines)
