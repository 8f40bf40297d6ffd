"""The results store: one folder per run, named by a content hash of its config.

A sweep's runs are identified by :func:`run_id`, a hash of the resolved
config (scenario, regime, every parameter, seed). A run folder is finished
(:func:`finished`; :func:`why_unfinished` says why not) when

- its files are intact: ``run.json`` carries the sha256 of every other
  contract file (its ``files`` manifest) and each file matches it;
- it is this config's run: ``run.json`` carries the same run id;
- it was produced by the same model code: ``run.json``'s ``code_fingerprint``
  equals :func:`code_fingerprint`, a hash of the package's source.

Re-running a sweep keeps finished runs and re-does every other one. The
fingerprint is kept out of the run id on purpose: the folder belongs to the
config, so a run made by older code is re-done in place rather than left
beside a new folder of the same config (where a collected table would count
both). Files are written atomically and ``summary.json`` last
(:mod:`sim.outputs.files`), so a sweep killed at any moment loses no finished
run. A run that fails leaves ``error.json`` (its config and traceback)
instead, and the sweep goes on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import traceback
from pathlib import Path
from typing import Any

from sim.config.packaged import CONF_DIR, PACKAGE_DIR
from sim.config.schema import SimConfig
from sim.outputs.files import CONTRACT_FILES, sha256_bytes, sha256_file, write_json

ID_LENGTH = 12
FINGERPRINT_LENGTH = 16
CHECKED_FILES = tuple(name for name in CONTRACT_FILES if name != "run.json")  # run.json holds their checksums
NOT_RUN = "not run yet"


def run_id(cfg: SimConfig) -> str:
    """Content hash of a resolved config: equal configs, equal ids, whatever the launcher.

    An empty list (``regime.extra_rules`` with no rule of one's own) and the ``reform`` section without a
    reform add nothing to a config and are left out of the hash, so a config's id is the same as before
    those keys existed.
    """
    data = dataclasses.asdict(cfg)
    if cfg.reform.regime is None:
        del data["reform"]
    text = json.dumps(_without_empty_lists(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:ID_LENGTH]


def run_dir_name(cfg: SimConfig) -> str:
    """A run's folder in a sweep: ``<regime>_seed=<seed>_<run id>`` (the sweeps' ``hydra.sweep.subdir``)."""
    return f"{cfg.regime.name}_seed={cfg.seed}_{run_id(cfg)}"


def _without_empty_lists(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _without_empty_lists(v) if isinstance(v, dict) else v for k, v in data.items() if v != []}


def source_fingerprint(package: Path, conf: Path) -> str:
    """Hash of every module of ``package`` (its packaged config folders aside) and every yaml of ``conf``.

    Files are named relative to their folder, so a checkout and an installed wheel of the same source
    give the same fingerprint."""
    skip = (package / "conf", package / "experiments")  # a wheel's package data, hashed from ``conf`` below
    files = [(f"sim/{p.relative_to(package).as_posix()}", p) for p in package.rglob("*.py")
             if not any(p.is_relative_to(s) for s in skip)]
    files += [(f"conf/{p.relative_to(conf).as_posix()}", p) for p in conf.rglob("*.yaml")]
    lines = "".join(f"{name} {sha256_file(path)}\n" for name, path in sorted(files))
    return sha256_bytes(lines.encode())[:FINGERPRINT_LENGTH]


@functools.cache
def code_fingerprint() -> str:
    """The running package's :func:`source_fingerprint` (computed once per process)."""
    return source_fingerprint(PACKAGE_DIR, CONF_DIR)


def damage(out: Path) -> str | None:
    """What is wrong with the files of the finished-looking run in ``out``, or None if they are intact."""
    record = read_run_json(out)
    return record if isinstance(record, str) else files_damage(out, record)


def files_damage(out: Path, record: dict[str, Any]) -> str | None:
    """The first contract file of ``out`` missing or not matching the checksum in ``record`` (its run.json)."""
    manifest = record.get("files")
    if not isinstance(manifest, dict):
        return "run.json has no checksums"
    for name in CHECKED_FILES:
        path = out / name
        if not path.is_file():
            return f"{name} missing"
        if name not in manifest:
            return f"run.json has no checksum of {name}"
        if sha256_file(path) != manifest[name]:
            return f"{name} damaged"
    return None


def read_run_json(out: Path) -> dict[str, Any] | str:
    """``run.json`` of ``out``, or why it cannot be read."""
    try:
        record = json.loads((out / "run.json").read_text())
    except FileNotFoundError:
        return "run.json missing"
    except (OSError, ValueError):
        return "run.json damaged"
    return record if isinstance(record, dict) else "run.json damaged"


def why_unfinished(out: Path, rid: str) -> str | None:
    """Why ``out`` does not hold a finished run of the config with id ``rid`` (None if it does).

    :data:`NOT_RUN` for a folder with no trace of a run; otherwise a short reason
    such as ``summary.json damaged`` or ``produced by other code``."""
    if not (out / "summary.json").exists():
        if (out / "error.json").exists():
            return "failed before"
        return "left unfinished" if any((out / name).exists() for name in CONTRACT_FILES) else NOT_RUN
    record = read_run_json(out)
    if isinstance(record, str):
        return record
    if record.get("run_id") != rid:
        return "holds another config's run"
    if record.get("code_fingerprint") != code_fingerprint():
        return "produced by other code"
    return files_damage(out, record)


def finished(out: Path, rid: str) -> bool:
    """True if ``out`` holds an intact run of the config with id ``rid``, made by this code."""
    return why_unfinished(out, rid) is None


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


def resolver_run_id(scenario: Any, regime: Any, model: Any, seed: Any, reform: Any = None) -> str:
    """OmegaConf resolver ``${sim_run_id:${scenario},${regime},${model},${seed},${reform}}`` for sweep folders."""
    from omegaconf import OmegaConf

    from sim.config.validate import config_from_dict

    data = {
        "scenario": OmegaConf.to_container(scenario, resolve=True),
        "regime": OmegaConf.to_container(regime, resolve=True),
        "model": OmegaConf.to_container(model, resolve=True),
        "seed": seed,
    }
    if reform is not None:
        data["reform"] = OmegaConf.to_container(reform, resolve=True)
    return run_id(config_from_dict(data))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def progress_line(done: int, failed: int, total: int, elapsed: float, new: int) -> str:
    """``sweep: k/N runs done (f failed), elapsed h:mm:ss, ETA h:mm:ss``; the ETA from the ``new`` runs' pace."""
    left = max(total - done - failed, 0)
    eta = _clock(elapsed / new * left) if new else "?"
    return f"sweep: {done}/{total} runs done ({failed} failed), elapsed {_clock(elapsed)}, ETA {eta}"
