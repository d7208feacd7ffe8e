"""Generate N realistic, valid partner returns and workstream proposals for the benchmark.

The files are written by the project's own templates (``write_partner_return``,
``write_workstream_proposal``) from generated data, so they are exactly what a partner fills in:

- partner returns with 10-50 service areas each, workstream proposals with 20-200 saving lines,
  0-8 one-off costs, one to three participation options (fixed percentages, driver, sole bearer,
  share of baseline) and their drivers;
- some formulas with their stored results, as a spreadsheet application saves them (net baseline
  = gross less charges, the cover's stated totals as SUM()s of the Baseline sheet, High = Low less
  a margin on saving lines);
- a share of the files re-saved by LibreOffice (``--libreoffice``), so they look like files saved
  by a spreadsheet application rather than by a library.

The programme is a large partnership: 12 partners and 60 service areas (a real one has fewer; the
templates cap it at about 50 partners, who each get a column on the Options and Drivers sheets). So
in a large folder most files are resubmissions: every file is read and checked in full, and only the
latest submission of each partner or service area (by the cover's submission number) is
consolidated, as ``jwmodel consolidate`` does. The consolidated programme, and so the time to
consolidate and write it, does not grow with the number of files.

The generator knows what it wrote: its manifest lists every file (kind,
partner or service, submission number, whether it is the final one) and the figures the
consolidation must reach (Appendix A totals, one-off costs, each partner's baseline). It is written
beside the folder (``<folder>.json``), so the folder holds nothing but submissions.

    python bench/generate.py --n 1000 --out bench/data/n1000 [--libreoffice 0.1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from dataclasses import replace as dataclasses_replace  # noqa: F401  (used by tests)
from decimal import Decimal
from pathlib import Path

from jwmodel.excel import schema as s
from jwmodel.excel.templates import write_partner_return, write_workstream_proposal
from jwmodel.model import (
    ApportionmentRule,
    BaselineEntry,
    Category,
    ControlTotal,
    DriverValue,
    Method,
    OneOffCost,
    OneOffType,
    ParticipationOption,
    Partner,
    Range,
    SavingLine,
    ServiceArea,
)
from jwmodel.submissions import Cover, PartnerReturn, ProgrammeSetup, WorkstreamProposal

__all__ = ["Plan", "Shape", "SHAPES", "generate", "plan", "default_folder", "manifest_path", "load_manifest"]


@dataclass(frozen=True, slots=True)
class Shape:
    """What a generated folder looks like: the programme's size and what each file holds (ranges inclusive)."""

    name: str
    partners: int  # at most: fewer when there are fewer returns
    services: int
    return_share: float  # the share of files that are partner returns; the rest are workstream proposals
    return_services: tuple[int, int]  # service areas on a return's Baseline sheet
    lines: tuple[int, int]  # saving lines in a proposal
    costs: tuple[int, int]  # one-off costs in a proposal


# Today's stress case: a programme far beyond a real one (12 partners, 60 service areas, 20-200 lines a proposal).
OVERSIZED = Shape("oversized", 12, 60, 0.7, (10, 50), (20, 200), (0, 8))
# Shaped like the bundled examples (3 partners, 5-7 service areas, 17 lines in all in Hampshire), at the top
# of the range a real programme has: 12 partners, 30 service areas, 5-30 areas a return, 3-20 lines a proposal.
REALISTIC = Shape("realistic", 12, 30, 12 / 42, (5, 30), (3, 20), (0, 3))
SHAPES = {x.name: x for x in (OVERSIZED, REALISTIC)}
MAX_PARTNERS = OVERSIZED.partners
SERVICES = OVERSIZED.services
RETURN_SHARE = OVERSIZED.return_share
YEAR = "2012/13"
FORMULA_SHARE = 0.5  # files whose computed cells hold formulas (with their stored results)

_ORGS = (
    "Constabulary",
    "Fire and Rescue Service",
    "County Council",
    "District Council",
    "Borough Council",
    "NHS Trust",
    "Clinical Commissioning Group",
    "National Park Authority",
)
_PLACES = (
    "Hampshire",
    "Surrey",
    "Kent",
    "Dorset",
    "Wiltshire",
    "Devon",
    "Norfolk",
    "Suffolk",
    "Essex",
    "Cumbria",
    "Durham",
    "Somerset",
)
_SERVICE_NAMES = (
    "Learning & Development",
    "Facilities Management",
    "Legal Services",
    "Estates & Property Services",
    "Media & Communications",
    "Research & Analysis",
    "Procurement",
    "Payroll",
    "Human Resources",
    "Finance & Accounting",
    "Internal Audit",
    "Insurance",
    "ICT Service Desk",
    "ICT Infrastructure",
    "Fleet Management",
    "Occupational Health",
    "Health & Safety",
    "Records Management",
    "Information Governance",
    "Printing & Design",
    "Translation Services",
    "Customer Contact",
    "Business Continuity",
    "Emergency Planning",
    "Vehicle Workshops",
    "Catering",
    "Cleaning",
    "Security",
    "Energy Management",
    "Pensions Administration",
)
_SAVING_WORDS = (
    "Merge teams",
    "Single contract",
    "Shared system",
    "Joint rota",
    "Rationalise sites",
    "Common process",
    "Renegotiate supply",
    "Reduce agency use",
    "Shared licences",
    "Consolidate stores",
)


def programme_setup(partners: int, services: int = SERVICES) -> ProgrammeSetup:
    codes = [f"P{i + 1:02d}" for i in range(partners)]
    names = [f"{_PLACES[i % len(_PLACES)]} {_ORGS[(i // len(_PLACES)) % len(_ORGS)]} {i + 1}" for i in range(partners)]
    services = [
        _SERVICE_NAMES[i]
        if i < len(_SERVICE_NAMES)
        else f"{_SERVICE_NAMES[i % len(_SERVICE_NAMES)]} ({i // len(_SERVICE_NAMES) + 1})"
        for i in range(services)
    ]
    return ProgrammeSetup(tuple(Partner(c, n) for c, n in zip(codes, names, strict=True)), tuple(services), YEAR)


@dataclass(frozen=True, slots=True)
class Plan:
    """Which file is what: file i is a return (or proposal) for a partner (service) and a submission number."""

    n: int
    seed: int
    n_returns: int
    n_proposals: int
    partners: int
    shape: Shape = OVERSIZED

    @classmethod
    def make(cls, n: int, seed: int = 0, shape: Shape = OVERSIZED) -> Plan:
        if n < 2:
            raise ValueError("generate at least 2 files (a return and a proposal)")
        n_proposals = min(n - 1, max(1, round(n * (1 - shape.return_share))))
        n_returns = n - n_proposals
        return cls(n, seed, n_returns, n_proposals, min(shape.partners, n_returns), shape)

    @property
    def setup(self) -> ProgrammeSetup:
        return programme_setup(self.partners, self.shape.services)

    def kind(self, i: int) -> tuple[str, int, int]:
        """('return', partner index, submission) or ('proposal', service index, submission) of file i."""
        # interleave the kinds so that any prefix of the folder holds both
        proposals_before = (i * self.n_proposals) // self.n
        is_proposal = ((i + 1) * self.n_proposals) // self.n > proposals_before
        if is_proposal:
            j = proposals_before
            return "proposal", j % self.shape.services, j // self.shape.services + 1
        j = i - proposals_before
        return "return", j % self.partners, j // self.partners + 1

    def final_submission(self, kind: str, index: int) -> int:
        """The highest submission number of a partner's returns (a service's proposals); 0 if none."""
        count, groups = (self.n_returns, self.partners) if kind == "return" else (self.n_proposals, self.shape.services)
        return count // groups + (1 if index < count % groups else 0)

    def final_return_services(self, partner: int) -> list[int]:
        """The service indexes in the final return of ``partner``."""
        submission = self.final_submission("return", partner)
        return _return_services(self, partner, submission)


def plan(n: int, seed: int = 0, shape: str = "oversized") -> Plan:
    return Plan.make(n, seed, SHAPES[shape])


def _rng(*key: object) -> random.Random:
    return random.Random(":".join(map(str, key)))


def _return_services(p: Plan, partner: int, submission: int) -> list[int]:
    rng = _rng(p.seed, "services", partner, submission)
    return sorted(rng.sample(range(p.shape.services), rng.randint(*p.shape.return_services)))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A £000s figure: whole thousands mostly, some to £100 or to £1."""
    value = Decimal(rng.randint(low, high))
    roll = rng.random()
    if roll < 0.2:
        value += Decimal(rng.randint(0, 9)) / 10
    elif roll < 0.3:
        value += Decimal(rng.randint(0, 999)) / 1000
    return value


def _cover(p: Plan, template: str, who: str, submission: int) -> Cover:
    day = 1 + min(submission, 27)
    return Cover(
        template, s.VERSION, YEAR, who, f"{who.split()[0].lower()}@example.org", f"2012-04-{day:02d}", str(submission)
    )


def return_data(p: Plan, partner_index: int, submission: int) -> PartnerReturn:
    setup = p.setup
    partner = setup.partners[partner_index]
    rng = _rng(p.seed, "return", partner_index, submission)
    entries = []
    for k in _return_services(p, partner_index, submission):
        gross = _money(rng, 20, 6000)
        charges = Decimal(rng.randint(0, int(gross) // 4)) if rng.random() < 0.6 else None
        net = gross - (charges or 0)
        fte = Decimal(rng.randint(5, 2500)) / 10
        entries.append(
            BaselineEntry(
                partner.code,
                setup.services[k],
                net,
                fte,
                gross if charges is not None or rng.random() < 0.5 else None,
                charges,
                "from the budget book" if rng.random() < 0.2 else "",
            )
        )
    net_total = sum((e.net for e in entries), Decimal(0))
    fte_total = sum((e.fte for e in entries), Decimal(0))
    return PartnerReturn(
        _cover(p, s.PARTNER_RETURN, f"{partner.name} finance", submission),
        partner,
        tuple(entries),
        ControlTotal(partner.code, net_total, fte_total),
        setup,
    )


def proposal_data(p: Plan, service_index: int, submission: int) -> WorkstreamProposal:
    setup = p.setup
    service = setup.services[service_index]
    codes = [x.code for x in setup.partners]
    rng = _rng(p.seed, "proposal", service_index, submission)
    participants = tuple(sorted(rng.sample(codes, min(len(codes), rng.randint(2, 6))), key=codes.index))
    options: list[ParticipationOption] = []
    drivers: list[DriverValue] = []
    method = rng.choice((Method.FIXED, Method.FIXED, Method.DRIVER, Method.SOLE_BEARER))
    if method is Method.FIXED:
        cuts = sorted(rng.sample(range(1, 100), len(participants) - 1))
        percents = {c: Decimal(b - a) for c, a, b in zip(participants, [0, *cuts], [*cuts, 100], strict=True)}
        rule = ApportionmentRule(Method.FIXED, percents)
    elif method is Method.DRIVER:
        rule = ApportionmentRule(Method.DRIVER, driver="Time spent", minimum_percent=1)
        drivers += [
            DriverValue(service, "Time spent", c, Decimal(rng.randint(5, 400)), "timesheets, April to June")
            for c in participants
        ]
    else:
        rule = ApportionmentRule(Method.SOLE_BEARER, sole_bearer=rng.choice(participants))
    options.append(ParticipationOption(", ".join(participants), participants, rule, True))
    # an alternative, not in use: share of baseline among the partners whose final return has this service
    with_baseline = tuple(c for i, c in enumerate(codes) if service_index in p.final_return_services(i))
    if len(with_baseline) >= 2 and rng.random() < 0.6:
        alt = tuple(with_baseline[: rng.randint(2, min(5, len(with_baseline)))])
        if alt != participants:
            options.append(
                ParticipationOption(
                    " and ".join(alt), alt, ApportionmentRule(Method.BASELINE, minimum_percent=1), False
                )
            )

    lines = []
    for i in range(rng.randint(*p.shape.lines)):
        category = rng.choices(list(Category), weights=(40, 25, 20, 5, 10))[0]
        a, b = _money(rng, 1, 400), _money(rng, 0, 150)
        estimate = Range(a + b, a) if category is Category.ADDITIONAL_COST else Range(-a, -a - b)
        bearer = rng.choice(participants) if rng.random() < 0.05 else None
        condition = rng.choice(participants) if bearer is None and rng.random() < 0.05 else None
        words = _SAVING_WORDS[rng.randrange(len(_SAVING_WORDS))]
        lines.append(
            SavingLine(
                service,
                f"{words} ({i + 1})",
                category,
                estimate,
                bearer,
                condition,
                "workshop estimate" if rng.random() < 0.1 else "",
            )
        )
    costs = []
    for i in range(rng.randint(*p.shape.costs)):
        a, b = _money(rng, 1, 300), _money(rng, 0, 100)
        costs.append(OneOffCost(service, f"Change cost ({i + 1})", rng.choice(list(OneOffType)), Range(a, a + b)))
    area = ServiceArea(service, tuple(options))
    return WorkstreamProposal(
        _cover(p, s.WORKSTREAM_PROPOSAL, f"{service} workstream lead", submission),
        area,
        tuple(lines),
        tuple(costs),
        tuple(drivers),
        setup,
    )


# --- formulas -----------------------------------------------------------------------------------

_NUMBER_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"( s="[0-9]+")?><v>([^<]*)</v></c>')


def _with_formulas(path: Path, formulas: dict[str, dict[str, str]]) -> None:
    """Give numeric cells formulas, keeping their stored results (as a spreadsheet saves them).

    ``formulas``: sheet part name (e.g. 'xl/worksheets/sheet3.xml') -> cell (e.g. 'D5') -> formula.
    """
    tmp = path.with_suffix(".formulas")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            cells = formulas.get(info.filename)
            if cells:

                def put(m: re.Match[bytes], cells: dict[str, str] = cells) -> bytes:
                    ref = (m.group(1) + m.group(2)).decode()
                    if ref not in cells:
                        return m.group(0)
                    return b'<c r="%s%s"%s><f>%s</f><v>%s</v></c>' % (
                        m.group(1),
                        m.group(2),
                        m.group(3) or b"",
                        cells[ref].encode(),
                        m.group(4),
                    )

                data = _NUMBER_CELL.sub(put, data)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, path)


def _return_formulas(data: PartnerReturn) -> dict[str, dict[str, str]]:
    # sheets: Instructions, Cover, Baseline, Lists; table rows start on row HEADER_ROW + 2 (1-based)
    first = s.HEADER_ROW + 2
    baseline = {
        f"D{first + i}": f"B{first + i}-C{first + i}"
        for i, e in enumerate(data.baseline)
        if e.gross is not None and e.charges is not None
    }
    last = first + len(data.baseline) - 1
    labels = [f.key for f in s.PARTNER_COVER]
    cover = {
        f"B{3 + labels.index('stated_net')}": f"SUM(Baseline!D{first}:D{last})",
        f"B{3 + labels.index('stated_fte')}": f"SUM(Baseline!E{first}:E{last})",
    }
    return {"xl/worksheets/sheet2.xml": cover, "xl/worksheets/sheet3.xml": baseline}


def _proposal_formulas(data: WorkstreamProposal) -> dict[str, dict[str, str]]:
    # sheets: Instructions, Cover, Options, Drivers, Saving lines (5), One-off costs (6), Lists
    first = s.HEADER_ROW + 2
    savings = {}
    for i, line in enumerate(data.saving_lines):
        gap = line.estimate.low - line.estimate.high
        if gap == gap.to_integral_value() and line.estimate.low == line.estimate.low.to_integral_value():
            savings[f"D{first + i}"] = f"C{first + i}-{gap}"
    costs = {}
    for i, cost in enumerate(data.one_off_costs):
        gap = cost.estimate.high - cost.estimate.low
        if gap == gap.to_integral_value() and cost.estimate.low == cost.estimate.low.to_integral_value():
            costs[f"D{first + i}"] = f"C{first + i}+{gap}"
    return {"xl/worksheets/sheet5.xml": savings, "xl/worksheets/sheet6.xml": costs}


# --- one file -----------------------------------------------------------------------------------


def file_name(kind: str, index: int, submission: int, setup: ProgrammeSetup) -> str:
    if kind == "return":
        return f"return-{setup.partners[index].code}-{submission:03d}.xlsx"
    slug = re.sub(r"[^a-z0-9]+", "-", setup.services[index].lower().replace("&", "and")).strip("-")
    return f"proposal-{slug}-{submission:03d}.xlsx"


def _range(r: Range) -> dict[str, str]:
    return {"low": str(r.low), "high": str(r.high)}


def _write_one(args: tuple[Plan, int, str]) -> dict:
    p, i, outdir = args
    kind, index, submission = p.kind(i)
    setup = p.setup
    name = file_name(kind, index, submission, setup)
    path = Path(outdir) / name
    formulas = _rng(p.seed, "formulas", i).random() < FORMULA_SHARE
    final = submission == p.final_submission(kind, index)
    entry: dict = {"file": name, "kind": kind, "submission": submission, "final": final, "formulas": formulas}
    if kind == "return":
        data = return_data(p, index, submission)
        write_partner_return(path, setup, data)
        if formulas:
            _with_formulas(path, _return_formulas(data))
        entry.update(partner=data.partner.code, rows=len(data.baseline))
        if final:
            entry["baseline"] = {
                "net": str(sum((e.net for e in data.baseline), Decimal(0))),
                "fte": str(sum((e.fte for e in data.baseline), Decimal(0))),
            }
    else:
        data = proposal_data(p, index, submission)
        write_workstream_proposal(path, setup, data)
        if formulas:
            _with_formulas(path, _proposal_formulas(data))
        entry.update(service=data.service.name, lines=len(data.saving_lines), costs=len(data.one_off_costs))
        if final:
            columns = {"cashable": Range(), "procurement": Range(), "non_cashable": Range()}
            for line in data.saving_lines:
                columns[line.category.column] += line.estimate
            one_off = sum((c.estimate for c in data.one_off_costs), Range())
            entry["totals"] = {**{k: _range(v) for k, v in columns.items()}, "one_off": _range(one_off)}
    return entry


def _expected(entries: list[dict]) -> dict:
    totals = {k: Range() for k in ("cashable", "procurement", "non_cashable", "one_off")}
    by_service = {}
    baseline = {}
    for e in entries:
        if not e["final"]:
            continue
        if e["kind"] == "proposal":
            service = {k: Range(Decimal(v["low"]), Decimal(v["high"])) for k, v in e["totals"].items()}
            by_service[e["service"]] = {k: _range(v) for k, v in service.items()}
            for k, v in service.items():
                totals[k] += v
        else:
            baseline[e["partner"]] = e["baseline"]
    recurring = totals["cashable"] + totals["procurement"]
    return {
        "totals": {**{k: _range(v) for k, v in totals.items()}, "recurring": _range(recurring)},
        "by_service": by_service,
        "baseline": baseline,
    }


def generate(
    outdir: str | Path,
    n: int,
    *,
    seed: int = 0,
    libreoffice: float = 0.1,
    jobs: int | None = None,
    quiet: bool = True,
    shape: str = "oversized",
) -> dict:
    """Write ``n`` files into ``outdir`` (emptied of .xlsx first) and the manifest beside it; return the manifest.

    ``shape``: "oversized" (:data:`OVERSIZED`, the default) or "realistic" (:data:`REALISTIC`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.xlsx"):
        old.unlink()
    p = plan(n, seed, shape)
    jobs = jobs or max(1, len(os.sched_getaffinity(0)))
    clock = time.perf_counter()
    work = [(p, i, str(outdir)) for i in range(n)]
    if jobs == 1 or n < 50:
        entries = [_write_one(w) for w in work]
    else:
        with mp.get_context("fork").Pool(jobs) as pool:
            entries = list(pool.imap(_write_one, work, chunksize=16))
    written = time.perf_counter() - clock
    if not quiet:
        print(f"wrote {n} files in {written:.1f}s", file=sys.stderr)

    chosen = sorted(_rng(seed, "libreoffice").sample(range(n), round(n * libreoffice))) if libreoffice > 0 else []
    if chosen:
        clock = time.perf_counter()
        _resave_in_place([outdir / entries[i]["file"] for i in chosen], jobs)
        for i in chosen:
            entries[i]["libreoffice"] = True
        if not quiet:
            print(
                f"re-saved {len(chosen)} files with LibreOffice in {time.perf_counter() - clock:.1f}s", file=sys.stderr
            )
    manifest = {
        "n": n,
        "seed": seed,
        "fingerprint": fingerprint(),
        "shape": p.shape.name,
        "partners": p.partners,
        "services": p.shape.services,
        "returns": p.n_returns,
        "proposals": p.n_proposals,
        "libreoffice": len(chosen),
        "formulas": sum(e["formulas"] for e in entries),
        "bytes": sum((outdir / e["file"]).stat().st_size for e in entries),
        "expected": _expected(entries),
        "files": entries,
    }
    manifest_path(outdir).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def default_folder(n: int, shape: str = "oversized") -> Path:
    """Where a generated folder goes by default: bench/data/n<N> (oversized), bench/data/realistic-n<N>."""
    return Path(__file__).resolve().parent / "data" / (f"n{n}" if shape == "oversized" else f"{shape}-n{n}")


def fingerprint() -> str:
    """What generated files depend on: the templates, their layout and this generator."""
    from jwmodel.excel import schema, templates

    h = hashlib.sha256()
    for path in (Path(schema.__file__), Path(templates.__file__), Path(__file__)):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def manifest_path(folder: str | Path) -> Path:
    folder = Path(folder)
    return folder.parent / f"{folder.name}.json"


def load_manifest(folder: str | Path) -> dict | None:
    """The manifest of a generated folder, if it is there and matches the folder's files."""
    path = manifest_path(folder)
    if not path.exists():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    names = {p.name for p in Path(folder).glob("*.xlsx")}
    return manifest if names == {e["file"] for e in manifest["files"]} else None


def _resave_batch(batch: list[Path]) -> None:
    from jwmodel.excel.libreoffice import resave

    with tempfile.TemporaryDirectory(prefix="jwbench-lo-") as tmp:
        for new in resave(batch, tmp, timeout=1800):
            shutil.move(str(new), str(batch[0].parent / new.name))


def _resave_in_place(paths: list[Path], jobs: int) -> None:
    """Re-save files with LibreOffice (recalculating), replacing them; a few soffice processes in parallel."""
    size = max(1, min(200, -(-len(paths) // jobs)))
    batches = [paths[i : i + size] for i in range(0, len(paths), size)]
    if len(batches) == 1:
        _resave_batch(batches[0])
        return
    with mp.get_context("fork").Pool(min(jobs, len(batches))) as pool:
        pool.map(_resave_batch, batches, chunksize=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    ap.add_argument("--out", default=None, help="folder to write (default bench/data/n<N>)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--libreoffice",
        type=float,
        default=0.1,
        help="share of files re-saved by LibreOffice (default 0.1; 0 for none)",
    )
    ap.add_argument("--jobs", type=int, default=None, help="processes writing files (default: the cores available)")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="oversized", help="what the files look like")
    args = ap.parse_args(argv)
    out = Path(args.out) if args.out else default_folder(args.n, args.shape)
    m = generate(
        out, args.n, seed=args.seed, libreoffice=args.libreoffice, jobs=args.jobs, quiet=False, shape=args.shape
    )
    print(
        f"{out}: {m['n']} files ({m['returns']} returns, {m['proposals']} proposals, {m['formulas']} with "
        f"formulas, {m['libreoffice']} re-saved by LibreOffice), {m['bytes'] / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
