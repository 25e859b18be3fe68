"""The version space: the skeletons the search found, merged by egglog, ranked.

:func:`synthesize` runs the search (:mod:`synth.search`) and inserts every skeleton it
kept — the programs correct on the train examples and, with holes on, the structures with
holes — into an e-graph, saturates it (:mod:`synth.rules`) and groups the skeletons by
e-class: provably equal skeletons are one class, and a class proposes its cheapest form
*in machine lines* (egglog's extraction with per-constructor line costs), so the form
that fits the machine is the one tried. :meth:`VersionSpace.top` proposes classes in
order of

1. complete skeletons before structures with holes;
2. the heuristic's score of the class (by default minus the size: a description-length
   prior) plus the feedback it received (:meth:`VersionSpace.feedback`: graded by how
   close tuning came, a plain number the caller computes);
3. fewer machine lines, then discovery order (deterministic).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from .heuristics import Heuristic, SizePrior
from .lang import Term
from .rules import Saturation, saturate
from .search import Candidate, SearchStats, Spec, SynthConfig, enumerate_programs
from .semantics import execute


@dataclasses.dataclass
class Class:
    """Provably equal skeletons (one e-class): the form proposed and what it stands for."""

    best: Term  # the cheapest form in machine lines
    lines: int  # its extraction cost (about twice its machine lines)
    members: list[Candidate]
    correct: bool  # complete and correct on the train examples

    @property
    def order(self) -> int:
        return min(c.order for c in self.members)


@dataclasses.dataclass
class SpaceStats:
    """Search-space accounting of one run. With a time limit, ``merged``,
    ``saturated`` and ``unsound_checked`` say how far the stages after the search got."""

    search: SearchStats
    inserted_terms: int = 0  # skeletons the search kept (the version space's members)
    merged: int = 0  # of them, given to the e-graph (the cheapest, up to ``merge`` and what time allows)
    egraph_classes: int = 0  # classes of the version space after saturation
    saturation_iterations: int = 0
    saturated: bool = False
    egglog_seconds: float = 0.0
    unsound_merges: int = 0  # e-classes whose complete members differ on the train inputs (must be 0)
    unsound_checked: int = 0  # complete classes checked for that (all of them unless time ran out)
    cut: tuple[str, ...] = ()  # stages the time limit cut short: "merge", "saturation", "unsound"


class VersionSpace:
    """Candidate skeletons grouped by e-class, ranked (see the module docstring)."""

    def __init__(
        self,
        classes: list[Class],
        spec: Spec,
        heuristic: Heuristic,
        stats: SpaceStats,
        saturation: Saturation | None = None,
    ):
        self.classes, self.spec, self.heuristic, self.stats = classes, spec, heuristic, stats
        self.saturation = saturation
        self.adjustment = np.zeros(len(classes))
        self._base = self._scores()

    def _scores(self) -> np.ndarray:
        """The heuristic's score of every class's best form. Its behaviour on the compared
        cells is the targets for a complete class (every class is correct on the train
        examples, and its best form behaves as its members: see :func:`_unsound`), and -1
        for a structure with holes; nothing is run."""
        if not self.classes:
            return np.zeros(0)
        terms = [c.best for c in self.classes]
        target = self.spec.outputs[self.spec.mask]
        correct = np.array([c.correct for c in self.classes])
        behaviours = np.where(correct[:, None], target[None, :], -1)
        return np.asarray(self.heuristic.score(terms, behaviours, self.spec), dtype=float)

    def scores(self) -> np.ndarray:
        """The current score of every class (higher is proposed first)."""
        return self._base + self.adjustment

    def ranking(self) -> list[int]:
        """Class indices, best first."""
        s = self.scores()
        key = [(not c.correct, -s[i], c.lines, c.order) for i, c in enumerate(self.classes)]
        return sorted(range(len(key)), key=key.__getitem__)

    def top(
        self, n: int, exclude: set[int] = frozenset(), holes: bool = True, complete: bool = True
    ) -> list[tuple[int, Term]]:
        """The ``n`` best-ranked proposals ``(class index, skeleton)`` not in ``exclude``;
        ``holes=False`` leaves out structures with holes, ``complete=False`` the complete
        skeletons."""
        out = []
        for i in self.ranking():
            kind_ok = complete if self.classes[i].correct else holes
            if i in exclude or not kind_ok:
                continue
            out.append((i, self.classes[i].best))
            if len(out) == n:
                break
        return out

    @property
    def solutions(self) -> list[int]:
        """Classes of complete skeletons correct on the train examples, best first."""
        return [i for i in self.ranking() if self.classes[i].correct]

    def alternatives(self, i: int, k: int) -> list[Term]:
        """Up to ``k`` equivalent forms of class ``i``'s skeleton."""
        best = self.classes[i].best
        if self.saturation is None:
            return [best]
        return self.saturation.alternatives(best, k) or [best]

    def feedback(self, i: int, penalty: float, family: float = 0.2, near: float = 0.0) -> list[int]:
        """Tuning could not make class ``i`` work; ``near`` (0 to 1) says how close it came
        (the pipeline passes the share of the changed cells its best tuned program got
        right). Class ``i``'s score drops by ``penalty · (1 − near)``; every class sharing
        its top-level structure moves by ``family · penalty · (2·near − 1)``: down when
        tuning got nowhere (the structure itself may be wrong), up when it came close (the
        structure may be right with other values). ``near = 0`` is the flat feedback: the
        class by ``penalty``, its relatives by ``family · penalty``. Returns the classes
        moved."""
        if not 0.0 <= near <= 1.0:
            raise ValueError(f"near must be between 0 and 1, got {near}")
        moved = [i]
        self.adjustment[i] -= penalty * (1.0 - near)
        shape = _shape(self.classes[i].best)
        for j, c in enumerate(self.classes):
            if j != i and _shape(c.best) == shape:
                self.adjustment[j] += family * penalty * (2.0 * near - 1.0)
                moved.append(j)
        return moved


def _shape(t: Term) -> tuple:
    """A skeleton's structure: its statements' ops and loops, without expressions."""
    if not t.is_stmt:
        return ()
    return (t.op, *(_shape(c) for c in t.children() if c.is_stmt))


EGRAPH_SECONDS_PER_SKELETON = 1e-3
"""What inserting, saturating and extracting costs per skeleton, to bound how many go into
the e-graph in the time left (measured 0.5-0.75 ms on 100 to 4,380 skeletons of
indirect_read, inc and Fibonacci; rounded up)."""

RESERVE_SHARE, RESERVE_MAX = 0.1, 1.0
"""With a time limit, the search stops ``min(RESERVE_SHARE · limit, RESERVE_MAX)``
seconds early: the time the e-graph and the checks after it have (500 skeletons need about
0.3 s)."""


def synthesize(
    examples,
    M: int,
    heuristic: Heuristic | None = None,
    cfg: SynthConfig = SynthConfig(),
    accept: Callable[[Term], bool] | None = None,
    merge: int | None = None,
) -> VersionSpace:
    """Search, merge with egglog and return the ranked version space (``accept``: see
    :func:`~synth.search.enumerate_programs`). ``merge``: only the first ``merge``
    skeletons found (the cheapest) go into the e-graph, the rest are classes of their own.

    ``cfg.time_limit`` bounds the whole call: the search stops a reserve early
    (:data:`RESERVE_SHARE`), and what comes after it yields to the deadline in order of
    what the ranking needs (``stats.cut`` names what was cut): fewer skeletons go into
    the e-graph (:data:`EGRAPH_SECONDS_PER_SKELETON` each; none when no time is left),
    saturation stops at the deadline, and the soundness check, a diagnostic, checks the
    classes it has time for."""
    heuristic = heuristic or SizePrior()
    spec = Spec.of(examples, M)
    limit = cfg.time_limit
    deadline = None if limit is None else time.perf_counter() + limit
    search_cfg = cfg if limit is None else dataclasses.replace(cfg, time_limit=limit - _reserve(limit))
    result = enumerate_programs(examples, M, heuristic, search_cfg, accept=accept)
    return merge_space(result.candidates, result.stats, spec, heuristic, cfg.egraph, merge, deadline)


def _reserve(limit: float) -> float:
    """Seconds of ``limit`` kept back from the search for the stages after it."""
    return min(RESERVE_SHARE * limit, RESERVE_MAX)


def merge_space(
    cands: list[Candidate],
    search: SearchStats,
    spec: Spec,
    heuristic: Heuristic,
    egraph: bool = True,
    merge: int | None = None,
    deadline: float | None = None,
) -> VersionSpace:
    """The version space of the skeletons a search kept: the first ``merge`` (and as many
    as fit before ``deadline``, a :func:`time.perf_counter` time) merged by egglog, the
    rest classes of their own; ``egraph=False``: every skeleton is its own class."""
    stats = SpaceStats(search, inserted_terms=len(cands))
    if not egraph or not cands:
        classes = [Class(c.term, 2 * c.cost, [c], c.correct) for c in cands]
        stats.egraph_classes = len(classes)
        return VersionSpace(classes, spec, heuristic, stats)
    n = len(cands) if merge is None else min(merge, len(cands))
    if deadline is not None:
        fit = max(0, int((deadline - time.perf_counter()) / EGRAPH_SECONDS_PER_SKELETON))
        stats.cut += ("merge",) if fit < n else ()
        n = min(n, fit)
    sat, groups = None, {}
    if n:
        t0 = time.perf_counter()
        sat = saturate([c.term for c in cands[:n]], spec.M, deadline=deadline)
        stats.egglog_seconds = time.perf_counter() - t0
        stats.saturation_iterations, stats.saturated = sat.iterations, sat.saturated
        stats.cut += ("saturation",) if sat.timed_out else ()
        for c, best, lines in zip(cands, sat.best, sat.cost):
            groups.setdefault(str(best), Class(best, lines, [], c.correct)).members.append(c)
    classes = list(groups.values()) + [Class(c.term, 2 * c.cost, [c], c.correct) for c in cands[n:]]
    stats.merged, stats.egraph_classes = n, len(classes)
    space = VersionSpace(classes, spec, heuristic, stats, sat)  # scored before the check: the ranking needs them
    stats.unsound_merges, stats.unsound_checked = _unsound(classes, spec, deadline)
    stats.cut += ("unsound",) if stats.unsound_checked < sum(c.correct for c in classes) else ()
    return space


def _unsound(classes: list[Class], spec: Spec, deadline: float | None = None) -> tuple[int, int]:
    """Complete classes whose extracted form and members differ on the train inputs, and
    the complete classes checked. A class whose members are all its extracted form itself
    (most are: every class past the merge cap, and most skeletons egglog leaves alone)
    holds nothing to compare and is checked without a run; the others are run until
    ``deadline`` and left unchecked after it."""
    bad = checked = 0
    for c in classes:
        others = [m.term for m in c.members if m.term != c.best] if c.correct else None
        if others is None or (others and deadline is not None and time.perf_counter() >= deadline):
            continue
        if others:
            want = execute(c.best, spec.inputs, spec.M)
            bad += any(not np.array_equal(execute(t, spec.inputs, spec.M), want) for t in others)
        checked += 1
    return bad, checked


def raw_program_count(n_ops: int, R: int, length: int) -> int:
    """Assembly programs of ``length`` lines: ``(|ops|·R³)^L`` (initial registers aside)."""
    return (n_ops * R**3) ** length
