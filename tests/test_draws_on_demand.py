"""Visit draws on demand: the rows visits read hold the numbers drawing every row would have given.

:func:`sim.model.kernels.defer_visit_draws` keeps where the day's block of uniforms starts, jumps the
stream past it (:func:`sim.model.kernels.pcg_jump`) and draws the normals; :func:`sim.model.kernels.draw_rows`
draws a row from the kept state (:func:`sim.model.kernels.pcg_uniform`) when a visit reads it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import kernels
from sim.model.model import SIDLModel
from sim.model.visits import VisitDraws
from sim.world.streams import handle, pcg_address
from tests.conftest import make_cfg


def pcg_words(bits: np.random.PCG64) -> np.ndarray:
    state, mask = bits.state["state"], 2**64 - 1
    return np.array([state["state"] & mask, state["state"] >> 64, state["inc"] & mask, state["inc"] >> 64],
                    dtype=np.uint64)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**63), steps=st.integers(0, 2**62))
def test_a_jump_is_numpys_advance_and_a_draw_numpys_random(seed, steps):
    bits = np.random.PCG64(seed)
    s = pcg_words(bits)
    kernels.pcg_jump(s, steps)
    bits.advance(steps)
    assert np.array_equal(s, pcg_words(bits))
    assert [kernels.pcg_uniform(s) for _ in range(5)] == list(np.random.Generator(bits).random(5))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63), n=st.integers(1, 60), k=st.integers(1, 4), data=st.data())
def test_rows_drawn_on_demand_are_the_rows_drawn_at_once_and_the_stream_ends_alike(seed, n, k, data):
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1)))), dtype=np.int64)
    at_once_rng, on_demand_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    at_once, on_demand = VisitDraws.empty(n, k), VisitDraws.empty(n, k, on_demand=True)
    at_once.drawer(handle(at_once_rng))()
    g = handle(on_demand_rng)
    on_demand.drawer(g)()
    assert on_demand.start[0] == 1
    kernels.draw_rows(on_demand, rows[::-1])  # any order
    assert np.array_equal(on_demand.chances[rows], at_once.chances[rows])
    assert np.array_equal(on_demand.taste[rows], at_once.taste[rows])
    assert np.array_equal(on_demand.perception, at_once.perception)
    assert np.array_equal(on_demand_rng.random(3), at_once_rng.random(3))


def test_other_bit_generators_draw_every_row_at_once():
    rng, twin = np.random.Generator(np.random.Philox(4)), np.random.Generator(np.random.Philox(4))
    assert pcg_address(rng) == 0 and pcg_address(np.random.default_rng(1)) != 0
    d = VisitDraws.empty(30, 2, on_demand=True)
    d.drawer(handle(rng))()
    assert d.start[0] == 0
    block = twin.random((30, d.chances.shape[1] + d.taste.shape[1]))
    assert np.array_equal(d.chances, block[:, : d.chances.shape[1]])
    assert np.array_equal(d.perception, twin.standard_normal(30))


def test_a_model_drawing_on_demand_runs_as_one_drawing_every_row():
    on_demand, at_once = SIDLModel(make_cfg(seed=5, days=40)), SIDLModel(make_cfg(seed=5, days=40))
    assert on_demand._visit_draws.start.size
    at_once._visit_draws = VisitDraws.empty(at_once.users_state.n, at_once.params.negotiation.max_activities)
    at_once._draw_visits = at_once._visit_draws.drawer(at_once.streams.handle("visits"))
    on_demand.run()
    at_once.run()
    assert on_demand.visits_made > 0
    for name in ("self_efficacy", "wellbeing", "alliance", "needs", "landscape"):
        assert np.array_equal(getattr(on_demand.users_state, name), getattr(at_once.users_state, name)), name
    for name in ("activity", "minutes", "success"):
        assert np.array_equal(on_demand.events.column(name), at_once.events.column(name)), name
