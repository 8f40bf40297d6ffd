"""The EMA Workbench recipe (docs/examples/ema_prim.py) runs, small: its levers are the registry's management rules,
each experiment is the run sim.run_one gives for the same config, and PRIM finds a box. Needs the ``ema`` extra."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.rules import management_rules

pytest.importorskip("ema_workbench")

RECIPE = Path(__file__).parent.parent / "docs" / "examples" / "ema_prim.py"


@pytest.fixture(scope="module")
def recipe():
    spec = importlib.util.spec_from_file_location("ema_prim", RECIPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def explored(recipe):
    return recipe.explore(6, 4, sampling_seed=1, scenario="classroom", days=60, seed=2)


def test_levers_are_the_management_rules_and_uncertainties_have_odd_ranges(recipe):
    model = recipe.sidl_model()
    assert [lever.name for lever in model.levers] == management_rules()
    assert {u.variable_name[0]: (u.lower_bound, u.upper_bound) for u in model.uncertainties} == recipe.UNCERTAINTIES


def test_each_experiment_is_the_models_run_of_its_config(recipe, explored):
    experiments, outcomes = explored
    assert len(experiments) == 24 and set(outcomes) == set(recipe.OUTCOMES)
    for i in (0, 13):
        row = experiments.iloc[i]
        overrides = {"scenario.days": 60, **{key: row[key.rpartition(".")[2]] for key in recipe.UNCERTAINTIES},
                     **{f"regime.{rule}.enabled": bool(row[rule]) for rule in management_rules()}}
        summary = sim.run_one(sim.configure(scenario="classroom", seed=2, overrides=overrides)).summary
        assert all(outcomes[name][i] == summary[name] for name in recipe.OUTCOMES)
    by_policy = experiments.assign(y=outcomes["loneliness_mean_end"]).groupby("scenario", observed=True)["y"]
    assert (by_policy.nunique() > 1).all()  # the levers change the outcome within a scenario


def test_the_same_sampling_seed_gives_the_same_experiments(recipe, explored):
    again, _ = recipe.explore(6, 4, sampling_seed=1, scenario="classroom", days=1, seed=2)
    keys = [*(key.rpartition(".")[2] for key in recipe.UNCERTAINTIES), *management_rules()]
    pd.testing.assert_frame_equal(again[keys], explored[0][keys])


def test_prim_finds_a_box_where_loneliness_ends_high(recipe, explored):
    experiments, outcomes = explored
    box = recipe.lonely_box(experiments, outcomes)
    lonely = outcomes["loneliness_mean_end"] > np.quantile(outcomes["loneliness_mean_end"], 0.75)
    assert box.density >= lonely.mean() and 0 < box.coverage <= 1 and box.res_dim >= 1  # restricts something
