"""What partners and workstreams submit, and how submissions become one programme.

A partner return carries one partner's baseline and stated totals; a workstream proposal carries one
service area's participation options, apportionment rules, drivers, saving lines and one-off costs.
``assemble`` combines accepted submissions into a ``Programme``. Order comes from the programme's
lists (partners, service areas), never from file names or the order files were read in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jwmodel.codes import Code
from jwmodel.findings import Finding, Location
from jwmodel.model import (
    BaselineEntry,
    ControlTotal,
    DriverValue,
    FrozenMap,
    OneOffCost,
    Partner,
    Programme,
    SavingLine,
    ServiceArea,
    frozen_map,
)

__all__ = [
    "Assembly",
    "SourceRecord",
    "Status",
    "SourceKind",
    "Cover",
    "ProgrammeSetup",
    "PartnerReturn",
    "WorkstreamProposal",
    "assemble",
    "beats",
]

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


class Status(StrEnum):
    """What became of a file in the intake register."""

    ACCEPTED = "accepted"
    WARNINGS = "accepted with warnings"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    SKIPPED = "skipped"
    PARTLY = "used in part"  # read and used, but an error found later means some of its figures are not counted


class SourceKind(StrEnum):
    """What a file in the intake register is (``unknown``: a file that could not be told; ``other``: not a workbook)."""

    PARTNER_RETURN = "partner return"
    WORKSTREAM_PROPOSAL = "workstream proposal"
    UNKNOWN = "unknown"
    LOCK_FILE = "lock file"
    TEMPORARY_FILE = "temporary file"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One input file in the intake register: what it was, what became of it and why."""

    file: str
    sha256: str
    kind: SourceKind
    status: Status
    taken: str = ""
    findings: tuple[Finding, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", SourceKind(self.kind))
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "findings", tuple(self.findings))


def _ordered(names: Iterable[str], order: Sequence[str]) -> list[str]:
    position = {name: i for i, name in enumerate(order)}
    return sorted(set(names), key=lambda n: (position.get(n, len(order)), n))


@dataclass(frozen=True, slots=True)
class Assembly:
    """A programme and what became of submissions that were not used (file -> status, finding)."""

    programme: Programme
    outcomes: Mapping[str, tuple[Status, Finding]] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcomes", frozen_map(self.outcomes))


def beats(a: Cover, b: Cover) -> bool | None:
    """Whether cover ``a`` is later than ``b``: by submission number, else by date; None if neither says."""
    na = int(a.submission_version) if a.submission_version.isdigit() else None
    nb = int(b.submission_version) if b.submission_version.isdigit() else None
    if na is not None and nb is not None and na != nb:
        return na > nb
    if a.submitted and b.submitted and a.submitted != b.submitted:
        return a.submitted > b.submitted
    return None


def _latest(
    group: Sequence[PartnerReturn] | Sequence[WorkstreamProposal], what: str
) -> tuple[object | None, dict[str, tuple[str, Finding]]]:
    """The final submission of a group, by the cover's submission number then date, never by name."""
    outcomes: dict[str, tuple[str, Finding]] = {}
    files = ", ".join(sorted(x.file for x in group))
    years = sorted({x.cover.financial_year for x in group})
    if len(years) > 1:
        for x in group:
            outcomes[x.file] = (
                Status.REJECTED,
                Finding(
                    Code.PERIOD_CONFLICT,
                    f"{what} has submissions for different financial years ({', '.join(years)}: {files}); consolidate "
                    "one period at a time",
                    Location(x.file),
                ),
            )
        return None, outcomes
    winners = [x for x in group if all(beats(x.cover, y.cover) for y in group if y is not x)]
    if not winners:
        for x in group:
            outcomes[x.file] = (
                Status.REJECTED,
                Finding(
                    Code.RESUBMISSION_UNDECIDED,
                    f"{what} has {len(group)} different submissions ({files}) whose covers do not say which is final "
                    "(the same or no submission number and date); none is used until the sender says which is final",
                    Location(x.file),
                ),
            )
        return None, outcomes
    winner = winners[0]
    ranked = [winner, *(x for x in group if x is not winner)]
    for x in ranked[1:]:
        outcomes[x.file] = (
            Status.SUPERSEDED,
            Finding(
                Code.SUPERSEDED,
                f"{what}: superseded by {winner.file} (submission {winner.cover.submission_version or '?'} of "
                f"{winner.cover.submitted or '?'}, this one {x.cover.submission_version or '?'} of "
                f"{x.cover.submitted or '?'})",
                Location(x.file),
            ),
        )
    return winner, outcomes


def assemble(
    returns: Sequence[PartnerReturn],
    proposals: Sequence[WorkstreamProposal],
) -> Assembly:
    """Combine submissions into one programme, resolving resubmissions.

    Several returns for one partner (or proposals for one service area) are resolved by the cover's
    submission number, then its submission date: the latest is used and the others superseded.
    Where the covers cannot decide, none is used until the sender says which is final. File names
    and the order files were read in never decide.
    """
    setup = next((x.setup for x in [*returns, *proposals] if x.setup and x.setup.partners), None)
    partner_order = [p.code for p in setup.partners] if setup else []
    service_order = list(setup.services) if setup else []
    outcomes: dict[str, tuple[str, Finding]] = {}

    by_partner: dict[str, list[PartnerReturn]] = {}
    for r in returns:
        by_partner.setdefault(r.partner.code, []).append(r)
    by_service: dict[str, list[WorkstreamProposal]] = {}
    for p in proposals:
        by_service.setdefault(p.service.name, []).append(p)

    kept_returns: list[PartnerReturn] = []
    for code in _ordered(by_partner, partner_order):
        group = by_partner[code]
        winner, found = _latest(group, f"partner {code}") if len(group) > 1 else (group[0], {})
        outcomes.update(found)
        if winner is not None:
            kept_returns.append(winner)  # type: ignore[arg-type]

    kept_proposals: list[WorkstreamProposal] = []
    for name in _ordered(by_service, service_order):
        group = by_service[name]
        winner, found = _latest(group, f"service area '{name}'") if len(group) > 1 else (group[0], {})
        outcomes.update(found)
        if winner is not None:
            kept_proposals.append(winner)  # type: ignore[arg-type]

    programme = Programme(
        partners=tuple(r.partner for r in kept_returns),
        services=tuple(p.service for p in kept_proposals),
        baseline=tuple(e for r in kept_returns for e in r.baseline),
        control_totals=tuple(r.control_total for r in kept_returns if r.control_total),
        saving_lines=tuple(line for p in kept_proposals for line in p.saving_lines),
        one_off_costs=tuple(c for p in kept_proposals for c in p.one_off_costs),
        drivers=tuple(d for p in kept_proposals for d in p.drivers),
        findings=tuple(f for _, f in outcomes.values()),
    )
    return Assembly(programme, outcomes)
