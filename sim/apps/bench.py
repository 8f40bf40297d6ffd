"""Benchmark: cost per simulated user-day against Mesa's own BoltzmannWealth.

``python -m sim.bench`` runs the ``municipality`` scenario (trust_based) and
Mesa's BoltzmannWealth example in the same process and prints microseconds
per simulated user-day, microseconds per Boltzmann agent-step and their ratio
(lower is better; a ratio of 1 means one of our user-days costs what one
Boltzmann agent-step does). Each figure is the best of ``--repeat`` runs, which
filters out noise from other work on the machine. ``--batch`` adds the cost per
run outside the model when many runs go through :func:`sim.run_many`
(:func:`time_batch`). Not a test: timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import time

from sim.config.schema import SimConfig
from sim.model.model import SIDLModel
from sim.params.schema import ScenarioConfig


def time_sidl(n_users: int, n_workers: int, days: int, seed: int = 1) -> float:
    """Seconds to build and run the model (no output writing)."""
    cfg = SimConfig(scenario=ScenarioConfig(name="bench", n_users=n_users, n_workers=n_workers, days=days), seed=seed)
    t0 = time.perf_counter()
    SIDLModel(cfg).run()
    return time.perf_counter() - t0


def time_boltzmann(n_agents: int = 200, steps: int = 200, seed: int = 1) -> float:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    model = BoltzmannWealth(n=n_agents, seed=seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t0


SCALE_SIZES = (200, 1000, 5000, 21500)


def time_scaling(days: int = 365, sizes=SCALE_SIZES) -> dict[int, float]:
    """Microseconds per user-day at each population size (about 13.4 users per worker).

    Best of several runs for the small sizes, whose runs are short and noisy (7 at 200 users, 2 at 21,500).
    """
    def best(n: int) -> float:
        runs = max(2, min(7, 10_000 // n + 1))
        return min(time_sidl(n, max(1, round(n / 13.4)), days) for _ in range(runs))

    return {n: 1e6 * best(n) / (n * days) for n in sizes}


def flatness(curve: dict[int, float]) -> float:
    """Largest deviation of the curve from its own mean, as a fraction (the target is 0.25)."""
    mean = sum(curve.values()) / len(curve)
    return max(abs(v / mean - 1.0) for v in curve.values())


def time_national() -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the national scenario in a fresh process, outputs included."""
    import resource
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sim.run", "scenario=national", "seed=1", f"hydra.run.dir={tmp}/n"],
                       check=True, capture_output=True)
        wall = time.perf_counter() - t0
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def time_sweep(seeds: int = 16, days: int = 1826) -> dict[str, float]:
    """The regime sweep (municipality) serially and on 2 cores (the default launcher); parallel efficiency.

    The regimes are trust_based, npm and each management rule alone (8 with R1-R6; ``no_support``
    makes no visits, so it would only dilute the timing). Efficiency = serial time / (2 x time on
    2 cores). A regime comparison of 400 runs is extrapolated from the measured time per run on 2 cores.
    """
    import subprocess
    import sys
    import tempfile

    from sim.rules import management_rules

    regimes = ["trust_based", "npm", *management_rules()]
    base = [sys.executable, "-m", "sim.run", "-m", "scenario=municipality", f"scenario.days={days}",
            f"regime={','.join(regimes)}", f"seed=range(1,{seeds + 1})"]
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, launcher in (("serial", ["hydra/launcher=basic"]),
                               ("parallel", ["hydra.launcher.n_jobs=2"])):
            t0 = time.perf_counter()
            subprocess.run([*base, *launcher, f"hydra.sweep.dir={tmp}/{name}"], check=True, capture_output=True)
            out[f"sweep_{name}_seconds"] = time.perf_counter() - t0
    runs = len(regimes) * seeds
    out["sweep_runs"] = runs
    out["sweep_parallel_efficiency"] = out["sweep_serial_seconds"] / (2 * out["sweep_parallel_seconds"])
    out["regime_comparison_400_runs_seconds_est"] = out["sweep_parallel_seconds"] / runs * 400
    return out


def batch_configs(runs: int = 64, days: int = 730) -> list[SimConfig]:
    """``runs`` municipality configs of ``days`` days: every regime in turn, then the next seed."""
    from sim.api import configure
    from sim.config.packaged import group_options

    regimes = group_options("regime")
    return [configure("municipality", regimes[i % len(regimes)], 1 + i // len(regimes), {"scenario.days": days})
            for i in range(runs)]


def time_batch(runs: int = 64, days: int = 730, n_jobs: int = 2, repeat: int = 3) -> dict[str, float]:
    """Model time vs total time per run, ``runs`` municipality runs through :func:`sim.run_many` on ``n_jobs`` cores.

    - total per run = wall time of the ``run_many`` call x ``n_jobs`` / ``runs``: the process-seconds
      a run occupies, everything included (sending configs, the summary, building the table, idle
      workers at the end);
    - model per run = mean ``wall_seconds`` of the runs: the time inside :class:`SIDLModel`,
      construction (validation included) and run (:func:`sim.outputs.runner.timed`);
    - ``batch_outside_share`` = (total - model) / model, the cost per run outside the model (target <= 0.10).

    ``run_many``'s worker processes live on between calls (joblib's loky executor); starting them
    (interpreter, imports, numba's cache) is paid once per session, not per run. The figure above is
    for calls to running workers (the best of ``repeat`` calls); ``batch_outside_share_cold`` is the
    first call of the session, which starts them, and ``batch_worker_start_seconds`` how much longer it took.
    """
    from joblib.externals.loky import get_reusable_executor

    from sim.api import run_many

    configs = batch_configs(runs, days)
    get_reusable_executor().shutdown(wait=True)  # the first call below starts its workers

    def call() -> tuple[float, float]:
        t0 = time.perf_counter()
        table = run_many(configs, n_jobs=n_jobs, progress=False)
        return time.perf_counter() - t0, float(table["wall_seconds"].mean())

    def share(total: float, model: float) -> float:
        return round((total - model) / model, 4)

    cold_wall, cold_model = call()
    wall, model = min(call() for _ in range(repeat))
    total, cold_total = wall * n_jobs / runs, cold_wall * n_jobs / runs
    return {
        "batch_runs": runs, "batch_days": days, "batch_n_jobs": n_jobs,
        "batch_wall_seconds": round(wall, 3), "batch_total_seconds_per_run": round(total, 4),
        "batch_model_seconds_per_run": round(model, 4), "batch_outside_share": share(total, model),
        "batch_cold_wall_seconds": round(cold_wall, 3), "batch_outside_share_cold": share(cold_total, cold_model),
        "batch_worker_start_seconds": round(cold_wall - wall, 3),
    }


def measure(repeat: int = 5, days: int = 1826) -> dict[str, float]:
    n_users, n_workers, agents, steps = 200, 15, 200, 200
    sidl = min(time_sidl(n_users, n_workers, days) for _ in range(repeat))
    boltz = min(time_boltzmann(agents, steps) for _ in range(repeat))
    us_user_day = 1e6 * sidl / (n_users * days)
    us_agent_step = 1e6 * boltz / (agents * steps)
    return {
        "scenario": "municipality",
        "n_users": n_users,
        "days": days,
        "municipality_seconds": round(sidl, 4),
        "us_per_user_day": round(us_user_day, 4),
        "boltzmann_agents": agents,
        "boltzmann_steps": steps,
        "boltzmann_us_per_agent_step": round(us_agent_step, 4),
        "ratio_vs_boltzmann": round(us_user_day / us_agent_step, 4),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per figure; the best is kept")
    ap.add_argument("--days", type=int, default=1826, help="days of the municipality run")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--full", action="store_true",
                    help="every figure of the performance issue: scaling curve, national, sweep efficiency")
    ap.add_argument("--sweep-seeds", type=int, default=16,
                    help="seeds per regime in the sweep-efficiency run (enough that worker start-up is not all)")
    ap.add_argument("--record", action="store_true", help="append the figures to benchmarks/record.csv")
    ap.add_argument("--batch", action="store_true",
                    help="also time 64 municipality runs of 2 years through sim.run_many on 2 processes")
    ap.add_argument("--app", action="store_true",
                    help="also time the classroom app (server and, with Chromium, browser)")
    args = ap.parse_args(argv)
    res = measure(args.repeat, args.days)
    if args.full:
        # national first: a child forked from this process counts the parent's pages in its peak RSS,
        # and the parent is still small here (before the 21,500-user runs below)
        wall, rss = time_national()
        scaling = time_scaling()
        res.update({f"us_per_user_day_n{n}": round(v, 4) for n, v in scaling.items()})
        res["scaling_spread"] = round(max(scaling.values()) / min(scaling.values()), 3)
        res["scaling_max_deviation"] = round(flatness(scaling), 3)
        res.update(national_seconds=round(wall, 2), national_peak_rss_mb=round(rss, 1),
                   national_ratio_vs_boltzmann=round(scaling[21500] / res["boltzmann_us_per_agent_step"], 4))
        res.update({k: round(v, 3) for k, v in time_sweep(args.sweep_seeds).items()})
    if args.batch:
        res.update(time_batch())
    if args.app:
        from sim.apps.bench_app import time_classroom_browser, time_classroom_step

        res["classroom_step_redraw_ms"] = round(time_classroom_step(), 2)
        browser = time_classroom_browser()
        res["classroom_browser_click_to_update_ms"] = None if browser is None else round(browser, 1)
    if args.record:
        record(res)
    if args.json:
        print(json.dumps(res))
        return
    print(f"municipality ({res['n_users']} users x {res['days']} days): {res['municipality_seconds']:.2f} s")
    print(f"  us per simulated user-day          {res['us_per_user_day']:8.3f}")
    print(f"  us per BoltzmannWealth agent-step  {res['boltzmann_us_per_agent_step']:8.3f}  (reference, same run)")
    print(f"  ratio (lower is better)            {res['ratio_vs_boltzmann']:8.3f}")
    if args.full:
        print("cost per user-day by population size (365 days; flat is the aim, +-25 %):")
        for n in SCALE_SIZES:
            print(f"  {n:6d} users  {res[f'us_per_user_day_n{n}']:8.3f} us")
        print(f"  largest / smallest                 {res['scaling_spread']:8.2f}")
        print(f"  largest deviation from the mean    {100 * res['scaling_max_deviation']:7.0f} %  (target 25 %)")
        print(f"national (21,500 users, 1,600 workers, 365 days), outputs included: {res['national_seconds']} s, "
              f"peak RSS {res['national_peak_rss_mb']} MB, {res['national_ratio_vs_boltzmann']} x Boltzmann")
        print(f"regime sweep ({res['sweep_runs'] // args.sweep_seeds} regimes x {args.sweep_seeds} seeds, "
              "municipality): serial "
              f"{res['sweep_serial_seconds']:.1f} s, 2 cores {res['sweep_parallel_seconds']:.1f} s, "
              f"parallel efficiency {res['sweep_parallel_efficiency']:.2f}; 400 runs on 2 cores est. "
              f"{res['regime_comparison_400_runs_seconds_est'] / 60:.1f} min")
    if args.batch:
        print(f"batch ({res['batch_runs']} municipality runs x {res['batch_days']} days, run_many on "
              f"{res['batch_n_jobs']} processes): {res['batch_wall_seconds']:.2f} s; per run total "
              f"{res['batch_total_seconds_per_run']:.3f} s, model {res['batch_model_seconds_per_run']:.3f} s, "
              f"outside share {res['batch_outside_share']:.3f} (target 0.10)")
        print(f"  first call, starting the workers: {res['batch_cold_wall_seconds']:.2f} s, outside share "
              f"{res['batch_outside_share_cold']:.3f} (worker start {res['batch_worker_start_seconds']:.2f} s)")
    if args.app:
        print(f"classroom app: step of both twins + building every view  {res['classroom_step_redraw_ms']:.1f} ms"
              " (target 100 ms)")
        if res["classroom_browser_click_to_update_ms"] is not None:
            ms = res["classroom_browser_click_to_update_ms"]
            print(f"classroom app: click on Step to new day drawn in Chromium {ms} ms (median of 13)")


def record(res: dict) -> None:
    """Append the figures with the commit to ``benchmarks/record.csv`` (a history to track)."""
    import csv
    import datetime
    from pathlib import Path

    from sim.outputs.runner import git_commit

    path = Path("benchmarks") / "record.csv"
    path.parent.mkdir(exist_ok=True)
    row = {"date": datetime.date.today().isoformat(), "commit": git_commit() or "-", **res}
    rows = list(csv.DictReader(path.open())) if path.exists() else []
    rows.append({k: str(v) for k, v in row.items()})
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
