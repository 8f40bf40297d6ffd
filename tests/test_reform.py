"""Reforms in mid-run (ODD §7.18): the switch, the way back, costs by period, bad input, the report section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import stats
from sim.analysis.report import write_report
from sim.config.validate import ConfigError
from sim.model.model import SIDLModel
from sim.model.reform import PHASES
from sim.outputs.store import run_id
from sim.outputs.summary import summarise

ROOT = Path(__file__).parent.parent
DAYS = 120
NO_FRIDAYS = {"_target_": "no_fridays.NoFridays", "weekday": 4}


def run(own: str = "trust_based", **reform) -> SIDLModel:
    """A classroom run of regime ``own``, with ``reform.<key>`` set from ``reform``."""
    overrides = {"scenario.days": DAYS, **{f"reform.{k}": v for k, v in reform.items()}}
    m = SIDLModel(sim.configure("classroom", own, seed=2, overrides=overrides))
    m.run()
    return m


def names(m: SIDLModel) -> tuple[str, ...]:
    return tuple(rule.name for rule in m.rules)


def series(m: SIDLModel) -> pd.DataFrame:
    return m.datacollector.get_model_vars_dataframe()


def test_before_the_reform_the_run_is_the_no_reform_run_and_after_it_differs():
    base, reformed = series(run()), series(run(regime="npm", day=40))
    same = reformed.drop(columns="regime_phase").iloc[:41]
    assert same.equals(base.drop(columns="regime_phase").iloc[:41])
    assert not reformed["wellbeing_mean"].iloc[41:].equals(base["wellbeing_mean"].iloc[41:])
    assert (reformed["regime_phase"].iloc[:41] == 0).all() and (reformed["regime_phase"].iloc[41:] == 1).all()


def test_the_switch_puts_the_reform_rules_in_force_and_the_back_day_restores_the_own_regime():
    m = SIDLModel(sim.configure("classroom", "trust_based", seed=2,
                                overrides={"scenario.days": DAYS, "reform.regime": "in_home_only", "reform.day": 30,
                                           "reform.back_day": 80}))
    m.run(30)
    assert names(m) == () and m.regime.name == "trust_based"
    m.run(1)
    assert names(m) == ("in_home_only",) and PHASES[m.phase] == "reform"
    m.run(50)
    assert names(m) == () and PHASES[m.phase] == "reversed"
    assert [(p.start, p.name) for p in m.periods] == [(0, "trust_based"), (30, "in_home_only"), (80, "trust_based")]
    m.run()
    events = m.events.frame()
    outside = events[(events["place"] != "home") & (events["provider"] == "sidl")]["day"]
    assert (outside < 30).any() and (outside >= 80).any()
    assert not ((outside >= 30) & (outside < 80)).any()  # work confined to the home while the reform is in force


def test_a_plugin_rule_works_as_a_reform(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "docs" / "examples"))
    m = SIDLModel(sim.configure("classroom", "trust_based", seed=2, overrides={
        "scenario.days": 60, "reform.regime": "trust_based", "reform.day": 28, "reform.extra_rules": [NO_FRIDAYS]}))
    m.run()
    assert names(m) == ("no_fridays",)
    visits = m.events.frame()
    fridays = visits[(visits["day"] % 7 == 4) & (visits["provider"] == "sidl")]["day"]
    assert (fridays < 28).any() and not (fridays >= 28).any()


def test_costs_follow_the_regime_in_force_period_by_period():
    c = sim.configure("classroom", "trust_based", seed=2).model.costs
    half = summarise(run(regime="npm", day=DAYS // 2))
    npm = summarise(run("npm"))
    assert npm["cost_systems_sek_per_user_year"] == pytest.approx(c.monitoring_system_sek_per_user_year)
    assert half["cost_systems_sek_per_user_year"] == pytest.approx(c.monitoring_system_sek_per_user_year / 2)
    gone = summarise(run(regime="no_support", day=DAYS // 2))
    staff = summarise(run())["cost_staff_sek_per_user_year"]
    assert 0.3 * staff < gone["cost_staff_sek_per_user_year"] < 0.7 * staff


@pytest.mark.parametrize(("overrides", "message"), [
    ({"reform.regime": "npmm", "reform.day": 10}, "reform.regime=npmm: unknown regime; allowed: null, car_ban"),
    ({"reform.regime": "npm", "reform.day": DAYS}, f"reform.day={DAYS}: must be in [1, {DAYS - 1}]"),
    ({"reform.regime": "npm"}, "reform.day: missing"),
    ({"reform.regime": "npm", "reform.day": 50, "reform.back_day": 40}, "reform.back_day=40: must be in [51, 119]"),
    ({"reform.regime": "npm", "reform.day": 0}, "reform.day=0: must be in [1, "),
])
def test_bad_reforms_are_refused_with_the_key_the_value_and_what_is_allowed(overrides, message):
    with pytest.raises(ConfigError) as err:
        sim.configure("classroom", "trust_based", overrides={"scenario.days": DAYS, **overrides})
    assert message in str(err.value)


def test_the_cli_refuses_a_reform_beyond_the_horizon_in_one_line_before_any_work(tmp_path):
    res = subprocess.run([sys.executable, "-m", "sim.run", "scenario=classroom", "reform.regime=npm",
                          "reform.day=5000", f"hydra.run.dir={tmp_path}/r"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0
    assert "reform.day=5000: must be in [1, 364]" in res.stderr and not (tmp_path / "r").exists()


def test_no_reform_keeps_the_run_id_and_a_reform_changes_it():
    plain = sim.configure("classroom", "trust_based")
    unused = sim.configure("classroom", "trust_based", overrides={"reform.day": 100})
    reformed = sim.configure("classroom", "trust_based", overrides={"reform.regime": "npm", "reform.day": 100})
    assert run_id(plain) == run_id(unused) != run_id(reformed)


@pytest.fixture(scope="module")
def reform_sweep(tmp_path_factory):
    store = tmp_path_factory.mktemp("reform_sweep")
    configs = [sim.configure("classroom", regime, seed, {"scenario.days": 90, "reform.regime": to, "reform.day": 30,
                                                         "reform.back_day": 60})
               for regime, to in (("trust_based", None), ("trust_based", "npm"), ("npm", None), ("npm", "npm"))
               for seed in (1, 2, 3)]
    sim.run_many(configs, n_jobs=1, store=str(store), progress=False)
    return store


def test_the_report_shows_each_reform_against_its_paired_no_reform_run(reform_sweep):
    report = write_report(reform_sweep).read_text()
    assert "## Reforms" in report and (reform_sweep / "figures" / "reform_trajectories.png").stat().st_size > 5000
    ts = pd.read_parquet(reform_sweep / "timeseries.parquet")
    diffs = stats.reform_differences(ts)
    assert set(zip(diffs["regime"], diffs["reform"], strict=True)) == {("trust_based", "npm")}  # npm->npm left out
    before = diffs[diffs["day"] <= 30]
    assert np.allclose(before["diff"], 0.0) and not np.allclose(diffs[diffs["day"] > 30]["diff"], 0.0)
    timing = stats.reform_timing(diffs, pd.read_parquet(reform_sweep / "runs.parquet"))
    assert set(timing["variable"]) == set(stats.REFORM_VARIABLES)
    assert (timing["reform_day"] == 30).all() and (timing["back_day"] == 60).all() and (timing["n"] == 3).all()
    well = timing[timing["variable"] == "wellbeing_mean"].iloc[0]
    assert well["diff"] < 0 and well["ci_high"] < 0  # NPM brought in lowers wellbeing by the reversal
    assert 0 < well["days_to_half"] <= 30


def test_timing_reads_half_life_off_a_known_curve():
    days = np.arange(0, 101)
    effect = np.where(days <= 20, 0.0, np.where(days <= 60, -(days - 20) / 10.0, -4.0 * np.exp(-(days - 60) / 10.0)))
    phase = np.where(days <= 20, 0, np.where(days <= 60, 1, 2))
    diffs = pd.DataFrame({"regime": "a", "reform": "b", "seed": 1, "day": days, "variable": "wellbeing_mean",
                          "diff": effect, "phase": phase})
    runs = pd.DataFrame({"regime": ["a"], "reform.regime": ["null"], "wellbeing_sd_start": [8.0], "n_users": [10]})
    row = stats.reform_timing(diffs, runs).iloc[0]
    assert row["reform_day"] == 20 and row["back_day"] == 60 and row["diff"] == pytest.approx(-4.0)
    assert row["days_to_half"] == 20 and row["days_to_fade_half"] == 7  # 4 e^{-t/10} < 2 first at t = 7
    assert row["smd_users"] == pytest.approx(-0.5)


def test_turnover_follows_the_discretion_of_the_rules_in_force():
    m = SIDLModel(sim.configure("classroom", "trust_based", seed=2, overrides={
        "scenario.days": 60, "reform.regime": "time_monitoring", "reform.day": 20,
        "model.organisation.turnover_discretion_effect": 1.0}))
    m.run(20)
    before = m._p_leave
    m.run(1)
    assert m._p_leave == pytest.approx(2 * before)
