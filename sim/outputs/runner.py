"""Run one simulation from a validated config and write its results.

No Hydra here: the Hydra app (:mod:`sim.apps.cli`), the experiment scripts, the
tests, the Python API (:mod:`sim.api`) and the classroom app all call :func:`run`,
:func:`execute` or :func:`simulate` with a plain :class:`sim.config.schema.SimConfig`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.config.schema import SimConfig
from sim.model import reporters
from sim.model.events import ServiceEventLog
from sim.model.model import SIDLModel
from sim.model.reform import regime_changes
from sim.outputs.files import json_text, sha256_bytes, write_json, write_parquet, write_text
from sim.outputs.store import NOT_RUN, clear_failure, code_fingerprint, record_failure, run_id, why_unfinished
from sim.outputs.summary import summarise

PACKAGES = ("sidl-sim", "mesa", "numpy", "pandas", "pyarrow", "hydra-core", "omegaconf")


def simulate(cfg: SimConfig) -> SIDLModel:
    """Build and run the model for ``cfg.scenario.days`` days."""
    model = SIDLModel(cfg)
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
    cols["in_service"] = model.in_service.copy()
    cohort = model.cohort
    cols["referred_day"] = np.zeros(model.users_state.n, dtype=np.int64) if cohort is None else cohort.referred.copy()
    return pd.DataFrame(cols)


def config_yaml(cfg: SimConfig) -> str:
    return OmegaConf.to_yaml(OmegaConf.create(dataclasses.asdict(cfg)))


@dataclass
class RunResult:
    """One run in memory: the validated config, ``summary.json``'s outcomes and the contract's tables.

    ``timeseries``, ``users`` and ``visits`` are the frames written to ``timeseries.parquet``,
    ``users.parquet`` and ``visits.parquet``; ``wall_seconds`` is the time spent building and
    running the model (``run.json``'s ``wall_seconds``); ``regime_changes`` the day and regime of each
    reform switch (``run.json``'s ``regime_changes``, :func:`sim.model.reform.regime_changes`).
    """

    config: SimConfig
    summary: dict[str, Any]
    timeseries: pd.DataFrame
    users: pd.DataFrame
    visits: pd.DataFrame
    wall_seconds: float
    regime_changes: list[dict[str, Any]] = field(default_factory=list)
    #: The ``service_events.parquet`` frame: the open cohort's referrals, admissions, reviews and exits, and visits
    #: cancelled, shortened or made by a colleague (:class:`sim.model.events.ServiceEventLog`).
    service_events: pd.DataFrame = field(default_factory=lambda: ServiceEventLog().frame())


def timed(cfg: SimConfig) -> tuple[SIDLModel, float]:
    """:func:`simulate` and the seconds it took (building and running the model)."""
    t0 = time.perf_counter()
    model = simulate(cfg)
    return model, time.perf_counter() - t0


def execute(cfg: SimConfig) -> RunResult:
    """Simulate ``cfg`` and keep its results in memory; nothing is written."""
    model, wall = timed(cfg)
    summary = summarise(model)
    return RunResult(model.cfg, summary, timeseries_frame(model), users_frame(model), model.events.frame(), wall,
                     regime_changes(model.periods), model.service_events.frame())


def write(result: RunResult, out_dir: str | Path) -> None:
    """Write the output contract's files of ``result`` into ``out_dir``: ``run.json`` with the checksum of
    every other file, ``summary.json`` last."""
    out, cfg = Path(out_dir), result.config
    summary_text = json_text(result.summary)
    files = {
        "config.yaml": write_text(out / "config.yaml", config_yaml(cfg)),
        "timeseries.parquet": write_parquet(out / "timeseries.parquet", result.timeseries),
        "users.parquet": write_parquet(out / "users.parquet", result.users),
        "visits.parquet": write_parquet(out / "visits.parquet", result.visits),
        "service_events.parquet": write_parquet(out / "service_events.parquet", result.service_events),
        "summary.json": sha256_bytes(summary_text.encode()),  # written last, below
    }
    write_json(out / "run.json", {
        "run_id": run_id(cfg), "code_fingerprint": code_fingerprint(), "files": files,
        "seed": cfg.seed, "regime": cfg.regime.name, "scenario": cfg.scenario.name,
        "versions": versions(), "git_commit": git_commit(), "wall_seconds": round(result.wall_seconds, 3),
        "regime_changes": result.regime_changes,
    })
    write_text(out / "summary.json", summary_text)


def run(cfg: SimConfig, out_dir: str | Path) -> dict[str, Any]:
    """Simulate ``cfg`` and write the contract files into ``out_dir``; return the summary."""
    result = execute(cfg)
    write(result, out_dir)
    return result.summary


def run_in_store(cfg: SimConfig, out: Path,
                 announce: Callable[[str], None] | None = None) -> tuple[str, dict[str, Any] | None, Exception | None]:
    """Run ``cfg`` into its results-store folder ``out``, unless it finished there before.

    ``("kept", None, None)`` for a run finished before, ``("done", summary, None)`` for one run now,
    ``("failed", None, err)`` for one that raised ``err`` (its ``error.json`` is left in ``out``).
    Before re-doing a damaged, failed or outdated run, ``announce`` is given the reason
    (:func:`sim.outputs.store.why_unfinished`).
    """
    reason = why_unfinished(out, run_id(cfg))
    if reason is None:
        return "kept", None, None
    if announce is not None and reason != NOT_RUN:
        announce(reason)
    try:
        summary = run(cfg, out)
    except Exception as err:  # recorded; the caller's other runs go on
        record_failure(out, cfg, err)
        return "failed", None, err
    clear_failure(out)
    return "done", summary, None
