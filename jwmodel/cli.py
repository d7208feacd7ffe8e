"""The ``jwmodel`` command: consolidate a folder of returns, check files, write templates.

Every command calls the service layer (``jwmodel.service``); this module only parses arguments
and prints. ``python -m jwmodel`` is the same command.

Exit codes: 0 every file accepted and no error finding; 2 output written but some files were
rejected or error findings exist; 1 nothing usable, a usage error, or an output that cannot be
written (one line on standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwmodel.business_case import AppraisalSettings
from jwmodel.report_text import (
    appendix_a,
    appraisal_table,
    baseline_table,
    conditions_table,
    error_lines,
    findings_table,
    money,
    partner_table,
    recharges_table,
    sources_line,
)

if TYPE_CHECKING:  # pragma: no cover
    from jwmodel.service import Run

__all__ = ["main"]

OK, USAGE_OR_NOTHING, SOME_REJECTED = 0, 1, 2


def _options(values: Sequence[str], flag: str = "--option") -> dict[str, str]:
    chosen: dict[str, str] = {}
    for value in values:
        service, sep, option = value.partition("=")
        if not sep or not service.strip() or not option.strip():
            raise SystemExit(
                f'jwmodel: {flag} takes "SERVICE=OPTION", e.g. "Learning & Development=HC and HCC"; got {value!r}'
            )
        chosen[service.strip()] = option.strip()
    return chosen


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, an output the run could not write or must not overwrite."""
    from jwmodel.excel.atomic import OutputError, check_folder, check_target
    from jwmodel.excel.batch import is_output

    folder = Path(args.folder).resolve()
    for path in (args.output, args.json, args.model, args.appendix, args.save_version):
        if path:
            target = check_target(path)
            if target.is_file() and target.resolve().parent == folder and not is_output(target):
                raise OutputError(
                    f"{target.name} is a submitted file in {args.folder}; name another file for the output"
                )
    for folder in (args.receipts, args.tables):
        if folder:
            check_folder(folder)


def _check_targets(*paths: str | None) -> None:
    """Refuse, before any work, an output file the run could not write (jwmodel.excel.atomic.check_target)."""
    from jwmodel.excel.atomic import check_target

    for path in paths:
        if path:
            check_target(path)


def _nothing_usable(run: Run) -> int:
    print(
        f"jwmodel: nothing usable in {run.folder}: no accepted partner return or workstream proposal", file=sys.stderr
    )
    for s in run.sources:
        print(f"  {s.file}: {s.status} {'; '.join(str(f) for f in s.findings) or s.taken}", file=sys.stderr)
    return USAGE_OR_NOTHING


def _print_run(run: Run, args: argparse.Namespace) -> None:
    if args.quiet:
        for line in error_lines(run.sources, run.findings):
            print(line, file=sys.stderr)
        return
    result = run.consolidation
    for text in (
        appendix_a(result),
        baseline_table(result),
        recharges_table(result),
        partner_table(result),
        conditions_table(run.programme, result, run.settings.plan),
        appraisal_table(run.appraisal),
        findings_table(result),
    ):
        if text:
            print(text)
            print()
    print(sources_line(run.sources))
    extra = (
        args.model,
        args.json,
        args.tables,
        args.receipts,
        args.appendix,
        args.save_version,
        getattr(args, "written_pdf", None),
    )
    written = [args.output, *(x for x in extra if x)]
    print("Wrote " + ", ".join(str(x) for x in written))


def _write_more(run: Run, args: argparse.Namespace) -> dict[str, float]:
    """After the workbook, the model, the JSON, the tables and the receipts (``service.consolidate_and_write``):
    the appendix and the saved version. Seconds each took."""
    seconds: dict[str, float] = {}
    if args.appendix:
        clock = time.perf_counter()
        _write_appendix(run, args)
        seconds["appendix"] = time.perf_counter() - clock
    _save_version(run, args)
    return seconds


def _write_appendix(run: Run, args: argparse.Namespace) -> None:
    """The committee appendix (--appendix), and the Summary as a PDF beside it where LibreOffice is installed."""
    _, pdf = run.write_appendix(args.appendix, workbook=args.output)
    args.written_pdf = pdf
    if pdf is None and not args.quiet:
        print("jwmodel: LibreOffice is not installed: no PDF of the workbook's summary pages", file=sys.stderr)


AS_OF_HELP = "the date outstanding returns are counted to, e.g. 2015-05-29 (default: today)"


def cmd_consolidate(args: argparse.Namespace) -> int:
    from jwmodel.service import consolidate_and_write

    _check_outputs(args)
    run, seconds = consolidate_and_write(
        args.folder,
        workbook=args.output,
        model=args.model,
        json=args.json,
        tables=args.tables,
        receipts=args.receipts,
        parallel=None if args.workers is None or args.workers > 1 else False,  # --workers 0 or 1: one core
        progress=False if args.quiet else None,
        options=_options(args.option),
        settings=_settings(args),
        workers=args.workers,
        extractor=_dask_extractor(args.dask) if args.dask else None,
        programme=args.programme,
        as_of=args.as_of,
    )
    if not run.usable:
        if args.receipts:
            run.write_receipts(args.receipts)
        return _nothing_usable(run)
    timings = {**run.timings, **seconds, **_write_more(run, args)}
    _print_run(run, args)
    if args.profile:
        total = sum(timings.values())
        print(
            "Time per stage: " + ", ".join(f"{k} {v:.3f}s" for k, v in timings.items()) + f"; total {total:.3f}s",
            file=sys.stderr,
        )
    return OK if run.complete else SOME_REJECTED


def _settings(args: argparse.Namespace) -> AppraisalSettings:
    """Appraisal settings from the command line, read by the one reader of such text
    (``business_case.settings_from``); without --first-year the service starts the plan in the
    returns' financial year."""
    import dataclasses

    from jwmodel.business_case import settings_from
    from jwmodel.cases import AppraisalError

    try:
        settings = settings_from(
            first_year=args.first_year or "2012/13",  # checked here; replaced below when not given
            years=args.plan_years,
            discount=args.discount,
            optimism_bias=args.optimism_bias,
            payback_limit=args.payback_limit,
        )
    except AppraisalError as exc:
        raise SystemExit(f"jwmodel: {exc}") from exc
    return dataclasses.replace(settings, first_year=args.first_year or "")


def _dask_extractor(address: str):
    from jwmodel.excel.distributed import dask_extractor

    return dask_extractor(address)


def cmd_compare(args: argparse.Namespace) -> int:
    """One reading of a folder, consolidated with the options as given and with ``--with`` on top."""
    from jwmodel.report_text import comparison_table
    from jwmodel.service import compare, write_json
    from jwmodel.summary import comparison

    _check_targets(args.json)
    base, alternative = compare(
        args.folder,
        _options(args.with_, "--with"),
        options=_options(args.option),
        settings=_settings(args),
        workers=args.workers,
        programme=args.programme,
    )
    if not base.usable:
        return _nothing_usable(base)
    runs = [
        (args.base_name, base.consolidation, base.appraisal),
        (args.name, alternative.consolidation, alternative.appraisal),
    ]
    print(comparison_table(runs))
    if args.json:
        write_json(args.json, comparison(runs))
    return OK if base.complete else SOME_REJECTED


def cmd_leaver(args: argparse.Namespace) -> int:
    """The leaver statement of one partner leaving at the end of a plan year (``jwmodel.leaving``)."""
    from jwmodel.report_text import leaver_text
    from jwmodel.service import leaver_statement, write_leaver

    _check_targets(args.output, args.json)
    run, statement = leaver_statement(
        args.folder,
        args.partner,
        args.after,
        options=_options(args.option),
        settings=_settings(args),
        workers=args.workers,
        programme=args.programme,
    )
    print(leaver_text(statement))
    written = write_leaver(statement, workbook=args.output, json_path=args.json)
    if written:
        print("Wrote " + ", ".join(str(x) for x in written))
    return OK if run.complete and not statement.findings else SOME_REJECTED


UNCHECKED_LISTS = (
    "no programme.json beside this file (and no --programme FILE): its Lists sheet was not compared with "
    "the programme's own partners and service areas"
)


def cmd_check(args: argparse.Namespace) -> int:
    from jwmodel.service import check_files

    worst = OK
    for report in check_files(args.files, workers=args.workers, programme=args.programme):
        print(f"{report.file}: {report.status}" + (f" ({report.taken})" if report.taken else ""))
        for f in report.findings:
            print(f"  {f}")
        if not report.held_to_programme and report.kind != "unknown":
            print(f"  note: {UNCHECKED_LISTS}")
        if not report.ok:
            worst = SOME_REJECTED
    return worst


def _definition_from_arguments(args: argparse.Namespace):
    """The programme definition the templates are made from: --programme FILE, or --partner and --service."""
    from jwmodel.definition import DefinitionError, ProgrammeDefinition, validated
    from jwmodel.model import Partner
    from jwmodel.service import UsageError

    if args.programme:
        if args.partner or args.service or args.year or args.name:
            raise SystemExit("jwmodel: give either --programme FILE or --partner and --service, not both")
        from jwmodel.excel.programme_file import read_definition

        try:
            return read_definition(args.programme)
        except DefinitionError as exc:
            raise UsageError(str(exc)) from exc
    partners = []
    for value in args.partner:
        code, sep, name = value.partition("=")
        if not sep or not code.strip():
            raise SystemExit(f'jwmodel: --partner takes "CODE=Name", e.g. "HC=Hampshire Constabulary"; got {value!r}')
        partners.append(Partner(code.strip(), name.strip()))
    if not partners or not args.service:
        raise SystemExit(
            "jwmodel: give the programme's partners (--partner CODE=Name, repeated) and service areas (--service "
            "NAME, repeated), or its definition (--programme FILE)"
        )
    definition = ProgrammeDefinition(tuple(partners), tuple(s.strip() for s in args.service), args.name, args.year)
    try:
        return validated(definition, source="--partner/--service/--year")
    except DefinitionError as exc:
        raise UsageError(str(exc)) from exc


def cmd_templates(args: argparse.Namespace) -> int:
    from jwmodel.definition import FILE_NAME
    from jwmodel.service import write_templates

    for path in write_templates(args.outdir, _definition_from_arguments(args), force=args.force):
        print(f"Wrote {path}")
    print(f"Send each partner its return and each workstream lead its proposal. Keep {FILE_NAME} with the returns")
    print("(or name it with --programme): every return is held to it.")
    return OK


def _programme_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--programme",
        metavar="FILE",
        help=(
            "the programme definition (partners and service areas) every file is held to "
            "(default: programme.json in the folder; without one, the lists most submissions share)"
        ),
    )


def _appraisal_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--first-year", help="first financial year of the plan, e.g. 2012/13 (default: the year on the returns' covers)"
    )
    p.add_argument("--plan-years", type=int, default=5, help="years in the plan (default 5)")
    p.add_argument(
        "--discount",
        default="stpr",
        help="stpr (Green Book 3.5%% declining, the default), health (1.5%% declining) or a constant percentage",
    )
    p.add_argument(
        "--optimism-bias",
        metavar="CATEGORY[:upper|lower] or COST%,BENEFIT%",
        help=(
            "Green Book optimism bias preset (e.g. 'equipment/development:lower', 'outsourcing') or explicit "
            "uplift on costs and reduction of savings (e.g. '10,5')"
        ),
    )
    p.add_argument("--payback-limit", default="5", help="payback limit in years for switching values (default 5)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jwmodel", description="Joint-working business cases: partner returns in, consolidated business case out."
    )
    _version_argument(p)
    sub = p.add_subparsers(dest="command", required=True)

    _consolidate_parser(sub)
    _compare_parser(sub)
    _leaver_parser(sub)
    _check_parser(sub)
    _templates_parser(sub)
    _versions_parsers(sub)
    _track_parser(sub)
    _true_up_parser(sub)
    return p


def _consolidate_parser(sub: Any) -> None:  # argparse's sub-parsers action
    c = sub.add_parser("consolidate", help="consolidate a folder of partner returns and workstream proposals")
    c.add_argument("folder", help="folder holding the submitted .xlsx files")
    c.add_argument(
        "-o",
        "--output",
        default="consolidated.xlsx",
        help="consolidated workbook to write (default: consolidated.xlsx)",
    )
    c.add_argument("--json", help="also write the summary JSON here")
    c.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SERVICE=OPTION",
        help="participation option for a service area (repeatable); the default otherwise",
    )
    c.add_argument(
        "--model",
        metavar="FILE",
        help="also write the model workbook (inputs as Excel tables, outputs as JW_ functions) filled from the returns",
    )
    c.add_argument(
        "--receipts", metavar="DIR", help="write one receipt workbook per submission, listing its issues by cell"
    )
    c.add_argument(
        "--tables",
        metavar="DIR",
        help="also write every output table as CSV and Parquet (for pandas, Power BI and other tools)",
    )
    c.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes reading files (default: the cores available; 0 reads in this process)",
    )
    c.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="read files on an existing Dask cluster (scheduler address); the workers must reach the same paths",
    )
    _programme_argument(c)
    c.add_argument(
        "--appendix",
        metavar="FILE",
        help="also write the financial appendix for a committee report as Word (.docx), and the workbook's Summary "
        "as a PDF beside it where LibreOffice is installed",
    )
    _save_version_arguments(c)
    c.add_argument("--profile", action="store_true", help="print the time taken by each stage")
    c.add_argument("--as-of", help=AS_OF_HELP)
    _appraisal_arguments(c)
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    c.set_defaults(run=cmd_consolidate)


def _compare_parser(sub: Any) -> None:  # argparse's sub-parsers action
    m = sub.add_parser(
        "compare", help="compare each partner's share, NPV and payback under other participation options"
    )
    m.add_argument("folder")
    m.add_argument(
        "--with",
        dest="with_",
        action="append",
        default=[],
        required=True,
        metavar="SERVICE=OPTION",
        help='the options to compare with ("*=OPTION" for every service area that has it); repeatable',
    )
    m.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SERVICE=OPTION",
        help="options for the base case (default: each service area's default)",
    )
    m.add_argument("--base-name", default="Default options")
    m.add_argument("--name", default="Alternative")
    m.add_argument("--json", help="write the comparison as JSON")
    m.add_argument("--workers", type=int, default=None)
    _programme_argument(m)
    _appraisal_arguments(m)
    m.set_defaults(run=cmd_compare)


def _leaver_parser(sub: Any) -> None:  # argparse's sub-parsers action
    m = sub.add_parser(
        "leaver",
        help="the leaver statement: what a partner leaving after a plan year owes, and the others' shares after",
    )
    m.add_argument("folder")
    m.add_argument("--partner", required=True, help="the leaving partner's code, e.g. EHC")
    m.add_argument("--after", required=True, metavar="YEAR", help="its last plan year, e.g. 2014/15")
    m.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SERVICE=OPTION",
        help='the options in use ("*=OPTION" for every service area that has it; default: the defaults)',
    )
    m.add_argument("-o", "--output", help="write the leaver statement workbook (.xlsx)")
    m.add_argument("--json", help="write the leaver statement as JSON")
    m.add_argument("--workers", type=int, default=None)
    _programme_argument(m)
    _appraisal_arguments(m)
    m.set_defaults(run=cmd_leaver)


def _check_parser(sub: Any) -> None:  # argparse's sub-parsers action
    k = sub.add_parser("check", help="check returns or proposals before sending them")
    k.add_argument("files", nargs="+")
    k.add_argument("--workers", type=int, default=None, help="worker processes reading files (at least 1)")
    k.add_argument(
        "--programme",
        metavar="FILE",
        help="the programme definition to hold each file to (default: the programme.json beside each file, if any)",
    )
    k.set_defaults(run=cmd_check)


# --- templates and --version (issue 13, part 7) ---------------------------------------------------------


def _version_argument(p: argparse.ArgumentParser) -> None:
    from jwmodel import __version__

    p.add_argument("--version", action="version", version=f"jwmodel {__version__}", help="print the version and stop")


def _templates_parser(sub: Any) -> None:  # argparse's sub-parsers action
    t = sub.add_parser(
        "templates",
        help="write the templates to send: a return and a monitoring return per partner, a proposal per service area",
        description=(
            "Write, from the programme definition, one partner return per partner (return-CODE.xlsx, its cover "
            "pre-filled with the partner's code and name and the financial year), one workstream proposal per "
            "service area (proposal-NAME.xlsx), one monitoring return per partner for after approval "
            "(monitoring-CODE.xlsx), and the definition itself (programme.json) beside them. Give the "
            "programme with --programme FILE, or with --partner and --service (and --year, --name). Files already "
            "in OUTDIR are never replaced unless --force is given."
        ),
    )
    t.add_argument("outdir", help="the folder to write the templates and programme.json into (made if missing)")
    t.add_argument(
        "--partner",
        action="append",
        default=[],
        metavar="CODE=Name",
        help='a partner, e.g. "HC=Hampshire Constabulary"; repeat for each partner (codes must differ)',
    )
    t.add_argument(
        "--service",
        action="append",
        default=[],
        metavar="NAME",
        help='a service area, e.g. "Legal Services"; repeat for each service area (names must differ)',
    )
    t.add_argument("--year", default="", help="the financial year on every cover, e.g. 2012/13")
    t.add_argument("--name", default="", help="the programme's name (kept in programme.json)")
    t.add_argument(
        "--programme",
        metavar="FILE",
        help="make the templates from this programme definition (programme.json) instead of --partner and --service",
    )
    t.add_argument("--force", action="store_true", help="replace templates and programme.json already in OUTDIR")
    t.set_defaults(run=cmd_templates)


# --- versions of the business case (issue 11): consolidate --save-version, verify, changes -------------


def _save_version_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument(
        "--save-version",
        metavar="FILE",
        help="also save this consolidation as a named, self-contained version file (JSON) to verify and compare",
    )
    c.add_argument(
        "--version-name",
        metavar="NAME",
        help="the saved version's name, e.g. \"Cabinet April 2012\" (default: FILE's name)",
    )


def _save_version(run: Run, args: argparse.Namespace) -> None:
    from jwmodel.service import save_version

    if args.save_version:
        save_version(run, args.save_version, args.version_name or Path(args.save_version).stem)


def cmd_verify(args: argparse.Namespace) -> int:
    """Rerun a saved version on its folder: 0 when every figure reproduces, 1 naming what moved."""
    from jwmodel.service import verify_version

    result = verify_version(args.version, args.folder, workers=args.workers)
    version = result.version
    print(f"Version '{version.name}' ({version.created}, jwmodel {version.jwmodel_version}) on {args.folder}")
    if result.rerun is not None and result.rerun.jwmodel_version != version.jwmodel_version:
        print(f"  rerun with jwmodel {result.rerun.jwmodel_version}")
    for label, files in (
        ("changed since the version (SHA-256 differs)", result.changed),
        ("in the version but not in the folder", result.missing),
        ("in the folder but not in the version", result.added),
    ):
        for name in files:
            print(f"  file {label}: {name}")
    if result.ok:
        print(f"Every figure reproduces ({len(version.inputs)} input files).")
        return OK
    print(f"{len(result.moved)} figure(s) did not reproduce:")
    for moved in result.moved:
        print(f"  {moved.figure}: {moved.old} in the version, {moved.new} now")
    return USAGE_OR_NOTHING


def cmd_changes(args: argparse.Namespace) -> int:
    """What moved between two saved versions, as a workbook and/or JSON, and a short account printed."""
    from jwmodel.service import compare_versions, write_changes

    _check_targets(args.output, args.json)
    found = compare_versions(args.old, args.new)
    print(f"Changes from '{found.old_name}' ({found.old_created}) to '{found.new_name}' ({found.new_created}):")
    print(
        f"  {len(found.parameters)} parameters, {len(found.inputs)} input files, {len(found.figures)} figures, "
        f"{len(found.lines)} lines differ"
    )
    for line in found.lines:
        fields = ", ".join(f.field for f in line.fields)
        print(f"  {line.status} {line.line_id} ({line.service}: {line.description}): {fields}")
    for finding in found.findings:
        print(f"  {finding}")
    written = write_changes(found, workbook=args.output, json_path=args.json)
    if written:
        print("Wrote " + ", ".join(str(p) for p in written))
    return OK


def _versions_parsers(sub: Any) -> None:  # argparse's sub-parsers action
    """``jwmodel verify VERSION FOLDER`` and ``jwmodel changes OLD NEW``."""
    v = sub.add_parser("verify", help="rerun a saved version on its folder and check every figure reproduces")
    v.add_argument("version", help="the version file (consolidate --save-version)")
    v.add_argument("folder", help="the folder of returns it was made from")
    v.add_argument("--workers", type=int, default=None, help="worker processes reading files")
    v.set_defaults(run=cmd_verify)
    c = sub.add_parser("changes", help="what moved between two saved versions: totals, services, partners, lines")
    c.add_argument("old", help="the earlier version file")
    c.add_argument("new", help="the later version file")
    c.add_argument("-o", "--output", metavar="FILE", help="write the changes workbook (.xlsx) here")
    c.add_argument("--json", metavar="FILE", help="write the changes as JSON here")
    c.set_defaults(run=cmd_changes)


# --- after approval: jwmodel track -----------------------------------------------------------------


def cmd_track(args: argparse.Namespace) -> int:
    from jwmodel.service import track

    _check_targets(args.output, args.json)
    result = track(
        args.version,
        args.folder,
        include_drafts=args.include_drafts,
        as_of=args.as_of,
        case=args.case,
        workers=args.workers,
        programme=args.programme,
    )
    t = result.tracker
    print(f"Tracked {result.version} against {len(t.periods)} periods of returns ({', '.join(t.periods[-1:])} last)")
    print("Variance: forecast less plan to date, £000s (cost positive: in brackets, better than plan)")
    programme = t.programme
    print(
        f"Programme to the end of {t.current_year or '-'}: {programme.rag.value}, variance {money(programme.variance)}"
    )
    for p in t.by_partner:
        print(f"  {p.name}: {p.rag.value}, variance {money(p.variance)}")
    for o in t.chase:
        print(f"  chase {o.partner}: {o.period} due {o.due}, {o.days_late} days late ({o.contact or 'no contact'})")
    _errors_and_outputs(result, args)
    if args.receipts:
        print(f"Wrote {len(result.write_receipts(args.receipts))} receipts to {args.receipts}")
    return OK if result.complete else SOME_REJECTED


def _errors_and_outputs(result: Any, args: argparse.Namespace) -> None:
    """After approval (track, true-up): the errors found, then the workbook and any JSON written (-o, --json)."""
    for f in result.findings:
        if f.severity.value == "error":
            print(f"  {f}")
    print(f"Wrote {result.write_workbook(args.output)}")
    if args.json:
        print(f"Wrote {result.write_json(args.json)}")


def _track_parser(sub: Any) -> None:  # argparse's sub-parsers action
    t = sub.add_parser("track", help="track an approved version against a folder of monitoring returns")
    t.add_argument("version", help="the approved version's file (jwmodel consolidate --save-version)")
    t.add_argument("folder", help="folder holding the monitoring returns")
    t.add_argument("-o", "--output", default="tracker.xlsx", help="tracker workbook to write (default: tracker.xlsx)")
    t.add_argument("--json", help="also write the tracker JSON here")
    t.add_argument("--include-drafts", action="store_true", help="count returns whose cover says Draft")
    t.add_argument("--receipts", metavar="DIR", help="write one receipt workbook per return, listing its issues")
    t.add_argument("--as-of", help=AS_OF_HELP)
    t.add_argument("--case", default="central", help="the case the plan is taken under (default: central)")
    t.add_argument("--workers", type=int, default=None, help="worker processes reading files")
    _programme_argument(t)
    t.set_defaults(run=cmd_track)


# --- after approval: jwmodel true-up (the yearly true-up on actual drivers) ----------------------------


def cmd_true_up(args: argparse.Namespace) -> int:
    from jwmodel.service import true_up

    _check_targets(args.output, args.json)
    result = true_up(
        args.version,
        args.folder,
        year=args.year,
        tolerance=args.tolerance,
        cap=args.cap,
        case=args.case,
        include_drafts=args.include_drafts,
        workers=args.workers,
        programme=args.programme,
    )
    r = result.result
    cap = "no damping" if r.cap is None else f"damping cap {r.cap} points"
    print(f"True-up of {result.version} for {r.year} ({r.case.value} case, tolerance {r.tolerance} points, {cap})")
    for s in r.services:
        moved = "" if s.moved is None else f", largest move {s.moved} point{'' if s.moved == 1 else 's'}"
        damped = ", damped" if s.damped else ""
        own = f" ({s.line}, its own split)" if s.line else ""
        print(f"  {s.service}{own}: {s.decision.value}{moved}{damped}")
    print("Balancing payment: trued-up share less paid, £000s (positive pays; in brackets, receives)")
    taking_part = {p for s in r.services for p in s.estimated}  # a partner in no split that year has nothing to settle
    for partner, balance in r.balances.items():
        if partner in taking_part:
            print(f"  {partner}: {money(balance, exact=True)}")
    for x in r.settlements:
        print(f"  {x.payer} pays {x.payee} {money(x.amount, exact=True)}")
    _errors_and_outputs(result, args)
    return OK if result.complete else SOME_REJECTED


def _cap(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of percentage points, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more percentage points, not {value}")
    return value


def _true_up_parser(sub: Any) -> None:  # argparse's sub-parsers action
    t = sub.add_parser("true-up", help="true up a year's shares on the actual drivers the monitoring returns state")
    t.add_argument("version", help="the approved version's file (jwmodel consolidate --save-version)")
    t.add_argument("folder", help="folder holding the monitoring returns (their Actual drivers sheets)")
    t.add_argument("-o", "--output", default="true-up.xlsx", help="true-up workbook to write (default: true-up.xlsx)")
    t.add_argument("--json", help="also write the true-up JSON here")
    t.add_argument("--year", help="the financial year to true up (default: the latest year the returns give)")
    t.add_argument("--tolerance", default="3", help="points a share may move before the split is trued up (default 3)")
    t.add_argument("--cap", type=_cap, default=None, help="damping: the most a share may move in a year, whole points")
    t.add_argument("--case", default="central", help="the case the year's amounts are taken under (default: central)")
    t.add_argument("--include-drafts", action="store_true", help="count returns whose cover says Draft")
    t.add_argument("--workers", type=int, default=None, help="worker processes reading files")
    _programme_argument(t)
    t.set_defaults(run=cmd_true_up)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: a half-written output is removed on the way out


def _no_collection_at_exit() -> None:
    """Python collects garbage once more as it exits, scanning every object still held (the records of a
    folder read: 0.015-0.03 s at 1,000 files) only to free them all anyway: freeze them first. Files are
    closed by ``with`` blocks, never left to a collection, so nothing is lost."""
    import atexit
    import gc

    atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    from jwmodel.service import UsageError

    if argv is None:  # the command in its own process, which exits once this returns
        _no_collection_at_exit()
    args = parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed, never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        return int(args.run(args))
    except (UsageError, OSError) as exc:  # OSError: an output that cannot be written (OutputError) and the like
        print(f"jwmodel: {exc}", file=sys.stderr)
        return USAGE_OR_NOTHING
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return USAGE_OR_NOTHING
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
