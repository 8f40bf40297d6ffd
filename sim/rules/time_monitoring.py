"""R5 time monitoring and standard slots (002 §1 on NPM; ref. 19, electronic monitoring of home care).

Every visit is a fixed slot on a fixed day; time is accounted per task, so
talking and just being there are not billable; documentation takes minutes
from each visit; route planning hands a share of visits to whichever worker
fits the route, so users meet more different workers (P11).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register
from sim.world import activities as act

NOT_BILLABLE = (act.CATEGORY == act.TALK) | (act.CATEGORY == act.PRESENCE)


@register
class TimeMonitoring(Rule):
    """Fixed ``slot_minutes`` visits, no moving, no talk or presence, more documentation, route planning."""

    name = "time_monitoring"
    priority = 70

    @dataclass
    class Params:
        """R5: standard slots, per-task accounting, documentation, no moving (002 §1; ref. 19)."""

        slot_minutes: int = p(60, "fixed length of every visit, minutes", 10, 600)
        extra_documentation_minutes: float = p(10.0, "documentation minutes added per visit", 0.0, 240.0)
        route_share: float = prob(0.3, "share of visits given to whichever worker fits the route")

    def bind(self, view) -> None:
        super().bind(view)
        self.route = np.zeros(view.n_users, dtype=bool)
        self.other = np.zeros(view.n_users, dtype=int)

    def on_day(self, view) -> None:
        n = view.n_users
        self.route = self.rng.random(n) < self.params.route_share
        self.other = self.rng.integers(0, view.n_workers, n)

    def can_move_visits(self, view, allowed: bool) -> bool:
        return False

    def visit_minutes(self, view, batch, minutes: np.ndarray) -> np.ndarray:
        return np.full_like(minutes, float(self.params.slot_minutes))

    def documentation_minutes(self, view, batch, minutes: np.ndarray) -> np.ndarray:
        return minutes + self.params.extra_documentation_minutes

    def talk_share(self, view, batch, share: np.ndarray) -> np.ndarray:
        return np.zeros_like(share)

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~NOT_BILLABLE

    def assign_workers(self, view, batch, workers: np.ndarray) -> np.ndarray:
        return np.where(self.route[batch.users], self.other[batch.users], workers)
