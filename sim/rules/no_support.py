"""The counterfactual regime: SIDL is not granted (P8)."""

from __future__ import annotations

import numpy as np

from sim.rules.base import Rule, register


@register
class NoSupport(Rule):
    """No visit ever takes place, and no SIDL workforce is employed (its cost is zero)."""

    name = "no_support"
    priority = 30
    restricts = False
    employs_staff = False

    def visits_today(self, view, due: np.ndarray) -> np.ndarray:
        return np.zeros_like(due)
