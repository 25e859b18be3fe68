"""Train the learned search heuristic (synth/learned.py) on synthetic tasks.

Samples random skeletons of every construct of the language (synth/sample.py) on memories
of ``--sizes`` cells, keeps non-trivial behaviours, drops any that solve a built-in
(Table 1 or ANC) task, a task of the dev suite (``bridge/suites/dev.json``) or of
``--exclude-suite``, trains the DeepSets model and saves it: weights in equinox's leaf
format (numpy arrays, read back without pickle) plus a JSON config that records how the
training tasks were drawn (for scripts/eval_heuristic.py to keep clear of them).

    python scripts/train_heuristic.py [--n 20000] [--steps 4000] [--sizes 8,12,16] \\
        [--out results/heuristic.eqx] [--json results/train_heuristic.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bridge.suite import load_suite
from bridge.tasks import BUILTINS
from synth.learned import LABELS, TrainConfig, generate, save, train

DEV_SUITE = Path(__file__).resolve().parent.parent / "bridge" / "suites" / "dev.json"


def excluded(suite: str | None) -> list:
    """``(inputs, outputs, mask)`` of every evaluation task: built-ins, the dev suite, ``suite``."""
    tasks = [b.task(n_train=16, n_test=64, seed=0) for b in BUILTINS.values()]
    for path in (DEV_SUITE if DEV_SUITE.exists() else None, suite):
        if path:
            tasks += load_suite(path)[1]
    return [(ex.inputs, ex.outputs, ex.mask) for t in tasks for ex in (t.train, t.test)]


def sizes_arg(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes: comma-separated integers, got {text!r}") from None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="synthetic training tasks")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sizes", type=sizes_arg, default=(8, 12, 16), help="memory sizes of the synthetic tasks")
    ap.add_argument("--exclude-suite", help="a user suite whose tasks must stay out of training")
    ap.add_argument("--out", default="results/heuristic.eqx")
    ap.add_argument("--json", default="results/train_heuristic.json", help="timings, loss curve, label rates")
    a = ap.parse_args()

    t0 = time.perf_counter()
    samples = generate(a.n, a.seed, sizes=a.sizes, exclude=excluded(a.exclude_suite))
    gen_s = time.perf_counter() - t0
    print(f"{len(samples)} training tasks (sizes {a.sizes}) in {gen_s:.1f} s")
    rates = dict(zip(LABELS, np.stack([s.labels for s in samples]).mean(0).round(3).tolist()))
    print("label rates: " + " ".join(f"{k}={v:.2f}" for k, v in rates.items()))
    cfg = TrainConfig(hidden=a.hidden, steps=a.steps, lr=a.lr, batch=a.batch, seed=a.seed)
    t0 = time.perf_counter()
    model, curve = train(samples, cfg)
    train_s = time.perf_counter() - t0
    print(f"trained {a.steps} steps in {train_s:.1f} s; loss every 100 steps:")
    print("  " + " ".join(f"{c:.3f}" for c in curve))
    data = {"n": a.n, "seed": a.seed, "sizes": list(a.sizes), "exclude_suite": a.exclude_suite}
    save(model, cfg, a.out, data)
    print(f"saved {a.out} (+ .json)")
    if a.json:
        out = {"data": data, "config": vars(a) | {"sizes": list(a.sizes)}, "tasks": len(samples)}
        out |= {"generate_seconds": gen_s, "train_seconds": train_s, "loss": curve, "label_rates": rates}
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
