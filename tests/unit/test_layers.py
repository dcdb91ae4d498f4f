"""The package tree shows the data flow: no module imports from a layer above its own, and no import cycle.

errors/schema/checks/choices -> model -> io -> corpus -> features -> crossmodal/stats/evaluate/extract/validators
-> plots -> runs/rebuild -> labs/report -> cli/demo. Every import counts: at module top, inside functions and
under ``TYPE_CHECKING``. Packages of one layer may import each other (a per-clip function of ``stats`` may use a
correlation of ``crossmodal``), but never through a cycle of modules.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "alloava_analysis"

#: Layer of each top-level module or package of alloava_analysis (lower imports nothing higher).
LAYERS = {
    "errors": 0, "schema": 0, "checks": 0, "choices": 0,
    "model": 1, "parallel": 1, "clocks": 2,
    "io": 3, "corpus": 4,
    "features": 5, "synthetic": 5, "sample_data": 6,
    "crossmodal": 7, "stats": 7, "evaluate": 7, "extract": 7, "validators": 7,
    "plots": 8,
    "runs": 9, "rebuild": 9,
    "labs": 10, "report": 10,
    "cli": 11, "demo": 11,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").exists() or (PACKAGE.parent / rel / "__init__.py").exists()


@functools.lru_cache(maxsize=1)
def import_edges() -> frozenset[tuple[str, str]]:
    """``(importer, imported)`` module names inside the package, from every import statement."""
    edges = set()
    for path in PACKAGE.rglob("*.py"):
        importer = _module_name(path)
        package = importer if path.name == "__init__.py" else importer.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                if not base.startswith("alloava_analysis"):
                    continue
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    edges.add((importer, full if _is_module(full) else base))
            elif isinstance(node, ast.Import):
                edges.update((importer, a.name) for a in node.names if a.name.startswith("alloava_analysis."))
    return frozenset((a, b) for a, b in edges if a != b)


def layer_of(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    assert top in LAYERS or top == "", f"{module}: add its package to LAYERS"
    return LAYERS.get(top, max(LAYERS.values()) + 1)


def test_no_module_imports_from_a_layer_above_it():
    upward = sorted(f"{a} imports {b}" for a, b in import_edges() if layer_of(b) > layer_of(a))
    assert not upward, "imports against the data flow:\n" + "\n".join(upward)


def test_no_import_cycle_between_modules():
    graph: dict[str, set[str]] = {}
    for a, b in import_edges():
        if not a.startswith(b + "."):  # a module importing its own package's __init__ is no cycle of concern
            graph.setdefault(a, set()).add(b)
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checks_catch_an_upward_import():
    assert layer_of("alloava_analysis.io.store") < layer_of("alloava_analysis.runs.convert")
    assert ("alloava_analysis.runs.convert", "alloava_analysis.io.store") in import_edges()
    assert not any(a.startswith("alloava_analysis.io.") and b.startswith("alloava_analysis.runs")
                   for a, b in import_edges())
