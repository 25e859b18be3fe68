"""Throughput of synthesis: candidates enumerated per second, then egglog on what was kept.

For each task, runs the search to ``--max-cost`` with no early stop, then saturates the
e-graph with every skeleton the search kept, and reports: candidates enumerated
(expressions of every bank, loop structures run on the examples, assembled programs
checked), the expression-need comparisons made while solving for writes (counted
separately), candidates per second, and the e-graph's time and classes. ``seconds`` and
``egglog_seconds`` are wall time; ``cpu_seconds`` and ``egglog_cpu_seconds`` are the
process's CPU time (the figure to compare on a shared machine). Published Python
bottom-up enumerators reach about 30,000-110,000 candidates per second.

    python scripts/bench_synth.py [--tasks parity fibonacci] [--max-cost 7] [--json F]
        [--holes] [--dump F]

``--dump F`` writes every kept skeleton, per task in discovery order, with its cost,
family, whether it is complete and its e-class (the form egglog extracts), as text: two
runs of different code at the same settings give byte-identical dumps exactly when they
kept the same skeletons, in the same order, in the same classes (how a speed-up is
checked not to change results: ``diff`` the dumps).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bridge.tasks import BUILTINS, SUITES
from synth.rules import saturate
from synth.search import SynthConfig, enumerate_programs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(BUILTINS))
    ap.add_argument("--max-cost", type=int, default=7)
    ap.add_argument("--n-train", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/bench_synth.json")
    ap.add_argument("--holes", action="store_true", help="keep structures with holes too")
    ap.add_argument("--dump", default=None, help="write the kept skeletons as text here")
    a = ap.parse_args()

    rows, dump = [], []
    print(
        f"{'task':<10} {'candidates':>11} {'solved-for':>12} {'seconds':>8} {'cand/s':>11} "
        f"{'kept':>6} {'e-classes':>9} {'egglog s':>8} {'cpu s':>6} {'egglog cpu':>10}"
    )
    for name in a.tasks:
        b = BUILTINS[name]
        task = b.task(n_train=a.n_train, seed=a.seed)
        t0, c0 = time.perf_counter(), time.process_time()
        r = enumerate_programs(
            task.train,
            b.machine.M,
            cfg=SynthConfig(max_cost=a.max_cost, time_limit=None, stop_when_solved=False, holes=a.holes),
        )
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        s = r.stats
        t0, c0 = time.perf_counter(), time.process_time()
        sat = saturate([c.term for c in r.candidates], b.machine.M)
        egg, egg_cpu = time.perf_counter() - t0, time.process_time() - c0
        dump.append(f"## {name} max_cost={a.max_cost} holes={a.holes} candidates={s.enumerated}")
        dump += [f"{c.order} {c.cost} {c.family} {c.correct} {c.term} | {e}" for c, e in zip(r.candidates, sat.best)]
        rows.append(
            {
                "task": name,
                "max_cost": a.max_cost,
                "holes": a.holes,
                "candidates": s.enumerated,
                "completions": s.completions,
                "seconds": dt,
                "candidates_per_s": s.enumerated / dt,
                "kept": len(r.candidates),
                "eclasses": sat.classes,
                "egglog_seconds": egg,
                "cpu_seconds": cpu,
                "egglog_cpu_seconds": egg_cpu,
                "saturated": sat.saturated,
                "solved": bool(r.solutions),
            }
        )
        print(
            f"{name:<10} {s.enumerated:>11,} {s.completions:>12,} {dt:>8.2f} {s.enumerated / dt:>11,.0f} "
            f"{len(r.candidates):>6,} {sat.classes:>9,} {egg:>8.2f} {cpu:>6.2f} {egg_cpu:>10.2f}",
            flush=True,
        )
    if a.dump:
        Path(a.dump).parent.mkdir(parents=True, exist_ok=True)
        Path(a.dump).write_text("\n".join(dump) + "\n")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
