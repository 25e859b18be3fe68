"""Does ``batch --time-limit`` hold? Per task: seconds taken against the limit.

Runs ``synthdiff batch`` on a built-in suite exported with its examples, with a time
limit per task, and reports each task's seconds, its overshoot past the limit and whether
it was stopped. ``--code DIR`` runs another checkout of synthdiff instead (to measure a
version from before the limit was enforced). Run it alone on the machine (exclusive lock).

    flock -x /tmp/synthdiff-cpu.lock python scripts/time_limit.py [--limit 60] [--suite anc]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--suite", default="anc")
    ap.add_argument("--method", default="both")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--code", default=str(ROOT), help="the synthdiff checkout to run (default: this one)")
    ap.add_argument("--json", default="results/time_limit.json")
    a = ap.parse_args()

    env = {**os.environ, "PYTHONPATH": a.code}
    cli = [sys.executable, "-m", "bridge.cli"]
    with tempfile.TemporaryDirectory() as d:
        suite, out = Path(d) / "suite.json", Path(d) / "out.jsonl"
        run = lambda argv, **kw: subprocess.run(
            [*cli, *argv], env=env, cwd=a.code, check=True, **kw
        )  # cwd: -m imports it
        run(["export-suite", a.suite, "--examples", "--out", str(suite)])
        t0 = time.perf_counter()
        run(["batch", str(suite), "--out", str(out), "--time-limit", str(a.limit), "--method", a.method,
             "--workers", str(a.workers), "--json"], stdout=subprocess.DEVNULL)  # fmt: skip
        wall = time.perf_counter() - t0
        lines = [json.loads(x) for x in out.read_text().splitlines()]
    print(f"{'task':<10} {'seconds':>8} {'over limit':>10} {'stopped':<10} solved")
    rows = []
    for r in lines:
        over = r["seconds"] / a.limit - 1
        rows.append({"task": r["task"], "seconds": r["seconds"], "over": over, "stopped": r.get("stopped"),
                     "solved": r["solved"]})  # fmt: skip
        print(f"{r['task']:<10} {r['seconds']:>8.1f} {100 * over:>9.1f}% {r.get('stopped') or '-':<10} {r['solved']}")
    worst = max(r["over"] for r in rows)
    print(f"limit {a.limit:g} s: worst overshoot {100 * max(worst, 0):.1f}%; {wall:.0f} s wall, {a.code}")
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps({"limit": a.limit, "code": a.code, "wall": wall, "tasks": rows}, indent=1))


if __name__ == "__main__":
    main()
