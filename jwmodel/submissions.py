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
from jwmodel.compact import compact_pickle
from jwmodel.findings import Finding, Location
from jwmodel.model import (
    BaselineEntry,
    ControlTotal,
    DriverValue,
    FrozenMap,
    OneOffCost,
    Partner,
    Programme,
    Recharge,
    SavingLine,
    SavingsTarget,
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
    "most_shared",
    "PartnerReturn",
    "WorkstreamProposal",
    "assemble",
    "beats",
    "latest",
    "internal_error",
    "submission_number",
    "submission_number_problem",
    "SUBMISSION_NUMBER_DIGITS",
]

PARTNER_RETURN = "jwmodel partner return"
WORKSTREAM_PROPOSAL = "jwmodel workstream proposal"
TEMPLATE_VERSION = "1.0"


@compact_pickle
@dataclass(frozen=True, slots=True)
class ProgrammeSetup:
    """The lists a programme office sets before sending templates out, or as a file's Lists sheet gives them.

    A setup read from a file also says where each entry is on its Lists sheet: ``partner_cells`` holds
    (code cell, name cell) per partner and ``service_cells`` a cell per service area, as A1 references
    without the file name, so two files with the same lists in the same cells have equal setups (the
    intake keeps one copy of them). A setup made in code has no cells.
    """

    partners: tuple[Partner, ...]
    services: tuple[str, ...]
    financial_year: str = ""
    partner_cells: tuple[tuple[str, str], ...] = ()
    service_cells: tuple[str, ...] = ()

    @property
    def lists(self) -> tuple[tuple[Partner, ...], tuple[str, ...]]:
        """The partners and service areas alone: what two setups must share to be the same programme."""
        return self.partners, self.services

    def partner_cell(self, index: int) -> tuple[str, str]:
        """Where the ``index``-th partner's code and name are on the Lists sheet (('', '') if not known)."""
        return self.partner_cells[index] if index < len(self.partner_cells) else ("", "")

    def service_cell(self, index: int) -> str:
        """Where the ``index``-th service area is on the Lists sheet ('' if not known)."""
        return self.service_cells[index] if index < len(self.service_cells) else ""


def most_shared(setups: Iterable[ProgrammeSetup | None]) -> tuple[ProgrammeSetup | None, int]:
    """The lists most of ``setups`` give (compared by :attr:`ProgrammeSetup.lists`) and how many give them.

    Setups with no partners and no service areas do not count. A tie goes to the lists met first, so
    the caller decides the order (the intake gives files sorted by name). (None, 0) when none count.
    """
    met: dict[int, tuple[ProgrammeSetup, int]] = {}  # id -> (setup, how often), in the order met: the intake
    for setup in setups:  # shares one copy of identical lists among its files, so each copy is compared once
        if setup is not None:
            met[id(setup)] = (setup, met.get(id(setup), (setup, 0))[1] + 1)
    counts: dict[tuple[tuple[Partner, ...], tuple[str, ...]], int] = {}
    first: dict[tuple[tuple[Partner, ...], tuple[str, ...]], ProgrammeSetup] = {}
    for setup, n in met.values():
        if not (setup.partners or setup.services):
            continue
        key = setup.lists
        counts[key] = counts.get(key, 0) + n
        first.setdefault(key, setup)
    if not counts:
        return None, 0
    best = max(counts, key=counts.__getitem__)  # max keeps the first of equals: the lists met first
    return first[best], counts[best]


@compact_pickle
@dataclass(frozen=True, slots=True)
class Cover:
    template: str
    version: str
    financial_year: str = ""
    contact: str = ""
    email: str = ""
    submitted: str = ""  # ISO date
    submission_version: str = ""


@compact_pickle
@dataclass(frozen=True, slots=True)
class PartnerReturn:
    cover: Cover
    partner: Partner
    baseline: tuple[BaselineEntry, ...] = ()
    control_total: ControlTotal | None = None
    setup: ProgrammeSetup | None = None
    file: str = ""
    targets: tuple[SavingsTarget, ...] = ()  # its financial-plan savings targets by year (jwmodel.targets)
    recharges: tuple[Recharge, ...] = ()  # the charges it pays to and receives from other partners (jwmodel.recharges)


@compact_pickle
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
    MONITORING_RETURN = "monitoring return"
    UNKNOWN = "unknown"
    LOCK_FILE = "lock file"
    TEMPORARY_FILE = "temporary file"
    OTHER = "other"


@compact_pickle
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


SUBMISSION_NUMBER_DIGITS = 6  # up to 999999: far more resubmissions than any programme sees


def submission_number(text: object) -> int | None:
    """A cover's submission number: 1 to 6 ASCII digits, else None. Never raises, whatever it is given.

    Strict on purpose: ``str.isdigit`` also passes superscripts ("²") and other scripts' digits,
    which ``int`` then refuses, and a number thousands of digits long is no submission number.
    The reader reports a value this refuses as a finding located to its cell.
    """
    if not isinstance(text, str):
        return None
    if not (0 < len(text) <= SUBMISSION_NUMBER_DIGITS) or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def submission_number_problem(text: str) -> str:
    """What is wrong with a cover's submission number as typed ('' if it is fine or blank)."""
    if not text or submission_number(text) is not None:
        return ""
    shown = f"{text[:20]!r}... ({len(text):,} characters)" if len(text) > 20 else repr(text)
    return (
        f"Submission number: expected a whole number of up to {SUBMISSION_NUMBER_DIGITS} digits (1 for the first "
        f"submission, 2 for the next), got {shown}; it is not used to decide which submission is final: correct it"
    )


def beats(a: Cover, b: Cover) -> bool | None:
    """Whether cover ``a`` is later than ``b``: by submission number, else by date; None if neither says."""
    return _later(_order_key(a), _order_key(b))


_OrderKey = tuple[int | None, str]


def _order_key(cover: Cover) -> _OrderKey:
    """What decides which of two covers is later: the submission number (None if it is none) and the date."""
    return submission_number(cover.submission_version), _date(cover.submitted)


def _later(a: _OrderKey, b: _OrderKey) -> bool | None:
    """:func:`beats` on two covers' order keys."""
    (na, da), (nb, db) = a, b
    if na is not None and nb is not None and na != nb:
        return na > nb
    if da and db and da != db:
        return da > db
    return None


def _date(value: object) -> str:
    """A cover's submission date, ISO text as the reader gives it ('' for anything else): comparing never raises."""
    return value if isinstance(value, str) else ""


def latest(covers: Sequence[Cover]) -> int | None:
    """The index of the cover that ``beats`` every other one, or None when no cover does.

    Linear: at most 2(n - 1) comparisons of order keys, each cover's read once. ``beats`` is
    antisymmetric (``a`` beats ``b`` and ``b`` beats ``a`` never both hold), so a cover that beats all
    others, if there is one, wins every comparison it meets in one pass and nothing displaces it
    afterwards; a second pass checks that the survivor does beat all.
    """
    if not covers:
        return None
    keys = [_order_key(c) for c in covers]
    best = 0
    for i in range(1, len(keys)):
        if _later(keys[i], keys[best]):
            best = i
    if all(_later(keys[best], k) for i, k in enumerate(keys) if i != best):
        return best
    return None


def internal_error(file: str, exc: BaseException, doing: str = "reading it") -> Finding:
    """The one finding for an unexpected failure on one file: the file named, the error, 'please report this'.

    Used at every boundary where one submission is processed (reading it in a worker, each later
    step in the parent), so that such a failure rejects that file and the batch goes on.
    """
    text = str(exc)
    if len(text) > 300:
        text = f"{text[:300]}... (cut: {len(text):,} characters in all)"
    return Finding(
        Code.INTERNAL_ERROR,
        f"jwmodel failed while {doing} ({type(exc).__name__}: {text}); nothing from this file is used and the "
        "rest of the batch goes on: please report this, with the file",
        Location(file),
    )


_NAMED = 10  # files named in a finding about a group; the rest are counted


def _files(group: Sequence[PartnerReturn] | Sequence[WorkstreamProposal]) -> str:
    names = sorted(x.file for x in group)
    more = f" and {len(names) - _NAMED:,} more" if len(names) > _NAMED else ""
    return ", ".join(names[:_NAMED]) + more


def _latest(
    group: Sequence[PartnerReturn] | Sequence[WorkstreamProposal], what: str
) -> tuple[object | None, dict[str, tuple[str, Finding]]]:
    """The final submission of a group, by the cover's submission number then date, never by name."""
    years = sorted({x.cover.financial_year for x in group})
    if len(years) > 1:
        return None, _rejected_all(
            group,
            Code.PERIOD_CONFLICT,
            f"{what} has submissions for different financial years ({', '.join(years)}: {_files(group)}); "
            "consolidate one period at a time",
        )
    final = latest([x.cover for x in group])
    if final is None:
        return None, _rejected_all(
            group,
            Code.RESUBMISSION_UNDECIDED,
            f"{what} has {len(group)} different submissions ({_files(group)}) whose covers do not say which is final "
            "(the same or no submission number and date); none is used until the sender says which is final",
        )
    winner = group[final]
    outcomes: dict[str, tuple[str, Finding]] = {}
    for x in group:
        if x is not winner:
            outcomes[x.file] = (Status.SUPERSEDED, _superseded(x, winner, what))
    return winner, outcomes


def _rejected_all(
    group: Sequence[PartnerReturn] | Sequence[WorkstreamProposal], code: Code, message: str
) -> dict[str, tuple[str, Finding]]:
    return {x.file: (Status.REJECTED, Finding(code, message, Location(x.file))) for x in group}


def _superseded(
    x: PartnerReturn | WorkstreamProposal, winner: PartnerReturn | WorkstreamProposal, what: str
) -> Finding:
    return Finding(
        Code.SUPERSEDED,
        f"{what}: superseded by {winner.file} (submission {winner.cover.submission_version or '?'} of "
        f"{winner.cover.submitted or '?'}, this one {x.cover.submission_version or '?'} of {x.cover.submitted or '?'})",
        Location(x.file),
    )


def _resolve(
    group: Sequence[PartnerReturn] | Sequence[WorkstreamProposal], what: str
) -> tuple[object | None, dict[str, tuple[str, Finding]]]:
    """``_latest`` for a group of two or more; an unexpected failure rejects that group's files only."""
    if len(group) == 1:
        return group[0], {}
    try:
        return _latest(group, what)
    except Exception as exc:  # the per-group boundary: one group's fault never stops the batch
        doing = f"deciding which submission for {what} is final"
        return None, {x.file: (Status.REJECTED, internal_error(x.file, exc, doing)) for x in group}


def assemble(
    returns: Sequence[PartnerReturn],
    proposals: Sequence[WorkstreamProposal],
    *,
    order: ProgrammeSetup | None = None,
) -> Assembly:
    """Combine submissions into one programme, resolving resubmissions.

    Several returns for one partner (or proposals for one service area) are resolved by the cover's
    submission number, then its submission date: the latest is used and the others superseded.
    Where the covers cannot decide, none is used until the sender says which is final. File names
    and the order files were read in never decide.

    Partners and service areas come in the order of ``order`` (the programme definition's lists);
    without one, in the order of the lists most submissions share (:func:`most_shared`). Any not
    listed there follow, by code or name.
    """
    setup = order if order is not None else most_shared(x.setup for x in [*returns, *proposals])[0]
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
        winner, found = _resolve(group, f"partner {code}")
        outcomes.update(found)
        if winner is not None:
            kept_returns.append(winner)  # type: ignore[arg-type]

    kept_proposals: list[WorkstreamProposal] = []
    for name in _ordered(by_service, service_order):
        group = by_service[name]
        winner, found = _resolve(group, f"service area '{name}'")
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
        targets=tuple(t for r in kept_returns for t in r.targets),
        recharges=tuple(x for r in kept_returns for x in r.recharges),
    )
    return Assembly(programme, outcomes)
