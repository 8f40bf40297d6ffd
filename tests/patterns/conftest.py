"""Runs shared by the pattern tests: each regime x the same seeds (paired by common random numbers).

100 users, 8 workers, 3 years, 6 seeds: about 25 s for all regimes on one core.
"""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from sim.analysis.collect import flatten
from sim.config.packaged import CONF_DIR
from sim.model.model import SIDLModel
from tests.conftest import make_cfg

SEEDS = tuple(range(1, 7))
SIZE = dict(n_users=100, n_workers=8, days=1096)


def regime_kw(regime: str) -> dict:
    """The packaged regime (``conf/regime/<regime>.yaml``) as :func:`make_cfg` keywords."""
    data = OmegaConf.to_container(OmegaConf.load(CONF_DIR / "regime" / f"{regime}.yaml"))
    return {f"regime__{key.replace('.', '__')}": value for key, value in flatten(data).items()}


class Runs:
    """Lazily run and cache (regime, seed) models."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], SIDLModel] = {}

    def __call__(self, regime: str, seed: int) -> SIDLModel:
        key = (regime, seed)
        if key not in self._cache:
            m = SIDLModel(make_cfg(seed=seed, **SIZE, **regime_kw(regime)))
            m.run()
            self._cache[key] = m
        return self._cache[key]

    def all(self, regime: str) -> list[SIDLModel]:
        return [self(regime, s) for s in SEEDS]


@pytest.fixture(scope="session")
def runs() -> Runs:
    return Runs()
