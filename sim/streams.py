"""Named random streams: one independent generator per stochastic process.

A stream is derived from the run's seed and a stable name (not from the order
in which streams are created), so two regimes run with the same seed share the
same users, networks and daily states (common random numbers), and switching a
rule on, which draws from its own stream, does not shift any other draw.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (unlike ``hash``, not salted)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class Streams:
    """Hands out one ``numpy.random.Generator`` per name, the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(name_key(name),))
            self._streams[name] = np.random.Generator(np.random.PCG64(seq))
        return self._streams[name]

    def names(self) -> list[str]:
        """Streams used so far (for diagnostics and tests)."""
        return sorted(self._streams)
