"""Run one simulation from a validated config and write its results.

No Hydra here: the Hydra app (:mod:`sim.apps.cli`), the experiment scripts, the
tests and the classroom app all call :func:`run` or :func:`simulate` with a
plain :class:`sim.config.schema.SimConfig`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.model import reporters
from sim.config.schema import SimConfig
from sim.model.model import SIDLModel
from sim.outputs.files import write_json, write_parquet, write_text
from sim.outputs.store import run_id
from sim.outputs.summary import summarise
from sim.config.validate import validate

PACKAGES = ("sidl-sim", "mesa", "numpy", "pandas", "pyarrow", "hydra-core", "omegaconf")


def simulate(cfg: SimConfig) -> SIDLModel:
    """Build and run the model for ``cfg.scenario.days`` days."""
    model = SIDLModel(validate(cfg))
    model.run()
    return model


@functools.cache
def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@functools.cache
def git_commit() -> str | None:
    """The source tree's commit (with ``-dirty`` if changed), or None outside git."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def timeseries_frame(model: SIDLModel) -> pd.DataFrame:
    ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    ts.insert(0, "day", np.arange(len(ts), dtype=np.int32))
    return ts


def users_frame(model: SIDLModel) -> pd.DataFrame:
    cols: dict[str, Any] = {"user_id": model.user_uid.astype(np.int64)}
    for name, report in reporters.USER_SNAPSHOT.items():
        cols[f"{name}_start"] = np.asarray(model.start[name], dtype=float)
        cols[f"{name}_end"] = np.asarray(report(model), dtype=float)
    cols["regular_worker_id"] = model.worker_uid[model.assessment.regular].astype(np.int64)
    cols["n_distinct_workers"] = model.distinct_workers().astype(np.int64)
    return pd.DataFrame(cols)


def config_yaml(cfg: SimConfig) -> str:
    return OmegaConf.to_yaml(OmegaConf.create(dataclasses.asdict(cfg)))


def run(cfg: SimConfig, out_dir: str | Path) -> dict[str, Any]:
    """Simulate ``cfg`` and write the contract files into ``out_dir``; return the summary."""
    out = Path(out_dir)
    t0 = time.perf_counter()
    model = simulate(cfg)
    wall = time.perf_counter() - t0
    cfg = model.cfg  # the validated config
    summary = summarise(model)
    write_text(out / "config.yaml", config_yaml(cfg))
    write_parquet(out / "timeseries.parquet", timeseries_frame(model))
    write_parquet(out / "users.parquet", users_frame(model))
    write_parquet(out / "visits.parquet", model.events.frame())
    write_json(out / "run.json", {
        "run_id": run_id(cfg),
        "seed": cfg.seed, "regime": cfg.regime.name, "scenario": cfg.scenario.name,
        "versions": versions(), "git_commit": git_commit(), "wall_seconds": round(wall, 3),
    })
    write_json(out / "summary.json", summary)
    return summary
