"""Imports that show the design (issue 9, item 8): no import cycle, no private name imported from another module.

The graph is read from the source with ``ast`` (nothing is imported), counting imports inside
functions too: a cycle hidden in a function is still a cycle (``excel.reading`` and
``excel.intake`` imported each other that way until file reading moved to ``excel.files``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"jwmodel": ROOT / "jwmodel", "jwaddin": ROOT / "addin" / "jwaddin"}


def modules() -> dict[str, Path]:
    found = {}
    for package, base in PACKAGES.items():
        for path in base.rglob("*.py"):
            parts = [package, *path.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name imported from it or None) for every import statement in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield module, alias.name


def graph() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for name, path in mods.items():
        for module, what in imported(name, path):
            target = f"{module}.{what}" if what and f"{module}.{what}" in mods else module
            if target not in mods or target == name:
                continue
            edges[name].add(target)
            if what and what.startswith("_") and not what.startswith("__"):
                private.append((name, module, what))
    return edges, private


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_jwmodel_or_the_addin_imports_itself_through_others():
    edges, _ = graph()
    assert "jwmodel.excel.files" in edges["jwmodel.excel.reading"]
    assert cycles(edges) == []


def test_no_module_of_jwmodel_imports_another_modules_private_name():
    _, private = graph()
    assert [p for p in private if p[0].startswith("jwmodel")] == []
