"""R2 car ban: the worker may not drive the user (002 §3.4).

Only walking and public transport remain, and trips with a user take longer
than the timetable says (waiting, a slower pace, transfers): "a 20-minute
shopping trip can take hours". Users who fear public transport can only go
where they can walk, unless brave (handled by the travel choice in
:mod:`sim.model.visits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register
from sim.world.places import CAR, TRANSIT, WALK


@register
class CarBan(Rule):
    """No car on a share ``strength`` of visits; trips on foot or by transit slowed by ``travel_factor``."""

    name = "car_ban"
    priority = 10

    @dataclass
    class Params:
        """R2: the worker may not drive the user; walking and public transport only (002 §3.4)."""

        strength: float = prob(1.0, "share of visits without a car")
        travel_factor: float = p(2.5, "slow-down of walking/transit trips with a user (waits, pace, transfers)",
                                 1.0, 10.0)

    def bind(self, view) -> None:
        super().bind(view)
        self.banned = np.zeros(view.n_users, dtype=bool)

    def on_day(self, view) -> None:
        self.banned = self.rng.random(view.n_users) < self.params.strength

    def travel_modes(self, view, batch, mask: np.ndarray) -> np.ndarray:
        out = mask.copy()
        out[self.banned[batch.users], CAR] = False
        return out

    def travel_factors(self, view, batch, factors: np.ndarray) -> np.ndarray:
        out = factors.copy()
        out[np.flatnonzero(self.banned[batch.users])[:, None], [WALK, TRANSIT]] *= self.params.travel_factor
        return out
