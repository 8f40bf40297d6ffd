"""R5 time monitoring and standard slots (002 §1 on NPM; ref. 19, electronic monitoring of home care).

Every visit is a slot on a fixed day; time is accounted per task, so a talk
or just being there is not a billable activity (talk while doing a task still
happens, unbilled: "we talk a little while he's washing the dishes", 002 §3.3);
the extra documentation is written within the granted visit, so it takes
minutes from the client; route planning hands a share of visits to whichever
worker fits the route, so users meet more different workers (P11). The rule
changes how the granted time is used, not how much is granted: the slot is the
granted visit length unless ``slot_cut`` removes a share of it (the dose of a
budget cut).
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
    """Granted-length slots (less ``slot_cut``), no moving, no talk or presence activities, documentation
    within the visit, route planning."""

    name = "time_monitoring"
    takes_discretion = True
    priority = 70
    overheads = ("monitoring_system",)

    @dataclass
    class Params:
        """R5: standard slots, per-task accounting, documentation, no moving (002 §1; ref. 19)."""

        slot_cut: float = p(0.0, "share of the granted visit length removed from the slot", 0.0, 0.9)
        extra_documentation_minutes: float = p(10.0, "documentation minutes added per visit, taken from its "
                                               "client time", 0.0, 240.0)
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
        slot = minutes * (1.0 - self.params.slot_cut)
        return np.maximum(slot - self.params.extra_documentation_minutes, 0.0)

    def documentation_minutes(self, view, batch, minutes: np.ndarray) -> np.ndarray:
        return minutes + self.params.extra_documentation_minutes

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~NOT_BILLABLE

    def assign_workers(self, view, batch, workers: np.ndarray) -> np.ndarray:
        return np.where(self.route[batch.users], self.other[batch.users], workers)
