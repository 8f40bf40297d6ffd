"""Precomputed trips: the fastest allowed travel mode to every activity, per user.

What a visit may use is a combination of allowed modes (walk, transit, car:
eight combinations) and whether the user fears public transport (two cases).
For each of those sixteen cases the best mode and round-trip minutes to each
activity are computed once at the start, so a day's visits look them up by
index instead of recomputing the same argmin every day (performance: same
result, one lookup).
"""

from __future__ import annotations

import numpy as np

from sim.world import activities as act
from sim.world.places import CAR, NONE, TRANSIT, WALK

N_CASES = 16
#: A case's code: the sum of the bits of its allowed modes (by mode index: none, walk, transit, car)
#: plus FEARS_TRANSIT; the constructor decodes it, :func:`sim.model.kernels.travel` encodes it.
MODE_BIT = np.array([0, 1, 2, 4])
FEARS_TRANSIT = 8


class TripTable:
    """Best mode (int8) and round-trip minutes (float) per case, user and activity."""

    def __init__(self, legs: np.ndarray) -> None:
        one_way = legs[:, act.PLACE, :]  # (n, A, 4)
        n = self.n = one_way.shape[0]
        mode = np.zeros((N_CASES, n, act.N_ACTIVITIES), dtype=np.int8)
        minutes = np.zeros((N_CASES, n, act.N_ACTIVITIES))
        outside = act.OUTSIDE[None, :]
        for code in range(N_CASES):
            allowed = {m: code & MODE_BIT[m] for m in (WALK, TRANSIT, CAR)}
            if code & FEARS_TRANSIT:
                allowed[TRANSIT] = 0
            cost = np.full(one_way.shape, np.inf)
            for m, ok in allowed.items():
                if ok:
                    cost[:, :, m] = 2.0 * one_way[:, :, m]
            best = np.argmin(cost, axis=2)
            best_minutes = np.take_along_axis(cost, best[:, :, None], axis=2)[:, :, 0]
            mode[code] = np.where(outside, np.where(np.isfinite(best_minutes), best, NONE), NONE)
            minutes[code] = np.where(outside, best_minutes, 0.0)
        # row case * n + user: a visit's row is found from its case code (sim.model.kernels.travel)
        self.mode = mode.reshape(N_CASES * n, -1)
        self.minutes = minutes.reshape(N_CASES * n, -1)
        self.transit = np.where(outside, 2.0 * one_way[:, :, TRANSIT], 0.0)

    def replace(self, user: int, other: TripTable) -> None:
        """User ``user``'s trips become those of the one user of ``other`` (a new user in the place, ODD §7.19)."""
        rows = np.arange(N_CASES) * self.n + user
        self.mode[rows] = other.mode
        self.minutes[rows] = other.minutes
        self.transit[user] = other.transit[0]
