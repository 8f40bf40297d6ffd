"""Figures of a sweep (PNG and SVG), with scale names and units on every axis (from :mod:`sim.outputs.outcomes`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.stats import mean_band  # noqa: E402
from sim.outputs import outcomes as oc  # noqa: E402
from sim.outputs.outcomes import label  # noqa: E402


def save(fig: plt.Figure, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    fig.savefig(paths[0], dpi=130, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    plt.close(fig)
    return paths


def trajectories(ts: pd.DataFrame, folder: Path,
                 variables=tuple(o.name for o in oc.TIMESERIES if o.headline)) -> list[Path]:
    """Mean trajectory per regime with its 95 % confidence band across seeds."""
    fig, axes = plt.subplots(1, len(variables), figsize=(6.2 * len(variables), 4.4))
    for ax, var in zip(np.atleast_1d(axes), variables, strict=True):
        data = ts[ts["variable"] == var]
        for regime, g in data.groupby("regime"):
            band = mean_band(g.groupby("day")["value"])
            years = band.index / 365.25
            line, = ax.plot(years, band["mean"].to_numpy(), lw=1.6, label=regime)
            ax.fill_between(years, band["ci_low"].to_numpy(), band["ci_high"].to_numpy(), color=line.get_color(),
                            alpha=0.18, lw=0)
        ax.set_xlabel("Years since SIDL was granted")
        ax.set_ylabel(label(var))
        ax.grid(alpha=0.3)
    handles, names = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle("Trajectories by regime (mean and 95 % band over seeds)")
    return save(fig, folder, "trajectories")


def forest(effects: pd.DataFrame, folder: Path, reference: str, outcomes=oc.PRIMARY) -> list[Path]:
    """Paired effect of each regime vs the reference, with 95 % t intervals."""
    outcomes = [o for o in outcomes if o in set(effects["outcome"])]
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5.6 * len(outcomes), 0.45 * effects["regime"].nunique() + 1.6),
                             sharey=True)
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        e = effects[effects["outcome"] == outcome].sort_values("regime")
        y = np.arange(len(e))
        ax.errorbar(e["diff"], y, xerr=[e["diff"] - e["ci_low"], e["ci_high"] - e["diff"]], fmt="o", capsize=3)
        ax.axvline(0, color="grey", lw=1)
        ax.set_yticks(y, e["regime"])
        ax.set_xlabel(f"{label(outcome)}\ndifference vs {reference}")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Rule and regime effects vs {reference} (paired over seeds, 95 % CI)")
    return save(fig, folder, "forest")


def kpi_scatter(runs: pd.DataFrame, folder: Path) -> list[Path]:
    """What the organisation counts (plan adherence) against what users live (wellbeing)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for regime, g in runs.groupby("regime"):
        ax.scatter(g["plan_adherence"], g["wellbeing_mean_end"], s=18, alpha=0.7, label=regime)
    ax.set_xlabel(label("plan_adherence") + "  [the KPI]")
    ax.set_ylabel(label("wellbeing_mean_end") + "  [the user]")
    ax.set_title("KPI vs wellbeing: one point per run")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="best")
    return save(fig, folder, "kpi_vs_wellbeing")


def dose_response(curves: pd.DataFrame, dose: str, folder: Path) -> list[Path]:
    outcomes = list(dict.fromkeys(curves["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5.4 * len(outcomes), 4.2))
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        c = curves[curves["outcome"] == outcome].sort_values(dose)
        ax.plot(c[dose], c["mean"], marker="o")
        ax.fill_between(c[dose].astype(float), c["ci_low"], c["ci_high"], alpha=0.2)
        ax.set_xlabel(dose)
        ax.set_ylabel(label(outcome))
        ax.grid(alpha=0.3)
    fig.suptitle(f"Dose-response over {dose} (mean and 95 % CI over seeds)")
    return save(fig, folder, "dose_response")


def heterogeneity(het: pd.DataFrame, folder: Path, reference: str) -> list[Path]:
    regimes = sorted(het["regime"].unique())
    order = ["least", "middle", "most"]
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    width = 0.8 / max(len(regimes), 1)
    for i, regime in enumerate(regimes):
        h = het[het["regime"] == regime].set_index("baseline_lonely").reindex(order)
        x = np.arange(3) + i * width
        ax.bar(x, h["diff"], width, yerr=[h["diff"] - h["ci_low"], h["ci_high"] - h["diff"]], capsize=2,
               label=regime)
    ax.axhline(0, color="grey", lw=1)
    ax.set_xticks(np.arange(3) + 0.4 - width / 2, ["least lonely third", "middle third", "most lonely third"])
    ax.set_xlabel("Users by loneliness at the start")
    ax.set_ylabel(f"{label('loneliness_mean_end')}\ndifference vs {reference}")
    ax.set_title("Who is affected most (paired effect by baseline loneliness, 95 % CI)")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    ax.grid(axis="y", alpha=0.3)
    return save(fig, folder, "heterogeneity")


def factorial(effects: pd.DataFrame, folder: Path) -> list[Path]:
    outcomes = list(dict.fromkeys(effects["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(6.0 * len(outcomes), 0.32 * effects["term"].nunique() + 1.8),
                             sharey=True)
    for ax, outcome in zip(np.atleast_1d(axes), outcomes, strict=True):
        e = effects[effects["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(e))[::-1]
        for kind, color in (("main", "C0"), ("interaction", "C1")):
            k = (e["kind"] == kind).to_numpy()
            ax.errorbar(e["effect"][k], y[k], xerr=[(e["effect"] - e["ci_low"])[k], (e["ci_high"] - e["effect"])[k]],
                        fmt="o", color=color, ms=4, capsize=2)
        ax.axvline(0, color="grey", lw=1)
        ax.set_yticks(y, e["term"], fontsize=7)
        ax.set_xlabel(f"Effect on {label(outcome)}")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Factorial decomposition: main effects (blue) and two-way interactions (orange), 95 % CI")
    return save(fig, folder, "factorial")


def morris(indices: pd.DataFrame, folder: Path) -> list[Path]:
    outcomes = list(dict.fromkeys(indices["outcome"]))
    cols = min(3, len(outcomes))
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.2 * rows), squeeze=False)
    for ax, outcome in zip(axes.ravel(), outcomes, strict=False):
        m = indices[indices["outcome"] == outcome]
        ax.scatter(m["mu_star"], m["sigma"], s=14)
        for _, r in m.nlargest(6, "mu_star").iterrows():
            ax.annotate(r["parameter"].split(".")[-1], (r["mu_star"], r["sigma"]), fontsize=7, xytext=(3, 2),
                        textcoords="offset points")
        ax.set_title(label(outcome), fontsize=9)
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma (non-linearity, interactions)")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(outcomes):]:
        ax.set_visible(False)
    fig.suptitle("Morris screening of the estimated parameters (the six largest mu* labelled)")
    fig.tight_layout()
    return save(fig, folder, "morris")


def ce_plane(ce: pd.DataFrame, folder: Path, effect: str = "wemwbs_points") -> list[Path]:
    """The cost-effectiveness plane: incremental wellbeing (x) against incremental cost (y) of each regime, one
    panel per reference, with 95 % t intervals over paired seeds as error bars."""
    data = ce[ce["effect"] == effect]
    references = list(dict.fromkeys(data["reference"]))
    fig, axes = plt.subplots(1, len(references), figsize=(6.4 * len(references), 5.0), squeeze=False)
    for ax, reference in zip(axes.ravel(), references, strict=True):
        d = data[data["reference"] == reference]
        ax.errorbar(d["effect_diff"], d["cost_diff"],
                    xerr=[d["effect_diff"] - d["effect_ci_low"], d["effect_ci_high"] - d["effect_diff"]],
                    yerr=[d["cost_diff"] - d["cost_ci_low"], d["cost_ci_high"] - d["cost_diff"]],
                    fmt="o", capsize=3, ms=5)
        for _, r in d.iterrows():
            ax.annotate(r["regime"], (r["effect_diff"], r["cost_diff"]), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
        ax.axhline(0, color="grey", lw=1)
        ax.axvline(0, color="grey", lw=1)
        ax.set_xlabel(f"Incremental {label('wellbeing_mean_end')}\nvs {reference}")
        ax.set_ylabel(f"Incremental {label('cost_sek_per_user_year')}")
        ax.set_title(f"vs {reference}", fontsize=10)
        ax.grid(alpha=0.3)
    fig.suptitle("Cost-effectiveness plane (paired over seeds, 95 % CI): right is better, up is dearer")
    return save(fig, folder, "cost_effectiveness_plane")


def reform_trajectories(traj: pd.DataFrame, timing: pd.DataFrame, folder: Path) -> list[Path]:
    """Per variable: each reform's mean paired difference (reformed minus no-reform run, same seed) by day, with
    its 95 % band over seeds, and the days of the reform and its reversal marked."""
    variables = list(dict.fromkeys(traj["variable"]))
    fig, axes = plt.subplots(1, len(variables), figsize=(6.2 * len(variables), 4.4), squeeze=False)
    for ax, var in zip(axes[0], variables, strict=True):
        for (regime, reform), g in traj[traj["variable"] == var].groupby(["regime", "reform"]):
            years = g["day"].to_numpy() / 365.25
            line, = ax.plot(years, g["mean"].to_numpy(), lw=1.6, label=f"{regime} \u2192 {reform}")
            ax.fill_between(years, g["ci_low"].to_numpy(), g["ci_high"].to_numpy(), color=line.get_color(),
                            alpha=0.18, lw=0)
        for column, style in (("reform_day", "--"), ("back_day", ":")):
            for day in timing.loc[timing["variable"] == var, column].dropna().unique():
                ax.axvline(day / 365.25, color="0.4", ls=style, lw=1)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set_xlabel("Years (dashed: reform; dotted: reversal)")
        ax.set_ylabel(f"{label(var)}: reformed minus no reform")
        ax.grid(alpha=0.3)
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle("Reforms: paired difference from the same service without a reform (mean and 95 % band)")
    return save(fig, folder, "reform_trajectories")
