"""Reading a folder of monitoring returns: the reading side of :func:`jwmodel.track`.

The same intake as the business case (``intake.scan_folder``, every workbook read in isolation by
``intake.extract_all``, identical copies processed once, every file held to the programme definition
by ``batch.held_to``); what is kept is the monitoring returns. A partner return or workstream proposal
in the folder is skipped, saying so; the approved version's file, when it is in the folder, is not a
submission and has no record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jwmodel.definition import ProgrammeDefinition
from jwmodel.excel.batch import held_to
from jwmodel.excel.intake import drop_identical, extract_all, scan_folder
from jwmodel.monitoring import MonitoringReturn
from jwmodel.submissions import SourceRecord, Status

__all__ = ["read_monitoring_folder", "settle_records", "NOT_MONITORING"]

NOT_MONITORING = "not a monitoring return: tracking reads monitoring returns only (consolidate reads this one)"


def read_monitoring_folder(
    folder: str | Path,
    *,
    definition: ProgrammeDefinition | None,
    workers: int | None = None,
    extractor: Callable[..., Any] | None = None,
    leave_out: Sequence[Path] = (),
) -> tuple[list[MonitoringReturn], list[SourceRecord]]:
    """The monitoring returns read from ``folder`` (top level) and a record for every file in it.

    Args:
        folder: the folder of returns.
        definition: the programme every file is held to (its Lists sheet), or None.
        workers: worker processes (default: the cores available; 0 reads in this process).
        extractor: an alternative to ``intake.extract_all`` with its signature.
        leave_out: files that are not submissions (the version file beside the returns).
    """
    candidates, records = scan_folder(Path(folder))
    skip = {Path(p).resolve() for p in leave_out}
    records = [r for r in records if (Path(folder) / r.file).resolve() not in skip]
    candidates = [p for p in candidates if p.resolve() not in skip]
    extracted = drop_identical((extractor or extract_all)(candidates, workers=workers))
    returns: list[MonitoringReturn] = []
    for item in extracted:
        submission, record = held_to(item, definition) if definition is not None else item
        if isinstance(submission, MonitoringReturn):
            returns.append(submission)
        elif submission is not None:
            record = dataclasses.replace(record, status=Status.SKIPPED, taken=NOT_MONITORING, findings=())
        records.append(record)
    return returns, sorted(records, key=lambda r: r.file)


def settle_records(records: Sequence[SourceRecord], left_out: Mapping[str, str]) -> tuple[SourceRecord, ...]:
    """The register with each return that does not count marked: superseded, skipped (a draft left out), or
    rejected (covers that do not say which of several returns is the latest)."""
    settled = []
    for r in records:
        why = left_out.get(r.file)
        if why is not None:
            status = (
                Status.SUPERSEDED
                if why.startswith("superseded")
                else Status.SKIPPED
                if why.startswith("a draft")
                else Status.REJECTED
            )
            r = dataclasses.replace(r, status=status, taken=f"{r.taken}; not counted: {why}" if r.taken else why)
        settled.append(r)
    return tuple(settled)
