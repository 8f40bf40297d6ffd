"""The results store: one folder per run, named by a content hash of its config.

A sweep's runs are identified by :func:`run_id`, a hash of the resolved
config (scenario, regime, every parameter, seed). A run folder whose
``summary.json`` exists and whose ``run.json`` carries the same id is
finished: re-running a sweep skips it. Files are written atomically and
``summary.json`` last (:mod:`sim.outputs.files`), so a sweep killed at any moment
loses no finished run. A run that fails leaves ``error.json`` (its config and
traceback) instead, and the sweep goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import traceback
from pathlib import Path
from typing import Any

from sim.config.schema import SimConfig
from sim.outputs.files import write_json

ID_LENGTH = 12


def run_id(cfg: SimConfig) -> str:
    """Content hash of a resolved config: equal configs, equal ids, whatever the launcher."""
    text = json.dumps(dataclasses.asdict(cfg), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:ID_LENGTH]


def run_dir_name(cfg: SimConfig) -> str:
    """A run's folder in a sweep: ``<regime>_seed=<seed>_<run id>`` (the sweeps' ``hydra.sweep.subdir``)."""
    return f"{cfg.regime.name}_seed={cfg.seed}_{run_id(cfg)}"


def finished(out: Path, rid: str) -> bool:
    """True if ``out`` holds a complete run of the config with id ``rid``."""
    run_json = out / "run.json"
    if not (out / "summary.json").exists() or not run_json.exists():
        return False
    try:
        return json.loads(run_json.read_text()).get("run_id") == rid
    except json.JSONDecodeError:
        return False


def record_failure(out: Path, cfg: SimConfig, err: BaseException) -> None:
    """Leave ``error.json`` with the config and traceback of a failed run."""
    write_json(out / "error.json", {
        "run_id": run_id(cfg),
        "error": f"{type(err).__name__}: {err}",
        "traceback": "".join(traceback.format_exception(err)),
        "config": dataclasses.asdict(cfg),
    })


def clear_failure(out: Path) -> None:
    (out / "error.json").unlink(missing_ok=True)


def resolver_run_id(scenario: Any, regime: Any, model: Any, seed: Any) -> str:
    """OmegaConf resolver ``${sim_run_id:${scenario},${regime},${model},${seed}}`` for sweep folders."""
    from omegaconf import OmegaConf

    from sim.config.validate import config_from_dict

    data = {
        "scenario": OmegaConf.to_container(scenario, resolve=True),
        "regime": OmegaConf.to_container(regime, resolve=True),
        "model": OmegaConf.to_container(model, resolve=True),
        "seed": seed,
    }
    return run_id(config_from_dict(data))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def progress_line(done: int, failed: int, total: int, elapsed: float, new: int) -> str:
    """``sweep: k/N runs done (f failed), elapsed h:mm:ss, ETA h:mm:ss``; the ETA from the ``new`` runs' pace."""
    left = max(total - done - failed, 0)
    eta = _clock(elapsed / new * left) if new else "?"
    return f"sweep: {done}/{total} runs done ({failed} failed), elapsed {_clock(elapsed)}, ETA {eta}"
