"""Exploring sidl-sim with the EMA Workbench: uncertain parameters x the management rules, then PRIM.

    pip install -e ".[ema]"
    python docs/examples/ema_prim.py                        # 32 scenarios x 8 policies, municipality, 2 years
    python docs/examples/ema_prim.py --scenarios 8 --policies 4 --scenario classroom --days 120

Uncertainties are estimated parameters over their ranges in docs/ODD.md §9; levers switch each
management rule on or off (the list comes from the rule registry, so a new rule becomes a lever);
outcomes are end-of-run loneliness and wellbeing with the direction that is better. Every
experiment runs with the same seed, so two policies in one scenario live the same days (paired).
PRIM then finds the box of uncertainties and levers where loneliness ends high. docs/ema_workbench.md
walks through it.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import pandas as pd
from ema_workbench import BooleanParameter, Constant, Model, RealParameter, ScalarOutcome, perform_experiments
from ema_workbench.analysis import prim

import sim
from sim.outputs import outcomes as declared
from sim.rules import management_rules

# estimated parameters (marked "est." or with a sensitivity range in docs/ODD.md §9) and those ranges
UNCERTAINTIES = {
    "model.talk.talk_share": (0.1, 0.5),
    "model.network.decay_days": (45.0, 180.0),
    "model.loneliness.contact_scale": (4.0, 9.0),
}
#: The outcomes explored, each tagged as sidl-sim declares which direction is better (sim.outputs.outcomes)
OUTCOMES = ("loneliness_mean_end", "share_lonely_end", "wellbeing_mean_end")
KIND = {"lower": ScalarOutcome.MINIMIZE, "higher": ScalarOutcome.MAXIMIZE, None: ScalarOutcome.INFO}


def run_sidl(scenario: str, days: int, seed: int, **overrides: Any) -> dict[str, float]:
    """One model run; EMA passes the uncertainties and levers by their dotted keys (``variable_name``)."""
    cfg = sim.configure(scenario=scenario, regime="trust_based", seed=seed,
                        overrides={"scenario.days": days, **overrides})
    summary = sim.run_one(cfg).summary
    return {name: summary[name] for name in OUTCOMES}


def sidl_model(scenario: str = "municipality", days: int = 730, seed: int = 1) -> Model:
    """sidl-sim as an EMA model: trust-based work, with each management rule a lever on top."""
    model = Model("sidl", function=run_sidl)
    model.uncertainties = [RealParameter(key.rpartition(".")[2], lo, hi, variable_name=key)
                           for key, (lo, hi) in UNCERTAINTIES.items()]
    model.levers = [BooleanParameter(rule, variable_name=f"regime.{rule}.enabled") for rule in management_rules()]
    model.constants = [Constant("scenario", scenario), Constant("days", days), Constant("seed", seed)]
    model.outcomes = [ScalarOutcome(name, kind=KIND[declared.get(name).better]) for name in OUTCOMES]
    return model


def explore(n_scenarios: int, n_policies: int, sampling_seed: int = 1,
            **model_kw: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run every sampled scenario (uncertainties) under every sampled policy (levers), serially.

    The EMA Workbench (2.5) draws its Latin hypercube samples from numpy's global generator, so
    ``sampling_seed`` seeds that generator first: the same call gives the same experiments.
    """
    np.random.seed(sampling_seed)
    return perform_experiments(sidl_model(**model_kw), scenarios=n_scenarios, policies=n_policies)


def lonely_box(experiments: pd.DataFrame, outcomes: dict[str, Any], quantile: float = 0.75,
               threshold: float = 0.8) -> prim.PrimBox:
    """PRIM: the box of uncertainties and levers where loneliness ends in its top quarter."""
    loneliness = outcomes["loneliness_mean_end"]
    x = experiments.drop(columns=["scenario", "policy", "model"])
    return prim.Prim(x, loneliness > pd.Series(loneliness).quantile(quantile), threshold=threshold).find_box()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=32, help="scenarios sampled over the uncertainties")
    ap.add_argument("--policies", type=int, default=8, help="policies sampled over the rule levers")
    ap.add_argument("--scenario", default="municipality", help="sidl-sim scenario (conf/scenario/)")
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=1, help="the model's seed, the same in every experiment")
    ap.add_argument("--sampling-seed", type=int, default=1, help="seed of the scenario and policy samples")
    args = ap.parse_args()
    experiments, outcomes = explore(args.scenarios, args.policies, args.sampling_seed, scenario=args.scenario,
                                    days=args.days, seed=args.seed)
    box = lonely_box(experiments, outcomes)
    box.inspect(style="table")  # prints the box: its limits, coverage and density


if __name__ == "__main__":
    main()
