"""``python -m sim.sweep <experiment> [overrides]``: run an experiment, then collect and report.

An experiment is a Hydra config in ``experiments/<experiment>.yaml`` (a
multirun: scenario, swept keys, sweep folder). This command checks the
sweep's values and the command-line overrides against the schema before
anything runs, launches the multirun (joblib on all cores by default;
``hydra/launcher=ray`` or ``hydra/launcher=submitit_slurm`` to scale out),
and then writes the tidy tables, figures and ``report.md``/``report.html``
into the sweep folder. Re-running the same command resumes: finished runs
are kept (:mod:`sim.outputs.store`).

Experiments name what they cover rather than list it, so a new rule or regime joins them
without an edit: ``regime: glob(*)`` sweeps every regime in ``conf/regime/``, and
``params: '${sim_rule_factorial:{seed: "range(1,11)"}}'`` is the full factorial over every
management rule (:func:`sim.apps.cli.rule_factorial`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from omegaconf import OmegaConf

from sim.config.packaged import EXPERIMENTS_DIR, experiment_names
from sim.config.validate import ConfigError


def sweep_plan(name: str, overrides: list[str]) -> tuple[Path, list[str]]:
    """The sweep folder and every override the sweep will apply (file first, command line last)."""
    path = EXPERIMENTS_DIR / f"{name}.yaml"
    if not path.exists():
        raise ConfigError(f"experiment={name}: unknown experiment; allowed: {', '.join(experiment_names())}")
    spec = OmegaConf.load(path)
    params = OmegaConf.select(spec, "hydra.sweeper.params") or {}  # resolved: a factorial lists its rules
    planned = [f"{k}={v}" for k, v in params.items()]
    sweep_dir = Path(str(OmegaConf.select(spec, "hydra.sweep.dir") or f"results/sweeps/{name}"))
    for text in overrides:
        key, _, value = text.partition("=")
        if key == "hydra.sweep.dir":
            sweep_dir = Path(value)
        planned.append(text)
    return sweep_dir, planned


def main(argv: list[str] | None = None) -> int:
    from sim.apps import cli as app

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        print(f"usage: python -m sim.sweep <experiment> [overrides]; experiments: {', '.join(experiment_names())}",
              file=sys.stderr)
        return 2
    name, overrides = argv[0], argv[1:]
    path = EXPERIMENTS_DIR / f"{name}.yaml"
    if path.exists() and "morris" in OmegaConf.load(path):
        from sim.analysis.report import write_report
        from sim.apps import sensitivity

        try:
            sweep_dir = sensitivity.main(path, overrides)
        except ConfigError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"report: {write_report(sweep_dir)}")
        return 0
    app.prepare_hydra()  # before the plan: a factorial's sweeper params are written with a resolver
    try:
        sweep_dir, planned = sweep_plan(name, overrides)
        app.check_overrides(planned)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    sys.argv = ["sim.apps.cli", "-cd", str(EXPERIMENTS_DIR), "-cn", name, *overrides]
    app.main()
    from sim.analysis.report import write_report

    report = write_report(sweep_dir)
    print(f"report: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
