"""R6 rotation: procurement and scheduling change who visits (002 §1, §3.2).

Any free worker may be sent instead of the regular one; the provider is
re-tendered every few years and may change (all staff new); staff turnover
is higher. The alliance and the worker's knowledge of the user are lost
with each change (M8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register
from sim.world.organisation import chance_per_day


@register
class Rotation(Rule):
    """Visits by any worker (``any_worker_share``), re-tendering, extra turnover."""

    name = "rotation"
    priority = 50

    @dataclass
    class Params:
        """R6: procurement and scheduling change who visits (002 §1 purchaser-provider, §3.2)."""

        any_worker_share: float = prob(0.5, "share of visits made by any free worker, not the regular one")
        retender_years: float = p(3.0, "years between re-tenderings of the provider", 0.1, 100.0)
        provider_change_prob: float = prob(0.5, "chance a re-tendering changes the provider (all staff new)")
        extra_turnover_per_year: float = prob(0.1, "staff turnover per year on top of the organisation's")

    def bind(self, view) -> None:
        super().bind(view)
        self.any = np.zeros(view.n_users, dtype=bool)
        self.other = np.zeros(view.n_users, dtype=int)
        self.retenders = 0
        self.start = view.day

    def on_day(self, view) -> None:
        n, n_workers = view.n_users, view.n_workers
        self.any = self.rng.random(n) < self.params.any_worker_share
        self.other = self.rng.integers(0, n_workers, n)
        p_day = chance_per_day(self.params.extra_turnover_per_year)
        leave, tender = self.rng.random(n_workers), self.rng.random()
        for slot in np.flatnonzero(leave < p_day):
            view.replace_worker(int(slot))
        period = max(1, round(self.params.retender_years * 365.25))
        since = view.day - self.start
        if since > 0 and since % period == 0 and tender < self.params.provider_change_prob:
            self.retenders += 1
            for slot in range(n_workers):
                view.replace_worker(slot)

    def assign_workers(self, view, batch, workers: np.ndarray) -> np.ndarray:
        return np.where(self.any[batch.users], self.other[batch.users], workers)
