"""Shipped regimes: without SIDL loneliness drifts up and wellbeing down (P8), paired on seeds."""

from __future__ import annotations

import numpy as np

from tests.conftest import run_model

SEEDS = range(1, 9)
CLASSROOM = dict(n_users=12, n_workers=3, days=365)


def changes(**kw):
    out = []
    for seed in SEEDS:
        ts = run_model(seed=seed, **CLASSROOM, **kw).datacollector.get_model_vars_dataframe()
        out.append([ts["loneliness_mean"].iloc[-1] - ts["loneliness_mean"].iloc[0],
                    ts["wellbeing_mean"].iloc[-1] - ts["wellbeing_mean"].iloc[0]])
    return np.array(out)


def test_p8_no_support_lonelier_and_worse_over_a_year_and_worse_than_support():
    none = changes(regime__name="no_support", regime__no_support__enabled=True)
    trust = changes()
    # over 8 classroom worlds (96 users): drift up / down; tolerances ~3 x the seed-to-seed standard error
    assert none[:, 0].mean() > 0.05 and none[:, 1].mean() < -3.0
    assert trust[:, 0].mean() < -0.2 and trust[:, 1].mean() > 3.0
    # paired on seeds: support beats no support in every world
    assert (trust[:, 0] < none[:, 0]).all() and (trust[:, 1] > none[:, 1]).all()
