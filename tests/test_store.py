"""Results store integrity: a run counts as finished only if its files match run.json's checksums and it was
produced by this code; otherwise the sweep re-runs it and says why, and collect skips it and lists it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.outputs import store
from sim.outputs.files import CONTRACT_FILES
from sim.outputs.runner import run
from tests.conftest import make_cfg

ROOT = Path(__file__).parent.parent
SMALL = ["scenario=classroom", "scenario.days=40", "hydra/launcher=basic"]


def sweep(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "sim.run", "-m", *SMALL, *args], capture_output=True, text=True,
                         cwd=cwd, env=env)
    assert res.returncode == 0, res.stderr
    return res


def summaries(folder: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text() for p in sorted(folder.glob("*/summary.json"))}


@pytest.fixture(scope="module")
def one_run(tmp_path_factory) -> tuple[Path, str]:
    cfg = make_cfg(n_users=12, n_workers=3, days=20, seed=1)
    out = tmp_path_factory.mktemp("store") / "run"
    run(cfg, out)
    return out, store.run_id(cfg)


@pytest.fixture
def finished_run(one_run, tmp_path) -> tuple[Path, str]:
    out, rid = one_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    return copy, rid


def test_run_json_holds_the_checksum_of_every_other_file_and_the_code_fingerprint(finished_run):
    out, rid = finished_run
    record = json.loads((out / "run.json").read_text())
    assert set(record["files"]) == set(CONTRACT_FILES) - {"run.json"}
    assert record["code_fingerprint"] == store.code_fingerprint() and record["run_id"] == rid
    assert store.why_unfinished(out, rid) is None and store.finished(out, rid)


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda out: (out / "summary.json").write_text((out / "summary.json").read_text()[:50]), "summary.json damaged"),
    (lambda out: (out / "users.parquet").unlink(), "users.parquet missing"),
    (lambda out: (out / "visits.parquet").write_bytes((out / "visits.parquet").read_bytes()[:-9] + b"x" * 9),
     "visits.parquet damaged"),
    (lambda out: (out / "run.json").write_text("{\n  \"run_id\": "), "run.json damaged"),
    (lambda out: (out / "summary.json").unlink(), "left unfinished"),
])
def test_a_damaged_run_is_not_finished_and_says_why(finished_run, damage, reason):
    out, rid = finished_run
    damage(out)
    assert store.why_unfinished(out, rid) == reason and not store.finished(out, rid)


def test_a_run_of_other_code_or_another_config_is_not_finished(finished_run, monkeypatch):
    out, rid = finished_run
    assert store.why_unfinished(out, "0" * store.ID_LENGTH) == "holds another config's run"
    monkeypatch.setattr(store, "code_fingerprint", lambda: "another")
    assert store.why_unfinished(out, rid) == "produced by other code"
    assert store.damage(out) is None  # the files themselves are intact


def test_an_empty_or_failed_folder_is_not_finished(tmp_path):
    assert store.why_unfinished(tmp_path, "x") == store.NOT_RUN
    (tmp_path / "error.json").write_text("{}")
    assert store.why_unfinished(tmp_path, "x") == "failed before"


def test_the_fingerprint_follows_every_module_and_config_yaml_and_nothing_else(tmp_path):
    package, conf = tmp_path / "sim", tmp_path / "conf"
    shutil.copytree(ROOT / "sim", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "conf", conf)
    base = store.source_fingerprint(package, conf)
    assert base == store.code_fingerprint()  # this checkout's
    (package / "model" / "notes.txt").write_text("not code")
    (package / "experiments").mkdir()
    (package / "experiments" / "x.py").write_text("# a wheel's experiments are package data, not model code\n")
    assert store.source_fingerprint(package, conf) == base
    dynamics = package / "model" / "dynamics.py"
    dynamics.write_text(dynamics.read_text() + "# a comment\n")
    edited = store.source_fingerprint(package, conf)
    assert edited != base
    (conf / "regime" / "npm.yaml").write_text((conf / "regime" / "npm.yaml").read_text() + "# a comment\n")
    assert store.source_fingerprint(package, conf) not in (base, edited)


def test_the_sweep_reruns_a_truncated_summary_and_keeps_the_rest(tmp_path):
    out = tmp_path / "s"
    sweep("seed=1,2", f"hydra.sweep.dir={out}")
    first = summaries(out)
    broken = sorted(out.glob("*/summary.json"))[0]
    broken.write_text(broken.read_text()[:100])
    res = sweep("seed=1,2", f"hydra.sweep.dir={out}")
    assert res.stdout.count("re-running (summary.json damaged)") == 1
    assert res.stdout.count("finished before, kept") == 1
    assert summaries(out) == first  # re-done, byte for byte


def test_the_sweep_reruns_runs_of_changed_code(tmp_path):
    """A copy of the package whose source is then edited: its earlier runs are re-done, outcomes unchanged."""
    src, out = tmp_path / "src", tmp_path / "s"
    for name in ("sim", "conf", "experiments"):  # __pycache__ too: numba's compiled kernels stay valid
        shutil.copytree(ROOT / name, src / name)
    env = {**os.environ, "PYTHONPATH": str(src)}
    sweep("seed=1,2", f"hydra.sweep.dir={out}", cwd=tmp_path, env=env)
    first = summaries(out)
    res = sweep("seed=1,2", f"hydra.sweep.dir={out}", cwd=tmp_path, env=env)
    assert res.stdout.count("finished before, kept") == 2
    dynamics = src / "sim" / "model" / "dynamics.py"
    dynamics.write_text(dynamics.read_text() + "# an edit\n")
    res = sweep("seed=1,2", f"hydra.sweep.dir={out}", cwd=tmp_path, env=env)
    assert res.stdout.count("re-running (produced by other code)") == 2 and "kept" not in res.stdout
    assert summaries(out) == first
    fingerprints = {json.loads(p.read_text())["code_fingerprint"] for p in out.glob("*/run.json")}
    assert len(fingerprints) == 1 and store.code_fingerprint() not in fingerprints


def test_collect_skips_and_lists_damaged_run_folders(tmp_path):
    out = tmp_path / "c"
    sweep("seed=1,2,3,4", f"hydra.sweep.dir={out}")
    folders = sorted(p.parent for p in out.glob("*/summary.json"))
    summary = folders[0] / "summary.json"
    summary.write_text(summary.read_text()[:80])  # truncated: not even JSON
    (folders[1] / "timeseries.parquet").unlink()
    users = folders[2] / "users.parquet"
    users.write_bytes(users.read_bytes()[:-20] + b"\0" * 20)
    res = subprocess.run([sys.executable, "-m", "sim.analysis.collect", str(out)], capture_output=True, text=True,
                         cwd=ROOT)
    assert res.returncode == 0, res.stderr
    expected = {folders[0].name: "summary.json damaged", folders[1].name: "timeseries.parquet missing",
                folders[2].name: "users.parquet damaged"}
    for name, reason in expected.items():
        assert f"collect: {name}: skipped, damaged ({reason})" in res.stdout
    damaged = pd.read_parquet(out / "damaged.parquet")
    assert dict(zip(damaged["run_dir"], damaged["reason"], strict=True)) == expected
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["run_dir"].tolist() == [folders[3].name]
    assert set(pd.read_parquet(out / "timeseries.parquet")["run_id"]) == set(runs["run_id"])


def test_the_sensitivity_screening_reruns_a_damaged_point(tmp_path, capsys):
    from omegaconf import OmegaConf

    from sim.apps import sensitivity

    spec = tmp_path / "morris.yaml"
    OmegaConf.save({"morris": {
        "trajectories": 2, "levels": 4, "sample_seed": 7, "seed": 1, "regimes": ["trust_based", "npm"],
        "outputs": ["loneliness_mean_end", "wellbeing_mean_end"], "sweep_dir": str(tmp_path / "m"),
        "base": {"scenario": {"name": "classroom", "n_users": 12, "n_workers": 3, "days": 30}},
        "parameters": {"model.talk.talk_share": [0.1, 0.5], "model.network.decay_days": [45.0, 180.0]},
    }}, spec)
    sensitivity.main(spec, [])
    assert "sensitivity: 12 run, 0 kept, 0 failed" in capsys.readouterr().out
    broken = sorted((tmp_path / "m").glob("npm_point=*/summary.json"))[0]
    broken.write_text(broken.read_text()[:30])
    sensitivity.main(spec, [])
    out = capsys.readouterr().out
    assert f"sensitivity: {broken.parent.name}: re-running (summary.json damaged)" in out
    assert "sensitivity: 1 run, 11 kept, 0 failed" in out
