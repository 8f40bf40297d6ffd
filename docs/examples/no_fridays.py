"""An example of a rule of one's own: no SIDL visits on Fridays (see docs/plugins.md).

It lives outside the package and is switched on without editing it::

    PYTHONPATH=docs/examples python -m sim.run 'regime.extra_rules=[{_target_: no_fridays.NoFridays}]'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.fields import p
from sim.rules import Rule


class NoFridays(Rule):
    """No visit takes place on ``weekday`` (Friday unless told otherwise); the visit is not made up for."""

    name = "no_fridays"

    @dataclass
    class Params:
        weekday: int = p(4, "weekday without visits (0 = Monday ... 6 = Sunday)", 0, 6)

    def visits_today(self, view, due: np.ndarray) -> np.ndarray:
        return np.zeros_like(due) if view.weekday == self.params.weekday else due
