"""Evaluate the learned heuristic against the size prior on tasks the model never saw.

Held-out synthetic tasks (a different seed, behaviours disjoint from training) and the
built-in suites. Per task: candidates enumerated (expressions + programs) up to the first
skeleton correct on the examples, solved within the budget, and time — with and without
the heuristic; then the median ratio over tasks both solve.

    python scripts/eval_heuristic.py [--model results/heuristic.eqx] [--n 200] [--budget 300000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bridge.tasks import BUILTINS
from neural import Examples
from synth import SizePrior, SynthConfig
from synth.learned import LearnedHeuristic, generate, load
from synth.search import enumerate_programs


def search(examples, M: int, heuristic, budget: int, max_cost: int) -> dict:
    t0 = time.perf_counter()
    r = enumerate_programs(examples, M, heuristic, SynthConfig(max_cost=max_cost, max_programs=budget, time_limit=None))
    s = r.stats
    return {
        "solved": bool(r.solutions),
        "candidates": s.enumerated_expressions + s.enumerated_programs,
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="results/heuristic.eqx")
    ap.add_argument("--n", type=int, default=200, help="held-out synthetic tasks")
    ap.add_argument("--train-n", type=int, default=20_000, help="training set size (to keep evaluation disjoint)")
    ap.add_argument("--train-seed", type=int, default=0)
    ap.add_argument("--budget", type=int, default=300_000, help="programs enumerated before giving up")
    ap.add_argument("--max-cost", type=int, default=40, help="high: the learned costs exceed 1 per op")
    ap.add_argument("--sharpness", type=float, default=1.0, help="cost = 1 + round(s * log2(p_max / p))")
    ap.add_argument("--json", default="results/eval_heuristic.json")
    a = ap.parse_args()

    model = load(a.model)
    train_keys = {
        np.concatenate([s.inputs.ravel(), s.outputs.ravel()]).astype(np.int16).tobytes()
        for s in generate(a.train_n, a.train_seed)
    }
    held = [
        s
        for s in generate(a.n * 2, a.train_seed + 1000)
        if np.concatenate([s.inputs.ravel(), s.outputs.ravel()]).astype(np.int16).tobytes() not in train_keys
    ][: a.n]
    sets = {"held-out": [(f"gen{i}", Examples(s.inputs, s.outputs, s.mask), 8) for i, s in enumerate(held)]}
    sets["built-in"] = [(n, b.task(n_train=16, seed=0).train, b.machine.M) for n, b in BUILTINS.items()]
    rows = []
    for label, tasks in sets.items():
        for name, ex, M in tasks:
            base = search(ex, M, SizePrior(), a.budget, a.max_cost)
            learned = search(ex, M, LearnedHeuristic(model, M, sharpness=a.sharpness), a.budget, a.max_cost)
            rows.append({"set": label, "task": name, "baseline": base, "learned": learned})
    print(
        f"{'set':<9} {'tasks':>5} {'solved (size prior)':>20} {'solved (learned)':>17} {'median ratio':>12} "
        f"{'time prior':>10} {'time learned':>12}"
    )
    for label in sets:
        rs = [r for r in rows if r["set"] == label]
        both = [r for r in rs if r["baseline"]["solved"] and r["learned"]["solved"]]
        ratio = (
            np.median([r["baseline"]["candidates"] / r["learned"]["candidates"] for r in both])
            if both
            else float("nan")
        )
        print(
            f"{label:<9} {len(rs):>5} {sum(r['baseline']['solved'] for r in rs):>20} "
            f"{sum(r['learned']['solved'] for r in rs):>17} {ratio:>11.2f}x "
            f"{sum(r['baseline']['seconds'] for r in rs):>9.1f}s {sum(r['learned']['seconds'] for r in rs):>11.1f}s"
        )
    for r in rows:
        if r["set"] == "built-in":
            b, l = r["baseline"], r["learned"]
            print(
                f"  {r['task']:<10} prior {b['candidates']:>9,} {'ok' if b['solved'] else '--'}   "
                f"learned {l['candidates']:>9,} {'ok' if l['solved'] else '--'}"
            )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
