"""The organisation: needs assessment, decision, formal plan and weekly schedule.

At assessment each user is granted hours of support a week (mean ~2 h, 1-6 h,
1-3 visits; brief §7), a formal intervention plan of a few activities with one
goal to work toward (002 §1, §3.4), fixed visit weekdays and a regular worker
chosen to balance caseloads (11-16 users per worker).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.schema import Organisation
from sim.world import activities as act
from sim.world.population import UserState

WEEKDAYS = 5
#: Who delivers an activity: the SIDL worker, or another provider (R3).
PROVIDERS: tuple[str, ...] = ("sidl", "social_provider")


@dataclass(frozen=True)
class Assessment:
    """What the organisation decided for each user (arrays indexed by user; changed in place, never rebound)."""

    hours: np.ndarray  # granted hours per week
    visits_per_week: np.ndarray
    visit_minutes: np.ndarray  # planned length of each visit
    weekdays: np.ndarray  # (n, 7) bool: scheduled visit days
    plan: np.ndarray  # (n, N_ACTIVITIES) bool: activities in the formal plan
    goal: np.ndarray  # activity index of the plan's goal (a feared activity)
    regular: np.ndarray  # slot of the user's regular worker


def chance_per_day(per_year: float) -> float:
    """The daily chance that gives ``per_year`` over a year of 365 days (staff turnover)."""
    return 1.0 - (1.0 - per_year) ** (1.0 / 365.0)


def grant_hours(n: int, org: Organisation, rng: np.random.Generator) -> np.ndarray:
    """Granted hours a week: right-skewed around the mean, within [min, max]."""
    lo, hi, mean = org.hours_per_week_min, org.hours_per_week_max, org.hours_per_week_mean
    if hi <= lo:
        return np.full(n, lo)
    shape = org.hours_shape
    extra = rng.gamma(shape, max(mean - lo, 1e-9) / shape, n)
    return np.clip(lo + extra, lo, hi)


def schedule(hours: np.ndarray, org: Organisation, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Visits a week (1-3), their length, and which weekdays they fall on."""
    k = np.clip(np.rint(hours / org.hours_per_visit), 1, 3).astype(int)
    minutes = hours * 60.0 / k
    order = np.argsort(rng.random((hours.shape[0], WEEKDAYS)), axis=1)
    days = np.zeros((hours.shape[0], 7), dtype=bool)
    rows = np.arange(hours.shape[0])
    for j in range(3):
        pick = k > j
        days[rows[pick], order[pick, j]] = True
    return k, minutes, days


def write_plan(state: UserState, org: Organisation, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The formal plan: the most common needs' activities plus one goal.

    The goal is a feared activity the plan says the user should work toward
    ("it says in the plan that we should think about going to the shopping
    centre", 002 §3.4): a feared crowded place, else a trip to town (by public transport
    for those who fear it, see :mod:`sim.model.visits`).
    """
    n = state.n
    plan = np.zeros((n, act.N_ACTIVITIES), dtype=bool)
    core = [act.index(a) for a in ("cleaning", "laundry", "grocery_shopping", "paying_bills", "health_centre")]
    plan[:, core[: org.plan_items]] = True
    extra = max(0, org.plan_items - len(core) - 1)
    pool = np.flatnonzero(act.IS_TASK & ~np.isin(np.arange(act.N_ACTIVITIES), core))
    if extra:
        picks = np.argsort(rng.random((n, pool.size)), axis=1)[:, :extra]
        plan[np.arange(n)[:, None], pool[picks]] = True
    feared = state.fear_place[:, act.PLACE]  # (n, A)
    town = act.index("town_trip")
    goal = np.where(feared.any(axis=1), np.argmax(feared, axis=1), town)
    if org.plan_items > len(core):
        plan[np.arange(n), goal] = True
    return plan, goal


def assign_regular(hours: np.ndarray, n_workers: int) -> np.ndarray:
    """Regular worker per user, balancing granted hours across workers (greedy)."""
    regular = np.empty(hours.shape[0], dtype=int)
    load = np.zeros(n_workers)
    for i in np.argsort(-hours, kind="stable"):
        w = int(np.argmin(load))
        regular[i] = w
        load[w] += hours[i]
    return regular


def assess(state: UserState, org: Organisation, n_workers: int, rng: np.random.Generator) -> Assessment:
    """Assessment, decision, plan and schedule for every user at day 0."""
    hours = grant_hours(state.n, org, rng)
    k, minutes, days = schedule(hours, org, rng)
    plan, goal = write_plan(state, org, rng)
    return Assessment(hours, k, minutes, days, plan, goal, assign_regular(hours, n_workers))


def renew_goals(state: UserState, a: Assessment) -> None:
    """Plan review: a goal the user no longer fears is replaced by one they still fear."""
    n = state.n
    rows = np.arange(n)
    feared = state.fear_place[:, act.PLACE]  # (n, A)
    still = feared[rows, a.goal] | state.fear_transit
    other = feared.copy()
    other[rows, a.goal] = False
    renew = ~still & other.any(axis=1)
    new_goal = np.argmax(other, axis=1)
    a.plan[rows[renew], a.goal[renew]] = False
    a.goal[renew] = new_goal[renew]
    a.plan[rows[renew], a.goal[renew]] = True
