"""The ``synthdiff`` command line (``docs/cli.md``).

Every subcommand takes ``--seed`` and ``--json``; bad input exits with status 2 and one line
on stderr naming the problem. Every size an option sets is bounded (:mod:`bridge.limits`),
sizes that multiply are checked against the memory the machine allows, and destinations
are checked, all before the work starts. Subcommands are thin: they parse arguments, call
the library and print.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

import numpy as np

from neural import AsmError, Program, parse_program, run, run_one
from neural.asm import format_line

from . import limits
from .inputs import MAX_PROGRAM_BYTES, InputError, clip, quote, read_text
from .limits import require
from .outputs import check_dir, check_file
from .suite import builtin_suite, file_name, load_suite
from .tasks import BUILTINS, SUITES, Task


class UsageError(InputError):
    """Bad command-line input: printed as one line, exit status 2."""


def _emit(args, data: dict, text: str) -> None:
    print(json.dumps(data) if args.json else text, flush=True)


def _load_program(path: str) -> Program:
    return parse_program(read_text(path, "program", MAX_PROGRAM_BYTES), source=path)


def _names(names) -> str:
    names = list(names)
    shown = ", ".join(quote(n, 30) for n in names[:20])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 20 else "")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _workers(args, local: bool = True) -> int:
    """``--workers`` (default: one per core); local workers are processes, at most one per core."""
    w = args.workers or _cores()
    if local and w > _cores():
        raise UsageError(f"--workers {w}: this machine has {_cores()} cores, and each worker is a process of its own")
    return w


def _tuning_need(task: Task, K: int, R: int, steps: int, split: int) -> int:
    """Memory one process needs to tune ``K`` restarts split over ``split`` processes on a task."""
    m, B, n = task.machine, len(task.train), len(task.test)
    k = limits.per_worker(K, split)
    need = limits.examples_bytes(B + n, m.M) + limits.judge_bytes(max(k, 1), max(B, n), m.M, R)
    return need + (limits.tuning_bytes(k, B, m.M, R, m.T, steps) if K else 0)


def _restarts(method: str, cfg) -> int:
    """Restarts one tuning call runs: all of them (opt), a skeleton's share (both), none (synth)."""
    return {"opt": cfg.restarts, "both": max(1, cfg.restarts // cfg.top_n), "synth": 0}[method]


def _check_memory(tasks: list[Task], method: str, cfg, pool: int, task_workers: int = 1) -> None:
    """Refuse before any work what would need more memory than the machine allows:
    ``task_workers`` processes each solving a task, tuning spread over ``pool`` processes."""
    K = _restarts(method, cfg)
    worst = max(tasks, key=lambda t: _tuning_need(t, K, max(t.machine.R, cfg.lower.R_max), cfg.tune.steps, pool))
    per = _tuning_need(worst, K, max(worst.machine.R, cfg.lower.R_max), cfg.tune.steps, pool)
    need = limits.PROCESS_BYTES + task_workers * pool * (limits.PROCESS_BYTES + per)
    m = worst.machine
    require(
        need,
        f"--restarts {cfg.restarts} (--steps {cfg.tune.steps}, --workers {max(pool, task_workers)}) on task "
        f"{quote(worst.name, 30)} ({len(worst.train)} train, {len(worst.test)} test examples, M={m.M}, T={m.T})",
    )


def resolve_task(name: str, suite: str | None = None, seed: int = 0, biased: bool = False, **sizes) -> Task:
    """A built-in task by name (``biased``: from its biased generator; ``sizes``: n_train,
    n_test), or the task ``name`` of a suite file."""
    if suite is not None:
        if biased:
            raise UsageError("--biased applies to built-in tasks; a suite's examples are what they are")
        _, tasks = load_suite(suite)
        by_name = {t.name: t for t in tasks}
        if name not in by_name:
            raise UsageError(f"{suite}: no task named {quote(name)} (tasks: {_names(by_name)})")
        return by_name[name]
    if name not in BUILTINS:
        raise UsageError(f"unknown task {quote(name)}; built-in tasks: {', '.join(BUILTINS)} (or pass --suite FILE)")
    if biased and BUILTINS[name].biased is None:
        with_biased = [n for n, b in BUILTINS.items() if b.biased is not None]
        raise UsageError(f"task {name!r} has no biased distribution (tasks with one: {', '.join(with_biased)})")
    return BUILTINS[name].task(seed=seed, biased=biased, **sizes)


# ---------------------------------------------------------------------------- subcommands


def cmd_tasks(args) -> None:
    rows = []
    for b in BUILTINS.values():
        m = b.machine
        rows.append(
            {
                "name": b.name,
                "suite": b.suite,
                "M": m.M,
                "R": m.R,
                "T": m.T,
                "ops": m.ops,
                "biased": b.biased is not None,
                "description": b.description,
            }
        )
    head = f"{'task':<10} {'suite':<7} {'M':>3} {'R':>3} {'T':>4} {'ops':<5} {'biased':<6} description"
    lines = [head] + [
        f"{r['name']:<10} {r['suite']:<7} {r['M']:>3} {r['R']:>3} {r['T']:>4} {r['ops']:<5} "
        f"{'yes' if r['biased'] else 'no':<6} {r['description']}"
        for r in rows
    ]
    _emit(args, {"tasks": rows}, "\n".join(lines))


def _parse_input(text: str, M: int) -> np.ndarray:
    try:
        values = [int(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise UsageError(f"--input: expected comma-separated integers, got {quote(text)}") from None
    if len(values) > M:
        raise UsageError(f"--input: {len(values)} values but the machine has M={M} cells")
    bad = [v for v in values if not 0 <= v < M]
    if bad:
        raise UsageError(f"--input: value {bad[0]} out of range 0..{M - 1}")
    return np.array(values + [0] * (M - len(values)))


def cmd_run(args) -> None:
    p = _load_program(args.program)
    if args.task:
        task = resolve_task(args.task, args.suite, args.seed)
        if task.machine.M != p.M:
            raise UsageError(f"{args.program}: program has M={p.M} but task {task.name!r} has M={task.machine.M}")
        T = args.T or task.machine.T
        ex = task.test
        require(limits.judge_bytes(1, len(ex), p.M, p.R), f"running on the {len(ex)} test examples of {task.name!r}")
        res = run(p, ex.inputs, T)
        ok = ex.passed(res)
        data = {
            "task": task.name,
            "solved": int(ok.sum()),
            "total": len(ok),
            "T": T,
            "mean_steps": float(res.steps.mean()),
            "timeouts": int((~res.halted).sum()),
        }
        text = (
            f"{task.name}: solves {ok.sum()}/{len(ok)} test examples (T={T}); "
            f"mean steps {res.steps.mean():.2f}, timeouts {(~res.halted).sum()}"
        )
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            text += (
                f"\nfirst failure: input {ex.inputs[i].tolist()} -> {res.mem[i].tolist()}, "
                f"expected {np.where(ex.mask[i], ex.outputs[i], -1).tolist()} (-1: not compared)"
            )
        _emit(args, data, text)
        return
    mem = _parse_input(args.input or "", p.M)
    T = args.T or 8 * p.M
    if args.trace:
        require(limits.trace_bytes(T, p.M, p.R), f"--trace of up to -T {T} steps at M={p.M}, R={p.R}")
    trace: list = []
    res = run_one(p, mem, T, trace if args.trace else None)
    data = {
        "memory": res.mem.tolist(),
        "registers": res.regs.tolist(),
        "steps": int(res.steps),
        "halted": bool(res.halted),
        "T": T,
    }
    out = []
    if args.trace:
        data["trace"] = [{"step": s, "ir": ir, "regs": list(r), "mem": list(m)} for s, ir, _, r, m in trace]
        for s, ir, line, regs, m in trace:
            instr = format_line(line) if line is not None else "STOP (past the end)"
            out.append(f"{s:>4} ir={ir:<3} {instr:<22} regs={list(regs)} mem={list(m)}")
    out += [
        f"memory:    {' '.join(map(str, res.mem.tolist()))}",
        f"registers: {' '.join(f'r{i}={v}' for i, v in enumerate(res.regs.tolist()))}",
        f"steps:     {int(res.steps)}  ({'halted' if res.halted else f'timed out at T={T}'})",
    ]
    _emit(args, data, "\n".join(out))


def _progress(args):
    """Progress lines on stderr when it is a terminal (quiet in logs)."""
    if args.json or not sys.stderr.isatty():
        return lambda msg: None
    return lambda msg: print(f"  {msg}", file=sys.stderr, flush=True)


def _solve_config(args):
    """The pipeline's config from the options (their defaults are the configs' own)."""
    from dataclasses import replace

    from .pipeline import SolveConfig

    d = SolveConfig()
    limit = getattr(args, "time_limit", None)
    return SolveConfig(
        synth=replace(
            d.synth,
            max_cost=args.max_cost,
            time_limit=args.synth_time_limit,
            holes=args.holes,
            hole_lines=args.hole_lines,
        ),
        lower=replace(d.lower, pad=args.pad, R_max=args.r_max),
        tune=replace(d.tune, steps=args.steps, lr=args.lr),
        restarts=args.restarts,
        top_n=args.top_n,
        fastest=getattr(args, "fastest", False),
        seed=args.seed,
        time_limit=limit,
    )


def cmd_solve(args) -> None:
    from neural.parallel import TunePool

    from .pipeline import solve

    task = resolve_task(args.task, args.suite, args.seed, args.biased)
    cfg = _solve_config(args)
    workers = _workers(args)
    _check_memory([task], args.method, cfg, workers)
    with TunePool(workers) as pool:
        r = solve(task, args.method, cfg, pool.tune, log=_progress(args))
    data = r.as_dict()
    stats = (
        f"enumerated {r.enumerated:,} | e-classes {r.egraph_classes:,} | OE classes {r.oe_classes:,} | "
        f"proposed {r.proposed} | tuned/tried {r.skeletons_tried} | restarts {r.restarts} (recovered {r.recovered})"
    )
    if r.raw_programs:
        stats += f"\nraw assembly programs of the solution's length: {r.raw_programs:.2g}"
    if r.mean_steps is not None:
        stats += f"\nmean steps on the test examples: {r.mean_steps:.2f}"
    misfits = [t.why for t in r.trials if not t.lowered]
    status = "SOLVED" if r.solved else "not solved"
    if not r.solved and misfits:
        pad = f" with --pad {cfg.lower.pad}" if cfg.lower.pad else ""
        if r.skeletons_tried:
            status += f" ({len(misfits)} of {r.proposed} proposed skeletons do not fit the machine{pad}: {misfits[0]})"
        else:
            status = f"does not fit: none of the {len(misfits)} proposed skeletons fits the machine{pad} ({misfits[0]})"
            data["does_not_fit"] = True
    text = [
        f"task {task.name} ({args.method}): {status} — "
        f"{r.test_correct}/{r.test_total} test examples, {r.seconds:.1f} s",
        stats,
    ]
    if not r.solved and r.why:
        text.append(f"why: {r.why}")
    if r.program:
        text += ["", r.program.rstrip()]
    _emit(args, data, "\n".join(text))


def cmd_adapt(args) -> None:
    from dataclasses import asdict

    from neural import format_program
    from neural.adapt import AdaptConfig, adapt
    from neural.asm import check_ops, widen
    from neural.parallel import TunePool
    from neural.tune import TuneConfig

    from .pipeline import synth_seeds, test_score

    p = _load_program(args.program)
    if args.out:
        check_file(args.out, "--out")
    task = resolve_task(args.task, args.suite, args.seed, args.biased, n_train=args.n_train, n_test=args.n_test)
    m = task.machine
    if p.M != m.M:
        raise UsageError(f"{args.program}: program has M={p.M} but task {task.name!r} has M={m.M}")
    try:
        check_ops(p, m.op_codes)
    except ValueError as e:
        raise UsageError(f"{args.program}: {e} of task {task.name!r}") from None
    p = widen(p, max(p.R, m.R))
    solved, _ = test_score(p, task)
    if solved < len(task.test.inputs):
        raise UsageError(
            f"{args.program}: solves {solved}/{len(task.test.inputs)} test examples of {task.name!r}; "
            "adaptation starts from a correct program"
        )
    if args.restarts < len(args.noise):
        raise UsageError(f"--restarts {args.restarts} is fewer than the {len(args.noise)} noise levels")
    tune = TuneConfig(steps=args.steps, lr=args.lr, efficiency=args.efficiency, keep_best=True)
    cfg = AdaptConfig(restarts=args.restarts, rounds=args.rounds, noise=tuple(args.noise), tune=tune, seed=args.seed)
    machine = m.soft(p.R)
    workers = _workers(args)
    per = _tuning_need(task, args.restarts, p.R, args.steps, workers)
    require(
        limits.PROCESS_BYTES + workers * (limits.PROCESS_BYTES + per),
        f"--restarts {args.restarts} (--steps {args.steps}, --workers {workers}, --n-train {len(task.train)}, "
        f"--n-test {len(task.test)}) on {task.name!r} (M={m.M}, T={m.T})",
    )
    say = _progress(args)
    log = lambda r, s: say(
        f"round {r}: {min(s.starts):.2f} -> {s.best_steps:.2f} mean steps, "
        f"{s.faster:.0%} of restarts faster, {s.seconds:.0f}s"
    )
    seeds = []
    if args.seed_synth:
        say(f"synthesis: the {args.seed_synth} fastest programs correct on the train examples")
        seeds = synth_seeds(task, args.seed_synth)
    with TunePool(workers) as pool:
        res = adapt(p, machine, task.train, task.test, cfg, pool.tune, log, seeds=[r.program for r in seeds])
    text = format_program(res.best, f"{task.name}: adapted from {args.program}")
    if args.out:
        try:
            Path(args.out).write_text(text)
        except OSError as e:
            raise UsageError(f"{args.out}: cannot write: {e.strerror}") from None
    seconds = sum(r.seconds for r in res.rounds)
    data = {
        "task": task.name,
        "biased": args.biased,
        "start_steps": res.start_steps,
        "best_steps": res.best_steps,
        "program": str(res.best),
        "rounds": [asdict(r) for r in res.rounds],
        "seconds": seconds,
        "soft_T": res.T,
        "seeds": [
            {"skeleton": r.skeleton, "train_steps": r.train_steps, "test_steps": s if s != float("inf") else None}
            for r, s in zip(seeds, res.seed_steps)
        ],
    }
    ok_seeds = [s for s in res.seed_steps if s != float("inf")]
    seeded = (
        f"; {len(seeds)} synthesized seeds ({len(ok_seeds)} correct on the test examples"
        + (f", fastest {min(ok_seeds):.2f})" if ok_seeds else ")")
        if args.seed_synth
        else ""
    )
    head = (
        f"task {task.name}{' (biased)' if args.biased else ''}{seeded}: mean steps {res.start_steps:.2f} -> "
        f"{res.best_steps:.2f} on {len(task.test.inputs)} test examples, correct on all; "
        f"{len(res.rounds)} rounds, {seconds:.0f} s"
    )
    _emit(args, data, head + ("" if not args.out else f"\nwrote {args.out}") + "\n\n" + text.rstrip())


def cmd_table1(args) -> None:
    from neural.parallel import TunePool

    from .table1 import ROWS, format_table, make_task, run_table1

    rows = tuple(dict.fromkeys(args.rows or ROWS))
    names = tuple(dict.fromkeys(args.tasks or SUITES["table1"]))
    cfg = _solve_config(args)
    check_dir(args.out, "--out", ("table1.jsonl", "table1.md", "table1.png", "table1-paper.md", "table1-paper.png"))
    workers = _workers(args)
    tasks = [make_task(t, 32, 256, cfg.seed, args.paper_like) for t in names]
    _check_memory(tasks, "opt", cfg, workers)
    say = _progress(args)
    with TunePool(workers) as pool:
        records = run_table1(
            args.out,
            cfg,
            pool.tune,
            tasks=names,
            rows=rows,
            resume=not args.fresh,
            paper_like=args.paper_like,
            progress=lambda k, n, r: say(
                f"[{k}/{n}] {r['row']:<18} {r['task']:<10} {100 * r['rate']:5.1f}%  {r['seconds']:.0f}s"
            ),
        )
    seconds = sum(r["seconds"] for r in records)
    by_row = {row: {r["task"]: r["rate"] for r in records if r["row"] == row} for row in rows}
    secs = {row: {r["task"]: round(r["seconds"], 1) for r in records if r["row"] == row} for row in rows}
    _emit(
        args,
        {
            "rows": by_row,
            "seconds": secs,
            "restarts": cfg.restarts,
            "variant": "paper-like" if args.paper_like else "ours",
            "out": args.out,
        },
        format_table(records, names, rows)
        + f"\ntotal tuning time {seconds:.0f} s; raw results in {args.out}/table1.jsonl",
    )


def _bar(args):
    """A one-line progress bar on a terminal's stderr; nothing in logs."""
    if args.json or not sys.stderr.isatty():
        return lambda k, n, line: None

    def show(k: int, n: int, line: dict) -> None:
        filled = int(30 * k / n)
        mark = "solved" if line.get("solved") else "not solved"
        print(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {k}/{n} {line['task']}: {mark}\033[K",
            end="\n" if k == n else "",
            file=sys.stderr,
            flush=True,
        )

    return show


def cmd_batch(args) -> None:
    from .batch import BackendError, connect_ray, solve_suite, summary

    name, tasks = load_suite(args.suite)
    out = args.out or f"results/{file_name(name)}.jsonl"
    cfg = _solve_config(args)
    ray_cluster = args.backend == "ray" and bool(os.environ.get("RAY_ADDRESS"))
    workers = min(_workers(args, local=not ray_cluster), len(tasks))
    if not ray_cluster:
        _check_memory(tasks, args.method, cfg, 1, workers)
    note = lambda msg: print(f"synthdiff batch: {clip(msg, 1000)}", file=sys.stderr, flush=True)
    try:
        if args.backend == "ray":
            connect_ray(workers)  # before the results file is touched: a cluster that is not there is an error now
        lines = solve_suite(tasks, out, args.method, cfg, args.backend, workers, args.resume, _bar(args), note)
    except BackendError as e:
        raise UsageError(str(e)) from None
    solved = sum(r["solved"] for r in lines)
    _emit(
        args,
        {"suite": name, "out": out, "solved": solved, "total": len(lines), "seconds": sum(r["seconds"] for r in lines)},
        summary(lines) + f"\nresults: {out}",
    )


def cmd_space(args) -> None:
    from dataclasses import asdict

    from neural import INSTRUCTION_SETS
    from neural.parallel import TunePool

    from .study import plot, raw_space, task_row

    tasks = [args.task] if args.task else list(SUITES["table1"])
    for t in tasks:
        if t not in BUILTINS:
            raise UsageError(f"unknown task {quote(t)}; built-in tasks: {', '.join(BUILTINS)}")
    out = check_dir(args.out, "--out", ("space.json", "space.png"))
    cfg = _solve_config(args)
    workers = _workers(args)
    require(
        limits.PROCESS_BYTES + limits.study_bytes(args.samples, 8, 4),
        f"--samples {args.samples} (the study samples programs of M=8, R=4)",
    )
    built = [BUILTINS[t].task(n_train=32, n_test=256, seed=cfg.seed) for t in tasks]
    _check_memory(built, "both", cfg, workers)
    full = INSTRUCTION_SETS["full"]
    raw = raw_space(4, 2, args.max_lines, full, T=16, seed=args.seed, samples=args.samples)
    raw += raw_space(8, 4, args.max_lines, full, T=32, seed=args.seed, samples=args.samples)
    with TunePool(workers) as pool:
        rows = [task_row(t, cfg, pool.tune) for t in tasks]
    data = {"raw": [asdict(r) for r in raw], "tasks": rows}
    (out / "space.json").write_text(json.dumps(data, indent=1) + "\n")
    plot(raw, rows, out / "space.png")
    text = [f"{'M':>3} {'R':>2} {'lines':>5} {'raw programs':>16} {'behaviours':>14}  how"]
    for r in raw:
        how = "exhaustive" if r.exact else f"Chao1 from {r.sampled:,} samples"
        text.append(f"{r.M:>3} {r.R:>2} {r.lines:>5} {r.raw:>16.3g} {r.behaviours:>14,.0f}  {how}")
    text.append("")
    text.append(
        f"{'task':<10} {'raw/line':>8} {'enumerated':>10} {'OE':>8} {'e-classes':>9} {'1st correct':>11} {'tuned':>5}"
    )
    for r in rows:
        text.append(
            f"{r['task']:<10} {r['raw_per_line']:>8} {r['enumerated']:>10,} {r['oe_classes']:>8,} "
            f"{r['egraph_classes']:>9,} {r['first_correct_rank']!s:>11} {r['skeletons_tuned']:>5}"
        )
    text.append(f"\nwrote {out}/space.json and {out}/space.png")
    _emit(args, data, "\n".join(text))


def cmd_export_suite(args) -> None:
    out = check_file(args.out, "--out")
    suite = builtin_suite(args.name, args.n_train, args.n_test, args.seed, examples=args.examples)
    try:
        out.write_text(json.dumps(suite, indent=1) + "\n")
    except OSError as e:
        raise UsageError(f"{out}: cannot write: {e.strerror}") from None
    _emit(
        args,
        {"suite": args.name, "out": str(out), "tasks": len(suite["tasks"])},
        f"wrote suite {args.name!r} ({len(suite['tasks'])} tasks) to {out}",
    )


# ------------------------------------------------------------------------------- parser


def _number(cast: type, lo: float, hi: float, strict: bool = False):
    """An argparse type: an int or a finite float in ``lo..hi`` (above ``lo`` if ``strict``)."""
    if cast is int:
        what = f"an integer in {lo}..{hi}"
    else:
        what = f"a finite number {'>' if strict else '>='} {lo:g} and <= {hi:g}"

    def parse(text: str):
        try:
            if len(text) > 40 or not text.isascii():
                raise ValueError(text)
            v = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {quote(text, 40)}") from None
        if not np.isfinite(v) or v < lo or v > hi or (strict and v == lo):
            raise argparse.ArgumentTypeError(f"expected {what}, got {clip(text, 40)}")
        return v

    return parse


def _count(hi: int, lo: int = 1):
    return _number(int, lo, hi)


_positive_real, _nonneg_real = _number(float, 0, 1e6, strict=True), _number(float, 0, 1e6)
_seconds = _number(float, 0, limits.MAX_SECONDS, strict=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, status 2
        self.exit(2, f"{self.prog}: error: {clip(message, 1000)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="synthdiff",
        description="Synthesize skeletons, compile them into a "
        "differentiable machine, tune with gradient descent, decompile.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, help: str, func):
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("--seed", type=_count(limits.MAX_SEED, 0), default=0, help="random seed (default 0)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=func)
        return p

    add("tasks", "list the built-in tasks with their machine sizes", cmd_tasks)

    p = add("run", "run an assembly file on the discrete machine", cmd_run)
    p.add_argument("program", help="assembly file")
    p.add_argument("--input", help="initial memory v0,v1,... (padded with zeros to M cells)")
    p.add_argument("--task", help="run on a task's test examples and count how many it solves")
    p.add_argument("--suite", help="suite file to look --task up in (default: built-in tasks)")
    p.add_argument("--trace", action="store_true", help="print the state before every step")
    p.add_argument("-T", type=_count(limits.MAX_T), help="step limit (default: the task's T, else 8*M)")

    def tuning(p):
        from .pipeline import SolveConfig

        d = SolveConfig()
        p.add_argument(
            "--restarts",
            type=_count(limits.MAX_RESTARTS),
            default=d.restarts,
            help=f"tuning restarts K (default {d.restarts})",
        )
        p.add_argument(
            "--top-n",
            type=_count(limits.MAX_TOP_N),
            default=d.top_n,
            help=f"proposals 'both' tunes (default {d.top_n})",
        )
        p.add_argument(
            "--steps", type=_count(limits.MAX_STEPS), default=d.tune.steps, help=f"Adam steps (default {d.tune.steps})"
        )
        p.add_argument("--lr", type=_positive_real, default=d.tune.lr, help=f"Adam learning rate (default {d.tune.lr})")
        p.add_argument(
            "--pad", type=_count(limits.MAX_PAD, 0), default=d.lower.pad, help="NOOPs before each loop's back-jump"
        )
        p.add_argument(
            "--r-max",
            type=_count(limits.MAX_R),
            default=d.lower.R_max,
            help=f"registers a lowered skeleton may use (default {d.lower.R_max}, at least the task's R)",
        )
        p.add_argument(
            "--max-cost",
            type=_count(limits.MAX_COST),
            default=d.synth.max_cost,
            help=f"costliest skeleton structure searched (default {d.synth.max_cost})",
        )
        p.add_argument(
            "--synth-time-limit",
            type=_seconds,
            default=d.synth.time_limit,
            help=f"seconds of synthesis (default {d.synth.time_limit:g})",
        )
        p.add_argument(
            "--holes",
            action=argparse.BooleanOptionalAction,
            default=d.synth.holes,
            help="also propose structures with holes for tuning to fill",
        )
        p.add_argument(
            "--hole-lines",
            type=_count(4),
            default=d.synth.hole_lines,
            help=f"with --holes, each hole is proposed at 1 to this many lines (default {d.synth.hole_lines})",
        )
        p.add_argument("--workers", type=_count(1024), default=None, help="tuning processes (default: one per core)")

    p = add("solve", "solve one task: a built-in name, or --suite FILE with a task name", cmd_solve)
    p.add_argument("task", help="built-in task name (see 'synthdiff tasks') or a task of --suite")
    p.add_argument("--suite", help="suite file holding the task")
    p.add_argument("--method", choices=["synth", "opt", "both"], default="both")
    p.add_argument("--biased", action="store_true", help="the built-in task's biased input distribution (ANC)")
    p.add_argument(
        "--fastest",
        action="store_true",
        help="check every skeleton synthesis finds (five cost levels past the first solution) and return "
        "the correct one with the fewest mean steps",
    )
    tuning(p)

    p = add("batch", "solve every task of a suite file, one JSON line per task", cmd_batch)
    p.add_argument("suite", help="suite JSON file")
    p.add_argument("--out", help="JSON-lines output (default results/SUITE.jsonl)")
    p.add_argument("--resume", action="store_true", help="skip tasks already in --out")
    p.add_argument("--backend", choices=["local", "ray"], default="local")
    p.add_argument("--time-limit", type=_seconds, default=None, help="seconds per task (a task past it is stopped)")
    p.add_argument("--method", choices=["synth", "opt", "both"], default="both")
    tuning(p)

    p = add("adapt", "make a correct program faster on a task's examples (ANC's adaptation)", cmd_adapt)
    p.add_argument("program", help="assembly file, correct on the task")
    p.add_argument("--task", required=True, help="built-in task name or a task of --suite")
    p.add_argument("--suite", help="suite file holding the task")
    p.add_argument("--biased", action="store_true", help="the built-in task's biased input distribution")
    p.add_argument("--restarts", type=_count(limits.MAX_RESTARTS), default=48, help="restarts per round (default 48)")
    p.add_argument("--rounds", type=_count(limits.MAX_ROUNDS), default=4, help="at most this many rounds (default 4)")
    p.add_argument("--steps", type=_count(limits.MAX_STEPS), default=400, help="Adam steps per round (default 400)")
    p.add_argument("--lr", type=_positive_real, default=0.1, help="Adam learning rate (default 0.1)")
    p.add_argument(
        "--efficiency", type=_nonneg_real, default=0.05, help="weight of the expected-steps term (default 0.05)"
    )
    p.add_argument(
        "--noise",
        type=_nonneg_real,
        nargs="+",
        default=[0.01, 0.1, 1.0, 3.0],
        help="compile noise levels the restarts are spread over (default 0.01 0.1 1 3)",
    )
    p.add_argument(
        "--n-train", type=_count(limits.MAX_TRAIN), default=64, help="train examples (built-in tasks; default 64)"
    )
    p.add_argument(
        "--n-test", type=_count(limits.MAX_TEST), default=512, help="held-out examples (built-in tasks; default 512)"
    )
    p.add_argument(
        "--seed-synth",
        type=_count(1000, 0),
        default=0,
        help="also start from the N fastest programs synthesis proposes for the task's train examples (default 0)",
    )
    p.add_argument("--out", help="write the adapted program here")
    p.add_argument("--workers", type=_count(1024), default=None, help="tuning processes (default: one per core)")

    from .table1 import ROWS

    p = add("table1", "reproduce the seed paper's Table 1 (recovery rates)", cmd_table1)
    p.add_argument("--out", default="results/table1", help="output directory (default results/table1)")
    p.add_argument("--fresh", action="store_true", help="ignore results already in --out")
    p.add_argument(
        "--rows", nargs="+", choices=ROWS, metavar="ROW", help=f"only these rows (default all: {', '.join(ROWS)})"
    )
    p.add_argument(
        "--tasks", nargs="+", choices=SUITES["table1"], metavar="TASK", help="only these tasks (default all six)"
    )
    p.add_argument(
        "--paper-like",
        action="store_true",
        help="the paper-like tasks: map_inc, map_dec and reduce on lists of one fixed length (M-2)",
    )
    tuning(p)

    p = add("space", "the search-space study: raw programs, behaviours, what each stage leaves", cmd_space)
    p.add_argument("--task", help="one built-in task (default: the Table 1 tasks)")
    p.add_argument(
        "--max-lines", type=_count(4), default=3, help="raw program lengths 1..L, at most 4 (the M=4 machine's lines)"
    )
    p.add_argument(
        "--samples", type=_count(limits.MAX_SAMPLES), default=500_000, help="programs sampled where not exhaustive"
    )
    p.add_argument("--out", default="results/space", help="output directory (default results/space)")
    tuning(p)

    p = add("export-suite", "write a built-in suite as a suite file", cmd_export_suite)
    p.add_argument("name", choices=sorted(SUITES), help="built-in suite")
    p.add_argument("--out", required=True, help="output JSON file")
    p.add_argument("--n-train", type=_count(limits.MAX_TRAIN), default=16, help="train examples per task (default 16)")
    p.add_argument("--n-test", type=_count(limits.MAX_TEST), default=256, help="test examples per task (default 256)")
    p.add_argument(
        "--examples",
        action="store_true",
        help="write every example out (a suite solvable without the built-in generators)",
    )
    return parser


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that workers are stopped on the way out."""


def _terminate(signum, frame):
    raise _Terminated


def main(argv: list[str] | None = None) -> int:
    from neural import xla

    xla.configure()  # before anything starts JAX's backend
    args = build_parser().parse_args(argv)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        args.func(args)
    except (InputError, AsmError) as e:  # every bad input: one line, status 2
        print(f"synthdiff {args.command}: error: {clip(str(e), 1000)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"synthdiff {args.command}: interrupted", file=sys.stderr)
        return _stopped(130, argv)
    except _Terminated:
        print(f"synthdiff {args.command}: terminated", file=sys.stderr)
        return _stopped(143, argv)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stopped(code: int, argv: list[str] | None) -> int:
    """The status of a run stopped by a signal. Run as the program (``argv`` None), exit at
    once: the workers are stopped and the files closed by now, and a normal exit would
    wait for a tuning computation still in flight in XLA (minutes at a large ``T``)."""
    if argv is None:
        ray = sys.modules.get("ray")
        if ray is not None and ray.is_initialized():  # a local Ray's processes end with its shutdown
            with contextlib.suppress(Exception):
                ray.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to flush to
                stream.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
