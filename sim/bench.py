"""Benchmark: cost per simulated user-day against Mesa's own BoltzmannWealth.

``python -m sim.bench`` runs the ``municipality`` scenario (trust_based) and
Mesa's BoltzmannWealth example in the same process and prints microseconds
per simulated user-day, microseconds per Boltzmann agent-step and their ratio
(lower is better; a ratio of 1 means one of our user-days costs what one
Boltzmann agent-step does). Each figure is the best of ``--repeat`` runs, which
filters out noise from other work on the machine. Not a test: timings are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import time

from sim.config import ScenarioConfig, SimConfig
from sim.model import SIDLModel


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


def measure(repeat: int = 3, days: int = 1826) -> dict[str, float]:
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
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    ap.add_argument("--days", type=int, default=1826, help="days of the municipality run")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    res = measure(args.repeat, args.days)
    if args.json:
        print(json.dumps(res))
        return
    print(f"municipality ({res['n_users']} users x {res['days']} days): {res['municipality_seconds']:.2f} s")
    print(f"  us per simulated user-day          {res['us_per_user_day']:8.3f}")
    print(f"  us per BoltzmannWealth agent-step  {res['boltzmann_us_per_agent_step']:8.3f}  (reference, same run)")
    print(f"  ratio (lower is better)            {res['ratio_vs_boltzmann']:8.3f}")


if __name__ == "__main__":
    main()
