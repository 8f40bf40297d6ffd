"""The Hydra app: output contract, and bad input rejected before any work."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config.packaged import group_options
from sim.outputs import outcomes

ROOT = Path(__file__).parent.parent

TIMESERIES = ["day", *(o.name for o in outcomes.TIMESERIES)]
USERS = ["user_id"] + [f"{x}_{w}" for x in ("loneliness", "wellbeing", "self_efficacy", "network_active", "landscape")
                       for w in ("start", "end")] + ["regular_worker_id", "n_distinct_workers", "in_service",
                                                      "referred_day"]
SERVICE_EVENTS = ["day", "event", "reason", "user_id", "worker_id", "minutes"]
VISITS = ["day", "user_id", "worker_id", "activity", "category", "place", "mode", "minutes", "travel_minutes",
          "planned", "together", "success", "provider"]
SUMMARY = [o.name for o in outcomes.SUMMARY]


def sim_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.run", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "trust"
    res = sim_run("scenario=classroom", "regime=trust_based", "seed=1", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    return out, res.stdout


def test_writes_every_file_and_column(classroom):
    out, stdout = classroom
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns) == TIMESERIES and len(ts) == 366 and ts["day"].tolist() == list(range(366))
    users = pd.read_parquet(out / "users.parquet")
    assert list(users.columns) == USERS and len(users) == 12
    visits = pd.read_parquet(out / "visits.parquet")
    assert list(visits.columns) == VISITS and len(visits) > 100
    assert list(pd.read_parquet(out / "service_events.parquet").columns) == SERVICE_EVENTS
    assert set(visits["category"].astype(str)) <= {"household", "errand", "service", "social", "talk",
                                                   "presence", "challenge"}
    assert set(visits["mode"].astype(str)) <= {"none", "walk", "transit", "car"}
    assert set(visits["provider"].astype(str)) == {"sidl"}
    assert visits["worker_id"].isin(users["regular_worker_id"]).all()
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary) == sorted(SUMMARY)
    assert 3 <= summary["loneliness_mean_end"] <= 9 and 14 <= summary["wellbeing_mean_end"] <= 70
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 1 and run["versions"]["mesa"].startswith("3.") and run["wall_seconds"] > 0
    assert "n_users: 12" in (out / "config.yaml").read_text()
    assert "loneliness_mean_end" in stdout
    assert not list(out.glob(".*.tmp"))


def test_outputs_agree_with_each_other(classroom):
    out, _ = classroom
    ts = pd.read_parquet(out / "timeseries.parquet")
    users = pd.read_parquet(out / "users.parquet")
    summary = json.loads((out / "summary.json").read_text())
    assert users["loneliness_end"].mean() == pytest.approx(ts["loneliness_mean"].iloc[-1])
    assert summary["share_lonely_start"] == pytest.approx((users["loneliness_start"] >= 6).mean())
    assert summary["wellbeing_mean_end"] == pytest.approx(users["wellbeing_end"].mean())


BAD = [
    ("scenario.n_users=-3", "scenario.n_users=-3", "in [1, 1000000]"),
    ("scenario.n_workers=0", "scenario.n_workers=0", "[1,"),
    ("scenario.days=0", "scenario.days=0", "[1,"),
    ("model.network.contact_rate=1.5", "model.network.contact_rate=1.5", "[0, 1]"),
    ("model.becoming.initiate_prob=-0.1", "model.becoming.initiate_prob=-0.1", "[0, 1]"),
    ("seed=abc", "seed='abc'", "whole number"),
    ("scenario.n_users=2.5", "scenario.n_users=2.5", "whole number"),
    ("model.daily.courage_mean=high", "model.daily.courage_mean='high'", "number"),
    ("regime.no_support.enabled=maybe", "regime.no_support.enabled='maybe'", "true or false"),
    ("scenario.n_user=5", "scenario.n_user: unknown key", "n_users"),
    ("model.talk.chatter=1", "model.talk.chatter: unknown key", "talk_share"),
    ("regime=nope", "regime=nope", "trust_based"),
    ("scenario=planet", "scenario=planet", "municipality"),
]


@pytest.mark.parametrize(("override", "names", "allowed"), BAD)
def test_bad_input_one_clear_message_and_no_files(tmp_path, override, names, allowed):
    out = tmp_path / "run"
    res = sim_run("scenario=classroom", override, f"hydra.run.dir={out}")
    assert res.returncode != 0
    lines = [ln for ln in res.stderr.strip().splitlines() if ln]
    assert len(lines) == 1, res.stderr
    assert names in lines[0] and allowed in lines[0], lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_multirun_sweep_values_are_checked_too(tmp_path):
    res = sim_run("-m", "scenario=classroom", "seed=1,2", "model.talk.talk_share=0.2,7",
                  f"hydra.sweep.dir={tmp_path / 'sweep'}")
    assert res.returncode == 2 and "model.talk.talk_share=7" in res.stderr
    assert not (tmp_path / "sweep").exists()


@pytest.mark.parametrize("regime", group_options("regime"))
def test_every_regime_runs_from_the_command_line(tmp_path, regime):
    out = tmp_path / regime
    res = sim_run("scenario=classroom", f"regime={regime}", "seed=1", "scenario.days=60", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["regime"] == regime


def test_rules_combine_on_the_command_line(tmp_path):
    out = tmp_path / "combo"
    res = sim_run("scenario=classroom", "scenario.days=60", "regime.name=car_ban+rotation",
                  "regime.car_ban.enabled=true", "regime.rotation.enabled=true",
                  "regime.rotation.any_worker_share=0.9", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    cfg = (out / "config.yaml").read_text()
    assert "any_worker_share: 0.9" in cfg
    visits = pd.read_parquet(out / "visits.parquet")
    assert (visits["mode"] != "car").all()
    users = pd.read_parquet(out / "users.parquet")
    assert users["n_distinct_workers"].mean() > 2
