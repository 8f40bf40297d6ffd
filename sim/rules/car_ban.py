"""R2 car ban: the worker may not drive the user (002 §3.4).

Only walking and public transport remain, at the pace and waits of travel with
a user (``model.places``, the same in every regime): "Shorter shopping tours
which had taken maybe 20 min could take hours". An errand that no longer fits
the visit runs it over and takes the time of the user's next visits
(:meth:`sim.model.model.SIDLModel.make_batch`). Users who fear public transport
go on foot, unless brave (the travel choice in :mod:`sim.model.visits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register
from sim.world.places import CAR, TRANSIT, WALK


@register
class CarBan(Rule):
    """No car on a share ``strength`` of visits; trips on foot or by transit slowed by ``travel_factor`` (a dose)."""

    name = "car_ban"
    priority = 10

    @dataclass
    class Params:
        """R2: the worker may not drive the user; walking and public transport only (002 §3.4)."""

        strength: float = prob(1.0, "share of visits without a car")
        travel_factor: float = p(1.0, "extra slow-down of walking/transit trips with a user, beyond their pace "
                                 "and waits (a dose; 1 = none)", 1.0, 10.0)

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
