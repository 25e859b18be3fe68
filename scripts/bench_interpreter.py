"""Benchmark the batched discrete interpreter against the one-at-a-time reference loop.

Default: 10,000 random 8-line programs x 16 inputs x T=32 at M=8, R=4. Reports executed
program-steps per second (a step is one line executed by one machine on one input) for
both, and their ratio. Random programs are drawn over all 13 ops, so many halt or loop
early: the step counts are what was actually executed, not N*B*T.

    python scripts/bench_interpreter.py [--programs 10000] [--json results/bench_interpreter.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from neural import OPS, Line, Program, encode, run_batch, run_one


def random_programs(n: int, M: int, R: int, L: int, rng: np.random.Generator) -> list[Program]:
    ops = rng.integers(len(OPS), size=(n, L))
    regs = rng.integers(R, size=(n, L, 3))
    init = rng.integers(M, size=(n, R))
    return [Program(M, R, tuple(init[i]), tuple(Line(ops[i, j], *regs[i, j]) for j in range(L))) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--programs", type=int, default=10_000)
    ap.add_argument("--inputs", type=int, default=16)
    ap.add_argument("--M", type=int, default=8)
    ap.add_argument("--R", type=int, default=4)
    ap.add_argument("--lines", type=int, default=8)
    ap.add_argument("--T", type=int, default=32)
    ap.add_argument("--loop-programs", type=int, default=300, help="programs timed with the plain loop")
    ap.add_argument("--repeats", type=int, default=3, help="batched runs; the best is reported")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/bench_interpreter.json")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    progs = random_programs(a.programs, a.M, a.R, a.lines, rng)
    inputs = rng.integers(a.M, size=(a.inputs, a.M))

    t0 = time.perf_counter()
    code = encode(progs)
    t_encode = time.perf_counter() - t0
    times = []
    for _ in range(a.repeats):  # the first run pays for page faults of fresh allocations
        t0 = time.perf_counter()
        res = run_batch(code, inputs, a.T)
        times.append(time.perf_counter() - t0)
    t_batch, t_first = min(times), times[0]
    steps_batch = int(res.steps.sum())

    t0 = time.perf_counter()
    steps_loop = 0
    for p in progs[: a.loop_programs]:
        for x in inputs:
            steps_loop += int(run_one(p, x, a.T).steps)
    t_loop = time.perf_counter() - t0

    batch_rate, loop_rate = steps_batch / t_batch, steps_loop / t_loop
    rows = {
        "config": f"{a.programs} programs x {a.inputs} inputs, {a.lines} lines, M={a.M} R={a.R} T={a.T}",
        "batched_seconds": t_batch,
        "batched_first_run_seconds": t_first,
        "batched_steps": steps_batch,
        "batched_steps_per_s": batch_rate,
        "programs_per_s": a.programs / t_batch,
        "encode_seconds": t_encode,
        "loop_programs": a.loop_programs,
        "loop_steps_per_s": loop_rate,
        "ratio": batch_rate / loop_rate,
        "halted_fraction": float(res.halted.mean()),
    }
    print(rows["config"])
    print(f"{'interpreter':<14} {'steps/s':>14} {'time (s)':>10}")
    print(
        f"{'batched':<14} {batch_rate:>14,.0f} {t_batch:>10.3f}   "
        f"({a.programs / t_batch:,.0f} programs/s x {a.inputs} inputs;"
        f" best of {a.repeats}, first run {t_first:.3f} s)"
    )
    print(f"{'one-at-a-time':<14} {loop_rate:>14,.0f} {t_loop:>10.3f}   ({a.loop_programs} programs)")
    print(f"ratio: {rows['ratio']:.0f}x   (encoding {a.programs} Program objects: {t_encode:.3f} s)")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
