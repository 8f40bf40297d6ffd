"""Shared helpers: configs from dotted keys, small models run quickly."""

from __future__ import annotations

from typing import Any

import pytest

from sim.config.validate import config_from_dict, nested
from sim.model.model import SIDLModel


def make_cfg(n_users: int = 60, n_workers: int = 5, days: int = 120, seed: int = 1, **dotted: Any):
    """A validated config; ``dotted`` keys use ``__`` for dots (``model__talk__spark_prob``)."""
    keys = {k.replace("__", "."): v for k, v in dotted.items()}
    keys.update({"scenario.n_users": n_users, "scenario.n_workers": n_workers, "scenario.days": days, "seed": seed})
    return config_from_dict(nested(keys))


def run_model(**kw: Any) -> SIDLModel:
    m = SIDLModel(make_cfg(**kw))
    m.run()
    return m


@pytest.fixture
def cfg_factory():
    return make_cfg
