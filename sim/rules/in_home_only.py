"""R4 in-home only: the SIDL worker may not work outside the user's home (002 §4.2).

Outside tasks go to "specialised professions" (home delivery, another
service) at a slow rate, or are not done; either way the user neither goes
out nor learns to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import prob
from sim.rules.base import Rule, register
from sim.world import activities as act

OUTSIDE_NEEDS = [act.NEED_NAMES.index("shopping"), act.NEED_NAMES.index("service")]


@register
class InHomeOnly(Rule):
    """Only activities at home; outside needs met elsewhere at ``elsewhere_rate`` per day."""

    name = "in_home_only"
    takes_discretion = True
    priority = 20

    @dataclass
    class Params:
        """R4: the SIDL worker may not work outside the user's home (002 §4.2)."""

        elsewhere_rate: float = prob(0.05, "chance per day an outside need is met by another service instead")

    def on_day(self, view) -> None:
        met = np.zeros((view.n_users, act.N_NEEDS), dtype=bool)
        met[:, OUTSIDE_NEEDS] = self.rng.random((view.n_users, len(OUTSIDE_NEEDS))) < self.params.elsewhere_rate
        view.meet_needs(met)

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~act.OUTSIDE
