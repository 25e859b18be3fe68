"""Evaluate the learned heuristic against the size prior on tasks the model never saw.

Task sets: held-out synthetic tasks (another seed; behaviours disjoint from the model's
training tasks, which are regenerated from the settings saved with the model), the
built-in tasks (Table 1 and ANC suites) and the dev suite (``bridge/suites/dev.json``).
The metric per task is the number of candidates the search enumerates (``SearchStats.
enumerated``: expressions, loop structures, assembled programs) up to the first correct
skeleton — the search stops at the end of the cost level where it finds one — with the size
prior and with the learned heuristic; a task is solved when a correct skeleton turns up
within ``--budget`` candidates (and ``--time-limit`` seconds). Per set: solved counts both
ways and the median ratio prior / learned over the tasks both solve (> 1: the model helps).

    python scripts/eval_heuristic.py [--model results/heuristic.eqx] [--n 60] [--budget 100000] \\
        [--sets held-out,built-in,dev] [--sharpness 0.5] [--json results/eval_heuristic.json]

The search checks the budget between batches of candidates, so a search may overshoot it
(by up to a batch: a task "solved" past the budget was found in that batch).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from bridge.suite import load_suite
from bridge.tasks import BUILTINS
from neural import Examples
from synth import SizePrior, SynthConfig
from synth.learned import LearnedHeuristic, generate, load, training_data
from synth.search import enumerate_programs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_heuristic import DEV_SUITE, excluded


def search(examples, M: int, heuristic, budget: int, max_cost: int, time_limit: float | None) -> dict:
    """One search; what it enumerated before stopping, and whether it found a correct skeleton."""
    cfg = SynthConfig(max_cost=max_cost, max_programs=budget, time_limit=time_limit)
    t0 = time.perf_counter()
    r = enumerate_programs(examples, M, heuristic, cfg)
    s = r.stats
    return {
        "solved": bool(r.solutions),
        "candidates": s.enumerated,
        "expressions": s.enumerated_expressions,
        "structures": s.structures,
        "programs": s.programs,
        "completions": s.completions,
        "level": s.max_cost,
        "stopped": s.stopped,
        "seconds": round(time.perf_counter() - t0, 3),
        "skeleton": str(r.solutions[0].term) if r.solutions else None,
    }


def task_sets(a, data: dict) -> dict[str, list[tuple[str, Examples, int]]]:
    """``{set: [(name, train examples, M)]}``."""
    sizes = tuple(data.get("sizes", (8,)))
    seed = data.get("seed", 0)
    sets: dict[str, list] = {}
    if a.n and "held-out" in a.sets:
        t0 = time.perf_counter()
        train_keys = {
            s.key for s in generate(data.get("n", 20_000), seed, sizes, exclude=excluded(data.get("exclude_suite")))
        }
        held = [s for s in generate(a.n * 2, seed + 1000, sizes) if s.key not in train_keys][: a.n]
        print(
            f"{len(held)} held-out tasks (sizes {sizes}; clear of {len(train_keys)} regenerated training tasks) "
            f"in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        sets["held-out"] = [(f"gen{i}.M{s.M}", Examples(s.inputs, s.outputs, s.mask), s.M) for i, s in enumerate(held)]
    if "built-in" in a.sets:
        sets["built-in"] = [(n, b.task(n_train=16, seed=0).train, b.machine.M) for n, b in BUILTINS.items()]
    if "dev" in a.sets and DEV_SUITE.exists():
        sets["dev"] = [(t.name, t.train, t.machine.M) for t in load_suite(DEV_SUITE)[1]]
    return sets


def summary(rows: list[dict], label: str) -> dict:
    rs = [r for r in rows if r["set"] == label]
    both = [r for r in rs if r["prior"]["solved"] and r["learned"]["solved"]]
    ratios = [r["prior"]["candidates"] / max(1, r["learned"]["candidates"]) for r in both]
    return {
        "set": label,
        "tasks": len(rs),
        "solved_prior": sum(r["prior"]["solved"] for r in rs),
        "solved_learned": sum(r["learned"]["solved"] for r in rs),
        "both": len(both),
        "median_ratio": float(np.median(ratios)) if ratios else None,
        "geomean_ratio": float(np.exp(np.mean(np.log(ratios)))) if ratios else None,
        "fewer": sum(q > 1 for q in ratios),
        "more": sum(q < 1 for q in ratios),
        "median_prior": float(np.median([r["prior"]["candidates"] for r in both])) if both else None,
        "median_learned": float(np.median([r["learned"]["candidates"] for r in both])) if both else None,
        "seconds_prior": sum(r["prior"]["seconds"] for r in rs),
        "seconds_learned": sum(r["learned"]["seconds"] for r in rs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="results/heuristic.eqx")
    ap.add_argument("--n", type=int, default=60, help="held-out synthetic tasks (0: none)")
    ap.add_argument("--budget", type=int, default=100_000, help="candidates enumerated before giving up")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per search (a safety net)")
    ap.add_argument("--max-cost", type=int, default=40, help="high: the learned costs exceed 1 per op")
    ap.add_argument("--sharpness", type=float, default=0.5, help="cost = 1 + round(s * log2(p_max / p))")
    ap.add_argument("--sets", default="held-out,built-in,dev", help="task sets, comma-separated")
    ap.add_argument("--json", default="results/eval_heuristic.json")
    a = ap.parse_args()

    try:
        model, data = load(a.model), training_data(a.model)
    except ValueError as e:
        sys.exit(f"eval_heuristic: {e}")
    a.sets = a.sets.split(",")
    if unknown := set(a.sets) - {"held-out", "built-in", "dev"}:
        sys.exit(f"eval_heuristic: --sets: unknown set(s) {sorted(unknown)} (held-out, built-in, dev)")
    sets = task_sets(a, data)
    rows = []
    for label, tasks in sets.items():
        for name, ex, M in tasks:
            prior = search(ex, M, SizePrior(), a.budget, a.max_cost, a.time_limit)
            learned = search(
                ex, M, LearnedHeuristic(model, M, sharpness=a.sharpness), a.budget, a.max_cost, a.time_limit
            )
            rows.append({"set": label, "task": name, "M": M, "prior": prior, "learned": learned})
            ok = {k: "ok" if v["solved"] else "--" for k, v in (("p", prior), ("l", learned))}
            print(
                f"  {label:<8} {name:<15} M={M:<3} prior {prior['candidates']:>9,} {ok['p']} {prior['seconds']:>5.1f}s"
                f"   learned {learned['candidates']:>9,} {ok['l']} {learned['seconds']:>5.1f}s",
                flush=True,
            )
    sums = [summary(rows, label) for label in sets]
    print(
        f"\n{'set':<9} {'tasks':>5} {'solved prior':>12} {'solved learned':>14} {'median ratio':>12} {'geomean':>8} "
        f"{'fewer/more':>10} {'median cands prior':>18} {'learned':>9} {'time prior':>10} {'learned':>8}"
    )
    fmt = lambda v, spec: format(v, spec) if v is not None else "-"
    for s in sums:
        print(
            f"{s['set']:<9} {s['tasks']:>5} {s['solved_prior']:>12} {s['solved_learned']:>14} "
            f"{fmt(s['median_ratio'], '>11.2f')}x {fmt(s['geomean_ratio'], '>7.2f')}x {s['fewer']:>5}/{s['more']:<4} "
            f"{fmt(s['median_prior'], '>18,.0f')} {fmt(s['median_learned'], '>9,.0f')} "
            f"{s['seconds_prior']:>9.0f}s {s['seconds_learned']:>7.0f}s"
        )
    print("ratio = candidates before the first correct skeleton, size prior / learned, over tasks both solve")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        out = {"args": vars(a), "model_data": data, "summary": sums, "rows": rows}
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
