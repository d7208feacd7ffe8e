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
    folder = tmp_path / "n20"
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--n", "20", "--data", str(folder), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["problems"] == []
    assert {r["mode"] for r in result["rows"]} == {"jwmodel", "naive", "calamine", "unzip"}
    assert all(r["files"] == 20 and r["files_per_s"] > 0 for r in result["rows"])
    jw = next(r for r in result["rows"] if r["mode"] == "jwmodel")
    assert jw["exit"] == 0 and jw["stages"]["read"] > 0
    assert "files/s" in done.stdout and "targets:" in done.stdout

    manifest = generate.load_manifest(folder)
    assert manifest is not None and manifest["n"] == 20 and manifest["libreoffice"] == 2 and manifest["formulas"] > 0
    kinds = {e["kind"] for e in manifest["files"]}
    assert kinds == {"return", "proposal"}
    assert all(10 <= e["rows"] <= 50 for e in manifest["files"] if e["kind"] == "return")
    assert all(20 <= e["lines"] <= 200 for e in manifest["files"] if e["kind"] == "proposal")


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
