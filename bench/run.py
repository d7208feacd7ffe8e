"""Benchmark: ``jwmodel consolidate`` beside the naive loop, a raw python-calamine read and unzipping.

    python bench/run.py --n 1000            # both datasets, generated once under bench/data (reused), then timed
    python bench/run.py --n 10000 --dataset oversized --naive-limit 1000

Two datasets (bench/generate.py), each of N files: "realistic" (a programme shaped like the bundled
examples: 12 partners, 30 service areas, 5-30 areas a return, 3-20 lines a proposal) and "oversized"
(12 partners, 60 service areas, 20-200 lines a proposal: the stress case). For each, in one run, on
the same files, each method in its own process (so each has its own peak memory):

- jwmodel: ``jwmodel consolidate FOLDER -o ... --json ... --profile`` (read, check, consolidate,
  appraise, write), timed from outside, with its own time per stage (``--profile``);
- naive: ``pandas.read_excel(engine="openpyxl")`` over every sheet of every file, then one
  ``pandas.concat`` per sheet name (the loop jwmodel replaces; one process; ``--naive-limit`` files at
  most, its files/s is then measured on those);
- calamine: python-calamine reading every sheet of every file, on as many processes as jwmodel has
  workers (the reader alone);
- unzip: inflating every part of every file, on as many processes (the floor of any reader).

It prints files/s, peak memory (tree RSS and PSS) and the ratios behind the targets (docs/scale.md),
and checks each consolidation against what the generator wrote: every file accepted (or superseded
by a later submission) and the totals equal to the sum of the generated lines. It exits 1 if a check
fails (never for a missed speed target: it is a benchmark, not a test; ``--strict`` makes targets fail).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

DATASETS = ("realistic", "oversized")
# The targets of issue 14 (docs/scale.md): which dataset each applies to.
TARGETS = {
    "realistic": {"files_per_s": 500, "vs_naive": 10, "vs_calamine": 3, "rss_mb": 300},
    "oversized": {"after_reading_s": 1.3, "rss_mb": 300},
}
AFTER_READING = ("assemble", "consolidate", "appraise", "workbook", "json", "write")  # "write": before the split


# --- the baselines, run in a child process (``--mode``) ------------------------------------------


def _files(folder: Path, limit: int | None) -> list[Path]:
    """The folder's files, or ``limit`` of them spread evenly over it (the same mix of kinds)."""
    files = sorted(folder.glob("*.xlsx"))
    if not limit or limit >= len(files):
        return files
    return [files[i * len(files) // limit] for i in range(limit)]


def naive(files: list[Path], processes: int) -> int:
    """The loop jwmodel replaces: every sheet of every file into pandas, then one frame per sheet name."""
    import pandas as pd

    by_sheet: dict[str, list] = {}
    for path in files:
        for sheet, frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").items():
            frame["source"] = path.name
            by_sheet.setdefault(sheet, []).append(frame)
    combined = {sheet: pd.concat(frames, ignore_index=True) for sheet, frames in by_sheet.items()}
    return sum(len(f) for f in combined.values())


def _calamine_one(path: Path) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(sum(len(r) for r in book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def _unzip_one(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return sum(len(zf.read(info)) for info in zf.infolist())


def _on_processes(one, files: list[Path], processes: int) -> int:
    """``one`` over every file, on ``processes`` forked processes (one: in this process); pool start included."""
    if processes <= 1:
        return sum(one(path) for path in files)
    import multiprocessing as mp

    with mp.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap_unordered(one, files, chunksize=8))


def calamine(files: list[Path], processes: int) -> int:
    return _on_processes(_calamine_one, files, processes)


def unzip(files: list[Path], processes: int) -> int:
    return _on_processes(_unzip_one, files, processes)


MODES = {"naive": naive, "calamine": calamine, "unzip": unzip}


def _child(mode: str, folder: Path, limit: int | None, processes: int) -> None:
    files = _files(folder, limit)
    clock = time.perf_counter()
    MODES[mode](files, processes)
    print(json.dumps({"files": len(files), "seconds": time.perf_counter() - clock}))


# --- measuring a child process --------------------------------------------------------------------


class _Sampler(threading.Thread):
    """Peak memory of a process and its children: RSS summed, and PSS (shared pages counted once)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.rss, self.pss, self.stop = pid, 0, 0, threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        tick = 0
        while not self.stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                self.rss = max(self.rss, sum(p.memory_info().rss for p in procs))
                if tick % 10 == 0:  # PSS reads /proc/*/smaps_rollup: often enough, without taking a core
                    self.pss = max(self.pss, sum(p.memory_full_info().pss for p in procs))
            except psutil.Error:
                pass
            tick += 1
            self.stop.wait(0.05)


_ENV: dict[str, str] | None = None  # the environment of every timed process (compiled_bytecode); None: this one's


def compiled_bytecode(cache: Path, code: Path) -> None:
    """Every timed process runs from compiled bytecode, as an installed package does (pip compiles it on
    install): where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE, as on the
    machines these figures come from), each run would otherwise compile jwmodel's modules from source
    again, 0.1-0.3 s of the whole command. The bytecode goes to ``cache`` (PYTHONPYCACHEPREFIX), never
    beside the sources, and is compiled before the first timing."""
    global _ENV
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache.resolve())
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "jwmodel"), str(HERE)], env=env, check=False)
    _ENV = env


def _cpu_of_children() -> float:
    """CPU seconds (user + system) of this process's finished children and everything they waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _measure(command: list[str], cwd: Path = ROOT) -> dict:
    clock, cpu = time.perf_counter(), _cpu_of_children()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=_ENV)
    sampler = _Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - clock
    sampler.stop.set()
    sampler.join()
    return {
        "wall": wall,
        "cpu_s": _cpu_of_children() - cpu,  # the process and the processes it started and waited for
        "code": proc.returncode,
        "stdout": out,
        "stderr": err,
        "tree_rss_mb": sampler.rss / 1e6,
        "tree_pss_mb": sampler.pss / 1e6,
    }


def run_baseline(mode: str, folder: Path, limit: int | None, processes: int) -> dict:
    m = _measure(
        [
            sys.executable,
            str(HERE / "run.py"),
            "--mode",
            mode,
            "--data",
            str(folder),
            "--processes",
            str(processes),
            *(["--limit", str(limit)] if limit else []),
        ]
    )
    if m["code"] != 0:
        raise SystemExit(f"bench: the {mode} baseline failed:\n{m['stderr'][-3000:]}")
    inner = json.loads(m["stdout"].strip().splitlines()[-1])
    return {
        "mode": mode,
        "processes": 1 if mode == "naive" else processes,
        "files": inner["files"],
        "seconds": inner["seconds"],
        "wall": m["wall"],
        "files_per_s": inner["files"] / inner["seconds"],
        "cpu_s": m["cpu_s"],
        "tree_rss_mb": m["tree_rss_mb"],
        "tree_pss_mb": m["tree_pss_mb"],
    }


def stages_of(stderr: str) -> dict[str, float]:
    """jwmodel's ``--profile`` line ("Time per stage: scan 0.010s, read 1.690s, ...; total ...") as a dict."""
    if "Time per stage:" not in stderr:
        return {}
    line = stderr.split("Time per stage:")[-1].split(";")[0]
    return {k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)s", line)}


def run_jwmodel(folder: Path, out: Path, workers: int, extra: list[str], code: Path = ROOT) -> dict:
    """``jwmodel consolidate`` on ``folder``, from the checkout ``code`` (its ``jwmodel`` package is imported)."""
    command = [
        sys.executable,
        "-m",
        "jwmodel.cli",
        "consolidate",
        str(folder),
        "-o",
        str(out / "consolidated.xlsx"),
        "--json",
        str(out / "summary.json"),
        "-q",
        "--profile",
        "--workers",
        str(workers),
        *extra,
    ]
    m = _measure(command, cwd=code)
    if m["code"] not in (0, 2):
        raise SystemExit(f"bench: jwmodel consolidate failed (exit {m['code']}):\n{m['stderr'][-3000:]}")
    stages = stages_of(m["stderr"])
    files = len(list(folder.glob("*.xlsx")))
    return {
        "mode": "jwmodel",
        "processes": workers,
        "files": files,
        "seconds": m["wall"],
        "wall": m["wall"],
        "files_per_s": files / m["wall"],
        "cpu_s": m["cpu_s"],
        "tree_rss_mb": m["tree_rss_mb"],
        "tree_pss_mb": m["tree_pss_mb"],
        "exit": m["code"],
        "stages": stages,
        "read_seconds": stages.get("read"),
        "read_files_per_s": files / stages["read"] if stages.get("read") else None,
        "after_reading_s": sum(v for k, v in stages.items() if k in AFTER_READING) if stages else None,
        "outside_stages_s": m["wall"] - sum(stages.values()) if stages else None,  # start-up, imports, exit
    }


# --- data -----------------------------------------------------------------------------------------


def ensure_data(folder: Path, n: int, shape: str, libreoffice: float, regenerate: bool, reuse: bool) -> dict:
    """The generated folder's manifest, generating the folder first unless it is there and current.

    ``reuse``: take a folder whose files match its manifest even if the templates or the generator
    changed since (its fingerprint differs), to time two versions of jwmodel on the same files.
    """
    import generate

    manifest = None if regenerate else generate.load_manifest(folder)
    current = (
        manifest is not None
        and manifest.get("n") == n
        and manifest.get("shape", "oversized") == shape
        and manifest.get("libreoffice") == round(n * libreoffice)
        and (reuse or manifest.get("fingerprint") == generate.fingerprint())
    )
    if not current:
        print(
            f"bench: generating {n} {shape} files in {folder} (once; reused while the templates do not change)",
            file=sys.stderr,
        )
        manifest = generate.generate(folder, n, libreoffice=libreoffice, quiet=False, shape=shape)
    return manifest


def check(summary: dict, manifest: dict) -> list[str]:
    """What the consolidation got wrong, compared with what the generator wrote ([] if nothing)."""
    problems = []
    finals = {e["file"] for e in manifest["files"] if e["final"]}
    for s in summary["sources"]:
        want = "accepted" if s["file"] in finals else "superseded"
        if s["status"] != want:
            problems.append(f"{s['file']}: {s['status']}, expected {want}: {'; '.join(s['reasons'])[:300]}")
    if len(summary["sources"]) != manifest["n"]:
        problems.append(f"{len(summary['sources'])} files in the register, {manifest['n']} generated")
    expected = manifest["expected"]
    for key, want in expected["totals"].items():
        got = summary["totals"][key]
        if any(abs(float(got[b]) - float(want[b])) > 1e-6 for b in ("low", "high")):
            problems.append(f"total {key}: {got}, expected {want}")
    for row in summary["baseline"]:
        want = expected["baseline"].get(row["partner"])
        if (
            want is None
            or abs(float(row["net"]) - float(want["net"])) > 1e-6
            or abs(float(row["fte"]) - float(want["fte"])) > 1e-6
        ):
            problems.append(f"baseline {row['partner']}: {row['net']} / {row['fte']} FTE, expected {want}")
    if len(summary["baseline"]) != len(expected["baseline"]):
        problems.append(f"{len(summary['baseline'])} partners' baselines, expected {len(expected['baseline'])}")
    return problems


# --- report ---------------------------------------------------------------------------------------


def ratios_of(rows: list[dict]) -> dict[str, float]:
    """The ratios behind the targets: speed-ups over the naive loop, and times over calamine's and unzip's."""
    by = {r["mode"]: r for r in rows}
    j = by["jwmodel"]
    ratios: dict[str, float] = {}
    for mode in ("naive", "calamine", "unzip"):
        if mode not in by:
            continue
        key = "vs_naive" if mode == "naive" else f"vs_{mode}"
        # vs_naive: how many times the naive loop's files/s; vs_calamine, vs_unzip: how many times their time
        ratios[key] = (
            j["files_per_s"] / by[mode]["files_per_s"]
            if mode == "naive"
            else by[mode]["files_per_s"] / j["files_per_s"]
        )
        if mode != "naive" and by[mode].get("cpu_s") and by[mode]["files"] == j["files"]:
            ratios[f"cpu_{key}"] = j["cpu_s"] / by[mode]["cpu_s"]  # CPU-seconds: steadier where the machine drifts
        if j.get("read_files_per_s"):
            ratios[f"read_{key}"] = (
                j["read_files_per_s"] / by[mode]["files_per_s"]
                if mode == "naive"
                else by[mode]["files_per_s"] / j["read_files_per_s"]
            )
    return ratios


def targets_met(dataset: str, j: dict, ratios: dict[str, float]) -> dict[str, bool]:
    """Each target of ``dataset`` met or not (the tree RSS target is the 10,000-file one: shown at any N)."""
    want = TARGETS.get(dataset, {})
    checks = {
        "files_per_s": lambda t: j["files_per_s"] >= t,
        "vs_naive": lambda t: ratios.get("vs_naive", 0) >= t,
        "vs_calamine": lambda t: ratios.get("vs_calamine", 1e9) <= t,
        "after_reading_s": lambda t: j.get("after_reading_s") is not None and j["after_reading_s"] <= t,
        "rss_mb": lambda t: j["tree_rss_mb"] <= t,
    }
    unknown = {k for k in ("vs_naive", "vs_calamine") if k not in ratios}  # a baseline left out (--skip): not judged
    return {k: checks[k](t) for k, t in want.items() if k not in unknown}


def report(dataset: str, rows: list[dict], load: tuple[float, float]) -> tuple[str, dict]:
    """The text for one dataset, and its ratios and targets."""
    j = next(r for r in rows if r["mode"] == "jwmodel")
    ratios = ratios_of(rows)
    lines = [
        f"{'':10} {'procs':>5} {'files':>6} {'seconds':>8} {'files/s':>8} {'CPU s':>7} {'peak RSS MB':>12} "
        f"{'peak PSS MB':>12}"
    ]
    for r in rows:
        lines.append(
            f"{r['mode']:10} {r['processes']:>5} {r['files']:>6} {r['seconds']:>8.2f} {r['files_per_s']:>8.0f} "
            f"{r['cpu_s']:>7.2f} {r['tree_rss_mb']:>12.0f} {r['tree_pss_mb']:>12.0f}"
        )
    if j.get("stages"):
        lines.append("jwmodel stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in j["stages"].items()))
        lines.append(
            f"read stage alone: {j['read_files_per_s']:.0f} files/s ({j['read_seconds']:.2f}s); "
            f"after reading: {j['after_reading_s']:.2f}s ({' + '.join(k for k in j['stages'] if k in AFTER_READING)}); "
            f"outside the stages (start-up, imports, exit): {j['outside_stages_s']:.2f}s"
        )
    described = {
        "vs_naive": "x the naive loop's files/s",
        "vs_calamine": "x the raw calamine time",
        "vs_unzip": "x the unzip-only time",
    }
    for prefix, what in (("", "whole command"), ("read_", "read stage"), ("cpu_", "whole command, CPU-seconds")):
        parts = [f"{ratios[prefix + k]:.1f}{text}" for k, text in described.items() if prefix + k in ratios]
        if parts:
            lines.append(f"ratios, {what}: " + "; ".join(parts))
    met = targets_met(dataset, j, ratios)
    if met:
        lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    lines.append(f"load average: {load[0]:.2f} before, {load[1]:.2f} after (1 minute)")
    return "\n".join(lines), {"ratios": ratios, "targets_met": met}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of files in each dataset (default 1000)")
    ap.add_argument(
        "--dataset",
        action="append",
        choices=DATASETS,
        help="a dataset to time (repeat for several; default: realistic and oversized)",
    )
    ap.add_argument("--data", default=None, help="folder of generated files (one dataset only; default bench/data/...)")
    ap.add_argument("--data-root", default=None, help="where the datasets' folders go (default bench/data)")
    ap.add_argument(
        "--libreoffice", type=float, default=0.1, help="share of files re-saved by LibreOffice when generating"
    )
    ap.add_argument("--regenerate", action="store_true", help="generate the files again even if they are there")
    ap.add_argument(
        "--reuse-data", action="store_true", help="use generated folders even if the templates changed since"
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="jwmodel --workers, and the processes calamine and unzip run on (default: the cores available)",
    )
    ap.add_argument("--code", default=str(ROOT), help="the jwmodel checkout to time (default: this one)")
    ap.add_argument("--dask", metavar="ADDRESS", help="also time jwmodel --dask ADDRESS")
    ap.add_argument("--naive-limit", type=int, default=1000, help="the naive loop reads at most this many files")
    ap.add_argument("--skip", action="append", default=[], choices=sorted(MODES), help="leave a baseline out")
    ap.add_argument("--repeat", type=int, default=1, help="time jwmodel this many times and keep the best")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--mode", choices=sorted(MODES), help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.dataset = args.dataset or list(DATASETS)
    if args.workers is None and not args.mode:
        from jwmodel.excel.intake import default_workers  # jwmodel's own default

        args.workers = default_workers()
    if args.data and len(args.dataset) > 1 and not args.mode:
        ap.error("--data names one folder: give one --dataset with it (or --data-root for several)")
    return args


def _folder(args: argparse.Namespace, dataset: str) -> Path:
    import generate

    if args.data:
        return Path(args.data)
    default = generate.default_folder(args.n, dataset)
    return Path(args.data_root) / default.name if args.data_root else default


def run_dataset(args: argparse.Namespace, dataset: str) -> dict:
    """Every method on one dataset: rows, ratios, targets and the check of the consolidation."""
    folder = _folder(args, dataset)
    manifest = ensure_data(folder, args.n, dataset, args.libreoffice, args.regenerate, args.reuse_data)
    print(
        f"\n== {dataset}: {manifest['n']} files ({manifest['returns']} returns, {manifest['proposals']} proposals; "
        f"{manifest['partners']} partners, {manifest['services']} service areas; {manifest['formulas']} with "
        f"formulas, {manifest['libreoffice']} re-saved by LibreOffice; {manifest['bytes'] / 1e6:.1f} MB); "
        f"{os.cpu_count()} CPUs, {len(os.sched_getaffinity(0))} usable, jwmodel from {args.code}"
    )
    load_before = os.getloadavg()[0]
    rows = [run_baseline(m, folder, None, args.workers) for m in ("unzip", "calamine") if m not in args.skip]
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="jwbench-") as tmp:
        best = None
        for i in range(max(1, args.repeat)):
            r = run_jwmodel(folder, Path(tmp) / f"run{i}", args.workers, [], Path(args.code))
            best = r if best is None or r["seconds"] < best["seconds"] else best
        local = (Path(tmp) / "run0" / "summary.json").read_text(encoding="utf-8")
        problems += check(json.loads(local), manifest)
        rows.insert(0, best)
        if args.dask:
            d = run_jwmodel(folder, Path(tmp) / "dask", args.workers, ["--dask", args.dask], Path(args.code))
            rows.append({**d, "mode": "jw-dask"})
            if (Path(tmp) / "dask" / "summary.json").read_text(encoding="utf-8") != local:
                problems.append("the Dask run's summary JSON differs from the local run's")
    if "naive" not in args.skip:
        rows.append(run_baseline("naive", folder, args.naive_limit or None, 1))
    load = (load_before, os.getloadavg()[0])
    text, extra = report(dataset, rows, load)
    print(text)
    print(
        "check: "
        + (
            "the consolidation matches what was generated (every file accepted or superseded, totals and baselines)"
            if not problems
            else f"{len(problems)} PROBLEMS"
        )
    )
    for p in problems[:20]:
        print(f"  {p}")
    return {
        "dataset": dataset,
        "n": manifest["n"],
        "folder": str(folder),
        "load": load,
        "rows": rows,
        **extra,
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.mode:
        _child(args.mode, Path(args.data), args.limit, args.processes)
        return 0
    print(time.strftime("bench: %Y-%m-%d %H:%M:%S UTC", time.gmtime()), f"load average {os.getloadavg()}")
    compiled_bytecode(Path(args.data_root or HERE / "data") / "pycache", Path(args.code))
    results = [run_dataset(args, dataset) for dataset in args.dataset]
    if args.json:
        Path(args.json).write_text(
            json.dumps({"n": args.n, "workers": args.workers, "datasets": results}, indent=1, default=str),
            encoding="utf-8",
        )
    if any(r["problems"] for r in results):
        return 1
    if args.strict and not all(all(r["targets_met"].values()) for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
