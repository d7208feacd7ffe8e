"""The rules that need only one submission, written once: ``jwmodel check`` and consolidation both run them.

The reader calls ``submission_findings`` at the end of reading a file, so ``check`` reports every
finding here with its cell; consolidation calls the same functions over the assembled programme,
so a programme built another way (the add-in, Python) is held to the same rules. A finding that is
an error rejects the file in ``check``; in consolidation the line or baseline row is not counted.
Warnings are reported and the figures used as given (the Hampshire returns' stated totals do not
match their rows, as published, and those returns are used).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from jwmodel.claims import target_row_findings
from jwmodel.codes import Code, Severity
from jwmodel.findings import Finding, Location
from jwmodel.identity import duplicate_id_findings
from jwmodel.model import ZERO, BaselineEntry, ControlTotal, Method, OneOffCost, ParticipationOption, SavingLine
from jwmodel.money import POUND, display
from jwmodel.recharges import charges_findings, recharge_row_findings
from jwmodel.submissions import PartnerReturn, WorkstreamProposal

__all__ = [
    "line_findings",
    "baseline_findings",
    "control_total_findings",
    "fixed_percentage_findings",
    "return_findings",
    "proposal_findings",
    "submission_findings",
    "has_error",
    "unlisted_partner",
    "unlisted_service",
]


def has_error(findings: Iterable[Finding]) -> bool:
    """Whether any of the findings is an error (the file is rejected, the line not counted)."""
    return any(f.severity is Severity.ERROR for f in findings)


def unlisted_partner(code: str, listed: Sequence[str], what: str, where: Location) -> Finding | None:
    """A partner code that is not in the file's own list of partners (its Lists sheet), or None.

    None too when the code is blank (reported as missing where it is needed) or the file has no list.
    ``what`` names the cell ('sole bearer', "option 'A'"); the reader gives the cell's location.
    """
    if not code or not listed or code in listed:
        return None
    prefix = f"{what}: " if what else ""
    return Finding(
        Code.PARTNER_UNKNOWN,
        f"{prefix}partner code {code!r} is not in the programme's list ({', '.join(listed)})",
        where,
        code,
    )


def unlisted_service(service: str, listed: Sequence[str], where: Location) -> Finding | None:
    """A service area that is not in the file's own list of service areas (its Lists sheet), or None."""
    if not service or not listed or service in listed:
        return None
    return Finding(Code.SERVICE_UNKNOWN, f"service area {service!r} is not in the programme's list", where, service)


def _on_grid(value: Decimal) -> bool:
    return value == value.quantize(POUND)


def line_findings(line: SavingLine | OneOffCost) -> tuple[Finding, ...]:
    """A saving line's or one-off cost's range runs the right way, is to the £1, and a cost is not income.

    A recurring line's low is the smaller saving (``low >= high`` as signed numbers); a one-off
    cost's low is the smaller cost (``low <= high``). Errors: the line is not counted.
    """
    label = f"{line.service}: '{line.description}'"
    estimate = line.estimate
    found: list[Finding] = []
    if isinstance(line, OneOffCost):
        if not estimate.ordered_as_cost:
            found.append(
                Finding(
                    Code.RANGE_NOT_ORDERED,
                    f"{label}: the low one-off cost ({estimate.low}) is more than the high one ({estimate.high}); low "
                    "is the smaller cost; the line is not counted until corrected",
                    line.where,
                )
            )
        if estimate.low < 0 or estimate.high < 0:
            found.append(
                Finding(
                    Code.ONE_OFF_NEGATIVE,
                    f"one-off cost {line.description!r} is negative (income); check the sign: costs are positive",
                    line.where,
                )
            )
    elif not estimate.ordered_as_saving:
        found.append(
            Finding(
                Code.RANGE_NOT_ORDERED,
                f"{label}: the low estimate ({estimate.low}) is a bigger saving than the high estimate "
                f"({estimate.high}); low is the smaller saving (cost positive, saving negative); the line is not "
                "counted until corrected",
                line.where,
            )
        )
    if line.rule is not None and line.sole_bearer:
        found.append(
            Finding(
                Code.LINE_RULE_BAD,
                f"{label}: the line names both a sole bearer ({line.sole_bearer}) and its own split "
                f"({line.rule.method.value}); keep one; the line is not counted until corrected",
                line.where,
            )
        )
    if not (_on_grid(estimate.low) and _on_grid(estimate.high)):
        found.append(
            Finding(
                Code.MORE_PRECISE_THAN_POUND,
                f"{label}: {estimate.low}/{estimate.high} is given to less than £1 (more than 3 decimal places in "
                "£000s); round it to the nearest £1; the line is not counted until corrected",
                line.where,
            )
        )
    return tuple(found)


def _entry_findings(entry: BaselineEntry) -> list[Finding]:
    found: list[Finding] = []
    expected = entry.expected_net
    if expected is not None and expected != entry.net:
        found.append(
            Finding(
                Code.BASELINE_NET_MISMATCH,
                f"{entry.partner} {entry.service}: net baseline {entry.net} is not gross {entry.gross} less charges "
                f"{entry.charges or ZERO} (= {expected}); correct one of them (or leave net blank to have it worked "
                "out); the row is not counted until corrected",
                entry.where,
                entry.net,
            )
        )
    if entry.net < 0:  # a negative FTE, gross or charge is refused where it is typed (NEGATIVE)
        found.append(
            Finding(
                Code.BASELINE_NEGATIVE,
                f"{entry.partner} {entry.service}: the net baseline is negative ({entry.net}) and needs an "
                "explanation; check the charges from other partners",
                entry.where,
                entry.net,
            )
        )
    return found


def baseline_findings(entries: Sequence[BaselineEntry]) -> tuple[tuple[Finding, ...], tuple[BaselineEntry, ...]]:
    """Each baseline row: net is gross less charges (where all are given), not negative, not given twice.

    Returns the findings and the rows that count (those with no error). A row whose net is not
    its gross less charges, or a second row for a partner's service area, is an error.
    """
    found: list[Finding] = []
    kept: list[BaselineEntry] = []
    seen: dict[tuple[str, str], Location] = {}
    for entry in entries:
        own = _entry_findings(entry)
        key = (entry.partner, entry.service)
        if key in seen:
            own.insert(
                0,
                Finding(
                    Code.BASELINE_DUPLICATE,
                    f"{entry.partner} gives a baseline for '{entry.service}' twice (first at {seen[key]}); this row "
                    "is not counted until one is removed",
                    entry.where,
                ),
            )
        seen.setdefault(key, entry.where)
        found.extend(own)
        if not has_error(own):
            kept.append(entry)
    return tuple(found), tuple(kept)


def control_total_findings(control: ControlTotal, entries: Iterable[BaselineEntry]) -> tuple[Finding, ...]:
    """A partner's stated total net baseline and FTE against the sum of its rows (warnings: rows are used)."""
    rows = [e for e in entries if e.partner == control.partner]
    net = sum((e.net for e in rows), ZERO)
    fte = sum((e.fte for e in rows), ZERO)
    found: list[Finding] = []
    if control.net is not None and control.net != net:
        found.append(
            Finding(
                Code.BASELINE_TOTAL_MISMATCH,
                f"{control.partner} states a total net baseline of {display(control.net)} but its rows add up to "
                f"{display(net)} (difference {display(control.net - net)})",
                control.where_net,
                control.net,
            )
        )
    if control.fte is not None and control.fte != fte:
        found.append(
            Finding(
                Code.FTE_TOTAL_MISMATCH,
                f"{control.partner} states a total of {display(control.fte)} FTE but its rows add up to "
                f"{display(fte)} (difference {display(control.fte - fte)})",
                control.where_fte,
                control.fte,
            )
        )
    return tuple(found)


def fixed_percentage_findings(service: str, option: ParticipationOption) -> tuple[Finding, ...]:
    """Fixed percentages: one for each participant and no one else, none negative, adding up to 100."""
    rule = option.rule
    if rule.method is not Method.FIXED:
        return ()
    where = rule.where if str(rule.where) else option.where
    label = f"{service} ({option.name})"
    given = rule.percentages
    participants = option.partners
    found: list[Finding] = []
    missing = [p for p in participants if p not in given]
    if missing:
        found.append(Finding(Code.PERCENT_MISSING, f"{label}: no percentage for {', '.join(missing)}", where))
    extra = [p for p in given if p not in participants]
    if extra:
        found.append(
            Finding(
                Code.PERCENT_NOT_PARTICIPANT,
                f"{label}: a percentage is given for {', '.join(extra)}, who does not participate under this option",
                where,
            )
        )
    negative = [p for p, v in given.items() if v < 0]
    if negative:
        found.append(Finding(Code.PERCENT_NEGATIVE, f"{label}: negative percentage for {', '.join(negative)}", where))
    total = sum(given.values(), ZERO)
    if total != 100:
        found.append(Finding(Code.PERCENT_SUM, f"{label}: percentages add up to {total}, not 100", where, str(total)))
    return tuple(found)


def return_findings(submission: PartnerReturn) -> tuple[Finding, ...]:
    """Every single-file rule over a partner return: its baseline rows, its stated totals, targets and recharges."""
    found, _ = baseline_findings(submission.baseline)
    if submission.control_total is not None:
        found += control_total_findings(submission.control_total, submission.baseline)
    found += target_row_findings(submission.targets)  # a target given twice for a year (jwmodel.claims)
    found += recharge_row_findings(submission.recharges)  # jwmodel.recharges: itself, years, twice for a year
    year = submission.cover.financial_year  # the baseline's year: its charges are what it pays then
    return found + (charges_findings(submission.baseline, submission.recharges, year) if year else ())


def minimum_percent_findings(service: str, option: ParticipationOption) -> tuple[Finding, ...]:
    """A computed split's minimum %: 0 or more, and room for every participant to get it (n x minimum <= 100)."""
    rule = option.rule
    if rule.method not in (Method.BASELINE, Method.BASELINE_FTE, Method.DRIVER):
        return ()
    most = 100 // max(len(option.partners), 1)
    if 0 <= rule.minimum_percent <= most:
        return ()
    where = rule.where if str(rule.where) else option.where
    message = (
        f"{service} ({option.name}): the minimum % is {rule.minimum_percent}; give a whole number from 0 to {most} "
        f"(each of the {len(option.partners)} partners taking part gets at least the minimum)"
    )
    return (Finding(Code.MINIMUM_PERCENT_RANGE, message, where, rule.minimum_percent),)


def proposal_findings(submission: WorkstreamProposal) -> tuple[Finding, ...]:
    """Every single-file rule over a workstream proposal: its options' percentages and its lines."""
    found: list[Finding] = []
    for option in submission.service.options:
        found.extend(fixed_percentage_findings(submission.service.name, option))
        found.extend(minimum_percent_findings(submission.service.name, option))
    for line in (*submission.saving_lines, *submission.one_off_costs):
        found.extend(line_findings(line))
    found.extend(duplicate_id_findings((*submission.saving_lines, *submission.one_off_costs)))
    return tuple(found)


def submission_findings(submission: PartnerReturn | WorkstreamProposal) -> tuple[Finding, ...]:
    """Every single-file rule over one submission (what ``jwmodel check`` adds after reading the cells)."""
    if isinstance(submission, PartnerReturn):
        return return_findings(submission)
    return proposal_findings(submission)
