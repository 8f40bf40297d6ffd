"""The compiled kernels on small hand-made cases, and their draws against numpy's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba.np.random._constants import ziggurat_nor_r

from sim.model import kernels
from sim.model.dynamics import evening_params, user_arrays
from sim.model.events import EventLog
from sim.model.visits import ACTIVITIES, VisitDraws
from sim.params.schema import ModelParams
from sim.world import activities as act
from sim.world.places import CAR, NONE, TRANSIT, WALK
from sim.world.population import make_users
from sim.world.streams import Streams, handle
from sim.world.trips import FEARS_TRANSIT, MODE_BIT, TripTable


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3000), scale=st.sampled_from([1e-3, 1.0, 1e4]), seed=st.integers(0, 2**32 - 1))
def test_pairwise_sum_is_numpys_sum_bit_for_bit(n, scale, seed):
    """The time-series means must not move in the last digit when computed in a kernel."""
    x = np.random.default_rng(seed).standard_normal(n) * scale
    assert kernels.pairwise_sum(x, 0, n) == x.sum()
    if n > 10:
        assert kernels.pairwise_sum(x, 5, n - 7) == x[5 : n - 2].sum()


def test_event_log_grows_and_keeps_rows_in_visit_then_slot_order():
    log = EventLog(chunk=4)
    activity = np.array([[0, 3, -1], [-1, -1, -1], [5, -1, -1]])
    shape = activity.shape
    slots = kernels.Slots(
        activity=activity, mode=np.zeros(shape, dtype=np.int64), minutes=np.arange(9.0).reshape(shape),
        travel=np.zeros(shape), together=np.ones(shape, dtype=bool), challenge=np.zeros(shape, dtype=bool),
        fit=np.ones(shape), wanted=np.ones(shape, dtype=bool), success=np.ones(shape, dtype=bool),
        user_top=np.zeros(3, dtype=np.int64),
    )
    for day in range(3):
        columns, row = log.reserve(activity.size)
        end = kernels.log_visits(columns, row, day, 0, np.array([7, 8, 9]), np.array([1, 1, 2]),
                                 np.ones((3, act.N_ACTIVITIES), dtype=bool), ACTIVITIES, slots)
        log.advance(end)
    assert log.rows == 9 and len(log._chunks) == 3  # room for a day's 9 possible rows is never left in a used chunk
    frame = log.frame()
    assert list(frame.columns) == list(kernels.EventColumns._fields)
    assert frame["day"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert frame["user_id"].tolist() == [7, 7, 9] * 3
    assert frame["minutes"].tolist() == [0.0, 1.0, 6.0] * 3
    assert frame["activity"].tolist() == [act.NAMES[0], act.NAMES[3], act.NAMES[5]] * 3


def test_move_visits_moves_only_to_a_free_weekday_and_counts_first_moves():
    weekdays = np.zeros((4, 7), dtype=bool)
    weekdays[:, 0] = True
    weekdays[3, 1] = True  # user 3 is already visited tomorrow
    due = np.array([True, True, False, True])
    courage = np.array([0.1, 0.9, 0.1, 0.1])
    pushed = np.array([0, 0, 0, 0])
    pending = np.zeros(4, dtype=bool)
    moved, users = kernels.move_visits(due, weekdays, 1, courage, 0.3, pushed, 2, pending, True)
    assert moved == 1 and due.tolist() == [False, True, False, True] and users.tolist() == [1, 3]
    assert pending.tolist() == [True, False, False, False] and pushed.tolist() == [1, 0, 0, 0]
    friday, _ = kernels.move_visits(np.array([True]), np.zeros((1, 7), dtype=bool), 5, np.array([0.0]), 0.3,
                                    np.array([0]), 2, np.zeros(1, dtype=bool), True)
    assert friday == 0  # no moves into the weekend
    due, pending = np.array([True, True, False, True]), np.array([True, False, False, False])
    banned, users = kernels.move_visits(due, weekdays, 1, courage, 0.3, pushed, 2, pending, False)
    assert banned == 0 and users.tolist() == [0, 1, 3] and not pending.any()  # time monitoring: no moves


def test_travel_uses_the_fastest_allowed_mode_and_transit_only_when_dared():
    legs = np.zeros((1, 14, 4))
    legs[0, :, WALK], legs[0, :, TRANSIT], legs[0, :, CAR] = 30.0, 20.0, 10.0
    t = TripTable(legs)
    trips = kernels.TripArrays(mode=t.mode, minutes=t.minutes, transit_minutes=t.transit, n_users=t.n,
                               mode_bit=MODE_BIT, fears_bit=FEARS_TRANSIT, transit=TRANSIT)
    s = make_users(1, ModelParams(), Streams(0))
    s.fear_transit[:], s.fear_place[:] = True, False
    modes = np.array([[False, True, True, False], [False, True, True, False]])  # no car
    a_n = act.N_ACTIVITIES
    out = kernels.TravelOptions(np.empty((2, a_n), dtype=np.int8), np.empty((2, a_n)), np.empty((2, a_n), dtype=bool))

    def trips_with(factors: np.ndarray) -> None:
        terms = kernels.HookTerms(np.ones((2, a_n), dtype=bool), modes, factors, np.zeros((2, a_n), dtype=bool),
                                  np.zeros(2), np.zeros(2))
        kernels.travel(np.array([0, 0]), user_arrays(s), terms, trips, ACTIVITIES, np.array([False, True]), out)

    trips_with(np.ones((2, 4)))
    mode, minutes, feared, outside = out.mode, out.minutes, out.feared, act.OUTSIDE
    assert (mode[0, outside] == WALK).all() and (minutes[0, outside] == 60.0).all() and not feared[0].any()
    assert (mode[1, outside] == TRANSIT).all() and (minutes[1, outside] == 40.0).all() and feared[1, outside].all()
    assert (mode[:, ~outside] == NONE).all() and (minutes[:, ~outside] == 0.0).all()
    slow_transit = np.ones((2, 4))
    slow_transit[:, TRANSIT] = 1.5
    trips_with(slow_transit)  # the rules' factor lengthens trips by the chosen mode only
    assert (minutes[0, outside] == 60.0).all() and (minutes[1, outside] == 60.0).all()
    assert (mode[1, outside] == TRANSIT).all()


def twin_streams(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.ndarray]:
    """Two generators in the same state; kernels draw from the second through its handle."""
    b = np.random.default_rng(seed)
    return np.random.default_rng(seed), b, handle(b)


def test_visit_draws_are_numpys_numbers_and_leave_the_stream_where_numpy_would():
    """The visit block as ``rng.random((n, k + A))`` then ``rng.standard_normal(n)`` would draw it."""
    numpy_rng, kernel_rng, g = twin_streams(11)
    n = 100_000  # enough normals that the ziggurat's tail is drawn too
    d = VisitDraws.empty(n, 1)
    d.drawer(g)()
    block = numpy_rng.random((n, d.chances.shape[1] + act.N_ACTIVITIES))
    assert np.array_equal(d.chances, block[:, : d.chances.shape[1]])
    assert np.array_equal(d.taste, (block[:, d.chances.shape[1]:] - 0.5) * np.sqrt(12.0))
    assert np.array_equal(d.perception, numpy_rng.standard_normal(n))
    assert (np.abs(d.perception) > ziggurat_nor_r).any()
    assert np.array_equal(kernel_rng.random(5), numpy_rng.random(5))  # same state afterwards


RATES = st.one_of(st.just(0.0), st.floats(1e-4, 9.99), st.floats(10.0, 500.0))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**63), rates=st.lists(RATES, min_size=4, max_size=4))
def test_needs_arrive_as_numpys_poisson_counts_below_and_above_ten(seed, rates):
    """One kind at a time, as ``rng.poisson(rate, n)`` per kind: multiplication below 10, PTRS above."""
    numpy_rng, kernel_rng, g = twin_streams(seed)
    needs = np.zeros((500, 4))
    kernels.add_needs(needs, g, np.array(rates), 1e9)
    assert np.array_equal(needs, np.stack([numpy_rng.poisson(r, 500) for r in rates], axis=1))
    assert kernel_rng.random() == numpy_rng.random()


def test_formulas_numpy_runs_on_arrays_are_the_kernels_own():
    """A formula written once: its Python original on arrays gives what the compiled one gives per element."""
    rng = np.random.default_rng(3)
    x, y, z = rng.random(50), rng.random(50), rng.random(50)
    p = evening_params(ModelParams())
    cases = [
        (kernels.loneliness_level, (x * 10, y - 0.5, p)),
        (kernels.wellbeing_level, (x, y, z, np.floor(x * 20), np.floor(y * 6), z[::-1], (x - 0.5) * 0.2, p)),
        (kernels.outing_chance, (x, np.floor(y * 13), p)),
        (kernels.contact_drive, (x, y, z, p)),
        (kernels.ucla3, (x,)),
        (kernels.wemwbs, (x,)),
    ]
    for formula, args in cases:
        on_arrays = formula.py_func(*args)
        per_element = [formula(*(a[i] if isinstance(a, np.ndarray) else a for a in args)) for i in range(50)]
        np.testing.assert_allclose(on_arrays, per_element, rtol=1e-13, err_msg=formula.__name__)
