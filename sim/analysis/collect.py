"""Collect a sweep folder into tidy tables (``python -m sim.analysis.collect <sweep dir>``).

``runs.parquet``: one row per finished run: run id, every swept parameter,
seed, regime, rules and every ``summary.json`` outcome. ``timeseries.parquet``:
the daily series of all runs in long format (run id, regime, seed, swept
parameters, day, variable, value). ``failures.parquet``: runs that failed,
with their error. ``damaged.parquet``: run folders that look finished but whose
files are not intact (a truncated ``summary.json``, a missing or changed file:
:func:`sim.outputs.store.damage`), with the reason; they are left out of the
other tables and re-run by the next sweep. Everything is read from the run
folders, so a table can be rebuilt at any time, also while a sweep is still
running.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import OmegaConf

from sim.outputs.files import write_parquet
from sim.outputs.store import damage, read_run_json

ID_COLUMNS = ("run_id", "run_dir", "regime", "rules", "seed")


#: How a null config value (``reform.regime: null``, no reform) appears in the runs table: as a level of a swept
#: key, like any other value, not as a missing one that grouping and pairing would drop.
NULL = "null"


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested config as ``{"a.b": value}``; a null value as :data:`NULL`."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = NULL if value is None else value
    return out


def run_folders(sweep_dir: Path) -> tuple[list[Path], pd.DataFrame]:
    """The finished-looking run folders (with ``summary.json``): the intact ones and a table of the damaged ones."""
    intact, damaged = [], []
    for folder in sorted(p.parent for p in Path(sweep_dir).glob("*/summary.json")):
        reason = damage(folder)
        if reason is None:
            intact.append(folder)
        else:
            damaged.append({"run_dir": folder.name, "reason": reason})
    return intact, pd.DataFrame(damaged, columns=["run_dir", "reason"])


def swept_keys(configs: pd.DataFrame) -> list[str]:
    """Config keys that vary across the runs (seed and regime name apart)."""
    varying = [c for c in configs.columns if configs[c].astype(str).nunique() > 1]
    return [c for c in varying if c not in ("seed", "regime.name")]


def run_row(run_id: str, run_dir: str, wall_seconds: float | None, summary: dict[str, Any]) -> dict[str, Any]:
    """One run's row of the runs table before its swept parameters join: ids, wall time, outcomes.

    Outcomes in the order of ``summary.json`` (sorted by name), whether read from it or from memory.
    """
    return {"run_id": run_id, "run_dir": run_dir, "wall_seconds": wall_seconds, **dict(sorted(summary.items()))}


def folder_row(folder: Path) -> dict[str, Any]:
    """:func:`run_row` of a finished run folder, from its ``summary.json`` and ``run.json``."""
    summary = json.loads((folder / "summary.json").read_text())
    run = json.loads((folder / "run.json").read_text())
    return run_row(run.get("run_id", folder.name), folder.name, run.get("wall_seconds"), summary)


def load_runs(folders: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """The runs table of intact run folders and the names of its swept-parameter columns."""
    rows, configs = [], []
    for folder in folders:
        configs.append(flatten(OmegaConf.to_container(OmegaConf.load(folder / "config.yaml"))))
        rows.append(folder_row(folder))
    runs, swept = runs_table(rows, configs)
    return runs.sort_values(["regime", "seed", "run_id"], kind="stable").reset_index(drop=True), swept


def runs_table(rows: list[dict[str, Any]], configs: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[str]]:
    """The runs table (in the order given) from each run's :func:`run_row` and flat config; and its swept keys."""
    if not rows:
        return pd.DataFrame(columns=list(ID_COLUMNS)), []
    cfg = pd.DataFrame(configs)
    swept = swept_keys(cfg)
    outcomes = pd.DataFrame(rows)
    runs = pd.concat([outcomes[["run_id", "run_dir"]], cfg[swept], outcomes.drop(columns=["run_id", "run_dir"])],
                     axis=1)
    first = ["run_id", "run_dir", *swept, "regime", "rules", "seed"]
    return runs[first + [c for c in runs.columns if c not in first]], swept


def load_failures(sweep_dir: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(Path(sweep_dir).glob("*/error.json")):
        err = json.loads(path.read_text())
        cfg = err.get("config", {})
        rows.append({"run_dir": path.parent.name, "run_id": err.get("run_id"), "regime": cfg.get("regime", {}).get(
            "name"), "seed": cfg.get("seed"), "error": err.get("error")})
    return pd.DataFrame(rows, columns=["run_dir", "run_id", "regime", "seed", "error"])


def load_timeseries(sweep_dir: Path, runs: pd.DataFrame, swept: list[str]) -> pd.DataFrame:
    frames = []
    keys = ["run_id", "regime", "seed", *swept]
    for _, row in runs.iterrows():
        ts = pd.read_parquet(Path(sweep_dir) / row["run_dir"] / "timeseries.parquet")
        long = ts.melt(id_vars="day", var_name="variable", value_name="value")
        for k in keys:
            long[k] = row[k]
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=[*keys, "day", "variable", "value"])
    out = pd.concat(frames, ignore_index=True)
    return out[[*keys, "day", "variable", "value"]]


def collect(sweep_dir: Path) -> dict[str, Path]:
    """Write ``runs.parquet``, ``timeseries.parquet``, ``failures.parquet`` and ``damaged.parquet`` into the sweep
    folder; print a line for each damaged run folder."""
    sweep_dir = Path(sweep_dir)
    intact, damaged = run_folders(sweep_dir)
    for row in damaged.itertuples():
        print(f"collect: {row.run_dir}: skipped, damaged ({row.reason})")
    fingerprints = sorted({str(read_run_json(folder).get("code_fingerprint")) for folder in intact})
    if len(fingerprints) > 1:
        print(f"collect: the runs were produced by {len(fingerprints)} versions of the code "
              f"({', '.join(fingerprints)}); re-running the sweep brings them to one")
    runs, swept = load_runs(intact)
    paths = {name: sweep_dir / f"{name}.parquet" for name in ("runs", "timeseries", "failures", "damaged")}
    write_parquet(paths["runs"], runs)
    write_parquet(paths["timeseries"], load_timeseries(sweep_dir, runs, swept))
    write_parquet(paths["failures"], load_failures(sweep_dir))
    write_parquet(paths["damaged"], damaged)
    return paths


if __name__ == "__main__":
    for name, path in collect(Path(sys.argv[1])).items():
        print(f"{name}: {path}")
