"""Batch-solving a suite: one JSON line per task, written as soon as the task finishes.

Each task is solved in a worker (``local``: a process pool over the cores, each worker
single-threaded; ``ray``: a Ray cluster reached through ``RAY_ADDRESS``). Workers receive
task *specs* — plain arrays and sizes — never e-graphs or JAX objects, and solve with the
task's own seed, so both backends give the same result task for task. The output file is
appended, flushed and fsynced line by line: a killed run loses only the tasks in flight,
and ``resume`` skips every task already in the file (a line cut by the kill is ignored and
its task solved again), so no task ever appears twice.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

import numpy as np

from neural import Examples

from .pipeline import SolveConfig, SolveResult, solve
from .tasks import Machine, Task

BACKENDS = ("local", "ray")


def task_spec(task: Task) -> dict:
    """A task as plain data (what crosses process and machine boundaries)."""
    ex = lambda e: {"inputs": e.inputs.tolist(), "outputs": e.outputs.tolist(), "mask": e.mask.tolist()}
    return {
        "name": task.name,
        "machine": dataclasses.asdict(task.machine),
        "train": ex(task.train),
        "test": ex(task.test),
        "builtin": task.builtin,
    }


def task_from_spec(spec: dict) -> Task:
    ex = lambda d: Examples(np.array(d["inputs"]), np.array(d["outputs"]), np.array(d["mask"], dtype=bool))
    return Task(spec["name"], Machine(**spec["machine"]), ex(spec["train"]), ex(spec["test"]), spec["builtin"])


def solve_spec(spec: dict, method: str, cfg: SolveConfig) -> dict:
    """Solve one task spec; the batch output line for it (a failure is a line, not a crash)."""
    t0 = time.perf_counter()
    try:
        r = solve(task_from_spec(spec), method, cfg)
        line = r.as_dict()
    except Exception as e:  # one bad task must not take the batch down
        line = SolveResult(spec["name"], method, False, None, 0, len(spec["test"]["inputs"]), 0.0).as_dict()
        line["error"] = f"{type(e).__name__}: {e}"
    line["seconds"] = time.perf_counter() - t0
    line["time_limit_hit"] = cfg.time_limit is not None and line["seconds"] > cfg.time_limit
    return line


def _init_local_worker() -> None:
    from neural import xla

    xla.configure(single_thread=True)


def _run_local(specs: list[dict], method: str, cfg: SolveConfig, workers: int) -> Iterator[dict]:
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_local_worker) as pool:
        pending = {pool.submit(solve_spec, s, method, cfg) for s in specs}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()


def _run_ray(specs: list[dict], method: str, cfg: SolveConfig, workers: int) -> Iterator[dict]:
    try:
        import ray
    except ImportError:
        raise RuntimeError(
            "the ray backend needs Ray: pip install 'synthdiff[ray]' (then set RAY_ADDRESS to use a cluster)"
        ) from None
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(address=os.environ["RAY_ADDRESS"], log_to_driver=False)
        else:
            ray.init(num_cpus=workers, log_to_driver=False, include_dashboard=False)
    from neural import xla

    env = {}
    xla.configure(single_thread=True, environ=env)
    remote = ray.remote(num_cpus=1, runtime_env={"env_vars": env})(solve_spec)
    pending = [remote.remote(s, method, cfg) for s in specs]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        for ref in done:
            yield ray.get(ref)


def read_done(out: Path) -> dict[str, dict]:
    """Task lines already in ``out`` (a truncated last line is ignored)."""
    done = {}
    if out.exists():
        for line in out.read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and "task" in rec:
                done[rec["task"]] = rec
    return done


def solve_suite(
    tasks: list[Task],
    out: str | Path,
    method: str = "both",
    cfg: SolveConfig | None = None,
    backend: str = "local",
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int, dict], None] | None = None,
) -> list[dict]:
    """Solve every task, appending one JSON line per task to ``out``; returns all lines
    (earlier ones included when resuming), in suite order."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    cfg = cfg or SolveConfig()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = read_done(out) if resume else {}
    if not resume and out.exists() and out.stat().st_size:
        raise FileExistsError(f"{out} exists: pass --resume to continue it, or choose another --out")
    if out.exists() and out.stat().st_size and not out.read_bytes().endswith(b"\n"):
        with out.open("a") as f:  # close a line cut by a kill, so the next one starts clean
            f.write("\n")
    todo = [task_spec(t) for t in tasks if t.name not in done]
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    runner = _run_local if backend == "local" else _run_ray
    n_total, k = len(tasks), len(tasks) - len(todo)
    with out.open("a") as f:
        for line in runner(todo, method, cfg, workers) if todo else ():
            f.write(json.dumps(line) + "\n")
            f.flush()
            os.fsync(f.fileno())
            done[line["task"]] = line
            k += 1
            if progress is not None:
                progress(k, n_total, line)
    return [done[t.name] for t in tasks if t.name in done]


def summary(lines: list[dict]) -> str:
    """The end-of-run table: per task and in total."""
    rows = [
        f"{'task':<16} {'solved':<6} {'test':>9} {'seconds':>8} {'enumerated':>10} {'OE':>7} "
        f"{'e-classes':>9} {'tried':>5} {'restarts':>8}"
    ]
    for r in lines:
        rows.append(
            f"{r['task']:<16} {'yes' if r['solved'] else 'no':<6} {r['test_correct']:>4}/{r['test_total']:<4} "
            f"{r['seconds']:>8.1f} {r['enumerated']:>10,} {r['oe_classes']:>7,} {r['egraph_classes']:>9,} "
            f"{r['skeletons_tried']:>5} {r['restarts']:>8}"
        )
    solved = sum(r["solved"] for r in lines)
    rows.append(f"solved {solved}/{len(lines)} in {sum(r['seconds'] for r in lines):.1f} s of solving")
    return "\n".join(rows)
