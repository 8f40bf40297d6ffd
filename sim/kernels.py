"""Compiled daily kernels (numba) for the per-user arithmetic that numpy does in many small calls.

At municipality scale a day is ~300 numpy calls on arrays of 200 users, each costing more in
call overhead than in arithmetic (docs/PERFORMANCE.md). These loops do the same arithmetic in
the same order, so results are bit-identical to the numpy versions they replace (checked by the
baseline test); random numbers are still drawn by numpy from the named streams, outside.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def relax(lon, cw, ct, off, anx, anx_trait, se, wb, needs, noise, memory, cscale, lmin, lmax, rate, arate, abuf,
          sedecay, sefloor, wrate, base, sew, lw, aw, nw, cap):  # pragma: no cover - compiled
    """End of day: recent contact, loneliness, anxiety, self-efficacy, wellbeing (see dynamics.relax)."""
    for i in range(lon.size):
        cw[i] += (7.0 * ct[i] - cw[i]) / memory
        t = lmin + (lmax - lmin) * np.exp(-cw[i] / cscale) + off[i]
        t = min(max(t, 0.0), 1.0)
        lon[i] = min(max(lon[i] + rate * (t - lon[i]) + noise[i], 0.0), 1.0)
        ct[i] = 0.0
    for i in range(lon.size):
        at = anx_trait[i] * (1 - abuf * se[i])
        anx[i] = min(max(anx[i] + arate * (at - anx[i]), 0.0), 1.0)
        se[i] = min(max(se[i] + sedecay * (sefloor - se[i]), 0.0), 1.0)
        backlog = min((needs[i, 0] + needs[i, 1] + needs[i, 2] + needs[i, 3]) / cap, 1.0)
        target = base + sew * se[i] - lw * lon[i] - aw * anx[i] - nw * backlog
        wb[i] = min(max(wb[i] + wrate * (target - wb[i]), 0.0), 1.0)


@njit(cache=True)
def network_contact(strength, owner, drive, draws, decay, boost, contacts):  # pragma: no cover - compiled
    """Contact on each tie with chance strength^2 x drive of its owner; decay; boost (dynamics.network_contact)."""
    for t in range(strength.size):
        met = draws[t] < strength[t] ** 2 * drive[owner[t]]
        strength[t] *= decay
        if met:
            strength[t] += boost * (1 - strength[t])
            contacts[owner[t]] += 1.0


@njit(cache=True)
def own_doing(needs, reach, draws, chance, se, keep):  # pragma: no cover - compiled
    """Tasks a user does alone (dynamics.own_doing); ``keep[k]`` = (1 - gain)^k."""
    for i in range(needs.shape[0]):
        k = 0
        for j in range(needs.shape[1]):
            if needs[i, j] >= 1 and reach[i, j] and draws[i, j] < chance[i]:
                needs[i, j] -= 1
                k += 1
        se[i] += (1 - keep[k]) * (1 - se[i])
