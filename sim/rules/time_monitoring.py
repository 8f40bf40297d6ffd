"""R5 time monitoring and standard slots (002 §1 on NPM; ref. 19, electronic monitoring of home care).

Every visit is a fixed slot on a fixed day; time is accounted per task, so
talking and just being there are not billable; documentation takes minutes
from each visit; route planning hands a share of visits to whichever worker
fits the route, so users meet more different workers (P11).
"""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register
from sim.world import activities as act

NOT_BILLABLE = (act.CATEGORY == act.TALK) | (act.CATEGORY == act.PRESENCE)


@register
class TimeMonitoring(Rule):
    """Fixed ``slot_minutes`` visits, no moving, no talk or presence, more documentation, route planning."""

    name = "time_monitoring"

    def bind(self, model) -> None:
        super().bind(model)
        self.route = np.zeros(model.users_state.n, dtype=bool)
        self.other = np.zeros(model.users_state.n, dtype=int)

    def on_day(self, model) -> None:
        n = model.users_state.n
        self.route = self.rng.random(n) < self.params["route_share"]
        self.other = self.rng.integers(0, model.worker_uid.size, n)

    def can_move_visits(self, model, allowed: bool) -> bool:
        return False

    def visit_minutes(self, model, batch, minutes: np.ndarray) -> np.ndarray:
        return np.full_like(minutes, float(self.params["slot_minutes"]))

    def documentation_minutes(self, model, batch, minutes: np.ndarray) -> np.ndarray:
        return minutes + self.params["extra_documentation_minutes"]

    def talk_share(self, model, batch, share: np.ndarray) -> np.ndarray:
        return np.zeros_like(share)

    def allowed_activities(self, model, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~NOT_BILLABLE

    def assign_workers(self, model, batch, workers: np.ndarray) -> np.ndarray:
        return np.where(self.route[batch.users], self.other[batch.users], workers)
