"""Comparison statistics over a runs table: paired effects, factorial effects, heterogeneity.

Runs with the same seed (and the same values of every other swept
parameter) share their users, networks and daily draws (common random
numbers), so effects are paired differences within such groups. Confidence
intervals are given two ways: Student t on the paired differences and a
percentile bootstrap.

The effect size is user-level, as in a trial: ``smd_users`` is the mean paired
difference of user means over the SD between users at the start in the
reference runs (pooled over the pairs), so it reads like a trial's
standardized mean difference. ``d_z_seeds`` (mean paired difference / its SD
over seeds) measures how precisely the seeds pin a difference down, which
grows with the number of users; it is not an effect size.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.collect import NULL
from sim.outputs import outcomes as oc


def pair_keys(runs: pd.DataFrame, factor: str) -> list[str]:
    """Columns that identify a pair: seed and every swept parameter that is not the factor."""
    swept = [c for c in runs.columns if "." in c and runs[c].astype(str).nunique() > 1]
    return ["seed", *[c for c in swept if not c.startswith("regime.") and c != factor]]


def interval(diffs: np.ndarray, level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> dict[str, float]:
    n = diffs.size
    mean = float(diffs.mean()) if n else float("nan")
    sd = float(diffs.std(ddof=1)) if n > 1 else float("nan")
    se = sd / np.sqrt(n) if n > 1 else float("nan")
    t = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else float("nan")
    rng = np.random.default_rng(seed)
    boot = rng.choice(diffs, size=(n_boot, n), replace=True).mean(axis=1) if n > 1 else np.full(1, np.nan)
    lo, hi = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
    return {"n": n, "diff": mean, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se,
            "boot_low": float(lo), "boot_high": float(hi),
            "d_z_seeds": mean / sd if sd and sd > 0 else float("nan")}


def pooled_sd(sds: np.ndarray, n_users: np.ndarray | None = None) -> float:
    """SD between users pooled over runs: ``sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))`` (equal ``n_i`` if not given)."""
    sds = np.asarray(sds, dtype=float)
    dof = np.full(sds.size, 1.0) if n_users is None else np.asarray(n_users, dtype=float) - 1.0
    total = dof.sum()
    return float(np.sqrt((dof * sds**2).sum() / total)) if total > 0 else float("nan")


def standardized(effect: dict[str, float], sd: float) -> dict[str, float]:
    """The user-level standardized effect: the paired difference and its t interval over ``sd``."""
    ok = np.isfinite(sd) and sd > 0
    return {"baseline_sd": sd, **{name: effect[key] / sd if ok else float("nan")
                                  for name, key in (("smd_users", "diff"), ("smd_low", "ci_low"),
                                                    ("smd_high", "ci_high"))}}


def paired_effects(runs: pd.DataFrame, outcome: str, reference: str = "trust_based",
                   factor: str = "regime") -> pd.DataFrame:
    """Per level of ``factor``: mean paired difference of ``outcome`` vs the reference level, with CIs.

    For a mean of user scores with a declared SD between users at the start (``<x>_mean_end`` and
    ``<x>_sd_start``, :func:`sim.outputs.outcomes.sd_start_of`), also the user-level standardized effect:
    ``baseline_sd`` is that SD in the reference runs of the pairs, pooled (:func:`pooled_sd`, weighted by
    ``n_users``), and ``smd_users``, ``smd_low``, ``smd_high`` are the difference and its t interval over it;
    otherwise these are NaN. ``d_z_seeds`` is the seed-level d_z, last.
    """
    keys = pair_keys(runs, factor)
    wide = runs.pivot_table(index=keys, columns=factor, values=outcome, aggfunc="first")
    if reference not in wide.columns:
        return pd.DataFrame()
    sd_key = oc.sd_start_of(outcome)
    sd = _reference(runs, keys, factor, reference, sd_key) if sd_key in runs.columns else None
    n_users = _reference(runs, keys, factor, reference, "n_users") if "n_users" in runs.columns else None
    rows = []
    for level in wide.columns:
        if level == reference:
            continue
        both = wide[[reference, level]].dropna()
        d = (both[level] - both[reference]).to_numpy(dtype=float)
        effect = interval(d)
        pooled = (pooled_sd(sd.reindex(both.index), None if n_users is None else n_users.reindex(both.index))
                  if sd is not None else float("nan"))
        rows.append({factor: level, "outcome": outcome, "reference_mean": float(both[reference].mean()),
                     "mean": float(both[level].mean()), **effect, **standardized(effect, pooled)})
    frame = pd.DataFrame(rows)
    return frame[[c for c in frame.columns if c != "d_z_seeds"] + ["d_z_seeds"]] if rows else frame


def _reference(runs: pd.DataFrame, keys: list[str], factor: str, reference: str, column: str) -> pd.Series:
    """``column`` of the reference runs, indexed by the pair keys."""
    ref = runs[runs[factor] == reference]
    return ref.pivot_table(index=keys, values=column, aggfunc="first")[column]


def headline(runs: pd.DataFrame, reference: str = "trust_based", outcomes=oc.HEADLINE) -> pd.DataFrame:
    frames = [paired_effects(runs, o, reference) for o in outcomes if o in runs.columns]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def factorial_effects(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Main effects and two-way interactions of the rules in a 2^k factorial sweep (OLS, +-1 coding).

    An effect is the change in ``outcome`` from switching the rule on, averaged
    over all other rules (twice the coded coefficient); an interaction is how
    much the effect of one rule changes when the other is on. The factors are
    the rule switches (``regime.<rule>.enabled``) that vary across the runs.
    """
    factors = [c for c in runs.columns if c.startswith("regime.") and c.endswith(".enabled")
               and runs[c].nunique() > 1]
    if not factors or runs[factors].drop_duplicates().shape[0] < 2 ** len(factors):
        return pd.DataFrame()  # not a full factorial design
    x = {f.split(".")[1]: np.where(runs[f].astype(bool), 1.0, -1.0) for f in factors}
    terms = dict(x)
    for a, b in combinations(x, 2):
        terms[f"{a} x {b}"] = x[a] * x[b]
    names = list(terms)
    design = np.column_stack([np.ones(len(runs)), *terms.values()])
    y = runs[outcome].to_numpy(dtype=float)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    dof = max(len(y) - design.shape[1], 1)
    cov = resid @ resid / dof * np.linalg.pinv(design.T @ design)
    se = np.sqrt(np.diag(cov))
    t = stats.t.ppf(0.975, dof)
    rows = [{"term": n, "kind": "interaction" if " x " in n else "main", "outcome": outcome,
             "effect": 2 * coef[i + 1], "ci_low": 2 * (coef[i + 1] - t * se[i + 1]),
             "ci_high": 2 * (coef[i + 1] + t * se[i + 1])} for i, n in enumerate(names)]
    return pd.DataFrame(rows)


#: Per regime, how users' own scores changed and how much support they got (:func:`user_change_view`).
USER_CHANGE: tuple[str, ...] = ("share_wellbeing_gain_3", "share_wellbeing_loss_3", "wellbeing_change_smd",
                                "loneliness_change_smd", "support_minutes_per_user_week",
                                "worker_minutes_per_user_week")


def standardized_outcomes(runs: pd.DataFrame) -> tuple[str, ...]:
    """The declared outcomes of ``runs`` that have a user-level standardized effect (a start SD beside them)."""
    return tuple(o for o in oc.names() if o in runs.columns and oc.sd_start_of(o) in runs.columns)


def user_change_view(runs: pd.DataFrame) -> pd.DataFrame:
    """Per regime, means over its runs: shares of users whose WEMWBS rose or fell by >= 3 points, the mean
    change in start SDs, and support and worker minutes per user-week."""
    cols = [c for c in USER_CHANGE if c in runs.columns]
    view = runs.groupby("regime")[cols].mean().reset_index()
    view.insert(1, "runs", runs.groupby("regime").size().to_numpy())
    return view


def kpi_vs_outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """What the organisation sees beside what users live, per regime (the quantitative fallacy)."""
    cols = [c for c in (*oc.names(oc.KPI), *oc.PRIMARY) if c in runs.columns]
    return runs.groupby("regime")[cols].mean().reset_index()


def dose_response(runs: pd.DataFrame, dose: str, outcome: str) -> pd.DataFrame:
    rows = []
    for value, group in runs.groupby(dose):
        rows.append({dose: value, "outcome": outcome, **interval(group[outcome].to_numpy(dtype=float))})
    return pd.DataFrame(rows).rename(columns={"diff": "mean"})


def heterogeneity(sweep_dir: Path, runs: pd.DataFrame, reference: str = "trust_based",
                  variable: str = "loneliness") -> pd.DataFrame:
    """Paired effect on users' end values by tertile of their baseline loneliness (P7)."""
    keys = pair_keys(runs, "regime")
    ref = runs[runs["regime"] == reference]
    rows = []
    for _, r in ref.iterrows():
        mine = pd.read_parquet(Path(sweep_dir) / r["run_dir"] / "users.parquet")
        tertile = pd.qcut(mine["loneliness_start"].rank(method="first"), 3, labels=["least", "middle", "most"])
        same = runs[(runs[keys] == r[keys]).all(axis=1) & (runs["regime"] != reference)]
        for _, o in same.iterrows():
            other = pd.read_parquet(Path(sweep_dir) / o["run_dir"] / "users.parquet")
            diff = other[f"{variable}_end"].to_numpy() - mine[f"{variable}_end"].to_numpy()
            for t in ("least", "middle", "most"):
                rows.append({"regime": o["regime"], "baseline_lonely": t, "seed": r["seed"],
                             "diff": float(diff[(tertile == t).to_numpy()].mean())})
    if not rows:
        return pd.DataFrame()
    per_seed = pd.DataFrame(rows)
    out = []
    for (regime, t), g in per_seed.groupby(["regime", "baseline_lonely"], observed=True):
        out.append({"regime": regime, "baseline_lonely": t, "variable": f"{variable}_end",
                    **interval(g["diff"].to_numpy())})
    return pd.DataFrame(out)


#: The cost of the cost-effectiveness analysis (:func:`cost_effectiveness`).
CE_COST = "cost_sek_per_user_year"
#: Its effects: name -> (summary key, sign that makes a positive effect a gain, unit of the ratio).
CE_EFFECTS: dict[str, tuple[str, int, str]] = {
    "wemwbs_points": ("wellbeing_mean_end", 1, "SEK per user-year per WEMWBS point gained at the end"),
    "lonely_user_years_averted": ("lonely_user_years_per_user_year", -1, "SEK per lonely user-year averted"),
}
#: The references the cost-effectiveness analysis compares every regime against.
CE_REFERENCES: tuple[str, ...] = ("trust_based", "no_support")
#: The columns of ``cost_effectiveness.csv``, in order.
CE_COLUMNS: tuple[str, ...] = (
    "reference", "regime", "effect", "n", "reference_cost", "cost", "cost_diff", "cost_ci_low", "cost_ci_high",
    "effect_diff", "effect_ci_low", "effect_ci_high", "icer", "icer_boot_low", "icer_boot_high", "icer_unit",
    "quadrant",
)


def ratio_interval(cost: np.ndarray, effect: np.ndarray, level: float = 0.95, n_boot: int = 2000,
                   seed: int = 0) -> dict[str, float]:
    """The ratio of mean paired differences (an ICER) and its percentile bootstrap interval, seeds resampled
    as pairs (cost and effect of the same seed together); resamples whose mean effect is 0 are left out."""
    n = cost.size
    mean_effect = float(effect.mean()) if n else float("nan")
    icer = float(cost.mean()) / mean_effect if n and mean_effect != 0 else float("nan")
    if n < 2:
        return {"icer": icer, "icer_boot_low": float("nan"), "icer_boot_high": float("nan")}
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    boot_cost, boot_effect = cost[idx].mean(axis=1), effect[idx].mean(axis=1)
    ok = boot_effect != 0
    ratios = boot_cost[ok] / boot_effect[ok]
    lo, hi = np.percentile(ratios, [50 * (1 - level), 50 * (1 + level)]) if ratios.size else (np.nan, np.nan)
    return {"icer": icer, "icer_boot_low": float(lo), "icer_boot_high": float(hi)}


def quadrant(cost_diff: float, effect_diff: float) -> str:
    """Where a regime lies on the cost-effectiveness plane against its reference."""
    if not (np.isfinite(cost_diff) and np.isfinite(effect_diff)):
        return "-"
    better = "better" if effect_diff > 0 else "worse" if effect_diff < 0 else "no different"
    dearer = "dearer" if cost_diff > 0 else "cheaper" if cost_diff < 0 else "same cost"
    label = {("cheaper", "better"): "dominates", ("dearer", "worse"): "dominated"}.get((dearer, better))
    return label or f"{dearer}, {better}"


def cost_effectiveness(runs: pd.DataFrame, references=CE_REFERENCES) -> pd.DataFrame:
    """Per reference regime and every other regime, paired by seed: the incremental cost (SEK per user-year),
    each incremental effect of :data:`CE_EFFECTS` (a gain is positive) with its t interval (:func:`interval`),
    and their ratio, the ICER, with a paired bootstrap interval (:func:`ratio_interval`); columns
    :data:`CE_COLUMNS`. Empty without the cost column or a reference among the regimes."""
    if CE_COST not in runs.columns or "regime" not in runs.columns:
        return pd.DataFrame(columns=list(CE_COLUMNS))
    runs = runs.copy(deep=False)
    runs.attrs = {}  # a runs table's attrs (its failures) would be compared by every concat
    keys = pair_keys(runs, "regime")
    rows = []
    for reference in references:
        if reference not in set(runs["regime"]):
            continue
        wide = {key: runs.pivot_table(index=keys, columns="regime", values=key, aggfunc="first")
                for key in (CE_COST, *(e[0] for e in CE_EFFECTS.values())) if key in runs.columns}
        for regime in wide[CE_COST].columns:
            if regime == reference:
                continue
            for effect, (key, sign, unit) in CE_EFFECTS.items():
                if key not in wide:
                    continue
                both = pd.concat({"cost": wide[CE_COST][[reference, regime]],
                                  "effect": wide[key][[reference, regime]]}, axis=1).dropna()
                cost = (both["cost"][regime] - both["cost"][reference]).to_numpy(dtype=float)
                gain = sign * (both["effect"][regime] - both["effect"][reference]).to_numpy(dtype=float)
                c, e = interval(cost), interval(gain)
                rows.append({"reference": reference, "regime": regime, "effect": effect, "n": c["n"],
                             "reference_cost": float(both["cost"][reference].mean()),
                             "cost": float(both["cost"][regime].mean()), "cost_diff": c["diff"],
                             "cost_ci_low": c["ci_low"], "cost_ci_high": c["ci_high"], "effect_diff": e["diff"],
                             "effect_ci_low": e["ci_low"], "effect_ci_high": e["ci_high"],
                             **ratio_interval(cost, gain), "icer_unit": unit,
                             "quadrant": quadrant(c["diff"], e["diff"])})
    return pd.DataFrame(rows, columns=list(CE_COLUMNS))


def cost_view(runs: pd.DataFrame) -> pd.DataFrame:
    """Per regime, the means over its runs of the cost and its parts (SEK per user-year)."""
    cols = [c for c in oc.names(oc.COST) if c in runs.columns and c.startswith("cost_")]
    return runs.groupby("regime")[cols].mean().reset_index() if cols else pd.DataFrame()


#: The time-series variables the reform section follows (the headline ones), with the summary key whose start SD
#: standardizes them.
REFORM_VARIABLES: dict[str, str] = {o.name: oc.sd_start_of(o.name + "_end") for o in oc.TIMESERIES if o.headline}
REFORM_KEY = "reform.regime"


def reform_differences(ts: pd.DataFrame) -> pd.DataFrame:
    """Per reform (run's regime x ``reform.regime``), seed, day and variable: the reformed run minus the paired
    run without a reform (``reform.regime`` null, same regime and seed), and the reformed run's ``regime_phase``.

    Reforms to the run's own regime (the rules restarted) are left out. Empty without reformed runs.
    """
    cols = ["regime", "reform", "seed", "day", "variable", "diff", "phase"]
    if REFORM_KEY not in ts.columns or ts.empty:
        return pd.DataFrame(columns=cols)
    keys = ["regime", "seed", "day", "variable"]
    wanted = ts[ts["variable"].isin([*REFORM_VARIABLES, "regime_phase"])]
    none = wanted[REFORM_KEY] == NULL
    base = wanted[none].set_index(keys)["value"]
    reformed = wanted[~none & (wanted[REFORM_KEY] != wanted["regime"])]
    if reformed.empty or base.empty:
        return pd.DataFrame(columns=cols)
    phase = reformed[reformed["variable"] == "regime_phase"].set_index(["regime", REFORM_KEY, "seed", "day"])["value"]
    out = reformed[reformed["variable"] != "regime_phase"].copy()
    out["diff"] = out["value"].to_numpy() - base.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
    out["phase"] = phase.reindex(pd.MultiIndex.from_frame(out[["regime", REFORM_KEY, "seed", "day"]])).to_numpy()
    return out.rename(columns={REFORM_KEY: "reform"}).dropna(subset=["diff"])[cols].reset_index(drop=True)


def mean_band(values: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    """Per group: ``mean``, ``n`` and the 95 % t interval of the mean (``ci_low``, ``ci_high``; a single value's
    interval is the value itself)."""
    out = values.agg(mean="mean", sd=lambda x: x.std(ddof=1), n="count")
    half = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1)) * out["sd"].fillna(0) / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return out.drop(columns="sd")


def reform_trajectory(diffs: pd.DataFrame) -> pd.DataFrame:
    """Mean paired difference per reform, variable and day over seeds, with its 95 % t interval."""
    return mean_band(diffs.groupby(["regime", "reform", "variable", "day"])["diff"]).reset_index()


def switch_days(diffs: pd.DataFrame) -> dict[str, float]:
    """The reform's day and the day it was reversed (NaN if never), read off the reformed run's ``regime_phase``
    (the row of day d + 1 is the first lived under the rules switched on day d)."""
    by_day = diffs.groupby("day")["phase"].first()
    first = {phase: by_day.index[by_day.to_numpy() == phase] for phase in (1, 2)}
    return {name: float(days.min() - 1) if days.size else float("nan")
            for name, days in (("reform_day", first[1]), ("back_day", first[2]))}


def reform_timing(diffs: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Per reform and variable: the effect on the day the reform is reversed (the last day if it never is), with
    its 95 % interval over seeds and the user-level d (over the SD between users at the start, pooled over the
    no-reform runs); the days from the reform until the mean effect first reaches half that size (to appear);
    and the days from the reversal until it first falls below half (to fade; NaN if not within the run)."""
    rows = []
    base = runs[runs[REFORM_KEY] == NULL] if REFORM_KEY in runs.columns else runs.iloc[:0]
    for (regime, reform, variable), g in diffs.groupby(["regime", "reform", "variable"]):
        days = switch_days(g)
        curve = g.groupby("day")["diff"].mean()
        at = days["back_day"] if np.isfinite(days["back_day"]) else float(curve.index.max())
        effect = interval(g.loc[g["day"] == at, "diff"].to_numpy(dtype=float))
        sd_rows = base[base["regime"] == regime]
        sd = pooled_sd(sd_rows[REFORM_VARIABLES[variable]].to_numpy(dtype=float),
                       sd_rows["n_users"].to_numpy(dtype=float)) if len(sd_rows) else float("nan")
        half = 0.5 * abs(effect["diff"])
        after = curve[(curve.index > days["reform_day"]) & (curve.index <= at)]
        reached = after.index[np.abs(after.to_numpy()) >= half]
        faded = curve[curve.index > at]
        below = faded.index[np.abs(faded.to_numpy()) < half] if np.isfinite(days["back_day"]) else faded.index[:0]
        rows.append({"regime": regime, "reform": reform, "variable": variable, **days, "effect_day": at,
                     "n": effect["n"], "diff": effect["diff"], "ci_low": effect["ci_low"], "ci_high": effect["ci_high"],
                     "smd_users": effect["diff"] / sd if sd > 0 else float("nan"),
                     "days_to_half": float(reached.min() - days["reform_day"]) if reached.size else float("nan"),
                     "days_to_fade_half": float(below.min() - at) if below.size else float("nan")})
    return pd.DataFrame(rows)
