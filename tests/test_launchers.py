"""The same seed gives identical results under every launcher (basic, joblib, the default batched joblib, Ray,
submitit-local).

Slow (Ray starts a local cluster); CI installs the ``ray`` and ``slurm`` extras and runs it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LAUNCHERS = ("basic", "joblib", "joblib_batched", "ray", "submitit_local")


@pytest.mark.slow
def test_same_seed_same_summary_under_every_launcher(tmp_path):
    found = {}
    for launcher in LAUNCHERS:
        out = tmp_path / launcher
        res = subprocess.run([sys.executable, "-m", "sim.run", "-m", "scenario=classroom", "scenario.days=60",
                              "seed=3,4,5", f"hydra/launcher={launcher}", f"hydra.sweep.dir={out}"],
                             capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert res.returncode == 0, f"{launcher}: {res.stderr[-2000:]}"
        found[launcher] = {p.parent.name: p.read_bytes() for p in sorted(out.glob("*/summary.json"))}
        assert len(found[launcher]) == 3, launcher
    for launcher in LAUNCHERS[1:]:
        assert found[launcher] == found["basic"], launcher
