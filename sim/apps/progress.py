"""Sweep progress: runs done / total and an ETA, printed as each run ends.

A Hydra callback. At the start of a multirun it expands the sweep (command
line and ``hydra.sweeper.params``) to count its runs, and records the count
and the start time in ``<sweep dir>/progress.json``. After each run (in
whichever process ran it) it counts finished, kept and failed run folders on
disk, so the figure is right for any launcher and after a resumed sweep.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Glob, Override
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.config.packaged import group_options
from sim.outputs.store import progress_line

PROGRESS_FILE = "progress.json"


def sweep_overrides(config: DictConfig) -> list[str]:
    """The ``key=values`` overrides that define the sweep (sweeper params, then command line)."""
    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    merged = {str(k): str(v) for k, v in params.items()}
    for text in OmegaConf.select(config, "hydra.overrides.task") or []:
        key, _, value = str(text).partition("=")
        merged[key] = value
    return [f"{k}={v}" for k, v in merged.items()]


def sweep_values(override: Override) -> list[Any]:
    """The values an override expands to: its one value, every value of a sweep, every option of a
    config group that a ``glob(...)`` matches (``regime=glob(*)``: every regime in ``conf/regime/``),
    or nothing for an interval sweep (an optimiser's range, no finite list)."""
    value = override.value()
    if isinstance(value, Glob):
        return value.filter(group_options(override.key_or_group))
    if not override.is_sweep_override():
        return [value]
    return list(override.sweep_iterator()) if override.is_discrete_sweep() else []


def count_runs(overrides: list[str]) -> int:
    """How many runs a list of sweep overrides expands to (Cartesian product)."""
    total = 1
    for ov in OverridesParser.create().parse_overrides(overrides):
        if ov.is_sweep_override() and ov.is_discrete_sweep():
            total *= len(sweep_values(ov))
    return total


def tally(sweep_dir: Path, since: float) -> dict[str, int]:
    done = list(sweep_dir.glob("*/summary.json"))
    return {
        "done": len(done),
        "new": sum(p.stat().st_mtime >= since for p in done),
        "failed": len(list(sweep_dir.glob("*/error.json"))),
    }


class SweepProgress(Callback):
    """Prints ``sweep: k/N runs done (f failed), elapsed, ETA`` after every run of a multirun."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        total = count_runs(sweep_overrides(config))
        start = time.time()
        (sweep_dir / PROGRESS_FILE).write_text(json.dumps({"total": total, "started": start}))
        already = tally(sweep_dir, start)["done"]
        print(f"sweep: {total} runs in {sweep_dir} ({already} already finished)", flush=True)

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            meta = json.loads((sweep_dir / PROGRESS_FILE).read_text())
        except (OSError, json.JSONDecodeError):
            return  # a single run, not a sweep
        t = tally(sweep_dir, meta["started"])
        print(progress_line(t["done"], t["failed"], meta["total"], time.time() - meta["started"], t["new"]), flush=True)
