"""sidl-sim: an agent-based simulation of support in daily living under management regimes.

The Python API (:mod:`sim.api`): ``sim.configure``, ``sim.run_one``, ``sim.run_many``,
``sim.compare``, and ``sim.SIDLModel``, ``sim.SimConfig``, ``sim.RunResult``, ``sim.ConfigError``.
They are imported when first used, so ``import sim`` (and ``python -m sim.run``) stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "configure": "sim.api", "run_one": "sim.api", "run_many": "sim.api", "compare": "sim.api",
    "RunResult": "sim.outputs.runner", "SIDLModel": "sim.model.model", "SimConfig": "sim.config.schema",
    "ConfigError": "sim.config.validate",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
