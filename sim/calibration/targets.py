"""Empirical targets as data: the table shipped in ``targets.yaml``, and the runner that simulates and checks them.

Each target names a statistic (:mod:`sim.calibration.statistics`) with its arguments, how it is
simulated (scenario, regimes, horizon, seeds, overrides), the acceptable range (both bounds), its
source and confidence (V read in the source, M from the literature, E estimate), and, where today's
model misses it, ``status: open`` with the reason. :func:`evaluate` runs every simulation the targets
need once (runs shared between targets), in parallel processes, and gives each target's mean over
seeds, its standard error and whether the mean lies in the range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.api import configure
from sim.calibration.statistics import STATISTICS, YEAR, Sample, observe
from sim.config.validate import ConfigError

TABLE = Path(__file__).with_name("targets.yaml")
CONFIDENCE = ("V", "M", "E")
STATUSES = ("met", "open")
FIELDS = ("name", "statistic", "args", "scenario", "regimes", "days", "seeds", "overrides", "range", "source",
          "confidence", "status", "reason", "what")


@dataclass(frozen=True)
class Target:
    """One empirical target: a statistic, how it is simulated, its acceptable range and where it comes from."""

    name: str
    what: str
    statistic: str
    args: Mapping[str, Any]
    scenario: str
    regimes: tuple[str, ...]
    days: int
    seeds: tuple[int, ...]
    low: float
    high: float
    source: str
    confidence: str
    status: str = "met"
    reason: str = ""
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def key(self, regime: str, seed: int) -> tuple:
        """A run this target needs, as a key shared between targets: (scenario, regime, days, seed, overrides)."""
        return self.scenario, regime, self.days, seed, tuple(sorted(self.overrides.items()))

    def runs(self) -> list[tuple]:
        """Every run this target needs (:meth:`key`)."""
        return [self.key(r, s) for r in self.regimes for s in self.seeds]

    def value(self, samples: Mapping[tuple, Sample], seed: int) -> float:
        """The statistic for one seed, from the samples of :func:`simulate`."""
        return STATISTICS[self.statistic]({r: samples[self.key(r, seed)] for r in self.regimes}, **self.args)


def _target(item: Mapping[str, Any], where: str) -> Target:
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise ConfigError(f"{where}: unknown field {unknown[0]!r}; allowed: {', '.join(FIELDS)}")
    name = item.get("name", where)
    for key in ("name", "statistic", "regimes", "days", "seeds", "range", "source", "confidence", "what"):
        if key not in item:
            raise ConfigError(f"target {name}: missing field {key!r}")
    if item["statistic"] not in STATISTICS:
        raise ConfigError(f"target {name}: statistic={item['statistic']!r}: unknown; allowed: "
                          f"{', '.join(sorted(STATISTICS))}")
    low, high = (float(x) for x in item["range"])
    if not low <= high:
        raise ConfigError(f"target {name}: range={item['range']!r}: must be [low, high] with low <= high")
    if item["confidence"] not in CONFIDENCE:
        raise ConfigError(f"target {name}: confidence={item['confidence']!r}: allowed: {', '.join(CONFIDENCE)}")
    status = item.get("status", "met")
    if status not in STATUSES:
        raise ConfigError(f"target {name}: status={status!r}: allowed: {', '.join(STATUSES)}")
    if (status == "open") != bool(item.get("reason")):
        raise ConfigError(f"target {name}: an open target gives a reason, a met one none")
    return Target(name=name, what=item["what"], statistic=item["statistic"], args=dict(item.get("args", {})),
                  scenario=item.get("scenario", "municipality"), regimes=tuple(item["regimes"]),
                  days=int(item["days"]), seeds=tuple(int(s) for s in item["seeds"]), low=low, high=high,
                  source=item["source"], confidence=item["confidence"], status=status,
                  reason=item.get("reason", ""), overrides=dict(item.get("overrides", {})))


def load_targets(path: str | Path = TABLE) -> list[Target]:
    """The targets of a table (by default the packaged ``targets.yaml``), checked; names are unique."""
    try:
        items = yaml.safe_load(Path(path).read_text())["targets"]
    except (yaml.YAMLError, KeyError, TypeError) as err:
        raise ConfigError(f"table {path}: not a YAML mapping with a list 'targets' ({type(err).__name__})") from None
    targets = [_target(item, f"targets[{i}]") for i, item in enumerate(items)]
    names = [t.name for t in targets]
    duplicate = sorted({n for n in names if names.count(n) > 1})
    if duplicate:
        raise ConfigError(f"targets: name {duplicate[0]!r} appears twice")
    return targets


def select(targets: Sequence[Target], only: Iterable[str] | None) -> list[Target]:
    """The targets named in ``only`` (all if None); an unknown name raises :class:`ConfigError`."""
    if only is None:
        return list(targets)
    by_name = {t.name: t for t in targets}
    wanted = list(only)
    for name in wanted:
        if name not in by_name:
            raise ConfigError(f"--only={name}: unknown target; allowed: {', '.join(by_name)}")
    return [by_name[n] for n in wanted]


def _observe(key: tuple) -> tuple[tuple, Sample]:
    scenario, regime, days, seed, overrides = key
    cfg = configure(scenario, regime, seed, {**dict(overrides), "scenario.days": days})
    return key, observe(cfg, checkpoints=(YEAR,))


def simulate(targets: Sequence[Target], n_jobs: int | None = None) -> dict[tuple, Sample]:
    """Every run the targets need, each once, in ``n_jobs`` processes (None: every core; 1: this process)."""
    keys = sorted({key for t in targets for key in t.runs()}, key=repr)
    for scenario, regime, days, seed, overrides in keys:  # bad configs fail here, before any run
        configure(scenario, regime, seed, {**dict(overrides), "scenario.days": days})
    if n_jobs == 1 or len(keys) <= 1:
        return dict(_observe(k) for k in keys)
    from joblib import Parallel, delayed

    return dict(Parallel(n_jobs=-1 if n_jobs is None else n_jobs)(delayed(_observe)(k) for k in keys))


@dataclass(frozen=True)
class Outcome:
    """A target's simulated value: mean over seeds, its standard error, and whether the mean is in range."""

    target: Target
    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def se(self) -> float:
        n = len(self.values)
        return float(np.std(self.values, ddof=1) / math.sqrt(n)) if n > 1 else float("nan")

    @property
    def passed(self) -> bool:
        return bool(self.target.low <= self.mean <= self.target.high)

    def row(self) -> dict[str, Any]:
        t = self.target
        return {"name": t.name, "what": t.what, "low": t.low, "high": t.high, "value": self.mean, "se": self.se,
                "seeds": len(self.values), "passed": self.passed, "status": t.status, "reason": t.reason,
                "source": t.source, "confidence": t.confidence}


def evaluate(targets: Sequence[Target], n_jobs: int | None = None) -> list[Outcome]:
    """Simulate the targets and measure each: one :class:`Outcome` per target, in the order given."""
    samples = simulate(targets, n_jobs)
    return [Outcome(t, tuple(t.value(samples, s) for s in t.seeds)) for t in targets]
