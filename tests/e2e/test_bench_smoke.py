"""The benchmark works: at a small N it generates, times every method and checks what it consolidated.

CI runs the benchmark only here, at N=20 (a few seconds); the figures are in docs/scale.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402  (bench/generate.py)


def test_generated_files_consolidate_to_what_the_generator_wrote(tmp_path, libreoffice):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--n", "20", "--data-root", str(tmp_path), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [d["dataset"] for d in result["datasets"]] == ["realistic", "oversized"]
    for d in result["datasets"]:
        assert d["problems"] == []
        assert {r["mode"] for r in d["rows"]} == {"jwmodel", "naive", "calamine", "unzip"}
        assert all(r["files"] == 20 and r["files_per_s"] > 0 for r in d["rows"])
        jw = next(r for r in d["rows"] if r["mode"] == "jwmodel")
        assert jw["exit"] == 0 and jw["stages"]["read"] > 0
        # the time after reading is the stages after the read stage, the workbook and the JSON timed apart
        after = ("assemble", "consolidate", "appraise", "workbook", "json")
        assert set(after) <= set(jw["stages"])
        assert abs(jw["after_reading_s"] - sum(jw["stages"][k] for k in after)) < 1e-9
        assert jw["read_files_per_s"] == 20 / jw["stages"]["read"]
        calamine = next(r for r in d["rows"] if r["mode"] == "calamine")
        assert calamine["processes"] == jw["processes"]  # the reader alone, on as many processes
        assert abs(d["ratios"]["read_vs_calamine"] - calamine["files_per_s"] / jw["read_files_per_s"]) < 1e-9
        assert jw["tree_rss_mb"] > 0 and jw["tree_pss_mb"] > 0
        # CPU-seconds of each process tree (the workers' and the workbook's processes included): the command
        # reads 20 files in more than the bare interpreter's start, and its ratio to calamine is of those
        assert jw["cpu_s"] > 0.05 and calamine["cpu_s"] > 0
        assert abs(d["ratios"]["cpu_vs_calamine"] - jw["cpu_s"] / calamine["cpu_s"]) < 1e-9
    assert "files/s" in done.stdout and "targets:" in done.stdout and "after reading:" in done.stdout

    shapes = {"realistic": ((5, 30), (3, 20)), "oversized": ((10, 50), (20, 200))}
    for name, ((rows_low, rows_high), (lines_low, lines_high)) in shapes.items():
        manifest = generate.load_manifest(tmp_path / generate.default_folder(20, name).name)
        assert manifest is not None and manifest["n"] == 20 and manifest["shape"] == name
        assert manifest["libreoffice"] == 2 and manifest["formulas"] > 0
        assert {e["kind"] for e in manifest["files"]} == {"return", "proposal"}
        assert all(rows_low <= e["rows"] <= rows_high for e in manifest["files"] if e["kind"] == "return")
        assert all(lines_low <= e["lines"] <= lines_high for e in manifest["files"] if e["kind"] == "proposal")


def test_the_realistic_programme_has_the_shape_of_a_real_one_and_every_group_a_final_submission():
    p = generate.plan(1000, shape="realistic")
    assert (p.partners, p.shape.services) == (12, 30)
    assert p.n_returns + p.n_proposals == 1000 and 270 <= p.n_returns <= 300  # 12 returns to 30 proposals
    kinds = [p.kind(i) for i in range(1000)]
    returns = [k for k in kinds if k[0] == "return"]
    assert len(returns) == p.n_returns
    for kind, groups in (("return", p.partners), ("proposal", p.shape.services)):
        for g in range(groups):
            numbers = sorted(s for k, i, s in kinds if k == kind and i == g)
            assert numbers == list(range(1, len(numbers) + 1)) and numbers[-1] == p.final_submission(kind, g)
    data = generate.proposal_data(p, 0, 1)
    assert 3 <= len(data.saving_lines) <= 20 and len(data.one_off_costs) <= 3
    assert 5 <= len(generate.return_data(p, 0, 1).baseline) <= 30


def test_the_oversized_plan_is_the_one_it_always_was():
    """The stress case keeps its shape, so figures measured before and after a change compare."""
    p = generate.plan(1000)
    assert (p.n_returns, p.n_proposals, p.partners, p.shape.services) == (700, 300, 12, 60)
    assert p.kind(0) == ("return", 0, 1) and p.kind(999) == ("proposal", 59, 5)


def test_the_check_catches_a_wrong_total(tmp_path):
    from run import check  # bench/run.py

    manifest = generate.generate(tmp_path / "n4", 4, libreoffice=0, jobs=1)
    summary = {
        "sources": [
            {"file": e["file"], "status": "accepted" if e["final"] else "superseded", "reasons": []}
            for e in manifest["files"]
        ],
        "totals": json.loads(json.dumps(manifest["expected"]["totals"])),
        "baseline": [{"partner": p, **v} for p, v in manifest["expected"]["baseline"].items()],
    }
    assert check(summary, manifest) == []
    summary["totals"]["cashable"]["low"] = str(float(summary["totals"]["cashable"]["low"]) - 1)
    summary["sources"][0]["status"] = "rejected"
    assert len(check(summary, manifest)) == 2


def test_a_baseline_left_out_is_not_judged_against_its_target():
    import run  # noqa: PLC0415  (bench/run.py)

    jwmodel = {"mode": "jwmodel", "files": 1000, "files_per_s": 520.0, "tree_rss_mb": 150.0, "cpu_s": 4.0}
    calamine = {"mode": "calamine", "files": 1000, "files_per_s": 2000.0, "cpu_s": 1.0}
    naive = {"mode": "naive", "files": 1000, "files_per_s": 40.0}
    # 520 files/s >= 500; 520 / 40 = 13x the naive loop >= 10x; 2000 / 520 = 3.8x the calamine time > 3x
    every = run.targets_met("realistic", jwmodel, run.ratios_of([jwmodel, calamine, naive]))
    assert every == {"files_per_s": True, "vs_naive": True, "vs_calamine": False, "rss_mb": True}
    without_naive = run.targets_met("realistic", jwmodel, run.ratios_of([jwmodel, calamine]))
    assert without_naive == {"files_per_s": True, "vs_calamine": False, "rss_mb": True}  # not "MISSED"
    assert run.ratios_of([jwmodel, calamine])["cpu_vs_calamine"] == 4.0  # 4.0 CPU-s over 1.0
