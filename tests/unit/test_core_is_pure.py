"""The engine does no I/O: it imports no spreadsheet library and no add-in runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "jwmodel"
FORBIDDEN = {"openpyxl", "python_calamine", "xlwings", "xlsxwriter", "pandas", "tqdm"}
ADAPTERS = {"cli.py", "service.py", "__main__.py"}  # the service layer and the command do I/O on purpose


def core_modules() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "excel" not in p.parts and p.name not in ADAPTERS)


def test_no_core_module_imports_a_spreadsheet_library():
    offenders = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(core_modules()) >= 8


def test_importing_the_engine_loads_no_spreadsheet_library():
    modules = ", ".join(
        sorted(
            f"jwmodel.{p.relative_to(CORE).with_suffix('').as_posix().replace('/', '.')}".removesuffix(".__init__")
            for p in core_modules()
        )
    )
    code = f"import sys, importlib\nfor m in '{modules}'.split(', '): importlib.import_module(m)\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
