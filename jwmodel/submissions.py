"""What partners and workstreams submit, and how submissions become one programme.

A partner return carries one partner's baseline and stated totals; a workstream proposal carries one
service area's participation options, apportionment rules, drivers, saving lines and one-off costs.
``assemble`` combines accepted submissions into a ``Programme``. Order comes from the programme's
lists (partners, service areas), never from file names or the order files were read in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jwmodel.findings import Finding, Location, Severity
from jwmodel.model import (
    BaselineEntry,
    ControlTotal,
    DriverValue,
    OneOffCost,
    Partner,
    Programme,
    SavingLine,
    ServiceArea,
)

__all__ = ["SourceRecord", "Status", "Cover", "ProgrammeSetup", "PartnerReturn", "WorkstreamProposal", "assemble"]

PARTNER_RETURN = "jwmodel partner return"
WORKSTREAM_PROPOSAL = "jwmodel workstream proposal"
TEMPLATE_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class ProgrammeSetup:
    """The lists a programme office sets before sending templates out."""

    partners: tuple[Partner, ...]
    services: tuple[str, ...]
    financial_year: str = ""


@dataclass(frozen=True, slots=True)
class Cover:
    template: str
    version: str
    financial_year: str = ""
    contact: str = ""
    email: str = ""
    submitted: str = ""  # ISO date
    submission_version: str = ""


@dataclass(frozen=True, slots=True)
class PartnerReturn:
    cover: Cover
    partner: Partner
    baseline: tuple[BaselineEntry, ...] = ()
    control_total: ControlTotal | None = None
    setup: ProgrammeSetup | None = None
    file: str = ""


@dataclass(frozen=True, slots=True)
class WorkstreamProposal:
    cover: Cover
    service: ServiceArea
    saving_lines: tuple[SavingLine, ...] = ()
    one_off_costs: tuple[OneOffCost, ...] = ()
    drivers: tuple[DriverValue, ...] = ()
    setup: ProgrammeSetup | None = None
    file: str = ""
    notes: tuple[str, ...] = field(default=())


class Status:
    """What became of a file in the intake register."""

    ACCEPTED = "accepted"
    WARNINGS = "accepted with warnings"
    REJECTED = "rejected"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One input file in the intake register: what it was, what became of it and why."""

    file: str
    sha256: str
    kind: str
    status: str
    taken: str = ""
    findings: tuple[Finding, ...] = field(default=())


def _ordered(names: Iterable[str], order: Sequence[str]) -> list[str]:
    position = {name: i for i, name in enumerate(order)}
    return sorted(set(names), key=lambda n: (position.get(n, len(order)), n))


def assemble(
    returns: Sequence[PartnerReturn],
    proposals: Sequence[WorkstreamProposal],
) -> Programme:
    """Combine accepted submissions into one programme, noting clashes as findings.

    Two returns for one partner, or two proposals for one service area, are both kept out and
    reported: which one is final is for the partner to say, not for the order of files.
    """
    findings: list[Finding] = []
    setup = next((s.setup for s in [*returns, *proposals] if s.setup and s.setup.partners), None)
    partner_order = [p.code for p in setup.partners] if setup else []
    service_order = list(setup.services) if setup else []

    by_partner: dict[str, list[PartnerReturn]] = {}
    for r in returns:
        by_partner.setdefault(r.partner.code, []).append(r)
    by_service: dict[str, list[WorkstreamProposal]] = {}
    for p in proposals:
        by_service.setdefault(p.service.name, []).append(p)

    kept_returns: list[PartnerReturn] = []
    for code in _ordered(by_partner, partner_order):
        group = by_partner[code]
        if len(group) > 1:
            files = ", ".join(sorted(r.file for r in group))
            for r in group:
                findings.append(Finding(Severity.ERROR, "RETURN_CONFLICT", f"{len(group)} different returns for partner {code} ({files}); none is used until the partner says which is final", Location(r.file)))
            continue
        kept_returns.append(group[0])

    kept_proposals: list[WorkstreamProposal] = []
    for name in _ordered(by_service, service_order):
        group = by_service[name]
        if len(group) > 1:
            files = ", ".join(sorted(p.file for p in group))
            for p in group:
                findings.append(Finding(Severity.ERROR, "PROPOSAL_CONFLICT", f"{len(group)} different proposals for '{name}' ({files}); none is used until the workstream says which is final", Location(p.file)))
            continue
        kept_proposals.append(group[0])

    partners = tuple(r.partner for r in kept_returns)
    return Programme(
        partners=partners,
        services=tuple(p.service for p in kept_proposals),
        baseline=tuple(e for r in kept_returns for e in r.baseline),
        control_totals=tuple(r.control_total for r in kept_returns if r.control_total),
        saving_lines=tuple(line for p in kept_proposals for line in p.saving_lines),
        one_off_costs=tuple(c for p in kept_proposals for c in p.one_off_costs),
        drivers=tuple(d for p in kept_proposals for d in p.drivers),
        findings=tuple(findings),
    )
