"""The README's "From Python" examples run as they are written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SECTION = "## From Python"


def python_blocks() -> list[str]:
    """The python code blocks of the README's "From Python" section, in order."""
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{SECTION}\n")
    end = text.find("\n## ", start + len(SECTION) + 2)
    return re.findall(r"```python\n(.*?)```", text[start:end if end > 0 else None], flags=re.DOTALL)


def test_the_section_has_examples_of_every_entry_point():
    code = "\n".join(python_blocks())
    for name in ("sim.configure(", "sim.run_one(", "sim.run_many(", "sim.compare(", "sim.SIDLModel(", "batch_run("):
        assert name in code, name


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_example_runs(tmp_path, index):
    script = tmp_path / "example.py"
    script.write_text(python_blocks()[index])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    if "out=" in script.read_text():
        assert (tmp_path / "results" / "my_run" / "summary.json").exists()
    if "store=" in script.read_text():
        assert len(list((tmp_path / "results" / "my_sweep").glob("*/summary.json"))) == 12
