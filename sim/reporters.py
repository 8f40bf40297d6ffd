"""What the model reports each day and per user, and on which scale.

Loneliness is reported on the UCLA-3 scale (3-9, lonely at >= 6) as
``3 + 6 x loneliness``, so a user is lonely when internal loneliness >= 0.5;
wellbeing on the WEMWBS scale (14-70) as ``14 + 56 x wellbeing`` (ODD §8).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim import dynamics, kernels

if TYPE_CHECKING:
    from sim.model import SIDLModel

LONELY_AT_UCLA3 = 6.0
#: Internal loneliness at which UCLA-3 reaches the lonely threshold.
LONELY_AT_LEVEL = (LONELY_AT_UCLA3 - 3.0) / 6.0


def ucla3(loneliness: np.ndarray) -> np.ndarray:
    return 3.0 + 6.0 * loneliness


def wemwbs(wellbeing: np.ndarray) -> np.ndarray:
    return 14.0 + 56.0 * wellbeing


def landscape_size(m: SIDLModel) -> np.ndarray:
    """Shared places each user can use alone (home not counted)."""
    return m.users_state.landscape[:, 1:].sum(axis=1)


#: The ``timeseries.parquet`` columns (besides ``day``), in contract order: mean UCLA-3, share
#: lonely (UCLA-3 >= 6), mean WEMWBS, self-efficacy, active ties per user, shared places usable
#: alone per user, unmet needs per user, anxiety, alliance with the regular worker.
TIMESERIES: tuple[str, ...] = (
    "loneliness_mean", "share_lonely", "wellbeing_mean", "self_efficacy_mean", "network_active_mean",
    "landscape_mean", "unmet_needs_mean", "anxiety_mean", "alliance_mean",
)


def observe(m: SIDLModel) -> dict[str, float]:
    """Today's row of the time series, in one compiled pass over the state (:func:`sim.kernels.daily_means`).

    Means are summed in numpy's pairwise order, so they equal ``x.sum() / x.size``.
    """
    s = m.users_state
    out = np.empty(len(TIMESERIES))
    kernels.daily_means(s.loneliness, s.wellbeing, s.self_efficacy, s.anxiety, s.alliance, s.tie_strength,
                        s.landscape, s.needs, LONELY_AT_LEVEL, m.params.network.active_threshold, out)
    return dict(zip(TIMESERIES, out.tolist(), strict=True))


#: Per-user snapshots for ``users.parquet`` (``<x>_start`` / ``<x>_end``).
USER_SNAPSHOT: dict[str, Callable[[SIDLModel], np.ndarray]] = {
    "loneliness": lambda m: ucla3(m.users_state.loneliness),
    "wellbeing": lambda m: wemwbs(m.users_state.wellbeing),
    "self_efficacy": lambda m: m.users_state.self_efficacy.copy(),
    "network_active": lambda m: dynamics.active_ties(m.users_state, m.params),
    "landscape": landscape_size,
}
