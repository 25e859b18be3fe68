"""How far the guarded-block search reaches beyond the tasks that showed it: random guarded
programs ``if c ≠ 0 { mem[a1], mem[a2] ← e1, e2 }`` drawn by the skeleton sampler's
expression grammar (``synth.sample.expression``), each a task of 16 train examples (half
with the test 0, where nothing changes) and 200 test examples drawn the same way; every
cell compared. A task counts as *found* if the search returns a correct skeleton, and as
*solved* if its first skeleton is right on every test example.

Programs whose writes alone are already right on the train examples (the guard changes
nothing they show), whose test is constant, or whose train examples cannot be drawn
(the test is 0 on fewer than 1 in 200 random memories) are skipped and redrawn; the
random stream is seeded per task, so ``--seed`` and ``--n`` fix the task list.

    python scripts/guarded_reach.py [--n 30] [--M 8] [--time-limit 20] [--seed 0] \\
        [--json results/guarded_reach.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from neural import Examples
from synth import SynthConfig
from synth.lang import Term, if_nonzero, par, write
from synth.sample import expression
from synth.search import enumerate_programs
from synth.semantics import execute, value


def draw_task(rng: np.random.Generator, M: int, n_train: int = 16, n_test: int = 200) -> tuple | None:
    """A random guarded program and its train and test examples (half of each with the
    test 0), or None if the draw is unusable."""
    test = expression(rng, M, (), 2)
    k = int(rng.integers(1, 3))
    body = par(*(write(expression(rng, M, (), 1), expression(rng, M, (), 2)) for _ in range(k)))
    pool = rng.integers(0, M, (4000, M))
    zero = value(test, M, memory=pool) == 0
    if zero.sum() < n_train or (~zero).sum() < n_train or zero.mean() < 1 / 200:
        return None
    z, nz = rng.permutation(np.flatnonzero(zero)), rng.permutation(np.flatnonzero(~zero))
    half_tr, half_te = n_train // 2, n_test // 2
    if len(z) < half_tr + half_te or len(nz) < half_tr + half_te:
        return None
    prog = if_nonzero(test, body)
    train = pool[np.concatenate([z[:half_tr], nz[:half_tr]])]
    test_x = pool[np.concatenate([z[half_tr : half_tr + half_te], nz[half_tr : half_tr + half_te]])]
    examples = [Examples(x, execute(prog, x, M), np.ones(x.shape, bool)) for x in (train, test_x)]
    writes_alone = examples[0].correct(execute(body, train, M)).all()
    if writes_alone or not (examples[0].outputs != train).any():
        return None
    return prog, examples[0], examples[1]


def run(n: int, M: int, time_limit: float, seed: int) -> list[dict]:
    rows = []
    for k in range(n):
        rng = np.random.default_rng([seed, k])
        task = None
        while task is None:
            task = draw_task(rng, M)
        prog, train, test = task
        t0 = time.perf_counter()
        r = enumerate_programs(train, M, cfg=SynthConfig(time_limit=time_limit))
        first: Term | None = r.solutions[0].term if r.solutions else None
        solved = first is not None and bool(test.correct(execute(first, test.inputs, M)).all())
        rows.append(
            {
                "task": k,
                "program": str(prog),
                "found": first is not None,
                "solved": solved,
                "first": None if first is None else str(first),
                "guarded": first is not None and first.op == "if",
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
        row = rows[-1]
        print(
            f"{k:>3} {'yes' if solved else 'no':<4} {row['seconds']:>6.1f} s  {row['program']}  =>  {row['first']}",
            flush=True,
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30, help="tasks (default 30)")
    ap.add_argument("--M", type=int, default=8, help="memory cells (default 8)")
    ap.add_argument("--time-limit", type=float, default=20.0, help="seconds per search (default 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/guarded_reach.json")
    a = ap.parse_args()
    if a.n < 1 or a.M < 2 or a.time_limit <= 0:
        ap.error("--n must be at least 1, --M at least 2 and --time-limit positive")
    rows = run(a.n, a.M, a.time_limit, a.seed)
    found = sum(r["found"] for r in rows)
    solved = sum(r["solved"] for r in rows)
    guarded = sum(r["solved"] and r["guarded"] for r in rows)
    print(f"\n{'tasks':>6} {'found':>6} {'solved':>7} {'solved by a guard':>18} {'median s':>9}")
    print(f"{len(rows):>6} {found:>6} {solved:>7} {guarded:>18} {np.median([r['seconds'] for r in rows]):>9.1f}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(
            json.dumps({"M": a.M, "time_limit": a.time_limit, "seed": a.seed, "rows": rows}, indent=1) + "\n"
        )


if __name__ == "__main__":
    main()
