"""Named random streams and common random numbers."""

import copy
import pickle

import numpy as np
import pytest

from sim.model.model import SIDLModel
from sim.world.streams import Streams, name_key
from tests.conftest import make_cfg


def test_same_name_same_draws_regardless_of_creation_order():
    a, b = Streams(7), Streams(7)
    a["x"], a["y"]
    b["y"]
    assert np.array_equal(a["x"].random(5), b["x"].random(5))


def test_names_give_independent_streams_and_seeds_differ():
    s = Streams(7)
    assert not np.array_equal(s["x"].random(5), s["y"].random(5))
    assert not np.array_equal(Streams(1)["x"].random(5), Streams(2)["x"].random(5))
    assert name_key("visits") == name_key("visits")


def test_regimes_share_users_networks_and_daily_states():
    """Common random numbers: same seed, different regime -> same start and same courage path."""
    trust = SIDLModel(make_cfg(seed=3))
    none = SIDLModel(make_cfg(seed=3, regime__name="no_support", regime__no_support__enabled=True))
    for name in ("loneliness", "self_efficacy", "tie_strength", "landscape", "legs", "courage_trait"):
        assert np.array_equal(getattr(trust.users_state, name), getattr(none.users_state, name)), name
    assert np.array_equal(trust.assessment.weekdays, none.assessment.weekdays)
    for _ in range(30):
        trust.step()
        none.step()
        assert np.array_equal(trust.users_state.courage, none.users_state.courage)


def test_switching_a_rule_on_does_not_shift_unrelated_streams():
    m = SIDLModel(make_cfg(seed=3))
    m.run(5)
    assert "rule:no_support" not in m.streams.names()
    n = SIDLModel(make_cfg(seed=3, regime__no_support__enabled=True))
    n.run(5)
    assert "rule:no_support" in n.streams.names()
    assert np.array_equal(m.streams["turnover"].random(3), n.streams["turnover"].random(3))


def test_a_model_refuses_to_be_copied_rather_than_share_its_streams():
    """A copy's compiled steps would draw from the original's generators (by address)."""
    m = SIDLModel(make_cfg(n_users=20, days=2))
    with pytest.raises(TypeError, match="cannot be copied or pickled"):
        copy.deepcopy(m)
    with pytest.raises(TypeError, match="cannot be copied or pickled"):
        pickle.dumps(m.streams)
