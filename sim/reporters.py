"""Named reporter functions: what the model reports, on which scale, which way is better.

Loneliness is reported on the UCLA-3 scale (3-9, lonely at >= 6) as
``3 + 6 x loneliness``, so a user is lonely when internal loneliness >= 0.5;
wellbeing on the WEMWBS scale (14-70) as ``14 + 56 x wellbeing`` (ODD §8).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim import dynamics

if TYPE_CHECKING:
    from sim.model import SIDLModel

LONELY_AT_UCLA3 = 6.0
#: Internal loneliness at which UCLA-3 reaches the lonely threshold.
LONELY_AT_LEVEL = (LONELY_AT_UCLA3 - 3.0) / 6.0


def _mean(x: np.ndarray) -> float:
    """Mean of a 1-D array (``sum / size`` skips ``np.mean``'s overhead on a daily path)."""
    return float(x.sum()) / x.size


def ucla3(loneliness: np.ndarray) -> np.ndarray:
    return 3.0 + 6.0 * loneliness


def wemwbs(wellbeing: np.ndarray) -> np.ndarray:
    return 14.0 + 56.0 * wellbeing


def loneliness_mean(m: SIDLModel) -> float:
    return 3.0 + 6.0 * _mean(m.users_state.loneliness)


def share_lonely(m: SIDLModel) -> float:
    return np.count_nonzero(m.users_state.loneliness >= LONELY_AT_LEVEL) / m.users_state.n


def wellbeing_mean(m: SIDLModel) -> float:
    return 14.0 + 56.0 * _mean(m.users_state.wellbeing)


def self_efficacy_mean(m: SIDLModel) -> float:
    return _mean(m.users_state.self_efficacy)


def network_active_mean(m: SIDLModel) -> float:
    s = m.users_state
    return np.count_nonzero(s.tie_strength >= m.params.network.active_threshold) / s.n


def landscape_size(m: SIDLModel) -> np.ndarray:
    """Shared places each user can use alone (home not counted)."""
    return m.users_state.landscape[:, 1:].sum(axis=1)


def landscape_mean(m: SIDLModel) -> float:
    return np.count_nonzero(m.users_state.landscape[:, 1:]) / m.users_state.n


def unmet_needs_mean(m: SIDLModel) -> float:
    return float(m.users_state.needs.sum()) / m.users_state.n


def anxiety_mean(m: SIDLModel) -> float:
    return _mean(m.users_state.anxiety)


def alliance_mean(m: SIDLModel) -> float:
    return _mean(m.users_state.alliance)


#: The ``timeseries.parquet`` columns (besides ``day``), in contract order.
TIMESERIES: dict[str, Callable[[SIDLModel], float]] = {
    "loneliness_mean": loneliness_mean,
    "share_lonely": share_lonely,
    "wellbeing_mean": wellbeing_mean,
    "self_efficacy_mean": self_efficacy_mean,
    "network_active_mean": network_active_mean,
    "landscape_mean": landscape_mean,
    "unmet_needs_mean": unmet_needs_mean,
    "anxiety_mean": anxiety_mean,
    "alliance_mean": alliance_mean,
}

#: Per-user snapshots for ``users.parquet`` (``<x>_start`` / ``<x>_end``).
USER_SNAPSHOT: dict[str, Callable[[SIDLModel], np.ndarray]] = {
    "loneliness": lambda m: ucla3(m.users_state.loneliness),
    "wellbeing": lambda m: wemwbs(m.users_state.wellbeing),
    "self_efficacy": lambda m: m.users_state.self_efficacy.copy(),
    "network_active": lambda m: dynamics.active_ties(m.users_state, m.params),
    "landscape": landscape_size,
}
