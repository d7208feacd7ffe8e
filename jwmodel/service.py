"""The service layer: one pipeline behind every surface.

``jwmodel consolidate``, ``jwmodel compare``, ``jwmodel check``, the add-in's script and Python
users all call these functions; none of them orchestrates on its own.

>>> import jwmodel
>>> run = jwmodel.consolidate_folder("workbooks/examples/hampshire-2012")  # doctest: +SKIP
>>> run.to_pandas("partners")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from jwmodel.business_case import AppraisalSettings, ProgrammeAppraisal, appraise_programme, options_by_year
from jwmodel.codes import Code
from jwmodel.consolidation import Consolidation, consolidate
from jwmodel.definition import DefinitionError, ProgrammeDefinition
from jwmodel.errors import JwmodelError
from jwmodel.findings import Finding, Severity
from jwmodel.model import Programme
from jwmodel.monitoring import business_case_dues
from jwmodel.phasing import DEFAULT_FIRST_YEAR
from jwmodel.submissions import SourceRecord, Status
from jwmodel.tables import Kind, Table
from jwmodel.tables.outputs import OUTPUTS, Output, flat, printable
from jwmodel.version import VERSION

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from jwmodel.changes import Changes, Moved
    from jwmodel.leaving import LeaverStatement
    from jwmodel.monitoring import Outstanding, Received
    from jwmodel.targets import TargetCoverage
    from jwmodel.versions import Version

__all__ = [
    "Run",
    "Report",
    "UsageError",
    "consolidate_folder",
    "check_files",
    "compare",
    "leaver_statement",
    "write_leaver",
    "option_problems",
    "DEFAULT_FIRST_YEAR",
    "write_templates",
    "version_of",
    "save_version",
    "load_version",
    "Verification",
    "verify_version",
    "compare_versions",
    "write_changes",
    "Tracking",
    "track",
    "TrueUpRun",
    "true_up",
]


class UsageError(JwmodelError, ValueError):
    """The call itself is wrong (not a folder, an option that does not exist); nothing was done."""


def option_problems(programme: Programme, options: Mapping[str, str]) -> list[str]:
    """Why ``options`` (service area -> option; "*" for every service area) cannot be used here.

    Each problem names the service areas or options that do exist. Empty when all are usable.
    """
    problems: list[str] = []
    services = ", ".join(f"'{s.name}'" for s in programme.services) or "none"
    for service, option in options.items():
        if service == "*":
            if not any(s.option(option) for s in programme.services):
                names = sorted({o.name for s in programme.services for o in s.options})
                problems.append(
                    f"no service area has a participation option '{option}'; options are: "
                    + (", ".join(f"'{n}'" for n in names) or "none")
                )
            continue
        area = programme.service(service)
        if area is None:
            problems.append(f"'{service}' is not a service area; service areas are: {services}")
        elif area.option(option) is None:
            names = ", ".join(f"'{o.name}'" for o in area.options) or "none"
            problems.append(f"{service}: there is no participation option '{option}'; its options are: {names}")
    return problems


def _check_options(programme: Programme, options: Mapping[str, str]) -> None:
    problems = option_problems(programme, options)
    if problems:
        raise UsageError("; ".join(problems))


def _mark_errors(sources: Sequence[SourceRecord], findings: Sequence[Finding]) -> tuple[SourceRecord, ...]:
    """A used file with an error finding located in it is not "accepted": it is used in part.

    A used file's own reading findings are never errors (the reader rejects a file with one), so
    every error located in it here was found while consolidating.
    """
    errors: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity is Severity.ERROR and f.where.file:
            errors.setdefault(f.where.file, []).append(f)
    marked = []
    for s in sources:
        found = errors.get(s.file, ())
        if found and s.status in (Status.ACCEPTED, Status.WARNINGS):
            counted = f"{len(found)} error{'s' if len(found) > 1 else ''}: the figures concerned are not counted"
            s = dataclasses.replace(
                s,
                status=Status.PARTLY,
                taken=f"{s.taken}; {counted}" if s.taken else counted,
                findings=(*s.findings, *found),
            )
        marked.append(s)
    return tuple(marked)


@dataclass(frozen=True, slots=True)
class Report:
    """One file's check: what it is, what became of it and every finding located in it."""

    file: str
    status: str
    kind: str
    findings: tuple[Finding, ...] = ()
    taken: str = ""
    held_to_programme: bool = True  # False: no programme definition was found, so its Lists went unchecked

    @property
    def ok(self) -> bool:
        """True when the file would be used whole: accepted, with no error finding."""
        return self.status in (Status.ACCEPTED, Status.WARNINGS) and not any(
            f.severity is Severity.ERROR for f in self.findings
        )


ProgrammeSource = ProgrammeDefinition | str | Path  # a definition, or the path of its file (programme.json)


def _definition(programme: ProgrammeSource | None, folder: Path | None) -> ProgrammeDefinition | None:
    """The definition given, read from the path given, or ``folder``'s programme.json; None without one.

    Raises:
        UsageError: the definition's file cannot be read or is not a usable definition (one line).
    """
    from jwmodel.excel.programme_file import beside, read_definition

    if isinstance(programme, ProgrammeDefinition):
        return programme
    path = Path(programme) if programme is not None else beside(folder) if folder is not None else None
    if path is None:
        return None
    try:
        return read_definition(path)
    except DefinitionError as exc:
        raise UsageError(str(exc)) from exc


def check_files(
    paths: Iterable[str | Path],
    *,
    workers: int | None = None,
    programme: ProgrammeSource | None = None,
    isolated: bool = True,
) -> list[Report]:
    """Check files before sending them, with the same reader and rules as ``consolidate_folder``.

    Each file is read in a worker process (at least one, whatever ``workers`` says), so a file that
    crashes or hangs the reader is reported for that file and cannot stop the process.

    Args:
        paths: the files to check.
        workers: worker processes (default: as many as the cores available, at most one a file).
        programme: the programme definition each file is held to (or its path); by default the
            ``programme.json`` beside each file, and none where there is none.
        isolated: False reads in this process, for runtimes with no worker processes (xlwings Lite).

    Returns:
        One :class:`Report` per path, in the order given.

    Raises:
        UsageError: the programme definition cannot be read or used (before any file is read).
    """
    from jwmodel.excel.batch import held_to
    from jwmodel.excel.intake import default_workers, extract_all

    paths = [Path(p) for p in paths]
    given = _definition(programme, None)
    beside = {} if given is not None else {folder: _definition(None, folder) for folder in {p.parent for p in paths}}
    count = max(1, min(workers if workers is not None else default_workers(), len(paths))) if isolated else 0
    reports = []
    for path, item in zip(paths, extract_all(paths, workers=count), strict=True):
        definition = given or beside.get(path.parent)
        _, r = held_to(item, definition) if definition is not None else item
        reports.append(Report(r.file, str(r.status), str(r.kind), tuple(r.findings), r.taken, definition is not None))
    return reports


@dataclass(frozen=True, slots=True)
class Run:
    """One consolidation of a folder: what was read, consolidated and appraised, and how long it took.

    ``consolidation.findings`` holds every finding (reading, consolidation and appraisal), as does
    ``findings``. ``sources`` is the intake register, with each file's final status.
    """

    folder: Path
    programme: Programme
    consolidation: Consolidation
    appraisal: ProgrammeAppraisal
    sources: tuple[SourceRecord, ...]
    findings: tuple[Finding, ...]
    timings: Mapping[str, float]
    financial_year: str = ""
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    settings: AppraisalSettings = AppraisalSettings()
    read_sources: tuple[SourceRecord, ...] = field(default=(), repr=False)  # the register before consolidation
    definition: ProgrammeDefinition | None = None  # the programme every file was held to (given, or assumed)
    outstanding: tuple[Outstanding, ...] = ()  # business-case returns the definition's schedule lists, late or not come
    as_of: str = ""  # the date (ISO) ``outstanding`` is counted to

    @property
    def chase(self) -> tuple[Outstanding, ...]:
        """The chase list: the business-case returns due that have not come."""
        return tuple(o for o in self.outstanding if o.chase)

    @property
    def usable(self) -> bool:
        """False when no partner return or workstream proposal could be used."""
        return bool(self.programme.partners or self.programme.services)

    @property
    def rejected(self) -> int:
        return sum(1 for s in self.sources if s.status == Status.REJECTED)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def complete(self) -> bool:
        """No file rejected and no error finding: every figure sent is counted."""
        return not self.rejected and not self.errors

    def with_options(self, options: Mapping[str, str], *, settings: AppraisalSettings | None = None) -> Run:
        """The same reading consolidated under other participation options (nothing is read again).

        Raises:
            UsageError: an option or service area that does not exist (naming those that do).
        """
        options = dict(options)
        _check_options(self.programme, options)
        run = _consolidated(
            self.folder,
            self.programme,
            self.read_sources,
            self.financial_year,
            options,
            settings or self.settings,
            dict(self.timings),
        )
        return _with_outstanding(dataclasses.replace(run, definition=self.definition), self.outstanding, self.as_of)

    # Outputs -----------------------------------------------------------------------------------

    def write_workbook(self, path: str | Path, *, progress: bool | None = False) -> Path:
        """The consolidated workbook (Summary, Baseline, ..., Sources, Read me), written atomically.

        ``progress``: show "Writing the workbook" counting its sheets (None: on a terminal only).
        """
        name = self.definition.name if self.definition is not None else ""
        return _write_workbook(path, self.consolidation, name, self.workbook_rest, progress, self.appraisal is not None)

    def workbook_rest(self) -> Any:
        """What the workbook shows besides the consolidated figures (``excel.report.Rest``)."""
        from jwmodel.excel.report import Rest

        return Rest(self.consolidation, self.sources, self.appraisal, self.programme_line)

    @property
    def programme_line(self) -> str:
        """Which programme definition this run was held to, in one line ('' when there was none)."""
        if self.definition is None:
            return ""
        assumed = any(f.code == Code.PROGRAMME_ASSUMED for f in self.findings)
        return self.definition.described(assumed=assumed)

    def write_model(self, path: str | Path) -> Path:
        """The model workbook: the input tables with live JW_ formulas, filled from this run."""
        from jwmodel.excel.atomic import check_target
        from jwmodel.excel.model_workbook import write_model_workbook

        return write_model_workbook(
            check_target(path), self.programme, self.consolidation, self.sources, appraisal=self.appraisal
        )

    # --- the committee appendix (issue 13, part 4) ---------------------------------------------

    def write_appendix(self, path: str | Path, *, workbook: str | Path | None = None) -> tuple[Path, Path | None]:
        """The financial appendix as a Word document, and the workbook's summary pages as a PDF.

        Args:
            path: the .docx to write (atomically).
            workbook: the consolidated workbook already written; its Summary is rendered by
                LibreOffice to ``path`` with the suffix .pdf.

        Returns:
            (the .docx, the .pdf or None when no workbook was given or LibreOffice is not installed).

        Raises:
            UsageError: python-docx or matplotlib is not installed (``pip install 'jwmodel[appendix]'``).
        """
        from jwmodel.excel.atomic import check_target

        try:
            from jwmodel.excel.appendix import summary_pdf, write_appendix
        except ImportError as exc:
            raise UsageError(
                f"the appendix needs python-docx and matplotlib ({exc.name} is missing): "
                "pip install 'jwmodel[appendix]'"
            ) from exc
        from jwmodel.excel.libreoffice import LibreOfficeError

        docx_path = write_appendix(
            check_target(path), self.consolidation, self.appraisal, self.sources, programme=self.programme_line
        )
        if workbook is None:
            return docx_path, None
        try:
            return docx_path, summary_pdf(workbook, docx_path.with_suffix(".pdf"))
        except LibreOfficeError:
            return docx_path, None

    def summary(self) -> dict[str, Any]:
        """The summary JSON document (docs/summary-json.md)."""
        from jwmodel.summary import summary, targets_section

        document = summary(self.consolidation, self.sources, self.appraisal)
        if self.programme.targets:  # issue 11: the partners' plan targets (the key only where a return gives some)
            document["targets"] = targets_section(self.target_coverage())
        if self.definition is not None and business_case_dues(self.definition.monitoring.schedule):
            document.update(_late_sections(self.outstanding))  # issue 11: who has not sent a return
        return document

    def leaver(self, partner: str, after: str) -> LeaverStatement:
        """The leaver statement of ``partner`` leaving at the end of the plan year ``after`` (``jwmodel.leaving``).

        Raises:
            UsageError: ``partner`` is not a partner, or ``after`` is not a year of the plan.
        """
        from jwmodel.leaving import LeavingError
        from jwmodel.leaving import leaver_statement as statement

        try:
            return statement(self.programme, self.consolidation, self.settings, partner, after)
        except LeavingError as exc:
            raise UsageError(str(exc)) from exc

    def target_coverage(self) -> tuple[TargetCoverage, ...]:
        """Each partner's savings targets, year by year, and how much of each the programme covers."""
        from jwmodel.targets import coverage

        return coverage(self.programme, self.consolidation, self.settings.plan)

    def write_json(self, path: str | Path) -> Path:
        """The summary JSON, written atomically."""
        return write_json(path, self.summary())

    def receipt_records(self) -> tuple[SourceRecord, ...]:
        """The files that get a receipt: every file that was read, and every file rejected unread."""
        return tuple(s for s in self.sources if s.status != Status.SKIPPED or s.sha256)

    def write_receipts(self, folder: str | Path) -> list[Path]:
        """One receipt workbook per submission into ``folder``, each written atomically."""
        from jwmodel.excel.atomic import check_folder
        from jwmodel.excel.receipts import write_receipts

        return write_receipts(check_folder(folder), self.receipt_records())

    def tables(self) -> tuple[str, ...]:
        """The names :meth:`to_pandas` and :meth:`write_tables` know, in order."""
        return tuple(o.table.name for o in OUTPUTS)

    def table(self, name: str) -> tuple[Table, list[tuple[Any, ...]]]:
        """A table's declaration and its rows (``Decimal`` money, tuples for lists)."""
        output = _output(name, self.tables())
        return output.table, list(output.rows(self))

    def to_pandas(self, name: str) -> pandas.DataFrame:
        """One tidy DataFrame: columns named by the table's keys (see ``jwmodel.tables.outputs``).

        Money, FTE and percentages are floats (exact to £1 at 3 places: round sums to 3 places);
        a list (a source's reasons) is one text joined with "; ".
        """
        import pandas as pd

        table, rows = self.table(name)
        columns = {c.key: [_frame_value(c.kind, row[i]) for row in rows] for i, c in enumerate(table.columns)}
        frame = pd.DataFrame(columns, columns=list(table.keys))
        for c in table.columns:
            if c.kind in _NUMERIC:
                frame[c.key] = frame[c.key].astype("float64")
        return frame

    def write_tables(self, folder: str | Path) -> list[Path]:
        """Every table as ``NAME.csv`` and ``NAME.parquet`` in ``folder``, each written atomically.

        In the CSV a text that a spreadsheet would take for a formula (it starts with =, +, -, @)
        is written with a leading apostrophe; the Parquet files hold every text exactly.
        """
        from jwmodel.excel.atomic import check_folder, replacing

        folder = check_folder(folder)
        written = []
        for name in self.tables():
            frame = self.to_pandas(name)
            with replacing(folder / f"{name}.csv", ".csv") as tmp:
                _csv_safe(frame).to_csv(tmp, index=False, encoding="utf-8")
            written.append(folder / f"{name}.csv")
            with replacing(folder / f"{name}.parquet", ".parquet") as tmp:
                frame.to_parquet(tmp, index=False, engine="pyarrow")
            written.append(folder / f"{name}.parquet")
        return written


_NUMERIC = (Kind.MONEY, Kind.FTE, Kind.PERCENT, Kind.NUMBER)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _frame_value(kind: Kind, value: object) -> object:
    if kind in _NUMERIC:
        return None if value is None else float(value)  # type: ignore[arg-type]
    if isinstance(value, bool):
        return value
    return "" if value is None else printable(str(flat(value)))


def _csv_safe(frame: pandas.DataFrame) -> pandas.DataFrame:
    """A copy whose texts a spreadsheet would take for a formula start with an apostrophe."""
    frame = frame.copy()
    for key in frame.columns:
        values = frame[key].tolist()
        if any(isinstance(v, str) for v in values):
            frame[key] = ["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in values]
    return frame


def _output(name: str, names: Sequence[str]) -> Output:
    for o in OUTPUTS:
        if o.table.name == name:
            return o
    raise KeyError(f"no table {name!r}; tables are: {', '.join(names)}")


def write_json(path: str | Path, document: object) -> Path:
    """A JSON document written atomically (UTF-8, indented)."""
    from jwmodel.excel.atomic import replacing

    path = Path(path)
    with replacing(path, ".json") as tmp:
        tmp.write_text(printable(json.dumps(document, indent=2, ensure_ascii=False)) + "\n", encoding="utf-8")
    return path


def _settings(settings: AppraisalSettings | None, financial_year: str) -> AppraisalSettings:
    """The settings given, with the plan's first year defaulting to the returns' financial year."""
    if settings is None:
        return AppraisalSettings(first_year=financial_year or DEFAULT_FIRST_YEAR)
    if not settings.first_year:
        return dataclasses.replace(settings, first_year=financial_year or DEFAULT_FIRST_YEAR)
    return settings


def _consolidated(
    folder: Path,
    programme: Programme,
    read_sources: tuple[SourceRecord, ...],
    financial_year: str,
    options: Mapping[str, str],
    settings: AppraisalSettings | None,
    timings: dict[str, float],
    progress: bool | None = False,
    begun: Callable[[Consolidation, Callable[[ProgrammeAppraisal], Run]], None] | None = None,
) -> Run:
    """Consolidate and appraise. ``begun(result, appraised)``, if given, is called between the two with
    the consolidation (its findings without the appraisal's) and the function that makes the Run
    from the appraisal, which this one then calls too."""
    from jwmodel.excel.progress import stage

    clock = time.perf_counter()
    settings = _settings(settings, financial_year)
    with stage("consolidating", show=progress):
        result = consolidate(programme, options=options, plan=settings.plan, baseline_year=financial_year)
    timings["consolidate"] = time.perf_counter() - clock

    def appraised(appraisal: ProgrammeAppraisal) -> Run:
        final = dataclasses.replace(result, findings=(*result.findings, *appraisal.findings))
        return Run(
            folder=folder,
            programme=programme,
            consolidation=final,
            appraisal=appraisal,
            sources=_mark_errors(read_sources, final.findings),
            findings=final.findings,
            timings=MappingProxyType(timings),
            financial_year=financial_year,
            options=MappingProxyType(dict(options)),
            settings=settings,
            read_sources=read_sources,
        )

    if begun is not None:
        begun(result, appraised)
    clock = time.perf_counter()
    with stage("appraising", show=progress):
        appraisal = appraise_programme(result, settings)
    timings["appraise"] = time.perf_counter() - clock
    return appraised(appraisal)


def _late_sections(rows: Sequence[Outstanding]) -> dict[str, list[dict[str, Any]]]:
    """The summary's ``outstanding`` and ``chase`` keys: the tracker's tables, over business-case returns."""
    from jwmodel.summary import number
    from jwmodel.tables.monitoring import CHASE, OUTSTANDING, outstanding_rows
    from jwmodel.tables.outputs import as_dicts

    def section(table: Table, chosen: Iterable[Outstanding]) -> list[dict[str, Any]]:
        return as_dicts(
            table, ([number(v) if isinstance(v, Decimal) else v for v in r] for r in outstanding_rows(chosen))
        )

    return {"outstanding": section(OUTSTANDING, rows), "chase": section(CHASE, (o for o in rows if o.chase))}


def _day(as_of: str | None) -> str:
    """``as_of`` checked (an ISO date), or today."""
    try:
        return datetime.date.fromisoformat(as_of).isoformat() if as_of else datetime.date.today().isoformat()
    except ValueError as exc:
        raise UsageError(f"--as-of is a date such as 2015-05-29; got {as_of!r}") from exc


def _late_returns(
    definition: ProgrammeDefinition | None, got: Sequence[Received], as_of: str
) -> tuple[Outstanding, ...]:
    """The business-case returns the definition's schedule lists (``monitoring.returns_due``) that came late or not."""
    from jwmodel.monitoring import outstanding

    dues = business_case_dues(definition.monitoring.schedule) if definition is not None else ()
    return outstanding(dues, got, as_of=as_of) if dues else ()


def _with_outstanding(run: Run, rows: tuple[Outstanding, ...], as_of: str) -> Run:
    """The run with the returns late or outstanding, and their findings (RETURN_LATE, RETURN_OUTSTANDING)."""
    from jwmodel.monitoring import late_findings

    found = tuple(late_findings(rows, as_of))
    result = dataclasses.replace(run.consolidation, findings=(*run.consolidation.findings, *found))
    return dataclasses.replace(run, consolidation=result, findings=result.findings, outstanding=rows, as_of=as_of)


def consolidate_folder(
    folder: str | Path,
    *,
    options: Mapping[str, str] | None = None,
    settings: AppraisalSettings | None = None,
    workers: int | None = None,
    extractor: Callable[..., Any] | None = None,
    progress: bool | None = None,
    programme: ProgrammeSource | None = None,
    as_of: str | None = None,
) -> Run:
    """Read, consolidate and appraise a folder of partner returns and workstream proposals.

    Args:
        folder: the folder of submitted files (only its top level is read).
        programme: the programme definition every file is held to (a ``ProgrammeDefinition`` or the
            path of its file); by default ``folder``'s ``programme.json``, and without one the lists
            most submissions share, with a PROGRAMME_ASSUMED warning. Partners and service areas
            come in its order.
        options: service area -> participation option ("*" for every service area that has it).
        settings: the appraisal's settings; where ``settings`` is None or its ``first_year`` is
            empty, the plan starts in the financial year most submissions give on their covers.
        workers: worker processes reading files (default: the cores available; 0 reads in this
            process, with no isolation: for debugging and runtimes without processes).
        extractor: an alternative to ``jwmodel.excel.intake.extract_all`` (e.g. on Dask).
        progress: show a progress bar while reading (default: only on a terminal).
        as_of: the date (ISO) returns due are counted to (default: today): where the definition's
            ``monitoring.returns_due`` lists partner returns or workstream proposals, ``run.outstanding``
            holds those late or not come (RETURN_LATE, RETURN_OUTSTANDING) and ``run.chase`` those not come.

    Returns:
        The :class:`Run`. ``run.usable`` is False when nothing could be used (every file rejected).

    Raises:
        UsageError: ``folder`` is not a folder, an option or service area does not exist, ``as_of`` is not a
            date, or the programme definition cannot be read or used.
    """
    return _consolidate_folder(
        folder,
        options=options,
        settings=settings,
        workers=workers,
        extractor=extractor,
        progress=progress,
        programme=programme,
        as_of=as_of,
    )


def _consolidate_folder(
    folder: str | Path,
    *,
    options: Mapping[str, str] | None = None,
    settings: AppraisalSettings | None = None,
    workers: int | None = None,
    extractor: Callable[..., Any] | None = None,
    progress: bool | None = None,
    programme: ProgrammeSource | None = None,
    as_of: str | None = None,
    begun: Callable[[Consolidation, str, Callable[[ProgrammeAppraisal], Run]], None] | None = None,
) -> Run:
    """:func:`consolidate_folder`; ``begun(result, name, finished)``, if given, is called once the folder
    is consolidated and before it is appraised, where anything was usable: with the consolidation, the
    programme's name and the function making the final Run from the appraisal."""
    from jwmodel.excel.batch import read_folder

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    day = _day(as_of)
    definition = _definition(programme, folder)
    timings: dict[str, float] = {}
    reading = read_folder(
        folder, workers=workers, progress=progress, extractor=extractor, timings=timings, definition=definition
    )
    options = dict(options or {})
    usable = bool(reading.programme.partners or reading.programme.services)
    if usable:
        _check_options(reading.programme, options)
    late = _late_returns(reading.definition, reading.received, day)

    def finished(run: Run) -> Run:
        return _with_outstanding(dataclasses.replace(run, definition=reading.definition), late, day)

    def then(result: Consolidation, appraised: Callable[[ProgrammeAppraisal], Run]) -> None:
        if begun is not None and usable:
            name = reading.definition.name if reading.definition is not None else ""
            begun(result, name, lambda appraisal: finished(appraised(appraisal)))

    run = _consolidated(
        folder, reading.programme, reading.sources, reading.financial_year, options, settings, timings, progress, then
    )
    return finished(run)


def compare(
    folder: str | Path,
    alternative: Mapping[str, str],
    *,
    options: Mapping[str, str] | None = None,
    settings: AppraisalSettings | None = None,
    workers: int | None = None,
    programme: ProgrammeSource | None = None,
) -> tuple[Run, Run]:
    """The folder consolidated under ``options`` (the base) and with ``alternative`` on top.

    The folder is read once; the base run's consolidation is the one compared. ``programme`` is
    as for :func:`consolidate_folder`.

    Raises:
        UsageError: as :func:`consolidate_folder`, for the base or the alternative options.
    """
    base = consolidate_folder(folder, options=options, settings=settings, workers=workers, programme=programme)
    if not base.usable:
        return base, base
    _check_options(base.programme, dict(alternative))
    return base, base.with_options({**dict(options or {}), **dict(alternative)})


def leaver_statement(
    folder: str | Path,
    partner: str,
    after: str,
    *,
    options: Mapping[str, str] | None = None,
    settings: AppraisalSettings | None = None,
    workers: int | None = None,
    programme: ProgrammeSource | None = None,
) -> tuple[Run, LeaverStatement]:
    """The folder consolidated under ``options``, and the leaver statement of ``partner`` leaving after ``after``.

    ``after`` is the partner's last plan year (e.g. "2013/14"); the rule is in ``jwmodel.leaving`` and
    docs/apportionment.md ("Leaving the partnership"). Other arguments are as for :func:`consolidate_folder`.

    Raises:
        UsageError: as :func:`consolidate_folder`; ``partner`` is not a partner, or ``after`` not a year of the plan.
    """
    run = consolidate_folder(folder, options=options, settings=settings, workers=workers, programme=programme)
    if not run.usable:
        raise UsageError(f"nothing usable in {folder}: no accepted partner return or workstream proposal")
    return run, run.leaver(partner, after)


def write_leaver(
    statement: LeaverStatement, *, workbook: str | Path | None = None, json_path: str | Path | None = None
) -> list[Path]:
    """Write a leaver statement as a workbook and/or JSON (each atomically); the paths written."""
    from jwmodel.excel.leaver import write_leaver_workbook
    from jwmodel.summary import leaver_section

    return _workbook_and_json(
        workbook, json_path, lambda path: write_leaver_workbook(path, statement), lambda: leaver_section(statement)
    )


def _workbook_and_json(
    workbook: str | Path | None,
    json_path: str | Path | None,
    write_workbook: Callable[[str | Path], Path],
    document: Callable[[], object],
) -> list[Path]:
    """The workbook and/or the JSON document asked for, each written atomically; the paths written."""
    written = []
    if workbook is not None:
        written.append(write_workbook(workbook))
    if json_path is not None:
        written.append(write_json(json_path, document()))
    return written


# --- templates ready to send (issue 13, part 7) -------------------------------------------------------


def write_templates(folder: str | Path, programme: ProgrammeSource, *, force: bool = False) -> list[Path]:
    """Write the templates a programme sends: one partner return per partner (cover pre-filled with
    its code, name and the financial year), one workstream proposal per service area, and the
    definition (``programme.json``) beside them.

    Args:
        folder: where to write them (made if missing).
        programme: the programme definition, or the path of its file.
        force: replace files already there; without it nothing is written if any is there.

    Returns:
        The paths written, returns first, then proposals, then ``programme.json``.

    Raises:
        UsageError: the definition cannot be read or is not usable (a code given twice...).
        OSError: a file is already there (without ``force``) or cannot be written (``OutputError``).
    """
    from jwmodel.definition import validated
    from jwmodel.excel.templates import write_templates as write

    definition = _definition(programme, None)  # a file is checked as it is read
    if isinstance(programme, ProgrammeDefinition):
        try:
            validated(programme, source="the programme definition")
        except DefinitionError as exc:
            raise UsageError(str(exc)) from exc
    return write(folder, definition, force=force)


# --- versions of the business case (issue 11; jwmodel.versions) ---------------------------------------


def _inputs(run: Run) -> dict[str, str]:
    """Every file the run read (name -> SHA-256), and the folder's programme definition when there is one."""
    from jwmodel.excel.files import sha256_of
    from jwmodel.excel.programme_file import beside

    inputs = {s.file: s.sha256 for s in run.sources if s.sha256}
    definition = beside(run.folder)
    if definition is not None:
        inputs[definition.name] = sha256_of(definition.read_bytes())
    return inputs


def version_of(run: Run, name: str, *, created: str | None = None) -> Version:
    """The run as a named :class:`~jwmodel.versions.Version` (``created``: ISO date, default today)."""
    import datetime

    from jwmodel.versions import make_version

    return make_version(
        name,
        created=created or datetime.date.today().isoformat(),
        jwmodel_version=VERSION,
        inputs=_inputs(run),
        options=run.options,
        settings=run.settings,
        financial_year=run.financial_year,
        programme=run.programme,
        result=run.consolidation,
        summary=run.summary(),
    )


def save_version(run: Run, path: str | Path, name: str, *, created: str | None = None) -> Path:
    """Save the run as a named, self-contained version file (JSON, written atomically).

    Args:
        run: a consolidation (``consolidate_folder``).
        path: the version file to write.
        name: the version's name, such as "Cabinet April 2012".
        created: the date it is saved as (ISO); default today.

    Returns:
        The path written.
    """
    from jwmodel.versions import version_to_json

    return write_json(path, version_to_json(version_of(run, name, created=created)))


def load_version(path: str | Path) -> Version:
    """The version saved in ``path``.

    Raises:
        UsageError: the file cannot be read, is not JSON, or is not a jwmodel version (one line, naming it).
    """
    from jwmodel.versions import VersionError, version_from_json

    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return version_from_json(document)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the version file ({exc.strerror or exc})") from exc
    except (ValueError, VersionError, TypeError) as exc:
        raise UsageError(f"{path}: not a usable jwmodel version file: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Verification:
    """A version rerun on a folder: the input files that differ and the figures that moved.

    ``changed``: files whose SHA-256 differs; ``missing``: the version's files not in the folder;
    ``added``: files read now that the version did not have; ``moved``: every figure (path, saved,
    now) that did not reproduce; ``rerun``: the version the rerun makes (its ``jwmodel_version`` is
    the jwmodel that reran it). ``ok`` is True when every figure reproduces.
    """

    version: Version
    run: Run
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    added: tuple[str, ...]
    moved: tuple[Moved, ...]
    rerun: Version | None = None

    @property
    def ok(self) -> bool:
        return not self.moved


def verify_version(version: Version | str | Path, folder: str | Path, *, workers: int | None = None) -> Verification:
    """Rerun a saved version on ``folder`` with its own options and settings, and compare every figure.

    Args:
        version: a :class:`~jwmodel.versions.Version` or the path of its file.
        folder: the folder of returns the version was made from (its ``programme.json`` is used).
        workers: as for :func:`consolidate_folder`.

    Returns:
        A :class:`Verification`: ``ok`` when every figure reproduces; else the files and figures that moved.

    Raises:
        UsageError: the version file cannot be read, or ``folder`` is not a folder.
    """
    from jwmodel.changes import figure_differences

    if isinstance(version, str | Path):
        version = load_version(version)
    run = consolidate_folder(folder, options=dict(version.options), settings=version.settings, workers=workers)
    now = _inputs(run)
    saved = version.inputs
    rerun = version_of(run, version.name, created=version.created)
    return Verification(
        version,
        run,
        tuple(f for f in saved if f in now and now[f] != saved[f]),
        tuple(f for f in saved if f not in now),
        tuple(f for f in now if f not in saved),
        figure_differences(version.figures, rerun.figures),
        rerun,
    )


def compare_versions(old: Version | str | Path, new: Version | str | Path) -> Changes:
    """What moved between two versions (each a :class:`~jwmodel.versions.Version` or the path of its file).

    Returns:
        A :class:`jwmodel.changes.Changes`: parameters, input files, totals, service areas, partners and
        lines (added, removed, changed, each change with the file and cell behind it), and findings.

    Raises:
        UsageError: a version file cannot be read.
    """
    from jwmodel.changes import changes

    old = load_version(old) if isinstance(old, str | Path) else old
    new = load_version(new) if isinstance(new, str | Path) else new
    return changes(old, new)


def write_changes(
    found: Changes, *, workbook: str | Path | None = None, json_path: str | Path | None = None
) -> list[Path]:
    """Write the changes as a workbook and/or JSON (each atomically); the paths written."""
    from jwmodel.changes import changes_to_json
    from jwmodel.excel.changes import write_changes_workbook

    return _workbook_and_json(
        workbook, json_path, lambda path: write_changes_workbook(path, found), lambda: changes_to_json(found)
    )


# --- after approval: tracking the benefits (jwmodel track) -----------------------------------------


@dataclass(frozen=True, slots=True)
class Tracking:
    """One run of the tracker: an approved version against a folder of monitoring returns.

    ``tracker`` holds every figure (:class:`jwmodel.tracking.Tracker`); ``sources`` is the folder's intake
    register, each return that does not count marked (superseded, a draft left out).
    """

    folder: Path
    version: str
    tracker: Any  # jwmodel.tracking.Tracker
    sources: tuple[SourceRecord, ...]
    as_of: str
    include_drafts: bool = False

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (*(f for s in self.sources for f in s.findings), *self.tracker.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def complete(self) -> bool:
        """No file rejected, no error finding and no return outstanding."""
        rejected = any(s.status == Status.REJECTED for s in self.sources)
        return not rejected and not self.errors and not self.tracker.chase

    def to_json(self) -> dict[str, Any]:
        """The tracker JSON: a section per declared tracker table (``by_line``, ``by_partner``, ``by_service``,
        ``targets``, ``one_off_spend``, ``measures``, ``outstanding``, ``chase``), then findings and sources."""
        from decimal import Decimal

        from jwmodel.summary import findings_section, number, sources_section
        from jwmodel.tables.monitoring import TRACKER_TABLES, tracker_rows
        from jwmodel.tables.outputs import as_dicts

        def section(table: Table, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
            return as_dicts(table, ([number(v) if isinstance(v, Decimal) else v for v in row] for row in rows))

        document: dict[str, Any] = {
            "version": self.version,
            "as_of": self.as_of,
            "case": self.tracker.case.value,
            "years": list(self.tracker.years),
            "current_year": self.tracker.current_year,
            "periods": list(self.tracker.periods),
            "include_drafts": self.include_drafts,
        }
        for table in TRACKER_TABLES:
            document[table.name] = section(table, tracker_rows(self.tracker, table))
        document["findings"] = findings_section(self.findings)
        document["sources"] = sources_section(self.sources)
        return document

    def write_json(self, path: str | Path) -> Path:
        """The tracker JSON, written atomically."""
        return write_json(path, self.to_json())

    def write_receipts(self, folder: str | Path) -> list[Path]:
        """One receipt workbook per monitoring return read into ``folder``, as ``Run.write_receipts``."""
        from jwmodel.excel.atomic import check_folder
        from jwmodel.excel.receipts import write_receipts

        return write_receipts(check_folder(folder), tuple(s for s in self.sources if s.sha256))

    def write_workbook(self, path: str | Path) -> Path:
        """The tracker workbook (charts, a sheet per table, Findings, Sources), written atomically."""
        from jwmodel.excel.tracker import write_tracker

        return write_tracker(path, self.tracker, self.sources, version=self.version, as_of=self.as_of)


def track(
    version: str | Path | Any,
    folder: str | Path,
    *,
    include_drafts: bool = False,
    as_of: str | None = None,
    case: str = "central",
    workers: int | None = None,
    programme: ProgrammeSource | None = None,
    extractor: Callable[..., Any] | None = None,
) -> Tracking:
    """Track an approved version against a folder of monitoring returns.

    Args:
        version: the approved version: its file (``jwmodel.save_version``), or the ``Version`` loaded.
        folder: the folder of monitoring returns (only its top level is read).
        include_drafts: count returns whose cover says Draft (by default only Final ones count).
        as_of: the date (ISO) outstanding returns are counted to (default: today).
        case: the case the plan is taken under: prudent, central (the default) or optimistic.
        workers: worker processes reading files (default: the cores available; 0 reads in this process).
        programme: the programme definition (its monitoring section: benefits register, targets, returns
            due) and lists every file is held to; by default ``folder``'s ``programme.json``.
        extractor: an alternative to ``jwmodel.excel.intake.extract_all`` (e.g. on Dask).

    Returns:
        The :class:`Tracking`.

    Raises:
        UsageError: ``folder`` is not a folder, the version or the programme definition cannot be read, or
            ``as_of`` or ``case`` is not one.
    """
    import datetime as dt

    from jwmodel.cases import Case
    from jwmodel.excel.monitoring_intake import read_monitoring_folder, settle_records
    from jwmodel.monitoring import MonitoringPlan, resolve_returns
    from jwmodel.tracking import track as track_lines
    from jwmodel.versions import Version

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    try:
        chosen, day = Case(case), dt.date.fromisoformat(as_of).isoformat() if as_of else dt.date.today().isoformat()
    except ValueError as exc:
        raise UsageError(
            f"--case is prudent, central or optimistic and --as-of a date such as 2015-05-29 ({exc})"
        ) from exc
    approved, path = (version, None) if isinstance(version, Version) else (load_version(version), Path(version))
    plan_lines, years, targets = _version_plan(approved)
    definition = _definition(programme, folder)
    returns, records = read_monitoring_folder(
        folder, definition=definition, workers=workers, extractor=extractor, leave_out=[path] if path else []
    )
    resolved = resolve_returns(returns, include_drafts=include_drafts)
    plan = definition.monitoring if definition is not None else MonitoringPlan()
    partners = approved.programme.partner_codes
    tracker = track_lines(plan_lines, years, resolved, plan, partners=partners, targets=targets, as_of=day, case=chosen)
    return Tracking(folder, approved.name, tracker, settle_records(records, resolved.left_out), day, include_drafts)


def _version_plan(version: Version) -> tuple[tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]:
    """The approved version's lines with their IDs (consolidated under its own options), its plan years and its
    partners' savings targets with the lines tagged to each (``jwmodel.targets.coverage``)."""
    from jwmodel.targets import coverage
    from jwmodel.tracking import PlannedLine

    years = version.settings.plan
    result = consolidate(version.programme, options=version.options, plan=years, baseline_year=version.financial_year)
    in_force = options_by_year(result, years)  # participation over time: each line split as in force each year
    lines = tuple(PlannedLine(share.line_id, share, in_force.get(share.service, ())) for share in result.lines)
    return lines, years, coverage(version.programme, result, years)


# --- after approval: the yearly true-up on actual drivers (jwmodel true-up; issue 12) ----------------


@dataclass(frozen=True, slots=True)
class TrueUpRun:
    """One year's true-up of an approved version on a folder of monitoring returns (their Actual drivers).

    ``result`` holds every figure (:class:`jwmodel.trueup.TrueUp`); ``sources`` is the folder's intake register,
    each return that does not count marked; ``returns_findings`` what deciding which returns count found.
    """

    folder: Path
    version: str
    result: Any  # jwmodel.trueup.TrueUp
    sources: tuple[SourceRecord, ...]
    returns_findings: tuple[Finding, ...] = ()
    include_drafts: bool = False

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (*(f for s in self.sources for f in s.findings), *self.returns_findings, *self.result.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def complete(self) -> bool:
        """No file rejected and no error finding (every split that should be trued up was)."""
        return not any(s.status == Status.REJECTED for s in self.sources) and not self.errors

    def to_json(self) -> dict[str, Any]:
        """The true-up JSON (docs/summary-json.md, "The true-up JSON"): the settings, then a section per
        declared true-up table (``services``, ``shares``, ``payments``, ``settlements``), findings and sources."""
        from decimal import Decimal

        from jwmodel.summary import findings_section, number, sources_section
        from jwmodel.tables.outputs import TRUE_UP_TABLES, as_dicts, true_up_rows

        def cell(v: Any) -> Any:
            if isinstance(v, Decimal):
                return number(v)
            return list(v) if isinstance(v, tuple) else v

        r = self.result
        document: dict[str, Any] = {
            "version": self.version,
            "year": r.year,
            "case": r.case.value,
            "tolerance": number(r.tolerance),
            "cap": r.cap,
            "include_drafts": self.include_drafts,
        }
        for table in TRUE_UP_TABLES:
            document[table.name] = as_dicts(table, ([cell(v) for v in row] for row in true_up_rows(r, table)))
        document["findings"] = findings_section(self.findings)
        document["sources"] = sources_section(self.sources)
        return document

    def write_json(self, path: str | Path) -> Path:
        """The true-up JSON, written atomically."""
        return write_json(path, self.to_json())

    def write_workbook(self, path: str | Path) -> Path:
        """The true-up workbook (Summary, Shares, Payments, Findings, Sources), written atomically."""
        from jwmodel.excel.trueup import write_true_up

        return write_true_up(path, self.result, self.sources, self.findings, version=self.version)


def _true_up_settings(year: str, tolerance: object, cap: object, case: str) -> Any:
    from jwmodel.cases import Case
    from jwmodel.money import MoneyError, to_decimal
    from jwmodel.trueup import TrueUpSettings

    try:
        chosen = Case(case)
        points = to_decimal(tolerance)
    except (ValueError, MoneyError) as exc:
        raise UsageError(
            f"--case is prudent, central or optimistic and --tolerance a number of points ({exc})"
        ) from exc
    if points < 0:
        raise UsageError(f"--tolerance is 0 or more percentage points, not {tolerance}")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
        raise UsageError(f"--cap is a whole number of percentage points, 0 or more, not {cap!r}")
    return TrueUpSettings(year, points, cap, chosen)


def _true_up_year(year: str | None, returns: Sequence[Any], plan: Sequence[str]) -> str:
    """The year asked for, else the latest year any return states an actual for; one of the plan's years."""
    if year is None:
        stated = sorted({a.year for r in returns for a in r.actuals})
        if not stated:
            raise UsageError("no return in the folder states an actual driver: nothing to true up (give --year)")
        year = stated[-1]
    if year not in plan:
        raise UsageError(f"--year {year} is not a year of the version's plan ({plan[0]} to {plan[-1]})")
    return year


def _approved(path: str | Path) -> Version:
    """The version file, or a usage error that says what to give instead of a consolidated summary JSON."""
    try:
        return load_version(path)
    except UsageError:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            document = None
        if isinstance(document, dict) and "totals" in document and "format" not in document:
            raise UsageError(
                f"{path}: a consolidated summary JSON holds the figures but not the rules, drivers and lines a "
                "true-up needs: save the approved case with jwmodel consolidate --save-version and give that file"
            ) from None
        raise


def true_up(
    version: str | Path | Any,
    folder: str | Path,
    *,
    year: str | None = None,
    tolerance: object = "3",
    cap: int | None = None,
    case: str = "central",
    include_drafts: bool = False,
    workers: int | None = None,
    programme: ProgrammeSource | None = None,
    extractor: Callable[..., Any] | None = None,
) -> TrueUpRun:
    """True up a year of an approved version on the actual drivers the partners' monitoring returns state.

    Args:
        version: the approved version: its file (``jwmodel.save_version``), or the ``Version`` loaded. A
            consolidated summary JSON does not hold the rules and lines a true-up needs: save a version.
        folder: the folder of monitoring returns (only its top level is read).
        year: the financial year to true up (default: the latest year any return states an actual for).
        tolerance: percentage points a share may move before the split is trued up (default 3).
        cap: damping: the most a share may move in the year, in whole points (default: no cap).
        case: the case the year's shared amounts are taken under: prudent, central (default) or optimistic.
        include_drafts: count returns whose cover says Draft.
        workers, programme, extractor: as for :func:`track`.

    Raises:
        UsageError: ``folder`` is not a folder, the version cannot be read, or an option is not one.
    """
    from jwmodel.excel.monitoring_intake import read_monitoring_folder, settle_records
    from jwmodel.monitoring import resolve_returns
    from jwmodel.trueup import true_up as true_up_year
    from jwmodel.versions import Version

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    approved, path = (version, None) if isinstance(version, Version) else (_approved(version), Path(version))
    plan = approved.settings.plan
    definition = _definition(programme, folder)
    returns, records = read_monitoring_folder(
        folder, definition=definition, workers=workers, extractor=extractor, leave_out=[path] if path else []
    )
    resolved = resolve_returns(returns, include_drafts=include_drafts)
    settings = _true_up_settings(_true_up_year(year, resolved.used, plan), tolerance, cap, case)
    result = consolidate(approved.programme, options=approved.options, plan=plan, baseline_year=approved.financial_year)
    trued = true_up_year(approved.programme, result, resolved.used, plan, settings)
    sources = settle_records(records, resolved.left_out)
    return TrueUpRun(folder, approved.name, trued, sources, resolved.findings, include_drafts)


# --- Writing the outputs on both cores (issue 14, part 6) --------------------------------------------


def write_outputs(
    run: Run,
    *,
    workbook: str | Path | None = None,
    model: str | Path | None = None,
    json: str | Path | None = None,
    tables: str | Path | None = None,
    receipts: str | Path | None = None,
    parallel: bool | None = None,
    progress: bool | None = False,
) -> dict[str, float]:
    """Write the outputs asked for (those left None are not written): what ``jwmodel consolidate`` writes.

    On one core they are written in this order: the workbook, the model, the JSON, the tables, the
    receipts. With ``parallel`` (by default where processes can be forked, two cores are free and
    more than the JSON is written beside the workbook: a model, tables or receipts) the workbook is
    written by a forked process while this one writes the others aside, and puts
    them in place only once the workbook is: each output is written by the same function either
    way, so the files are the same, and a run that fails or is stopped while the workbook is being
    written leaves every previous output as it was.

    ``progress`` is the workbook's progress line (``Run.write_workbook``).

    Returns:
        Seconds (wall) each output took, by name: "workbook", "model", "json", "tables", "receipts".

    Raises:
        OutputError: a target cannot be written (the first in the order above, as on one core).
    """
    writers = [
        (name, target, getattr(run, f"write_{name}"), folder)
        for name, target, folder in _writers(model, json, tables, receipts)
    ]
    if parallel is None:  # the JSON alone takes a fraction of the workbook's time: not worth a process
        parallel = _can_fork() and any(name != "json" for name, *_ in writers)
    if not (parallel and workbook and writers):
        tasks = [("workbook", lambda: run.write_workbook(workbook, progress=progress))] if workbook else []
        return _lane(tasks + [(name, lambda w=writer, t=target: w(t)) for name, target, writer, _ in writers])
    return _workbook_forked(lambda: run.write_workbook(workbook, progress=progress), writers)


def _writers(model: Any, json: Any, tables: Any, receipts: Any) -> list[tuple[str, Path, bool]]:
    """The outputs asked for besides the workbook, in the order they are written: (name, target, a folder)."""
    from jwmodel.excel.atomic import check_folder

    found = []
    for name, target, folder in (
        ("model", model, False),
        ("json", json, False),
        ("tables", tables, True),
        ("receipts", receipts, True),
    ):
        if target:
            found.append((name, check_folder(target) if folder else Path(target), folder))
    return found


def _write_workbook(
    path: str | Path,
    figures: Consolidation,
    name: str,
    rest: Callable[[], Any],
    progress: bool | None,
    appraised: bool = True,
) -> Path:
    """The consolidated workbook: its figure sheets from ``figures``, then what ``rest()`` gives (a Run's
    ``workbook_rest``; ``appraised``: with an appraisal), with the progress line."""
    from jwmodel.excel.progress import stage
    from jwmodel.excel.report import SHEETS, write_consolidated_later

    with stage("writing the workbook", show=progress, total=len(SHEETS) + 1) as step:
        return write_consolidated_later(path, figures, rest, programme_name=name, on_step=step, appraised=appraised)


def consolidate_and_write(
    folder: str | Path,
    *,
    workbook: str | Path | None = None,
    model: str | Path | None = None,
    json: str | Path | None = None,
    tables: str | Path | None = None,
    receipts: str | Path | None = None,
    parallel: bool | None = None,
    progress: bool | None = None,
    **consolidating: Any,
) -> tuple[Run, dict[str, float]]:
    """:func:`consolidate_folder` (``consolidating`` are its keywords) then :func:`write_outputs`, as
    ``jwmodel consolidate`` runs them; nothing is written when nothing was usable (``run.usable``).

    With ``parallel`` (by default where processes can be forked and two cores are free) and a
    workbook to write, the workbook's process starts as soon as the folder is consolidated: it
    writes the sheets of figures while this process appraises, takes the appraisal from it, and
    finishes the workbook while this one writes the other outputs aside; they are put in place once
    the workbook is, as :func:`write_outputs` does; unless this process then holds more than
    :data:`EARLY_FORK_MB`, when everything is written here after the appraisal (the forked process
    would count this one's pages again). The files are the same either way. In the
    seconds returned, "workbook" is then the time spent waiting for the workbook after this
    process's own work (so the stages still add up to the time taken).

    Returns:
        The run, and the seconds (wall) each output took, by name.
    """
    writers = _writers(model, json, tables, receipts)
    targets = _targets(model, json, tables, receipts)
    if parallel is None:
        parallel = _can_fork()
    if not (parallel and workbook):
        run = consolidate_folder(folder, progress=progress, **consolidating)
        return run, _written_after(run, workbook, parallel=parallel, progress=progress, targets=targets)
    started: list[tuple[Any, Any, Any]] = []  # (the workbook's process, its answer's end, the appraisal's end)
    try:
        run = _consolidate_folder(
            folder, progress=progress, begun=_early_workbook(workbook, progress, started), **consolidating
        )
    except BaseException:  # the workbook's process sees the appraisal will not come, and stops cleanly
        _stop_early(started)
        raise
    if not started:
        return run, _written_after(run, workbook, parallel=False, progress=progress, targets=targets)
    child, receiver, appraisal_out = started[0]
    try:
        appraisal_out.send(run.appraisal)
    except OSError:  # the workbook's process has stopped: what it says is collected below
        pass
    appraisal_out.close()
    clock = time.perf_counter()
    bound = [(name, target, getattr(run, f"write_{name}"), folder) for name, target, folder in writers]
    seconds = _forked_outcome(child, receiver, bound)
    seconds["workbook"] = max(0.0, time.perf_counter() - clock - sum(v for k, v in seconds.items() if k != "workbook"))
    return run, seconds


def _written_after(
    run: Run, workbook: str | Path | None, *, parallel: bool, progress: bool | None, targets: Mapping[str, Any]
) -> dict[str, float]:
    """Every output written after the appraisal (:func:`write_outputs`); none when nothing was usable."""
    if not run.usable:
        return {}
    return write_outputs(run, workbook=workbook, parallel=parallel, progress=progress, **targets)


def _early_workbook(
    workbook: str | Path, progress: bool | None, started: list[tuple[Any, Any, Any]]
) -> Callable[[Consolidation, str, Callable[[ProgrammeAppraisal], Run]], None]:
    """The ``begun`` of :func:`_consolidate_folder` that forks the workbook's process once the folder is
    consolidated (unless this process holds more than :data:`EARLY_FORK_MB`), noting it in ``started``."""
    import gc
    import multiprocessing

    context = multiprocessing.get_context("fork")

    def begun(figures: Consolidation, name: str, finished: Callable[[ProgrammeAppraisal], Run]) -> None:
        if _resident_mb() > EARLY_FORK_MB:
            return  # written after the appraisal, on this core
        appraisal_in, appraisal_out = context.Pipe(duplex=False)

        def rest() -> Any:
            return finished(appraisal_in.recv()).workbook_rest()

        def task() -> Path:
            appraisal_out.close()
            return _write_workbook(workbook, figures, name, rest, progress)

        frozen = gc.get_freeze_count()
        gc.freeze()  # what this process holds is out of the forked process's collections: none of its pages
        try:  # are written to (copied) by them, nor scanned again
            child, receiver = _fork_lane(context, [("workbook", task)])
        finally:
            if not frozen:  # frozen by a caller: left to it
                gc.unfreeze()
        appraisal_in.close()
        started.append((child, receiver, appraisal_out))

    return begun


def _stop_early(started: Sequence[tuple[Any, Any, Any]]) -> None:
    """The early workbook's processes told the appraisal will not come, and waited for (or stopped)."""
    for child, receiver, appraisal_out in started:
        appraisal_out.close()
        child.join(10)
        if child.is_alive():
            child.terminate()
            child.join(10)
        receiver.close()


EARLY_FORK_MB = 120.0
"""The workbook's process is begun early only from a process holding at most this much (resident MB). A
forked process counts again in its RSS the pages it shares with the one it came from, so forking a
larger one would take the command's tree past the 300 MB the RSS target allows at 10,000 files
(measured: this process held 137 MB there after reading, and the tree peaked at 309 MB). 85 MB at
1,000 oversized files; a real programme's folder far less."""


def _resident_mb() -> float:
    """This process's resident memory in MB (0 where /proc cannot tell)."""
    import os

    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def _targets(model: Any, json: Any, tables: Any, receipts: Any) -> dict[str, Any]:
    return {"model": model, "json": json, "tables": tables, "receipts": receipts}


def _lane(tasks: Sequence[tuple[str, Callable[[], object]]]) -> dict[str, float]:
    """Run the tasks in order; seconds by name."""
    seconds: dict[str, float] = {}
    for name, task in tasks:
        clock = time.perf_counter()
        task()
        seconds[name] = time.perf_counter() - clock
    return seconds


def _can_fork() -> bool:
    """A forked process can write outputs here: fork exists, two cores are free, no other thread is working.

    A daemon thread (a progress bar's monitor) is no obstacle: the forked process writes a file only.
    """
    import os
    import threading

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    return hasattr(os, "fork") and cores > 1 and not others


def _workbook_forked(
    workbook: Callable[[], object], writers: Sequence[tuple[str, Path, Callable[[Path], object], bool]]
) -> dict[str, float]:
    """The workbook written by a forked process; the other outputs written here aside, put in place after it."""
    import multiprocessing

    child, receiver = _fork_lane(multiprocessing.get_context("fork"), [("workbook", workbook)])
    return _forked_outcome(child, receiver, writers)


def _fork_lane(context: Any, tasks: Sequence[tuple[str, Callable[[], object]]]) -> tuple[Any, Any]:
    """A forked process running ``tasks`` (``_child_lane``): (the process, the end its outcome arrives at)."""
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_lane, args=(tasks, sender), daemon=True)
    child.start()
    sender.close()
    return child, receiver


def _forked_outcome(
    child: Any, receiver: Any, writers: Sequence[tuple[str, Path, Callable[[Path], object], bool]]
) -> dict[str, float]:
    """The other outputs written here aside while the forked workbook is written; put in place after it."""
    staged: list[tuple[Path, Path, bool]] = []  # (written aside, target, a folder)
    failure: BaseException | None = None
    try:
        try:
            seconds = _lane(
                [(name, _aside(target, writer, folder, staged)) for name, target, writer, folder in writers]
            )
        except Exception as exc:  # noqa: BLE001 - raised below unless the workbook, written first, failed too
            failure, seconds = exc, {}
        outcome = _received(receiver)
    except BaseException:  # stopped (SIGTERM, Ctrl-C): the workbook's process stops too, removing its temporary file
        child.terminate()
        child.join(10)
        _discard(staged)
        raise
    child.join()
    kind, value = outcome
    if kind == "error":
        _discard(staged)
        raise value
    for aside, target, folder in staged:  # as on one core: the outputs before a failure are written
        _put_in_place(aside, target, folder)
    if failure is not None:
        raise failure
    return {**value, **seconds}


def _aside(target: Path, writer: Callable[[Path], object], folder: bool, staged: list) -> Callable[[], None]:
    """A task writing ``target`` aside (a hidden name beside it, or a hidden folder in it).

    Once written, it is added to ``staged``; if the writer fails or is stopped, what it wrote aside is removed.
    """
    import os
    import tempfile

    def task() -> None:
        if folder:
            target.mkdir(parents=True, exist_ok=True)
            aside = Path(tempfile.mkdtemp(prefix=".tmp-aside-", dir=target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(
                prefix=f".tmp-aside-{target.stem}-", suffix=target.suffix, dir=target.parent
            )
            os.close(descriptor)
            aside = Path(name)
        try:
            writer(aside)
        except BaseException:
            _discard([(aside, target, folder)])
            raise
        staged.append((aside, target, folder))

    return task


def _put_in_place(aside: Path, target: Path, folder: bool) -> None:
    import os

    if not folder:
        os.replace(aside, target)
        return
    for path in sorted(aside.iterdir()):
        os.replace(path, target / path.name)
    aside.rmdir()


def _discard(staged: Sequence[tuple[Path, Path, bool]]) -> None:
    import shutil

    for aside, _, folder in staged:
        if folder:
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)


def _received(receiver: Any) -> tuple[str, Any]:
    try:
        return receiver.recv()
    except Exception:  # noqa: BLE001 - it stopped, or what it sent cannot be read back
        return ("error", RuntimeError("the process writing the workbook failed"))


def _child_lane(tasks: Sequence[tuple[str, Callable[[], object]]], sender: Any) -> None:
    import gc

    gc.disable()  # it writes a file and exits: a collection would only rescan the cells it holds until then
    try:
        outcome: tuple[str, object] = ("ok", _lane(tasks))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, which raises it
        outcome = ("error", exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
    try:
        sender.send(outcome)
    except Exception:  # noqa: BLE001 - an error that cannot be pickled goes back as its text
        error = outcome[1]
        sender.send(("error", OSError(str(error)) if isinstance(error, OSError) else RuntimeError(str(error))))
    sender.close()
