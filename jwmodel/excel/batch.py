"""Reading a folder of submissions: the reading side of :func:`jwmodel.consolidate_folder`.

Scan a folder, read every workbook in isolation, resolve identical copies and resubmissions, skip
jwmodel's own outputs, and give the programme with its intake register. Orchestration (what is
consolidated, appraised and written) lives in :mod:`jwmodel.service`; this module only reads.
"""

from __future__ import annotations

import dataclasses
import gc
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from jwmodel.definition import ProgrammeDefinition, assumed, in_programme_terms, list_findings
from jwmodel.excel.intake import Admission, Extracted, failed, reader_pool, scan_folder
from jwmodel.excel.schema import LISTS
from jwmodel.excel.xlsx_cells import OUTPUT_PROPERTY
from jwmodel.findings import Finding, Location
from jwmodel.model import Programme, ServiceArea
from jwmodel.monitoring import Received, received
from jwmodel.submissions import (
    PartnerReturn,
    ProgrammeSetup,
    SourceRecord,
    Status,
    WorkstreamProposal,
    assemble,
    latest,
)

__all__ = ["Reading", "read_folder", "settle", "held_to", "is_output"]


@dataclass(frozen=True, slots=True)
class Reading:
    """A folder as read: the programme, the intake register and the financial year on the covers."""

    programme: Programme
    sources: tuple[SourceRecord, ...]
    financial_year: str = ""  # the one most used submissions give on their covers
    definition: ProgrammeDefinition | None = None  # the one every file was held to (given or assumed)
    received: tuple[Received, ...] = ()  # the returns and proposals read, with their covers (who sent what, when)


@contextmanager
def _no_collections() -> Iterator[None]:
    """No garbage collection while the folder is read and assembled; what was allocated meanwhile (the
    records read among it) then joins the oldest generation without being scanned.

    The records hold no reference cycles, so a collection would only rescan them. The reader pool holds
    collections off while records arrive (``intake``), but the first allocation after it (admitting
    them) set off a collection of every object read, and assembling a full one: 0.04-0.1 s at 1,000
    files, in this process alone while the workers wait. Objects no longer used are still freed
    meanwhile (by reference counting); a cycle would be collected by the next full collection.
    """
    collecting, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # everything allocated meanwhile out of the young generations, unscanned,
        if not frozen:  # and into the oldest (frozen by a caller: left to it)
            gc.unfreeze()
        if collecting:
            gc.enable()


def _progress(total: int, show: bool | None):
    from jwmodel.excel.progress import bar as progress_bar

    bar = progress_bar(show, total=total, desc="Reading", unit="file")
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
    (``assemble``): only one that beats all the others can be used. After each chunk but the last,
    every submission that no longer can (it does not beat one of the others) keeps its cover, file,
    partner or service and programme lists, and drops its figures: ``assemble`` gives the same
    programme, outcomes and findings, and memory stays flat however many resubmissions the
    folder holds. (After the last chunk nothing more is read: assembling follows at once, and what
    it does not use is dropped with the rest.) Each record goes through ``intake.Admission`` first
    (identical copies of accepted content, the per-file boundary for unexpected errors).

    Submissions are grouped with their Lists sheet too: whether a file is held to the programme
    depends on its lists alone (``settle`` decides it once every file is read), so a group is kept or
    rejected whole, and the final submission of the files that remain is always one kept in full.
    """
    admit = Admission()
    kept: list[Extracted] = []
    groups: dict[tuple[object, ...], list[int]] = {}  # (kind, partner or service, lists) -> indexes in ``kept``
    for start in range(0, len(paths), CHUNK):
        last = start + CHUNK >= len(paths)
        touched = set()
        for item in extractor(paths[start : start + CHUNK], workers=workers, on_result=on_result):
            submission, record = admit(item)
            key = (
                None
                if last
                else ("return", submission.partner.code, submission.setup)
                if isinstance(submission, PartnerReturn)
                else ("proposal", submission.service.name, submission.setup)
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
        return dataclasses.replace(x, baseline=(), control_total=None, targets=())
    return dataclasses.replace(
        x, service=ServiceArea(x.service.name, (), x.service.where), saving_lines=(), one_off_costs=(), drivers=()
    )


def _is_stub(x: object) -> bool:
    if isinstance(x, PartnerReturn):
        return not x.baseline and x.control_total is None and not x.targets
    return isinstance(x, WorkstreamProposal) and not (
        x.service.options or x.saving_lines or x.one_off_costs or x.drivers
    )


def held_to(
    item: Extracted, definition: ProgrammeDefinition, passed: dict[int, ProgrammeSetup] | None = None
) -> Extracted:
    """One read file held to the programme definition: rejected, with every list entry it adds or changes
    located (``definition.list_findings``), or its submission in the programme's terms.

    A file already rejected is left as it is. An unexpected error rejects this file only. ``passed``, if
    given, remembers the lists found to pass (by identity: the intake shares one copy of identical lists
    among the files of a folder), so each copy is compared with the definition once.
    """
    submission, record = item
    if submission is None:
        return item
    try:
        lists = submission.setup or ProgrammeSetup((), ())
        if passed is None or passed.get(id(lists)) is not lists:
            found = list_findings(definition, lists, record.file, sheet=LISTS)
            if found:
                return None, dataclasses.replace(
                    record, status=Status.REJECTED, taken="", findings=(*record.findings, *found)
                )
            if passed is not None:
                passed[id(lists)] = lists
        return in_programme_terms(submission, definition), record
    except Exception as exc:  # the per-file boundary: one file's fault never stops the batch
        return failed(record.file, exc, "holding it to the programme definition", record.sha256, record.kind)


def _held(extracted: Sequence[Extracted], definition: ProgrammeDefinition) -> list[Extracted]:
    """Every file held to the definition; a copy skipped as identical to a file now rejected is rejected too,
    with the same findings located in it (it has the same content, and gets its own receipt)."""
    passed: dict[int, ProgrammeSetup] = {}
    held = [held_to(item, definition, passed) for item in extracted]
    rejected = {
        record.sha256: record
        for (before, _), (after, record) in zip(extracted, held, strict=True)
        if before is not None and after is None and record.sha256
    }
    out: list[Extracted] = []
    for submission, record in held:
        first = rejected.get(record.sha256) if record.status == Status.SKIPPED else None
        if first is not None:
            findings = tuple(dataclasses.replace(f, where=_moved(f.where, record.file)) for f in first.findings)
            record = dataclasses.replace(record, status=Status.REJECTED, taken="", findings=findings)
        out.append((submission, record))
    return out


def _moved(where: Location, file: str) -> Location:
    return dataclasses.replace(where, file=file) if where.file else where


def _programme_for(
    extracted: Sequence[Extracted], definition: ProgrammeDefinition | None, folder: str
) -> tuple[ProgrammeDefinition | None, Finding | None]:
    """The definition given, or the lists most of the files read share (files by name), with the warning."""
    if definition is not None:
        return definition, None
    ordered = sorted(
        ((record.file, submission.setup) for submission, record in extracted if submission is not None),
        key=lambda x: x[0],
    )
    return assumed([setup for _, setup in ordered], folder=folder)


def settle(
    extracted: Sequence[Extracted],
    skipped: Sequence[SourceRecord],
    definition: ProgrammeDefinition | None = None,
    *,
    folder: str = "",
) -> tuple[Programme, tuple[SourceRecord, ...], str, ProgrammeDefinition | None]:
    """From read files to a programme and the intake register: every file held to the programme
    definition, resubmissions resolved by their covers, every file's final status and reasons,
    reading findings carried into the programme.

    ``extracted`` has identical copies already resolved (``drop_identical``); ``skipped`` holds the
    records of files that were never read. Without a ``definition`` the lists most files share are
    the programme's, with a PROGRAMME_ASSUMED warning (``folder`` names where ``programme.json`` is
    missing). The programme's partners and service areas are in the definition's order. Returns the
    programme, the register sorted by file name, the financial year most of the used submissions give,
    and the definition the files were held to (None when no file gave any list).
    """
    definition, warning = _programme_for(extracted, definition, folder)
    if definition is not None:
        extracted = _held(extracted, definition)
    returns = [x for x, _ in extracted if isinstance(x, PartnerReturn)]
    proposals = [x for x, _ in extracted if isinstance(x, WorkstreamProposal)]
    assembly = assemble(returns, proposals, order=definition.setup if definition is not None else None)
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
        assembly.programme,
        findings=(*([warning] if warning else []), *reading)
        + tuple(f for f in assembly.programme.findings if f.code == "SUPERSEDED"),
    )
    years = Counter(
        x.cover.financial_year
        for x in [*returns, *proposals]
        if x.cover.financial_year and assembly.outcomes.get(x.file) is None
    )
    year = max(sorted(years), key=lambda y: years[y]) if years else ""
    return programme, tuple(sources), year, definition


OUTPUT_SKIPPED = "an output jwmodel wrote (a consolidated workbook or a receipt), not a submission: skipped"


def is_output(path: Path) -> bool:
    """Whether ``path`` is a workbook jwmodel wrote (it carries :data:`OUTPUT_PROPERTY`).

    Only the small custom-properties part is looked at.
    """
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/custom.xml")
            if info.file_size > 65_536:
                return False
            return f'name="{OUTPUT_PROPERTY}"'.encode() in z.read(info)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
        return False


def _skip_outputs(extracted: list[Extracted], paths: Sequence[Path]) -> list[Extracted]:
    """Our own outputs are skipped, not rejected. Only a file the reader took apart and found to be
    no template (so the package guard passed it in the worker) is opened here, in this process."""
    by_name = {p.name: p for p in paths}
    kept = []
    for submission, record in extracted:
        path = by_name.get(record.file)
        not_a_template = record.status == Status.REJECTED and {f.code for f in record.findings} == {"NOT_A_TEMPLATE"}
        if not_a_template and path is not None and is_output(path):
            record = dataclasses.replace(record, status=Status.SKIPPED, taken=OUTPUT_SKIPPED, findings=())
        kept.append((submission, record))
    return kept


Extractor = Callable[..., list[Extracted]]


def read_folder(
    folder: str | Path,
    *,
    workers: int | None = None,
    progress: bool | None = None,
    extractor: Extractor | None = None,
    timings: MutableMapping[str, float] | None = None,
    definition: ProgrammeDefinition | None = None,
) -> Reading:
    """Scan ``folder`` (its top level), read every workbook in isolation and settle the register.

    Args:
        folder: the folder of submitted files.
        definition: the programme every file is held to (default: the lists most files share, with a warning).
        workers: worker processes (default: the cores available; 0 reads in this process).
        progress: show a progress bar (default: only on a terminal).
        extractor: an alternative to ``extract_all`` with the same signature (e.g. on Dask).
        timings: where to record the seconds taken by ``scan``, ``read`` and ``assemble``.
    """
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    candidates, records = scan_folder(Path(folder))
    timings["scan"] = time.perf_counter() - clock

    clock = time.perf_counter()
    pooled = extractor is None and workers != 0  # read in this process (0) or by Dask's client: cycles are made
    with _no_collections() if pooled else nullcontext():
        bar, update = _progress(len(candidates), progress)
        with bar, reader_pool() as local:  # workers forked once, before records accumulate, for every chunk
            extracted = _extract_compact(extractor or local, candidates, workers, update)
        timings["read"] = time.perf_counter() - clock

        clock = time.perf_counter()
        from jwmodel.excel.progress import stage

        with stage("assembling", show=progress), _no_collections():
            kept = _skip_outputs(extracted, candidates)
            programme, sources, year, definition = settle(kept, records, definition, folder=str(folder))
            found = received([x for x, _ in kept])
    timings["assemble"] = time.perf_counter() - clock
    return Reading(programme, sources, year, definition, found)
