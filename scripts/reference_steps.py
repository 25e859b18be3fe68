"""Mean steps of every reference program on its task's generator, next to ANC's figures.

ANC counts "iterations" = executed lines + 1 (the initial state too); the table shows both.
For tasks with a biased distribution the ANC comparison is on that distribution (ANC's
generic programs were measured on it).

    python scripts/reference_steps.py [--samples 2000] [--seed 0] [--json results/reference_steps.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bridge.tasks import BUILTINS
from neural import run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default="results/reference_steps.json")
    a = ap.parse_args()

    rows = []
    print(f"{'task':<10} {'dist':<7} {'lines':>5} {'solved':>9} {'steps':>7} {'iters':>7} {'ANC iters':>9}")
    for b in BUILTINS.values():
        p = b.reference()
        for biased in (False, True) if b.biased else (False,):
            ex = b.generate(a.samples, a.seed, biased=biased)
            res = run(p, ex.inputs, b.machine.T)
            solved = int(ex.passed(res).sum())
            steps = float(res.steps.mean())
            anc = b.anc_iterations if (biased or b.biased is None) else None
            rows.append(
                {
                    "task": b.name,
                    "biased": biased,
                    "lines": len(p),
                    "solved": solved,
                    "samples": a.samples,
                    "mean_steps": steps,
                    "mean_iterations": steps + 1,
                    "anc_iterations": anc,
                }
            )
            anc_s = f"{anc:>9.1f}" if anc is not None else f"{'-':>9}"
            dist = "biased" if biased else "plain"
            print(
                f"{b.name:<10} {dist:<7} {len(p):>5} {solved:>4}/{a.samples:<4} {steps:>7.2f} {steps + 1:>7.2f} {anc_s}"
            )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
