"""Worker processes with hard deadlines: a job past its time is stopped, not waited for.

:func:`run_jobs` runs ``fn(*args)`` for each job on ``workers`` spawned processes, one job
at a time each, and yields results as they finish. A job's clock starts when it is handed
to a worker that is ready (imports done); a job still running at its deadline has its
worker killed and replaced, and is reported as stopped, with the last partial result it
reported (``fn(*args, report=...)``), so a stopped job keeps what it had done. Workers die with their parent
(``PR_SET_PDEATHSIG`` on Linux, else a thread polling the parent's pid), so a killed run
leaves no process computing on — nor the resource tracker they keep alive.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this process exit when ``parent`` does, however it ends (SIGKILL included)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent:  # the parent died before the death signal was armed
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=poll, daemon=True).start()


def _send_partial(conn: Connection, i: int, payload: Any) -> None:
    conn.send((i, "partial", payload))


def _serve(conn: Connection, parent: int, init: Callable[[], None] | None) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C stops
    if init is not None:
        init()
    conn.send(("ready", None, None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        i, fn, args, partial = job
        kwargs = {"report": functools.partial(_send_partial, conn, i)} if partial else {}
        try:
            conn.send((i, "done", fn(*args, **kwargs)))
        except Exception as e:  # report, keep serving
            conn.send((i, "error", f"{type(e).__name__}: {e}"))


class Finished(NamedTuple):
    """One job's outcome: ``result`` if it returned, else ``stopped`` says why it did not
    and ``partial`` holds the last partial result it reported (``None``: none)."""

    index: int
    result: Any
    seconds: float
    stopped: str | None = None
    partial: Any = None


@dataclasses.dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    job: int | None = None
    started: float = 0.0
    partial: Any = None


def run_jobs(
    fn: Callable,
    jobs: Sequence[tuple],
    workers: int,
    limit: float | None = None,
    init: Callable[[], None] | None = None,
    partial: bool = False,
) -> Iterator[Finished]:
    """``fn(*job)`` for every job on ``workers`` processes; each job stopped after ``limit``
    seconds. Yields in completion order. Closing the iterator kills the workers.

    ``partial``: call ``fn(*job, report=r)``; ``r(x)`` sends ``x`` to this process, and a job
    stopped later is yielded with the last such ``x``.
    """
    ctx = mp.get_context("spawn")  # JAX is not fork-safe
    queue = deque(range(len(jobs)))
    pool: list[_Worker] = []

    def start() -> None:
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(theirs, os.getpid(), init), daemon=True)
        proc.start()
        theirs.close()
        pool.append(_Worker(proc, ours))

    def retire(w: _Worker) -> None:
        pool.remove(w)
        w.proc.kill()
        w.proc.join()
        w.conn.close()
        if queue and len(pool) < workers:
            start()

    try:
        for _ in range(min(workers, len(jobs))):
            start()
        while queue or any(w.job is not None for w in pool):
            for w in pool:
                if w.ready and w.job is None and queue:
                    w.job, w.started, w.partial = queue.popleft(), time.perf_counter(), None
                    w.conn.send((w.job, fn, jobs[w.job], partial))
            deadlines = [w.started + limit for w in pool if w.job is not None] if limit is not None else []
            timeout = max(0.0, min(deadlines) - time.perf_counter()) if deadlines else None
            wait([w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout)
            now = time.perf_counter()
            for w in list(pool):
                message = None
                try:
                    while message is None and w.conn.poll():  # partial results first, the last kept
                        message = w.conn.recv()
                        if message[1] == "partial":
                            w.partial, message = message[2], None
                except (EOFError, OSError):
                    message = None  # died mid-message: handled below as a dead worker
                if message is not None:
                    i, kind, payload = message
                    if i == "ready":
                        w.ready = True
                    else:
                        w.job = None
                        seconds = now - w.started
                        yield Finished(i, payload, seconds) if kind == "done" else Finished(i, None, seconds, payload)
                    continue
                if not w.proc.is_alive():
                    if not w.ready:
                        raise RuntimeError(f"a worker process failed to start (exit code {w.proc.exitcode})")
                    job, code = w.job, w.proc.exitcode
                    retire(w)
                    if job is not None:
                        yield Finished(job, None, now - w.started, f"worker process died (exit code {code})", w.partial)
                elif w.job is not None and limit is not None and now >= w.started + limit:
                    job = w.job
                    retire(w)
                    yield Finished(job, None, now - w.started, "time limit", w.partial)
    finally:
        for w in pool:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        end = time.perf_counter() + 2.0
        for w in pool:
            if w.job is not None:
                w.proc.kill()
            w.proc.join(max(0.0, end - time.perf_counter()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()
