"""Writing a run's results: every file atomically, ``summary.json`` last.

Each file is written to a temporary name in the same folder and moved into
place with ``os.replace``, so a crash never leaves a half-written file under a
contract name; ``summary.json`` is written last, so its presence means the
run finished. Every writer returns the sha256 of the bytes it wrote: the run's
manifest in ``run.json`` (:mod:`sim.outputs.store`) is made of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

CONTRACT_FILES = ("config.yaml", "timeseries.parquet", "users.parquet", "visits.parquet", "service_events.parquet",
                  "run.json", "summary.json")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write(path: Path, write: Callable[[Path], None]) -> str:
    """Call ``write(tmp)`` and move ``tmp`` to ``path`` only if it succeeded; return the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        digest = sha256_file(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def write_parquet(path: Path, df: pd.DataFrame) -> str:
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, compression="zstd"))


def json_text(data: dict[str, Any]) -> str:
    """The text :func:`write_json` writes (so its checksum can be known before it is written)."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write_json(path: Path, data: dict[str, Any]) -> str:
    return write_text(path, json_text(data))


def write_text(path: Path, text: str) -> str:
    return atomic_write(path, lambda tmp: tmp.write_bytes(text.encode()))
