"""Effect sizes comparable with trials: user-level SMDs, shares of important change, support minutes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import report, stats
from sim.model.model import SIDLModel
from sim.outputs.summary import important_change_shares, spread, summarise
from tests.conftest import make_cfg

SEEDS = range(5)


def users_of(seed: int, n: int = 50) -> np.ndarray:
    """A seed's users' start UCLA-3 scores with mean 6 and SD exactly 1 + 0.2 x seed."""
    z = np.random.default_rng(seed).normal(size=n)
    return 6.0 + (1.0 + 0.2 * seed) * (z - z.mean()) / z.std(ddof=1)


def synthetic_runs(shift: float) -> pd.DataFrame:
    """Paired runs of two regimes: the same users per seed; under ``npm`` every user ends ``shift`` points
    (plus a per-seed wobble) above where they end under ``trust_based``."""
    rows = []
    for seed in SEEDS:
        start = users_of(seed)
        ends = {"trust_based": start - 0.3, "npm": start - 0.3 + shift + 0.05 * (seed - 2)}
        for regime, end in ends.items():
            s = spread(start, end)
            rows.append({"seed": seed, "regime": regime, "n_users": start.size, "loneliness_mean_end": end.mean(),
                         "loneliness_sd_start": s["sd_start"], "plan_adherence": 0.5 + 0.1 * (regime == "npm")})
    return pd.DataFrame(rows)


def test_smd_users_is_the_difference_of_user_means_over_the_pooled_start_sd():
    eff = stats.paired_effects(synthetic_runs(0.6), "loneliness_mean_end").iloc[0]
    pooled = np.sqrt(np.mean([(1.0 + 0.2 * s) ** 2 for s in SEEDS]))  # equal users per run
    assert eff["diff"] == pytest.approx(0.6)  # the wobble averages out over seeds 0-4
    assert eff["baseline_sd"] == pytest.approx(pooled, rel=1e-12)
    assert 0.6 / pooled - 1e-9 <= eff["smd_users"] <= 0.6 / pooled + 1e-9
    assert eff["smd_low"] == pytest.approx(eff["ci_low"] / pooled) and eff["smd_high"] == pytest.approx(
        eff["ci_high"] / pooled)
    assert eff["smd_low"] < eff["smd_users"] < eff["smd_high"]
    wobble = 0.05 * (np.array(SEEDS) - 2.0)
    assert eff["d_z_seeds"] == pytest.approx(0.6 / wobble.std(ddof=1))  # large: seeds agree, not a big effect
    assert list(stats.paired_effects(synthetic_runs(0.6), "loneliness_mean_end").columns)[-1] == "d_z_seeds"


def test_smd_users_pools_by_users_and_is_nan_without_a_start_sd():
    runs = synthetic_runs(-0.4)
    runs.loc[runs["seed"] == 0, "n_users"] = 201  # seed 0 (SD 1) weighs 200 against 49 for each other seed
    eff = stats.paired_effects(runs, "loneliness_mean_end").iloc[0]
    pooled = np.sqrt((200 * 1.0 + 49 * sum((1.0 + 0.2 * s) ** 2 for s in SEEDS[1:])) / (200 + 4 * 49))
    assert eff["baseline_sd"] == pytest.approx(pooled, rel=1e-12)
    assert eff["smd_users"] == pytest.approx(-0.4 / pooled, rel=1e-9)
    kpi = stats.paired_effects(runs, "plan_adherence").iloc[0]
    assert kpi["diff"] == pytest.approx(0.1) and np.isnan(kpi[["baseline_sd", "smd_users", "smd_low",
                                                                "smd_high"]].astype(float)).all()
    assert stats.pooled_sd(np.array([1.0, 3.0])) == pytest.approx(np.sqrt(5.0))


def test_shares_of_important_change_count_three_points_each_way():
    start = np.full(8, 40.0)
    end = start + np.array([3.0, 2.99, 10.0, 0.0, -3.0, -2.99, -7.5, 1.0])
    gain, loss = important_change_shares(start, end)
    assert gain == 2 / 8 and loss == 2 / 8
    assert important_change_shares(start, start) == (0.0, 0.0)


def test_spread_gives_start_and_end_sd_and_the_standardized_change():
    start = users_of(3)
    s = spread(start, start * 2.0 - 6.0)  # the same mean, twice the spread
    assert s["sd_start"] == pytest.approx(1.6) and s["sd_end"] == pytest.approx(3.2)
    assert s["change_smd"] == pytest.approx(0.0, abs=1e-12)
    assert spread(start, start + 0.8)["change_smd"] == pytest.approx(0.5)


def test_summary_spreads_and_shares_are_those_of_the_users_table():
    result = sim.run_one(sim.configure("classroom", "trust_based", seed=2, overrides={"scenario.days": 120}))
    users, s = result.users, result.summary
    change = users["wellbeing_end"] - users["wellbeing_start"]
    for x in ("loneliness", "wellbeing"):
        assert s[f"{x}_sd_start"] == pytest.approx(users[f"{x}_start"].std(ddof=1))
        assert s[f"{x}_sd_end"] == pytest.approx(users[f"{x}_end"].std(ddof=1))
        assert s[f"{x}_change_smd"] == pytest.approx(
            (users[f"{x}_end"] - users[f"{x}_start"]).mean() / users[f"{x}_start"].std(ddof=1))
    assert s["share_wellbeing_gain_3"] == pytest.approx((change >= 3).mean())
    assert s["share_wellbeing_loss_3"] == pytest.approx((change <= -3).mean())
    assert 0 < s["share_wellbeing_gain_3"] + s["share_wellbeing_loss_3"] <= 1


def test_support_minutes_are_the_sum_of_their_parts(monkeypatch):
    sessions = []
    deliver = SIDLModel.provider_visits

    def counted(self, users, allowed, provider, minutes, g):
        sessions.append((provider, users.size, minutes))
        deliver(self, users, allowed, provider, minutes, g)

    monkeypatch.setattr(SIDLModel, "provider_visits", counted)
    m = SIDLModel(make_cfg(n_users=20, n_workers=3, days=90, regime__split_social__enabled=True,
                           regime__split_social__decision_days=10, regime__split_social__refusal_prob=0.0,
                           regime__split_social__activities_per_month=6.0,
                           regime__split_social__session_minutes=90))
    m.run()
    s = summarise(m)
    sidl = sum(m.minutes[k] for k in ("client", "travel_with_user", "travel_between", "documentation"))
    other = sum(v * minutes for provider, v, minutes in sessions if provider == "social_provider")
    assert other > 0 and sidl > 0 and m.minutes["admin"] > 0  # admin is paid but not support a user receives
    assert s["support_minutes_per_user_week"] == pytest.approx((sidl + other) * 7 / (20 * 90), rel=1e-12)
    assert s["support_minutes_per_user_week"] > s["worker_minutes_per_user_week"] == pytest.approx(
        sidl * 7 / (20 * 90), rel=1e-12)


def test_support_minutes_are_worker_minutes_without_another_provider():
    m = SIDLModel(make_cfg(n_users=20, n_workers=3, days=60))
    m.run()
    s = summarise(m)
    assert s["support_minutes_per_user_week"] == s["worker_minutes_per_user_week"] > 0
    none = SIDLModel(make_cfg(n_users=20, n_workers=3, days=60, regime__no_support__enabled=True))
    none.run()
    assert summarise(none)["support_minutes_per_user_week"] == 0.0


def test_report_labels_d_z_as_precision_and_shows_the_user_level_table():
    runs = synthetic_runs(0.6)
    eff = stats.headline(runs, "trust_based", stats.standardized_outcomes(runs))
    assert list(eff["outcome"]) == ["loneliness_mean_end"]
    table = report.md_table(report.with_d_z_label(eff[["regime", "smd_users", "d_z_seeds"]]))
    assert "| regime | smd_users | d_z over seeds (stochastic precision, not an effect size) |" in table
