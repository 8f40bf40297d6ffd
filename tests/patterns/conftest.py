"""Runs shared by the pattern tests: each regime x the same seeds (paired by common random numbers).

100 users, 8 workers, 3 years, 6 seeds: about 25 s for all regimes on one core.
"""

from __future__ import annotations

import pytest

from sim.model.model import SIDLModel
from tests.conftest import make_cfg

SEEDS = tuple(range(1, 7))
SIZE = dict(n_users=100, n_workers=8, days=1096)
NPM_RULES = ("rigid_plan", "car_ban", "split_social", "in_home_only", "time_monitoring", "rotation")
REGIMES = {
    "trust_based": {},
    "no_support": {"no_support": {}},
    "npm": {r: {} for r in NPM_RULES},
    **{r: {r: {}} for r in NPM_RULES},
}


def regime_kw(rules: dict) -> dict:
    kw = {}
    for rule, params in rules.items():
        kw[f"regime__{rule}__enabled"] = True
        kw.update({f"regime__{rule}__{k}": v for k, v in params.items()})
    return kw


class Runs:
    """Lazily run and cache (regime, seed) models."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], SIDLModel] = {}

    def __call__(self, regime: str, seed: int) -> SIDLModel:
        key = (regime, seed)
        if key not in self._cache:
            m = SIDLModel(make_cfg(seed=seed, **SIZE, **regime_kw(REGIMES[regime])))
            m.run()
            self._cache[key] = m
        return self._cache[key]

    def all(self, regime: str) -> list[SIDLModel]:
        return [self(regime, s) for s in SEEDS]


@pytest.fixture(scope="session")
def runs() -> Runs:
    return Runs()
