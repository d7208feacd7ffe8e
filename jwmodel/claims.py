"""Double counting: the rules over saving lines' tags and partners' savings targets (consolidation runs them).

A saving line can be tagged (``jwmodel.targets`` says how a tag counts towards a target): in a
partner's plan (``plan_partner``, ``plan_target``), or also claimed by another programme or another
line of this one (``also_claimed_by``). :func:`target_findings` flags a saving claimed twice inside
the programme (SAVING_CLAIMED_TWICE) or against another programme (SAVING_CLAIMED_ELSEWHERE), and a
tag naming a target the partner's return does not give (TARGET_UNKNOWN); each is a warning: the line
is counted, the finding says what to settle so it is counted once. :func:`target_row_findings` is
the single-file rule over one return's targets (a target given twice for a year).
"""

from __future__ import annotations

from collections.abc import Sequence

from jwmodel.codes import Code
from jwmodel.findings import Finding
from jwmodel.identity import id_key
from jwmodel.model import Programme, SavingLine, SavingsTarget

__all__ = ["target_key", "target_findings", "target_row_findings"]


def target_key(partner: str, name: str) -> tuple[str, str]:
    """How a tag's target is matched to a return's target: the partner, and the name ignoring case and spaces."""
    return partner, name.strip().casefold()


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
    wanted = {target_key(p, n) for p, ns in names.items() for n in ns}
    found = []
    for line in programme.saving_lines:
        if line.plan_target and not line.plan_partner:
            why = f"names the plan target {line.plan_target!r} but not whose plan it is in: fill 'In the plan of'"
        elif line.plan_partner and line.plan_target and target_key(line.plan_partner, line.plan_target) not in wanted:
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
        key = (*target_key(t.partner, t.name), t.year)
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
