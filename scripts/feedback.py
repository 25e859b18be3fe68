"""Does feedback matter? ``both`` with and without it, on the same seeds.

Only near misses are proposed — synthesis is held below the cost of the exact solution
(``--max-cost``), or with ``--hide-solutions`` every skeleton that fits the train examples
is withheld (a synthesizer that missed them) — so tuning has to repair one; feedback pushes
down the neighbours of a skeleton whose restarts all failed. Prints, per task and mode: solved, skeletons tried
before success, restarts, time.

    python scripts/feedback.py [--tasks reduce fibonacci parity] [--max-cost 5] [--top-n 12]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from neural import xla

xla.configure()

from bridge.pipeline import SolveConfig, solve  # noqa: E402
from bridge.tasks import BUILTINS  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from neural.tune import TuneConfig  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=["map_inc", "reduce", "fibonacci"], choices=list(BUILTINS))
    ap.add_argument("--max-cost", type=int, default=3)
    ap.add_argument("--top-n", type=int, default=12)
    ap.add_argument("--restarts", type=int, default=48, help="total; each skeleton gets restarts/top-n")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--hide-solutions", action="store_true", help="withhold skeletons that fit the examples")
    ap.add_argument("--json", default="results/feedback.json")
    a = ap.parse_args()

    rows = []
    print(f"{'task':<10} {'seed':>4} {'feedback':<8} {'solved':<6} {'tried':>5} {'restarts':>8} {'seconds':>7}")
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            for seed in a.seeds:
                task = BUILTINS[name].task(n_train=32, n_test=256, seed=seed)
                for fb in (True, False):
                    cfg = SolveConfig(
                        restarts=a.restarts,
                        top_n=a.top_n,
                        max_cost=a.max_cost,
                        feedback=fb,
                        seed=seed,
                        hide_solutions=a.hide_solutions,
                        tune=TuneConfig(steps=a.steps),
                    )
                    r = solve(task, "both", cfg, pool.tune)
                    rows.append(
                        {
                            "task": name,
                            "seed": seed,
                            "feedback": fb,
                            "solved": r.solved,
                            "skeletons_tried": r.skeletons_tried,
                            "restarts": r.restarts,
                            "seconds": r.seconds,
                            "skeletons": r.skeletons,
                            "ranking_changes": r.ranking_changes,
                        }
                    )
                    print(
                        f"{name:<10} {seed:>4} {'on' if fb else 'off':<8} {r.solved!s:<6} {r.skeletons_tried:>5} "
                        f"{r.restarts:>8} {r.seconds:>7.1f}",
                        flush=True,
                    )
    on = [r for r in rows if r["feedback"]]
    off = [r for r in rows if not r["feedback"]]
    for label, rs in (("with feedback", on), ("without", off)):
        solved = [r for r in rs if r["solved"]]
        tried = sum(r["skeletons_tried"] for r in solved) / max(1, len(solved))
        print(
            f"{label:<14} solved {len(solved)}/{len(rs)}, mean skeletons tried when solved {tried:.1f}, "
            f"total {sum(r['seconds'] for r in rs):.0f} s"
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
