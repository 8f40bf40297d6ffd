"""R2 car ban: the worker may not drive the user (002 §3.4).

Only walking and public transport remain, and trips with a user take longer
than the timetable says (waiting, a slower pace, transfers): "a 20-minute
shopping trip can take hours". Users who fear public transport can only go
where they can walk, unless brave (handled by the travel choice in
:mod:`sim.model.visits`).
"""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register
from sim.world.places import CAR, TRANSIT, WALK


@register
class CarBan(Rule):
    """No car on a share ``strength`` of visits; trips on foot or by transit slowed by ``travel_factor``."""

    name = "car_ban"

    def bind(self, model) -> None:
        super().bind(model)
        self.banned = np.zeros(model.users_state.n, dtype=bool)

    def on_day(self, model) -> None:
        self.banned = self.rng.random(model.users_state.n) < self.params["strength"]

    def travel_modes(self, model, batch, mask: np.ndarray) -> np.ndarray:
        out = mask.copy()
        out[self.banned[batch.users], CAR] = False
        return out

    def travel_factors(self, model, batch, factors: np.ndarray) -> np.ndarray:
        out = factors.copy()
        out[np.flatnonzero(self.banned[batch.users])[:, None], [WALK, TRANSIT]] *= self.params["travel_factor"]
        return out
