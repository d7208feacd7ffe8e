"""The ``jwmodel`` command: consolidate a folder of returns, check files, write templates.

Exit codes: 0 everything accepted; 2 output written but some files were rejected; 1 nothing
usable, or a usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from jwmodel.business_case import AppraisalSettings, appraise_programme
from jwmodel.report_text import appendix_a, appraisal_table, baseline_table, findings_table, partner_table, sources_line
from jwmodel.submissions import Status
from jwmodel.summary import summary

__all__ = ["main"]

OK, USAGE_OR_NOTHING, SOME_REJECTED = 0, 1, 2


def _options(values: Sequence[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for value in values:
        service, sep, option = value.partition("=")
        if not sep or not service.strip() or not option.strip():
            raise SystemExit(
                f'jwmodel: --option takes "SERVICE=OPTION", e.g. "Learning & Development=HC and HCC"; got {value!r}'
            )
        chosen[service.strip()] = option.strip()
    return chosen


def _write_json(path: Path, document: object) -> None:
    from jwmodel.excel.atomic import replacing

    with replacing(path, ".json") as tmp:
        tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def cmd_consolidate(args: argparse.Namespace) -> int:
    from jwmodel.excel.batch import run_batch
    from jwmodel.excel.receipts import write_receipt
    from jwmodel.excel.report import write_consolidated

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"jwmodel: {folder} is not a folder", file=sys.stderr)
        return USAGE_OR_NOTHING
    options = _options(args.option)
    batch = run_batch(
        folder, options=options, workers=args.workers, extractor=_dask_extractor(args.dask) if args.dask else None
    )
    sources, result = batch.sources, batch.result
    if args.receipts:
        for record in sources:
            if record.status != Status.SKIPPED:
                write_receipt(args.receipts, record)
    if result is None:
        print(
            f"jwmodel: nothing usable in {folder}: no accepted partner return or workstream proposal", file=sys.stderr
        )
        for s in sources:
            print(f"  {s.file}: {s.status} {'; '.join(str(f) for f in s.findings) or s.taken}", file=sys.stderr)
        return USAGE_OR_NOTHING
    clock = time.perf_counter()
    appraisal = appraise_programme(result, _settings(args, batch.financial_year))
    result = dataclasses.replace(result, findings=(*result.findings, *appraisal.findings))
    batch.timings["appraise"] = time.perf_counter() - clock
    clock = time.perf_counter()
    write_consolidated(args.output, result, sources, appraisal)
    if args.model:
        from jwmodel.excel.model_workbook import write_model_workbook

        write_model_workbook(args.model, batch.programme, result, sources)
    if args.json:
        _write_json(Path(args.json), summary(result, sources, appraisal))
    batch.timings["write"] = time.perf_counter() - clock
    if not args.quiet:
        print(appendix_a(result))
        print()
        print(baseline_table(result))
        print()
        print(partner_table(result))
        print()
        print(appraisal_table(appraisal))
        print()
        print(findings_table(result))
        print()
        print(sources_line(sources))
        print(f"Wrote {args.output}" + (f" and {args.json}" if args.json else ""))
    if args.profile:
        total = sum(batch.timings.values())
        print(
            "Time per stage: " + ", ".join(f"{k} {v:.3f}s" for k, v in batch.timings.items()) + f"; total {total:.3f}s",
            file=sys.stderr,
        )
    return SOME_REJECTED if batch.rejected else OK


def _settings(args: argparse.Namespace, financial_year: str) -> AppraisalSettings:
    """Appraisal settings from the command line; the plan starts in the returns' financial year."""
    from decimal import Decimal, InvalidOperation

    from jwmodel.appraisal import AppraisalError, OptimismBias, optimism_bias
    from jwmodel.discounting import HEALTH, STPR, constant_rate

    first = args.first_year or financial_year or "2012/13"
    schedule = {"stpr": STPR, "health": HEALTH}.get(args.discount.lower())
    if schedule is None:
        try:
            schedule = constant_rate(Decimal(args.discount.rstrip("%")))
        except (InvalidOperation, ValueError) as exc:
            raise SystemExit(
                f"jwmodel: --discount takes stpr, health or a percentage such as 3.5; got {args.discount!r}"
            ) from exc
    bias = None
    if args.optimism_bias:
        category, _, bound = args.optimism_bias.partition(":")
        try:
            if category.replace(".", "").replace(",", "").isdigit():
                cost, _, benefit = category.partition(",")
                bias = OptimismBias(Decimal(cost), Decimal(benefit or 0))
            else:
                bias = optimism_bias(category, bound=bound or "upper")
        except AppraisalError as exc:
            raise SystemExit(f"jwmodel: --optimism-bias: {exc}") from exc
    return AppraisalSettings(first, args.plan_years, schedule, bias, Decimal(args.payback_limit))


def _dask_extractor(address: str):
    from jwmodel.excel.distributed import dask_extractor

    return dask_extractor(address)


def cmd_compare(args: argparse.Namespace) -> int:
    """Two runs of one folder: the options as given, and with ``--with`` options on top."""
    from jwmodel.excel.batch import run_batch
    from jwmodel.report_text import comparison_table
    from jwmodel.summary import comparison

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"jwmodel: {folder} is not a folder", file=sys.stderr)
        return USAGE_OR_NOTHING
    base_options = _options(args.option)
    alternative = {**base_options, **_options(args.with_)}
    batch = run_batch(folder, options=base_options, workers=args.workers)
    if batch.result is None or batch.programme is None:
        print(f"jwmodel: nothing usable in {folder}", file=sys.stderr)
        return USAGE_OR_NOTHING
    from jwmodel.consolidation import consolidate

    settings = _settings(args, batch.financial_year)
    runs = []
    for label, result in (
        (args.base_name, batch.result),
        (args.name, consolidate(batch.programme, options=alternative)),
    ):
        runs.append((label, result, appraise_programme(result, settings)))
    print(comparison_table(runs))
    if args.json:
        _write_json(Path(args.json), comparison(runs))
    return SOME_REJECTED if batch.rejected else OK


def cmd_check(args: argparse.Namespace) -> int:
    from jwmodel.excel.reading import read_submission

    worst = OK
    for name in args.files:
        path = Path(name)
        _, record = read_submission(path)
        print(f"{record.file}: {record.status}" + (f" ({record.taken})" if record.taken else ""))
        for f in record.findings:
            print(f"  {f}")
        if record.status == Status.REJECTED:
            worst = max(worst, SOME_REJECTED)
    return worst


def cmd_templates(args: argparse.Namespace) -> int:
    from jwmodel.excel.templates import write_partner_return, write_workstream_proposal
    from jwmodel.model import Partner
    from jwmodel.submissions import ProgrammeSetup

    partners = []
    for value in args.partner:
        code, sep, name = value.partition("=")
        if not sep or not code.strip():
            raise SystemExit(f'jwmodel: --partner takes "CODE=Name", e.g. "HC=Hampshire Constabulary"; got {value!r}')
        partners.append(Partner(code.strip(), name.strip()))
    if not partners or not args.service:
        raise SystemExit(
            "jwmodel: give the programme's partners (--partner CODE=Name, repeated) and service areas (--service NAME, repeated)"
        )
    setup = ProgrammeSetup(tuple(partners), tuple(args.service), args.year)
    out = Path(args.outdir)
    for path in (
        write_partner_return(out / "partner_return.xlsx", setup),
        write_workstream_proposal(out / "workstream_proposal.xlsx", setup),
    ):
        print(f"Wrote {path}")
    return OK


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
        help="Green Book optimism bias preset (e.g. 'equipment/development:lower', 'outsourcing') or explicit uplift on costs and reduction of savings (e.g. '10,5')",
    )
    p.add_argument("--payback-limit", default="5", help="payback limit in years for switching values (default 5)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jwmodel", description="Joint-working business cases: partner returns in, consolidated business case out."
    )
    sub = p.add_subparsers(dest="command", required=True)

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
    c.add_argument("--profile", action="store_true", help="print the time taken by each stage")
    _appraisal_arguments(c)
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    c.set_defaults(run=cmd_consolidate)

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
    _appraisal_arguments(m)
    m.set_defaults(run=cmd_compare)

    k = sub.add_parser("check", help="check returns or proposals before sending them")
    k.add_argument("files", nargs="+")
    k.set_defaults(run=cmd_check)

    t = sub.add_parser("templates", help="write blank templates for a programme's partners and service areas")
    t.add_argument("outdir")
    t.add_argument("--partner", action="append", default=[], metavar="CODE=Name")
    t.add_argument("--service", action="append", default=[], metavar="NAME")
    t.add_argument("--year", default="", help="financial year, e.g. 2012/13")
    t.set_defaults(run=cmd_templates)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            return USAGE_OR_NOTHING
        raise


if __name__ == "__main__":
    sys.exit(main())
