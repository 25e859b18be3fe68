"""Does tuning add reach? ``both`` against ``synth`` with synthesis capped.

Synthesis is held below the cost of the tasks' loop bodies (``--max-cost``), so complete
skeletons are out of its reach and only structures with holes (``--holes``) are left for
tuning to fill; each task gets the same wall time (``--time-limit`` seconds) under either
method. Prints per task and method: solved, skeletons tuned, restarts recovered, seconds;
and the number of tasks each method solved.

    python scripts/holes.py [--tasks ...] [--max-cost 3] [--time-limit 120] [--restarts 40] [--json F]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from neural import xla

xla.configure()

from bridge.pipeline import SolveConfig, solve  # noqa: E402
from bridge.tasks import BUILTINS, SUITES  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from neural.tune import TuneConfig  # noqa: E402
from synth import SynthConfig  # noqa: E402

METHODS = ("synth", "both")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(BUILTINS))
    ap.add_argument("--max-cost", type=int, default=3, help="costliest structure synthesis may enumerate")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per task and method")
    ap.add_argument("--restarts", type=int, default=40)
    ap.add_argument("--top-n", type=int, default=4)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", default="results/holes.json")
    a = ap.parse_args()

    rows = []
    print(f"{'task':<10} {'method':<6} {'solved':<6} {'tuned':>5} {'recovered':>9} {'seconds':>7}  why")
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            task = BUILTINS[name].task(n_train=32, n_test=256, seed=a.seed)
            for method in METHODS:
                cfg = SolveConfig(
                    synth=SynthConfig(max_cost=a.max_cost, holes=True),
                    tune=TuneConfig(steps=a.steps),
                    restarts=a.restarts,
                    top_n=a.top_n,
                    seed=a.seed,
                    time_limit=a.time_limit,
                )
                r = solve(task, method, cfg, pool.tune)
                rows.append(
                    {"task": name, "method": method, "solved": r.solved, "skeletons_tried": r.skeletons_tried,
                     "restarts": r.restarts, "recovered": r.recovered, "seconds": round(r.seconds, 1),
                     "program": r.program, "why": r.why}
                )  # fmt: skip
                print(
                    f"{name:<10} {method:<6} {r.solved!s:<6} {r.skeletons_tried:>5} "
                    f"{r.recovered:>4}/{r.restarts:<4} {r.seconds:>7.1f}  {r.why}",
                    flush=True,
                )
    for method in METHODS:
        got = [r["task"] for r in rows if r["method"] == method and r["solved"]]
        print(f"{method:<6} solved {len(got)}/{len(a.tasks)}: {' '.join(got)}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"settings": vars(a), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
