"""How a parameter is declared: default, unit and allowed range, one line each.

The range a field declares in its metadata is what :mod:`sim.config.validate`
checks, with the key, the value and the range in the message; every layer
reports bad input as :class:`ConfigError`.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

INF = float("inf")


class ConfigError(ValueError):
    """A parameter is unknown, of the wrong type or out of its range (the message: key, value, what is allowed)."""


def p(default: Any, unit: str, lo: float = -INF, hi: float = INF) -> Any:
    """A parameter: default value, unit and closed allowed range [lo, hi]."""
    return field(default=default, metadata={"unit": unit, "range": (lo, hi)})


def prob(default: float, unit: str = "probability") -> Any:
    """A probability or share, allowed in [0, 1]."""
    return p(default, unit, 0.0, 1.0)


def choice(default: str, options: tuple[str, ...], unit: str) -> Any:
    """A choice by name among ``options`` (checked by :func:`sim.config.validate.check_value`)."""
    return field(default=default, metadata={"unit": unit, "choices": options})
