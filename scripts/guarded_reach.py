"""How far the guarded-block and filter searches reach beyond the tasks that showed them:
random programs whose tests are drawn by the skeleton sampler's expression grammar
(``synth.sample.expression``), each a task of 16 train examples and 200 test examples
drawn the same way. A task counts as *found* if the search returns a correct skeleton,
and as *solved* if its first skeleton is right on every test example.

- ``--shape guarded``: ``if c ≠ 0 { mem[a1], mem[a2] ← e1, e2 }`` over the input (half
  the examples with the test 0, where nothing changes); every cell compared. Programs
  whose writes alone are already right on the train examples (the guard changes nothing
  they show) are redrawn.
- ``--shape filter``: ``a ← s; for i, x in list@s { if c ≠ 0 { mem[a], a ← x, inc(a) }
  }; mem[a] ← 0``, ``c`` over the element ``x`` and the input's cells, on a 0-terminated
  list at cell ``s`` (0 or 1) of 1 to ``M − s − 2`` elements with random cells after it;
  the list and its terminator compared. Programs whose train examples keep every element
  or none are redrawn.

Tests that are 0 on fewer than 1 in 200 random draws (or on all but that) are redrawn;
the random stream is seeded per task, so ``--seed`` and ``--n`` fix the task list.

    python scripts/guarded_reach.py [--shape guarded] [--n 30] [--M 8] [--time-limit 20] \\
        [--seed 0] [--json results/guarded_reach.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from neural import Examples
from synth import SynthConfig
from synth.lang import Term, app, assign, const, for_list, if_nonzero, par, reads, seq, var, write
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


def draw_filter(rng: np.random.Generator, M: int, n_train: int = 16, n_test: int = 200) -> tuple | None:
    """A random filter over a 0-terminated list and its train and test examples, or None
    if the draw is unusable."""
    test = expression(rng, M, ("x",), 2)
    if "x" not in reads(test):
        return None
    s, a = int(rng.integers(0, 2)), var("a")
    keep = if_nonzero(test, par(write(a, var("x")), assign("a", app("inc", a))))
    prog = seq(assign("a", const(s)), for_list("i", "x", const(s), keep), write(a, const(0)))
    B = n_train + n_test
    X, K = rng.integers(0, M, (B, M)), np.zeros((B, M), dtype=bool)
    n = rng.integers(1, M - s - 1, B)
    for b in range(B):
        X[b, s : s + n[b]] = rng.integers(1, M, n[b])
        X[b, s + n[b]] = 0
        K[b, s : s + n[b] + 1] = True
    kept = np.array(
        [
            int((value(test, M, {"x": X[b, s : s + n[b]]}, np.repeat(X[b : b + 1], n[b], 0)) != 0).sum())
            for b in range(B)
        ]
    )
    if not 1 / 200 < (kept / n).mean() < 1 - 1 / 200:
        return None
    if (kept[:n_train] == 0).all() or (kept[:n_train] == n[:n_train]).all():
        return None  # the train examples keep every element or none
    ex = [Examples(X[r], execute(prog, X[r], M), K[r]) for r in (slice(0, n_train), slice(n_train, B))]
    return prog, ex[0], ex[1]


SHAPES = {"guarded": draw_task, "filter": draw_filter}


def run(n: int, M: int, time_limit: float, seed: int, shape: str = "guarded") -> list[dict]:
    rows = []
    for k in range(n):
        rng = np.random.default_rng([seed, k])
        task = None
        while task is None:
            task = SHAPES[shape](rng, M)
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
                "by_shape": first is not None and any(t.op == "if" for t in first.walk()),
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
    ap.add_argument("--shape", choices=sorted(SHAPES), default="guarded", help="programs drawn (default guarded)")
    ap.add_argument("--n", type=int, default=30, help="tasks (default 30)")
    ap.add_argument("--M", type=int, default=8, help="memory cells (default 8)")
    ap.add_argument("--time-limit", type=float, default=20.0, help="seconds per search (default 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/guarded_reach.json")
    a = ap.parse_args()
    if a.n < 1 or a.M < 2 or a.time_limit <= 0:
        ap.error("--n must be at least 1, --M at least 2 and --time-limit positive")
    rows = run(a.n, a.M, a.time_limit, a.seed, a.shape)
    found = sum(r["found"] for r in rows)
    solved = sum(r["solved"] for r in rows)
    by_shape = sum(r["solved"] and r["by_shape"] for r in rows)
    print(f"\n{'tasks':>6} {'found':>6} {'solved':>7} {'solved by the shape':>20} {'median s':>9}")
    print(f"{len(rows):>6} {found:>6} {solved:>7} {by_shape:>20} {np.median([r['seconds'] for r in rows]):>9.1f}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(
            json.dumps({"shape": a.shape, "M": a.M, "time_limit": a.time_limit, "seed": a.seed, "rows": rows}, indent=1)
            + "\n"
        )


if __name__ == "__main__":
    main()
