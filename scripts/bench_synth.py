"""Throughput of the enumerator: candidates evaluated and OE classes found per second.

For each task, enumerates every skeleton up to ``--max-cost`` (no early stop), then
saturates the e-graph, and reports: candidates evaluated (expressions + programs), OE
classes kept, their rates, and the e-graph's time and merges separately. Published Python
bottom-up enumerators reach about 30,000-110,000 candidates per second.

    python scripts/bench_synth.py [--tasks parity fibonacci] [--max-cost 7]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bridge.tasks import BUILTINS, SUITES
from synth.rules import saturate
from synth.search import enumerate_programs
from synth.space import _terms_to_insert


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(BUILTINS))
    ap.add_argument("--max-cost", type=int, default=7)
    ap.add_argument("--n-train", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/bench_synth.json")
    a = ap.parse_args()

    rows = []
    print(
        f"{'task':<10} {'candidates':>11} {'OE classes':>10} {'seconds':>8} {'cand/s':>10} {'OE/s':>9} "
        f"{'inserted':>9} {'e-classes':>9} {'egglog s':>8}"
    )
    for name in a.tasks:
        b = BUILTINS[name]
        task = b.task(n_train=a.n_train, seed=a.seed)
        t0 = time.perf_counter()
        r = enumerate_programs(task.train, b.machine.M, max_cost=a.max_cost, stop_when_solved=False)
        dt = time.perf_counter() - t0
        s = r.stats
        cand = s.enumerated_expressions + s.enumerated_programs
        oe = s.expression_classes + s.oe_classes
        terms = _terms_to_insert(r, 60_000)
        t0 = time.perf_counter()
        sat = saturate(terms, b.machine.M)
        egg = time.perf_counter() - t0
        rows.append(
            {
                "task": name,
                "max_cost": a.max_cost,
                "candidates": cand,
                "oe_classes": oe,
                "seconds": dt,
                "candidates_per_s": cand / dt,
                "oe_per_s": oe / dt,
                "inserted": len(terms),
                "eclasses": sat.n_classes,
                "egglog_seconds": egg,
                "saturated": sat.saturated,
            }
        )
        print(
            f"{name:<10} {cand:>11,} {oe:>10,} {dt:>8.2f} {cand / dt:>10,.0f} {oe / dt:>9,.0f} "
            f"{len(terms):>9,} {sat.n_classes:>9,} {egg:>8.2f}",
            flush=True,
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
