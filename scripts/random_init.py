"""The seed paper's "Optimization" row: tune from random weights (no program) and count
the restarts whose decompiled program is correct on every held-out example.

    python scripts/random_init.py [--K 100] [--steps 400] [--workers 2] [--tasks inc map_inc]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from neural import xla

xla.configure()  # before JAX starts: the pool's workers configure themselves

import jax  # noqa: E402

from bridge.tasks import BUILTINS, SUITES  # noqa: E402
from neural import INSTRUCTION_SETS  # noqa: E402
from neural.compile import random_weights  # noqa: E402
from neural.parallel import TunePool  # noqa: E402
from neural.tune import TuneConfig, stack  # noqa: E402

PAPER = {"inc": 0.19, "map_inc": 0.86, "map_dec": 0.56, "reduce": 0.41, "parity": 0.95, "fibonacci": 0.04}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["table1"]), choices=list(BUILTINS))
    ap.add_argument("--K", type=int, default=100)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--lr", type=float, default=TuneConfig.lr)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/random_init.json")
    a = ap.parse_args()

    rows = []
    print(f"{'task':<10} {'recovered':>10} {'paper':>6} {'time':>7}")
    with TunePool(a.workers) as pool:
        for name in a.tasks:
            b = BUILTINS[name]
            m = b.machine
            task = b.task(n_train=32, n_test=256, seed=a.seed)
            ops = INSTRUCTION_SETS[m.ops]
            keys = jax.random.split(jax.random.PRNGKey(a.seed), a.K)
            w = stack([random_weights(k, m.M, m.R, ops) for k in keys])
            t0 = time.perf_counter()
            r = pool.tune(w, m.soft(), task.train, task.test, TuneConfig(steps=a.steps, lr=a.lr))
            dt = time.perf_counter() - t0
            rows.append(
                {
                    "task": name,
                    "K": a.K,
                    "recovered": int(r.recovered.sum()),
                    "rate": float(r.recovered.mean()),
                    "paper": PAPER.get(name),
                    "seconds": dt,
                    "steps": a.steps,
                }
            )
            paper = f"{PAPER[name]:>6.0%}" if name in PAPER else f"{'-':>6}"
            print(f"{name:<10} {r.recovered.mean():>10.0%} {paper} {dt:>6.0f}s", flush=True)
            if a.json:
                Path(a.json).parent.mkdir(parents=True, exist_ok=True)
                Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
