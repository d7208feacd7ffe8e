"""What the xlwings Server task pane shows: the folders and returns it may offer, and the status of a
run or a check, as plain data the pane's templates lay out.

Nothing here reads a return or consolidates: the run and the report come from the public service
layer (``jwmodel.consolidate_folder``, ``jwmodel.check_files``). Every path shown is relative to the
returns root (``JWADDIN_RETURNS_ROOT``), never the server's own.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jwmodel
from jwmodel.findings import Severity
from jwmodel.report_text import incomplete_banner, money, sources_line
from jwmodel.submissions import Status
from jwmodel.tables.outputs import SOURCES, flat, sources_rows

__all__ = ["MAX_LISTED", "RunStatus", "CheckStatus", "folders_under", "returns_in", "run_status", "check_status"]

MAX_LISTED = 500  # folders or files offered in one drop-down
_DEPTH = 3  # folder levels under the root offered
_STATUSES = (Status.ACCEPTED, Status.WARNINGS, Status.PARTLY, Status.REJECTED, Status.SUPERSEDED, Status.SKIPPED)


def folders_under(root: Path) -> list[str]:
    """The folders under ``root`` (up to three levels, symbolic links not followed, hidden ones left
    out), relative to it, sorted: what "Consolidate returns" offers."""
    found = []
    for here, dirs, _ in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(here) / d).is_symlink())
        depth = len(Path(here).relative_to(root).parts)
        if depth >= _DEPTH:
            dirs[:] = []
        found += [(Path(here) / d).relative_to(root).as_posix() for d in dirs]
        if len(found) >= MAX_LISTED:
            break
    return sorted(found)[:MAX_LISTED]


def returns_in(folder: Path) -> list[str]:
    """The .xlsx files directly in ``folder`` (not symbolic links), by name: what "Check one return" offers."""
    names = [p.name for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and p.is_file() and not p.is_symlink()]
    return sorted(n for n in names if not n.startswith(("~$", ".~lock")))[:MAX_LISTED]


@dataclass(frozen=True, slots=True)
class RunStatus:
    """A consolidation as the pane shows it."""

    folder: str
    banner: str  # "INCOMPLETE: ..." or ""
    files_line: str  # "Files: 10 seen = 8 accepted + ..."
    counts: tuple[tuple[str, int], ...]  # (status, files) in the register's order
    errors: int
    warnings: int
    totals: tuple[tuple[str, str, str], ...]  # (what, low, high), £000s as Appendix A shows them
    files: tuple[tuple[str, str, str], ...]  # (file, status, reasons)


@dataclass(frozen=True, slots=True)
class CheckStatus:
    """One return's check as the pane shows it."""

    file: str
    status: str
    ok: bool
    taken: str
    findings: tuple[tuple[str, str, str, str], ...]  # (severity, code, where, message)


def _severities(findings) -> tuple[int, int]:
    return (
        sum(1 for f in findings if f.severity is Severity.ERROR),
        sum(1 for f in findings if f.severity is Severity.WARNING),
    )


def run_status(folder: str, run: jwmodel.Run, shown: Callable[[str], str] = str) -> RunStatus:
    """The status of ``run`` (from ``jwmodel.consolidate_folder``), its text passed through ``shown``."""
    errors, warnings = _severities(run.findings)
    total = run.consolidation.total if run.usable else None
    totals = (
        (
            ("Recurring cost/(saving)", money(total.recurring.low), money(total.recurring.high)),
            ("One-off costs", money(total.one_off.low), money(total.one_off.high)),
        )
        if total is not None
        else ()
    )
    keys = SOURCES.keys
    file, status, reasons = keys.index("file"), keys.index("status"), keys.index("reasons")
    files = tuple((shown(r[file]), r[status], shown(flat(r[reasons]))) for r in sources_rows(run.sources))
    return RunStatus(
        folder=folder,
        banner=shown(incomplete_banner(run.sources, run.findings)),
        files_line=sources_line(run.sources),
        counts=tuple((str(st), sum(1 for s in run.sources if s.status == st)) for st in _STATUSES),
        errors=errors,
        warnings=warnings,
        totals=totals,
        files=files,
    )


def check_status(report: jwmodel.Report, shown: Callable[[str], str] = str) -> CheckStatus:
    """The status of one file's check (from ``jwmodel.check_files``), its text passed through ``shown``."""
    findings = tuple(
        (
            str(f.severity),
            str(f.code),
            shown(str(dataclasses.replace(f.where, file=""))),
            shown(f.message),
        )
        for f in report.findings
    )
    return CheckStatus(shown(report.file), report.status, report.ok, shown(report.taken), findings)
