"""Hydra app: ``python -m sim.run [overrides]`` runs one simulation.

The app only composes the config and calls :func:`sim.outputs.runner.run`. Before
Hydra starts, every command-line override is checked against the schema
(:mod:`sim.config.validate`), so a typo or an out-of-range value ends at once with
one message naming the key, the value and what is allowed, and no results
folder is created.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.plugins.sweeper import Sweeper
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config.packaged import CONF_DIR
from sim.config.schema import SimConfig
from sim.config.validate import GROUPS, ConfigError, check_key, check_option, config_from_dict
from sim.outputs.store import clear_failure, finished, record_failure, resolver_run_id, run_id

FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                    "--config-dir", "-cd", "--info", "-i", "--experimental-rerun"}
HEADLINE = (
    "loneliness_mean_start", "loneliness_mean_end", "share_lonely_start", "share_lonely_end",
    "wellbeing_mean_start", "wellbeing_mean_end", "self_efficacy_mean_end", "network_active_mean_end",
    "landscape_mean_end", "plan_adherence", "client_time_share", "continuity",
)

ConfigStore.instance().store(name="schema", node=SimConfig)


def _checked_before_launch(self: Sweeper, batch: Any) -> None:
    """Skip Hydra's own check of a sweep batch: it composes every job's config in the launching
    process before any job starts (~75 ms a job with this schema: 30 s of idle workers for a
    400-run sweep), and :func:`check_overrides` has already checked every value against the schema."""


Sweeper.validate_batch_is_legal = _checked_before_launch
if not OmegaConf.has_resolver("sim_run_id"):
    OmegaConf.register_new_resolver("sim_run_id", resolver_run_id)


def _values(override: Any) -> list[Any]:
    if override.is_sweep_override():
        try:
            return list(override.sweep_iterator())
        except Exception:  # interval sweeps (for optimisers) have no finite list
            return []
    return [override.value()]


def override_args(args: list[str]) -> list[str]:
    """The ``key=value`` overrides among Hydra's command-line arguments."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = a in FLAGS_WITH_VALUE
        else:
            out.append(a)
    return out


def check_overrides(args: list[str]) -> None:
    """Validate command-line overrides against the schema before Hydra runs."""
    overrides = OverridesParser.create().parse_overrides(override_args(args))
    for ov in overrides:
        key = ov.key_or_group
        if key.startswith("hydra") or ov.is_delete():
            continue
        for value in _values(ov):
            if key in GROUPS:
                check_option(key, value)
            else:
                check_key(key, value)


def _remove_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    from sim.outputs.runner import run

    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        sim_cfg = config_from_dict(OmegaConf.to_container(cfg, resolve=True))
    except ConfigError as err:
        _remove_if_empty(out)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    label = f"{sim_cfg.scenario.name} / {sim_cfg.regime.name} / seed {sim_cfg.seed}"
    if finished(out, run_id(sim_cfg)):
        print(f"sidl-sim: {label}: finished before, kept -> {out}")
        return
    sweeping = HydraConfig.get().mode == RunMode.MULTIRUN
    try:
        summary = run(sim_cfg, out)
    except Exception as err:
        record_failure(out, sim_cfg, err)
        print(f"error: run failed ({label}) -> {out / 'error.json'}: {type(err).__name__}: {err}", file=sys.stderr)
        if sweeping:
            return  # the sweep goes on; the failure is reported with its config
        raise
    clear_failure(out)
    if sweeping:
        print(f"sidl-sim: {label} -> {out}")
        return
    print(f"sidl-sim: {label} -> {out}")
    for key in HEADLINE:
        print(f"  {key:<28} {summary[key]:10.3f}")


def cli() -> None:
    try:
        check_overrides(sys.argv[1:])
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except Exception as err:  # a malformed override: let Hydra's own message stand, but early
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    main()


if __name__ == "__main__":
    cli()
