"""Reforms in mid-run (ODD §7.18): the regime in force changes on given days.

A run has one or more *periods*, each a stretch of days under one regime. The first starts on day 0
under the run's own regime (``cfg.regime``); ``reform.day`` starts a period under the reform's rules
(:func:`sim.config.compose.reform_regime`), and ``reform.back_day`` one under the run's own regime
again. Each period keeps the work minutes booked before it, so the cost of staff and of the systems
the rules need is charged period by period (:func:`sim.model.costs.cost_sek`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.compose import reform_regime
from sim.config.schema import SimConfig
from sim.rules import RuleSet

#: ``regime_phase`` of the time series: before any reform (or no reform), the reform in force, reversed.
PHASES: tuple[str, ...] = ("before", "reform", "reversed")


@dataclass
class Period:
    """Days from ``start`` under one regime: its name, the rules built from it, its phase (:data:`PHASES`
    index), and the model's work minutes by category when it began."""

    start: int
    regime: Any
    rules: RuleSet
    phase: int
    minutes_before: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.regime.name


def reform_schedule(cfg: SimConfig) -> dict[int, tuple[Any, int]]:
    """Day -> (regime config, phase) of each switch the config asks for; empty without a reform."""
    r = cfg.reform
    if r.regime is None:
        return {}
    out = {int(r.day): (reform_regime(cfg), PHASES.index("reform"))}
    if r.back_day is not None:
        out[int(r.back_day)] = (cfg.regime, PHASES.index("reversed"))
    return out


def regime_changes(periods: list[Period]) -> list[dict[str, Any]]:
    """``run.json``'s ``regime_changes``: the day and regime of every switch after day 0."""
    return [{"day": p.start, "regime": p.name, "phase": PHASES[p.phase]} for p in periods[1:]]
