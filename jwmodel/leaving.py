"""The leaver statement: what a partner leaving the partnership owes, and what the others' shares become.

The rule (docs/apportionment.md, "Leaving the partnership"): a partner leaving after a plan year owes
its share of the **shared one-off costs** incurred to the end of that year, less its share of the
**net recurring savings** delivered to then (savings less any recurring additional cost), where that
is positive; otherwise it owes nothing (and is owed nothing). Shares are the appraisal's own year by
year (``business_case.partner_flows``: each year split by the option then in force, exact to £1), with
no optimism bias. A line is shared when its split names two or more partners: a cost a partner bears
alone is its own. Every case is given; the central case is the headline.

The remaining partners' shares, service area by service area, are the rule of the option in force
after the leaver goes, re-applied without it: share of baseline (net cost or FTE) and driver splits are
recomputed over the partners who remain (``apportionment.option_shares``, the same minimum); fixed
percentages (and a sole bearer who leaves) need an option of the service area whose partners are
exactly those who remain, whose split is then used; without one the finding LEAVER_SHARES_UNDECIDED
says so. A line with its own split that counts under that option has its own rows (``RemainingShare.line``):
its own rule re-applied the same way (a line's own fixed split, or its own sole bearer leaving, is
undecided: no option's split is the line's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from jwmodel.apportionment import option_shares
from jwmodel.business_case import AppraisalSettings, options_by_year, partner_flows
from jwmodel.cases import Case
from jwmodel.codes import Code
from jwmodel.consolidation import Consolidation, LineShare, own_rule
from jwmodel.errors import JwmodelError
from jwmodel.findings import Finding
from jwmodel.model import ZERO, Method, ParticipationOption, Programme, ServiceArea, frozen_map

_NIL = Decimal("0.000")  # nothing owed, on the £1 grid

__all__ = ["LeavingError", "LeaverCase", "RemainingShare", "LeaverStatement", "leaver_statement", "shared_line"]


class LeavingError(JwmodelError, ValueError):
    """A leaver statement that cannot be asked for: a partner that is not one, a year outside the plan."""


@dataclass(frozen=True, slots=True)
class LeaverCase:
    """Under one case, to the end of the leaver's last year: its share of the shared one-off costs (a cost, positive),
    of the net recurring cost/(saving) (savings less additional costs: a saving negative), and what it owes: the
    sum of the two where it is positive (costs not yet recovered), else 0."""

    case: Case
    one_off_costs: Decimal
    net_recurring: Decimal
    owed: Decimal


@dataclass(frozen=True, slots=True)
class RemainingShare:
    """One partner's percentage of a service area's split with the leaver (``before``) and without (``after``)."""

    service: str
    option: str
    partner: str
    before: Decimal | None
    after: Decimal | None
    basis: str
    line: str = ""  # a line's own split: the line (its ID, else its description); blank: the option's split


@dataclass(frozen=True, slots=True)
class LeaverStatement:
    partner: str
    last_year: str
    years: tuple[str, ...]  # the plan's years to the end of the last year
    cases: tuple[LeaverCase, ...]
    shares: tuple[RemainingShare, ...]
    findings: tuple[Finding, ...] = ()

    def case(self, case: Case) -> LeaverCase:
        return next(c for c in self.cases if c.case is case)

    @property
    def owed(self) -> Decimal:
        """What the leaver owes under the central case."""
        return self.case(Case.CENTRAL).owed


def shared_line(line: LineShare) -> bool:
    """A line split between two or more partners in some year (a cost a partner bears alone is its own)."""
    splits = (line.percentages, *(phase.percentages for phase in line.phases))
    return any(split is not None and len(split) > 1 for split in splits)


def leaver_statement(
    programme: Programme, result: Consolidation, settings: AppraisalSettings, partner: str, last_year: str
) -> LeaverStatement:
    """The leaver statement of ``partner`` leaving at the end of ``last_year`` (a year of the plan).

    Raises:
        LeavingError: ``partner`` is not one of the programme's, or ``last_year`` is not a year of the plan.
    """
    plan = settings.plan
    if partner not in result.partners:
        raise LeavingError(f"'{partner}' is not a partner; partners are {', '.join(result.partners)}")
    if last_year not in plan:
        raise LeavingError(f"{last_year!r} is not a year of the plan ({', '.join(plan)})")
    count = plan.index(last_year) + 1
    cases = _cases(result, plan, partner, count)
    after = plan[min(count, len(plan) - 1)]  # the first year without the leaver (the last year if it leaves at the end)
    shares, findings = _remaining(programme, result, partner, options_by_year(result, plan), plan.index(after))
    return LeaverStatement(partner, last_year, plan[:count], cases, shares, findings)


def _cases(result: Consolidation, plan: Sequence[str], partner: str, count: int) -> tuple[LeaverCase, ...]:
    costs = partner_flows(result, tuple(plan), lambda line: line.kind == "one-off" and shared_line(line))
    savings = partner_flows(result, tuple(plan), lambda line: line.kind == "saving" and shared_line(line))
    found = []
    for case in Case:
        one_off = sum(costs[partner][case].costs[:count], ZERO)
        recurring = savings[partner][case]
        net = sum(recurring.savings[:count], ZERO) + sum(recurring.costs[:count], ZERO)
        found.append(LeaverCase(case, one_off, net, max(one_off + net, _NIL)))
    return tuple(found)


def _remaining(
    programme: Programme,
    result: Consolidation,
    partner: str,
    in_force: Mapping[str, Sequence[str]],
    year: int,
) -> tuple[tuple[RemainingShare, ...], tuple[Finding, ...]]:
    rows: list[RemainingShare] = []
    findings: list[Finding] = []
    for service in programme.services:
        names = in_force.get(service.name)
        option = service.option(names[year]) if names else None
        if option is None or partner not in option.partners:
            continue
        splits = [] if option.rule.method is Method.NONE else [("", option, _shares_of(result, service.name, option))]
        splits += _own_splits(programme, result, service.name, option)
        for line, rule_in_force, before in splits:
            after, basis, found = _without(programme, service, rule_in_force, partner, line)
            findings.extend(found)
            for code in option.partners:
                rows.append(
                    RemainingShare(
                        service.name,
                        option.name,
                        code,
                        before.get(code) if before else None,
                        (after.get(code, ZERO) if after is not None else None) if code != partner else ZERO,
                        basis,
                        line,
                    )
                )
    return tuple(rows), tuple(findings)


def _own_splits(
    programme: Programme, result: Consolidation, service: str, option: ParticipationOption
) -> list[tuple[str, ParticipationOption, Mapping[str, Decimal] | None]]:
    """Each line of the service with its own split that counts under ``option``: (the line, the option with the
    line's rule, its split under the option)."""
    found = []
    for line in result.lines:
        rule = own_rule(programme, line) if line.service == service else None
        applies, split = line.under(option.name) if rule is not None else (False, None)
        if rule is not None and applies and split is not None:
            found.append((line.line_id or line.description, replace(option, rule=rule), split))
    return found


def _shares_of(result: Consolidation, service: str, option: ParticipationOption) -> Mapping[str, Decimal] | None:
    row = next((r for r in result.apportionment if (r.service, r.option, r.line) == (service, option.name, "")), None)
    return row.shares if row is not None else None


def _without(
    programme: Programme, service: ServiceArea, option: ParticipationOption, partner: str, line: str = ""
) -> tuple[Mapping[str, Decimal] | None, str, tuple[Finding, ...]]:
    """The split without ``partner``: (percentages or None, how they were found, findings). ``option`` holds the
    rule re-applied: its own, or (``line``) a line's own split."""
    remaining = tuple(p for p in option.partners if p != partner)
    rule = option.rule
    if rule.method in (Method.BASELINE, Method.BASELINE_FTE, Method.DRIVER):
        smaller = replace(option, name=f"{option.name} without {partner}", partners=remaining)
        shares = option_shares(service.name, smaller, baseline=programme.baseline, drivers=programme.drivers)
        how = f"driver: {rule.driver}" if rule.method is Method.DRIVER else rule.method.value
        return shares.percentages, f"{how}, recomputed without {partner}", shares.findings
    if rule.method is Method.SOLE_BEARER and rule.sole_bearer != partner:
        return frozen_map({rule.sole_bearer: Decimal(100)}), f"sole bearer {rule.sole_bearer}, unchanged", ()
    named = next((o for o in service.options if set(o.partners) == set(remaining) and o is not option), None)
    if named is not None and not line:
        shares = option_shares(service.name, named, baseline=programme.baseline, drivers=programme.drivers)
        return shares.percentages, f"option '{named.name}', which names the partners who remain", shares.findings
    what = "fixed percentages" if rule.method is Method.FIXED else f"sole bearer {partner}"
    if line:
        message = (
            f"{service.name}: line {line}'s own split is by {what}, so the shares of {', '.join(remaining)} without "
            f"{partner} cannot be worked out; agree them and give the line its new split"
        )
    else:
        message = (
            f"{service.name}: option '{option.name}' splits by {what}, so the shares of {', '.join(remaining)} "
            f"without {partner} cannot be worked out; add an option naming exactly {', '.join(remaining)} with their "
            "split"
        )
    return None, "undecided: see the findings", (Finding(Code.LEAVER_SHARES_UNDECIDED, message, option.where),)
