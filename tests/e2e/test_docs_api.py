"""docs/api.md's worked example runs, and prints what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worked_example_prints_what_the_page_shows():
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    code = re.search(r"## Worked example.*?```python\n(.*?)```", page, re.S).group(1)
    shown = [line[2:].strip() for line in code.splitlines() if line.startswith("# ") and line[2:].strip()]
    assert len(shown) >= 8  # the page shows what the example prints
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example names the folder relative to the repository
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "docs/api.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = [" ".join(line.split()) for line in out.getvalue().splitlines()]
    for line in shown:
        assert " ".join(line.split()) in printed, line
