"""Train the learned search heuristic (synth/learned.py) on synthetic tasks.

Samples random skeletons, keeps non-trivial behaviours, drops any that solve a built-in
(Table 1 or ANC) task or a task of ``--exclude-suite``, trains the DeepSets model and
saves it (weights + JSON config).

    python scripts/train_heuristic.py [--n 20000] [--steps 4000] [--out results/heuristic.eqx]
"""

from __future__ import annotations

import argparse
import time

from bridge.suite import load_suite
from bridge.tasks import BUILTINS
from synth.learned import TrainConfig, generate, save, train


def excluded(suite: str | None) -> list:
    tasks = [b.task(n_train=16, n_test=64, seed=0) for b in BUILTINS.values()]
    if suite:
        tasks += load_suite(suite)[1]
    return [(ex.inputs, ex.outputs, ex.mask) for t in tasks for ex in (t.train, t.test)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="synthetic training tasks")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exclude-suite", help="a user suite whose tasks must stay out of training")
    ap.add_argument("--out", default="results/heuristic.eqx")
    a = ap.parse_args()

    t0 = time.perf_counter()
    samples = generate(a.n, a.seed, exclude=excluded(a.exclude_suite))
    print(f"{len(samples)} training tasks in {time.perf_counter() - t0:.1f} s")
    cfg = TrainConfig(hidden=a.hidden, steps=a.steps, seed=a.seed)
    t0 = time.perf_counter()
    model, curve = train(samples, cfg)
    print(f"trained {a.steps} steps in {time.perf_counter() - t0:.1f} s; loss every 100 steps:")
    print("  " + " ".join(f"{c:.3f}" for c in curve))
    save(model, cfg, a.out)
    print(f"saved {a.out} (+ .json)")


if __name__ == "__main__":
    main()
