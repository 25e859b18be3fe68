"""Batch-solving a suite: one JSON line per task, written as soon as the task finishes.

Each task is solved in a worker (``local``: processes over the cores, each single-threaded;
``ray``: a Ray cluster reached through ``RAY_ADDRESS``). Workers receive task *specs* —
plain arrays and sizes — never e-graphs or JAX objects, and solve with the task's own seed,
so both backends give the same result task for task. ``time_limit`` is enforced: a task
still running at its limit is stopped (its worker killed and replaced) and its line says
``"stopped": "time limit"``, with what the task reported before it was stopped (local
backend: the synthesis counts, the skeletons tried). The output file (:mod:`bridge.results`) is locked, appended
and fsynced line by line: a killed run loses only the tasks in flight, and ``resume``
continues it only if it was written for the same suite and options — so the finished file
holds every task exactly once, each with a result that belongs to this suite.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from neural import Examples

from .inputs import read_jsonl
from .pipeline import SolveConfig, SolveResult, solve
from .results import Results, options, task_hash
from .tasks import Machine, Task
from .workers import run_jobs

BACKENDS = ("local", "ray")


class BackendError(RuntimeError):
    """The backend cannot run here: Ray missing, or no cluster where ``RAY_ADDRESS`` points."""


RAY_WAIT = 5
"""Seconds to wait for a Ray cluster to answer before giving up."""
GRACE = 0.02
"""A task is stopped at ``time_limit·(1 + GRACE)``: the solver's own cooperative check gets
the first chance to return what it has."""


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


def _empty_line(spec: dict, method: str, seconds: float) -> dict:
    return SolveResult(spec["name"], method, False, None, 0, len(spec["test"]["inputs"]), seconds).as_dict()


def solve_spec(spec: dict, method: str, cfg: SolveConfig, report: Callable[[dict], None] | None = None) -> dict:
    """Solve one task spec; the batch output line for it (a failure is a line, not a crash).
    ``report`` hears the line so far after each stage (see :func:`~bridge.pipeline.solve`)."""
    t0 = time.perf_counter()
    progress = None if report is None else lambda r: report(r.as_dict())
    try:
        r = solve(task_from_spec(spec), method, cfg, progress=progress)
        line = r.as_dict()
    except Exception as e:  # one bad task must not take the batch down
        line = _empty_line(spec, method, 0.0)
        line["error"] = f"{type(e).__name__}: {e}"
    line["seconds"] = time.perf_counter() - t0
    return line


def _stopped_line(spec: dict, method: str, seconds: float, why: str, partial: dict | None = None) -> dict:
    """The line of a task stopped for ``why``: what it reported before (``partial``: its
    counts and the skeletons tried, never a solution) or an empty line."""
    line = _empty_line(spec, method, seconds) if partial is None else {**partial, "seconds": seconds}
    line["stopped"] = why
    return line


def _init_local_worker() -> None:
    from neural import xla

    xla.configure(single_thread=True)
    import bridge.pipeline  # noqa: F401  (imports done before a task's clock starts)


def _run_local(specs: list[dict], method: str, cfg: SolveConfig, workers: int) -> Iterator[dict]:
    limit = None if cfg.time_limit is None else cfg.time_limit * (1 + GRACE)
    jobs = [(s, method, cfg) for s in specs]
    with contextlib.closing(run_jobs(solve_spec, jobs, workers, limit, _init_local_worker, partial=True)) as done:
        for f in done:
            spec = specs[f.index]
            if f.stopped is None:
                yield f.result
                continue
            line = _stopped_line(spec, method, f.seconds, f.stopped, f.partial)
            if f.stopped != "time limit":
                line["error"] = f.stopped
            yield line


def check_ray_address(address: str, timeout: float = 3.0) -> None:
    """Fail fast when ``RAY_ADDRESS`` names a host and port where nothing listens (Ray itself
    would retry for minutes)."""
    if address in ("auto", "local"):
        return
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BackendError(f"RAY_ADDRESS={address!r}: expected host:port, ray://host:port or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        why = e.strerror or type(e).__name__
        raise BackendError(f"RAY_ADDRESS={address}: no Ray cluster answers there ({why})") from None


_PROBE = """
import sys, ray
try:
    ray.init(address=sys.argv[1], log_to_driver=False)
except Exception as e:
    print(str(e).splitlines()[0] if str(e) else type(e).__name__, file=sys.stderr)
    sys.exit(1)
"""


def _probe_ray(address: str, wait: int) -> None:
    """Join the cluster from a throw-away process first: Ray can wait for minutes on an
    address where something answers that is not Ray, and only a process can be stopped."""
    env = {**os.environ, "RAY_gcs_server_port_wait_time_s": str(wait)}  # Ray's own retries, ~1 s each
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(
            [sys.executable, "-c", _PROBE, address],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        try:
            code = p.wait(timeout=wait + 10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise BackendError(f"RAY_ADDRESS={address}: no Ray cluster answered within {wait + 10} s") from None
        if code:
            err.seek(0)
            last = (err.read().decode(errors="replace").strip().splitlines() or ["?"])[-1]
            raise BackendError(f"RAY_ADDRESS={address}: cannot join a Ray cluster there: {last}")


def connect_ray(workers: int, wait: int = RAY_WAIT) -> None:
    """Start Ray (a local instance of ``workers`` CPUs) or join the cluster at ``RAY_ADDRESS``;
    an address where no cluster answers is one line within about ``wait + 10`` seconds."""
    try:
        import ray
    except ImportError:
        raise BackendError(
            "the ray backend needs Ray: pip install 'synthdiff[ray]' (then set RAY_ADDRESS to use a cluster)"
        ) from None
    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS")
    if address:
        check_ray_address(address)
        _probe_ray(address, wait)
    with tempfile.TemporaryFile() as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)  # Ray logs every retry to stderr
        try:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=workers, log_to_driver=False, include_dashboard=False)
        except Exception as e:
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise BackendError(f"cannot start Ray{f' at RAY_ADDRESS={address}' if address else ''}: {first}") from None
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _run_ray(specs: list[dict], method: str, cfg: SolveConfig, workers: int) -> Iterator[dict]:
    connect_ray(workers)
    import ray

    from neural import xla

    env = {}
    xla.configure(single_thread=True, environ=env)
    remote = ray.remote(num_cpus=1, runtime_env={"env_vars": env})(solve_spec)
    limit = None if cfg.time_limit is None else cfg.time_limit * (1 + GRACE)
    queue, running = list(range(len(specs))), {}  # ref -> (spec index, start)
    while queue or running:
        while queue and len(running) < workers:  # at most `workers` in flight: a task's clock starts when it runs
            i = queue.pop(0)
            running[remote.remote(specs[i], method, cfg)] = (i, time.perf_counter())
        timeout = None
        if limit is not None:
            timeout = max(0.0, min(t for _, t in running.values()) + limit - time.perf_counter())
        done, _ = ray.wait(list(running), num_returns=1, timeout=timeout)
        for ref in done:
            running.pop(ref)
            yield ray.get(ref)
        now = time.perf_counter()
        for ref, (i, t0) in list(running.items()):
            if limit is not None and now >= t0 + limit:
                ray.cancel(ref, force=True)
                running.pop(ref)
                yield _stopped_line(specs[i], method, now - t0, "time limit")


def read_done(out: Path) -> dict[str, dict]:
    """Task lines in ``out`` that parse, by task (no check that they belong to any suite)."""
    return {r["task"]: r for _, r in read_jsonl(out) if isinstance(r, dict) and isinstance(r.get("task"), str)}


def solve_suite(
    tasks: list[Task],
    out: str | Path,
    method: str = "both",
    cfg: SolveConfig | None = None,
    backend: str = "local",
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int, dict], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> list[dict]:
    """Solve every task, appending one JSON line per task to ``out``; returns all lines
    (earlier ones included when resuming), in suite order.

    Raises :class:`~bridge.results.ResultsError` before any work if ``out`` cannot be used:
    held by another run, holding results without ``resume``, or written for another suite
    or other options. ``note`` hears about lines dropped on resume.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    cfg = cfg or SolveConfig()
    opts = options(method, cfg)
    with Results.open(out, resume) as results:
        done = results.load(tasks, opts, note) if resume else {}
        todo = [task_spec(t) for t in tasks if t.name not in done]
        hashes = {t.name: task_hash(t) for t in tasks if t.name not in done}
        workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
        runner = _run_local if backend == "local" else _run_ray
        n_total, k = len(tasks), len(tasks) - len(todo)
        lines = runner(todo, method, cfg, workers) if todo else (x for x in ())
        with contextlib.closing(lines):
            for line in lines:
                line.setdefault("stopped", None)
                line["time_limit_hit"] = cfg.time_limit is not None and line["seconds"] > cfg.time_limit
                line["task_hash"], line["options"] = hashes[line["task"]], opts
                results.append(line)
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
