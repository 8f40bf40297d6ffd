"""R1 rigid plan: content held to the formal plan, its goal pushed on schedule (002 §3.4; 000).

"It says in the plan that we should think about going to the shopping centre
... and it makes me really scared ... it never happened" (002 §3.4): the goal
is pushed every ``push_every_days`` whatever the user's day is like, and the
plan is reviewed once a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p, prob
from sim.rules.base import Rule, register


@register
class RigidPlan(Rule):
    """Visits hold to plan items (a share ``strength`` of them); the goal is pushed on schedule."""

    name = "rigid_plan"
    takes_discretion = True
    priority = 40

    @dataclass
    class Params:
        """R1: content held to the formal plan; its goal pushed on schedule (002 §3.4)."""

        strength: float = prob(1.0, "share of visits held strictly to plan items")
        push_every_days: int = p(14, "days between pushes of the plan's goal, regardless of readiness", 1, 3650)
        review_days: int = p(365, "days between plan reviews (a new goal once the old one is met)", 1, 3650)

    def bind(self, view) -> None:
        super().bind(view)
        self.held = np.zeros(view.n_users, dtype=bool)
        self.next_push = np.full(view.n_users, view.day + self.params.push_every_days)
        self.start = view.day

    def new_users(self, view, users: np.ndarray) -> None:
        """A new user's goal is first pushed ``push_every_days`` after they join."""
        self.next_push[users] = view.day + self.params.push_every_days

    def on_day(self, view) -> None:
        self.held = self.rng.random(view.n_users) < self.params.strength
        since = view.day - self.start
        if since > 0 and since % self.params.review_days == 0:
            view.review_plans()
            view.count_decisions("review", int(np.count_nonzero(view.in_service)))

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        held = self.held[batch.users]
        return mask & (batch.plan | ~held[:, None])

    def pushed_challenges(self, view, batch, mask: np.ndarray) -> np.ndarray:
        due = view.day >= self.next_push[batch.users]
        out = mask.copy()
        out[np.flatnonzero(due), batch.goal[due]] = True
        self.next_push[batch.users[due]] = view.day + self.params.push_every_days
        return out
