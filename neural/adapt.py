"""Adaptation (ANC's experiment): make a correct program faster on an input distribution.

Tuning from one compiled program is a local search: the compiled program is a strict local
minimum of the loss, and a shorter program is usually several lines away, each change
alone incorrect. Small compile noise repairs locally, large noise (logits near uniform)
explores; neither reaches far. And one move is out of the gradient's reach altogether:
deleting a line, which shifts every line after it.

So adaptation runs in *rounds* of neural local search. Each round

1. deletes, greedily and discretely, every line of the kept programs that can go while
   the program stays correct on the held-out inputs (:func:`shorten`);
2. compiles the fastest distinct correct programs found so far into ``restarts`` restarts:
   half spread over the ``noise`` levels, half (at the small ``delete_noise`` levels)
   starting from a program with one line deleted — usually wrong, for the gradient to
   repair (a register's initial value, an operand);
3. tunes all of them as one batch with the efficiency term and judges every restart
   discretely (``keep_best``: a restart contributes the fastest correct program it passed
   through).

Rounds stop after ``rounds`` or at the first round that finds nothing faster.

The rounds can start from several programs: the given one and ``seeds`` (e.g. the fastest
programs synthesis proposes for the distribution; neural never imports synth, the bridge
passes them in). The soft machine simulates only as many steps as the starting programs'
longest run on the examples plus a margin (``T_margin``): a program that is to be faster
needs no more, and the simulation's cost is linear in ``T``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence

import jax
import numpy as np

from .asm import STOP, Line, Program, check_ops, label_registers, widen
from .compile import compile_program
from .examples import Examples, judge
from .interp import run, run_one
from .machine import SoftMachine
from .tune import TuneConfig, Tuner, stack, tune


@dataclasses.dataclass(frozen=True)
class AdaptConfig:
    """Rounds of compile -> tune -> keep the fastest; the defaults are scripts/anc_adapt.py's."""

    restarts: int = 48  # per round
    rounds: int = 4
    keep: int = 4  # distinct programs carried into the next round
    noise: tuple[float, ...] = (0.01, 0.1, 1.0, 3.0)  # restarts are spread evenly over them
    delete_noise: tuple[float, ...] = (0.01, 0.1)  # half the restarts delete a line first; () = none
    tune: TuneConfig = TuneConfig(steps=400, lr=0.1, efficiency=0.05, keep_best=True)
    seed: int = 0
    T_margin: float | None = 0.25  # soft T = longest start run x (1 + margin), + 2; None: the machine's T


@dataclasses.dataclass(frozen=True)
class Round:
    """What one round started from and found."""

    starts: list[float]  # mean held-out steps of the programs it compiled
    best_steps: float  # fastest correct program so far, after this round
    recovered: float  # fraction of restarts that ended with a correct program
    faster: float  # fraction of restarts whose program beats the fastest program compiled
    seconds: float


@dataclasses.dataclass(frozen=True)
class AdaptResult:
    """The fastest correct program found (``program`` itself if none was faster)."""

    best: Program
    best_steps: float
    start_steps: float
    rounds: list[Round]
    seed_steps: list[float] = dataclasses.field(default_factory=list)  # per seed (inf: wrong on test)
    T: int = 0  # steps the soft machine simulated


def cut_T(programs: Sequence[Program], examples: Sequence[Examples], T: int, margin: float | None) -> int:
    """The soft machine's step limit for adapting ``programs``: their longest run on the
    examples, plus ``margin`` of it and 2 steps, at most ``T`` (``margin`` None: ``T``)."""
    if margin is None:
        return T
    longest = max(int(run(p, ex.inputs, T).steps.max()) for p in programs for ex in examples)
    return min(T, math.ceil(longest * (1 + margin)) + 2)


def mean_steps(program: Program, ex: Examples, T: int) -> float:
    """Mean executed lines of ``program`` on the examples (``T`` where it times out)."""
    return float(run(program, ex.inputs, T).steps.mean())


def prune(program: Program, ex: Examples, T: int) -> Program:
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


def delete_line(program: Program, j: int) -> Program:
    """``program`` without line ``j``: later lines move up one, and label registers (jump
    targets never written or read as data) pointing past ``j`` follow them."""
    labels = label_registers(program)
    init = tuple(v - 1 if r in labels and v > j else v for r, v in enumerate(program.init))
    return Program(program.M, program.R, init, program.lines[:j] + program.lines[j + 1 :])


def shorten(program: Program, ex: Examples, T: int) -> tuple[Program, float]:
    """Greedy dead-line removal: delete the line whose deletion leaves the program correct
    on ``ex`` with the fewest mean steps, until no deletion does. Returns the program and
    its mean steps on ``ex``."""
    best, steps = program, mean_steps(program, ex, T)
    while len(best.lines) > 1:
        cands = [delete_line(best, j) for j in range(len(best.lines))]
        ok, s = judge(cands, ex, T)
        s = np.where(ok, s, np.inf)
        if s.min() >= steps - 1e-9:
            break
        j = int(s.argmin())
        best, steps = cands[j], float(s[j])
    return best, steps


def _starts(pool: list[Program], cfg: AdaptConfig, rng: np.random.Generator) -> list[tuple[Program, float]]:
    """Restart ``i``: program ``i mod |pool|``; odd passes over the pool delete a line (going
    through the lines from a random one, so few restarts cover them all) at the
    ``delete_noise`` levels, even passes keep the program at the ``noise`` levels."""
    out, deleted = [], [int(rng.integers(len(p.lines))) for p in pool]
    for i in range(cfg.restarts):
        k, v = i % len(pool), i // len(pool)
        p = pool[k]
        if not cfg.delete_noise:
            out.append((p, cfg.noise[v % len(cfg.noise)]))
        elif v % 2 == 0 or len(p.lines) == 1:
            out.append((p, cfg.noise[(v // 2) % len(cfg.noise)]))
        else:
            out.append((delete_line(p, deleted[k] % len(p.lines)), cfg.delete_noise[(v // 2) % len(cfg.delete_noise)]))
            deleted[k] += 1
    return out


def adapt(
    program: Program,
    machine: SoftMachine,
    train: Examples,
    test: Examples,
    cfg: AdaptConfig = AdaptConfig(),
    tuner: Tuner = tune,
    progress: Callable[[int, Round], None] | None = None,
    seeds: Sequence[Program] = (),
) -> AdaptResult:
    """Rounds of neural local search from ``program`` (and ``seeds``: more starting
    programs; those wrong on ``test`` are left out) towards fewer steps on ``train``'s
    distribution; every program kept is correct on all of ``test``. ``machine.T`` is the
    step limit programs are judged with; the soft machine simulates fewer (``cfg.T_margin``)."""
    if cfg.restarts < len(cfg.noise):
        raise ValueError(f"restarts ({cfg.restarts}) must be at least the number of noise levels ({len(cfg.noise)})")
    for p in (program, *seeds):
        if p.M != machine.M:
            raise ValueError(f"a starting program has M={p.M}; the machine has M={machine.M}")
        check_ops(p, machine.ops)
    T = machine.T
    R = max(machine.R, program.R, *(p.R for p in seeds))
    program, seeds = widen(program, R), [widen(p, R) for p in seeds]
    start = mean_steps(program, test, T)
    found = {str(prune(program, test, T)): (start, program)}  # pruned text -> (steps, program)

    def add(p: Program, steps: float) -> None:
        p = prune(p, test, T)
        found.setdefault(str(p), (steps, p))

    seed_steps = []
    for p in seeds:
        ok, s = judge([p], test, T)
        seed_steps.append(float(s[0]) if ok[0] else math.inf)
        if ok[0]:
            add(p, float(s[0]))
    starts_ = [p for _, p in found.values()]
    soft = SoftMachine(machine.M, R, cut_T(starts_, (train, test), T, cfg.T_margin), machine.ops, machine.impl)

    def ranked() -> list[tuple[float, Program]]:
        return sorted(found.values(), key=lambda sp: sp[0])

    rounds = []
    for r in range(cfg.rounds):
        t0 = time.perf_counter()
        before = ranked()[0][0]
        for _, p in ranked()[: cfg.keep]:
            add(*shorten(p, test, T))
        pool = ranked()[: cfg.keep]
        keys = jax.random.split(jax.random.PRNGKey(cfg.seed + 7919 * r), cfg.restarts)
        starts = _starts([p for _, p in pool], cfg, np.random.default_rng([cfg.seed, r]))
        w = stack([compile_program(p, k, ops=machine.ops, noise=g) for (p, g), k in zip(starts, keys)])
        res = tuner(w, soft, train, test, cfg.tune)
        for p, ok, s in zip(res.programs, res.recovered, res.test_steps):
            if ok:
                add(p, float(s))
        best = ranked()[0][0]
        faster = float((res.recovered & (res.test_steps < pool[0][0] - 1e-9)).mean())
        stats = Round([s for s, _ in pool], best, float(res.recovered.mean()), faster, time.perf_counter() - t0)
        rounds.append(stats)
        if progress is not None:
            progress(r, stats)
        if best >= before - 1e-9:
            break
    steps, prog = ranked()[0]
    return AdaptResult(prog, steps, start, rounds, seed_steps, soft.T)
