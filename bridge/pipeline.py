"""The seed paper's algorithm: synthesize ranked skeletons, lower, compile, tune, judge,
and feed failures back into the ranking.

``solve(task, method)`` with ``method`` one of

- ``opt``: ``K`` restarts from random weights (the paper's "Optimization");
- ``synth``: synthesis alone — the first proposed complete skeleton whose lowered program
  is correct on every train example;
- ``both``: first what ``synth`` does; then the top-``N`` proposals in rank order —
  complete skeletons, then structures whose holes tuning fills — each lowered, compiled
  (``K/N`` restarts apiece, each with its own noise) and tuned. When every restart of a
  proposal fails, the version space lowers it and moves its structural relatives
  (:meth:`~synth.space.VersionSpace.feedback`), by how close tuning came
  (:func:`near_miss`), before the next is drawn.

``tune_from(program, task)`` tunes from a fixed program (the paper's fixed initialisations).
Programs are chosen on the train examples only (the discrete interpreter judges them);
the test examples are held out: they decide ``solved`` and the reported recovery counts,
never which program is picked.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import time
from collections.abc import Callable

import jax
import numpy as np

from neural import Examples, Line, Program, format_program
from neural.asm import NOOP, VALUE_OPS, widen
from neural.compile import DEFAULT_NOISE, FREE_INITS, compile_program, random_weights
from neural.interp import encode, run_batch
from neural.tune import TuneConfig, Tuner, TuneResult, line_mask, shut, stack, tune
from synth import SizePrior, SynthConfig, VersionSpace, synthesize
from synth.heuristics import Heuristic
from synth.lang import hole_size, holes, resize
from synth.rules import saturate

from .control import control_registers, labels
from .lower import Lowered, LoweringError, lower
from .tasks import Task, contradiction

METHODS = ("synth", "opt", "both")
TRAIN_MODES = ("all", "free")
PROTECT = ("control", "labels", "none")
SCOPES = ("operands", "any")
KINDS = ("value", "any")
SIZES = ("largest", "ranked")
SYNTH_ALONE_SHARE = 0.9
"""With a time limit, the share ``synth`` gives synthesis (the search, the e-graph and
its checks: :func:`synth.synthesize` keeps within it); lowering and checking the solutions
run after it, and a batch stops a task at its limit, losing what the search found (a
held-out task's search ran to 60 s of 60 and was stopped during saturation)."""


@dataclasses.dataclass(frozen=True)
class LowerConfig:
    """How skeletons become programs: at most ``R_max`` registers, ``pad`` NOOPs before
    each backward jump; a hole lowers to as many free lines as its size, or to
    ``hole_lines`` each if given."""

    R_max: int = 10
    pad: int = 0
    hole_lines: int | None = None


HOLE_HEADS = {"line": ("op", "a", "b", "o"), "expr": ("op", "a", "b"), "op": ("op",)}


@dataclasses.dataclass(frozen=True)
class HoleTuning:
    """How a program with holes (free lines) is compiled and tuned.

    - ``fill``: hole lines start ``"uniform"`` (``scale·N(0, 1)`` logits) or as compiled
      ``"noop"`` lines; ``kinds``: the ops a hole line may start as (``"value"``: ops that
      update a register, as an expression hole is; ``"any"``: every op).
    - ``heads``: ``"line"`` opens the whole line; ``"expr"`` keeps its output register and
      opens the op and operands; ``"op"`` keeps the registers and opens only the op.
    - ``sharpness``: of the fixed lines (at 1 a correct loop blurs over its iterations:
      the correct ``reduce`` scored a worse loss than a wrong op in its hole).
    - ``train``: ``"free"`` tunes only the holes, ``"all"`` every weight.
    - ``lr``, ``steps``: Adam's learning rate and steps for holes (``None``: the run's).
    - ``gumbel``: Gumbel noise on the hole logits in each step's forward pass
      (:attr:`~neural.tune.TuneConfig.gumbel`): the holes are tried as near-discrete
      instructions; without it, two dependent hole lines were never filled together.
    - ``protect``: registers a hole line may not write: ``"control"`` the ones the fixed
      lines steer with (jump targets, the loop's traversal registers a fixed line steps:
      :func:`~bridge.control.control_registers`), ``"labels"`` only the jump targets,
      ``"none"``; a hole line never reads a jump target unless ``"none"``.
    - ``hold``: the hole's limits (``kinds``, ``protect``) hold through tuning (their
      logits stay shut), not only at the start.
    - ``scope``: with ``"operands"``, a lowered hole (:class:`~bridge.lower.Lowered`'s
      ``reads``, ``writes``, ``outputs``) reads only its operands, the constants kept for
      it and its own temporaries, writes only its output and registers dead after it,
      its last line writes its output, and a line may be a NOOP, as the skeleton's
      ``?k(u, w)`` says (parity's two-line open fold: 0 of 60 restarts without, 19 of 40
      with; registers only 3 of 40; without the last line's output 1 of 20; reduce's
      stays 20 of 20, 17 without the NOOP); ``"any"``: only ``protect`` limits it. A program
      opened from a known one (Table 1, ``scripts/hole_fill.py``) has no such limits.
    - ``sizes``: which of a structure's hole sizes ``both`` tunes. ``"largest"``: when the
      structure is first ranked (at any size), its largest version in the version space,
      once (with ``scope``, a hole line may be a NOOP, so a larger hole holds every
      smaller fill); ``"ranked"``: every size, in rank order.

    The defaults were measured on Table 1's ``init loop skeleton`` row (``reduce``, 20
    restarts, 400 steps, restarts recovered of 20): ``scale`` 0.2: 16, 1.0: 9, 3.0: 11;
    ``train`` free 16 = all 16 (free kept: the fixed part cannot drift); ``kinds`` value
    16, any 0; ``fill`` uniform 16, noop 12; ``lr`` 0.3: 16, 0.6: 0; sharpness 3 at lr 0.1:
    1; sharpness 1: 0 in every setting tried. ``protect`` control with ``hold``: 20 (none,
    not held: 16; the misses wrote ``r2 = DEC r4``, a label read as data; in parity and
    fibonacci the holes wrote the loop counter and the labels).
    """

    fill: str = "uniform"
    scale: float = 0.2
    kinds: str = "value"
    heads: str = "line"
    sharpness: float = 10.0
    train: str = "free"
    lr: float | None = 0.3
    protect: str = "control"
    hold: bool = True
    gumbel: float = 2.0
    steps: int | None = 800
    scope: str = "operands"
    sizes: str = "largest"

    def __post_init__(self) -> None:
        """A setting outside its choices fails here, where it is written (not after
        synthesis, deep in a lookup, or never)."""
        choices = {
            "fill": FREE_INITS,
            "kinds": KINDS,
            "heads": tuple(HOLE_HEADS),
            "train": TRAIN_MODES,
            "protect": PROTECT,
            "scope": SCOPES,
            "sizes": SIZES,
        }
        for name, allowed in choices.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


@dataclasses.dataclass(frozen=True)
class SolveConfig:
    """Everything :func:`solve` does, one frozen config per stage.

    **Arguments:**

    - ``synth``, ``lower``, ``tune``: the stages' own configs.
    - ``restarts``: ``K``, tuning restarts per task (``both`` gives each of its ``top_n``
      proposals ``K/N``; ``opt`` uses all ``K``).
    - ``top_n``: proposals ``both`` tunes; ``max_proposals``: skeletons ``synth`` checks.
    - ``noise``: compilation noise γ (seed paper eq. 3).
    - ``feedback``, ``feedback_penalty``: re-rank after a proposal fails all its restarts.
    - ``feedback_graded``: grade that feedback by how close tuning came (:func:`near_miss`):
      a near miss is pushed down less and lifts its structural relatives, a run that got
      nowhere pushes them down; off, every failure counts as getting nowhere.
    - ``hide_solutions``: an ablation; ``both`` never proposes a complete skeleton.
    - ``fastest``: check every complete skeleton synthesis found (searching
      ``synth.extra_levels`` levels past the first solution) and return the correct one
      with the fewest mean steps on the train examples, not the first correct one.
    - ``merge``: only the first (cheapest) skeletons synthesis keeps go into egglog's
      e-graph, the rest are proposed as found (five levels past swap's first solution kept
      11,228 straight-line variants, and Fibonacci with values solved from leaves only kept
      8,969 structures with holes; egglog takes about 0.5-0.75 ms a skeleton, and with a
      time limit fewer go in: see :func:`synth.space.synthesize`).
    - ``fastest_judged``: with ``fastest``, distinct lowered programs judged at most, in
      rank order (skeletons that lower to a program already judged are not run again).
    - ``seed``: every random choice; ``time_limit``: seconds for the whole task.
    - ``holes``: how structures with holes are compiled and tuned (:class:`HoleTuning`).
    - ``synth_share``: with a time limit, the share of it ``both`` lets synthesis take
      when it proposes structures with holes (synthesis stops early once it has a fitting
      solution; tuning gets what is left). ``synth``, and ``both`` without holes, take
      :data:`SYNTH_ALONE_SHARE` of it (the rest is for lowering and checking the
      solutions; see :func:`synth_share`). At 0.5, ``both`` lost held-out tasks that synthesis
      finds between half and all of the limit.
    """

    synth: SynthConfig = SynthConfig()
    lower: LowerConfig = LowerConfig()
    tune: TuneConfig = TuneConfig()
    restarts: int = 100
    top_n: int = 4
    max_proposals: int = 50
    noise: float = DEFAULT_NOISE
    feedback: bool = True
    feedback_penalty: float = 5.0
    feedback_graded: bool = True
    hide_solutions: bool = False
    fastest: bool = False
    merge: int = 500
    fastest_judged: int = 2000
    seed: int = 0
    time_limit: float | None = None
    synth_share: float = 0.8
    holes: HoleTuning = HoleTuning()


@dataclasses.dataclass(frozen=True)
class Budget:
    """A deadline (``None``: none), checked between stages and passed to tuning."""

    deadline: float | None

    @staticmethod
    def of(seconds: float | None) -> Budget:
        return Budget(None if seconds is None else time.perf_counter() + seconds)

    def left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.perf_counter())

    @property
    def spent(self) -> bool:
        return self.left() == 0.0


@dataclasses.dataclass
class Trial:
    """One proposal the pipeline tried: how it lowered, and what came of it."""

    skeleton: str
    lowered: bool
    why: str = ""  # why it did not lower
    lines: int = 0
    R: int = 0
    holes: int = 0
    train_correct: int | None = None  # checked as it is (complete skeletons)
    train_timeouts: int | None = None  # of those train examples, the ones it ran past T on
    test_correct: int | None = None
    restarts: int = 0  # tuned
    recovered: int = 0


@dataclasses.dataclass
class SolveResult:
    """One solved (or not) task: the batch-output fields plus per-proposal detail."""

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
    recovered: int = 0  # restarts whose program is correct on the train and the test examples
    raw_programs: float | None = None  # (|ops|·R³)^L: assembly programs as long as the solution
    mean_steps: float | None = None  # of the program found, on the test examples
    why: str = ""  # why it was not solved
    trials: list[Trial] = dataclasses.field(default_factory=list)
    ranking_changes: list[dict] = dataclasses.field(default_factory=list)  # what feedback did

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def recovery_rate(self) -> float:
        return self.recovered / self.restarts if self.restarts else float(self.solved)


def test_score(program: Program, task: Task) -> tuple[int, np.ndarray]:
    """(test examples solved, per-example correctness) on the discrete machine; a run that
    times out solves nothing."""
    ok = _judge(program, task)[0]
    return int(ok.sum()), ok


def _judge(program: Program, task: Task, on: str = "test") -> tuple[np.ndarray, float, int]:
    """Per example of ``task.train`` or ``task.test`` (``on``): correct (and halted); the
    mean steps over them; and how many runs went past ``T``."""
    ok, steps, late = _judge_many([program], getattr(task, on), task.machine.T)
    return ok[0], float(steps[0]), int(late[0])


def _held_out(result: TuneResult, task: Task) -> np.ndarray:
    """Per restart: recovered (on the examples it was judged on) and correct on the test
    examples — the count reported, never used to pick a program."""
    out = np.zeros(len(result.programs), dtype=bool)
    got = np.flatnonzero(result.recovered)
    if got.size:
        out[got] = _judge_many([result.programs[k] for k in got], task.test, task.machine.T)[0].all(1)
    return out


def noop_loop(M: int, R: int) -> Program:
    """The literal "loop no-op" initialisation: ``M`` NOOPs (the instruction register wraps)."""
    return Program(M, R, (0,) * R, tuple(Line(NOOP) for _ in range(M)))


def restart_keys(seed: int, n: int, salt: int) -> jax.Array:
    """``n`` PRNG keys for ``n`` restarts, from the run's ``seed`` and a ``salt`` that
    tells apart the tuning calls of one run (each Table 1 row, each proposal)."""
    return jax.random.split(jax.random.fold_in(jax.random.PRNGKey(seed), salt), n)


@dataclasses.dataclass(frozen=True)
class FreeLines:
    """Which lines of a program :func:`tune_from` leaves open, and how.

    - ``lines``: the free lines; ``init``, ``scale``, ``ops``, ``heads``, ``sharpness``:
      how they are compiled (:func:`~neural.compile.compile_program`'s ``free_*`` and
      ``sharpness``);
    - ``train``: ``"free"`` tunes only the free lines (the rest, registers' initial values
      included, stay as compiled), ``"all"`` every weight;
    - ``reads`` / ``writes`` (a flag per register): the registers a free line may read
      (``a``, ``b``) or write (``o``), shut at the start; ``line_writes``: some free lines'
      own ``writes``, as ``(line, flags)`` pairs (a hole's last line writes its output);
    - ``hold``: those limits and ``ops`` stay shut through tuning (their gradient is
      zero), and the heads not in ``heads`` stay as compiled.
    """

    lines: tuple[int, ...] = ()
    init: str = "uniform"
    scale: float = 0.2
    ops: tuple[int, ...] | None = None
    heads: tuple[str, ...] = ("op", "a", "b", "o")
    sharpness: float = 1.0
    train: str = "all"
    reads: tuple[bool, ...] | None = None
    writes: tuple[bool, ...] | None = None
    line_writes: tuple[tuple[int, tuple[bool, ...]], ...] = ()
    hold: bool = False

    def __post_init__(self):
        if self.train not in TRAIN_MODES:
            raise ValueError(f"train must be one of {', '.join(TRAIN_MODES)}, got {self.train!r}")


def tune_from(
    program: Program,
    task: Task,
    cfg: SolveConfig,
    tuner: Tuner = tune,
    restarts: int | None = None,
    salt: int = 0,
    budget: Budget = Budget(None),
    judge_on: str = "test",
    free: FreeLines = FreeLines(),
) -> TuneResult:
    """Compile ``program`` ``restarts`` times (own noise each; the ``free`` lines left open
    as it says) and tune on ``task``'s train examples; a restart is recovered when its
    program is correct on ``task.<judge_on>`` (``solve`` judges on ``train``; Table 1
    measures recovery on the held-out ``test``)."""
    K = restarts or cfg.restarts
    R = max(program.R, task.machine.R)
    p = widen(program, R)
    ops = task.machine.op_codes
    lines = set(free.lines)
    w = stack(
        [
            compile_program(
                p,
                k,
                ops,
                cfg.noise,
                free=free.lines,
                free_init=free.init,
                free_scale=free.scale,
                free_ops=free.ops,
                free_heads=free.heads,
                sharpness=free.sharpness,
            )
            for k in restart_keys(cfg.seed, K, salt)
        ]
    )
    heads = set(free.heads)
    reads = free.reads if heads & {"a", "b"} else None
    writes = free.writes if "o" in heads else None
    if lines and (reads is not None or writes is not None):
        w = shut(w, free.lines, reads=reads, writes=writes)
    own = {i: f for i, f in free.line_writes if i in lines} if "o" in heads else {}
    for i, f in own.items():
        w = shut(w, [i], writes=f)
    op_flags = None
    if free.ops is not None and "op" in heads:
        op_flags = tuple(o in set(free.ops) for o in ops)
    limits = {}
    if free.hold:  # the heads a hole does not open stay as compiled, too
        closed = lambda flags, opened, n: flags if opened else (False,) * n
        limits = {
            "ops": closed(op_flags, "op" in heads, len(ops)),
            "reads": closed(reads, bool(heads & {"a", "b"}), R),
            "writes": closed(writes, "o" in heads, R),
        }
    if free.train == "free":
        mask = line_mask(w, free.lines, init=False, **limits)
    elif free.hold and lines:
        fixed = [i for i in range(p.M) if i not in lines]
        mask = jax.tree.map(lambda x, y: x + y, line_mask(w, fixed), line_mask(w, free.lines, init=False, **limits))
    else:
        mask = None
    if mask is not None and free.hold and own:  # those lines' writes held to their own limits
        o = mask.o
        for i, f in own.items():
            o = o.at[i].set(jax.numpy.asarray(f, dtype=o.dtype))
        mask = type(mask)(mask.op, mask.a, mask.b, o, mask.init)
    tcfg = dataclasses.replace(cfg.tune, time_limit=budget.left()) if budget.deadline is not None else cfg.tune
    judged = getattr(task, judge_on)
    if mask is None:  # a tuner written before masks existed is called as it always was
        return tuner(w, task.machine.soft(R), task.train, judged, tcfg)
    return tuner(w, task.machine.soft(R), task.train, judged, tcfg, trainable=mask)


def tune_holes(
    program: Program,
    free: tuple[int, ...],
    task: Task,
    cfg: SolveConfig,
    tuner: Tuner = tune,
    restarts: int | None = None,
    salt: int = 0,
    budget: Budget = Budget(None),
    judge_on: str = "test",
    scope: Lowered | None = None,
) -> TuneResult:
    """:func:`tune_from` with the ``free`` lines of ``program`` opened as ``cfg.holes`` says.
    ``scope``: the lowering ``program`` came from, whose holes' limits
    (:class:`~bridge.lower.Lowered`'s ``reads``, ``writes``, ``outputs``) apply if
    ``cfg.holes.scope`` is ``"operands"``: a hole line reads its operands, constants and
    temporaries, writes its output or a dead register, or is a NOOP, and its last line
    writes its output (if it is not a NOOP); ``None``: no such limits."""
    how = cfg.holes
    R = max(program.R, task.machine.R)
    reads = writes = None
    if how.protect != "none":
        shut_r = labels(program)
        reads = tuple(r not in shut_r for r in range(R))
        if how.protect == "control":
            shut_r = control_registers(program, free)
        writes = tuple(r not in shut_r for r in range(R))
    line_writes, kinds = (), VALUE_OPS
    if scope is not None and how.scope == "operands":
        within = lambda flags, allowed: tuple(bool(f is None or f) and r in allowed for r, f in zip(range(R), flags))
        reads = within(reads or (None,) * R, set(scope.reads))
        writes = within(writes or (None,) * R, set(scope.writes))
        line_writes = tuple((last, within(writes, {out})) for last, out in scope.outputs)
        kinds = VALUE_OPS | {NOOP}  # a line may do nothing: a k-line hole holds a shorter fill
    over = {k: v for k, v in {"gumbel": how.gumbel, "lr": how.lr, "steps": how.steps}.items() if v is not None}
    cfg = dataclasses.replace(cfg, tune=dataclasses.replace(cfg.tune, **over))
    opened = FreeLines(
        lines=free,
        init=how.fill,
        scale=how.scale,
        ops=tuple(sorted(kinds)) if how.kinds == "value" else None,
        heads=HOLE_HEADS[how.heads],
        sharpness=how.sharpness,
        train=how.train,
        reads=reads,
        writes=writes,
        line_writes=line_writes,
        hold=how.hold,
    )
    return tune_from(program, task, cfg, tuner, restarts, salt, budget, judge_on, opened)


def synthesize_for(
    task: Task,
    cfg: SolveConfig,
    heuristic: Heuristic | None = None,
    budget: Budget = Budget(None),
    share: float = 0.5,
) -> VersionSpace:
    """The version space :func:`solve` proposes from, for the task's train examples; with
    a deadline, synthesis gets at most ``share`` of what is left. Synthesis goes on until
    a correct skeleton that fits the machine is found (see :func:`_fits`)."""
    s = cfg.synth
    if cfg.fastest and not s.extra_levels:
        s = dataclasses.replace(s, extra_levels=5)
    if budget.deadline is not None:
        limit = budget.left() * share if s.time_limit is None else min(s.time_limit, budget.left() * share)
        s = dataclasses.replace(s, time_limit=limit)
    fits = lambda t: _fits(t, task, cfg)
    return synthesize(task.train, task.machine.M, heuristic or SizePrior(), s, accept=fits, merge=cfg.merge)


def _fits(term, task: Task, cfg: SolveConfig) -> bool:
    """Whether ``term``, or the form egglog extracts for it, lowers onto the machine to a
    program correct on every train example within ``T`` steps: a solution too big for the
    machine, or too slow for it, does not stop the search."""
    for form in (term, None):
        try:
            low = _lowered(form or saturate([term], task.machine.M).best[0], task, cfg)
        except LoweringError:
            continue
        if _judge(low.program, task, "train")[0].all():
            return True
    return False


def _lowered(term, task: Task, cfg: SolveConfig) -> Lowered:
    """``term`` lowered for the task's machine with ``cfg.lower`` (raises
    :class:`LoweringError` if it does not fit)."""
    m, lc = task.machine, cfg.lower
    return lower(term, m.M, max(lc.R_max, m.R), m.op_codes, lc.pad, R_min=m.R, hole_lines=lc.hole_lines)


def solve(
    task: Task,
    method: str = "both",
    cfg: SolveConfig = SolveConfig(),
    tuner: Tuner = tune,
    heuristic: Heuristic | None = None,
    log: Callable[[str], None] | None = None,
    space: VersionSpace | None = None,
    progress: Callable[[SolveResult], None] | None = None,
) -> SolveResult:
    """Solve ``task`` with ``method`` (``synth``, ``opt`` or ``both``).

    ``space``: a version space already built by :func:`synthesize_for` (``both`` re-ranks
    it in place through feedback). ``progress`` hears the result so far after synthesis and
    before and after each skeleton tuned (a batch keeps it for a task it stops).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    t0 = time.perf_counter()
    budget = Budget.of(cfg.time_limit)
    log = log or (lambda s: None)
    out = SolveResult(task.name, method, False, None, 0, len(task.test), 0.0)

    def report() -> None:  # a snapshot: `out` and its trials change as solving goes on
        if progress is not None:
            progress(dataclasses.replace(copy.deepcopy(out), seconds=time.perf_counter() - t0))

    clash = contradiction(("train", task.train))
    if clash:  # no program is correct on every train example: nothing to search for
        out.why = f"no program can be correct on every train example: {clash}"
        return _finish(out, None, task, t0)
    if method == "opt":
        best = _optimize(task, cfg, tuner, budget, out)
    else:
        vs = space if space is not None else synthesize_for(task, cfg, heuristic, budget, synth_share(method, cfg))
        st = vs.stats
        out.enumerated = st.search.enumerated
        out.oe_classes, out.egraph_classes = st.search.structure_classes, st.egraph_classes
        log(
            f"synth: {out.enumerated:,} enumerated, {out.oe_classes:,} structure classes, "
            f"{out.egraph_classes:,} e-classes, {len(vs.solutions)} fit the train examples"
        )
        report()
        best = None if method == "both" and cfg.hide_solutions else _check_solutions(task, cfg, vs, out, budget)
        if best is None and method == "both":
            best = _tune_proposals(task, cfg, vs, tuner, budget, out, log, report)
    return _finish(out, best, task, t0)


def synth_share(method: str, cfg: SolveConfig) -> float:
    """The share of a task's time limit synthesis may take: ``cfg.synth_share`` when
    ``both`` has structures with holes to tune after it, else :data:`SYNTH_ALONE_SHARE`
    (without holes every skeleton kept is complete and checked as it is: there is nothing
    to tune, and time held back for tuning would go unused)."""
    return cfg.synth_share if method == "both" and cfg.synth.holes else SYNTH_ALONE_SHARE


def _finish(out: SolveResult, program: Program | None, task: Task, t0: float) -> SolveResult:
    late = 0
    if program is not None:
        ok, out.mean_steps, late = _judge(program, task)
        out.test_correct, out.solved = int(ok.sum()), bool(ok.all())
        out.program = format_program(program)
        out.raw_programs = float(len(task.machine.op_codes) * program.R**3) ** len(program)
    if not out.solved and not out.why:
        clash = contradiction(("train", task.train), ("test", task.test))
        out.why = f"no program can be correct on every example: {clash}" if clash else _why(out, task.machine.T, late)
    out.seconds = time.perf_counter() - t0
    return out


def _why(out: SolveResult, T: int, late: int = 0) -> str:
    """One line on why a task was not solved (``late``: test examples the program found
    ran past the step limit ``T`` on)."""
    if out.method == "opt":
        return f"no restart of {out.restarts} recovered a program correct on the train and test examples"
    if not out.proposed:
        return "synthesis found no skeleton that fits the train examples"
    if not out.skeletons_tried:
        reasons = sorted({t.why for t in out.trials if t.why})
        return "no proposed skeleton fits the machine: " + "; ".join(reasons[:2])
    if out.program is not None:
        fails = out.test_total - out.test_correct
        return f"the program chosen on the train examples fails {fails} test examples" + (
            f" ({late} by running past T={T} steps)" if late else ""
        )
    slow = sum(1 for t in out.trials if t.train_timeouts)
    return f"none of {out.skeletons_tried} lowered skeletons is correct on every train example" + (
        f" ({slow} of them run past T={T} steps on some train examples: T may be too small)" if slow else ""
    )


def _lower(term, task: Task, cfg: SolveConfig, out: SolveResult) -> Lowered | None:
    """Lower a proposal for the task's machine, recording the trial (None: does not fit)."""
    out.proposed += 1
    try:
        low = _lowered(term, task, cfg)
    except LoweringError as e:
        out.trials.append(Trial(str(term), False, str(e)))
        return None
    p = low.program
    out.trials.append(Trial(str(term), True, lines=len(p), R=p.R, holes=len(low.free)))
    return low


def _check_solutions(
    task: Task, cfg: SolveConfig, vs: VersionSpace, out: SolveResult, budget: Budget = Budget(None)
) -> Program | None:
    """Synthesis alone: lower the complete skeletons in rank order and return the first
    that is correct on every train example (``fastest``: every complete skeleton lowered
    before the deadline, and the correct one with the fewest mean train steps). The test
    examples are only reported."""
    if cfg.fastest:
        ranked = fastest_programs(task, cfg, vs, out, budget)
        return ranked[0].program if ranked else None
    for i in vs.solutions[: cfg.max_proposals]:
        checked = _check(vs.classes[i].best, task, cfg, out)
        if checked is not None and checked[1]:
            return checked[0]
    return None


def _check(
    term, task: Task, cfg: SolveConfig, out: SolveResult, report: bool = True
) -> tuple[Program, bool, float] | None:
    """Lower a complete skeleton and run it on the train examples (the trial records its
    train score and, with ``report``, its test score): its program, whether it is correct
    on every train example, and its mean train steps; None if it does not lower."""
    low = _lower(term, task, cfg, out)
    if low is None:
        return None
    out.skeletons_tried += 1
    ok, steps, late = _judge(low.program, task, "train")
    out.trials[-1].train_correct, out.trials[-1].train_timeouts = int(ok.sum()), late
    if report:
        out.trials[-1].test_correct = int(_judge(low.program, task)[0].sum())
    return low.program, bool(ok.all()), steps


@dataclasses.dataclass(frozen=True)
class Ranked:
    """A synthesized program correct on every train example, with its mean train steps."""

    program: Program
    train_steps: float
    skeleton: str


def fastest_programs(
    task: Task, cfg: SolveConfig, vs: VersionSpace, out: SolveResult | None = None, budget: Budget = Budget(None)
) -> list[Ranked]:
    """The complete skeletons of ``vs`` lowered in rank order, the distinct programs
    among them (at most ``cfg.fastest_judged``, and no more once ``budget`` is spent but
    the first) run on the task's **train** examples in one batched call, and the ones
    correct (and halting within ``T``) on all of them, fastest first (mean train steps;
    ties in rank order). The test examples only report: each trial records its test score
    in ``out`` (with no ``out``, the test examples are not run)."""
    report = out is not None
    out = out if out is not None else SolveResult(task.name, "synth", False, None, 0, len(task.test), 0.0)
    first: dict[Program, int] = {}  # distinct program -> its index in programs
    programs: list[Program] = []
    skeletons: list[str] = []
    trials: list[tuple[Trial, int]] = []
    for i in vs.solutions:
        if len(programs) >= cfg.fastest_judged or (programs and budget.spent):
            break
        low = _lower(vs.classes[i].best, task, cfg, out)
        if low is None:
            continue
        out.skeletons_tried += 1
        k = first.setdefault(low.program, len(programs))
        if k == len(programs):
            programs.append(low.program)
            skeletons.append(str(vs.classes[i].best))
        trials.append((out.trials[-1], k))
    if not programs:
        return []
    ok, steps, late = _judge_many(programs, task.train, task.machine.T)
    test_ok = _judge_many(programs, task.test, task.machine.T)[0] if report else None
    for trial, k in trials:
        trial.train_correct, trial.train_timeouts = int(ok[k].sum()), int(late[k])
        if test_ok is not None:
            trial.test_correct = int(test_ok[k].sum())
    good = [k for k in range(len(programs)) if ok[k].all()]
    good.sort(key=lambda k: (steps[k], k))
    return [Ranked(programs[k], float(steps[k]), skeletons[k]) for k in good]


def _runs(programs: list[Program], inputs: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per program, in order: final memory ``(N, B, M)``, halted and steps ``(N, B)`` —
    one batched interpreter call per register count (a batch shares one ``R``)."""
    N, (B, M) = len(programs), inputs.shape
    mem, halted, steps = np.zeros((N, B, M), np.int64), np.zeros((N, B), bool), np.zeros((N, B))
    for R in sorted({p.R for p in programs}):
        idx = [k for k, p in enumerate(programs) if p.R == R]
        res = run_batch(encode([programs[k] for k in idx]), inputs, T)
        mem[idx], halted[idx], steps[idx] = res.mem, res.halted, res.steps
    return mem, halted, steps


def _judge_many(programs: list[Program], ex: Examples, T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per program: per example correct (and halted), ``(N, B)``; its mean steps, ``(N,)``;
    and the examples it did not halt on within ``T``, ``(N,)``."""
    mem, halted, steps = _runs(programs, ex.inputs, T)
    return ex.correct(mem) & halted, steps.mean(-1), (~halted).sum(-1)


SEED_SEARCH = SolveConfig(fastest=True, synth=SynthConfig(time_limit=None, max_programs=2_000_000))
""":func:`synth_seeds`' search: bounded by candidates, not seconds, so the seeds do not
depend on the machine's load (under load, 60 s stopped listk's search before the level
with its 6-step direct address, which lies within 1.8-2.0 M candidates)."""


def synth_seeds(task: Task, n: int, cfg: SolveConfig = SEED_SEARCH, n_synth: int = 16) -> list[Ranked]:
    """The ``n`` fastest programs synthesis proposes for ``task`` (adaptation's seeds):
    synthesized on the first ``n_synth`` train examples (the search's cost grows with
    them), then ranked on every train example (:func:`fastest_programs`)."""
    tr = task.train
    head = Examples(tr.inputs[:n_synth], tr.outputs[:n_synth], tr.mask[:n_synth])
    cfg = dataclasses.replace(cfg, fastest=True)
    vs = synthesize_for(dataclasses.replace(task, train=head), cfg)
    return fastest_programs(task, cfg, vs)[:n]


def _tune_proposals(
    task, cfg: SolveConfig, vs: VersionSpace, tuner, budget: Budget, out: SolveResult, log, report
) -> Program | None:
    """Tune the top proposals one at a time (``K/N`` restarts each); feedback re-ranks
    after each failure. ``report()`` before each tuning and after each failure."""
    per = max(1, cfg.restarts // cfg.top_n)
    family = _size_families(vs) if cfg.holes.sizes == "largest" else {}
    tried: set[int] = set()
    tuned = 0
    while tuned < cfg.top_n and not budget.spent:
        # complete skeletons were checked as they are (or are hidden): tune the structures
        pick = next(iter(vs.top(1, exclude=tried, complete=False)), None)
        if pick is None:
            break
        # the structure's largest holes first (they hold every smaller fill), a smaller
        # size if those do not fit the machine
        options = family.get(pick[0], [pick[0]])
        tried.update(options)
        low = None
        for i in options:
            term = vs.classes[i].best
            low = _lower(term, task, cfg, out)
            if low is not None:
                break
        if low is None:
            continue
        tuned += 1
        report()
        r = tune_holes(low.program, low.free, task, cfg, tuner, per, 10 + tuned, budget, judge_on="train", scope=low)
        held = int(_held_out(r, task).sum())
        out.skeletons_tried += 1
        out.restarts += per
        out.recovered += held
        out.trials[-1].restarts, out.trials[-1].recovered = per, held
        log(f"both: {term} -> {int(r.recovered.sum())}/{per} restarts fit the train examples, {held} the test")
        best = _fastest(r)
        if best is not None:
            return best
        if cfg.feedback:
            shown = lambda: [str(t) for _, t in vs.top(5, exclude=tried, complete=False)]
            before = shown()
            near = near_miss(r, task) if cfg.feedback_graded else 0.0
            vs.feedback(i, cfg.feedback_penalty, near=near)
            after = shown()
            out.ranking_changes.append({"failed": str(term), "near": near, "before": before, "after": after})
        report()
    return None


def _size_families(vs: VersionSpace) -> dict[int, list[int]]:
    """Per structure class, the classes that are the same structure with other hole sizes
    (itself included), the one with the most hole lines first; only structures that
    come in more than one size."""
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(vs.classes):
        if not c.correct and holes(c.best):
            key = str(resize(c.best, itertools.repeat(1)))
            groups.setdefault(key, []).append(i)
    out = {}
    for members in groups.values():
        if len(members) > 1:
            size = lambda j: sum(hole_size(h) for h in holes(vs.classes[j].best))
            ordered = sorted(members, key=lambda j: (-size(j), j))
            out.update(dict.fromkeys(members, ordered))
    return out


def near_miss(result: TuneResult, task: Task) -> float:
    """How close a failed tuning run came, 0 to 1: over its restarts, the largest share of
    the cells in play that the restart's program gets right in a run that halts. A cell
    is in play when it is compared and either the example changes it (its target is not
    its input) or the program does. It is a distance to a correct program counted in
    cells, not values: a copy of an input cell scores 0 however near its numbers are, a
    program that writes a constant is charged for the cells it should have left alone,
    and a fold with the wrong operator scores what it gets right."""
    ex = task.train
    changed = ex.mask & (ex.inputs != ex.outputs)
    if not changed.any() or not result.programs:
        return 0.0
    mem, halted, _ = _runs(result.programs, ex.inputs, task.machine.T)
    in_play = changed | (ex.mask & (mem != ex.inputs))  # (K, B, M)
    right = in_play & (mem == ex.outputs) & halted[..., None]
    return float((right.sum((-2, -1)) / in_play.sum((-2, -1))).max())


def _optimize(task: Task, cfg: SolveConfig, tuner, budget: Budget, out: SolveResult) -> Program | None:
    """The paper's "Optimization": ``K`` restarts from random weights."""
    m = task.machine
    w = stack([random_weights(k, m.M, m.R, m.op_codes) for k in restart_keys(cfg.seed, cfg.restarts, 1)])
    tcfg = dataclasses.replace(cfg.tune, time_limit=budget.left()) if budget.deadline is not None else cfg.tune
    r = tuner(w, m.soft(), task.train, task.train, tcfg)
    out.restarts, out.recovered = cfg.restarts, int(_held_out(r, task).sum())
    best = _fastest(r)
    return best if best is not None else r.programs[0]


def _fastest(result: TuneResult) -> Program | None:
    """The recovered program with the fewest mean steps on its judged examples, if any."""
    ok = np.flatnonzero(result.recovered)
    return None if not ok.size else result.programs[int(ok[np.argmin(result.test_steps[ok])])]
