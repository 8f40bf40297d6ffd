"""Baseline regression: canonical runs must reproduce ``tests/baseline.json``.

If a change is meant to alter results, regenerate the file on purpose with
``python experiments/update_baseline.py`` and commit it with the change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.update_baseline import BASELINE, REGIMES, canonical_summaries


@pytest.fixture(scope="module")
def fresh():
    return canonical_summaries()


@pytest.mark.parametrize("regime", REGIMES)
def test_summary_matches_baseline(fresh, regime):
    baseline = json.loads(Path(BASELINE).read_text())
    assert regime in baseline, f"regime {regime} has no baseline: regenerate it on purpose (update_baseline.py)"
    stored = baseline[regime]
    now = fresh[regime]
    assert set(now) == set(stored), "summary keys changed: regenerate the baseline on purpose"
    for key, value in stored.items():
        if isinstance(value, float):
            assert now[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
        else:
            assert now[key] == value, key
