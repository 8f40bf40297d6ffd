"""Docstrings and the ODD name only functions, classes and modules that exist.

A reference is a Sphinx role (``:func:`sim.model.kernels.evening```, ``:class:`UserArrays```, also
``:meth:``, ``:mod:``, ``:attr:``) or a dotted name whose first part is the short name of a module of
``sim`` (``kernels.meet``, ``dynamics.settle_start``), in any docstring under ``sim/`` and in
``docs/ODD.md``. Each must resolve by import and getattr. Dotted names starting with ``model.`` are
left out: in prose they are the ``model.<group>.<parameter>`` config keys.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from pathlib import Path

import pytest

import sim

ROOT = Path(sim.__file__).resolve().parent.parent


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


FILES = sorted((ROOT / "sim").rglob("*.py"))
MODULES = sorted({module_of(p) for p in FILES} | {module_of(p.parent) for p in FILES})  # packages too
SHORT: dict[str, list[str]] = {}
for _name in MODULES:
    SHORT.setdefault(_name.rsplit(".", 1)[-1], []).append(_name)
#: First parts that are config keys in prose, not modules.
CONFIG_ROOTS = {"model", "reform"}  # config sections named like a module
#: Second parts that make a file name (``places.py``, ``summary.json``), not an attribute.
FILE_SUFFIXES = {"py", "md", "json", "parquet", "yaml", "yml", "csv", "html", "toml", "txt", "png", "svg"}
ROLE = re.compile(r":(?:func|meth|class|mod|attr|data|obj):`~?\.?([A-Za-z_][\w.]*?)(?:\(\))?`")
DOTTED = re.compile(r"(?<![\w./-])([a-z_][a-z0-9_]*)((?:\.[A-Za-z_]\w*)+)(?![\w/-])")


def resolve_in(obj: object, parts: list[str]) -> bool:
    """``obj.parts[0].parts[1]...`` exists (a dataclass field without default counts)."""
    for part in parts:
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif dataclasses.is_dataclass(obj) and part in {f.name for f in dataclasses.fields(obj)}:
            return part == parts[-1]
        else:
            return False
    return True


def resolve(target: str, home: str | None) -> bool:
    """``target`` names something: a full ``sim.`` path, or a name in module ``home`` (or a class of it)."""
    parts = target.split(".")
    if parts[0] == "sim":
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in MODULES:
                return resolve_in(importlib.import_module(module), parts[cut:])
        return False
    candidates = [home] if home else []
    candidates += SHORT.get(parts[0], [])
    for module_name in candidates:
        module = importlib.import_module(module_name)
        rest = parts[1:] if module_name.rsplit(".", 1)[-1] == parts[0] and module_name != home else parts
        if resolve_in(module, rest):
            return True
        if module_name == home and len(parts) == 1:  # a method named alone, in its class's docstring
            classes = [c for c in vars(module).values() if isinstance(c, type) and c.__module__ == home]
            if any(hasattr(c, parts[0]) for c in classes):
                return True
    return False


def references(text: str) -> set[str]:
    """Role targets, and dotted names whose first part is a module's short name."""
    found = set(ROLE.findall(text))
    text = ROLE.sub("", text)
    for first, rest in DOTTED.findall(text):
        second = rest[1:].split(".")[0]
        if first in SHORT and first not in CONFIG_ROOTS and second not in FILE_SUFFIXES:
            found.add(first + rest)
    return found


def docstrings(path: Path) -> str:
    tree = ast.parse(path.read_text())
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    return "\n".join(doc for n in nodes if (doc := ast.get_docstring(n)))


SOURCES = [(module_of(p), docstrings(p)) for p in FILES]
SOURCES.append((None, (ROOT / "docs" / "ODD.md").read_text()))
CASES = sorted({(home or "docs/ODD.md", ref) for home, text in SOURCES for ref in references(text)})


def test_references_are_found():
    """The collector sees the references it is meant to check (so the test below is not vacuous)."""
    assert references("see :func:`sim.model.kernels.evening` and kernels.meet, not model.talk or places.py") == {
        "sim.model.kernels.evening", "kernels.meet"}
    assert len(CASES) > 100
    assert not resolve("sim.model.kernels.no_such_kernel", None) and not resolve("dynamics.no_such_step", None)


@pytest.mark.parametrize(("where", "ref"), CASES)
def test_reference_resolves(where, ref):
    home = None if where.endswith(".md") else where
    assert resolve(ref, home), f"{where} names {ref!r}, which does not exist"
