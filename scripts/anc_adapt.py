"""ANC's adaptation experiment: compile each ANC task's generic program, tune it on the
task's biased input distribution with the efficiency term, and compare step counts.

Tuning runs in rounds of neural local search (:mod:`neural.adapt`): each round deletes
dead lines discretely, then compiles the fastest correct programs found so far into
``--K`` restarts (half of them with one line deleted) and tunes them together. Per task,
mean steps on held-out inputs of: the generic reference program; the generic program
after greedy line deletion alone (``deleted``: what the discrete pass gives without any
tuning); the fastest tuned program; the shortest program we wrote by hand for that
distribution (``bridge/programs/biased/``). Then the success rate over the first round's
restarts (``correct``: ended with a program correct on every held-out input; ``faster``:
correct and faster than every program compiled). Programs are selected on held-out
inputs, so the tuned program is checked again on 2048 fresh ones (``fresh``). ANC's own
iteration counts are steps + 1.

    python scripts/anc_adapt.py [--K 48] [--rounds 4] [--tasks access swap] [--resume]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bridge.tasks import BUILTINS, SUITES, reference_program
from neural import run
from neural.adapt import AdaptConfig, adapt, mean_steps, shorten
from neural.parallel import TunePool
from neural.tune import TuneConfig


def adapt_task(name: str, cfg: AdaptConfig, pool: TunePool) -> dict:
    b = BUILTINS[name]
    biased = b.biased is not None
    train = b.generate(64, cfg.seed, biased=biased)
    test = b.generate(512, cfg.seed + 1, biased=biased)
    fresh = b.generate(2048, cfg.seed + 2, biased=biased)
    m = b.machine
    machine = m.soft()
    t0 = time.perf_counter()
    log = lambda r, s: print(
        f"  {name} round {r}: from {min(s.starts):.2f} -> {s.best_steps:.2f} "
        f"({s.faster:.0%} of restarts faster, {s.seconds:.0f}s)",
        flush=True,
    )
    res = adapt(reference_program(name), machine, train, test, cfg, tuner=pool.tune, progress=log)
    out = run(res.best, fresh.inputs, m.T)
    fresh_ok = bool(fresh.correct(out.mem).all())
    return {
        "task": name,
        "distribution": "biased" if biased else "plain",
        "K": cfg.restarts,
        "generic_steps": res.start_steps,
        "deleted_steps": shorten(reference_program(name), test, m.T)[1],
        "optimal_steps": mean_steps(reference_program(name, biased=True), test, m.T),
        "best_tuned_steps": res.best_steps,
        "fresh_steps": float(out.steps.mean()),
        "fresh_correct": fresh_ok,
        "best_program": str(res.best),
        "rounds": len(res.rounds),
        "first_round_faster": res.rounds[0].faster,
        "first_round_recovered": res.rounds[0].recovered,
        "anc_generic_iterations": b.anc_iterations,
        "seconds": time.perf_counter() - t0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", nargs="+", default=list(SUITES["anc"]), choices=SUITES["anc"])
    ap.add_argument("--K", type=int, default=48, help="restarts per round")
    ap.add_argument("--rounds", type=int, default=4, help="at most; stops at the first round with no gain")
    ap.add_argument("--keep", type=int, default=4, help="programs carried into the next round")
    ap.add_argument("--steps", type=int, default=400, help="Adam steps per round")
    ap.add_argument("--efficiency", type=float, default=0.05, help="weight of Σ(1 - h_t)")
    ap.add_argument(
        "--noise",
        type=float,
        nargs="+",
        default=[0.01, 0.1, 1.0, 3.0],
        help="compile noise levels; restarts are spread evenly over them",
    )
    ap.add_argument(
        "--delete-noise",
        type=float,
        nargs="*",
        default=[0.01, 0.1],
        help="noise levels of the restarts that start with a line deleted (none: no deletions)",
    )
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None, help="tuning processes (default: one per core)")
    ap.add_argument("--json", default="results/anc_adapt.json")
    ap.add_argument("--resume", action="store_true", help="keep the tasks already in --json (same settings)")
    a = ap.parse_args()
    if len(a.noise) > a.K:
        ap.error(f"--K {a.K} is fewer restarts than noise levels ({len(a.noise)})")

    tune = TuneConfig(steps=a.steps, lr=a.lr, efficiency=a.efficiency, keep_best=True)
    cfg = AdaptConfig(
        restarts=a.K,
        rounds=a.rounds,
        keep=a.keep,
        noise=tuple(a.noise),
        delete_noise=tuple(a.delete_noise),
        tune=tune,
        seed=a.seed,
    )
    settings = {k: v for k, v in vars(a).items() if k not in ("tasks", "json", "resume", "workers")}
    rows: list[dict] = []
    path = Path(a.json)
    if a.resume and path.exists():
        old = json.loads(path.read_text())
        if old.get("settings") != settings:
            raise SystemExit(
                f"{path}: written with other settings {old.get('settings')}; drop --resume or change --json"
            )
        rows = [r for r in old["rows"] if r["task"] in a.tasks]

    head = (
        f"{'task':<10} {'dist':<7} {'generic':>8} {'deleted':>8} {'tuned':>8} {'by hand':>8} {'fresh':>8} "
        f"{'correct':>7} {'faster':>6} {'rounds':>6} {'time':>6}"
    )
    with TunePool(a.workers) as pool:
        done = {r["task"] for r in rows}
        for name in a.tasks:
            if name not in done:
                rows.append(adapt_task(name, cfg, pool))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({"settings": settings, "rows": rows}, indent=1) + "\n")
    print(head)
    for r in sorted(rows, key=lambda r: a.tasks.index(r["task"])):
        fresh = f"{r['fresh_steps']:.2f}" + ("" if r["fresh_correct"] else "!")
        print(
            f"{r['task']:<10} {r['distribution']:<7} {r['generic_steps']:>8.2f} {r['deleted_steps']:>8.2f} "
            f"{r['best_tuned_steps']:>8.2f} "
            f"{r['optimal_steps']:>8.2f} {fresh:>8} {r['first_round_recovered']:>7.0%} {r['first_round_faster']:>6.0%} "
            f"{r['rounds']:>6} {r['seconds']:>5.0f}s"
        )
    print(
        "steps = executed lines (ANC's iterations = steps + 1); deleted: greedy line deletion alone, "
        "no tuning; fresh: the tuned program on 2048 new "
        "inputs ('!' = wrong on some); correct / faster: share of first-round restarts"
    )
    if not all(r["fresh_correct"] for r in rows):
        print("warning: a tuned program is wrong on fresh inputs (selected on too few held-out ones)")


if __name__ == "__main__":
    main()
