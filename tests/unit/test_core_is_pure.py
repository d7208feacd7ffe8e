"""The engine does no I/O: it imports no spreadsheet library, no adapter and no add-in runtime; imports
show the design (no cycle, no private name taken from another module, the add-in on the core)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "jwmodel"
FORBIDDEN = {"openpyxl", "python_calamine", "xlwings", "xlsxwriter", "pandas", "tqdm"}
ADAPTER_PACKAGES = ("jwmodel.excel", "jwmodel.cli", "jwmodel.service", "jwmodel.__main__", "jwaddin")
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
    code = (
        f"import sys, importlib\nfor m in '{modules}'.split(', '): importlib.import_module(m)\nprint(sorted(m "
        f"for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# --- the import graph ----------------------------------------------------------------------------

ROOT = CORE.parent
PACKAGES = {"jwmodel": ROOT / "jwmodel", "jwaddin": ROOT / "addin" / "jwaddin"}


def _modules() -> dict[str, Path]:
    """Every module of jwmodel and jwaddin by dotted name."""
    found = {}
    for package, base in PACKAGES.items():
        for path in base.rglob("*.py"):
            parts = [package, *path.relative_to(base).with_suffix("").parts]
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of ours a dotted name is in (a name imported from a module resolves to the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _module_level(tree: ast.Module) -> list[ast.stmt]:
    """Imports run when the module is imported (in its body, or in an if/try there), not in functions."""
    found, pending = [], list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, (ast.If, ast.Try)):
            pending += [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
            pending += [s for h in getattr(node, "handlers", []) for s in h.body]
    return found


def _imports(module: str, *, deferred: bool) -> list[tuple[str, ast.ImportFrom | ast.Import]]:
    """(the module of ours imported, the import statement) for each import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = (
        [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))] if deferred else _module_level(tree)
    )
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(r, node) for a in node.names if (r := _resolve(a.name))]
            continue
        base = node.module or ""
        if node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            if (r := _resolve(full if full in MODULES else base)) is not None:
                found.append((r, node))
    return [(r, n) for r, n in found if r != module]


def _graph(*, deferred: bool) -> dict[str, set[str]]:
    return {m: {r for r, _ in _imports(m, deferred=deferred)} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_imports_it_should():
    graph = _graph(deferred=False)
    assert "jwmodel.findings" in graph["jwmodel.consolidation"] and "jwmodel.codes" in graph["jwmodel.findings"]
    assert "jwmodel.excel.schema" in graph["jwmodel.excel.reading"]  # from jwmodel.excel import schema as s
    assert len(graph) >= 35


def test_no_import_cycle_between_modules():
    """Imports run when a module is imported make no cycle."""
    assert _cycles(_graph(deferred=False)) == []


# Imports deferred into a function that close a cycle; each goes when its owner's change lands.
KNOWN_DEFERRED_CYCLE_EDGES: set[tuple[str, str]] = set()  # none left: file reading lives in excel.files


def test_no_import_cycle_even_through_imports_deferred_into_functions():
    graph = _graph(deferred=True)
    for source, target in KNOWN_DEFERRED_CYCLE_EDGES:
        assert target in graph[source], f"{source} no longer imports {target}: shrink KNOWN_DEFERRED_CYCLE_EDGES"
        graph[source].discard(target)
    assert _cycles(graph) == []


def test_the_core_imports_no_adapter_anywhere():
    """Top-level jwmodel modules and jwmodel.tables import neither jwmodel.excel, jwmodel.cli nor jwaddin,
    not even inside a function, nor any spreadsheet library."""
    core = [
        m
        for m in MODULES
        if m.startswith("jwmodel") and not m.startswith(ADAPTER_PACKAGES) and "examples" not in m and m != "jwmodel"
    ]  # ``jwmodel`` itself is the public facade: it loads the service layer on first use
    assert {"jwmodel.consolidation", "jwmodel.rules", "jwmodel.codes"} <= set(core)
    offenders = [
        f"{m} imports {r}" for m in core for r, _ in _imports(m, deferred=True) if r.startswith(ADAPTER_PACKAGES)
    ]
    assert offenders == []
    for m in core:
        tree = ast.parse(MODULES[m].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            offenders += [f"{m} imports {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


# Private names taken from another module; each goes when its owner's change lands.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str, str]] = set()  # none left


def _private_imports() -> set[tuple[str, str, str]]:
    found = set()
    for module in MODULES:
        for target, node in _imports(module, deferred=True):
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                name = alias.name
                submodule = f"{target}.{name}" in MODULES or (node.module and f"{node.module}.{name}" in MODULES)
                same_package = module.split(".")[0] == target.split(".")[0]
                if name.startswith("_") and not name.startswith("__") and not (submodule and same_package):
                    found.add((module, target, name))
    return found


def test_no_module_imports_another_modules_private_name():
    found = _private_imports()
    stale = KNOWN_PRIVATE_IMPORTS - found
    assert stale == set(), f"no longer imported: shrink KNOWN_PRIVATE_IMPORTS by {sorted(stale)}"
    assert found - KNOWN_PRIVATE_IMPORTS == set()


# The add-in should stand on the core and the public API; these adapter imports go as issue 9 lands.
KNOWN_ADDIN_ADAPTER_IMPORTS: set[tuple[str, str]] = set()  # none left: cell parsing is in the core


def test_the_add_in_imports_only_the_core():
    found = {
        (m, r)
        for m in MODULES
        if m.startswith("jwaddin")
        for r, _ in _imports(m, deferred=True)
        if r.startswith(("jwmodel.excel", "jwmodel.cli"))
    }
    assert KNOWN_ADDIN_ADAPTER_IMPORTS - found == set(), "no longer imported: shrink KNOWN_ADDIN_ADAPTER_IMPORTS"
    assert found - KNOWN_ADDIN_ADAPTER_IMPORTS == set()


# Writers that import the bundled examples; each goes when its owner's change lands.
KNOWN_EXAMPLE_IMPORTS = {
    "jwmodel.excel.build_workbooks",  # builds the examples' workbooks: importing them is its job
}


def test_nothing_outside_the_examples_imports_them():
    found = {
        m
        for m in MODULES
        if not m.startswith("jwmodel.examples")
        for r, _ in _imports(m, deferred=True)
        if r.startswith("jwmodel.examples")
    }
    assert KNOWN_EXAMPLE_IMPORTS - found == set(), "no longer imported: shrink KNOWN_EXAMPLE_IMPORTS"
    assert found - KNOWN_EXAMPLE_IMPORTS == set()


def test_the_consolidate_command_and_its_reader_load_neither_the_tracker_nor_the_true_up_engine():
    # jwmodel.tables.outputs and jwmodel.tables.monitoring name TrueUp and Tracker in annotations only: every
    # command and every reader worker would otherwise import both engines at start (about 10 ms each time)
    code = (
        "import sys, jwmodel.cli, jwmodel.service, jwmodel.excel.batch, jwmodel.excel.intake, jwmodel.summary, "
        "jwmodel.excel.report; print(sorted(m for m in ('jwmodel.tracking', 'jwmodel.trueup') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
