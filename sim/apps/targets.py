"""``python -m sim.targets``: simulate the empirical targets and check each against its range.

Prints one row per target of ``sim/calibration/targets.yaml`` (or ``--table``): its name, the
acceptable range, the simulated mean over seeds ± its standard error, the source, and PASS or FAIL
(a target the table marks ``open`` says so beside FAIL). Exits 1 if any target fails, 2 on bad
input (an unknown target name, a malformed table) with one line ``error: ...``, before any run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from sim.calibration.targets import TABLE, Outcome, evaluate, load_targets, select
from sim.config.validate import ConfigError


def _number(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def table(outcomes: list[Outcome]) -> str:
    """The printed table: one row per target, then how many pass."""
    rows = [("target", "range", "simulated ± SE", "result", "source")]
    for o in outcomes:
        t = o.target
        result = "PASS" if o.passed else "FAIL" + (" (open)" if t.status == "open" else "")
        rows.append((t.name, f"[{_number(t.low)}, {_number(t.high)}]", f"{_number(o.mean)} ± {_number(o.se)}",
                     result, f"{t.source} ({t.confidence})"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)), r[4]]).rstrip() for r in rows]
    passed = sum(o.passed for o in outcomes)
    return "\n".join([*lines, f"{passed}/{len(outcomes)} targets pass"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object: a row per target")
    ap.add_argument("--only", action="append", metavar="NAME", help="run only this target (repeatable)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--table", default=str(TABLE), help="a table of targets (default: the packaged one)")
    args = ap.parse_args(argv)
    try:
        targets = select(load_targets(args.table), args.only)
    except (ConfigError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    outcomes = evaluate(targets, n_jobs=args.jobs)
    wall = time.perf_counter() - start
    if args.json:
        print(json.dumps({"targets": [o.row() for o in outcomes], "passed": sum(o.passed for o in outcomes),
                          "total": len(outcomes), "wall_seconds": round(wall, 2)}))
    else:
        print(table(outcomes))
        print(f"wall time {wall:.1f} s")
    return 0 if all(o.passed for o in outcomes) else 1
