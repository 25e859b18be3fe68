"""ANC's adaptation experiment: compile each ANC task's generic program, tune it on the
task's biased input distribution with the efficiency term, and compare step counts; then
the same seeded with the fastest programs synthesis proposes for that distribution.

Tuning runs in rounds of neural local search (:mod:`neural.adapt`): each round deletes
dead lines discretely, then compiles the fastest correct programs found so far into
``--K`` restarts (half of them with one line deleted) and tunes them together; the soft
machine simulates the starting programs' longest run plus ``--T-margin`` of it, not the
task's whole ``T``. Per task, mean steps on held-out inputs of:

- ``generic``: the generic reference program (``bridge/programs/``);
- ``deleted`` (JSON only): the generic program after greedy line deletion alone;
- ``tuned``: the fastest program adaptation finds from the generic program alone;
- ``synthesis``: the fastest program synthesis proposes, no tuning (``solve --fastest``:
  synthesized on 16 train inputs, ranked by mean steps on all 64, correct on all of them);
- ``both``: adaptation started from the generic program and the ``--seed-synth`` fastest
  synthesized programs;
- ``by hand``: the shortest program we wrote for that distribution
  (``bridge/programs/biased/``).

Programs are selected on held-out inputs, so each is checked again on 2048 fresh ones
(``fresh``: the ``both`` program; ``ok``: tuned / synthesis / both correct on all of
them). ANC's own iteration counts are steps + 1.

    python scripts/anc_adapt.py [--K 48] [--rounds 4] [--tasks access swap] [--seed-synth 4] [--resume]
        [--no-tuned] [--no-both]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bridge.pipeline import synth_seeds
from bridge.tasks import BUILTINS, SUITES, Task, reference_program
from neural import Program, run
from neural.adapt import AdaptConfig, adapt, mean_steps, shorten
from neural.parallel import TunePool
from neural.tune import TuneConfig


def _fresh(p: Program | None, fresh, T: int) -> tuple[float | None, bool]:
    """Mean steps and correctness (halted, right) on the fresh inputs."""
    if p is None:
        return None, False
    out = run(p, fresh.inputs, T)
    return float(out.steps.mean()), bool(fresh.passed(out).all())


def adapt_task(
    name: str, cfg: AdaptConfig, pool: TunePool, n_seeds: int, tuned_too: bool = True, both_too: bool = True
) -> dict:
    b = BUILTINS[name]
    biased = b.biased is not None
    train = b.generate(64, cfg.seed, biased=biased)
    test = b.generate(512, cfg.seed + 1, biased=biased)
    fresh = b.generate(2048, cfg.seed + 2, biased=biased)
    m = b.machine
    machine = m.soft()
    generic = reference_program(name)

    def log(kind):
        return lambda r, s: print(
            f"  {name} {kind} round {r}: from {min(s.starts):.2f} -> {s.best_steps:.2f} "
            f"({s.faster:.0%} of restarts faster, {s.seconds:.0f}s)",
            flush=True,
        )

    t0 = time.perf_counter()
    row = {
        "task": name,
        "distribution": "biased" if biased else "plain",
        "K": cfg.restarts,
        "generic_steps": mean_steps(generic, test, m.T),
        "deleted_steps": shorten(generic, test, m.T)[1],
        "optimal_steps": mean_steps(reference_program(name, biased=True), test, m.T),
        "anc_generic_iterations": b.anc_iterations,
        "task_T": m.T,
    }
    best = None
    if tuned_too:
        tuned = adapt(generic, machine, train, test, cfg, tuner=pool.tune, progress=log("tuned"))
        row |= {
            "best_tuned_steps": tuned.best_steps,
            "tuned_program": str(tuned.best),
            "rounds": len(tuned.rounds),
            "first_round_faster": tuned.rounds[0].faster,
            "first_round_recovered": tuned.rounds[0].recovered,
            "soft_T": tuned.T,
        }
        row["tuned_fresh_steps"], row["tuned_fresh_correct"] = _fresh(tuned.best, fresh, m.T)
        best = tuned
    t1 = time.perf_counter()
    row["tuned_seconds"] = t1 - t0 if tuned_too else None
    if n_seeds:
        seeds = synth_seeds(Task(name, m, train, test, builtin=name), n_seeds)
        t2 = time.perf_counter()
        top = seeds[0].program if seeds else None
        row |= {
            "synth_seconds": t2 - t1,
            "synth_seeds": [{"skeleton": r.skeleton, "train_steps": r.train_steps} for r in seeds],
            "synth_steps": mean_steps(top, test, m.T) if top is not None else None,
            "synth_program": str(top) if top is not None else None,
        }
        row["synth_fresh_steps"], row["synth_fresh_correct"] = _fresh(top, fresh, m.T)
        if both_too:
            seeds_ = [r.program for r in seeds]
            both = adapt(generic, machine, train, test, cfg, tuner=pool.tune, progress=log("both"), seeds=seeds_)
            row |= {
                "both_seconds": time.perf_counter() - t2,
                "seed_test_steps": both.seed_steps,
                "both_steps": both.best_steps,
                "both_program": str(both.best),
                "both_rounds": len(both.rounds),
                "both_soft_T": both.T,
            }
            row.setdefault("soft_T", both.T)
            best = both
    if best is None and row.get("synth_program") is None:
        raise ValueError("nothing to run: --no-tuned with --seed-synth 0 (or --no-both)")
    # the final program: both's, else tuned's, else synthesis' (--no-tuned --no-both)
    row["final"] = "both" if "both_steps" in row else "tuned" if best is not None else "synthesis"
    row["best_program"] = str(best.best) if best is not None else row["synth_program"]
    if best is not None:
        row["fresh_steps"], row["fresh_correct"] = _fresh(best.best, fresh, m.T)
    else:
        row["fresh_steps"], row["fresh_correct"] = row["synth_fresh_steps"], row["synth_fresh_correct"]
    row["seconds"] = time.perf_counter() - t0
    return row


def _f(x: float | None, ok: bool = True) -> str:
    return "-" if x is None else f"{x:.2f}" + ("" if ok else "!")


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}s"


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


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
    ap.add_argument(
        "--seed-synth", type=int, default=4, help="synthesized programs 'both' starts from (0: no synthesis, no 'both')"
    )
    ap.add_argument(
        "--no-tuned", action="store_true", help="skip adaptation from the generic program alone (the 'tuned' column)"
    )
    ap.add_argument(
        "--no-both", action="store_true", help="synthesis column only: no adaptation from the synthesized programs"
    )
    ap.add_argument(
        "--T-margin",
        type=float,
        default=0.25,
        help="soft machine's T = longest starting run x (1 + margin) + 2 (negative: the task's whole T)",
    )
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
        T_margin=a.T_margin if a.T_margin >= 0 else None,
    )
    runs_only = ("tasks", "json", "resume", "workers", "no_tuned", "no_both")
    settings = {k: v for k, v in vars(a).items() if k not in runs_only}
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
        f"{'task':<10} {'dist':<7} {'generic':>8} {'tuned':>8} {'synthesis':>9} {'both':>8} {'by hand':>8} "
        f"{'fresh':>8} {'correct':>7} {'faster':>6} {'T':>8} {'tuned s':>8} {'synth s':>8} {'both s':>7}"
    )
    with TunePool(a.workers) as pool:
        done = {r["task"] for r in rows}
        for name in a.tasks:
            if name not in done:
                rows.append(adapt_task(name, cfg, pool, a.seed_synth, not a.no_tuned, not a.no_both))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({"settings": settings, "rows": rows}, indent=1) + "\n")
    print(head)
    for r in sorted(rows, key=lambda r: a.tasks.index(r["task"])):
        g = r.get
        print(
            f"{r['task']:<10} {r['distribution']:<7} {r['generic_steps']:>8.2f} "
            f"{_f(g('best_tuned_steps'), g('tuned_fresh_correct', True)):>8} "
            f"{_f(g('synth_steps'), g('synth_fresh_correct', True)):>9} {_f(g('both_steps')):>8} "
            f"{r['optimal_steps']:>8.2f} {_f(r['fresh_steps'], r['fresh_correct']):>8} "
            f"{_p(g('first_round_recovered')):>7} {_p(g('first_round_faster')):>6} "
            f"{r['task_T']:>3}->{g('soft_T', '-')!s:<3} {_s(g('tuned_seconds')):>8} {_s(g('synth_seconds')):>8} "
            f"{_s(g('both_seconds')):>7}"
        )
    print(
        "steps = executed lines on 512 held-out inputs (ANC's iterations = steps + 1); tuned: adaptation from the "
        "generic program; synthesis: the fastest synthesized program, untuned; both: adaptation from the generic "
        "and the synthesized programs; fresh: the final program on 2048 new inputs; '!' = wrong on some fresh "
        "input; correct / faster: share of the tuned run's first-round restarts; T: task's -> simulated"
    )
    if not all(r["fresh_correct"] for r in rows):
        print("warning: a final program is wrong on fresh inputs (selected on too few held-out ones)")


if __name__ == "__main__":
    main()
