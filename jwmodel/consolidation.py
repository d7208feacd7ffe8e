"""Consolidation: the programme's figures totalled, apportioned between partners and checked.

``consolidate`` is a pure function from a ``Programme`` (and the participation options chosen)
to a ``Consolidation``: the Appendix A table, one-off costs, the apportionment table, each
partner's share of every line, the baseline with its control totals, and every finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwmodel.apportionment import option_shares
from jwmodel.findings import NOWHERE, Finding, Location, Severity
from jwmodel.model import (
    ZERO,
    BaselineEntry,
    Category,
    Method,
    ParticipationOption,
    Programme,
    Range,
    ServiceArea,
)
from jwmodel.money import POUND, MoneyError, allocate, display
from jwmodel.phasing import Profile

__all__ = [
    "ServiceTotals",
    "ApportionmentRow",
    "LineShare",
    "PartnerBaseline",
    "PartnerTotals",
    "Consolidation",
    "consolidate",
    "split_range",
]


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
    basis: str = ""  # where driver values come from, e.g. "ILLUSTRATIVE ASSUMPTION..."


@dataclass(frozen=True, slots=True)
class LineShare:
    """A saving line or one-off cost with each partner's share of its low and high figures.

    ``included`` is False where the line does not count (its condition is not met, or it has an
    error); ``apportioned`` is False where it counts but there is no rule to split it by.
    """

    kind: str  # "saving" or "one-off"
    service: str
    description: str
    category: str
    estimate: Range
    shares: Mapping[str, Range]
    basis: str
    included: bool = True
    apportioned: bool = True
    where: Location = NOWHERE
    profile: Profile | None = None
    percentages: Mapping[str, Decimal] | None = None  # the split applied (for phasing by partner)


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
    shares_by_service: Mapping[tuple[str, str, str], Range] = field(default_factory=dict, compare=False, repr=False)

    def partner_service(self, partner: str, service: str, kind: str = "saving") -> Range:
        """A partner's share of one service's included lines of a kind ('saving' counts recurring only)."""
        return self.shares_by_service.get((partner, service, kind), Range())


def _index(lines: Sequence[LineShare]) -> dict[tuple[str, str, str], Range]:
    """Each partner's share by (partner, service, kind), built once: the tables ask for every cell."""
    index: dict[tuple[str, str, str], Range] = {}
    for line in lines:
        if not line.included or (line.kind == "saving" and line.category == Category.NON_CASHABLE.value):
            continue
        for partner, share in line.shares.items():
            key = (partner, line.service, line.kind)
            index[key] = index.get(key, Range()) + share
    return index


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


def _on_grid(value: Decimal) -> bool:
    return value == value.quantize(POUND)


def consolidate(programme: Programme, *, options: Mapping[str, str] | None = None) -> Consolidation:
    """Consolidate a programme under the chosen participation options (default where not chosen).

    Args:
        programme: everything read from the partner returns and workstream proposals.
        options: service area name -> participation option name; the name "*" chooses an option
            for every service area that has an option of that name.

    Returns:
        The consolidated figures and every finding (reading findings first).
    """
    options = dict(options or {})
    wildcard = options.pop("*", None)
    findings: list[Finding] = list(programme.findings)
    partners = programme.partner_codes
    known = set(partners)
    if wildcard is not None:
        for service in programme.services:
            if service.name not in options and service.option(wildcard) is not None:
                options[service.name] = wildcard
        if not any(s.option(wildcard) for s in programme.services):
            findings.append(
                Finding(
                    Severity.ERROR,
                    "OPTION_UNKNOWN",
                    f"no service area has a participation option '{wildcard}'; the defaults are used",
                )
            )

    for service in options:
        if programme.service(service) is None:
            names = ", ".join(s.name for s in programme.services)
            findings.append(
                Finding(
                    Severity.ERROR,
                    "OPTION_SERVICE_UNKNOWN",
                    f"an option was chosen for '{service}', which is not a service area; service areas are: {names}",
                )
            )

    in_use: dict[str, ParticipationOption | None] = {}
    for service in programme.services:
        in_use[service.name] = _chosen_option(service, options.get(service.name), findings)

    apportionment, shares_in_use = _apportionment_table(programme, in_use, findings)
    _check_partner_codes(programme, known, findings)

    lines: list[LineShare] = []
    for line in programme.saving_lines:
        option = in_use.get(line.service)
        basis, percentages = _basis(line.service, option, shares_in_use, line.sole_bearer)
        included = _condition_met(line.service, line.description, line.only_if_partner, option, line.where, findings)
        lines.append(
            _line_share(
                "saving",
                line.service,
                line.description,
                line.category.value,
                line.estimate,
                basis,
                percentages,
                included,
                line.where,
                findings,
                line.profile,
            )
        )
    for cost in programme.one_off_costs:
        option = in_use.get(cost.service)
        basis, percentages = _basis(cost.service, option, shares_in_use, cost.sole_bearer)
        included = _condition_met(cost.service, cost.description, cost.only_if_partner, option, cost.where, findings)
        lines.append(
            _line_share(
                "one-off",
                cost.service,
                cost.description,
                cost.type.value,
                cost.estimate,
                basis,
                percentages,
                included,
                cost.where,
                findings,
                cost.profile,
            )
        )

    service_names = [s.name for s in programme.services]
    for line in lines:
        if line.service not in service_names:
            service_names.append(line.service)
            findings.append(
                Finding(
                    Severity.ERROR,
                    "SERVICE_UNKNOWN",
                    f"'{line.service}' has figures but no workstream proposal defines it",
                    line.where,
                )
            )
    services = tuple(_service_totals(name, lines) for name in service_names)
    total = sum(services, ServiceTotals("Total"))

    by_partner = tuple(_partner_totals(code, lines) for code in partners)
    baseline = _baseline(programme, findings)
    return Consolidation(
        partners=partners,
        services=services,
        total=ServiceTotals("Total", total.cashable, total.procurement, total.non_cashable, total.one_off),
        apportionment=tuple(apportionment),
        lines=tuple(lines),
        by_partner=by_partner,
        baseline=baseline,
        options_in_use={name: o.name for name, o in in_use.items() if o is not None},
        baseline_entries=programme.baseline,
        findings=tuple(findings),
        shares_by_service=_index(lines),
    )


def _condition_met(
    service: str,
    description: str,
    partner: str | None,
    option: ParticipationOption | None,
    where: Location,
    findings: list[Finding],
) -> bool:
    """A line that applies only when a partner participates counts only under an option including it."""
    if not partner or (option is not None and partner in option.partners):
        return True
    findings.append(
        Finding(
            Severity.INFO,
            "LINE_CONDITION_NOT_MET",
            f"{service}: '{description}' applies only when {partner} participates; under option '{option.name if option else 'none'}' it is not counted",
            where,
        )
    )
    return False


def _chosen_option(service: ServiceArea, chosen: str | None, findings: list[Finding]) -> ParticipationOption | None:
    names = ", ".join(f"'{o.name}'" for o in service.options) or "none"
    if chosen is not None:
        option = service.option(chosen)
        if option is None:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "OPTION_UNKNOWN",
                    f"{service.name}: there is no participation option '{chosen}'; options are {names}; the default is used",
                    service.where,
                )
            )
        else:
            return option
    option = service.option()
    if option is None and service.options:
        findings.append(
            Finding(
                Severity.ERROR,
                "OPTION_NO_DEFAULT",
                f"{service.name}: {len(service.options)} participation options ({names}) and not exactly one marked default; mark one as default or choose one with --option",
                service.where,
            )
        )
    if not service.options:
        findings.append(
            Finding(
                Severity.ERROR,
                "OPTION_NONE",
                f"{service.name}: the proposal gives no participation option, so nothing in it can be apportioned",
                service.where,
            )
        )
    return option


def _apportionment_table(
    programme: Programme,
    in_use: Mapping[str, ParticipationOption | None],
    findings: list[Finding],
) -> tuple[list[ApportionmentRow], dict[str, Mapping[str, Decimal] | None]]:
    rows: list[ApportionmentRow] = []
    shares_in_use: dict[str, Mapping[str, Decimal] | None] = {}
    for service in programme.services:
        for option in service.options:
            used = in_use.get(service.name) is option
            shares = option_shares(
                service.name, option, baseline=programme.baseline, drivers=programme.drivers, in_use=used
            )
            findings.extend(shares.findings)
            rule = option.rule
            basis = (
                "; ".join(
                    dict.fromkeys(
                        d.note
                        for d in programme.drivers
                        if d.service == service.name and d.driver == rule.driver and d.note
                    )
                )
                if rule.method is Method.DRIVER
                else ""
            )
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
                    basis,
                )
            )
            if used:
                shares_in_use[service.name] = shares.percentages
    return rows, shares_in_use


def _basis(
    service: str,
    option: ParticipationOption | None,
    shares_in_use: Mapping[str, Mapping[str, Decimal] | None],
    sole_bearer: str | None,
) -> tuple[str, Mapping[str, Decimal] | None]:
    if sole_bearer:
        return f"sole bearer {sole_bearer}", {sole_bearer: Decimal(100)}
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


def _line_share(
    kind: str,
    service: str,
    description: str,
    category: str,
    estimate: Range,
    basis: str,
    percentages: Mapping[str, Decimal] | None,
    included: bool,
    where: Location,
    findings: list[Finding],
    profile: Profile | None = None,
) -> LineShare:
    label = f"{service}: '{description}'"
    line = _LineBuilder(kind, service, description, category, estimate, basis, where, profile)
    if kind == "one-off" and not estimate.ordered_as_cost:
        findings.append(
            Finding(
                Severity.ERROR,
                "RANGE_NOT_ORDERED",
                f"{label}: the low one-off cost ({estimate.low}) is more than the high one ({estimate.high}); low is the smaller cost; the line is not counted until corrected",
                where,
            )
        )
        return line.make({}, included=False, apportioned=False)
    if kind == "saving" and not estimate.ordered_as_saving:
        findings.append(
            Finding(
                Severity.ERROR,
                "RANGE_NOT_ORDERED",
                f"{label}: the low estimate ({estimate.low}) is a bigger saving than the high estimate ({estimate.high}); low is the smaller saving (cost positive, saving negative); the line is not counted until corrected",
                where,
            )
        )
        return line.make({}, included=False, apportioned=False)
    if not (_on_grid(estimate.low) and _on_grid(estimate.high)):
        findings.append(
            Finding(
                Severity.ERROR,
                "MORE_PRECISE_THAN_POUND",
                f"{label}: {estimate.low}/{estimate.high} is given to less than £1 (more than 3 decimal places in £000s); round it to the nearest £1; the line is not counted until corrected",
                where,
            )
        )
        return line.make({}, included=False, apportioned=False)
    if not included:
        return line.make({}, included=False, apportioned=False)
    if estimate == Range():
        return line.make({})
    if percentages is None:
        findings.append(
            Finding(
                Severity.ERROR,
                "NOT_APPORTIONED",
                f"{label}: {display(estimate.low)}/{display(estimate.high)} cannot be split between partners: {basis}; it is in the service totals but in no partner's share",
                where,
            )
        )
        return line.make({}, apportioned=False)
    try:
        shares = split_range(estimate, percentages)
    except MoneyError as exc:  # pragma: no cover - percentages were checked when computed
        findings.append(Finding(Severity.ERROR, "NOT_APPORTIONED", f"{label}: {exc}", where))
        return line.make({}, apportioned=False)
    return line.make(shares, percentages=percentages)


@dataclass(frozen=True, slots=True)
class _LineBuilder:
    kind: str
    service: str
    description: str
    category: str
    estimate: Range
    basis: str
    where: Location
    profile: Profile | None

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
        )


def _service_totals(service: str, lines: Sequence[LineShare]) -> ServiceTotals:
    columns = {"cashable": Range(), "procurement": Range(), "non_cashable": Range(), "one_off": Range()}
    for line in lines:
        if line.service != service or not line.included:
            continue
        column = "one_off" if line.kind == "one-off" else Category(line.category).column
        columns[column] += line.estimate
    return ServiceTotals(service, **columns)


def _partner_totals(partner: str, lines: Sequence[LineShare]) -> PartnerTotals:
    recurring = non_cashable = one_off = Range()
    for line in lines:
        share = line.shares.get(partner) if line.included else None
        if share is None:
            continue
        if line.kind == "one-off":
            one_off += share
        elif line.category == Category.NON_CASHABLE.value:
            non_cashable += share
        else:
            recurring += share
    return PartnerTotals(partner, recurring, non_cashable, one_off)


def _check_partner_codes(programme: Programme, known: set[str], findings: list[Finding]) -> None:
    def check(code: str | None, what: str, where: Location) -> None:
        if code and code not in known:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "PARTNER_UNKNOWN",
                    f"{what} names partner '{code}', but no partner return has that code; partners are {', '.join(sorted(known)) or 'none'}",
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
        check(line.only_if_partner, f"{line.service}: '{line.description}' (condition)", line.where)
    for driver in programme.drivers:
        check(driver.partner, f"{driver.service} driver '{driver.driver}'", driver.where)


def _baseline(programme: Programme, findings: list[Finding]) -> tuple[PartnerBaseline, ...]:
    seen: dict[tuple[str, str], Location] = {}
    for entry in programme.baseline:
        key = (entry.partner, entry.service)
        if key in seen:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "BASELINE_DUPLICATE",
                    f"{entry.partner} gives a baseline for '{entry.service}' twice (first at {seen[key]}); both are counted in its total until one is removed",
                    entry.where,
                )
            )
        seen.setdefault(key, entry.where)
        if entry.gross is not None:
            expected = entry.gross - (entry.charges or ZERO)
            if expected != entry.net:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "BASELINE_NET_MISMATCH",
                        f"{entry.partner} {entry.service}: net baseline {entry.net} is not gross {entry.gross} less charges {entry.charges or ZERO} (= {expected})",
                        entry.where,
                    )
                )
        if entry.net < 0 or entry.fte < 0:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "BASELINE_NEGATIVE",
                    f"{entry.partner} {entry.service}: a negative baseline ({entry.net}, {entry.fte} FTE) needs an explanation",
                    entry.where,
                )
            )
    services = {s.name for s in programme.services}
    for service in sorted({e.service for e in programme.baseline} - services):
        findings.append(
            Finding(
                Severity.INFO,
                "BASELINE_NO_PROPOSAL",
                f"there is a baseline for '{service}' but no workstream proposal for it",
            )
        )

    stated = {c.partner: c for c in programme.control_totals}
    rows: list[PartnerBaseline] = []
    for partner in programme.partners:
        entries = [e for e in programme.baseline if e.partner == partner.code]
        net = sum((e.net for e in entries), ZERO)
        fte = sum((e.fte for e in entries), ZERO)
        control = stated.get(partner.code)
        rows.append(
            PartnerBaseline(
                partner.code, partner.name, net, fte, control.net if control else None, control.fte if control else None
            )
        )
        if control is None:
            continue
        if control.net is not None and control.net != net:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "BASELINE_TOTAL_MISMATCH",
                    f"{partner.code} states a total net baseline of {display(control.net)} but its rows add up to {display(net)} (difference {display(control.net - net)})",
                    control.where_net,
                    control.net,
                )
            )
        if control.fte is not None and control.fte != fte:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "FTE_TOTAL_MISMATCH",
                    f"{partner.code} states a total of {display(control.fte)} FTE but its rows add up to {display(fte)} (difference {display(control.fte - fte)})",
                    control.where_fte,
                    control.fte,
                )
            )
    return tuple(rows)
