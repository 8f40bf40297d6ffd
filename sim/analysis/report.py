"""The sweep report: ``report.md`` and ``report.html`` in the sweep folder.

``python -m sim.analysis.report <sweep dir>`` (``python -m sim.sweep`` calls it
after a sweep). Which analyses appear depends on what was swept: regimes
give paired effects against ``trust_based``, heterogeneity and the KPI view;
rule switches give the factorial decomposition; one numeric parameter gives
a dose-response curve.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from sim.analysis import figures, stats
from sim.analysis.collect import collect
from sim.outputs import outcomes as oc
from sim.outputs.files import write_text

REFERENCE = "trust_based"
#: The seed-level d_z's column heading in the report: what it is.
D_Z = "d_z over seeds (stochastic precision, not an effect size)"
#: The user-level standardized effect's columns (:func:`sim.analysis.stats.paired_effects`).
SMD = ("baseline_sd", "smd_users", "smd_low", "smd_high")


def md_table(df: pd.DataFrame, digits: int = 3) -> str:
    if df.empty:
        return "_(nothing to show)_\n"
    def cell(v):
        if isinstance(v, float):
            return f"{v:.{digits}f}"
        return str(v)
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def fig_md(paths: list[Path], sweep_dir: Path, caption: str) -> str:
    png = paths[0].relative_to(sweep_dir)
    return f"![{caption}]({png})\n\n_{caption}_ (also as [SVG]({paths[1].relative_to(sweep_dir)}))\n"


def with_d_z_label(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the ``d_z_seeds`` column headed by what it is (:data:`D_Z`)."""
    return table.rename(columns={"d_z_seeds": D_Z})


def headline_outcomes(effects: pd.DataFrame) -> pd.DataFrame:
    """The headline outcomes shown: name, scale and which direction is better."""
    shown = [oc.get(name) for name in dict.fromkeys(effects["outcome"])]
    return pd.DataFrame({"outcome": [o.name for o in shown], "what": [o.label for o in shown],
                         "scale": [o.unit for o in shown], "better": [o.better or "-" for o in shown]})


def numeric_dose(runs: pd.DataFrame, swept: list[str]) -> str | None:
    candidates = [c for c in swept if not c.endswith(".enabled") and pd.api.types.is_numeric_dtype(runs[c])]
    return candidates[0] if len(candidates) == 1 else None


def cost_section(runs: pd.DataFrame, sweep_dir: Path, figs: Path) -> list[str]:
    """The report's costs and cost-effectiveness; writes ``cost_effectiveness.csv`` and ``cost_effectiveness.json``
    (the sweep-level figures: per-run ``summary.json`` cannot know the other regimes) into the sweep folder."""
    costs = stats.cost_view(runs) if len(runs) else pd.DataFrame()
    if costs.empty:
        return []
    out = ["## Costs\n", "Means over each regime's runs, SEK per user-year: staff (every paid minute of the SIDL "
           "workforce), travel and overhead sum to the cost; the other columns are their sub-parts "
           "(docs/ODD.md §7.16 lists each price and its source).\n", md_table(costs, digits=0)]
    ce = stats.cost_effectiveness(runs)
    ce.to_csv(sweep_dir / "cost_effectiveness.csv", index=False)
    write_text(sweep_dir / "cost_effectiveness.json", json.dumps(
        {"cost": stats.CE_COST, "references": list(stats.CE_REFERENCES),
         "rows": json.loads(ce.to_json(orient="records"))}, indent=1) + "\n")
    if ce.empty:
        return out
    out.append("## Cost-effectiveness\n")
    out.append("Against each reference regime, paired by seed: the incremental cost (SEK per user-year, 95 % "
               "t interval), the incremental effect (WEMWBS points at the end; lonely user-years averted per "
               "user-year, positive is a gain) and their ratio, the ICER (mean incremental cost over mean "
               "incremental effect, 95 % paired bootstrap interval; not meaningful where the effect's interval "
               "includes 0). `dominates`: cheaper and better; `dominated`: dearer and worse. Also in "
               "`cost_effectiveness.csv` and `cost_effectiveness.json`.\n")
    cols = ["reference", "regime", "effect", "n", "cost_diff", "cost_ci_low", "cost_ci_high", "effect_diff",
            "effect_ci_low", "effect_ci_high", "icer", "icer_boot_low", "icer_boot_high", "quadrant"]
    out.append(md_table(ce[cols]))
    out.append(fig_md(figures.ce_plane(ce, figs), sweep_dir, "Cost-effectiveness plane"))
    return out


def reform_section(runs: pd.DataFrame, ts: pd.DataFrame, sweep_dir: Path, figs: Path) -> list[str]:
    """The Reforms section (ODD §7.18): each reform against the paired run without one, if the sweep has both."""
    diffs = stats.reform_differences(ts)
    if diffs.empty:
        return []
    timing = stats.reform_timing(diffs, runs)
    out = ["## Reforms\n", "Each reform (the run's own regime → `reform.regime` from `reform.day`, back on "
           "`reform.back_day`) against the paired run of the same regime and seed without a reform: the same users, "
           "workers and daily draws up to the reform. `diff` is the mean paired difference on the day the reform is "
           "reversed (the last day if it never is), with its 95 % interval over seeds; `smd_users` is it over the SD "
           "between users at the start. `days_to_half`: days from the reform until the mean effect first reaches "
           "half that size (how long it takes to appear); `days_to_fade_half`: days from the reversal until it first "
           "falls below half (how long it lasts after the old rules return).\n"]
    cols = ["regime", "reform", "variable", "reform_day", "back_day", "n", "diff", "ci_low", "ci_high", "smd_users",
            "days_to_half", "days_to_fade_half"]
    out.append(md_table(timing[cols]))
    out.append(fig_md(figures.reform_trajectories(stats.reform_trajectory(diffs), timing, figs), sweep_dir,
                      "Trajectories around the reform against the paired no-reform run"))
    return out


def write_report(sweep_dir: Path) -> Path:
    sweep_dir = Path(sweep_dir)
    collect(sweep_dir)
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    ts = pd.read_parquet(sweep_dir / "timeseries.parquet")
    failures = pd.read_parquet(sweep_dir / "failures.parquet")
    swept = [c for c in runs.columns if "." in c]
    shown = [c for c in swept if not c.startswith("regime.")] + (["regime"] if runs["regime"].nunique() > 1 else [])
    figs = sweep_dir / "figures"
    out = [f"# Sweep report: `{sweep_dir.name}`\n"]
    seeds = sorted(runs["seed"].unique()) if len(runs) else []
    scen = runs["scenario"].iloc[0] if len(runs) else "?"
    out.append(f"{len(runs)} finished runs ({len(failures)} failed); scenario `{scen}`; "
               f"{len(seeds)} seeds ({', '.join(map(str, seeds[:10]))}{' ...' if len(seeds) > 10 else ''}); "
               f"regimes: {', '.join(sorted(runs['regime'].unique())) if len(runs) else '-'}; "
               f"swept: {', '.join(f'`{c}`' for c in shown) or 'nothing'}.\n")
    out.append("Loneliness is on the UCLA-3 scale (3-9, lonely at >= 6), wellbeing on WEMWBS (14-70). "
               "Effects are paired differences (same seed: same users, networks and daily draws) with 95 % "
               "Student-t and bootstrap intervals. `smd_users` is the user-level standardized effect, comparable "
               "with a trial's SMD: the difference of user means over the SD between users at the start in the "
               f"reference runs, pooled over the pairs (`baseline_sd`). The last column, {D_Z}, is the mean paired "
               "difference over its SD between seeds: it grows with the number of users and seeds.\n")

    regimes = set(runs["regime"]) if len(runs) else set()
    if REFERENCE in regimes and len(regimes) > 1:
        eff = stats.headline(runs, REFERENCE)
        keep = ["regime", "outcome", "n", "reference_mean", "mean", "diff", "ci_low", "ci_high", "boot_low",
                "boot_high", *SMD, "d_z_seeds"]
        trial = stats.headline(runs, REFERENCE, stats.standardized_outcomes(runs))
        if not trial.empty:
            out.append(f"## User-level effects vs `{REFERENCE}`, comparable with trials\n")
            out.append("Raw points and the standardized effect per regime. For comparison: trials of social "
                       "interventions for loneliness in psychosis give SMDs of about -0.43 to -0.47 (Hickin et al. "
                       "2021; Lasgaard et al. 2022), and about 3 WEMWBS points is an important change "
                       "(Maheswaran et al. 2012).\n")
            cols = ["regime", "outcome", "n", "diff", "ci_low", "ci_high", *SMD, "d_z_seeds"]
            out.append(md_table(with_d_z_label(trial[cols])))
        view = stats.user_change_view(runs)
        if len(view.columns) > 2:
            out.append("### Users whose wellbeing changed by 3 WEMWBS points or more, and support received\n")
            out.append("Means over each regime's runs: the shares of users whose WEMWBS rose by >= 3 points and "
                       "fell by >= 3 points from start to end, the mean change per user in start SDs, and the "
                       "paid minutes of support per user-week (`support_minutes_per_user_week`: SIDL visits, "
                       "travel, documentation and other providers' sessions) beside the SIDL workers' alone.\n")
            out.append(md_table(view))
        out.append(f"## Headline: paired effects vs `{REFERENCE}`\n")
        out.append("Which direction is better is declared with each outcome (`sim/outputs/outcomes.py`); for the "
                   "organisation's KPIs it is the organisation's own reading.\n")
        out.append(md_table(headline_outcomes(eff)))
        for outcome in dict.fromkeys(eff["outcome"]):
            o = oc.get(outcome)
            out.append(f"### {o.axis}: {o.direction}\n")
            table = eff[eff["outcome"] == outcome][keep].drop(columns="outcome").dropna(axis=1, how="all")
            out.append(md_table(with_d_z_label(table)))
        out.append(fig_md(figures.forest(eff, figs, REFERENCE), sweep_dir, "Forest plot of regime effects"))
        out.append("## What the organisation sees vs what users live\n")
        out.append("Plan adherence and ticked-off tasks are what an NPM organisation measures; loneliness and "
                   "wellbeing are what users live. A regime can score well on the first while doing worse on the "
                   "second (the quantitative fallacy, 002 §4.2).\n")
        out.append(md_table(stats.kpi_vs_outcomes(runs)))
        out.append(fig_md(figures.kpi_scatter(runs, figs), sweep_dir, "Plan adherence vs wellbeing"))
        het = stats.heterogeneity(sweep_dir, runs, REFERENCE)
        if not het.empty:
            out.append("## Heterogeneity: effect by baseline loneliness (third of users)\n")
            out.append(md_table(het[["regime", "baseline_lonely", "n", "diff", "ci_low", "ci_high"]]))
            out.append(fig_md(figures.heterogeneity(het, figs, REFERENCE), sweep_dir, "Effect by baseline loneliness"))
    out.extend(cost_section(runs, sweep_dir, figs))
    out.extend(reform_section(runs, ts, sweep_dir, figs))
    if len(ts):
        out.append("## Trajectories\n")
        out.append(fig_md(figures.trajectories(ts, figs), sweep_dir, "Loneliness and wellbeing over time"))
    fact = pd.concat([stats.factorial_effects(runs, o) for o in oc.PRIMARY],
                     ignore_index=True) if len(runs) else pd.DataFrame()
    if not fact.empty:
        out.append("## Factorial decomposition of the rules\n")
        out.append(md_table(fact))
        out.append(fig_md(figures.factorial(fact, figs), sweep_dir, "Main effects and interactions"))
    dose = numeric_dose(runs, swept) if len(runs) else None
    if dose:
        curves = pd.concat([stats.dose_response(runs, dose, o) for o in (*oc.PRIMARY,
                            "outside_activities_per_user_month")], ignore_index=True)
        out.append(f"## Dose-response over `{dose}`\n")
        out.append(md_table(curves[[dose, "outcome", "n", "mean", "ci_low", "ci_high"]]))
        out.append(fig_md(figures.dose_response(curves, dose, figs), sweep_dir, f"Outcomes against {dose}"))
    morris = sweep_dir / "morris.parquet"
    if morris.exists():
        idx = pd.read_parquet(morris)
        out.append("## Sensitivity (Morris screening)\n")
        ranking = sweep_dir / "ranking.json"
        if ranking.exists():
            r = json.loads(ranking.read_text())
            a, b = r["regimes"]
            out.append(f"Over {r['points']} sample points spanning the parameter ranges, `{b}` ends lonelier than "
                       f"`{a}` in {r['share_points_lonelier']:.0%} of points and with lower wellbeing in "
                       f"{r['share_points_lower_wellbeing']:.0%}.\n")
        out.append(md_table(idx.sort_values(["outcome", "mu_star"], ascending=[True, False])))
        out.append(fig_md(figures.morris(idx, figs), sweep_dir, "Morris mu* and sigma"))
    if len(failures):
        out.append("## Failed runs\n" + md_table(failures))
    damaged = pd.read_parquet(sweep_dir / "damaged.parquet")
    if len(damaged):
        out.append("## Damaged run folders (left out of every table; the next sweep re-runs them)\n"
                   + md_table(damaged))
    out.append("## Runs, configs and software\n")
    out.append("Tables: `runs.parquet` (one row per run), `timeseries.parquet` (long format), "
               "`failures.parquet`, `damaged.parquet`. Each run folder holds its resolved `config.yaml` and "
               "`run.json`.\n")
    if len(runs):
        first = sweep_dir / runs["run_dir"].iloc[0]
        meta = json.loads((first / "run.json").read_text())
        commits = sorted({json.loads((sweep_dir / d / "run.json").read_text()).get("git_commit") or "-"
                          for d in runs["run_dir"]})
        out.append("Software: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
                   + f"; git commit(s): {', '.join(commits)}.\n")
        out.append(f"Wall time of the runs: {runs['wall_seconds'].sum():.1f} s in total.\n")
        out.append(f"Resolved config of `{runs['run_dir'].iloc[0]}` (other runs differ only in the swept "
                   "parameters above):\n\n```yaml\n" + (first / "config.yaml").read_text() + "```\n")
    text = "\n".join(out)
    md_path = sweep_dir / "report.md"
    write_text(md_path, text)
    write_text(sweep_dir / "report.html", to_html(text, sweep_dir.name))
    return md_path


def to_html(text: str, title: str) -> str:
    import markdown

    body = markdown.markdown(text, extensions=["tables", "fenced_code"])
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45}"
             "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px}"
             "img{max-width:100%}code,pre{background:#f5f5f5}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{style}</style></head>" \
           f"<body>{body}</body></html>\n"


if __name__ == "__main__":
    print(write_report(Path(sys.argv[1])))
