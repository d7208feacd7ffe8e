"""Benchmark: ``jwmodel consolidate`` beside the naive loop, a raw python-calamine read and unzipping.

    python bench/run.py --n 1000            # generates bench/data/n1000 once (reused), then times
    python bench/run.py --n 10000 --naive-limit 1000

In one run, on the same files, each in its own process (so each has its own peak memory):

- jwmodel: ``jwmodel consolidate FOLDER -o ... --json ... --profile`` (read, check, consolidate,
  appraise, write), timed from outside, with its time per stage;
- naive: ``pandas.read_excel(engine="openpyxl")`` over every sheet of every file, then one
  ``pandas.concat`` per sheet name (today's alternative; ``--naive-limit`` files at most, its
  files/s is then measured on those);
- calamine: python-calamine reading every sheet of every file (the reader alone, one process);
- unzip: inflating every part of every file (``zipfile``, one process).

It prints files/s, peak memory and the ratios behind the targets (docs/scale.md), and checks the
consolidation against what the generator wrote: every file accepted (or superseded by a later
submission) and the totals equal to the sum of the generated lines. It exits 1 if the check fails
(never for a missed speed target: it is a benchmark, not a test; ``--strict`` makes targets fail).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

TARGETS = {"files_per_s": 500, "vs_naive": 15, "vs_unzip": 5, "rss_mb": 300}


# --- the baselines, run in a child process (``--mode``) ------------------------------------------


def _files(folder: Path, limit: int | None) -> list[Path]:
    """The folder's files, or ``limit`` of them spread evenly over it (the same mix of kinds)."""
    files = sorted(folder.glob("*.xlsx"))
    if not limit or limit >= len(files):
        return files
    return [files[i * len(files) // limit] for i in range(limit)]


def naive(files: list[Path]) -> int:
    import pandas as pd

    by_sheet: dict[str, list] = {}
    for path in files:
        for sheet, frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").items():
            frame["source"] = path.name
            by_sheet.setdefault(sheet, []).append(frame)
    combined = {sheet: pd.concat(frames, ignore_index=True) for sheet, frames in by_sheet.items()}
    return sum(len(f) for f in combined.values())


def calamine(files: list[Path]) -> int:
    import python_calamine

    cells = 0
    for path in files:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(r) for r in book.get_sheet_by_name(name).to_python())
    return cells


def unzip(files: list[Path]) -> int:
    import zipfile

    size = 0
    for path in files:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                size += len(zf.read(info))
    return size


MODES = {"naive": naive, "calamine": calamine, "unzip": unzip}


def _child(mode: str, folder: Path, limit: int | None) -> None:
    files = _files(folder, limit)
    clock = time.perf_counter()
    MODES[mode](files)
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
                if tick % 20 == 0:  # PSS reads /proc/*/smaps_rollup: often enough, without taking a core
                    self.pss = max(self.pss, sum(p.memory_full_info().pss for p in procs))
            except psutil.Error:
                pass
            tick += 1
            self.stop.wait(0.05)


def _measure(command: list[str]) -> dict:
    clock = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    sampler = _Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - clock
    sampler.stop.set()
    sampler.join()
    return {
        "wall": wall,
        "code": proc.returncode,
        "stdout": out,
        "stderr": err,
        "tree_rss_mb": sampler.rss / 1e6,
        "tree_pss_mb": sampler.pss / 1e6,
    }


def run_baseline(mode: str, folder: Path, limit: int | None) -> dict:
    m = _measure(
        [
            sys.executable,
            str(HERE / "run.py"),
            "--mode",
            mode,
            "--data",
            str(folder),
            *(["--limit", str(limit)] if limit else []),
        ]
    )
    if m["code"] != 0:
        raise SystemExit(f"bench: the {mode} baseline failed:\n{m['stderr'][-3000:]}")
    inner = json.loads(m["stdout"].strip().splitlines()[-1])
    return {
        "mode": mode,
        "files": inner["files"],
        "seconds": inner["seconds"],
        "wall": m["wall"],
        "files_per_s": inner["files"] / inner["seconds"],
        "tree_rss_mb": m["tree_rss_mb"],
        "tree_pss_mb": m["tree_pss_mb"],
    }


def run_jwmodel(folder: Path, out: Path, workers: int | None, extra: list[str]) -> dict:
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
        *(["--workers", str(workers)] if workers is not None else []),
        *extra,
    ]
    m = _measure(command)
    if m["code"] not in (0, 2):
        raise SystemExit(f"bench: jwmodel consolidate failed (exit {m['code']}):\n{m['stderr'][-3000:]}")
    stages = (
        {k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)s", m["stderr"].split("Time per stage:")[-1])}
        if "Time per stage:" in m["stderr"]
        else {}
    )
    files = len(list(folder.glob("*.xlsx")))
    return {
        "mode": "jwmodel",
        "files": files,
        "seconds": m["wall"],
        "wall": m["wall"],
        "files_per_s": files / m["wall"],
        "tree_rss_mb": m["tree_rss_mb"],
        "tree_pss_mb": m["tree_pss_mb"],
        "exit": m["code"],
        "stages": stages,
        "read_files_per_s": files / stages["read"] if stages.get("read") else None,
    }


# --- data -----------------------------------------------------------------------------------------


def ensure_data(folder: Path, n: int, libreoffice: float, regenerate: bool) -> dict:
    import generate

    manifest = None if regenerate else generate.load_manifest(folder)
    if (
        manifest is None
        or manifest.get("n") != n
        or manifest.get("fingerprint") != generate.fingerprint()
        or manifest.get("libreoffice") != round(n * libreoffice)
    ):
        print(
            f"bench: generating {n} files in {folder} (once; reused while the templates do not change)", file=sys.stderr
        )
        manifest = generate.generate(folder, n, libreoffice=libreoffice, quiet=False)
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


def report(rows: list[dict], n: int) -> tuple[str, dict]:
    by = {r["mode"]: r for r in rows}
    j = by["jwmodel"]
    ratios = {}
    lines = [f"{'':10} {'files':>6} {'seconds':>8} {'files/s':>8} {'peak RSS MB':>12} {'peak PSS MB':>12}"]
    for r in rows:
        lines.append(
            f"{r['mode']:10} {r['files']:>6} {r['seconds']:>8.2f} {r['files_per_s']:>8.0f} "
            f"{r['tree_rss_mb']:>12.0f} {r['tree_pss_mb']:>12.0f}"
        )
    if j.get("stages"):
        lines.append(
            "jwmodel stages: "
            + ", ".join(f"{k} {v:.2f}s" for k, v in j["stages"].items())
            + (f"; read stage alone {j['read_files_per_s']:.0f} files/s" if j.get("read_files_per_s") else "")
        )
    if "naive" in by:
        ratios["vs_naive"] = j["files_per_s"] / by["naive"]["files_per_s"]
    if "unzip" in by:
        ratios["vs_unzip"] = (n / j["files_per_s"]) / (n / by["unzip"]["files_per_s"])
    if "calamine" in by:
        ratios["vs_calamine"] = (n / j["files_per_s"]) / (n / by["calamine"]["files_per_s"])
    if j.get("read_files_per_s"):
        ratios["read_vs_naive"] = j["read_files_per_s"] / by["naive"]["files_per_s"] if "naive" in by else None
        ratios["read_vs_unzip"] = by["unzip"]["files_per_s"] / j["read_files_per_s"] if "unzip" in by else None
    lines.append(
        "ratios: "
        + (
            f"jwmodel is {ratios['vs_naive']:.1f}x the naive loop's files/s (target >= {TARGETS['vs_naive']}); "
            if "vs_naive" in ratios
            else ""
        )
        + (
            f"{ratios['vs_unzip']:.1f}x the unzip-only time (target <= {TARGETS['vs_unzip']}); "
            if "vs_unzip" in ratios
            else ""
        )
        + (f"{ratios['vs_calamine']:.1f}x the raw calamine time" if "vs_calamine" in ratios else "")
    )
    if ratios.get("read_vs_naive"):
        lines.append(
            f"read stage alone: {ratios['read_vs_naive']:.1f}x the naive loop, "
            f"{ratios['read_vs_unzip']:.1f}x the unzip-only time"
        )
    met = {
        "files_per_s": j["files_per_s"] >= TARGETS["files_per_s"],
        "vs_naive": ratios.get("vs_naive", 0) >= TARGETS["vs_naive"],
        "vs_unzip": ratios.get("vs_unzip", 1e9) <= TARGETS["vs_unzip"],
        "rss_mb": j["tree_pss_mb"]
        <= TARGETS["rss_mb"],  # PSS: the forked workers' pages shared with the main process counted once
    }
    lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    return "\n".join(lines), {"ratios": ratios, "targets_met": met}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    ap.add_argument("--data", default=None, help="folder of generated files (default bench/data/n<N>)")
    ap.add_argument(
        "--libreoffice",
        type=float,
        default=0.1,
        help="share of files re-saved by LibreOffice when generating (default 0.1)",
    )
    ap.add_argument("--regenerate", action="store_true", help="generate the files again even if they are there")
    ap.add_argument(
        "--workers", type=int, default=None, help="jwmodel --workers (default: its own default, the cores available)"
    )
    ap.add_argument("--dask", metavar="ADDRESS", help="also time jwmodel --dask ADDRESS")
    ap.add_argument(
        "--naive-limit",
        type=int,
        default=1000,
        help="read at most this many files with the naive loop (default 1000; 0 for all)",
    )
    ap.add_argument("--skip", action="append", default=[], choices=sorted(MODES), help="leave a baseline out")
    ap.add_argument("--repeat", type=int, default=1, help="time jwmodel this many times and keep the best (default 1)")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--mode", choices=sorted(MODES), help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    folder = Path(args.data) if args.data else HERE / "data" / f"n{args.n}"
    if args.mode:
        _child(args.mode, folder, args.limit)
        return 0

    manifest = ensure_data(folder, args.n, args.libreoffice, args.regenerate)
    print(
        (
            f"bench: {manifest['n']} files ({manifest['returns']} returns, {manifest['proposals']} proposals; "
            f"{manifest['formulas']} with formulas, {manifest['libreoffice']} re-saved by LibreOffice; "
            f"{manifest['bytes'] / 1e6:.1f} MB); {os.cpu_count()} CPUs, {len(os.sched_getaffinity(0))} usable"
        ),
        file=sys.stderr,
    )
    rows = []
    for mode in ("unzip", "calamine"):
        if mode not in args.skip:
            rows.append(run_baseline(mode, folder, None))
    with tempfile.TemporaryDirectory(prefix="jwbench-") as tmp:
        best = None
        for i in range(max(1, args.repeat)):
            r = run_jwmodel(folder, Path(tmp) / f"run{i}", args.workers, [])
            best = r if best is None or r["seconds"] < best["seconds"] else best
        summary = json.loads((Path(tmp) / "run0" / "summary.json").read_text(encoding="utf-8"))
        problems = check(summary, manifest)
        rows.insert(0, best)
        if args.dask:
            d = run_jwmodel(folder, Path(tmp) / "dask", None, ["--dask", args.dask])
            d["mode"] = "jw-dask"
            rows.append(d)
            if (Path(tmp) / "dask" / "summary.json").read_text(encoding="utf-8") != (
                Path(tmp) / "run0" / "summary.json"
            ).read_text(encoding="utf-8"):
                problems.append("the Dask run's summary JSON differs from the local run's")
    if "naive" not in args.skip:
        rows.append(run_baseline("naive", folder, args.naive_limit or None))
    text, extra = report(rows, manifest["n"])
    print(text)
    print(
        "check: "
        + (
            (
                "the consolidation matches what was generated (every file accepted or superseded, totals and "
                "baselines equal)"
            )
            if not problems
            else f"{len(problems)} PROBLEMS"
        )
    )
    for p in problems[:20]:
        print(f"  {p}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"n": manifest["n"], "rows": rows, **extra, "problems": problems}, indent=1, default=str),
            encoding="utf-8",
        )
    if problems or (args.strict and not all(extra["targets_met"].values())):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
