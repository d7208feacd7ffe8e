"""The project's lint configuration holds: ruff's checks (line length 120 included) and its format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")  # installed by the test extra into the same venv
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is part of the test extra: pip install -e '.[test]'"
    return [found]


def test_ruff_check_passes_with_the_configured_line_length():
    done = subprocess.run(
        [*_ruff(), "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_code_is_formatted_as_ruff_formats_it():
    done = subprocess.run([*_ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
