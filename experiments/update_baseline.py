"""Regenerate ``tests/baseline.json``: summaries of canonical runs, one per regime in ``conf/regime/``.

Run this on purpose, when a change to the model's behaviour is intended, and
commit the new file with the change; ``tests/test_baseline.py`` fails whenever
outputs drift without it.

    python experiments/update_baseline.py
"""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import OmegaConf

from sim.config.packaged import CONF_DIR, group_options
from sim.config.validate import config_from_dict
from sim.outputs.runner import simulate
from sim.outputs.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "baseline.json"
REGIMES = tuple(group_options("regime"))
SCENARIO = {"name": "classroom", "n_users": 12, "n_workers": 3, "days": 365}
SEED = 1


def canonical_config(regime: str) -> dict:
    rules = OmegaConf.to_container(OmegaConf.load(CONF_DIR / "regime" / f"{regime}.yaml"))
    return {"scenario": SCENARIO, "regime": rules, "seed": SEED}


def canonical_summaries() -> dict[str, dict]:
    return {r: summarise(simulate(config_from_dict(canonical_config(r)))) for r in REGIMES}


def main() -> None:
    BASELINE.write_text(json.dumps(canonical_summaries(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE.relative_to(ROOT)} ({len(REGIMES)} regimes, {SCENARIO['name']}, seed {SEED})")


if __name__ == "__main__":
    main()
