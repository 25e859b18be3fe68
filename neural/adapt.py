"""Adaptation (ANC's experiment): make a correct program faster on an input distribution.

Tuning from one compiled program is a local search: the compiled program is a strict local
minimum of the loss, and a shorter program is usually several lines away, each change
alone incorrect. Small compile noise repairs locally, large noise (logits near uniform)
explores; neither alone reaches far. So adaptation runs in *rounds* of neural local
search: each round compiles the fastest distinct correct programs found so far (the given
program at first) into ``restarts`` restarts spread over the noise levels, tunes them all
as one batch with the efficiency term, and judges every restart discretely (``keep_best``:
a restart contributes the fastest correct program it passed through). It stops after
``rounds`` rounds or at the first round that finds nothing faster.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import jax
import numpy as np

from .asm import STOP, Line, Program
from .compile import compile_program
from .interp import run, run_one
from .machine import Machine
from .tune import ExampleSet, TuneConfig, TuneResult, stack, tune

Tuner = Callable[..., TuneResult]
"""``tuner(weights, machine, train, test, cfg)``: :func:`~neural.tune.tune` or a pool's."""


@dataclasses.dataclass(frozen=True)
class AdaptConfig:
    """Rounds of compile -> tune -> keep the fastest; the defaults are scripts/anc_adapt.py's."""

    restarts: int = 48  # per round
    rounds: int = 4
    keep: int = 4  # distinct programs carried into the next round
    noise: tuple[float, ...] = (0.01, 0.1, 1.0, 3.0)  # restarts are spread evenly over them
    tune: TuneConfig = TuneConfig(steps=400, lr=0.1, efficiency=0.05, keep_best=True)
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class Round:
    """What one round started from and found."""

    starts: list[float]  # mean held-out steps of the programs it compiled
    best_steps: float  # fastest correct program so far, after this round
    recovered: float  # fraction of restarts that ended with a correct program
    faster: float  # fraction of restarts whose program beats the round's fastest start
    seconds: float


@dataclasses.dataclass(frozen=True)
class AdaptResult:
    """The fastest correct program found (``program`` itself if none was faster)."""

    best: Program
    best_steps: float
    start_steps: float
    rounds: list[Round]


def mean_steps(program: Program, ex: ExampleSet, T: int) -> float:
    """Mean executed lines of ``program`` on the examples (``T`` where it times out)."""
    return float(run(program, ex.inputs, T).steps.mean())


def prune(program: Program, ex: ExampleSet, T: int) -> Program:
    """``program`` with every line no example executes turned into STOP, and the lines
    after the last executed one dropped: the same runs on ``ex``, and readable.

    Decompiled programs carry junk in lines they never reach; pruning also makes two
    restarts that differ only there count as one program.
    """
    seen: set[int] = set()
    for memory in ex.inputs:
        trace: list = []
        run_one(program, memory, T, trace)
        seen.update(ir for _, ir, *_ in trace)
    n = min(max(seen) + 1, len(program.lines))
    lines = tuple(program.lines[i] if i in seen else Line(STOP, 0, 0, 0) for i in range(n))
    return Program(program.M, program.R, program.init, lines)


def adapt(
    program: Program,
    machine: Machine,
    train: ExampleSet,
    test: ExampleSet,
    cfg: AdaptConfig = AdaptConfig(),
    tuner: Tuner = tune,
    progress: Callable[[int, Round], None] | None = None,
) -> AdaptResult:
    """Rounds of neural local search from ``program`` towards fewer steps on ``train``'s
    distribution; every program kept is correct on all of ``test``."""
    if cfg.restarts < len(cfg.noise):
        raise ValueError(f"restarts ({cfg.restarts}) must be at least the number of noise levels ({len(cfg.noise)})")
    T = machine.T
    start = mean_steps(program, test, T)
    found = {str(prune(program, test, T)): (start, program)}  # pruned text -> (steps, program)
    pool, rounds = [(start, program)], []
    for r in range(cfg.rounds):
        t0 = time.perf_counter()
        keys = jax.random.split(jax.random.PRNGKey(cfg.seed + 7919 * r), cfg.restarts)
        # restart i: program i mod |pool|, noise level (i // |pool|) mod |noise|
        w = stack([
            compile_program(pool[i % len(pool)][1], k, ops=machine.ops, noise=cfg.noise[(i // len(pool)) % len(cfg.noise)])
            for i, k in enumerate(keys)
        ])  # fmt: skip
        res = tuner(w, machine, train, test, cfg.tune)
        for p, ok, s in zip(res.programs, res.recovered, res.test_steps):
            if ok:
                p = prune(p, test, T)
                found.setdefault(str(p), (float(s), p))
        before = min(s for s, _ in pool)
        ranked = sorted(found.values(), key=lambda sp: sp[0])
        faster = float((res.recovered & (res.test_steps < before - 1e-9)).mean())
        stats = Round([s for s, _ in pool], ranked[0][0], float(res.recovered.mean()), faster, time.perf_counter() - t0)
        rounds.append(stats)
        if progress is not None:
            progress(r, stats)
        if ranked[0][0] >= before - 1e-9:
            break
        pool = ranked[: cfg.keep]
    steps, prog = min(found.values(), key=lambda sp: sp[0])
    return AdaptResult(prog, steps, start, rounds)
