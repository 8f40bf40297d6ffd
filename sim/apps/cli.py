"""Hydra app: ``python -m sim.run [overrides]`` runs one simulation.

The app only composes the config and calls :func:`sim.outputs.runner.run`. Before
Hydra starts, every command-line override is checked against the schema
(:mod:`sim.config.validate`), so a typo or an out-of-range value ends at once with
one message naming the key, the value and what is allowed, and no results
folder is created.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import itertools
import sys
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.plugins.sweeper import Sweeper
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.apps.progress import sweep_values
from sim.config.packaged import CONF_DIR, group_options, store_schema
from sim.config.validate import GROUPS, ConfigError, check_key, check_option, config_from_dict
from sim.outputs import outcomes
from sim.outputs.store import resolver_run_id
from sim.rules import management_rules

FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                    "--config-dir", "-cd", "--info", "-i", "--experimental-rerun"}
#: What a single run prints: each headline outcome, after its value at the start where there is one.
HEADLINE = tuple(name for end in outcomes.HEADLINE for name in (outcomes.start_of(end), end) if name)

#: OmegaConf resolver name of :func:`rule_factorial` (registered by :func:`sim.apps.cli.prepare_hydra`).
FACTORIAL_RESOLVER = "sim_rule_factorial"


def rule_factorial(others: dict[str, Any] | None = None) -> dict[str, str]:
    """Sweeper params of the full 2^k factorial: ``regime.<rule>.enabled: true,false`` for each of the
    k management rules (:func:`sim.rules.management_rules`, in fold order), then ``others`` (e.g. the seeds).

    Used in an experiment as ``hydra.sweeper.params: ${sim_rule_factorial:{seed: "range(1,11)"}}``.
    """
    params = {f"regime.{rule}.enabled": "true,false" for rule in management_rules()}
    return params | {str(k): str(v) for k, v in (others or {}).items()}


def _checked_before_launch(self: Sweeper, batch: Any) -> None:
    """Skip Hydra's own check of a sweep batch: it composes every job's config in the launching
    process before any job starts (~75 ms a job with this schema: 30 s of idle workers for a
    400-run sweep), and :func:`check_overrides` has already checked every value against the schema."""


def prepare_hydra() -> None:
    """What the command-line entry points change in Hydra for their own process, and only there.

    The run schema is offered to Hydra (:func:`sim.config.packaged.store_schema`), the sweep batch
    check is skipped (:func:`_checked_before_launch`: the overrides were checked first), the
    ``sim_run_id`` resolver names sweep folders and the rule-factorial resolver expands
    ``rule_decomposition``'s sweep. Importing this module changes nothing.
    """
    store_schema()
    Sweeper.validate_batch_is_legal = _checked_before_launch
    if not OmegaConf.has_resolver("sim_run_id"):
        OmegaConf.register_new_resolver("sim_run_id", resolver_run_id)
    if not OmegaConf.has_resolver(FACTORIAL_RESOLVER):
        OmegaConf.register_new_resolver(FACTORIAL_RESOLVER, rule_factorial)


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


def config_folder(entry: str) -> Path | None:
    """The folder a Hydra search-path entry names (``file:///abs/path``, ``pkg://package``, a plain path)."""
    scheme, sep, rest = str(entry).partition("://")
    if not sep:
        return Path(entry)
    if scheme == "file":
        return Path(rest)
    if scheme == "pkg":
        try:
            return Path(str(importlib.resources.files(rest.replace("/", "."))))
        except (ModuleNotFoundError, TypeError):
            return None
    return None


def search_folders(args: list[str], overrides: list[Any]) -> list[Path]:
    """Config folders the command line adds to Hydra's search path (``hydra.searchpath``, ``--config-dir``)."""
    entries = [value for ov in overrides if ov.key_or_group == "hydra.searchpath" for value in ov.value()]
    for flag, value in itertools.pairwise(args):
        if flag in ("-cd", "--config-dir"):
            entries.append(value)
    entries += [a.partition("=")[2] for a in args if a.startswith("--config-dir=")]
    return [folder for folder in map(config_folder, entries) if folder is not None]


def check_overrides(args: list[str]) -> None:
    """Validate command-line overrides against the schema before Hydra runs.

    Options of the config groups are those of ``conf/`` and of any config folder the
    command line adds to Hydra's search path (a researcher's own ``regime/myregime.yaml``).
    """
    overrides = OverridesParser.create().parse_overrides(override_args(args))
    folders = search_folders(args, overrides)
    for ov in overrides:
        key = ov.key_or_group
        if key.startswith("hydra") or ov.is_delete():
            continue
        values = sweep_values(ov)
        if key in GROUPS and not values and ov.is_discrete_sweep():
            raise ConfigError(f"{key}={ov.input_line.partition('=')[2]}: matches no {key}; "
                              f"allowed: {', '.join(group_options(key, folders))}")
        for value in values:
            if key in GROUPS:
                check_option(key, value, folders)
            else:
                check_key(key, value)


def _remove_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    from sim.outputs.runner import run_in_store

    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        sim_cfg = config_from_dict(OmegaConf.to_container(cfg, resolve=True))
    except ConfigError as err:
        _remove_if_empty(out)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    label = f"{sim_cfg.scenario.name} / {sim_cfg.regime.name} / seed {sim_cfg.seed}"
    status, summary, err = run_in_store(sim_cfg, out, lambda reason: print(f"sidl-sim: {label}: re-running ({reason})"))
    if status == "kept":
        print(f"sidl-sim: {label}: finished before, kept -> {out}")
        return
    sweeping = HydraConfig.get().mode == RunMode.MULTIRUN
    if err is not None:
        print(f"error: run failed ({label}) -> {out / 'error.json'}: {type(err).__name__}: {err}", file=sys.stderr)
        if sweeping:
            return  # the sweep goes on; the failure is reported with its config
        raise err
    print(f"sidl-sim: {label} -> {out}")
    if not sweeping:
        for key in HEADLINE:
            print(f"  {key:<28} {summary[key]:10.3f}")


def cli() -> None:
    prepare_hydra()
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
