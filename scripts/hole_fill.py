"""Hole filling, measured: restarts that fill a hole of 1, 2 or 3 lines in a program whose
rest is right.

For each Table 1 task, the hole is a window of ``size`` consecutive lines of its reference
program around the loop's step (:func:`bridge.table1.loop_body`; grown to the right, then
to the left, over lines that are not jumps). Hole kinds:

- ``op``: the lines' registers are known, only their op is open;
- ``line``: op and registers are open.

Open heads start near-uniform (``--scale``·N(0, 1) logits); a hole line's op starts over
the ops of its kind: an update (a value op) over the value ops, a store (``WRITE``) as a
store. The rest of the program is compiled sharply and frozen; only the hole is tuned
(``bridge.table1.SkeletonInit``'s settings). Opening a line over every op instead loses
``reduce``'s one-line hole to a ``WRITE`` into the result cell (0 of 20, against 16 of 20).
A restart counts if its decompiled program is correct on every held-out example.

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

import equinox as eqx  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from bridge.pipeline import restart_keys  # noqa: E402
from bridge.table1 import SkeletonInit, loop_body  # noqa: E402
from bridge.tasks import BUILTINS, SUITES, reference_program  # noqa: E402
from neural.asm import JEZ, JMP, NOOP, STOP, VALUE_OPS, WRITE, Line, Program, widen  # noqa: E402
from neural.compile import compile_program  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from neural.tune import TuneConfig, line_mask, stack  # noqa: E402

KINDS = ("op", "line")
CONTROL = (JEZ, JMP, STOP)


def window(p: Program, size: int) -> tuple[int, ...] | None:
    """``size`` consecutive non-jump lines of ``p`` around its loop step (None: there are
    not that many between the loop's jumps)."""
    step = loop_body(p)
    lines = list(step[:size])
    lo, hi = lines[0], lines[-1]
    while len(lines) < size:
        if hi + 1 < len(p) and p.lines[hi + 1].op not in CONTROL:
            hi += 1
            lines.append(hi)
        elif lo > 0 and p.lines[lo - 1].op not in CONTROL:
            lo -= 1
            lines.insert(0, lo)
        else:
            return None
    return tuple(lines)


def weights(p: Program, hole: tuple[int, ...], kind: str, ops, K: int, seed: int, how: SkeletonInit):
    """``K`` restarts of ``p`` compiled with ``hole`` open (``kind``), sharp elsewhere."""
    keys = restart_keys(seed, K, 13)
    opened = Program(p.M, p.R, p.init, tuple(Line(NOOP) if i in hole else ln for i, ln in enumerate(p.lines)))
    stores = tuple(i for i in hole if p.lines[i].op == WRITE)
    updates = tuple(i for i in hole if i not in stores)
    args = {"free_scale": how.scale, "sharpness": how.sharpness}
    value = tuple(sorted(VALUE_OPS))
    w = stack([compile_program(opened, k, ops, free=updates, free_ops=value, **args) for k in keys])
    if stores:
        ws = stack([compile_program(opened, k, ops, free=stores, free_ops=(WRITE,), **args) for k in keys])
        rows = jnp.zeros(p.M, bool).at[jnp.asarray(stores)].set(True)[None, :, None]
        heads = lambda x: (x.op, x.a, x.b, x.o)
        w = eqx.tree_at(heads, w, tuple(jnp.where(rows, y, x) for x, y in zip(heads(w), heads(ws))))
    if kind == "op":  # the registers as the reference program has them
        ref = stack([compile_program(p, k, ops, sharpness=how.sharpness) for k in keys])
        w = eqx.tree_at(lambda x: (x.a, x.b, x.o), w, (ref.a, ref.b, ref.o))
    return w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(SUITES["table1"]))
    ap.add_argument("--sizes", nargs="+", type=int, default=[1, 2, 3], choices=[1, 2, 3])
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    ap.add_argument("--restarts", type=int, default=100)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--lr", type=float, default=SkeletonInit().lr)
    ap.add_argument("--scale", type=float, default=SkeletonInit().scale)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", default="results/hole_fill.json")
    a = ap.parse_args()
    how = dataclasses.replace(SkeletonInit(), scale=a.scale, lr=a.lr)
    cfg = TuneConfig(steps=a.steps, lr=a.lr)

    rows = []
    print(f"{'task':<10} {'kind':<5} {'size':>4} {'lines':<9} {'recovered':>10} {'seconds':>8}")
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            task = BUILTINS[name].task(n_train=32, n_test=256, seed=a.seed)
            p = widen(reference_program(name), task.machine.R)
            for size in a.sizes:
                hole = window(p, size)
                if hole is None:
                    print(f"{name:<10} {'-':<5} {size:>4} {'n/a: no such window between the jumps'}", flush=True)
                    continue
                for kind in a.kinds:
                    w = weights(p, hole, kind, task.machine.op_codes, a.restarts, a.seed, how)
                    t0 = time.perf_counter()
                    r = pool.tune(w, task.machine.soft(p.R), task.train, task.test, cfg, line_mask(w, hole, init=False))
                    sec = time.perf_counter() - t0
                    rec = int(r.recovered.sum())
                    rows.append(
                        {"task": name, "kind": kind, "size": size, "lines": list(hole), "recovered": rec,
                         "restarts": a.restarts, "seconds": round(sec, 1)}
                    )  # fmt: skip
                    shown = ",".join(map(str, hole))
                    print(f"{name:<10} {kind:<5} {size:>4} {shown:<9} {rec:>4}/{a.restarts:<5} {sec:>8.1f}", flush=True)
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"settings": vars(a), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
