"""The event log: one row per activity in a visit, kept as growing numpy chunks.

Rows are appended a day at a time as arrays (never row by row in Python) and
turned into the ``visits.parquet`` table at the end; text columns are stored
as codes and written as categoricals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim import activities as act
from sim.places import MODE_NAMES, PLACE_NAMES

COLUMNS: tuple[str, ...] = (
    "day", "user_id", "worker_id", "activity", "category", "place", "mode",
    "minutes", "travel_minutes", "planned", "together", "success", "provider",
)
#: Who delivered an activity: the SIDL worker, or another provider (R3).
PROVIDERS: tuple[str, ...] = ("sidl", "social_provider")


class EventLog:
    """Append-only log of activities; ``frame()`` gives the contract table."""

    def __init__(self) -> None:
        self._chunks: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
        self.rows = 0

    def add(self, **cols: np.ndarray) -> None:
        """Append equally long arrays (kept, not copied), one per column of :data:`COLUMNS`."""
        n = len(cols["day"])
        if n == 0:
            return
        for c in COLUMNS:
            self._chunks[c].append(cols[c])
        self.rows += n

    def column(self, name: str) -> np.ndarray:
        parts = self._chunks[name]
        return np.concatenate(parts) if parts else np.zeros(0)

    def frame(self) -> pd.DataFrame:
        """The log as the ``visits.parquet`` table of the output contract."""
        def cat(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
            return pd.Categorical.from_codes(codes.astype(np.int16), categories=list(names))

        c = self.column
        return pd.DataFrame({
            "day": c("day").astype(np.int32),
            "user_id": c("user_id").astype(np.int64),
            "worker_id": c("worker_id").astype(np.int64),
            "activity": cat(c("activity"), act.NAMES),
            "category": cat(c("category"), act.CATEGORIES),
            "place": cat(c("place"), PLACE_NAMES),
            "mode": cat(c("mode"), MODE_NAMES),
            "minutes": c("minutes").astype(np.float64),
            "travel_minutes": c("travel_minutes").astype(np.float64),
            "planned": c("planned").astype(bool),
            "together": c("together").astype(bool),
            "success": c("success").astype(bool),
            "provider": cat(c("provider"), PROVIDERS),
        })
