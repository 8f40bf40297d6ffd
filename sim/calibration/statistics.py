"""The statistics the empirical targets compare with the evidence, each a named function of simulated runs.

A run is kept as a :class:`Sample`: its :class:`sim.outputs.runner.RunResult` (summary and tables) plus
what the contract's files do not hold and the targets need — each user's state at a few checkpoint days
(the start, 12 months, the end), each user's network at referral and how many workers left.
:func:`observe` runs a config and keeps its sample.

Every statistic takes one seed's samples by regime (``runs["trust_based"]``) and keyword arguments
from the target table (:mod:`sim.calibration.targets`), and returns one number; the runner averages it
over seeds. Scales are those of the output contract: UCLA-3 points for loneliness, WEMWBS points for
wellbeing. A "baseline SD" is the SD between users at the start of the run (day 0, the referral).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config.schema import SimConfig
from sim.model import dynamics, reporters
from sim.model.model import SIDLModel
from sim.outputs.runner import RunResult, timeseries_frame, users_frame
from sim.outputs.summary import summarise
from sim.world.population import FRIEND

#: Per-user columns of a checkpoint (:func:`user_state`).
STATE_COLUMNS = ("loneliness", "wellbeing", "network_active", "landscape", "unmet_needs", "alliance")
YEAR = 365


@dataclass
class Sample:
    """One simulated run, reduced to what the statistics read.

    ``states[day]`` holds each user's state that day (columns :data:`STATE_COLUMNS`); ``network`` each
    user's ties at referral (``size``, ``friends``); ``leavers`` the workers who left during the run.
    """

    result: RunResult
    states: dict[int, pd.DataFrame]
    network: pd.DataFrame
    leavers: int

    @property
    def summary(self) -> dict:
        return self.result.summary

    def state(self, day: int) -> pd.DataFrame:
        if day not in self.states:
            raise KeyError(f"day {day} is not a checkpoint of this run (checkpoints: {sorted(self.states)})")
        return self.states[day]


def user_state(model: SIDLModel) -> pd.DataFrame:
    """Each user's state today: UCLA-3, WEMWBS, active ties, places usable alone, unmet needs, alliance."""
    s = model.users_state
    return pd.DataFrame({
        "loneliness": reporters.ucla3(s.loneliness), "wellbeing": reporters.wemwbs(s.wellbeing),
        "network_active": dynamics.active_ties(s, model.params), "landscape": reporters.landscape_size(model),
        "unmet_needs": s.needs.sum(axis=1), "alliance": s.alliance.copy(),
    })


def network(model: SIDLModel) -> pd.DataFrame:
    """Each user's ties (any strength) and friends among them."""
    s = model.users_state
    owner = np.repeat(np.arange(s.n), np.diff(s.tie_start))
    return pd.DataFrame({"size": np.diff(s.tie_start),
                         "friends": np.bincount(owner[s.tie_kind == FRIEND], minlength=s.n)})


def observe(cfg: SimConfig, checkpoints: Iterable[int] = (YEAR,)) -> Sample:
    """Run ``cfg`` to its horizon, keeping each user's state at day 0, at ``checkpoints`` within it and at the end."""
    t0 = time.perf_counter()
    model = SIDLModel(cfg)
    days = cfg.scenario.days
    keep = {0, days} | {d for d in checkpoints if d <= days}
    states = {0: user_state(model)}
    net = network(model)
    leavers = 0
    for _ in range(days):
        workers = model.worker_uid.copy()
        model.step()
        leavers += int((model.worker_uid != workers).sum())
        if model.day in keep:
            states[model.day] = user_state(model)
    wall = time.perf_counter() - t0
    result = RunResult(model.cfg, summarise(model), timeseries_frame(model), users_frame(model),
                       model.events.frame(), wall)
    return Sample(result, states, net, leavers)


Runs = Mapping[str, Sample]
STATISTICS: dict[str, Callable[..., float]] = {}


def statistic(fn: Callable[..., float]) -> Callable[..., float]:
    """Register ``fn`` under its name, the name the target table gives as ``statistic``."""
    STATISTICS[fn.__name__] = fn
    return fn


def _baseline_sd(sample: Sample, column: str) -> float:
    return float(sample.state(0)[column].std(ddof=1))


@statistic
def start_mean(runs: Runs, regime: str, column: str) -> float:
    """Mean of a user state at referral (day 0)."""
    return float(runs[regime].state(0)[column].mean())


@statistic
def start_sd(runs: Runs, regime: str, column: str) -> float:
    """SD between users of a user state at referral."""
    return _baseline_sd(runs[regime], column)


@statistic
def start_share_lonely(runs: Runs, regime: str) -> float:
    """Share of users lonely at referral (UCLA-3 at or above the lonely threshold)."""
    return float((runs[regime].state(0)["loneliness"] >= reporters.LONELY_AT_UCLA3).mean())


@statistic
def network_mean(runs: Runs, regime: str, column: str) -> float:
    """Mean over users of their network at referral: ``size`` (people) or ``friends``."""
    return float(runs[regime].network[column].mean())


@statistic
def share_without_friends(runs: Runs, regime: str) -> float:
    """Share of users with no friend among their ties at referral."""
    return float((runs[regime].network["friends"] == 0).mean())


@statistic
def summary_value(runs: Runs, regime: str, key: str, scale: float = 1.0) -> float:
    """A ``summary.json`` outcome times ``scale`` (60 minutes -> hours: 1/60)."""
    return float(runs[regime].summary[key]) * scale


@statistic
def drift_sd(runs: Runs, regime: str, column: str, day: int) -> float:
    """Change of the users' mean from referral to ``day``, in baseline SDs between users."""
    sample = runs[regime]
    return float(sample.state(day)[column].mean() - sample.state(0)[column].mean()) / _baseline_sd(sample, column)


def _effect(runs: Runs, regime: str, baseline: str, column: str, day: int) -> float:
    return float(runs[regime].state(day)[column].mean() - runs[baseline].state(day)[column].mean())


@statistic
def effect_points(runs: Runs, regime: str, baseline: str, column: str, day: int) -> float:
    """Difference of user means at ``day`` between ``regime`` and ``baseline`` (same seed: same users), in points."""
    return _effect(runs, regime, baseline, column, day)


@statistic
def effect_sd(runs: Runs, regime: str, baseline: str, column: str, day: int) -> float:
    """:func:`effect_points` over the baseline SD between users: a user-level standardized effect."""
    return _effect(runs, regime, baseline, column, day) / _baseline_sd(runs[baseline], column)


@statistic
def effect_growth(runs: Runs, regime: str, baseline: str, column: str, early: int, late: int) -> float:
    """The effect at ``late`` as a multiple of the effect at ``early`` (1: it holds; above 1: it keeps growing)."""
    return _effect(runs, regime, baseline, column, late) / _effect(runs, regime, baseline, column, early)


@statistic
def share_changing(runs: Runs, regime: str, column: str, day: int, points: float) -> float:
    """Share of users whose state changed by at least ``points`` from referral to ``day`` (negative: fell)."""
    sample = runs[regime]
    change = sample.state(day)[column] - sample.state(0)[column]
    return float((change >= points).mean() if points >= 0 else (change <= points).mean())


@statistic
def alliance_change_r(runs: Runs, regime: str, column: str, day: int) -> float:
    """Correlation between users' alliance at ``day`` and their change in ``column`` from referral to ``day``."""
    sample = runs[regime]
    change = sample.state(day)[column] - sample.state(0)[column]
    return float(np.corrcoef(sample.state(day)["alliance"], change)[0, 1])


@statistic
def caseload(runs: Runs, regime: str) -> float:
    """Users per full-time worker."""
    summary = runs[regime].summary
    return summary["n_users"] / summary["n_workers"]


@statistic
def client_hours_per_worker_month(runs: Runs, regime: str) -> float:
    """Hours a worker spends with users per month: visit minutes per user-week x caseload."""
    per_user_week = runs[regime].summary["client_minutes_per_user_week"] / 60
    return per_user_week * caseload(runs, regime) * 365.25 / 12 / 7


@statistic
def turnover_per_year(runs: Runs, regime: str) -> float:
    """Share of the staff who leave per year."""
    sample = runs[regime]
    return sample.leavers / sample.summary["n_workers"] / (sample.summary["days"] / YEAR)


def _errand_minutes(sample: Sample) -> float:
    visits = sample.result.visits
    errands = visits[(visits["category"] == "errand") & (visits["provider"] == "sidl")]
    return float((errands["minutes"] + errands["travel_minutes"]).mean())


@statistic
def errand_slowdown(runs: Runs, regime: str, baseline: str) -> float:
    """Mean length of an errand with the worker (activity and round trip) under ``regime`` over ``baseline``."""
    return _errand_minutes(runs[regime]) / _errand_minutes(runs[baseline])
