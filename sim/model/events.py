"""The event log: one row per activity in a visit, kept in chunks of numpy columns.

Rows are appended a day at a time (never row by row in Python) and turned
into the ``visits.parquet`` table at the end; text columns are stored as codes
and written as categoricals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.kernels import EventColumns
from sim.world import activities as act
from sim.world.organisation import PROVIDERS
from sim.world.places import MODE_NAMES, PLACE_NAMES

#: The ``visits.parquet`` columns, in contract order (the fields of :class:`sim.model.kernels.EventColumns`).
COLUMNS: tuple[str, ...] = EventColumns._fields


#: Compact storage while the run lasts (a national run logs millions of activities).
STORE_DTYPES = {
    "day": np.int32, "user_id": np.int32, "worker_id": np.int32, "activity": np.int8, "category": np.int8,
    "place": np.int8, "mode": np.int8, "minutes": np.float64, "travel_minutes": np.float64, "planned": np.bool_,
    "together": np.bool_, "success": np.bool_, "provider": np.int8,
}


class EventLog:
    """Append-only log of activities; ``frame()`` gives the contract table.

    Rows (one per activity done) are written straight into preallocated
    columns by a compiled loop (:func:`sim.model.kernels.log_visits`, called by the
    visit kernel), a day at a time: :meth:`reserve` gives the columns and the
    first free row, :meth:`advance` records how far the kernel wrote. Columns
    come in chunks of :attr:`CHUNK` rows, so nothing is copied while the run
    lasts and memory stays within a chunk of what is logged.
    """

    CHUNK = 1 << 16

    def __init__(self, chunk: int = CHUNK) -> None:
        self.chunk = chunk
        self._chunks: list[EventColumns] = []
        self._fill: list[int] = []
        self.rows = 0

    def reserve(self, rows: int) -> tuple[EventColumns, int]:
        """Room for ``rows`` more rows: the current chunk's columns and its first free row."""
        if not self._chunks or self._fill[-1] + rows > self._chunks[-1].day.size:
            size = max(self.chunk, rows)
            self._chunks.append(EventColumns(*(np.zeros(size, dtype=STORE_DTYPES[c]) for c in COLUMNS)))
            self._fill.append(0)
        return self._chunks[-1], self._fill[-1]

    def advance(self, end: int) -> None:
        """The rows up to ``end`` of the current chunk are written."""
        self.rows += end - self._fill[-1]
        self._fill[-1] = end

    def column(self, name: str) -> np.ndarray:
        """All rows logged so far of one column."""
        parts = [getattr(c, name)[:n] for c, n in zip(self._chunks, self._fill, strict=True)]
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=STORE_DTYPES[name])

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


#: The ``service_events.parquet`` events: the open cohort's flow (ODD §7.19) and visits changed by a worker's
#: absence or a full day (ODD §7.17).
SERVICE_EVENTS: tuple[str, ...] = ("referral", "admission", "review", "exit", "visit_cancelled", "visit_shortened",
                                   "visit_substituted")
#: Why a decision ends (ODD §7.19).
EXIT_REASONS: tuple[str, ...] = ("improved", "declined", "moved")
#: Why a visit was cancelled, shortened or made by a colleague (ODD §7.17).
VISIT_REASONS: tuple[str, ...] = ("sick", "vacancy", "capacity")
#: An event's ``reason`` ("" for referrals, admissions and reviews).
REASONS: tuple[str, ...] = ("", *EXIT_REASONS, *VISIT_REASONS)


class ServiceEventLog:
    """The organisation's events, a day's batch of one kind at a time; ``frame()`` gives the contract table.

    ``user_id`` is -1 for a referral (the person has no id before admission); ``worker_id`` is the regular worker
    (a decision) or the worker the visit was booked to; ``minutes`` the visit minutes lost (0 for decisions).
    """

    def __init__(self) -> None:
        self._parts: list[tuple[int, int, int, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, event: str, day: int, user_ids: np.ndarray, worker_ids: np.ndarray, reason: str = "",
            minutes: np.ndarray | None = None) -> None:
        """Rows for ``user_ids`` (and ``worker_ids``, as many) of ``event`` on ``day``."""
        if len(user_ids) == 0:
            return
        lost = np.zeros(len(user_ids)) if minutes is None else np.asarray(minutes, dtype=np.float64)
        self._parts.append((day, SERVICE_EVENTS.index(event), REASONS.index(reason),
                            np.asarray(user_ids, dtype=np.int64), np.asarray(worker_ids, dtype=np.int64), lost))

    def frame(self) -> pd.DataFrame:
        """The log as the ``service_events.parquet`` table of the output contract, in the order of events."""
        sizes = np.array([part[3].size for part in self._parts], dtype=np.int64)

        def column(j: int) -> np.ndarray:
            if j < 3:
                return np.repeat(np.array([part[j] for part in self._parts], dtype=np.int64), sizes)
            return np.concatenate([part[j] for part in self._parts]) if self._parts else np.zeros(0)

        return pd.DataFrame({
            "day": column(0).astype(np.int32),
            "event": pd.Categorical.from_codes(column(1).astype(np.int16), categories=list(SERVICE_EVENTS)),
            "reason": pd.Categorical.from_codes(column(2).astype(np.int16), categories=list(REASONS)),
            "user_id": column(3).astype(np.int64),
            "worker_id": column(4).astype(np.int64),
            "minutes": column(5).astype(np.float64),
        })
