"""Restarts spread over worker processes, one per core, each single-threaded.

On a 2-core CPU two pinned single-threaded processes with 50 restarts each run an Adam
step faster than one process with 100 restarts on two threads (see :mod:`neural.xla`).
:class:`TunePool` keeps its workers alive, so each compiles a given shape once and reuses
it for every later call. Only plain data crosses processes: numpy arrays, the machine's
sizes, the config; results come back as :class:`~neural.tune.TuneResult`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from .examples import Examples
from .tune import TuneConfig, TuneResult


def _exit_with_parent(parent: int) -> None:
    """Poll the parent's pid; a worker whose parent was killed exits instead of computing on."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(cores: mp.Queue) -> None:
    from . import xla

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    xla.configure(single_thread=True)
    core = cores.get()
    if core is not None and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):  # fewer cores than expected, or not allowed: run unpinned
            os.sched_setaffinity(0, {core})


def _tune_shard(
    weights: dict, machine: tuple, train: Examples, test: Examples, cfg: TuneConfig, trainable: dict | None
) -> TuneResult:
    import jax.numpy as jnp

    from .compile import Weights
    from .machine import SoftMachine
    from .tune import tune

    M, R, T, ops, impl = machine
    as_weights = lambda d: Weights(**{k: jnp.asarray(v) for k, v in d.items()})
    mask = as_weights(trainable) if trainable is not None else None
    return tune(as_weights(weights), SoftMachine(M, R, T, ops, impl), train, test, cfg, trainable=mask)


def merge(results: list[TuneResult], seconds: float) -> TuneResult:
    """Concatenate shards' results along the restart axis (loss curves padded with NaN)."""
    n = max(r.loss.shape[1] for r in results)
    pad = lambda x: np.pad(x, ((0, 0), (0, n - x.shape[1])), constant_values=np.nan)
    return TuneResult(
        programs=[p for r in results for p in r.programs],
        recovered=np.concatenate([r.recovered for r in results]),
        test_steps=np.concatenate([r.test_steps for r in results]),
        recovered_at=np.concatenate([r.recovered_at for r in results]),
        loss=np.concatenate([pad(r.loss) for r in results]),
        confidence=np.concatenate([r.confidence for r in results]),
        steps_run=max(r.steps_run for r in results),
        seconds=seconds,
    )


class TunePool:
    """A pool of tuning workers; ``workers=1`` tunes in this process.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool = None
        if self.workers > 1:
            ctx = mp.get_context("spawn")  # JAX is not fork-safe
            cores = ctx.Queue()
            available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
            for i in range(self.workers):
                cores.put(available[i] if i < len(available) and len(available) >= self.workers else None)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker, initargs=(cores,))

    def tune(self, weights, machine, train, test, cfg: TuneConfig = TuneConfig(), trainable=None) -> TuneResult:
        """:func:`neural.tune.tune` with the restarts split evenly over the workers (whose
        config is pickled: a custom ``cfg.optimizer`` must be picklable)."""
        if self._pool is None:
            from .tune import tune

            return tune(weights, machine, train, test, cfg, trainable=trainable)
        t0 = time.perf_counter()
        K = weights.op.shape[0]
        plain = lambda w: {f.name: np.asarray(getattr(w, f.name)) for f in dataclasses.fields(w)}
        arrays = plain(weights)
        mask = plain(trainable) if trainable is not None else None
        spec = (machine.M, machine.R, machine.T, machine.ops, machine.impl)
        shards = [s for s in np.array_split(np.arange(K), self.workers) if s.size]
        futures = [
            self._pool.submit(_tune_shard, {k: v[s] for k, v in arrays.items()}, spec, train, test, cfg, mask)
            for s in shards
        ]
        return merge([f.result() for f in futures], time.perf_counter() - t0)

    def close(self, stop: bool = False) -> None:
        """Shut the workers down: after their current shards, or (``stop``) at once, killing
        them mid-shard (a run that is interrupted must not wait minutes for a tuning chunk)."""
        if self._pool is not None:
            if stop:
                for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
                    with contextlib.suppress(OSError):
                        proc.kill()
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> TunePool:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.close(stop=kind is not None)
