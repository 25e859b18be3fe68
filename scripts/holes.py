"""Does tuning add reach? ``both`` against ``synth`` with synthesis capped.

Synthesis is held below what each task's cheapest complete skeleton needs (its cost level
``L`` is found first by an uncapped search), so complete skeletons are out of its reach and
only structures with holes are left for tuning to fill. Two caps, each run on its own:

- ``structure``: structures cost at most ``L - 1`` (``--max-cost N`` sets one cap for
  every task instead): a loop's update, or a straight-line value, is out of reach;
- ``values``: structures up to ``L``, but a written value is solved only with a leaf (a
  variable, a cell, a constant): a loop body's computed value is out of reach.

Each task gets the same wall time (``--time-limit`` seconds) under either method. Prints
per task, cap and method: solved, skeletons tuned, restarts recovered, seconds; and per cap
the tasks each method solved.

    python scripts/holes.py [--tasks ... | --suite FILE] [--caps structure values] [--time-limit 120]
        [--hole-lines 2] [--hole-sizes largest|ranked] [--json F]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from neural import xla

xla.configure()

from bridge.pipeline import SIZES, HoleTuning, SolveConfig, solve  # noqa: E402
from bridge.study import solution_level  # noqa: E402
from bridge.suite import load_suite  # noqa: E402
from bridge.tasks import BUILTINS, SUITES  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from neural.tune import TuneConfig  # noqa: E402
from synth import SynthConfig  # noqa: E402

METHODS = ("synth", "both")
CAPS = {  # cap -> (max_cost given the solution's level L, solve_cost, deep_cost)
    "structure": (lambda L: L - 1, SynthConfig.solve_cost, SynthConfig.deep_cost),
    "values": (lambda L: L, 1, 1),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(BUILTINS))
    ap.add_argument("--suite", default=None, help="a suite file (tasks with examples) instead of --tasks")
    ap.add_argument("--caps", nargs="+", default=list(CAPS), choices=list(CAPS))
    ap.add_argument("--max-cost", type=int, default=None, help="one structure cap for every task (default: L - 1)")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per task and method")
    ap.add_argument("--restarts", type=int, default=20)
    ap.add_argument("--top-n", type=int, default=4)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--hole-lines", type=int, default=SynthConfig.hole_lines, help="largest hole size proposed")
    ap.add_argument(
        "--hole-sizes", default=HoleTuning.sizes, choices=SIZES, help="which hole sizes both tunes (HoleTuning.sizes)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", default="results/holes.json")
    a = ap.parse_args()

    if a.suite:
        tasks = load_suite(a.suite)[1]
    else:
        tasks = [BUILTINS[n].task(n_train=32, n_test=256, seed=a.seed) for n in a.tasks]
    rows = []
    print(f"{'task':<16} {'cap':<9} {'method':<6} {'solved':<6} {'tuned':>5} {'recovered':>9} {'seconds':>7}  why")
    with TunePool(a.workers) as pool:
        for task in tasks:
            holes = HoleTuning(sizes=a.hole_sizes)
            base = SolveConfig(
                tune=TuneConfig(steps=a.steps), restarts=a.restarts, top_n=a.top_n, seed=a.seed, holes=holes
            )
            level = solution_level(task, base, a.time_limit) if a.max_cost is None else a.max_cost + 1
            if level is None:
                print(f"{task.name:<16} no complete skeleton within {a.time_limit:.0f} s to cap below", flush=True)
                continue
            for cap in a.caps:
                max_cost, solve_cost, deep_cost = CAPS[cap][0](level), *CAPS[cap][1:]
                for method in METHODS:
                    synth = SynthConfig(
                        max_cost=max_cost,
                        solve_cost=solve_cost,
                        deep_cost=deep_cost,
                        release_held=False,  # a program held past the cap would escape it
                        holes=True,
                        hole_lines=a.hole_lines,
                    )
                    r = solve(task, method, dataclasses.replace(base, synth=synth, time_limit=a.time_limit), pool.tune)
                    rows.append(
                        {"task": task.name, "cap": cap, "max_cost": max_cost, "solve_cost": solve_cost,
                         "deep_cost": deep_cost, "method": method, "solved": r.solved,
                         "skeletons_tried": r.skeletons_tried, "restarts": r.restarts, "recovered": r.recovered,
                         "seconds": round(r.seconds, 1),
                         "program": r.program, "why": r.why,
                         "tuned": [[t.skeleton, t.recovered, t.restarts] for t in r.trials if t.restarts]}
                    )  # fmt: skip
                    print(
                        f"{task.name:<16} {cap:<9} {method:<6} {r.solved!s:<6} {r.skeletons_tried:>5} "
                        f"{r.recovered:>4}/{r.restarts:<4} {r.seconds:>7.1f}  {r.why}",
                        flush=True,
                    )
    for cap in a.caps:
        for method in METHODS:
            got = [r["task"] for r in rows if r["cap"] == cap and r["method"] == method and r["solved"]]
            n = len({r["task"] for r in rows if r["cap"] == cap})
            print(f"{cap:<9} {method:<6} solved {len(got)}/{n}: {' '.join(got)}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"settings": vars(a), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
