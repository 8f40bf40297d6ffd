"""The Python API: configure, run_one, run_many, compare, and SIDLModel from keyword arguments."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

import sim
import sim.rules
from sim.analysis import stats
from sim.analysis.collect import collect
from sim.apps.cli import check_overrides
from sim.config.packaged import CONF_DIR, group_options, store_schema
from sim.config.validate import config_from_dict
from sim.outputs.files import CONTRACT_FILES
from sim.outputs.store import run_dir_name, run_id

ROOT = Path(__file__).parent.parent
SMALL = {"scenario.days": 30}


def hydra_config(*overrides: str) -> sim.SimConfig:
    """The config ``python -m sim.run <overrides>`` runs, composed by Hydra from the same conf/."""
    from hydra import compose, initialize_config_dir

    store_schema()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides))
    return config_from_dict(OmegaConf.to_container(cfg, resolve=True))


# -- configure ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", group_options("scenario"))
@pytest.mark.parametrize("regime", group_options("regime"))
def test_configure_equals_the_cli_config_for_every_scenario_and_regime(scenario, regime):
    assert sim.configure(scenario, regime, 7) == hydra_config(f"scenario={scenario}", f"regime={regime}", "seed=7")


def test_configure_with_dotted_overrides_equals_cli_cfg_job():
    cli = ["scenario=classroom", "regime=npm", "seed=3", "scenario.days=730", "model.talk.talk_share=0.4",
           "regime.car_ban.enabled=false", "regime.rotation.any_worker_share=0.2"]
    res = subprocess.run([sys.executable, "-m", "sim.run", *cli, "--cfg", "job"], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    printed = config_from_dict(OmegaConf.to_container(OmegaConf.create(res.stdout), resolve=True))
    ours = sim.configure("classroom", "npm", 3, {"scenario.days": 730, "model.talk.talk_share": 0.4,
                                                  "regime.car_ban.enabled": False,
                                                  "regime.rotation.any_worker_share": 0.2})
    assert ours == printed
    assert ours.scenario.days == 730 and ours.model.talk.talk_share == 0.4 and not ours.regime.car_ban.enabled
    assert ours.regime.rigid_plan.enabled and ours.regime.name == "npm"


def test_a_group_of_keys_as_one_override():
    cfg = sim.configure("classroom", overrides={"regime.car_ban": {"enabled": True, "travel_factor": 4}})
    assert cfg.regime.car_ban.enabled and cfg.regime.car_ban.travel_factor == 4.0


@pytest.mark.parametrize(("kwargs", "cli"), [
    ({"regime": "npmm"}, ["regime=npmm"]),
    ({"scenario": "town"}, ["scenario=town"]),
    ({"overrides": {"scenario.days": 0}}, ["scenario.days=0"]),
    ({"overrides": {"model.talk.talk_share": 2.0}}, ["model.talk.talk_share=2.0"]),
    ({"overrides": {"model.talk.chatter": 1}}, ["model.talk.chatter=1"]),
    ({"overrides": {"model.tlk.talk_share": 0.3}}, ["model.tlk.talk_share=0.3"]),
    ({"overrides": {"regime.no_support.enabled": "maybe"}}, ["regime.no_support.enabled=maybe"]),
    ({"overrides": {"scenario.n_users": 2.5}}, ["scenario.n_users=2.5"]),
    ({"seed": -1}, ["seed=-1"]),
])
def test_bad_input_gives_the_cli_message(kwargs, cli):
    with pytest.raises(sim.ConfigError) as ours:
        sim.configure(**kwargs)
    with pytest.raises(sim.ConfigError) as theirs:
        check_overrides(cli)
    assert str(ours.value) == str(theirs.value)
    assert isinstance(ours.value, ValueError)


def test_unknown_regime_message_names_every_regime():
    with pytest.raises(sim.ConfigError, match=r"^regime=npmm: unknown regime; allowed: car_ban, in_home_only, "):
        sim.configure(regime="npmm")


def test_cross_checks_apply():
    with pytest.raises(sim.ConfigError, match="hours_per_week_min"):
        sim.configure(overrides={"model.organisation.hours_per_week_mean": 0.5})


def test_a_group_name_in_overrides_is_refused():
    with pytest.raises(sim.ConfigError, match=r"regime='npm': a config group"):
        sim.configure(overrides={"regime": "npm"})


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["np", "pandas"]), days=st.integers(1, 36_500),
       share=st.floats(0, 1, allow_nan=False), enabled=st.booleans(), seed=st.integers(0, 2**63 - 1))
def test_numpy_and_pandas_values_are_accepted_as_python_values(kind, days, share, enabled, seed):
    if kind == "np":
        values = (np.int64(days), np.float64(share), np.bool_(enabled), np.uint64(seed))
    else:
        row = pd.DataFrame({"d": pd.array([days], dtype="Int64"), "s": [share],
                            "e": pd.array([enabled], dtype="boolean"), "seed": [seed]}).iloc[0]
        values = (row["d"], row["s"], row["e"], row["seed"])
    cfg = sim.configure("classroom", seed=values[3], overrides={
        "scenario.days": values[0], "model.talk.talk_share": values[1], "regime.car_ban.enabled": values[2]})
    plain = sim.configure("classroom", seed=seed, overrides={
        "scenario.days": days, "model.talk.talk_share": share, "regime.car_ban.enabled": enabled})
    assert cfg == plain
    assert type(cfg.scenario.days) is int and type(cfg.model.talk.talk_share) is float
    assert type(cfg.regime.car_ban.enabled) is bool and type(cfg.seed) is int


def test_numpy_values_are_still_range_checked():
    with pytest.raises(sim.ConfigError, match=r"model\.talk\.talk_share=2\.0: must be in \[0, 1\]"):
        sim.configure(overrides={"model.talk.talk_share": np.float64(2.0)})
    with pytest.raises(sim.ConfigError, match=r"scenario\.days=2\.5: must be a whole number"):
        sim.configure(overrides={"scenario.days": np.float64(2.5)})


class NoVisitsAtAll(sim.rules.Rule):
    """A rule of one's own for the test: no visit ever takes place."""

    name = "no_visits_at_all"

    def visits_today(self, view, due: np.ndarray) -> np.ndarray:
        return np.zeros_like(due)


def test_extra_rules_reach_the_config_the_run_and_its_id():
    plain = sim.configure("classroom", overrides=SMALL)
    cfg = sim.configure("classroom", extra_rules=[NoVisitsAtAll], overrides=SMALL)
    assert [dict(r) for r in cfg.regime.extra_rules] == [sim.rules.plugin_spec(NoVisitsAtAll)]
    assert sim.configure("classroom", extra_rules=[NoVisitsAtAll()], overrides=SMALL) == cfg  # class or instance
    assert run_id(cfg) != run_id(plain)
    summary = sim.run_one(cfg).summary
    assert summary["rules"] == "no_visits_at_all" and summary["visits_per_user_week"] == 0


# -- run_one -------------------------------------------------------------------------------------------------------
def test_run_one_without_out_writes_nothing(tmp_path):
    work, tmp = tmp_path / "work", tmp_path / "tmp"
    work.mkdir(), tmp.mkdir()
    code = ("import sys, sim; r = sim.run_one(sim.configure('classroom', overrides={'scenario.days': 20})); "
            "print(len(r.timeseries), len(r.users), len(r.visits) > 0, r.summary['days'], 'hydra' in sys.modules)")
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["21", "12", "True", "20", "False"]  # and no Hydra imported
    assert list(work.iterdir()) == [] and list(tmp.iterdir()) == []


def test_run_one_with_out_writes_what_the_cli_writes(tmp_path):
    args = {"scenario.days": 40}
    subprocess.run([sys.executable, "-m", "sim.run", "scenario=classroom", "regime=npm", "seed=2", "scenario.days=40",
                    f"hydra.run.dir={tmp_path / 'cli'}"], cwd=ROOT, check=True, capture_output=True)
    result = sim.run_one(sim.configure("classroom", "npm", 2, args), out=tmp_path / "api")
    for name in CONTRACT_FILES:
        a, b = (tmp_path / "cli" / name), (tmp_path / "api" / name)
        if name == "run.json":
            ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
            assert ra.pop("wall_seconds") > 0 and rb.pop("wall_seconds") > 0 and ra == rb
        else:
            assert a.read_bytes() == b.read_bytes(), name
    assert result.summary == json.loads((tmp_path / "api" / "summary.json").read_text())
    assert result.timeseries.equals(pd.read_parquet(tmp_path / "api" / "timeseries.parquet"))
    assert result.users.equals(pd.read_parquet(tmp_path / "api" / "users.parquet"))
    assert result.visits.equals(pd.read_parquet(tmp_path / "api" / "visits.parquet"))
    assert result.config == sim.configure("classroom", "npm", 2, args)


# -- run_many ------------------------------------------------------------------------------------------------------
def grid() -> list[sim.SimConfig]:
    return [sim.configure("classroom", regime, seed, SMALL) for regime in ("trust_based", "npm", "car_ban")
            for seed in (1, 2, 3)]


@pytest.fixture(scope="module")
def parallel_runs():
    return sim.run_many(grid(), n_jobs=2, progress=False)


def test_run_many_in_parallel_equals_serial(parallel_runs):
    serial = sim.run_many(grid(), n_jobs=1, progress=False)
    assert parallel_runs.drop(columns="wall_seconds").equals(serial.drop(columns="wall_seconds"))
    assert list(parallel_runs["seed"]) == [c.seed for c in grid()]  # one row per config, in order
    one = sim.run_one(grid()[4]).summary
    row = parallel_runs.iloc[4]
    assert all(row[k] == v for k, v in one.items())


def test_run_many_with_store_resumes_and_matches_runs_parquet(tmp_path, parallel_runs, capsys):
    store = tmp_path / "store"
    configs = grid()
    first = sim.run_many(configs[:4], n_jobs=2, store=store)
    assert "sweep: 4/4 runs done (0 failed)" in capsys.readouterr().out
    before = {p: p.stat().st_mtime_ns for p in store.glob("*/summary.json")}
    assert sorted(p.parent.name for p in before) == sorted(run_dir_name(c) for c in configs[:4])
    runs = sim.run_many(configs, n_jobs=2, store=store)
    assert "sweep: 9/9 runs done (0 failed)" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in before} == before  # kept, not run again
    assert runs.drop(columns="wall_seconds").equals(parallel_runs.drop(columns="wall_seconds"))
    assert runs.iloc[:4].drop(columns="wall_seconds").equals(first.drop(columns="wall_seconds"))
    collect(store)
    table = pd.read_parquet(store / "runs.parquet")
    assert list(table.columns) == list(runs.columns)
    ordered = runs.sort_values(["regime", "seed", "run_id"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(table, ordered, check_dtype=False)


def test_run_many_failures_are_listed_and_the_others_go_on(tmp_path):
    bad = sim.configure("classroom", seed=9, overrides=SMALL)
    bad.model.talk.talk_share = 2.0  # out of range, set past validation: the run itself refuses it
    good = grid()[:2]
    for store in (None, tmp_path / "store"):
        runs = sim.run_many([good[0], bad, good[1]], n_jobs=2, store=store, progress=False)
        assert list(runs["seed"]) == [1, 2]
        failures = runs.attrs["failures"]
        assert list(failures.columns) == ["run_dir", "run_id", "regime", "seed", "error"]
        assert failures["seed"].tolist() == [9] and "talk_share=2.0" in failures["error"].iloc[0]
    assert (tmp_path / "store" / run_dir_name(bad) / "error.json").exists()


def test_run_many_refuses_what_is_not_a_config():
    with pytest.raises(sim.ConfigError, match="not a SimConfig"):
        sim.run_many([{"scenario": "classroom"}], progress=False)


# -- compare -------------------------------------------------------------------------------------------------------
def test_compare_gives_the_reports_numbers(parallel_runs):
    effects = sim.compare(parallel_runs)
    pd.testing.assert_frame_equal(effects, stats.headline(parallel_runs, "trust_based"))
    assert set(effects["regime"]) == {"npm", "car_ban"} and (effects["n"] == 3).all()
    npm = effects[(effects["regime"] == "npm") & (effects["outcome"] == "wellbeing_mean_end")].iloc[0]
    by_seed = parallel_runs.set_index(["regime", "seed"])["wellbeing_mean_end"]
    assert npm["diff"] == pytest.approx((by_seed["npm"] - by_seed["trust_based"]).mean())
    one = sim.compare(parallel_runs, "npm", ["continuity"])
    assert set(one["outcome"]) == {"continuity"} and set(one["regime"]) == {"trust_based", "car_ban"}


def test_compare_names_what_is_allowed(parallel_runs):
    with pytest.raises(sim.ConfigError, match="baseline=nope: not a regime of these runs; allowed: car_ban, npm"):
        sim.compare(parallel_runs, "nope")
    with pytest.raises(sim.ConfigError, match="outcomes=lonely: not a column"):
        sim.compare(parallel_runs, outcomes=["lonely"])


# -- SIDLModel -----------------------------------------------------------------------------------------------------
def test_model_validates_its_config():
    cfg = sim.configure("classroom")
    bad = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, talk=dataclasses.replace(cfg.model.talk,
                                                                                                 talk_share=2.0)))
    with pytest.raises(sim.ConfigError, match=r"model\.talk\.talk_share=2\.0"):
        sim.SIDLModel(bad)
    with pytest.raises(sim.ConfigError, match=r"model\.talk\.talk_share=2\.0"):
        sim.SIDLModel(scenario="classroom", model__talk__talk_share=2.0)
    with pytest.raises(TypeError):
        sim.SIDLModel(cfg, seed=3)


def test_model_from_keywords_equals_model_from_configure():
    m = sim.SIDLModel(scenario="classroom", regime="npm", seed=3, scenario__days=25, model__talk__talk_share=0.4)
    assert m.cfg == sim.configure("classroom", "npm", 3, {"scenario.days": 25, "model.talk.talk_share": 0.4})
    dotted = sim.SIDLModel(scenario="classroom", seed=3, **{"scenario.days": 25})
    assert dotted.cfg.scenario.days == 25
    assert sim.SIDLModel(scenario="classroom", rng=3, scenario__days=25).cfg.seed == 3


def test_run_model_ends_at_the_horizon():
    m = sim.SIDLModel(scenario="classroom", seed=1, scenario__days=20)
    assert m.running
    m.run_model()
    assert not m.running and m.day == 20 and m.steps == 20
    ref = sim.run_one(sim.configure("classroom", seed=1, overrides={"scenario.days": 20}))
    assert m.datacollector.get_model_vars_dataframe().equals(ref.timeseries.drop(columns="day"))


def test_mesa_batch_run_gives_real_replicates():
    from mesa.batchrunner import batch_run

    params = {"scenario": "classroom", "scenario__days": 15, "regime": ["trust_based", "npm"]}
    rows = pd.DataFrame(batch_run(sim.SIDLModel, params, iterations=3, max_steps=1000, display_progress=False))
    assert len(rows) == 6 and set(rows["Step"]) == {14}
    for _, group in rows.groupby("regime"):
        assert group["loneliness_mean"].nunique() == 3  # fresh seed each replicate
    seeded = pd.DataFrame(batch_run(sim.SIDLModel, {**params, "seed": [1, 2]}, iterations=2, display_progress=False))
    again = seeded.groupby(["regime", "seed"])["wellbeing_mean"].nunique()
    assert (again == 1).all() and seeded.groupby("regime")["wellbeing_mean"].nunique().eq(2).all()
