"""Rules at equal cost: at default doses a rule changes how the granted time is used, not how much.

Paid support minutes per user-week: the SIDL worker's minutes (client time, travel with and
between users, documentation) plus the other provider's sessions (R3, counted by the rule,
since an empty session is paid but leaves no row in the event log).
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model.model import SIDLModel
from sim.outputs.summary import summarise
from sim.rules import management_rules

SEEDS = (1, 2)
DAYS = 730


def paid_support_minutes_per_user_week(regime: str, seed: int) -> float:
    m = SIDLModel(sim.configure("municipality", regime, seed=seed, overrides={"scenario.days": DAYS}))
    m.run()
    other = sum(float(rule.provided.sum()) for rule in m.rules if hasattr(rule, "provided"))
    return summarise(m)["worker_minutes_per_user_week"] + other * 7.0 / (m.users_state.n * m.day)


@pytest.fixture(scope="module")
def trust() -> float:
    return float(np.mean([paid_support_minutes_per_user_week("trust_based", s) for s in SEEDS]))


@pytest.mark.parametrize("rule", management_rules())
def test_single_rule_costs_what_trust_based_costs(rule, trust):
    minutes = float(np.mean([paid_support_minutes_per_user_week(rule, s) for s in SEEDS]))
    assert minutes == pytest.approx(trust, rel=0.05)


def test_budget_factor_is_the_dose_of_a_budget_cut():
    def visit_minutes(factor: float) -> float:  # the slots' minutes: what ran over and is not yet repaid aside
        cfg = sim.configure("classroom", seed=3, overrides={"regime.budget_factor": factor, "scenario.days": 60})
        m = SIDLModel(cfg)
        m.run()
        return m.minutes["client"] + m.minutes["travel_with_user"] - m.owed.sum()

    assert visit_minutes(0.5) == pytest.approx(0.5 * visit_minutes(1.0), rel=0.02)
