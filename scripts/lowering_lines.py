"""Line counts of every skeleton synthesis keeps, lowered two ways: as the first lowering
did (every subexpression computed where it occurs, an explicit final STOP) and as now
(common subexpressions once, no trailing STOP: lines past the end are STOP). Counts how
many more skeletons fit the task's ``M`` lines. Both columns coalesce copies (a later
change to ``bridge.lower``, which has no switch to turn it off).

    python scripts/lowering_lines.py [--tasks inc access ...] [--json F]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bridge.lower import LoweringError, lower
from bridge.tasks import BUILTINS, SUITES
from synth import SynthConfig, synthesize


def lines(term, M: int, R: int, ops, cse: bool) -> int | None:
    """Lines of the lowered skeleton (plus the STOP the first lowering ended with), or
    None if it needs an op outside the set or too many registers."""
    try:
        low = lower(term, 4 * M, max(R, 10), ops, cse=cse)  # room to count lines beyond M
    except LoweringError:
        return None
    return len(low.program.lines) + (0 if cse else 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=[*SUITES["table1"], *SUITES["anc"]], choices=list(BUILTINS))
    ap.add_argument("--max-cost", type=int, default=16)
    ap.add_argument("--json", default="results/lowering_lines.json")
    a = ap.parse_args()
    rows = []
    print(
        f"{'task':<10} {'M':>3} {'skeletons':>9} {'mean before':>11} {'mean after':>10} "
        f"{'fit before':>10} {'fit after':>9}"
    )
    for name in a.tasks:
        b = BUILTINS[name]
        t = b.task(n_train=16, seed=0)
        vs = synthesize(t.train, b.machine.M, cfg=SynthConfig(max_cost=a.max_cost, extra_levels=1))
        terms = [m.term for c in vs.classes for m in c.members if c.correct]
        pairs = [
            (
                lines(x, b.machine.M, b.machine.R, b.machine.op_codes, False),
                lines(x, b.machine.M, b.machine.R, b.machine.op_codes, True),
            )
            for x in terms
        ]
        pairs = [(p, q) for p, q in pairs if p is not None and q is not None]
        M = b.machine.M
        row = {
            "task": name,
            "M": M,
            "skeletons": len(pairs),
            "mean_before": sum(p for p, _ in pairs) / max(1, len(pairs)),
            "mean_after": sum(q for _, q in pairs) / max(1, len(pairs)),
            "fit_before": sum(p <= M for p, _ in pairs),
            "fit_after": sum(q <= M for _, q in pairs),
        }
        rows.append(row)
        print(
            f"{name:<10} {M:>3} {row['skeletons']:>9} {row['mean_before']:>11.1f} {row['mean_after']:>10.1f} "
            f"{row['fit_before']:>10} {row['fit_after']:>9}",
            flush=True,
        )
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
