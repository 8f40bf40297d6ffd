"""The open cohort (ODD §7.19): referrals wait for a place, decisions are reviewed and end, new users join.

The service has ``scenario.n_users`` places, the model's user slots. Each day, before the rules' own events:

1. **Referrals** arrive (Poisson, ``referrals_per_year`` per place) and join the waiting list.
2. **Moves**: a user in service moves away with the daily chance of ``moved_per_year``.
3. **Reviews**: a decision due for review is reviewed (one ``review`` decision). The user declines further
   support with ``declined_prob``; a user whose WEMWBS has risen by the important change (3 points) since
   admission leaves improved with ``improved_exit_prob``; otherwise the decision is renewed and its next
   review falls 6-12 months on (``review_months_min``-``review_months_max``, uniform).
4. **Admissions**: each free place is taken by the longest-waiting referral, a new person drawn as the
   first users were and after the same life without support before admission (P9), assessed (one
   ``assessment`` decision) and given to the worker with the fewest granted hours: a new relationship.

Everything draws from the streams ``referrals`` (arrivals, moves, reviews) and ``referral:<k>`` (the k-th
person admitted), so the same seed gives the same flow whatever the regime, until regimes make users differ.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model import reporters
from sim.model.events import EXIT_REASONS
from sim.params.schema import OpenCohort
from sim.world.organisation import assess, chance_per_day

DAYS_PER_MONTH = 365.25 / 12


@dataclass
class CohortAccounts:
    """What the open cohort did since day 0: counts for ``summary.json`` and the cohort's outcomes."""

    referrals: int = 0
    admissions: int = 0
    reviews: int = 0
    exits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXIT_REASONS, 0))
    waiting_days: float = 0.0  # summed over admissions
    empty_place_days: int = 0
    #: (UCLA-3 change, WEMWBS change, days in service) of each user referred after day 0 who has left.
    cohort_left: list[tuple[float, float, int]] = field(default_factory=list)


class Cohort:
    """The flow of users through a model's places (:mod:`sim.model.cohort`); ``step`` is the day's flow."""

    def __init__(self, model: Any, pars: OpenCohort) -> None:
        n = model.users_state.n
        self.model, self.pars = model, pars
        self.rng = model.streams["referrals"]
        self.in_service = np.ones(n, dtype=bool)
        self.referred = np.full(n, model.day, dtype=np.int64)  # day the person in each place was referred
        self.admitted = np.full(n, model.day, dtype=np.int64)
        self.entry = {k: f(model) for k, f in reporters.USER_SNAPSHOT.items()}  # at admission
        self.next_review = model.day + self._review_after(n)
        self.waiting: deque[int] = deque()  # referral days, oldest first
        self.admitted_total = 0  # persons admitted so far (numbers their streams)
        self.p_referral = pars.referrals_per_year * n / 365.25
        self.p_move = chance_per_day(pars.moved_per_year)
        self.accounts = CohortAccounts()

    def _review_after(self, k: int) -> np.ndarray:
        lo, hi = self.pars.review_months_min, self.pars.review_months_max
        return np.rint(self.rng.uniform(lo, hi, k) * DAYS_PER_MONTH).astype(np.int64)

    def open_accounts(self) -> None:
        """Count from today (day 0 after a warm-up)."""
        self.accounts = CohortAccounts()

    def step(self) -> None:
        """Today's referrals, moves, reviews and admissions."""
        m, pars, day, acc = self.model, self.pars, self.model.day, self.accounts
        arrivals = int(self.rng.poisson(self.p_referral))
        self.waiting.extend([day] * arrivals)
        acc.referrals += arrivals
        m.service_events.add("referral", day, np.full(arrivals, -1), np.full(arrivals, -1))
        n = self.in_service.size
        moved, decline, improve = self.rng.random((3, n))
        self.leave(np.flatnonzero(self.in_service & (moved < self.p_move)), "moved")
        due = np.flatnonzero(self.in_service & (self.next_review <= day))
        if due.size:
            acc.reviews += due.size
            m.decisions["review"] += due.size
            self._log("review", due)
            gain = reporters.wemwbs(m.users_state.wellbeing[due]) - self.entry["wellbeing"][due]
            improved = (gain >= reporters.WEMWBS_IMPORTANT_CHANGE) & (improve[due] < pars.improved_exit_prob)
            declined = ~improved & (decline[due] < pars.declined_prob)
            self.leave(due[improved], "improved")
            self.leave(due[declined], "declined")
            renewed = due[~improved & ~declined]
            self.next_review[renewed] = day + self._review_after(renewed.size)
        free = np.flatnonzero(~self.in_service)
        if free.size and self.waiting:
            self.admit(free[: len(self.waiting)])
        acc.empty_place_days += int(n - self.in_service.sum())

    def leave(self, places: np.ndarray, reason: str) -> None:
        """The users in ``places`` leave the service for ``reason`` (:data:`EXIT_REASONS`)."""
        if places.size == 0:
            return
        m, acc = self.model, self.accounts
        self._log("exit", places, reason)
        acc.exits[reason] += places.size
        acc.cohort_left += self._changes(places[self.referred[places] > 0])
        self.in_service[places] = False
        m.leave_service(places)

    def admit(self, places: np.ndarray) -> None:
        """The longest-waiting referrals take ``places``: new people, assessed, each with a new regular worker."""
        m, acc = self.model, self.accounts
        referred = np.array([self.waiting.popleft() for _ in range(places.size)], dtype=np.int64)
        for place in places.tolist():
            stream = f"referral:{self.admitted_total}"
            self.admitted_total += 1
            person = m.new_user(place, stream)
            a = assess(person, m.params.organisation, m.worker_uid.size, m.streams[stream])
            m.admit(place, a)
        self.in_service[places] = True
        self.referred[places], self.admitted[places] = referred, m.day
        for k, f in reporters.USER_SNAPSHOT.items():
            self.entry[k][places] = f(m)[places]
            if m.day >= 0:  # users.parquet's <x>_start: on day 0, or at admission if later
                m.start[k][places] = self.entry[k][places]
        self.next_review[places] = m.day + self._review_after(places.size)
        m.decisions["assessment"] += places.size
        acc.admissions += places.size
        acc.waiting_days += float((m.day - referred).sum())
        self._log("admission", places)

    def _log(self, event: str, places: np.ndarray, reason: str = "") -> None:
        """``service_events.parquet`` rows of today's ``event`` for the users in ``places`` and their regular worker."""
        m = self.model
        m.service_events.add(event, m.day, m.user_uid[places], m.worker_uid[m.assessment.regular[places]], reason)

    def referred_share(self) -> float:
        """Share of the users in service referred after day 0 (0 with no one in service)."""
        live = np.count_nonzero(self.in_service)
        return np.count_nonzero(self.in_service & (self.referred > 0)) / live if live else 0.0

    def cohort_changes(self) -> np.ndarray:
        """(k, 3): UCLA-3 change, WEMWBS change and days in service since admission of every user referred after
        day 0 and admitted, those who left (at leaving) and those still in service (today)."""
        rows = self.accounts.cohort_left + self._changes(np.flatnonzero(self.in_service & (self.referred > 0)))
        return np.array(rows, dtype=float).reshape(-1, 3)

    def _changes(self, places: np.ndarray) -> list[tuple[float, float, int]]:
        """(UCLA-3 change, WEMWBS change, days in service) since admission of the users in ``places``, today."""
        if places.size == 0:
            return []
        m = self.model
        now = {k: reporters.USER_SNAPSHOT[k](m)[places] - self.entry[k][places] for k in ("loneliness", "wellbeing")}
        days = m.day - self.admitted[places]
        return list(zip(now["loneliness"].tolist(), now["wellbeing"].tolist(), days.tolist(), strict=True))
