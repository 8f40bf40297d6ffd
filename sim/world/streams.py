"""Named random streams: one independent generator per stochastic process.

A stream is derived from the run's seed and a stable name (not from the order
in which streams are created), so two regimes run with the same seed share the
same users, networks and daily states (common random numbers), and switching a
rule on, which draws from its own stream, does not shift any other draw.
"""

from __future__ import annotations

import ctypes
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
        self._handles: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(name_key(name),))
            self._streams[name] = np.random.Generator(np.random.PCG64(seq))
        return self._streams[name]

    def handle(self, name: str) -> np.ndarray:
        """The stream ``name`` as compiled kernels draw from it (:func:`handle`); same state as ``self[name]``."""
        if name not in self._handles:
            self._handles[name] = handle(self[name])
        return self._handles[name]

    def __reduce__(self):
        raise TypeError("Streams (and so a model) cannot be copied or pickled: compiled steps hold the addresses of "
                        "its generators' state (Streams.handle); build a new model from the same config and seed")

    def names(self) -> list[str]:
        """Streams used so far (for diagnostics and tests)."""
        return sorted(self._streams)


def handle(rng: np.random.Generator) -> np.ndarray:
    """Addresses of ``next_double``, ``next_uint64`` and the state of ``rng``'s bit generator.

    Kernels draw through these (:func:`sim.model.kernels.uniform` and its kin), advancing the same
    state as ``rng`` itself; ``rng`` must be kept alive while the handle is used.
    """
    c = rng.bit_generator.ctypes
    fn = [ctypes.cast(f, ctypes.c_void_p).value for f in (c.next_double, c.next_uint64)]
    return np.array([*fn, c.state_address], dtype=np.uint64)
