"""R1 rigid plan: content held to the formal plan, its goal pushed on schedule (002 §3.4; 000).

"It says in the plan that we should think about going to the shopping centre
... and it makes me really scared ... it never happened" (002 §3.4): the goal
is pushed every ``push_every_days`` whatever the user's day is like, and the
plan is reviewed once a year.
"""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register
from sim.world.organisation import renew_goals


@register
class RigidPlan(Rule):
    """Visits hold to plan items (a share ``strength`` of them); the goal is pushed on schedule."""

    name = "rigid_plan"

    def bind(self, model) -> None:
        super().bind(model)
        n = model.users_state.n
        self.held = np.zeros(n, dtype=bool)
        self.next_push = np.full(n, self.params["push_every_days"])

    def on_day(self, model) -> None:
        self.held = self.rng.random(model.users_state.n) < self.params["strength"]
        if model.day > 0 and model.day % self.params["review_days"] == 0:
            renew_goals(model.users_state, model.assessment)

    def allowed_activities(self, model, batch, mask: np.ndarray) -> np.ndarray:
        held = self.held[batch.users]
        return mask & (batch.plan | ~held[:, None])

    def pushed_challenges(self, model, batch, mask: np.ndarray) -> np.ndarray:
        due = model.day >= self.next_push[batch.users]
        out = mask.copy()
        out[np.flatnonzero(due), batch.goal[due]] = True
        self.next_push[batch.users[due]] = model.day + self.params["push_every_days"]
        return out
