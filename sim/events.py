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


#: Compact storage while the run lasts (a national run logs millions of activities).
STORE_DTYPES = {
    "user_id": np.int32, "worker_id": np.int32, "activity": np.int8, "category": np.int8, "place": np.int8,
    "mode": np.int8, "minutes": np.float64, "travel_minutes": np.float64, "planned": bool, "together": bool,
    "success": bool,
}


class EventLog:
    """Append-only log of activities; ``frame()`` gives the contract table.

    Each day's visits are stored as they come, (V, K) arrays with one row per
    visit and one column per activity slot; rows of the contract table (one per
    activity done) are cut out of them once, when the log is read.
    """

    SLOT_COLUMNS = ("activity", "category", "place", "mode", "minutes", "travel_minutes", "planned", "together",
                    "success")
    VISIT_COLUMNS = ("user_id", "worker_id")

    def __init__(self) -> None:
        self._blocks: list[dict[str, np.ndarray]] = []
        self._flat: dict[str, np.ndarray] | None = None
        self.rows = 0

    def add_visits(self, day: int, provider: int, **cols: np.ndarray) -> None:
        """Append one day's visits: (V,) arrays for :attr:`VISIT_COLUMNS`, (V, K) for the rest.

        Slots with ``activity < 0`` are empty and produce no row.
        """
        v = len(cols["user_id"])
        block = {c: np.asarray(x, dtype=STORE_DTYPES[c]) for c, x in cols.items()}
        block["day"] = np.full(v, day, dtype=np.int32)
        block["provider"] = np.full(v, provider, dtype=np.int8)
        self._blocks.append(block)
        self.rows += int(np.count_nonzero(cols["activity"] >= 0))
        self._flat = None

    def column(self, name: str) -> np.ndarray:
        if self._flat is None:
            self._flat = self._flatten()
        return self._flat[name]

    def _flatten(self) -> dict[str, np.ndarray]:
        if not self._blocks:
            return {c: np.zeros(0, dtype=np.int32) for c in COLUMNS}
        stacked = {c: np.concatenate([b[c] for b in self._blocks]) for c in self._blocks[0]}
        on = stacked["activity"] >= 0
        per_visit = on.sum(axis=1)
        out = {c: stacked[c][on] for c in self.SLOT_COLUMNS}
        for c in (*self.VISIT_COLUMNS, "day", "provider"):
            out[c] = np.repeat(stacked[c], per_visit)
        return out

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
