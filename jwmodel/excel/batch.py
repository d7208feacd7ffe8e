"""One batch: scan a folder, read every workbook in isolation, resolve duplicates and
resubmissions, and consolidate. Shared by the command line, the add-in's scripts and the benchmark.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jwmodel.consolidation import Consolidation, consolidate
from jwmodel.excel.intake import Admission, Extracted, extract_all, scan_folder
from jwmodel.findings import Finding
from jwmodel.model import Programme, ServiceArea
from jwmodel.submissions import PartnerReturn, SourceRecord, Status, WorkstreamProposal, assemble, latest

__all__ = ["Batch", "run_batch", "settle"]


@dataclass(frozen=True, slots=True)
class Batch:
    result: Consolidation | None
    sources: tuple[SourceRecord, ...]
    timings: dict[str, float] = field(default_factory=dict)
    financial_year: str = ""  # the one most accepted submissions give on their covers
    programme: Programme | None = None

    @property
    def rejected(self) -> int:
        return sum(1 for s in self.sources if s.status == Status.REJECTED)


def _progress(total: int, show: bool | None):
    from tqdm import tqdm

    bar = tqdm(
        total=total, desc="Reading", unit="file", disable=(not show) if show is not None else None, file=sys.stderr
    )
    rejected = 0

    def update(outcome: tuple[object, SourceRecord]) -> None:
        nonlocal rejected
        rejected += outcome[1].status == Status.REJECTED
        bar.set_postfix_str(f"{rejected} rejected", refresh=False)
        bar.update(1)

    return bar, update


CHUNK = 1024  # files extracted at a time: memory holds one chunk of records, not the whole folder


def _extract_compact(extractor, paths, workers, on_result) -> list[Extracted]:
    """Extract ``paths`` a chunk at a time, keeping in full only the submissions that can still be used.

    Several submissions from one partner (or for one service area) are resolved by their covers
    (``assemble``): only one that beats all the others can be used. After each chunk, every
    submission that no longer can (it does not beat one of the others) keeps its cover, file,
    partner or service and programme lists, and drops its figures: ``assemble`` gives the same
    programme, outcomes and findings, and memory stays flat however many resubmissions the
    folder holds. Each record goes through ``intake.Admission`` first (identical copies of
    accepted content, the per-file boundary for unexpected errors).
    """
    admit = Admission()
    kept: list[Extracted] = []
    groups: dict[tuple[str, str], list[int]] = {}  # (kind, partner or service) -> indexes in ``kept``
    for start in range(0, len(paths), CHUNK):
        touched = set()
        for item in extractor(paths[start : start + CHUNK], workers=workers, on_result=on_result):
            submission, record = admit(item)
            key = (
                ("return", submission.partner.code)
                if isinstance(submission, PartnerReturn)
                else ("proposal", submission.service.name)
                if isinstance(submission, WorkstreamProposal)
                else None
            )
            if key is not None:
                groups.setdefault(key, []).append(len(kept))
                touched.add(key)
            kept.append((submission, record))
        for key in touched:
            group = groups[key]
            final = latest([kept[i][0].cover for i in group]) if len(group) > 1 else 0  # type: ignore[union-attr]
            for n, i in enumerate(group):
                submission, record = kept[i]
                if n != final and not _is_stub(submission):
                    kept[i] = (_stub(submission), record)
    return kept


def _stub(x: PartnerReturn | WorkstreamProposal) -> PartnerReturn | WorkstreamProposal:
    if isinstance(x, PartnerReturn):
        return dataclasses.replace(x, baseline=(), control_total=None)
    return dataclasses.replace(
        x, service=ServiceArea(x.service.name, (), x.service.where), saving_lines=(), one_off_costs=(), drivers=()
    )


def _is_stub(x: object) -> bool:
    if isinstance(x, PartnerReturn):
        return not x.baseline and x.control_total is None
    return isinstance(x, WorkstreamProposal) and not (
        x.service.options or x.saving_lines or x.one_off_costs or x.drivers
    )


def settle(
    extracted: Sequence[Extracted], skipped: Sequence[SourceRecord]
) -> tuple[Programme, tuple[SourceRecord, ...], str]:
    """From read files to a programme and the intake register: resubmissions resolved by their
    covers, every file's final status and reasons, reading findings carried into the programme.

    ``extracted`` has identical copies already resolved (``drop_identical``); ``skipped`` holds the
    records of files that were never read. Returns the programme, the register sorted by file name,
    and the financial year most of the used submissions give.
    """
    returns = [x for x, _ in extracted if isinstance(x, PartnerReturn)]
    proposals = [x for x, _ in extracted if isinstance(x, WorkstreamProposal)]
    assembly = assemble(returns, proposals)
    sources: list[SourceRecord] = []
    for _, record in extracted:
        outcome = assembly.outcomes.get(record.file)
        if outcome is not None:
            status, finding = outcome
            record = dataclasses.replace(record, status=status, findings=(*record.findings, finding))
        sources.append(record)
    sources = sorted([*sources, *skipped], key=lambda r: r.file)
    reading: tuple[Finding, ...] = tuple(
        f for s in sources for f in s.findings if s.status != Status.SUPERSEDED or f.code != "SUPERSEDED"
    )
    programme = dataclasses.replace(
        assembly.programme, findings=reading + tuple(f for f in assembly.programme.findings if f.code == "SUPERSEDED")
    )
    years = Counter(
        x.cover.financial_year
        for x in [*returns, *proposals]
        if x.cover.financial_year and assembly.outcomes.get(x.file) is None
    )
    year = max(sorted(years), key=lambda y: years[y]) if years else ""
    return programme, tuple(sources), year


def run_batch(
    folder: str | Path,
    *,
    options: Mapping[str, str] | None = None,
    workers: int | None = None,
    progress: bool | None = None,
    extractor=None,
) -> Batch:
    """Everything from a folder of submissions to a consolidation and its intake register.

    Args:
        folder: the folder of submitted files (only its top level is read).
        options: service area -> participation option.
        workers: worker processes (default: the cores available; 0 reads in this process).
        progress: show a progress bar (default: only on a terminal).
        extractor: an alternative to ``extract_all`` with the same signature (e.g. on Dask).
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    candidates, records = scan_folder(Path(folder))
    timings["scan"] = time.perf_counter() - clock

    clock = time.perf_counter()
    bar, update = _progress(len(candidates), progress)
    with bar:
        extracted = _extract_compact(extractor or extract_all, candidates, workers, update)
    timings["read"] = time.perf_counter() - clock

    clock = time.perf_counter()
    programme, sources, year = settle(extracted, records)
    timings["assemble"] = time.perf_counter() - clock
    if not programme.partners and not programme.services:
        return Batch(None, sources, timings, year, programme)
    clock = time.perf_counter()
    result = consolidate(programme, options=options)
    timings["consolidate"] = time.perf_counter() - clock
    return Batch(result, sources, timings, year, programme)
