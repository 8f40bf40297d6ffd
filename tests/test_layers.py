"""Imports run one way, from the apps down to the parameters, and no modules import each other in a circle.

Every import counts, those under ``TYPE_CHECKING`` and inside functions too: a rule
that reads the model, even only for a type hint, is a loop in the architecture.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).parent.parent / "sim"
#: Rooms from the top floor down; a module may import its own room and the rooms below it.
FLOORS = ("apps", "calibration", "api", "analysis", "outputs", "model", "config", "rules", "world", "params")


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in SIM.rglob("*.py")}


def imported(name: str) -> set[str]:
    """The sim modules ``name`` imports (``from sim.x import y`` counts as sim.x.y when y is a module)."""
    out = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in MODULES else node.module)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: imported(name) for name in MODULES}


def floor(name: str) -> int:
    """Index in FLOORS (0 = top); the package's face and its ``python -m`` shims sit above all."""
    parts = name.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else -1


def test_imports_run_down_the_floors():
    upward = [(a, b) for a, deps in GRAPH.items() for b in deps if floor(b) < floor(a)]
    assert upward == []


def test_rules_never_import_the_model():
    assert not [(a, b) for a, deps in GRAPH.items() if a.startswith("sim.rules") for b in deps
                if b.startswith("sim.model")]


def test_no_import_circles():
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for dep in sorted(GRAPH[name]):
            assert seen.get(dep) != 1, " -> ".join([*path, name, dep])
            if dep not in seen:
                visit(dep, [*path, name])
        seen[name] = 2

    for name in sorted(GRAPH):
        if name not in seen:
            visit(name, [])
