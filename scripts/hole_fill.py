"""Hole filling, measured: restarts that fill a hole of 1, 2 or 3 lines in a program whose
rest is right.

For each Table 1 task, the hole is ``size`` lines of its reference program that a hole line
can be (value ops: updates and reads; not jumps, stores or ``STOP``), around the loop's step
(:func:`bridge.table1.loop_body`): the step's own lines first, then the nearest such lines
(ties to the right; the lines between stay fixed). Hole kinds:

- ``op``: the lines' registers are known, only their op is open (``HoleTuning.heads="op"``);
- ``line``: op and registers are open (``heads="line"``: the lines blanked first).

The hole is compiled and tuned as the pipeline's holes are, by the same code
(:func:`bridge.table1.fill_holes`, which ``init loop skeleton`` uses, through
:func:`bridge.pipeline.tune_holes`): :class:`~bridge.pipeline.HoleTuning`'s recipe (fixed
lines sharp and frozen; hole lines near-uniform over the value ops, held there and off the
control registers; Gumbel noise on their logits; Adam at lr 0.3 for 800 steps). A restart
counts if its decompiled program is correct on every held-out example.

    python scripts/hole_fill.py [--tasks ...] [--sizes 1 2 3] [--kinds op line] [--restarts 100] [--json F]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from neural import xla

xla.configure()

from bridge.pipeline import HoleTuning, SolveConfig  # noqa: E402
from bridge.table1 import fill_holes, loop_body  # noqa: E402
from bridge.tasks import BUILTINS, SUITES, reference_program  # noqa: E402
from neural.asm import VALUE_OPS, Program  # noqa: E402
from neural.parallel import TunePool  # noqa: E402

KINDS = ("op", "line")
SALT = 13  # the restarts' compile keys: restart_keys(seed, K, SALT)


def window(p: Program, size: int) -> tuple[int, ...] | None:
    """``size`` lines of ``p`` a hole can be (value ops, ``READ`` included) around its loop
    step: the step's lines, then the nearest others, ties to the right (None: ``p`` has
    fewer than ``size`` such lines)."""
    step = loop_body(p)
    value = [i for i, ln in enumerate(p.lines) if ln.op in VALUE_OPS]
    rest = sorted((i for i in value if i not in step), key=lambda i: (min(abs(i - s) for s in step), -i))
    lines = (list(step) + rest)[:size]
    return tuple(sorted(lines)) if len(lines) == size else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(SUITES["table1"]))
    ap.add_argument("--sizes", nargs="+", type=int, default=[1, 2, 3], choices=[1, 2, 3])
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    ap.add_argument("--restarts", type=int, default=100)
    ap.add_argument("--steps", type=int, default=HoleTuning().steps)
    ap.add_argument("--lr", type=float, default=HoleTuning().lr)
    ap.add_argument("--scale", type=float, default=HoleTuning().scale)
    ap.add_argument("--gumbel", type=float, default=HoleTuning().gumbel)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", default="results/hole_fill.json")
    a = ap.parse_args()
    if a.restarts < 1 or a.steps < 1:
        ap.error("--restarts and --steps must be at least 1")
    recipe = HoleTuning(steps=a.steps, lr=a.lr, scale=a.scale, gumbel=a.gumbel)
    cfg = SolveConfig(restarts=a.restarts, seed=a.seed)

    rows = []
    settings = {**vars(a), "recipe": dataclasses.asdict(recipe)}
    print(f"{'task':<10} {'kind':<5} {'size':>4} {'lines':<9} {'recovered':>10} {'seconds':>8}")
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            task = BUILTINS[name].task(n_train=32, n_test=256, seed=a.seed)
            p = reference_program(name)
            for size in a.sizes:
                hole = window(p, size)
                if hole is None:
                    print(f"{name:<10} {'-':<5} {size:>4} n/a: fewer than {size} value lines", flush=True)
                    continue
                for kind in a.kinds:
                    how = dataclasses.replace(recipe, heads=kind)
                    t0 = time.perf_counter()
                    r, _ = fill_holes(p, hole, task, cfg, pool.tune, how, salt=SALT)
                    sec = time.perf_counter() - t0
                    rec = int(r.recovered.sum())
                    rows.append(
                        {"task": name, "kind": kind, "size": size, "lines": list(hole), "recovered": rec,
                         "restarts": a.restarts, "seconds": round(sec, 1)}
                    )  # fmt: skip
                    shown = ",".join(map(str, hole))
                    print(f"{name:<10} {kind:<5} {size:>4} {shown:<9} {rec:>4}/{a.restarts:<5} {sec:>8.1f}", flush=True)
                    if a.json:  # after every cell: a killed run keeps what it measured
                        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
                        Path(a.json).write_text(json.dumps({"settings": settings, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
