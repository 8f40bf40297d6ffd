"""What the model reports each day and per user, and on which scale.

Loneliness is reported on the UCLA-3 scale (3-9, lonely at >= 6) as
``3 + 6 x loneliness``, so a user is lonely when internal loneliness >= 0.5;
wellbeing on the WEMWBS scale (14-70) as ``14 + 56 x wellbeing`` (ODD §8).
The model measured is the :class:`sim.model.model.SIDLModel` (named, not imported:
the model imports this module).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model import dynamics, kernels

LONELY_AT_UCLA3 = 6.0
#: A change in WEMWBS the person notices: about 3 points (Maheswaran et al. 2012; SEM 2.4-3.1).
WEMWBS_IMPORTANT_CHANGE = 3.0
#: Internal loneliness at which UCLA-3 reaches the lonely threshold.
LONELY_AT_LEVEL = (LONELY_AT_UCLA3 - 3.0) / 6.0


def ucla3(loneliness: np.ndarray) -> np.ndarray:
    """Internal loneliness on the UCLA-3 scale (:func:`sim.model.kernels.ucla3`)."""
    return kernels.ucla3.py_func(loneliness)


def wemwbs(wellbeing: np.ndarray) -> np.ndarray:
    """Internal wellbeing on the WEMWBS scale (:func:`sim.model.kernels.wemwbs`)."""
    return kernels.wemwbs.py_func(wellbeing)


def landscape_size(m: mesa.Model) -> np.ndarray:
    """Shared places each user can use alone (home not counted)."""
    return m.users_state.landscape[:, 1:].sum(axis=1)


#: The ``timeseries.parquet`` columns (besides ``day``), in contract order: mean UCLA-3, share
#: lonely (UCLA-3 >= 6), mean WEMWBS, self-efficacy, active ties per user, shared places usable
#: alone per user, unmet needs per user, anxiety, alliance with the regular worker (each over the users in
#: service); the phase of the regime in force (0 before a reform or without one, 1 the reform, 2 reversed:
#: ``sim.model.reform.PHASES``); the users in service (the caseload) and the share of them referred after
#: day 0 (an open cohort, ODD §7.19; 0 for a closed one).
TIMESERIES: tuple[str, ...] = (
    "loneliness_mean", "share_lonely", "wellbeing_mean", "self_efficacy_mean", "network_active_mean",
    "landscape_mean", "unmet_needs_mean", "anxiety_mean", "alliance_mean", "regime_phase", "caseload",
    "cohort_share",
)


def measure(m: mesa.Model, out: np.ndarray) -> None:
    """Today's row of the time series into ``out``, in one pass over the state (:func:`sim.model.kernels.daily_means`).

    Means are summed in numpy's pairwise order, so they equal ``x.sum() / x.size``; they are over the users in
    service (with places empty in an open cohort, over a copy of their rows).
    """
    s, live = m.users_state, m.in_service
    arrays = (s.loneliness, s.wellbeing, s.self_efficacy, s.anxiety, s.alliance, s.tie_strength, s.landscape, s.needs)
    caseload = int(np.count_nonzero(live))
    if caseload < live.size:
        rows, ties = np.flatnonzero(live), live[s.tie_user]
        arrays = tuple(x[ties] if x is s.tie_strength else x[rows] for x in arrays)
    kernels.daily_means(*arrays, LONELY_AT_LEVEL, m.params.network.active_threshold, out)
    out[-3] = m.phase
    out[-2] = caseload
    out[-1] = 0.0 if m.cohort is None else m.cohort.referred_share()


class DailyCollector(mesa.DataCollector):
    """Mesa's DataCollector for the ``TIMESERIES`` columns, one row a day kept in an array.

    Mesa's own ``collect`` deep-copies each reporter's value into a list, about a microsecond a
    value; here :func:`measure` writes the day's row straight into the next row of an array.
    ``model_vars`` and :meth:`get_model_vars_dataframe` read it as Mesa's do, so Mesa's plot
    components and analysts' code see an ordinary DataCollector.
    """

    def __init__(self, days: int = 365) -> None:
        super().__init__()
        self._rows = np.empty((days + 1, len(TIMESERIES)))
        self._n = 0

    def collect(self, model: mesa.Model) -> None:
        if self._n == len(self._rows):
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        measure(model, self._rows[self._n])
        self._n += 1

    @property
    def table(self) -> np.ndarray:
        """The rows so far (day 0 is the start), columns in ``TIMESERIES`` order; a view, not a copy."""
        return self._rows[: self._n]

    def column(self, name: str) -> np.ndarray:
        """One column so far, e.g. ``"loneliness_mean"`` (a copy)."""
        return self.table[:, TIMESERIES.index(name)].copy()

    @property
    def model_vars(self) -> dict[str, list[float]]:
        return {name: self.table[:, j].tolist() for j, name in enumerate(TIMESERIES)}

    @model_vars.setter
    def model_vars(self, value: dict[str, Any]) -> None:
        if value:  # Mesa's __init__ sets an empty dict; rows come only from collect
            raise AttributeError("DailyCollector.model_vars is read-only")

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        return pd.DataFrame(self.table, columns=list(TIMESERIES), copy=True)


#: Per-user snapshots for ``users.parquet`` (``<x>_start`` / ``<x>_end``).
USER_SNAPSHOT: dict[str, Callable[[mesa.Model], np.ndarray]] = {
    "loneliness": lambda m: ucla3(m.users_state.loneliness),
    "wellbeing": lambda m: wemwbs(m.users_state.wellbeing),
    "self_efficacy": lambda m: m.users_state.self_efficacy.copy(),
    "network_active": lambda m: dynamics.active_ties(m.users_state, m.params),
    "landscape": landscape_size,
}
