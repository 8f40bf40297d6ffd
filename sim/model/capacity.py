"""Worker capacity (ODD §7.17): a worker's day must hold the visits booked to them.

Each worker's day holds ``working_minutes_per_day`` less admin plus at most ``overtime_minutes_max``.
A visit takes its planned minutes plus travel to the home and documentation (fixed per visit). Where a
worker's booked day does not fit, the worker keeps as many visits as fit at ``min_visit_minutes`` each,
the longest planned first (the shortest, the least granted, are cancelled first; ties by batch order),
and shortens the kept ones until the day fits: each keeps ``min_visit_minutes`` (or its planned minutes,
if fewer) and the same share of its minutes above that. The check reads the planned minutes before
the visit: an outside task may still run a visit over its slot (``visit_minutes_max``, the owed minutes).
Vectorised over the batch with one sort and ``numpy.bincount`` over workers, no loop over visits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Fit:
    """What the day's fit did to a batch: new minutes, visits kept, and counts."""

    minutes: np.ndarray
    kept: np.ndarray
    cancelled: int
    shortened: int
    unmet_minutes: float
    overtime_minutes: float


def booked(workers: np.ndarray, minutes: np.ndarray, n_workers: int, fixed_per_visit: float) -> np.ndarray:
    """Minutes booked to each of ``n_workers`` slots: its visits' ``minutes`` plus ``fixed_per_visit`` each
    (``workers``: the slot of each visit, or -1 for a visit booked to no one, which counts for no slot)."""
    w = np.where(workers >= 0, workers, n_workers)
    return np.bincount(w, minutes + fixed_per_visit, minlength=n_workers + 1)[:n_workers]


def fit_day(workers: np.ndarray, minutes: np.ndarray, n_workers: int, day_minutes: float, overtime_max: float,
            fixed_per_visit: float, min_visit: float) -> Fit:
    """Fit the visits booked to each worker (``workers``: slot, or -1 for none) into their day.

    ``day_minutes`` is the contracted day left for visits, ``overtime_max`` the most a worker works over it,
    ``fixed_per_visit`` travel plus documentation per visit.
    """
    v = minutes.size
    w = np.where(workers >= 0, workers, n_workers)
    need = booked(workers, minutes, n_workers, fixed_per_visit)
    cap = day_minutes + overtime_max
    over = need > cap
    if not over.any():
        overtime = float(np.clip(need - day_minutes, 0.0, None).sum())
        return Fit(minutes, np.ones(v, dtype=bool), 0, 0, 0.0, overtime)
    over_x = np.append(over, False)[w]
    order = np.lexsort((np.arange(v), -minutes, w))
    ws = w[order]
    first = np.searchsorted(ws, ws, side="left")
    rank = np.empty(v, dtype=np.int64)
    rank[order] = np.arange(v) - first
    room = np.floor(cap / (min_visit + fixed_per_visit)) if min_visit + fixed_per_visit > 0 else np.inf
    kept = ~over_x | (rank < room)
    kw = np.where(kept, w, n_workers)
    base = np.minimum(minutes, min_visit)
    excess = np.bincount(kw, minutes - base, minlength=n_workers + 1)
    count = np.bincount(kw, minlength=n_workers + 1)
    free = np.maximum(cap - count * fixed_per_visit - np.bincount(kw, base, minlength=n_workers + 1), 0.0)
    share = np.where(excess > free, free / np.maximum(excess, 1e-12), 1.0)
    share[n_workers] = 1.0
    new = np.where(over_x, base + (minutes - base) * share[w], minutes) * kept
    shortened = int((kept & (new < minutes)).sum())
    unmet = float((minutes - new).sum())
    used = booked(np.where(kept, workers, -1), new, n_workers, fixed_per_visit)
    overtime = float(np.clip(used - day_minutes, 0.0, None).sum())
    return Fit(new, kept, int((~kept).sum()), shortened, unmet, overtime)
