"""R4 in-home only: the SIDL worker may not work outside the user's home (002 §4.2).

Outside tasks go to "specialised professions" (home delivery, another
service) at a slow rate, or are not done; either way the user neither goes
out nor learns to.
"""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register
from sim.world import activities as act

OUTSIDE_NEEDS = [act.NEED_NAMES.index("shopping"), act.NEED_NAMES.index("service")]


@register
class InHomeOnly(Rule):
    """Only activities at home; outside needs met elsewhere at ``elsewhere_rate`` per day."""

    name = "in_home_only"

    def on_day(self, model) -> None:
        needs = model.users_state.needs
        met = (self.rng.random((needs.shape[0], len(OUTSIDE_NEEDS))) < self.params["elsewhere_rate"])
        needs[:, OUTSIDE_NEEDS] -= met & (needs[:, OUTSIDE_NEEDS] >= 1)

    def allowed_activities(self, model, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~act.OUTSIDE
