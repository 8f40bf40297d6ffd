"""Morris screening of the estimated parameters (``python -m sim.sweep sensitivity``).

Reads the ``morris:`` section of ``experiments/sensitivity.yaml``: parameter
ranges, trajectories, regimes. SALib draws the Morris sample; every sample
point runs each regime with the same seed (paired), through the same results
store as any sweep (content-hashed run folders, finished runs kept, failures
recorded), in parallel with joblib. The elementary effects are computed for
each regime's outcomes and for the paired difference npm - trust_based, and
written to ``morris.parquet``; the report states in how many sample points
the ranking of the regimes holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed
from omegaconf import OmegaConf
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from sim.config.compose import merge, option
from sim.config.packaged import group_options
from sim.config.validate import ConfigError, config_from_dict, leaf_field, nested
from sim.outputs import outcomes
from sim.outputs.files import write_json, write_parquet
from sim.outputs.store import NOT_RUN, run_id, why_unfinished


def problem(spec: dict) -> dict:
    names = list(spec["parameters"])
    for name in names:
        if leaf_field(name) is None:
            raise ConfigError(f"morris.parameters.{name}: unknown key")
    return {"num_vars": len(names), "names": names, "bounds": [list(map(float, spec["parameters"][n])) for n in names]}


def check_choices(spec: dict) -> None:
    """Regimes from ``conf/regime/`` and outputs among the declared ``summary.json`` outcomes, before any run."""
    for key, allowed in (("regimes", group_options("regime")), ("outputs", outcomes.names())):
        for value in spec[key]:
            if value not in allowed:
                raise ConfigError(f"morris.{key}={value}: unknown; allowed: {', '.join(allowed)}")


def point_config(spec: dict, regime: str, values: dict[str, float]) -> dict:
    cfg = merge(spec.get("base", {}), {"regime": option("regime", regime), "seed": spec["seed"]})
    typed = {}
    for k, v in values.items():
        typ, _ = leaf_field(k)
        typed[k] = int(round(v)) if typ is int else float(v)
    return merge(cfg, nested(typed))


def run_point(cfg_dict: dict, folder: Path) -> str:
    """``kept``, ``done`` or ``failed`` (recorded in the folder; the screening goes on)."""
    from sim.outputs.runner import run_in_store

    status, _, _ = run_in_store(config_from_dict(cfg_dict), folder)
    return status


def main(spec_path: Path, overrides: list[str]) -> Path:
    spec = OmegaConf.to_container(OmegaConf.load(spec_path))["morris"]
    for text in overrides:
        key, _, value = text.partition("=")
        spec[key.removeprefix("morris.")] = OmegaConf.to_container(OmegaConf.create(f"v: {value}"))["v"]
    check_choices(spec)
    prob = problem(spec)
    sample = morris_sample.sample(prob, N=int(spec["trajectories"]), num_levels=int(spec["levels"]),
                                  seed=int(spec["sample_seed"]))
    sweep_dir = Path(spec["sweep_dir"])
    jobs = []
    for i, row in enumerate(sample):
        values = dict(zip(prob["names"], row, strict=True))
        for regime in spec["regimes"]:
            cfg = point_config(spec, regime, values)
            rid = run_id(config_from_dict(cfg))
            jobs.append((i, regime, cfg, sweep_dir / f"{regime}_point={i}_{rid}", rid))
    print(f"sensitivity: {len(sample)} points x {len(spec['regimes'])} regimes = {len(jobs)} runs in {sweep_dir}")
    todo = []
    for _, _, cfg, folder, rid in jobs:
        reason = why_unfinished(folder, rid)
        if reason is not None:
            todo.append((cfg, folder))
        if reason not in (None, NOT_RUN):
            print(f"sensitivity: {folder.name}: re-running ({reason})")
    ran = Parallel(n_jobs=-1, verbose=5)(delayed(run_point)(cfg, folder) for cfg, folder in todo)
    outcome = dict(zip((folder for _, folder in todo), ran, strict=True))
    status = [outcome.get(folder, "kept") for _, _, _, folder, _ in jobs]
    print(f"sensitivity: {status.count('done')} run, {status.count('kept')} kept, {status.count('failed')} failed")
    rows = []
    for (i, regime, _, folder, _), st in zip(jobs, status, strict=True):
        if st != "failed":
            summary = json.loads((folder / "summary.json").read_text())
            rows.append({"point": i, "regime": regime, **{o: summary[o] for o in spec["outputs"]}})
    table = pd.DataFrame(rows).pivot(index="point", columns="regime")
    indices = []
    a, b = spec["regimes"][0], spec["regimes"][-1]
    for out in spec["outputs"]:
        targets = {f"{out} ({r})": table[(out, r)] for r in spec["regimes"]}
        targets[f"{out} ({b} - {a})"] = table[(out, b)] - table[(out, a)]
        for label, y in targets.items():
            if y.isna().any():
                continue
            res = morris_analyze.analyze(prob, sample, y.to_numpy(), num_levels=int(spec["levels"]))
            for name, mu_star, sigma, conf in zip(res["names"], res["mu_star"], res["sigma"], res["mu_star_conf"],
                                                  strict=True):
                indices.append({"outcome": label, "parameter": name, "mu_star": float(mu_star),
                                "sigma": float(sigma), "mu_star_conf": float(conf)})
    write_parquet(sweep_dir / "morris.parquet", pd.DataFrame(indices))
    lonelier = (table[("loneliness_mean_end", b)] > table[("loneliness_mean_end", a)]).mean()
    worse = (table[("wellbeing_mean_end", b)] < table[("wellbeing_mean_end", a)]).mean()
    write_json(sweep_dir / "ranking.json", {"points": int(len(table)), "regimes": [a, b],
               "share_points_lonelier": float(lonelier), "share_points_lower_wellbeing": float(worse)})
    print(f"sensitivity: {b} lonelier than {a} in {lonelier:.0%} of points, lower wellbeing in {worse:.0%}")
    return sweep_dir


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]), sys.argv[2:])
