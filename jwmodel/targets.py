"""Targets and double counting: how much of each partner's financial-plan savings targets the programme covers.

A partner return can state the partner's savings targets by year (its Targets sheet: a target's
name, the financial year and the saving to find, a positive figure in £000s). Each saving line can
be tagged:

* **a new saving** (``plan_partner`` blank): a saving no partner's plan counts yet;
* **in a partner's plan** (``plan_partner`` the partner, ``plan_target`` which of its targets): the
  line delivers a saving the partner's plan already counts on;
* **also claimed by** another programme (``also_claimed_by``: its name), or by another line of this
  programme (``also_claimed_by``: that line's ID).

:func:`coverage` gives, for each target and year, the saving the lines tagged to it deliver: the
partner's own share of each such line (split by the line's rule, as every figure is), phased by the
line's profile over the plan's years (``jwmodel.phasing.phase_line``), low and high, and the share of
the target that covers (a positive delivered figure is a saving; a tagged additional cost reduces it).

:func:`target_findings` are the rules over tags (consolidation runs them): a saving claimed twice
inside the programme (SAVING_CLAIMED_TWICE) or against another programme (SAVING_CLAIMED_ELSEWHERE),
and a tag naming a target the partner's return does not give (TARGET_UNKNOWN). Each is a warning:
the line is counted, and the finding says what to settle so it is counted once.
:func:`target_row_findings` is the rule over one return's targets (a target given twice for a year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from jwmodel.codes import Code
from jwmodel.findings import Finding
from jwmodel.identity import id_key
from jwmodel.model import ZERO, Programme, Range, SavingLine, SavingsTarget
from jwmodel.phasing import SAVING, PhasingError, phase_line

__all__ = ["TargetCoverage", "coverage", "target_findings", "target_row_findings"]

_TENTH = Decimal("0.1")


class Share(Protocol):
    """What :func:`coverage` reads of a consolidated line (``jwmodel.consolidation.LineShare``)."""

    kind: str
    included: bool
    line_id: str
    service: str
    shares: Mapping[str, Range]


@dataclass(frozen=True, slots=True)
class TargetCoverage:
    """One target in one year: the saving to find, what the tagged lines deliver (low, high) and the share covered.

    ``delivered_*`` is a saving as a positive figure (£000s); ``covered_*_percent`` is delivered over
    the target, to 0.1% (None for a target of 0, or a year outside the plan, whose delivery is None).
    """

    partner: str
    target: str
    year: str
    amount: Decimal
    delivered_low: Decimal | None
    delivered_high: Decimal | None
    lines: tuple[str, ...]

    @staticmethod
    def _percent(part: Decimal | None, whole: Decimal) -> Decimal | None:
        if part is None or not whole:
            return None
        return (part * 100 / whole).quantize(_TENTH)

    @property
    def covered_low_percent(self) -> Decimal | None:
        return self._percent(self.delivered_low, self.amount)

    @property
    def covered_high_percent(self) -> Decimal | None:
        return self._percent(self.delivered_high, self.amount)


def _key(partner: str, name: str) -> tuple[str, str]:
    return partner, name.strip().casefold()


def _tagged(programme: Programme) -> dict[tuple[str, str], list[SavingLine]]:
    found: dict[tuple[str, str], list[SavingLine]] = {}
    for line in programme.saving_lines:
        if line.plan_partner and line.plan_target:
            found.setdefault(_key(line.plan_partner, line.plan_target), []).append(line)
    return found


def _delivered(lines: Sequence[SavingLine], partner: str, consolidated: Sequence[Share], years: Sequence[str]):
    """(low, high) by year: the partner's share of the lines, phased, as a positive saving; None if unphaseable."""
    shares = {(x.line_id, x.service): x for x in consolidated if x.kind == SAVING and x.included}
    low = dict.fromkeys(years, ZERO)
    high = dict.fromkeys(years, ZERO)
    for line in lines:
        share = shares.get((line.line_id, line.service))
        part = share.shares.get(partner) if share is not None else None
        if part is None:
            continue
        try:
            flows = [phase_line(SAVING, bound, line.profile, years).net for bound in (part.low, part.high)]
        except PhasingError:
            return None
        for year, lo, hi in zip(years, *flows, strict=True):
            low[year] -= lo
            high[year] -= hi
    return low, high


def coverage(programme: Programme, consolidated: Sequence[Share], years: Sequence[str]) -> tuple[TargetCoverage, ...]:
    """Every target of every partner, year by year, with what the lines tagged to it deliver (see the module).

    Args:
        programme: the programme (its targets and its saving lines' tags).
        consolidated: its consolidated lines (``Consolidation.lines``): each partner's share of each line.
        years: the plan's financial years (``AppraisalSettings.plan``).
    """
    tagged = _tagged(programme)
    rows = []
    for target in programme.targets:
        lines = tagged.get(_key(target.partner, target.name), [])
        delivered = _delivered(lines, target.partner, consolidated, years) if target.year in years else None
        low, high = (None, None) if delivered is None else (delivered[0][target.year], delivered[1][target.year])
        ids = tuple(x.line_id for x in lines)
        rows.append(TargetCoverage(target.partner, target.name, target.year, target.amount, low, high, ids))
    return tuple(rows)


def _label(line: SavingLine) -> str:
    return f"{line.service}: saving line {line.line_id} '{line.description}'"


def _claim_findings(programme: Programme) -> list[Finding]:
    ids = {id_key(x.line_id): x for x in programme.saving_lines if x.line_id}
    found = []
    for line in programme.saving_lines:
        claim = line.also_claimed_by.strip()
        if not claim:
            continue
        other = ids.get(id_key(claim))
        if other is not None and other is not line:
            found.append(
                Finding(
                    Code.SAVING_CLAIMED_TWICE,
                    f"{_label(line)} says its saving is also claimed by {_label(other)}: the programme counts it "
                    "twice; keep it in one line (set the other to 0) or split it between them",
                    line.where,
                    claim,
                )
            )
        else:
            found.append(
                Finding(
                    Code.SAVING_CLAIMED_ELSEWHERE,
                    f"{_label(line)} is also claimed by {claim!r}: agree with it which one counts the saving, so "
                    "it is not counted twice",
                    line.where,
                    claim,
                )
            )
    return found


def _tag_findings(programme: Programme) -> list[Finding]:
    names: dict[str, list[str]] = {}
    for t in programme.targets:
        names.setdefault(t.partner, [])
        if t.name not in names[t.partner]:
            names[t.partner].append(t.name)
    wanted = {_key(p, n) for p, ns in names.items() for n in ns}
    found = []
    for line in programme.saving_lines:
        if line.plan_target and not line.plan_partner:
            why = f"names the plan target {line.plan_target!r} but not whose plan it is in: fill 'In the plan of'"
        elif line.plan_partner and line.plan_target and _key(line.plan_partner, line.plan_target) not in wanted:
            given = ", ".join(repr(n) for n in names.get(line.plan_partner, ())) or "none"
            why = (
                f"delivers {line.plan_partner}'s target {line.plan_target!r}, which {line.plan_partner}'s return does "
                f"not give (its targets: {given})"
            )
        else:
            continue
        found.append(Finding(Code.TARGET_UNKNOWN, f"{_label(line)} {why}", line.where, line.plan_target))
    return found


def target_findings(programme: Programme) -> tuple[Finding, ...]:
    """The rules over the lines' tags (warnings: every line is still counted); see the module docstring."""
    return (*_claim_findings(programme), *_tag_findings(programme))


def target_row_findings(targets: Sequence[SavingsTarget]) -> tuple[Finding, ...]:
    """TARGET_DUPLICATE (error) for a target a return gives twice for one year."""
    seen: set[tuple[str, str, str]] = set()
    found = []
    for t in targets:
        key = (*_key(t.partner, t.name), t.year)
        if key in seen:
            found.append(
                Finding(
                    Code.TARGET_DUPLICATE,
                    f"the target {t.name!r} is given twice for {t.year}: give each target once a year",
                    t.where,
                    t.name,
                )
            )
        seen.add(key)
    return tuple(found)
