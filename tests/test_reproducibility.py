"""Same config and seed -> byte-identical outputs in a new process; other seeds differ."""

import json
import subprocess
import sys
from pathlib import Path

from sim.outputs.files import CONTRACT_FILES

ARGS = ["scenario=classroom", "scenario.days=120"]


def _run(out: Path, seed: int) -> None:
    cmd = [sys.executable, "-m", "sim.run", *ARGS, f"seed={seed}", f"hydra.run.dir={out}"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=Path(__file__).parent.parent)


def test_same_seed_byte_identical_in_new_processes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    _run(a, 5)
    _run(b, 5)
    _run(c, 6)
    for name in CONTRACT_FILES:
        if name == "run.json":
            ra, rb = json.loads((a / name).read_text()), json.loads((b / name).read_text())
            ra.pop("wall_seconds"), rb.pop("wall_seconds")
            assert ra == rb
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "visits.parquet").read_bytes() != (c / "visits.parquet").read_bytes()
    assert (a / "summary.json").read_text() != (c / "summary.json").read_text()
