"""The Python API: configure a run, run one or many, compare regimes (no Hydra involved).

- :func:`configure` gives the config ``python -m sim.run scenario=... regime=... seed=... key=value``
  runs, with the same validation and messages (bad input raises :class:`ConfigError`).
- :func:`run_one` runs a config in memory (:class:`RunResult`) and writes the output contract's
  files only when given a folder.
- :func:`run_many` runs many configs in parallel processes and returns the runs table
  (the columns of a sweep's ``runs.parquet``); with ``store=`` it uses the results store.
- :func:`compare` gives paired effects against a baseline regime from such a table.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.collect import flatten, folder_row, run_row, runs_table
from sim.config.compose import compose
from sim.config.schema import SimConfig
from sim.config.validate import ConfigError
from sim.outputs.runner import RunResult, execute, run_in_store, timed, write
from sim.outputs.store import progress_line, run_dir_name, run_id
from sim.outputs.summary import summarise

FAILURE_COLUMNS = ["run_dir", "run_id", "regime", "seed", "error"]  # those of a sweep's failures.parquet


def configure(scenario: str = "municipality", regime: str = "trust_based", seed: int = 0,
              overrides: Mapping[str, Any] | None = None, extra_rules: Iterable[Any] | None = None) -> SimConfig:
    """The validated config of a packaged scenario and regime, a seed and dotted overrides.

    ``configure("municipality", "npm", 1, {"scenario.days": 730, "model.talk.talk_share": 0.4})``
    equals what ``python -m sim.run scenario=municipality regime=npm seed=1 scenario.days=730
    model.talk.talk_share=0.4`` runs. Values may be numpy or pandas scalars. ``extra_rules``
    switches on plugin rules: each item a :class:`sim.rules.Rule` subclass, an instance or a
    ``{"_target_": "module.Class", <param>: value}`` dict (:func:`sim.rules.plugin_spec`), added
    to ``regime.extra_rules``. Raises :class:`ConfigError` naming the key, the value and what is allowed.
    """
    specs = ()
    if extra_rules:
        from sim.rules import plugin_spec

        specs = tuple(plugin_spec(item) for item in extra_rules)
    return compose(scenario, regime, seed, overrides, specs)


def run_one(cfg: SimConfig, out: str | Path | None = None) -> RunResult:
    """Run ``cfg``; with ``out``, also write the output contract's files there (as ``python -m sim.run``).

    Without ``out`` nothing is written anywhere: the results are the returned :class:`RunResult`'s
    ``summary``, ``timeseries``, ``users`` and ``visits``.
    """
    result = execute(cfg)
    if out is not None:
        write(result, out)
    return result


def _failure(cfg: SimConfig, err: BaseException) -> dict[str, Any]:
    return {"run_dir": run_dir_name(cfg), "run_id": run_id(cfg), "regime": cfg.regime.name, "seed": cfg.seed,
            "error": f"{type(err).__name__}: {err}"}


def _row(cfg: SimConfig, store: Path | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
    """One run's :func:`~sim.analysis.collect.run_row`, or its failure; and whether it was run now (not kept)."""
    if store is not None:
        folder = store / run_dir_name(cfg)
        status, _, err = run_in_store(cfg, folder)
        if err is not None:
            return None, _failure(cfg, err), True
        return folder_row(folder), None, status == "done"
    try:
        model, wall = timed(cfg)
        summary = summarise(model)
    except Exception as err:  # reported with the others' results; the batch goes on
        return None, _failure(cfg, err), True
    return run_row(run_id(model.cfg), run_dir_name(model.cfg), round(wall, 3), summary), None, True


def _indexed_row(i: int, cfg: SimConfig, store: Path | None) -> tuple[int, Any, Any, bool]:
    return (i, *_row(cfg, store))


def run_many(configs: Iterable[SimConfig], n_jobs: int | None = None, store: str | Path | None = None,
             progress: bool = True) -> pd.DataFrame:
    """Run every config, in parallel processes; the runs table, one row per config in the order given.

    The columns are those of a sweep's ``runs.parquet`` (run id, run folder name, every config
    key that differs between the configs, regime, rules, seed, wall time, every ``summary.json``
    outcome), and the results are those of running each config alone, whatever ``n_jobs``
    (``None``: one process per core; ``1``: in this process). Runs are sent to the worker
    processes in small batches, as configs: nothing is composed again there.

    With ``store=<folder>`` each run has its folder ``<regime>_seed=<seed>_<run id>`` in the
    results store (:mod:`sim.outputs.store`), as in a sweep: a run finished there before is kept,
    not run again; a failed run leaves ``error.json``. Runs that fail (with or without a store)
    are left out of the rows and listed in ``df.attrs["failures"]`` (a DataFrame with the columns
    of ``failures.parquet``); the others go on. ``progress`` prints the sweeps' progress line
    (``sweep: k/N runs done ...``) as runs end.
    """
    configs = list(configs)
    for cfg in configs:
        if not isinstance(cfg, SimConfig):
            raise ConfigError(f"configs: {cfg!r} is not a SimConfig; build one with sim.configure(...)")
    folder = None if store is None else Path(store)
    jobs = (os.cpu_count() or 1) if n_jobs is None else n_jobs
    results: list[Any] = [None] * len(configs)
    done = failed = new = 0
    start = time.time()
    for i, row, failure, ran in _results(list(enumerate(configs)), folder, jobs):
        results[i] = (row, failure)
        done, failed, new = done + (row is not None), failed + (failure is not None), new + ran
        if progress:
            print(progress_line(done, failed, len(configs), time.time() - start, new), flush=True)
    ok = [(cfg, row) for cfg, (row, _) in zip(configs, results, strict=True) if row is not None]
    runs, _ = runs_table([row for _, row in ok], [flatten(dataclasses.asdict(cfg)) for cfg, _ in ok])
    runs.attrs["failures"] = pd.DataFrame([f for _, f in results if f is not None], columns=FAILURE_COLUMNS)
    return runs.reset_index(drop=True)


def _results(indexed: list[tuple[int, SimConfig]], store: Path | None, n_jobs: int) -> Iterable[tuple]:
    """Each run's (index, row, failure, ran now), as runs end, from ``n_jobs`` worker processes.

    joblib (loky workers, kept for the next call) sends the runs in batches sized to take a
    fraction of a second or more, so the parent handles a batch, not each run.
    """
    if n_jobs == 1 or len(indexed) <= 1:
        yield from (_indexed_row(i, cfg, store) for i, cfg in indexed)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", batch_size="auto")
    yield from parallel(delayed(_worker_row)(i, cfg, store) for i, cfg in indexed)


_settled = False  # set in a worker process once its long-lived objects are frozen


def _worker_row(i: int, cfg: SimConfig, store: Path | None) -> tuple[int, Any, Any, bool]:
    """:func:`_indexed_row` in a worker process. After the worker's first run, what it has imported
    and set up for good (numpy, pandas, Mesa, numba's compiled kernels: ~240,000 objects) is moved out of
    the garbage collector's sight (:func:`gc.freeze`): loky's workers collect garbage between tasks, and a
    full collection over all of that costs 0.05-0.3 s, as much as a run, while a run leaves ~1,000 objects."""
    global _settled
    out = _indexed_row(i, cfg, store)
    if not _settled:
        gc.collect()
        gc.freeze()
        _settled = True
    return out


def compare(runs: pd.DataFrame, baseline: str = "trust_based", outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Paired effects of each regime against ``baseline`` in a runs table (:func:`run_many`, ``runs.parquet``).

    The numbers of the sweep report's headline table (:func:`sim.analysis.stats.headline`): per
    regime and outcome, the mean paired difference over runs with the same seed (and the same
    other swept parameters), its Student-t and bootstrap 95 % intervals, the user-level standardized
    effect ``smd_users`` (difference of user means / baseline SD between users at the start, for
    loneliness and wellbeing) and, last, ``d_z_seeds`` (d_z over seeds: stochastic precision, not an
    effect size). ``outcomes`` defaults to the report's headline outcomes.
    """
    from sim.analysis import stats

    regimes = sorted(set(runs["regime"])) if "regime" in runs else []
    if baseline not in regimes:
        raise ConfigError(f"baseline={baseline}: not a regime of these runs; allowed: {', '.join(regimes)}")
    if outcomes is None:
        return stats.headline(runs, baseline)
    unknown = [o for o in outcomes if o not in runs.columns]
    if unknown:
        allowed = [c for c in runs.columns if pd.api.types.is_numeric_dtype(runs[c]) and "." not in c]
        raise ConfigError(f"outcomes={unknown[0]}: not a column of these runs; allowed: {', '.join(allowed)}")
    return stats.headline(runs, baseline, tuple(outcomes))
