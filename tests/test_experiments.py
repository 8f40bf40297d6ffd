"""Sweeps: results store, resume after a kill, failures, collect, statistics and the report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sstats

from sim.analysis import stats
from sim.analysis.collect import collect
from sim.config.validate import config_from_dict
from sim.outputs import outcomes
from sim.outputs.store import run_id

ROOT = Path(__file__).parent.parent
SMALL = ["scenario=classroom", "scenario.days=40"]


def sweep(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.run", "-m", *args], capture_output=True, text=True, cwd=ROOT,
                          **kw)


def summaries(folder: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text() for p in sorted(folder.glob("*/summary.json"))}


def test_sweep_folders_are_named_by_content_and_resume_skips_finished(tmp_path):
    out = tmp_path / "s"
    res = sweep(*SMALL, "regime=trust_based,no_support", "seed=1,2", f"hydra.sweep.dir={out}")
    assert res.returncode == 0, res.stderr
    first = summaries(out)
    assert len(first) == 4
    cfg = config_from_dict({"scenario": {"name": "classroom", "n_users": 12, "n_workers": 3, "days": 40},
                            "seed": 2})
    assert f"trust_based_seed=2_{run_id(cfg)}" in first
    mtimes = {p: p.stat().st_mtime_ns for p in out.glob("*/summary.json")}
    res = sweep(*SMALL, "regime=trust_based,no_support", "seed=1,2,3", f"hydra.sweep.dir={out}")
    assert res.returncode == 0 and res.stdout.count("finished before, kept") == 4
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())
    assert len(summaries(out)) == 6 and "sweep: 6/6 runs done" in res.stdout


def test_a_killed_sweep_loses_no_finished_run_and_completes_on_rerun(tmp_path):
    out = tmp_path / "k"
    args = [sys.executable, "-m", "sim.run", "-m", "scenario=classroom", "scenario.days=300", "hydra/launcher=basic",
            "seed=1,2,3,4,5,6,7,8", f"hydra.sweep.dir={out}"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while len(list(out.glob("*/summary.json"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = summaries(out)
    assert 2 <= len(done) < 8
    for name in done:  # every run that looks finished is complete and readable
        folder = out / name
        for f in ("config.yaml", "timeseries.parquet", "users.parquet", "visits.parquet", "run.json"):
            assert (folder / f).exists()
        pd.read_parquet(folder / "visits.parquet")
    res = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    after = summaries(out)
    assert len(after) == 8
    assert all(after[k] == v for k, v in done.items())
    assert res.stdout.count("finished before, kept") == len(done)


def test_a_failing_run_is_reported_and_the_others_finish(tmp_path):
    out = tmp_path / "f"
    cfg = config_from_dict({"scenario": {"name": "classroom", "n_users": 12, "n_workers": 3, "days": 40},
                            "seed": 2})
    blocked = out / f"trust_based_seed=2_{run_id(cfg)}" / "timeseries.parquet"
    blocked.mkdir(parents=True)  # a directory where a file must go: that run fails
    res = sweep(*SMALL, "seed=1,2,3", f"hydra.sweep.dir={out}")
    assert res.returncode == 0
    assert "run failed" in res.stderr and "1 failed" in res.stdout
    assert len(summaries(out)) == 2
    err = json.loads((blocked.parent / "error.json").read_text())
    assert err["config"]["seed"] == 2 and "Error" in err["error"]
    failures = pd.read_parquet(collect(out)["failures"])
    assert failures["seed"].tolist() == [2]


def test_collect_gives_one_row_per_run_with_swept_params_and_outcomes(tmp_path):
    out = tmp_path / "c"
    res = sweep(*SMALL, "regime=trust_based,car_ban", "model.talk.talk_share=0.1,0.4", "seed=1,2",
                f"hydra.sweep.dir={out}")
    assert res.returncode == 0, res.stderr
    paths = collect(out)
    runs = pd.read_parquet(paths["runs"])
    assert len(runs) == 8
    assert {"model.talk.talk_share", "regime.car_ban.enabled", "seed", "regime", "loneliness_mean_end",
            "plan_adherence"} <= set(runs.columns)
    assert set(runs["model.talk.talk_share"]) == {0.1, 0.4}
    ts = pd.read_parquet(paths["timeseries"])
    assert len(ts) == 8 * 41 * len(outcomes.TIMESERIES) and {"run_id", "day", "variable", "value"} <= set(ts.columns)
    eff = stats.paired_effects(runs, "loneliness_mean_end")
    assert set(eff["regime"]) == {"car_ban"} and (eff["n"] == 4).all()  # paired on seed x talk_share


def test_paired_effects_match_a_paired_t_test():
    rng = np.random.default_rng(1)
    base = rng.normal(6, 0.5, 12)
    runs = pd.DataFrame({"seed": np.tile(np.arange(12), 2), "regime": ["trust_based"] * 12 + ["npm"] * 12,
                         "y": np.concatenate([base, base + 0.4 + rng.normal(0, 0.1, 12)])})
    eff = stats.paired_effects(runs, "y").iloc[0]
    d = runs["y"][12:].to_numpy() - base
    lo, hi = sstats.t.interval(0.95, 11, loc=d.mean(), scale=sstats.sem(d))
    assert eff["diff"] == pytest.approx(d.mean()) and eff["ci_low"] == pytest.approx(lo)
    assert eff["ci_high"] == pytest.approx(hi) and eff["d_z_seeds"] == pytest.approx(d.mean() / d.std(ddof=1))
    assert eff["boot_low"] < d.mean() < eff["boot_high"]


def test_factorial_effects_recover_main_effects_and_interactions():
    rng = np.random.default_rng(2)
    grid = pd.MultiIndex.from_product([[False, True]] * 3 + [range(5)],
                                      names=["regime.car_ban.enabled", "regime.rotation.enabled",
                                             "regime.rigid_plan.enabled", "seed"]).to_frame(index=False)
    car, rot, rig = (np.where(grid[f"regime.{r}.enabled"], 1, 0) for r in ("car_ban", "rotation", "rigid_plan"))
    grid["y"] = 1.0 * car + 0.5 * rot + 0.3 * car * rot + rng.normal(0, 0.01, len(grid)) + 0 * rig
    eff = stats.factorial_effects(grid, "y").set_index("term")["effect"]
    assert eff["car_ban"] == pytest.approx(1.15, abs=0.02)  # 1.0 + half the interaction, averaged over rotation
    assert eff["rotation"] == pytest.approx(0.65, abs=0.02)
    assert eff["rigid_plan"] == pytest.approx(0.0, abs=0.02)
    assert eff["car_ban x rigid_plan"] == pytest.approx(0.0, abs=0.02)  # terms in the order of the columns
    assert eff["car_ban x rotation"] == pytest.approx(0.15, abs=0.02)


def test_sweep_command_writes_report_with_figures(tmp_path):
    out = tmp_path / "demo"
    res = subprocess.run([sys.executable, "-m", "sim.sweep", "demo", "scenario=classroom", "scenario.days=60",
                          "seed=1,2", "regime=trust_based,npm,no_support", f"hydra.sweep.dir={out}"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    report = (out / "report.md").read_text()
    for section in ("Headline", "What the organisation sees", "Heterogeneity", "Trajectories", "Software"):
        assert section in report
    for fig in ("forest", "kpi_vs_wellbeing", "trajectories", "heterogeneity"):
        assert (out / "figures" / f"{fig}.png").stat().st_size > 5000 and (out / "figures" / f"{fig}.svg").exists()
    assert "<table>" in (out / "report.html").read_text()


def test_sweep_rejects_bad_values_before_running(tmp_path):
    res = subprocess.run([sys.executable, "-m", "sim.sweep", "demo", "seed=1,-2", f"hydra.sweep.dir={tmp_path}/x"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "seed=-2" in res.stderr and not (tmp_path / "x").exists()
    res = subprocess.run([sys.executable, "-m", "sim.sweep", "nonsense"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and "regime_comparison" in res.stderr


@pytest.mark.parametrize(("override", "message"), [
    ("morris.outputs=[lonelyness_mean_end]", "morris.outputs=lonelyness_mean_end: unknown; allowed: regime, rules"),
    ("morris.regimes=[trust_based,npmm]", "morris.regimes=npmm: unknown; allowed: car_ban"),
])
def test_sensitivity_rejects_an_unknown_regime_or_outcome_before_running(tmp_path, override, message):
    res = subprocess.run([sys.executable, "-m", "sim.sweep", "sensitivity", override,
                          f"morris.sweep_dir={tmp_path}/x"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and message in res.stderr and not (tmp_path / "x").exists()


def test_every_screened_range_holds_the_default():
    """A Morris range that leaves out the model's default screens a different model from the one compared."""
    from omegaconf import OmegaConf

    from sim.config.packaged import EXPERIMENTS_DIR
    from sim.params.schema import ModelParams

    spec = OmegaConf.to_container(OmegaConf.load(EXPERIMENTS_DIR / "sensitivity.yaml"))
    defaults = OmegaConf.structured(ModelParams())
    for key, (low, high) in spec["morris"]["parameters"].items():
        value = OmegaConf.select(defaults, key.removeprefix("model."))
        assert low <= value <= high, f"{key}: default {value} outside [{low}, {high}]"
