"""Recharges between partners: each charge matched on both sides, eliminated once, scheduled by year.

A partner return states, counterparty by counterparty, the charges it pays to and receives from the
other partners for each service area (:class:`~jwmodel.model.Recharge`; the Recharges sheet). The
rules, as a group accountant eliminates intra-group charges (docs/apportionment.md, "Recharges
between partners"):

* **Matching.** For each payer, receiver, service area and financial year, the amount the payer says
  it pays is compared with the amount the receiver says it receives: matched when they are equal to
  £1. A difference (RECHARGE_MISMATCH) or a charge stated on one side only (RECHARGE_ONE_SIDED) is a
  warning located to the one side's row, naming the other side's.
* **The baseline.** A partner's baseline is net of the charges it pays the other partners (Hampshire's
  "gross direct costs less charges from either of the other partners"): the payer's gross includes
  what it pays, its "Charges from other partners" takes it out again; the host's gross is the whole
  cost of the service it runs, and what it receives is never deducted from it. So in the baseline
  year a return's pays rows for a service must add up to that row's charges (RECHARGE_CHARGES_DIFFER
  where they do not).
* **Elimination.** The programme's baseline for a service is the partners' gross (net + charges)
  less the charges the payers state they pay each other in the baseline year: the host's cost is
  counted once, the payer's payment not again. Where every return's charges agree with its pays rows,
  it is the sum of the partners' net baselines, whatever the charges' amounts.
* **The schedule.** Per financial year, what each partner invoices each other for hosted services:
  the receiver's amount (the payer's where the receiver states none), for a charge between two partners
  who both take part in the service area under the option in force that year (participation over time: a
  charge to a partner joining in 2013/14 is scheduled from 2013/14).

Pure: no I/O; ``consolidation.consolidate`` runs :func:`reconcile` with the plan's years and the baseline year
it is given (the service layer gives the appraisal's plan and the returns' financial year).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jwmodel.codes import Code
from jwmodel.findings import NOWHERE, Finding, Location
from jwmodel.model import ZERO, BaselineEntry, Programme, Recharge, RechargeDirection
from jwmodel.money import display, round_to_pound
from jwmodel.participation import Step, in_force

__all__ = [
    "MATCHED",
    "DIFFERS",
    "PAYER_ONLY",
    "RECEIVER_ONLY",
    "RechargeMatch",
    "Elimination",
    "Recharges",
    "recharge_years",
    "recharge_row_findings",
    "charges_findings",
    "reconcile",
]

MATCHED, DIFFERS, PAYER_ONLY, RECEIVER_ONLY = "matched", "differs", "payer only", "receiver only"


@dataclass(frozen=True, slots=True)
class RechargeMatch:
    """One charge in one year: what the payer says it pays and what the receiver says it receives."""

    payer: str
    receiver: str
    service: str
    year: str
    paid: Decimal | None
    received: Decimal | None
    paid_at: Location = NOWHERE
    received_at: Location = NOWHERE
    applies: bool = True  # both take part in the service area under the option in force that year: in the schedule

    @property
    def difference(self) -> Decimal:
        """Paid less received (a side that states nothing counts as 0)."""
        return (self.paid if self.paid is not None else ZERO) - (self.received if self.received is not None else ZERO)

    @property
    def matched(self) -> bool:
        """Both sides state it and agree to £1."""
        if self.paid is None or self.received is None:
            return False
        return round_to_pound(self.paid) == round_to_pound(self.received)

    @property
    def status(self) -> str:
        if self.received is None:
            return PAYER_ONLY
        if self.paid is None:
            return RECEIVER_ONLY
        return MATCHED if self.matched else DIFFERS

    @property
    def invoiced(self) -> Decimal:
        """What the receiver invoices: its own amount, or the payer's where it states none."""
        amount = self.received if self.received is not None else self.paid
        return amount if amount is not None else ZERO


@dataclass(frozen=True, slots=True)
class Elimination:
    """A service area's baseline in the baseline year, before and after eliminating recharges (£000s)."""

    service: str
    gross: Decimal  # the partners' gross: net + charges from other partners, row by row
    eliminated: Decimal  # what the payers state they pay each other for the service in the baseline year
    net: Decimal  # the partners' net baselines as stated

    @property
    def consolidated(self) -> Decimal:
        """The programme's baseline for the service, each cost counted once: gross less the eliminated charges."""
        return self.gross - self.eliminated

    def __add__(self, other: Elimination) -> Elimination:
        return Elimination(
            self.service, self.gross + other.gross, self.eliminated + other.eliminated, self.net + other.net
        )


@dataclass(frozen=True, slots=True)
class Recharges:
    """The recharges matched, eliminated and scheduled: what :func:`reconcile` gives."""

    baseline_year: str
    years: tuple[str, ...]  # the plan's years: the schedule's
    matches: tuple[RechargeMatch, ...] = ()
    eliminations: tuple[Elimination, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def total(self) -> Elimination:
        """The programme's baseline before and after elimination, all service areas."""
        return sum(self.eliminations, Elimination("Total", ZERO, ZERO, ZERO))

    @property
    def schedule(self) -> tuple[RechargeMatch, ...]:
        """The charges invoiced in each year of the plan, by year, then as :attr:`matches` are ordered."""
        order = {y: i for i, y in enumerate(self.years)}
        chosen = [m for m in self.matches if m.applies and m.year in order]
        return tuple(sorted(chosen, key=lambda m: order[m.year]))


# --- the rules over one return's rows --------------------------------------------------------------


def recharge_years(recharge: Recharge, years: Sequence[str]) -> tuple[str, ...]:
    """The years of ``years`` (in order, the first being the baseline year) in which the charge is made."""
    first = recharge.from_year or (years[0] if years else "")
    last = recharge.to_year or (years[-1] if years else "")
    return tuple(y for y in years if first <= y <= last)


def _label(r: Recharge) -> str:
    towards = "to" if r.direction is RechargeDirection.PAYS else "from"
    return f"{r.partner} {r.direction.value} {display(r.amount)} {towards} {r.counterparty} for {r.service}"


def _span(r: Recharge) -> str:
    return f"{r.from_year or 'the baseline year'} to {r.to_year or 'the end of the plan'}"


def recharge_row_findings(recharges: Sequence[Recharge]) -> tuple[Finding, ...]:
    """One return's recharge rows: not with itself, years in order, not stated twice for a year (errors)."""
    return tuple(f for _, f in _row_problems(recharges))


def _row_problems(recharges: Sequence[Recharge]) -> list[tuple[int, Finding]]:
    """:func:`recharge_row_findings` with the index of the row each finding is about."""
    found: list[tuple[int, Finding]] = []
    seen: list[Recharge] = []
    for i, r in enumerate(recharges):
        if r.counterparty == r.partner:
            message = f"{_label(r)}: a partner cannot charge itself; name the other partner"
            found.append((i, Finding(Code.RECHARGE_SELF, message, r.where, r.counterparty)))
            continue
        if r.from_year and r.to_year and r.to_year < r.from_year:
            message = f"{_label(r)}: the to year {r.to_year} is before the from year {r.from_year}"
            found.append((i, Finding(Code.RECHARGE_YEARS, message, r.where, r.to_year)))
            continue
        for other in seen:
            same = (other.counterparty, other.direction, other.service) == (r.counterparty, r.direction, r.service)
            if same and _overlap(other, r):
                message = (
                    f"{_label(r)} ({_span(r)}) overlaps the row at {other.where} ({_span(other)}): a charge is stated "
                    "once a year; give one row per period, or one row with the whole amount"
                )
                found.append((i, Finding(Code.RECHARGE_DUPLICATE, message, r.where)))
                break
        seen.append(r)
    return found


def _overlap(a: Recharge, b: Recharge) -> bool:
    """Whether two rows' periods share a year (a blank bound is open: before or after every year)."""
    low = max((y for y in (a.from_year, b.from_year) if y), default="")
    highs = [y for y in (a.to_year, b.to_year) if y]
    return not highs or min(highs) >= low


def charges_findings(
    baseline: Iterable[BaselineEntry], recharges: Sequence[Recharge], year: str
) -> tuple[Finding, ...]:
    """Each baseline row's "Charges from other partners" against the pays rows of the same partner and
    service area in the baseline ``year`` (a blank charge is 0): RECHARGE_CHARGES_DIFFER where they differ,
    and where a partner pays for a service area it gives no baseline row for (located at the pays row).

    Only partners that state recharges are checked: a return without the Recharges sheet reads as before.
    """
    stating = {r.partner for r in recharges}
    paid: dict[tuple[str, str], list[Recharge]] = {}
    for r in recharges:
        if r.direction is RechargeDirection.PAYS and year in recharge_years(r, (year,)):
            paid.setdefault((r.partner, r.service), []).append(r)
    found: list[Finding] = []
    rows_of = set()
    for entry in baseline:
        rows_of.add((entry.partner, entry.service))
        if entry.partner not in stating:
            continue
        rows = paid.get((entry.partner, entry.service), [])
        total = sum((r.amount for r in rows), ZERO)
        charges = entry.charges if entry.charges is not None else ZERO
        if round_to_pound(total) == round_to_pound(charges):
            continue
        where = ", ".join(str(r.where) for r in rows) or "none"
        message = (
            f"{entry.partner} {entry.service}: the baseline's charges from other partners ({display(charges)}) are not "
            f"what the Recharges sheet says it pays in {year} ({display(total)}; rows: {where}), difference "
            f"{display(charges - total)}; the net baseline must leave out exactly what is paid to the other partners "
            "(or that cost is counted twice, here and at the partner that runs the service): correct one of them"
        )
        found.append(Finding(Code.RECHARGE_CHARGES_DIFFER, message, entry.where, entry.charges))
    for (partner, service), rows in paid.items():
        if (partner, service) not in rows_of:  # paid, but no baseline row holds the payment: nothing to eliminate
            total = sum((r.amount for r in rows), ZERO)
            message = (
                f"{partner} says it pays {display(total)} for {service} in {year} but gives no baseline row for "
                f"{service}; give the row (its gross holding what it pays, its charges taking it out again), or "
                "correct the Recharges sheet; nothing is eliminated for it"
            )
            found.append(Finding(Code.RECHARGE_CHARGES_DIFFER, message, rows[0].where, total))
    return tuple(found)


# --- matching, elimination and the schedule ------------------------------------------------------------------


_Side = tuple[Decimal, Location]


def reconcile(
    programme: Programme,
    options_in_use: Mapping[str, str],
    plan: Sequence[str],
    baseline_year: str = "",
    timelines: Mapping[str, Sequence[Step]] | None = None,
) -> Recharges:
    """The programme's recharges matched on both sides, eliminated from the baseline and scheduled.

    Args:
        programme: the returns' recharges and baseline rows (and the service areas' options).
        options_in_use: service area -> the participation option in use (who takes part).
        plan: the plan's financial years, in order.
        baseline_year: the year the baselines are for (the returns' financial year; default: the plan's first).
        timelines: service area -> the steps of options in force, where its option changes over the plan
            (``Consolidation.timelines``): a charge is scheduled in a year only when both partners take part
            under the option in force that year.
    """
    baseline_year = baseline_year or (plan[0] if plan else "")
    years = tuple(sorted({baseline_year, *plan} - {""}))
    found, counted = _counted_rows(programme.recharges)
    sides: dict[tuple[str, str, str, str], dict[RechargeDirection, _Side]] = {}
    for r in counted:
        in_years = recharge_years(r, years)
        if not in_years:
            message = (
                f"{_label(r)} ({_span(r)}) falls outside the years considered ({years[0]} to {years[-1]}); not counted"
                if years
                else f"{_label(r)}: the plan has no years; not counted"
            )
            found.append(Finding(Code.RECHARGE_OUTSIDE_PLAN, message, r.where))
        for year in in_years:
            sides.setdefault((r.payer, r.receiver, r.service, year), {})[r.direction] = (r.amount, r.where)
    taking_part = _taking_part(programme, options_in_use, timelines or {}, years)
    matches = _ordered(programme, [_match(key, stated, taking_part) for key, stated in sides.items()], years)
    found += _match_findings(matches, set(programme.partner_codes))
    found += charges_findings(programme.baseline, counted, baseline_year)
    eliminations = _eliminations(programme, matches, baseline_year)
    return Recharges(baseline_year, tuple(plan), tuple(matches), eliminations, tuple(found))


def _counted_rows(recharges: Sequence[Recharge]) -> tuple[list[Finding], list[Recharge]]:
    """The single-return rules, partner by partner; a row with an error is not counted."""
    found: list[Finding] = []
    counted: list[Recharge] = []
    by_partner: dict[str, list[Recharge]] = {}
    for r in recharges:
        by_partner.setdefault(r.partner, []).append(r)
    for rows in by_partner.values():
        problems = _row_problems(rows)
        found += [f for _, f in problems]
        bad = {i for i, _ in problems}
        counted += [r for i, r in enumerate(rows) if i not in bad]
    return found, counted


def _taking_part(
    programme: Programme,
    options_in_use: Mapping[str, str],
    timelines: Mapping[str, Sequence[Step]],
    years: Sequence[str],
) -> dict[tuple[str, str], frozenset[str]]:
    """(service area, year) -> the partners taking part under the option in force that year (participation over
    time: ``timelines``, else the option in use in every year); absent: no option, nothing filtered."""
    partners: dict[tuple[str, str], frozenset[str]] = {}
    for service in programme.services:
        name = options_in_use.get(service.name)
        if name is None:
            continue
        steps = timelines.get(service.name)
        names = in_force(steps, years) if steps else (name,) * len(years)
        for year, option in zip(years, map(service.option, names), strict=True):
            if option is not None:
                partners[(service.name, year)] = frozenset(option.partners)
    return partners


def _match(
    key: tuple[str, str, str, str],
    stated: Mapping[RechargeDirection, _Side],
    taking_part: Mapping[tuple[str, str], frozenset[str]],
) -> RechargeMatch:
    payer, receiver, service, year = key
    paid, paid_at = stated.get(RechargeDirection.PAYS, (None, NOWHERE))
    received, received_at = stated.get(RechargeDirection.RECEIVES, (None, NOWHERE))
    part = taking_part.get((service, year))
    applies = part is None or (payer in part and receiver in part)
    return RechargeMatch(payer, receiver, service, year, paid, received, paid_at, received_at, applies)


def _ordered(programme: Programme, matches: list[RechargeMatch], years: Sequence[str]) -> list[RechargeMatch]:
    """In the programme's service and partner order, then by year (never by the order files were read)."""
    services = {name: i for i, name in enumerate(s.name for s in programme.services)}
    partners = {code: i for i, code in enumerate(programme.partner_codes)}
    year_at = {y: i for i, y in enumerate(years)}

    def key(m: RechargeMatch) -> tuple[object, ...]:
        return (
            services.get(m.service, len(services)),
            m.service,
            partners.get(m.payer, len(partners)),
            m.payer,
            partners.get(m.receiver, len(partners)),
            m.receiver,
            year_at[m.year],
        )

    return sorted(matches, key=key)


def _match_findings(matches: Sequence[RechargeMatch], partners: set[str]) -> list[Finding]:
    """One finding per charge that is not matched, its consecutive years with the same amounts together."""
    groups: dict[tuple[object, ...], list[RechargeMatch]] = {}
    for m in matches:
        if not m.matched:
            key = (m.payer, m.receiver, m.service, m.paid, m.received, m.paid_at, m.received_at)
            groups.setdefault(key, []).append(m)
    return [_unmatched(group, partners) for group in groups.values()]


def _unmatched(group: Sequence[RechargeMatch], partners: set[str]) -> Finding:
    m = group[0]
    years = m.year if len(group) == 1 else f"{group[0].year} to {group[-1].year}"
    charge = f"{m.service}, {m.payer} to {m.receiver}, {years}"
    if m.paid is not None and m.received is not None:
        message = (
            f"{charge}: {m.payer} says it pays {display(m.paid)} a year (here), {m.receiver} says it receives "
            f"{display(m.received)} (at {_at(m.received_at, m.receiver)}), difference {display(m.difference)}; "
            "agree the charge and correct one of the returns"
        )
        return Finding(Code.RECHARGE_MISMATCH, message, m.paid_at, m.difference)
    stated_by, other = (m.payer, m.receiver) if m.paid is not None else (m.receiver, m.payer)
    where = m.paid_at if m.paid is not None else m.received_at
    amount = m.paid if m.paid is not None else m.received
    verb = "pays" if m.paid is not None else "receives"
    elsewhere = (
        f"{other}'s return states no such charge on its Recharges sheet"
        if other in partners
        else f"{other} has no return in this consolidation (none came, or it was rejected)"
    )
    message = (
        f"{charge}: {stated_by} says it {verb} {display(amount or ZERO)} a year (here), but {elsewhere} "
        f"(difference {display(m.difference)}); agree the charge and state it on both returns"
    )
    return Finding(Code.RECHARGE_ONE_SIDED, message, where, m.difference)


def _at(where: Location, partner: str) -> str:
    return str(where) or f"{partner}'s return"


def _eliminations(
    programme: Programme, matches: Sequence[RechargeMatch], baseline_year: str
) -> tuple[Elimination, ...]:
    """Each service area's baseline in the baseline year: gross, the payers' charges eliminated, net."""
    names = [s.name for s in programme.services]
    names += sorted({e.service for e in programme.baseline} - set(names))
    gross = dict.fromkeys(names, ZERO)
    net = dict.fromkeys(names, ZERO)
    eliminated = dict.fromkeys(names, ZERO)
    for e in programme.baseline:
        net[e.service] += e.net
        gross[e.service] += e.net + (e.charges if e.charges is not None else ZERO)
    rows = {(e.partner, e.service) for e in programme.baseline}  # a payment is eliminated from the row holding it
    for m in matches:
        if m.year == baseline_year and m.paid is not None and (m.payer, m.service) in rows:
            eliminated[m.service] += m.paid
    return tuple(Elimination(n, gross[n], eliminated[n], net[n]) for n in names)
