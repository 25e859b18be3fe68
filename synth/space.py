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
    """Search-space accounting of one run."""

    search: SearchStats
    inserted_terms: int = 0  # skeletons given to the e-graph
    egraph_classes: int = 0  # e-classes among them after saturation
    saturation_iterations: int = 0
    saturated: bool = False
    egglog_seconds: float = 0.0
    unsound_merges: int = 0  # e-classes whose complete members differ on the train inputs (must be 0)


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
        if not self.classes:
            return np.zeros(0)
        terms = [c.best for c in self.classes]
        mask = self.spec.mask
        behaviours = np.stack(
            [
                execute(t, self.spec.inputs, self.spec.M)[mask] if c.correct else np.full(int(mask.sum()), -1)
                for t, c in zip(terms, self.classes)
            ]
        )
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
    skeletons found (the cheapest) go into the e-graph, the rest are classes of their own:
    egglog's time grows faster than the skeletons (a search kept going past its first
    solution keeps thousands: 1,000 took 11 s, 2,000 26 s)."""
    heuristic = heuristic or SizePrior()
    spec = Spec.of(examples, M)
    result = enumerate_programs(examples, M, heuristic, cfg, accept=accept)
    stats = SpaceStats(result.stats, inserted_terms=len(result.candidates))
    cands = result.candidates
    if not cfg.egraph or not cands:
        classes = [Class(c.term, 2 * c.cost, [c], c.correct) for c in cands]
        stats.egraph_classes = len(classes)
        return VersionSpace(classes, spec, heuristic, stats)
    rest = cands[merge:] if merge is not None else []
    cands = cands[:merge] if merge is not None else cands
    t0 = time.perf_counter()
    sat = saturate([c.term for c in cands], M)
    stats.egglog_seconds = time.perf_counter() - t0
    groups: dict[str, Class] = {}
    for c, best, lines in zip(cands, sat.best, sat.cost):
        cls = groups.setdefault(str(best), Class(best, lines, [], c.correct))
        cls.members.append(c)
    classes = list(groups.values()) + [Class(c.term, 2 * c.cost, [c], c.correct) for c in rest]
    stats.egraph_classes = len(classes)
    stats.saturation_iterations, stats.saturated = sat.iterations, sat.saturated
    stats.unsound_merges = _unsound(classes, spec)
    return VersionSpace(classes, spec, heuristic, stats, sat)


def _unsound(classes: list[Class], spec: Spec) -> int:
    """Classes whose extracted form and complete members differ on the train inputs."""
    bad = 0
    for c in classes:
        if not c.correct:
            continue
        want = execute(c.best, spec.inputs, spec.M)
        bad += any(not np.array_equal(execute(m.term, spec.inputs, spec.M), want) for m in c.members)
    return bad


def raw_program_count(n_ops: int, R: int, length: int) -> int:
    """Assembly programs of ``length`` lines: ``(|ops|·R³)^L`` (initial registers aside)."""
    return (n_ops * R**3) ** length
