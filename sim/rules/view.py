"""What a rule sees of the model: the day (:class:`DayView`) and a day's visits (:class:`VisitBatch`).

Rules never reach into the model. Every hook gets a :class:`DayView`, a
narrow, read-only window on the day with the few actions a rule may take on
the organisation; the hooks about visits also get the day's
:class:`VisitBatch`. The model implements the view
(:class:`sim.model.model.RulesView`); a rule that needs more than this says
so here, in the open, rather than reading the model's internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass
class VisitBatch:
    """Today's visits: who is visited, by which worker slot, for how long; what the rules' hooks see."""

    day: int
    users: np.ndarray  # (V,) user index
    workers: np.ndarray  # (V,) worker slot
    minutes: np.ndarray  # (V,) visit length: the slot
    longest: np.ndarray  # (V,) how long the visit may run for an outside task that does not fit the slot
    plan: np.ndarray  # (V, A) formal plan items of each user
    goal: np.ndarray  # (V,) activity index of each plan's goal
    courage: np.ndarray  # (V,) today's courage
    with_worker: bool = True  # a SIDL visit (relation, talk, dares), not another provider's activity

    @property
    def size(self) -> int:
        return self.users.size


class DayView(Protocol):
    """The day as a rule sees it: when, how many, where users can go alone, and five actions.

    ========================  =========================================================
    member                    what it is
    ========================  =========================================================
    ``day``                   days since the start (day 0 is a Monday; an open cohort's warm-up is before it)
    ``weekday``               0 = Monday ... 6 = Sunday
    ``n_users``               users, indexed 0 .. n_users - 1 (the index hooks see)
    ``n_workers``             worker slots, 0 .. n_workers - 1 (a leaver's slot is refilled)
    ``landscape``             (n_users, places) read-only: places each user uses alone (M5)
    ``in_service``            (n_users,) read-only: places that hold a user in service (ODD §7.19)
    ``stream(name)``          the named random generator (a rule draws from ``rule:<name>``)
    ``handle(name)``          the same stream as compiled kernels draw from it
    ``replace_worker(slot)``  the worker in ``slot`` leaves; a stranger takes over (M8)
    ``provider_visits(...)``  another provider's activities for some users today (R3)
    ``review_plans()``        plan review: a goal no longer feared is replaced (R1)
    ``meet_needs(met)``       one pending task of each marked (user, need) done elsewhere
    ``count_decisions(k, n)`` ``n`` decisions of kind ``k`` made today (priced by kind)
    ========================  =========================================================
    """

    @property
    def day(self) -> int: ...

    @property
    def weekday(self) -> int: ...

    @property
    def n_users(self) -> int: ...

    @property
    def n_workers(self) -> int: ...

    @property
    def landscape(self) -> np.ndarray: ...

    @property
    def in_service(self) -> np.ndarray: ...

    def stream(self, name: str) -> np.random.Generator: ...

    def handle(self, name: str) -> np.ndarray: ...

    def replace_worker(self, slot: int) -> None: ...

    def provider_visits(self, users: np.ndarray, allowed: np.ndarray, provider: str, minutes: float,
                        g: np.ndarray) -> None:
        """``users`` (indices) get a session of ``minutes`` from ``provider`` (a name of
        :data:`sim.world.organisation.PROVIDERS`), limited to the ``allowed`` activities at places they
        reach alone; no relationship, no SIDL rules; draws from the stream with handle ``g``."""

    def review_plans(self) -> None: ...

    def meet_needs(self, met: np.ndarray) -> None:
        """``met``: (n_users, needs) bool; each marked need that is pending loses one task."""

    def count_decisions(self, kind: str, n: int) -> None:
        """``n`` decisions of ``kind`` (``"assessment"``, ``"review"``, ``"application"``) were made today; each
        is priced by ``model.costs.<kind>_sek_per_decision``."""
