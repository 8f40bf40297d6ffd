"""R3 split social intervention (002 §3.4, §4.2).

Social and pleasure activities are no longer part of SIDL. A share
``take_up`` of users applies for a separate intervention (not everyone does);
a decision comes after ``decision_days`` and may be a refusal (then a new
application after ``reapply_days``). If granted, another provider delivers a
few social activities a month, without the relationship: a stranger's
alliance, no knowledge of the user, no push to dare. The other provider's
minutes are part of the same support budget: the SIDL grant is reassessed down
by them, each session's minutes coming off the user's next SIDL visits, and
a new session waits until the last one has come off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register
from sim.world import activities as act

DAYS_PER_MONTH = 365.25 / 12


@register
class SplitSocial(Rule):
    """No social activities in SIDL; an application queue and another provider instead, within the same budget."""

    name = "split_social"
    priority = 60

    @dataclass
    class Params:
        """R3: social activities leave SIDL for a separate, applied-for intervention (002 §3.4, §4.2)."""

        decision_days: int = p(90, "days from application to decision", 0, 3650)
        refusal_prob: float = prob(0.3, "chance an application is refused")
        reapply_days: int = p(365, "days after a refusal before the user applies again", 1, 3650)
        activities_per_month: float = p(1.0, "social activities a month the other provider delivers", 0.0, 31.0)
        session_minutes: int = p(120, "length of the other provider's session, travel included, minutes", 10, 600)
        take_up: float = prob(0.7, "share of users who apply for the separate intervention")

    def bind(self, view) -> None:
        super().bind(view)
        n = view.n_users
        self.granted = np.zeros(n, dtype=bool)
        self.applies = np.zeros(n, dtype=bool)
        self.decision_day = np.full(n, -1)
        self.granted_day = np.full(n, -1)
        self.refusals = 0
        self.provided = np.zeros(n)  # the other provider's minutes so far (a session is paid even if empty)
        self.owed = np.zeros(n)  # ... of which not yet taken off the SIDL grant
        self.new_users(view, np.arange(n))

    def new_users(self, view, users: np.ndarray) -> None:
        """The users apply (a share ``take_up`` of them) when the rule starts, or when they join."""
        self.applies[users] = self.rng.random(users.size) < self.params.take_up
        self.decision_day[users] = np.where(self.applies[users], view.day + self.params.decision_days, -1)
        self.granted[users], self.granted_day[users] = False, -1
        self.provided[users], self.owed[users] = 0.0, 0.0

    def on_day(self, view) -> None:
        n, day = view.n_users, view.day
        decide_draw, deliver_draw = self.rng.random((2, n))
        decide = ~self.granted & (self.decision_day == day)
        refused = decide & (decide_draw < self.params.refusal_prob)
        view.count_decisions("application", int(decide.sum()))
        self.refusals += int(refused.sum())
        self.decision_day[refused] = day + self.params.reapply_days + self.params.decision_days
        newly = decide & ~refused
        self.granted |= newly
        self.granted_day[newly] = day
        rate = self.params.activities_per_month / DAYS_PER_MONTH
        users = np.flatnonzero(self.granted & view.in_service & (deliver_draw < rate) & (self.owed == 0))
        if users.size:
            view.provider_visits(users, act.IS_SOCIAL, "social_provider", self.params.session_minutes, self.handle)
            self.provided[users] += self.params.session_minutes
            self.owed[users] += self.params.session_minutes

    def visit_minutes(self, view, batch, minutes: np.ndarray) -> np.ndarray:
        cut = np.minimum(self.owed[batch.users], minutes)
        self.owed[batch.users] -= cut
        return minutes - cut

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        return mask & ~act.IS_SOCIAL
