"""R3 split social intervention (002 §3.4, §4.2).

Social and pleasure activities are no longer part of SIDL. The user applies
for a separate intervention; a decision comes after ``decision_days`` and may
be a refusal (then a new application after ``reapply_days``). If granted,
another provider delivers a few social activities a month, without the
relationship: no alliance, no knowledge of the user, no push to dare.
"""

from __future__ import annotations

import numpy as np

from sim.model.events import PROVIDERS
from sim.rules.base import Rule, register
from sim.world import activities as act

PROVIDER = PROVIDERS.index("social_provider")
DAYS_PER_MONTH = 365.25 / 12


@register
class SplitSocial(Rule):
    """No social activities in SIDL; an application queue and another provider instead."""

    name = "split_social"

    def bind(self, model) -> None:
        super().bind(model)
        n = model.users_state.n
        self.granted = np.zeros(n, dtype=bool)
        self.decision_day = np.full(n, self.params["decision_days"])  # everyone applies at day 0
        self.granted_day = np.full(n, -1)
        self.refusals = 0

    def on_day(self, model) -> None:
        n, day = model.users_state.n, model.day
        decide_draw, deliver_draw = self.rng.random((2, n))
        decide = ~self.granted & (self.decision_day == day)
        refused = decide & (decide_draw < self.params["refusal_prob"])
        self.refusals += int(refused.sum())
        self.decision_day[refused] = day + self.params["reapply_days"] + self.params["decision_days"]
        newly = decide & ~refused
        self.granted |= newly
        self.granted_day[newly] = day
        rate = self.params["activities_per_month"] / DAYS_PER_MONTH
        users = np.flatnonzero(self.granted & (deliver_draw < rate))
        if users.size:
            model.provider_visits(users, act.IS_SOCIAL, PROVIDER, self.params["session_minutes"], self.handle)

    def allowed_activities(self, model, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~act.IS_SOCIAL
