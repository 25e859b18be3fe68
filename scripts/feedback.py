"""Does feedback matter? ``both`` with and without it, on the same seeds.

Only near misses are proposed, structures with holes for tuning to fill: synthesis is held
one level below each task's cheapest complete skeleton (its level ``L`` is found first by
an uncapped search; ``--max-cost N`` sets one cap for every task instead), or with
``--hide-solutions`` every skeleton that fits the train examples is withheld (a
synthesizer that missed them). When every restart of a proposal fails, feedback re-ranks
before the next is drawn: ``graded`` by how close tuning came (``near``: the share of the
train cells in play — changed by the example or by the program — that its best program
got right, :func:`~bridge.pipeline.near_miss`),
``flat`` as if it got nowhere, ``off`` not at all. Prints, per task, seed and mode: solved,
skeletons tuned, restarts, seconds and the ``near`` of each failure.

    python scripts/feedback.py [--tasks reduce fibonacci parity] [--modes graded off] [--hide-solutions]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from neural import xla

xla.configure()

from bridge.pipeline import SolveConfig, solve  # noqa: E402
from bridge.study import solution_level  # noqa: E402
from bridge.tasks import BUILTINS  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from synth import SynthConfig  # noqa: E402

MODES = {"graded": {"feedback": True}, "flat": {"feedback": True, "feedback_graded": False}, "off": {"feedback": False}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=["reduce", "fibonacci", "parity"], choices=list(BUILTINS))
    ap.add_argument("--modes", nargs="+", default=["graded", "off"], choices=list(MODES))
    ap.add_argument("--max-cost", type=int, default=None, help="one structure cap for every task (default: L - 1)")
    ap.add_argument("--top-n", type=int, default=12)
    ap.add_argument("--restarts", type=int, default=48, help="total; each skeleton gets restarts/top-n")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--hide-solutions", action="store_true", help="withhold skeletons that fit the examples")
    ap.add_argument("--json", default="results/feedback.json")
    a = ap.parse_args()

    rows = []
    print(
        f"{'task':<10} {'seed':>4} {'cap':>3} {'feedback':<8} {'solved':<6} {'tried':>5} {'restarts':>8} "
        f"{'seconds':>7}  near"
    )
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            for seed in a.seeds:
                task = BUILTINS[name].task(n_train=32, n_test=256, seed=seed)
                if a.hide_solutions:
                    synth = SynthConfig(holes=True)
                else:
                    level = solution_level(task) if a.max_cost is None else a.max_cost + 1
                    if level is None:
                        print(f"{name:<10} {seed:>4} no complete skeleton to cap below", flush=True)
                        continue
                    synth = SynthConfig(max_cost=level - 1, holes=True)
                for mode in a.modes:
                    cfg = SolveConfig(
                        synth=synth,
                        restarts=a.restarts,
                        top_n=a.top_n,
                        seed=seed,
                        hide_solutions=a.hide_solutions,
                        **MODES[mode],
                    )
                    r = solve(task, "both", cfg, pool.tune)
                    near = [round(c["near"], 2) for c in r.ranking_changes]
                    rows.append(
                        {"task": name, "seed": seed, "max_cost": synth.max_cost, "feedback": mode,
                         "solved": r.solved, "skeletons_tried": r.skeletons_tried, "restarts": r.restarts,
                         "seconds": round(r.seconds, 1), "program": r.program,
                         "tried": [t.skeleton for t in r.trials if t.restarts], "near": near,
                         "ranking_changes": r.ranking_changes}
                    )  # fmt: skip
                    print(
                        f"{name:<10} {seed:>4} {synth.max_cost:>3} {mode:<8} {r.solved!s:<6} {r.skeletons_tried:>5} "
                        f"{r.restarts:>8} {r.seconds:>7.1f}  {' '.join(map(str, near))}",
                        flush=True,
                    )
    for mode in a.modes:
        rs = [r for r in rows if r["feedback"] == mode]
        solved = [r for r in rs if r["solved"]]
        tried = sum(r["skeletons_tried"] for r in solved) / max(1, len(solved))
        names = " ".join(f"{r['task']}/{r['seed']}" for r in solved)
        print(
            f"{mode:<7} solved {len(solved)}/{len(rs)} ({names}), mean skeletons tuned when solved {tried:.1f}, "
            f"total {sum(r['seconds'] for r in rs):.0f} s"
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"settings": vars(a), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
