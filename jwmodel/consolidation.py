"""Consolidation: the programme's figures totalled, apportioned between partners and checked.

``consolidate`` is a pure function from a ``Programme`` (and the participation options chosen)
to a ``Consolidation``: the Appendix A table, one-off costs, the apportionment table, each
partner's share of every line, the baseline with its control totals, and every finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from jwmodel.apportionment import Shares, describe_shares, line_shares, option_shares
from jwmodel.claims import target_findings
from jwmodel.codes import Code
from jwmodel.conditions import unknown_names
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.identity import programme_id_findings
from jwmodel.model import (
    ZERO,
    ApportionmentRule,
    BaselineEntry,
    Category,
    FrozenMap,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Programme,
    Range,
    SavingLine,
    ServiceArea,
    frozen_map,
)
from jwmodel.money import MoneyError, allocate, display
from jwmodel.participation import Step, timeline
from jwmodel.phasing import Profile, default_plan
from jwmodel.recharges import Recharges, reconcile
from jwmodel.rules import baseline_findings, control_total_findings, has_error, line_findings

__all__ = [
    "LineKind",
    "ServiceTotals",
    "ApportionmentRow",
    "LineShare",
    "LinePhase",
    "line_applies",
    "own_rule",
    "own_split_row",
    "PartnerBaseline",
    "PartnerTotals",
    "Consolidation",
    "consolidate",
    "split_range",
]


class LineKind(StrEnum):
    """What a line of the consolidation is: a recurring saving (or cost) line, or a one-off cost."""

    SAVING = "saving"
    ONE_OFF = "one-off"


@dataclass(frozen=True, slots=True)
class ServiceTotals:
    """One row of Appendix A (and its one-off costs); ``recurring`` = cashable + procurement."""

    service: str
    cashable: Range = Range()
    procurement: Range = Range()
    non_cashable: Range = Range()
    one_off: Range = Range()

    @property
    def recurring(self) -> Range:
        return self.cashable + self.procurement

    def __add__(self, other: ServiceTotals) -> ServiceTotals:
        return ServiceTotals(
            self.service,
            self.cashable + other.cashable,
            self.procurement + other.procurement,
            self.non_cashable + other.non_cashable,
            self.one_off + other.one_off,
        )


@dataclass(frozen=True, slots=True)
class ApportionmentRow:
    service: str
    option: str
    partners: tuple[str, ...]
    in_use: bool
    default: bool
    method: Method
    shares: Mapping[str, Decimal] | None
    driver: str = ""
    sole_bearer: str = ""
    basis: str = ""  # where driver values come from, e.g. "ILLUSTRATIVE ASSUMPTION..."; a line's own split: which line
    from_year: str = ""  # the plan year the option starts in ('' : every year)
    before: str = ""  # the option in force before then ('' : the default)
    line: str = ""  # a line's own split: the line (its ID, else its description); the row is its rule, not the option's

    def __post_init__(self) -> None:
        object.__setattr__(self, "partners", tuple(self.partners))
        if self.shares is not None:
            object.__setattr__(self, "shares", frozen_map(self.shares))


@dataclass(frozen=True, slots=True)
class LinePhase:
    """A line under one option of its service area's timeline: whether it applies then, and its split then."""

    option: str
    applies: bool
    percentages: Mapping[str, Decimal] | None = None

    def __post_init__(self) -> None:
        if self.percentages is not None:
            object.__setattr__(self, "percentages", frozen_map(self.percentages))


@dataclass(frozen=True, slots=True)
class LineShare:
    """A saving line or one-off cost with each partner's share of its low and high figures.

    ``included`` is False where the line does not count (its condition is not met, or it has an
    error); ``apportioned`` is False where it counts but there is no rule to split it by.
    """

    kind: LineKind
    service: str
    description: str
    category: Category | OneOffType  # a saving line's category, or a one-off cost's type
    estimate: Range
    shares: Mapping[str, Range]
    basis: str
    included: bool = True
    apportioned: bool = True
    where: Location = NOWHERE
    profile: Profile | None = None
    percentages: Mapping[str, Decimal] | None = None  # the split applied (for phasing by partner)
    line_id: str = ""  # the line's stable ID (jwmodel.identity)
    phases: tuple[LinePhase, ...] = ()  # by option in force, where its service's options change over the plan

    def under(self, option: str) -> tuple[bool, Mapping[str, Decimal] | None]:
        """Whether the line counts in a year ``option`` is in force, and its split then (None: not split): its phase
        for that option where its service's options change over the plan, else as consolidated under the option in
        use. The one answer the appraisal, the true-up, the tracker and targets' coverage ask year by year."""
        if not self.phases:
            return self.included, self.percentages
        phase = next((p for p in self.phases if p.option == option), None)
        return (phase.applies, phase.percentages) if phase is not None else (False, None)

    @property
    def counts_in_some_year(self) -> bool:
        """Counted in the appraisal in at least one year: included, or applying under an option in force earlier."""
        return self.included or any(p.applies for p in self.phases)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LineKind(self.kind))
        kind = OneOffType if self.kind is LineKind.ONE_OFF else Category
        object.__setattr__(self, "category", kind(self.category))
        object.__setattr__(self, "shares", frozen_map(self.shares))
        if self.percentages is not None:
            object.__setattr__(self, "percentages", frozen_map(self.percentages))


@dataclass(frozen=True, slots=True)
class PartnerBaseline:
    partner: str
    name: str
    net: Decimal
    fte: Decimal
    stated_net: Decimal | None
    stated_fte: Decimal | None


@dataclass(frozen=True, slots=True)
class PartnerTotals:
    partner: str
    recurring: Range = Range()
    non_cashable: Range = Range()
    one_off: Range = Range()


@dataclass(frozen=True, slots=True)
class Consolidation:
    partners: tuple[str, ...]
    services: tuple[ServiceTotals, ...]
    total: ServiceTotals
    apportionment: tuple[ApportionmentRow, ...]
    lines: tuple[LineShare, ...]
    by_partner: tuple[PartnerTotals, ...]
    baseline: tuple[PartnerBaseline, ...]
    options_in_use: Mapping[str, str]
    baseline_entries: tuple[BaselineEntry, ...] = ()
    findings: tuple[Finding, ...] = field(default=())
    shares_by_service: Mapping[tuple[str, str, str], Range] = field(
        default_factory=FrozenMap, compare=False, repr=False
    )
    recharges: Recharges | None = None  # matched, eliminated and scheduled over the plan's years (jwmodel.recharges)
    timelines: Mapping[str, tuple[Step, ...]] = field(default_factory=FrozenMap)  # services whose option changes

    def __post_init__(self) -> None:
        for name in ("partners", "services", "apportionment", "lines", "by_partner", "baseline", "baseline_entries"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "findings", tuple(self.findings))
        object.__setattr__(self, "options_in_use", frozen_map(self.options_in_use))
        object.__setattr__(self, "shares_by_service", frozen_map(self.shares_by_service))
        object.__setattr__(self, "timelines", frozen_map(self.timelines))

    def participates(self, partner: str) -> bool:
        """Whether the partner takes a share of some counted line, in some year (participation over time)."""
        for line in self.lines:
            if line.included and partner in line.shares:
                return True
            if any(p.applies and p.percentages and partner in p.percentages for p in line.phases):
                return True
        return False

    def partner_service(self, partner: str, service: str, kind: str = "saving") -> Range:
        """A partner's share of one service's included lines of a kind ('saving' counts recurring only)."""
        return self.shares_by_service.get((partner, service, kind), Range())


def _index(lines: Sequence[LineShare]) -> dict[tuple[str, str, str], Range]:
    """Each partner's share by (partner, service, kind), built once: the tables ask for every cell."""
    sums: dict[tuple[str, str, str], list[Decimal]] = {}  # low and high added apart: no Range made a line
    for line in lines:
        if not line.included or (line.kind is LineKind.SAVING and line.category is Category.NON_CASHABLE):
            continue
        for partner, share in line.shares.items():
            key = (partner, line.service, line.kind)
            pair = sums.get(key)
            if pair is None:
                sums[key] = [ZERO + share.low, ZERO + share.high]
            else:
                pair[0] += share.low
                pair[1] += share.high
    return {key: Range(low, high) for key, (low, high) in sums.items()}


def split_range(estimate: Range, percentages: Mapping[str, Decimal]) -> dict[str, Range]:
    """Split a low/high range by percentages: exact at £1 for each bound, and ordered as the whole.

    Each bound is split by largest remainder. Largest remainder can, rarely, give a partner £1
    more of the smaller bound than of the larger (the Alabama paradox); then the high shares are
    taken as the low shares less a split of the gap, which keeps every partner's range running the
    same way as the whole range, with both bounds still exact.
    """
    low = allocate(estimate.low, percentages)
    high = allocate(estimate.high, percentages)
    descending = estimate.low >= estimate.high
    if any((low[p] < high[p]) if descending else (low[p] > high[p]) for p in percentages):
        gap = allocate(estimate.low - estimate.high, percentages)
        high = {p: low[p] - gap[p] for p in percentages}
    return {p: Range(low[p], high[p]) for p in percentages}


def consolidate(
    programme: Programme,
    *,
    options: Mapping[str, str] | None = None,
    plan: Sequence[str] = (),
    baseline_year: str = "",
) -> Consolidation:
    """Consolidate a programme under the chosen participation options (default where not chosen).

    Args:
        programme: everything read from the partner returns and workstream proposals.
        options: service area name -> participation option name; the name "*" chooses an option
            for every service area that has an option of that name.
        plan: the plan's financial years, for the recharges' schedule (default: ``phasing.default_plan`` from
            ``baseline_year``, as the service layer's appraisal settings default them).
        baseline_year: the year the baselines are for (the returns' financial year; default: the plan's first).

    Returns:
        The consolidated figures and every finding (reading findings first).
    """
    findings: list[Finding] = list(programme.findings)
    findings.extend(programme_id_findings(programme))  # lines' IDs (jwmodel.identity)
    findings.extend(target_findings(programme))  # targets and double counting (jwmodel.claims)
    chosen = _options_chosen(programme, options or {}, findings)
    in_use = {
        service.name: _chosen_option(service, chosen.get(service.name), findings) for service in programme.services
    }
    timelines = _timelines(programme, in_use, findings)
    found, counted = baseline_findings(programme.baseline)  # the single-file rules, as check runs them
    findings.extend(found)
    programme = replace(programme, baseline=counted)  # a baseline row with an error is not counted

    apportionment, shares_in_use, in_force = _apportionment_table(programme, in_use, findings, timelines)
    _check_partner_codes(programme, set(programme.partner_codes), findings)
    lines = [
        _line(programme, line, in_use.get(line.service), timelines, in_force, shares_in_use, apportionment, findings)
        for line in (*programme.saving_lines, *programme.one_off_costs)
    ]
    services = _services_totals(_service_names(programme, lines, findings), lines)
    total = sum(services, ServiceTotals("Total"))
    recharges = _recharges(programme, in_use, timelines, tuple(plan) or default_plan(baseline_year), baseline_year)
    findings.extend(recharges.findings if recharges is not None else ())
    return Consolidation(
        partners=programme.partner_codes,
        services=services,
        total=ServiceTotals("Total", total.cashable, total.procurement, total.non_cashable, total.one_off),
        apportionment=tuple(apportionment),
        lines=tuple(lines),
        by_partner=_partners_totals(programme.partner_codes, lines),
        baseline=_baseline(programme, findings),
        options_in_use={name: o.name for name, o in in_use.items() if o is not None},
        baseline_entries=programme.baseline,
        findings=_once(findings),
        shares_by_service=_index(lines),
        recharges=recharges,
        timelines=timelines,
    )


def _recharges(
    programme: Programme,
    in_use: Mapping[str, ParticipationOption | None],
    timelines: Mapping[str, Sequence[Step]],
    plan: Sequence[str],
    baseline_year: str,
) -> Recharges | None:
    """The returns' recharges matched, eliminated and scheduled (``jwmodel.recharges``) over the baseline rows that
    count and the options in force year by year; None where no return states one."""
    if not programme.recharges:
        return None
    names = {name: o.name for name, o in in_use.items() if o is not None}
    return reconcile(programme, names, plan, baseline_year, timelines)


def _timelines(
    programme: Programme, in_use: Mapping[str, ParticipationOption | None], findings: list[Finding]
) -> dict[str, tuple[Step, ...]]:
    """The steps of options in force, for each service area whose option in use starts in a year."""
    timelines: dict[str, tuple[Step, ...]] = {}
    for service in programme.services:
        option = in_use.get(service.name)
        for other in service.options:  # an option not in use whose chain cannot be followed: a warning, as a split
            if other is not option and other.from_year:
                findings.extend(
                    Finding(Code.OPTION_UNUSABLE, f"{f.message} ({f.code} if this option is chosen)", f.where)
                    for f in timeline(service, other)[1]
                )
        if option is None or not option.from_year:
            continue
        steps, found = timeline(service, option)
        findings.extend(found)
        if len(steps) > 1:
            timelines[service.name] = steps
    return timelines


def _phases(
    line: SavingLine | OneOffCost,
    steps: Sequence[Step],
    programme: Programme,
    in_force: Mapping[tuple[str, str], Mapping[str, Decimal] | None],
    findings: list[Finding],
) -> tuple[LinePhase, ...]:
    """The line under each option of its service's timeline (none where the option does not change).

    A line that counts under an option in force before the option in use, which gives no split, is reported as
    not apportioned in those years (under the option in use, ``_line_share`` reports it).
    """
    service = programme.service(line.service)
    if not steps or service is None:
        return ()
    phases = []
    for name in dict.fromkeys(step.option for step in steps):
        option = service.option(name)
        if line.own_rule is None:
            basis, percentages = _basis(line.service, option, {line.service: in_force.get((line.service, name))})
        else:
            basis, shares = _own_split(programme, line, option)
            percentages = shares.percentages
            findings.extend(shares.findings)
        applies = line_applies(line, option)
        if applies and percentages is None and name != steps[-1].option and line.estimate != Range():
            message = (
                f"{line.service}: '{line.description}': in the years '{name}' is in force it cannot be split between "
                f"partners ({basis}); it is in the service's flows those years but in no partner's share"
            )
            findings.append(Finding(Code.NOT_APPORTIONED, message, line.where))
        phases.append(LinePhase(name, applies, percentages))
    return tuple(phases)


def own_rule(programme: Programme, line: LineShare) -> ApportionmentRule | None:
    """The own rule a consolidated line is split by (its Own split), from the programme's line; None where it is
    split by its service's option or borne by the partner its Sole bearer column names (not a split to revisit)."""
    if not line.basis.startswith("own rule"):
        return None
    source = programme.saving_lines if line.kind is LineKind.SAVING else programme.one_off_costs
    key = (line.service, line.line_id, line.description)
    found = next((x for x in source if (x.service, x.line_id, x.description) == key), None)
    return found.rule if found is not None else None


def line_applies(line: SavingLine | OneOffCost, option: ParticipationOption | None) -> bool:
    """Whether a line counts under ``option`` (the participation option in use for its service area).

    The one predicate: a line with no condition always counts; a line with a condition counts only when
    it holds under the option (and never where the service area has no option in use). A pure function
    of the line and the option, so it can be asked once per option a service area has over time.
    """
    if line.condition is None:
        return True
    return option is not None and line.condition.holds(option)


def _line(
    programme: Programme,
    line: SavingLine | OneOffCost,
    option: ParticipationOption | None,
    timelines: Mapping[str, Sequence[Step]],
    in_force: Mapping[tuple[str, str], Mapping[str, Decimal] | None],
    shares_in_use: Mapping[str, Mapping[str, Decimal] | None],
    apportionment: list[ApportionmentRow],
    findings: list[Finding],
) -> LineShare:
    """One line: whether it counts under ``option`` (the one in use), its split, and its phases over time."""
    phases = _phases(line, timelines.get(line.service, ()), programme, in_force, findings)
    included = _included(programme, line, option, findings, phases)
    if line.own_rule is None:
        basis = _basis(line.service, option, shares_in_use)
    else:  # not worked out (nor shown in the apportionment) for a line that does not count
        basis = _own_basis(programme, line, option if included else None, findings, apportionment)
    return _line_share(line, *basis, included, findings, phases)


def _options_chosen(programme: Programme, options: Mapping[str, str], findings: list[Finding]) -> dict[str, str]:
    """Service area -> option chosen, with "*" spread to every service area that has that option."""
    chosen = dict(options)
    wildcard = chosen.pop("*", None)
    if wildcard is not None:
        for service in programme.services:
            if service.name not in chosen and service.option(wildcard) is not None:
                chosen[service.name] = wildcard
        if not any(s.option(wildcard) for s in programme.services):
            message = f"no service area has a participation option '{wildcard}'; the defaults are used"
            findings.append(Finding(Code.OPTION_UNKNOWN, message))
    names = ", ".join(s.name for s in programme.services)
    for service in chosen:
        if programme.service(service) is None:
            message = f"an option was chosen for '{service}', which is not a service area; service areas are: {names}"
            findings.append(Finding(Code.OPTION_SERVICE_UNKNOWN, message))
    return chosen


def _included(
    programme: Programme,
    line: SavingLine | OneOffCost,
    option: ParticipationOption | None,
    findings: list[Finding],
    phases: Sequence[LinePhase] = (),
) -> bool:
    """Whether the line counts under the option in use, reporting why not: a condition naming what does not
    exist, or not holding (and where it holds under an option in force in earlier years, that it counts then)."""
    if line.condition is None:
        return True
    label = f"{line.service}: '{line.description}'"
    service = programme.service(line.service)
    options = tuple(o.name for o in service.options) if service is not None else ()
    unknown = unknown_names(line.condition, (), options, label, line.where)  # partners: PARTNER_NO_RETURN
    if unknown:
        findings.extend(unknown)
        return False
    if line_applies(line, option):
        return True
    under = f"under option '{option.name if option else 'none'}' it does not hold, so the line is not counted"
    earlier = [p.option for p in phases if p.applies]
    if earlier:
        under += " in Appendix A, only in the appraisal's years when " + " or ".join(f"'{o}'" for o in earlier)
        under += " is in force"
    findings.append(
        Finding(Code.LINE_CONDITION_NOT_MET, f"{label}: 'Applies if' is '{line.condition}'; {under}", line.where)
    )
    return False


def _service_names(programme: Programme, lines: Sequence[LineShare], findings: list[Finding]) -> list[str]:
    """The programme's service areas in order, then any a line names that no proposal defines (reported)."""
    names = [s.name for s in programme.services]
    for line in lines:
        if line.service not in names:
            names.append(line.service)
            message = f"'{line.service}' has figures but no workstream proposal defines it"
            findings.append(Finding(Code.SERVICE_NO_PROPOSAL, message, line.where))
    return names


def _once(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Each finding once, in order: a rule's finding already reported when the file was read is not repeated."""
    seen: set[tuple[str, str, Location, str]] = set()
    kept = []
    for f in findings:
        key = (f.code, f.message, f.where, repr(f.value))  # a value may be any cell content, hashable or not
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return tuple(kept)


def _chosen_option(service: ServiceArea, chosen: str | None, findings: list[Finding]) -> ParticipationOption | None:
    names = ", ".join(f"'{o.name}'" for o in service.options) or "none"
    if chosen is not None:
        option = service.option(chosen)
        if option is None:
            findings.append(
                Finding(
                    Code.OPTION_UNKNOWN,
                    f"{service.name}: there is no participation option '{chosen}'; options are {names}; the default "
                    "is used",
                    service.where,
                )
            )
        else:
            return option
    option = service.option()
    if option is None and service.options:
        findings.append(
            Finding(
                Code.OPTION_NO_DEFAULT,
                f"{service.name}: {len(service.options)} participation options ({names}) and not exactly one marked "
                "default; mark one as default or choose one with --option",
                service.where,
            )
        )
    if not service.options:
        findings.append(
            Finding(
                Code.OPTION_NONE,
                f"{service.name}: the proposal gives no participation option, so nothing in it can be apportioned",
                service.where,
            )
        )
    return option


def _apportionment_table(
    programme: Programme,
    in_use: Mapping[str, ParticipationOption | None],
    findings: list[Finding],
    timelines: Mapping[str, Sequence[Step]],
) -> tuple[
    list[ApportionmentRow],
    dict[str, Mapping[str, Decimal] | None],
    dict[tuple[str, str], Mapping[str, Decimal] | None],
]:
    """Every option's row; the shares of the option in use by service; the shares of every option in force."""
    rows: list[ApportionmentRow] = []
    shares_in_use: dict[str, Mapping[str, Decimal] | None] = {}
    in_force: dict[tuple[str, str], Mapping[str, Decimal] | None] = {}
    for service in programme.services:
        forced = {step.option for step in timelines.get(service.name, ())}
        for option in service.options:
            used = in_use.get(service.name) is option
            shares = option_shares(
                service.name,
                option,
                baseline=programme.baseline,
                drivers=programme.drivers,
                in_use=used or option.name in forced,  # an option in force in some year is used: its errors count
            )
            findings.extend(shares.findings)
            rule = option.rule
            rows.append(
                ApportionmentRow(
                    service.name,
                    option.name,
                    option.partners,
                    used,
                    option.default,
                    rule.method,
                    shares.percentages,
                    rule.driver,
                    rule.sole_bearer,
                    _driver_basis(programme, service.name, option),
                    option.from_year or "",
                    option.before or "",
                )
            )
            if used:
                shares_in_use[service.name] = shares.percentages
            if used or option.name in forced:
                in_force[(service.name, option.name)] = shares.percentages
    return rows, shares_in_use, in_force


def _driver_basis(programme: Programme, service: str, option: ParticipationOption) -> str:
    """Where a driver split's values come from: the drivers' notes (each once), or '' for another rule."""
    rule = option.rule
    if rule.method is not Method.DRIVER:
        return ""
    notes = (d.note for d in programme.drivers if d.service == service and d.driver == rule.driver and d.note)
    return "; ".join(dict.fromkeys(notes))


def _basis(
    service: str,
    option: ParticipationOption | None,
    shares_in_use: Mapping[str, Mapping[str, Decimal] | None],
) -> tuple[str, Mapping[str, Decimal] | None]:
    """How a line with no rule of its own is split: the service's option in use."""
    if option is None:
        return "no participation option", None
    percentages = shares_in_use.get(service)
    method = option.rule.method
    if percentages is None:
        return (method.value if method is not Method.NONE else "no joint costs or savings"), None
    detail = {
        Method.DRIVER: f"driver: {option.rule.driver}",
        Method.SOLE_BEARER: f"sole bearer {option.rule.sole_bearer}",
    }.get(method, method.value)
    return f"{option.name}: {detail}", percentages


def _own_basis(
    programme: Programme,
    line: SavingLine | OneOffCost,
    option: ParticipationOption | None,
    findings: list[Finding],
    apportionment: list[ApportionmentRow],
) -> tuple[str, Mapping[str, Decimal] | None]:
    """How a line with its own rule is split under the option in use, shown in the apportionment."""
    basis, shares = _own_split(programme, line, option)
    findings.extend(shares.findings)
    rule = line.own_rule
    assert rule is not None
    if option is None or (rule.method is Method.SOLE_BEARER and line.rule is None):
        return basis, shares.percentages
    apportionment.append(own_split_row(option, rule, line, shares.percentages))
    return basis, shares.percentages


def own_split_row(
    option: ParticipationOption,
    rule: ApportionmentRule,
    line: SavingLine | OneOffCost | LineShare,
    split: Mapping[str, Decimal] | None,
) -> ApportionmentRow:
    """A line's own split under the option in force, as the apportionment shows it (``ApportionmentRow.line``:
    the line's ID, else its description)."""
    return ApportionmentRow(
        line.service,
        option.name,
        option.partners,
        True,
        option.default,
        rule.method,
        split,
        rule.driver,
        rule.sole_bearer,
        f"own split of '{line.description}'" + (f" ({line.line_id})" if line.line_id else ""),
        line=line.line_id or line.description or "(no ID or description)",
    )


def _own_split(
    programme: Programme, line: SavingLine | OneOffCost, option: ParticipationOption | None
) -> tuple[str, Shares]:
    """A line's own rule under an option: a sole bearer bears it all (whatever the service's rule); another rule
    is applied among the option's participants. None where there is no option (or the line does not count)."""
    rule = line.own_rule
    assert rule is not None
    if rule.method is Method.SOLE_BEARER and line.rule is None:  # the Sole bearer column, as always
        return f"sole bearer {rule.sole_bearer}", Shares({rule.sole_bearer: Decimal(100)})
    detail = {
        Method.DRIVER: f"driver: {rule.driver}",
        Method.SOLE_BEARER: f"sole bearer {rule.sole_bearer}",
    }.get(rule.method, rule.method.value)
    if option is None:
        return f"own rule: {detail}", Shares(None)
    shares = line_shares(
        line.service,
        line.description,
        option,
        rule,
        baseline=programme.baseline,
        drivers=programme.drivers,
        where=line.where,
    )
    split = describe_shares(shares.percentages)
    return f"own rule: {detail}" + (f" {split}" if split else ""), shares


def _line_share(
    line: SavingLine | OneOffCost,
    basis: str,
    percentages: Mapping[str, Decimal] | None,
    included: bool,
    findings: list[Finding],
    phases: tuple[LinePhase, ...] = (),
) -> LineShare:
    saving = isinstance(line, SavingLine)
    share = _LineBuilder(
        LineKind.SAVING if saving else LineKind.ONE_OFF,
        line.service,
        line.description,
        line.category if isinstance(line, SavingLine) else line.type,
        line.estimate,
        basis,
        line.where,
        line.profile,
        line.line_id,
        phases,
    )
    found = line_findings(line)  # the single-file rules, as check runs them: an error and it is not counted
    findings.extend(found)
    if has_error(found):
        return replace(share.make({}, included=False, apportioned=False), phases=())
    if not included:
        return share.make({}, included=False, apportioned=False)
    estimate = line.estimate
    if estimate == Range():
        return share.make({})
    label = f"{line.service}: '{line.description}'"
    if percentages is None:
        findings.append(
            Finding(
                Code.NOT_APPORTIONED,
                f"{label}: {display(estimate.low)}/{display(estimate.high)} cannot be split between partners: "
                f"{basis}; it is in the service totals but in no partner's share",
                line.where,
            )
        )
        return share.make({}, apportioned=False)
    try:
        shares = split_range(estimate, percentages)
    except MoneyError as exc:  # pragma: no cover - percentages were checked when computed
        findings.append(Finding(Code.NOT_APPORTIONED, f"{label}: {exc}", line.where))
        return share.make({}, apportioned=False)
    return share.make(shares, percentages=percentages)


@dataclass(frozen=True, slots=True)
class _LineBuilder:
    kind: LineKind
    service: str
    description: str
    category: Category | OneOffType
    estimate: Range
    basis: str
    where: Location
    profile: Profile | None
    line_id: str = ""
    phases: tuple[LinePhase, ...] = ()

    def make(
        self,
        shares: Mapping[str, Range],
        *,
        included: bool = True,
        apportioned: bool = True,
        percentages: Mapping[str, Decimal] | None = None,
    ) -> LineShare:
        return LineShare(
            self.kind,
            self.service,
            self.description,
            self.category,
            self.estimate,
            shares,
            self.basis,
            included,
            apportioned,
            self.where,
            self.profile,
            percentages,
            self.line_id,
            self.phases,
        )


def _services_totals(names: Sequence[str], lines: Sequence[LineShare]) -> tuple[ServiceTotals, ...]:
    """Each service's Appendix A row: its included lines' figures by column, in one pass over the lines."""
    columns = {name: dict.fromkeys(("cashable", "procurement", "non_cashable", "one_off"), Range()) for name in names}
    for line in lines:
        if not line.included or line.service not in columns:
            continue
        column = "one_off" if line.kind is LineKind.ONE_OFF else Category(line.category).column
        totals = columns[line.service]
        totals[column] += line.estimate
    return tuple(ServiceTotals(name, **columns[name]) for name in names)


def _partners_totals(partners: Sequence[str], lines: Sequence[LineShare]) -> tuple[PartnerTotals, ...]:
    """Each partner's share of the included lines (recurring, non-cashable, one-off), in one pass."""
    sums = {p: [ZERO] * 6 for p in partners}  # low and high of each column, added apart
    for line in lines:
        if not line.included:
            continue
        if line.kind is LineKind.ONE_OFF:
            column = 4
        else:
            column = 2 if line.category is Category.NON_CASHABLE else 0
        for partner, share in line.shares.items():
            pair = sums.get(partner)
            if pair is not None:
                pair[column] += share.low
                pair[column + 1] += share.high
    return tuple(PartnerTotals(p, *(Range(sums[p][i], sums[p][i + 1]) for i in (0, 2, 4))) for p in partners)


def _check_partner_codes(programme: Programme, known: set[str], findings: list[Finding]) -> None:
    def check(code: str | None, what: str, where: Location) -> None:
        if code and code not in known:
            findings.append(
                Finding(
                    Code.PARTNER_NO_RETURN,
                    f"{what} names partner '{code}', but no partner return has that code; partners are "
                    f"{', '.join(sorted(known)) or 'none'}",
                    where,
                    code,
                )
            )

    for service in programme.services:
        for option in service.options:
            for code in option.partners:
                check(code, f"{service.name} option '{option.name}'", option.where)
    for line in (*programme.saving_lines, *programme.one_off_costs):
        check(line.sole_bearer, f"{line.service}: '{line.description}' (sole bearer)", line.where)
        for code in sorted(line.condition.partners) if line.condition is not None else ():
            check(code, f"{line.service}: '{line.description}' (condition)", line.where)
        for code in (*line.rule.percentages, line.rule.sole_bearer) if line.rule is not None else ():
            check(code, f"{line.service}: '{line.description}' (own split)", line.where)
    for driver in programme.drivers:
        check(driver.partner, f"{driver.service} driver '{driver.driver}'", driver.where)


def _baseline(programme: Programme, findings: list[Finding]) -> tuple[PartnerBaseline, ...]:
    """Each partner's baseline totals beside its stated ones (the rules were run when it was read)."""
    services = {s.name for s in programme.services}
    for service in sorted({e.service for e in programme.baseline} - services):
        findings.append(
            Finding(
                Code.BASELINE_NO_PROPOSAL,
                f"there is a baseline for '{service}' but no workstream proposal for it",
            )
        )
    stated = {c.partner: c for c in programme.control_totals}
    rows: list[PartnerBaseline] = []
    for partner in programme.partners:
        entries = [e for e in programme.baseline if e.partner == partner.code]
        control = stated.get(partner.code)
        rows.append(
            PartnerBaseline(
                partner.code,
                partner.name,
                sum((e.net for e in entries), ZERO),
                sum((e.fte for e in entries), ZERO),
                control.net if control else None,
                control.fte if control else None,
            )
        )
        if control is not None:
            findings.extend(control_total_findings(control, entries))
    return tuple(rows)
