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
    """Addresses of ``next_double``, ``next_uint64`` and the state of ``rng``'s bit generator, then :func:`pcg_address`.

    Kernels draw through these (:func:`sim.model.kernels.uniform` and its kin), advancing the same
    state as ``rng`` itself; ``rng`` must be kept alive while the handle is used.
    """
    c = rng.bit_generator.ctypes
    fn = [ctypes.cast(f, ctypes.c_void_p).value for f in (c.next_double, c.next_uint64)]
    return np.array([*fn, c.state_address, pcg_address(rng)], dtype=np.uint64)


def pcg_address(rng: np.random.Generator) -> int:
    """Address of the 128-bit state and increment of ``rng``'s PCG64, low words first; 0 if not so laid out.

    That is numpy's ``pcg64_random_t``, which its ``pcg64_state`` points to; the four words read
    there are checked against ``bit_generator.state`` (the public state), so any other bit
    generator or layout gives 0, and kernels then draw every number in order through the C functions
    (:func:`sim.model.kernels.defer_visit_draws`).
    """
    bits = rng.bit_generator
    if type(bits) is not np.random.PCG64:
        return 0
    address = ctypes.c_uint64.from_address(bits.ctypes.state_address).value
    state, mask = bits.state["state"], 2**64 - 1
    expected = [state["state"] & mask, state["state"] >> 64, state["inc"] & mask, state["inc"] >> 64]
    return address if list((ctypes.c_uint64 * 4).from_address(address)) == expected else 0
