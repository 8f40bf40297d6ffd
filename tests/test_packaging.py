"""A non-editable install works on its own: from an empty folder, ``python -m sim.run`` and ``python -m sim.sweep``
find the configs and experiments shipped in the wheel (sim/conf, sim/experiments) and write under ``./results``.

The install is built from a clean copy of the tree (a stale build/lib would ship deleted files) into a throwaway
venv that sees this interpreter's site-packages, so no dependency is installed; the venv's copy must win over the
editable install when imported from an empty folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from sim.calibration.targets import load_targets
from sim.outputs.store import code_fingerprint

ROOT = Path(__file__).resolve().parent.parent
TOP_SKIP = {".git", ".ci", "build", "dist", ".pytest_cache", ".hypothesis", ".ruff_cache", "results", "outputs",
            "multirun", "tests", "docs", "benchmarks"}  # top level only: sim/outputs is a package
SMALL = ["scenario=classroom", "scenario.days=30", "seed=1"]
PROBE = """
import json, sim
from sim.config import packaged
from sim.calibration.targets import load_targets
from sim.outputs.store import code_fingerprint
files = lambda d, pat: sorted(str(f.relative_to(d)) for f in d.rglob(pat) if "__pycache__" not in f.parts)
modules = [f for f in files(packaged.PACKAGE_DIR, "*.py") if not f.startswith(("conf/", "experiments/"))]
print(json.dumps({"init": sim.__file__, "conf": str(packaged.CONF_DIR), "experiments": str(packaged.EXPERIMENTS_DIR),
                  "py": modules, "conf_yaml": files(packaged.CONF_DIR, "*.yaml"),
                  "exp_yaml": files(packaged.EXPERIMENTS_DIR, "*.yaml"), "fingerprint": code_fingerprint(),
                  "targets": [t.name for t in load_targets()]}))
"""


def _skip(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or (top and n in TOP_SKIP)}


def _files(d: Path, pattern: str) -> list[str]:
    return sorted(str(f.relative_to(d)) for f in d.rglob(pattern) if "__pycache__" not in f.parts)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The venv's python, an empty folder, and an environment without PYTHONPATH (so nothing imports the checkout)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src, env_dir, empty = tmp / "src", tmp / "venv", tmp / "empty"
    shutil.copytree(ROOT, src, ignore=_skip)
    empty.mkdir()
    venv.create(env_dir, system_site_packages=True, with_pip=False)  # pip comes from the system site-packages
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", src], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return py, empty, env


def test_the_wheel_holds_every_module_and_config(installed):
    py, empty, env = installed
    got = json.loads(subprocess.run([py, "-c", PROBE], cwd=empty, env=env, capture_output=True, text=True,
                                    check=True).stdout)
    sim_dir = Path(got["init"]).parent
    assert sim_dir.is_relative_to(py.parent.parent), f"imported {got['init']}, not the venv's install"
    assert Path(got["conf"]) == sim_dir / "conf" and Path(got["experiments"]) == sim_dir / "experiments"
    assert got["py"] == _files(ROOT / "sim", "*.py"), "a subpackage is missing from [tool.setuptools] packages"
    assert got["conf_yaml"] == _files(ROOT / "conf", "*.yaml")
    assert got["exp_yaml"] == _files(ROOT / "experiments", "*.yaml")
    assert got["fingerprint"] == code_fingerprint()  # the same source, installed or checked out
    assert got["targets"] == [t.name for t in load_targets()]  # the table of empirical targets ships too


@pytest.mark.slow
def test_run_and_sweep_work_from_an_empty_folder_and_write_under_results(installed):
    py, empty, env = installed
    res = subprocess.run([py, "-m", "sim.run", *SMALL], cwd=empty, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    run_dir = empty / "results" / "runs" / "classroom" / "trust_based" / "seed=1"
    assert json.loads((run_dir / "summary.json").read_text())["days"] == 30
    res = subprocess.run([py, "-m", "sim.sweep", "demo", *SMALL, "regime=trust_based,npm"], cwd=empty, env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    sweep_dir = empty / "results" / "sweeps" / "demo"
    assert len(list(sweep_dir.glob("*/summary.json"))) == 2 and (sweep_dir / "report.html").exists()
    assert sorted(os.listdir(empty)) == ["results"]
    res = subprocess.run([py, "-m", "sim.run", "regime=npmm"], cwd=empty, env=env, capture_output=True, text=True)
    assert res.returncode == 2 and "allowed: car_ban," in res.stderr  # the regimes are found in the wheel
