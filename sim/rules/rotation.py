"""R6 rotation: procurement and scheduling change who visits (002 §1, §3.2).

Any free worker may be sent instead of the regular one; the provider is
re-tendered every few years and may change (all staff new); staff turnover
is higher. The alliance and the worker's knowledge of the user are lost
with each change (M8).
"""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register
from sim.world.organisation import chance_per_day


@register
class Rotation(Rule):
    """Visits by any worker (``any_worker_share``), re-tendering, extra turnover."""

    name = "rotation"

    def bind(self, model) -> None:
        super().bind(model)
        self.any = np.zeros(model.users_state.n, dtype=bool)
        self.other = np.zeros(model.users_state.n, dtype=int)
        self.retenders = 0

    def on_day(self, model) -> None:
        n, n_workers = model.users_state.n, model.worker_uid.size
        self.any = self.rng.random(n) < self.params["any_worker_share"]
        self.other = self.rng.integers(0, n_workers, n)
        p_day = chance_per_day(self.params["extra_turnover_per_year"])
        leave, tender = self.rng.random(n_workers), self.rng.random()
        for slot in np.flatnonzero(leave < p_day):
            model.replace_worker(int(slot))
        period = max(1, round(self.params["retender_years"] * 365.25))
        if model.day > 0 and model.day % period == 0 and tender < self.params["provider_change_prob"]:
            self.retenders += 1
            for slot in range(n_workers):
                model.replace_worker(slot)

    def assign_workers(self, model, batch, workers: np.ndarray) -> np.ndarray:
        return np.where(self.any[batch.users], self.other[batch.users], workers)
