"""Sweep the compilation noise γ: does tuning keep a correct compiled program, and can it
still move a near miss to the target?

For each γ: the probability the compiled op keeps per line (mean over lines), then K
restarts of three experiments, each judged discretely on held-out examples:

- keep:  compile map_inc's reference, tune on map_inc (a correct program must stay correct);
- move+: compile map_dec's reference, tune on map_inc (one op away: DEC -> INC);
- move-: compile map_inc's reference, tune on map_dec.

    python scripts/noise_sweep.py [--K 20] [--steps 300] [--gammas 0 0.01 0.023 0.05 0.1 0.3]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import jax
import numpy as np

from bridge.tasks import BUILTINS
from neural.asm import OPS
from neural.compile import compile_program, to_dists
from neural.tune import TuneConfig, stack, tune

EXPERIMENTS = {"keep": ("map_inc", "map_inc"), "move+": ("map_dec", "map_inc"), "move-": ("map_inc", "map_dec")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--K", type=int, default=20)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--lr", type=float, default=TuneConfig.lr)
    ap.add_argument("--gammas", type=float, nargs="+", default=[0.0, 0.01, 0.023, 0.05, 0.1, 0.3])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/noise_sweep.json")
    a = ap.parse_args()

    rows = []
    print(f"{'gamma':>7} {'gamma*|ops|':>11} {'p(op)':>6} " + " ".join(f"{e:>7}" for e in EXPERIMENTS))
    for gamma in a.gammas:
        row = {"gamma": gamma}
        for exp, (init, target) in EXPERIMENTS.items():
            b = BUILTINS[target]
            task = b.task(n_train=32, n_test=256, seed=a.seed)
            m = b.machine.soft()
            keys = jax.random.split(jax.random.PRNGKey(a.seed), a.K)
            w = stack([compile_program(BUILTINS[init].reference(), k, noise=gamma) for k in keys])
            if exp == "keep":
                d = to_dists(w)
                n = len(BUILTINS[init].reference())
                row["p_op"] = float(np.asarray(d.op).max(-1)[:, :n].mean())
            r = tune(w, m, task.train, task.test, TuneConfig(steps=a.steps, lr=a.lr))
            row[exp] = float(r.recovered.mean())
        rows.append(row)
        print(
            f"{gamma:>7.3f} {gamma * len(OPS):>11.2f} {row['p_op']:>6.2f} "
            + " ".join(f"{row[e]:>7.0%}" for e in EXPERIMENTS),
            flush=True,
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"K": a.K, "steps": a.steps, "lr": a.lr, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
