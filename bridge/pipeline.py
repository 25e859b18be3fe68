"""The seed paper's algorithm: synthesize ranked skeletons, lower, compile, tune, judge,
and feed failures back into the ranking.

``solve(task, method)`` with ``method`` one of

- ``opt``: ``K`` restarts from random weights (the paper's "Optimization");
- ``synth``: synthesis alone — the first proposed skeleton whose lowered program is correct
  on every test example;
- ``both``: the top-``N`` skeletons, in rounds of ``batch`` skeletons, each lowered,
  compiled (``K/N`` restarts apiece, each with its own noise) and tuned. After a round in
  which every restart of a skeleton failed, its behaviour's neighbours and every behaviour
  built on the same construct are pushed down the ranking before the next round is drawn.

``tune_from(program, task)`` tunes from a fixed program (the paper's fixed initialisations).
Recovery is always judged by the discrete interpreter on the test examples.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import jax
import numpy as np

from neural import Line, Program, format_program, run
from neural.asm import NOOP
from neural.compile import DEFAULT_NOISE, compile_program, random_weights
from neural.tune import TuneConfig, Tuner, TuneResult, stack
from synth import SizePrior, VersionSpace, synthesize
from synth.heuristics import Heuristic

from .lower import LoweringError, lower
from .tasks import Task

METHODS = ("synth", "opt", "both")


@dataclasses.dataclass
class SolveConfig:
    """Knobs of :func:`solve`; defaults are what ``synthdiff solve`` and ``table1`` use."""

    restarts: int = 100
    top_n: int = 4
    batch: int = 1  # skeletons per round of `both`
    max_cost: int = 12
    synth_time_limit: float = 60.0
    noise: float = DEFAULT_NOISE
    pad: int = 0
    R_max: int = 6
    feedback: bool = True
    feedback_penalty: float = 5.0
    hide_solutions: bool = False  # `both` ablation: never propose skeletons that fit the train examples
    tune: TuneConfig = dataclasses.field(default_factory=TuneConfig)
    seed: int = 0
    time_limit: float | None = None  # seconds for the whole task (cooperative: checked between stages)


@dataclasses.dataclass
class SolveResult:
    """One solved (or not) task: the spec's batch-output fields plus per-restart detail."""

    task: str
    method: str
    solved: bool
    program: str | None
    test_correct: int
    test_total: int
    seconds: float
    enumerated: int = 0
    oe_classes: int = 0
    egraph_classes: int = 0
    skeletons_tried: int = 0
    proposed: int = 0  # skeletons drawn from the version space (including ones that did not lower)
    restarts: int = 0
    recovered: int = 0
    raw_programs: float | None = None  # (|ops|·R³)^L: assembly programs as long as the solution
    skeletons: list[dict] = dataclasses.field(default_factory=list)  # per skeleton tried
    ranking_changes: list[dict] = dataclasses.field(default_factory=list)  # what feedback did

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def recovery_rate(self) -> float:
        return self.recovered / self.restarts if self.restarts else float(self.solved)


def _in_process(weights, machine, train, test, cfg):
    from neural.tune import tune

    return tune(weights, machine, train, test, cfg)


def test_score(program: Program, task: Task) -> tuple[int, np.ndarray]:
    """(test examples solved, per-example correctness) on the discrete machine."""
    res = run(program, task.test.inputs, task.machine.T)
    ok = task.test.correct(res.mem)
    return int(ok.sum()), ok


def _ops(task: Task) -> tuple[int, ...]:
    return task.machine.op_codes


def widen(p: Program, R: int) -> Program:
    """The same program on ``R >= p.R`` registers (the new ones start at 0, unused)."""
    return p if R == p.R else Program(p.M, R, p.init + (0,) * (R - p.R), p.lines)


def noop_loop(M: int, R: int) -> Program:
    """The paper's "loop no-op" initialisation: ``M`` NOOPs (the instruction register wraps)."""
    return Program(M, R, (0,) * R, tuple(Line(NOOP) for _ in range(M)))


def _keys(seed: int, n: int, salt: int) -> jax.Array:
    return jax.random.split(jax.random.fold_in(jax.random.PRNGKey(seed), salt), n)


def tune_from(
    program: Program,
    task: Task,
    cfg: SolveConfig,
    tuner: Tuner = _in_process,
    restarts: int | None = None,
    salt: int = 0,
) -> TuneResult:
    """Compile ``program`` ``restarts`` times (own noise each) and tune on ``task``."""
    K = restarts or cfg.restarts
    R = max(program.R, task.machine.R)
    p = widen(program, R)
    ops = _ops(task)
    w = stack([compile_program(p, k, ops, noise=cfg.noise) for k in _keys(cfg.seed, K, salt)])
    return tuner(w, task.machine.soft(R), task.train, task.test, cfg.tune)


def _best(result: TuneResult) -> Program | None:
    ok = np.flatnonzero(result.recovered)
    if not ok.size:
        return None
    return result.programs[int(ok[np.argmin(result.test_steps[ok])])]


def synthesize_for(task: Task, cfg: SolveConfig, heuristic: Heuristic | None = None) -> VersionSpace:
    """The version space :func:`solve` proposes from, for the task's train examples."""
    limit = cfg.synth_time_limit if cfg.time_limit is None else min(cfg.synth_time_limit, cfg.time_limit / 2)
    return synthesize(task.train, task.machine.M, heuristic or SizePrior(), max_cost=cfg.max_cost, time_limit=limit)


def solve(
    task: Task,
    method: str = "both",
    cfg: SolveConfig | None = None,
    tuner: Tuner = _in_process,
    heuristic: Heuristic | None = None,
    log: Callable[[str], None] | None = None,
    space: VersionSpace | None = None,
) -> SolveResult:
    """Solve ``task`` with ``method`` (``synth``, ``opt`` or ``both``).

    ``space``: a version space already built by :func:`synthesize_for` (``both`` re-ranks
    it in place through feedback).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    cfg = cfg or SolveConfig()
    log = log or (lambda s: None)
    t0 = time.perf_counter()
    m = task.machine

    def left() -> float | None:
        return None if cfg.time_limit is None else max(0.0, cfg.time_limit - (time.perf_counter() - t0))

    def tcfg() -> TuneConfig:
        return dataclasses.replace(cfg.tune, time_limit=left()) if cfg.time_limit is not None else cfg.tune

    out = SolveResult(task.name, method, False, None, 0, len(task.test), 0.0)

    def finish(program: Program | None) -> SolveResult:
        if program is not None:
            out.test_correct, ok = test_score(program, task)
            out.solved = bool(ok.all())
            out.program = format_program(program)
            out.raw_programs = float(len(_ops(task)) * program.R**3) ** len(program)
        out.seconds = time.perf_counter() - t0
        return out

    if method == "opt":
        ops = _ops(task)
        w = stack([random_weights(k, m.M, m.R, ops) for k in _keys(cfg.seed, cfg.restarts, 1)])
        r = tuner(w, m.soft(), task.train, task.test, tcfg())
        out.restarts, out.recovered = cfg.restarts, int(r.recovered.sum())
        best = _best(r)
        return finish(best if best is not None else r.programs[0])

    vs = space if space is not None else synthesize_for(task, cfg, heuristic)
    st = vs.stats
    out.enumerated = st.search.enumerated_expressions + st.search.enumerated_programs
    out.oe_classes, out.egraph_classes = st.search.oe_classes, st.egraph_classes
    log(
        f"synth: {out.enumerated:,} enumerated, {out.oe_classes:,} OE classes, "
        f"{out.egraph_classes:,} e-classes, {sum(c.correct for c in vs.classes)} fit the train examples"
    )

    if method == "synth":
        for i, term in vs.top(cfg.top_n * 10):
            if not vs.classes[i].correct:
                break
            out.proposed += 1
            try:
                p = lower(term, m.M, max(cfg.R_max, m.R), _ops(task), R_min=m.R)
            except LoweringError as e:
                out.skeletons.append({"skeleton": str(term), "lowered": False, "why": str(e)})
                continue
            out.skeletons_tried += 1
            n_ok, ok = test_score(p, task)
            out.skeletons.append({"skeleton": str(term), "lowered": True, "test_correct": n_ok})
            if ok.all():
                return finish(p)
        return finish(None)

    # both
    per = max(1, cfg.restarts // cfg.top_n)
    tried: set[int] = {i for i, c in enumerate(vs.classes) if c.correct} if cfg.hide_solutions else set()
    best: Program | None = None
    salt = 10
    while out.skeletons_tried < cfg.top_n and left() != 0.0:
        round_ = []
        for i, term in vs.top(cfg.batch * 4, exclude=tried):
            tried.add(i)
            out.proposed += 1
            try:
                p = lower(term, m.M, max(cfg.R_max, m.R), _ops(task), pad=cfg.pad, R_min=m.R)
            except LoweringError as e:
                out.skeletons.append({"skeleton": str(term), "lowered": False, "why": str(e)})
                continue
            round_.append((i, term, p))
            if len(round_) == cfg.batch:
                break
        if not round_:
            break
        for i, term, p in round_:
            salt += 1
            r = tune_from(p, task, dataclasses.replace(cfg, tune=tcfg()), tuner, per, salt)
            out.skeletons_tried += 1
            out.restarts += per
            out.recovered += int(r.recovered.sum())
            out.skeletons.append(
                {
                    "skeleton": str(term),
                    "lowered": True,
                    "lines": len(p),
                    "R": p.R,
                    "restarts": per,
                    "recovered": int(r.recovered.sum()),
                }
            )
            log(f"both: {term} -> {int(r.recovered.sum())}/{per} restarts recovered")
            cand = _best(r)
            if cand is not None and (best is None or test_score(cand, task)[0] >= test_score(best, task)[0]):
                best = cand
            elif cfg.feedback:
                before = [str(t) for _, t in vs.top(5, exclude=tried)]
                for j in vs.neighbours(i):
                    vs.adjust(int(j), -cfg.feedback_penalty)
                for j, c in enumerate(vs.classes):
                    if c.term.op == term.op:
                        vs.adjust(j, -cfg.feedback_penalty / 5)
                after = [str(t) for _, t in vs.top(5, exclude=tried)]
                out.ranking_changes.append({"failed": str(term), "before": before, "after": after})
        if best is not None:
            break
    return finish(best)
