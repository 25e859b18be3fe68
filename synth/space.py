"""The version space: behaviours found by the search, merged by egglog, ranked.

:func:`synthesize` runs the enumeration (:mod:`synth.search`), inserts the skeletons it saw
— every OE representative and a capped sample of the pruned duplicates, of programs and of
their lambda bodies — into an e-graph, saturates it (:mod:`synth.rules`), and returns a
:class:`VersionSpace`. The space proposes skeletons with :meth:`VersionSpace.top`: one per
behaviour, in order of a score that adds

- ``closeness`` of the behaviour to the target on the train examples (near misses are what
  gradient tuning repairs), weighted by ``closeness_weight``;
- the heuristic's score (by default minus the size: a description-length prior);
- per-behaviour adjustments set by :meth:`VersionSpace.adjust` (how feedback re-ranks).

Each proposal is the smallest term the e-graph knows for its behaviour's e-classes, and
:meth:`VersionSpace.alternatives` gives the k smallest equivalent forms.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from .heuristics import Heuristic, SizePrior
from .lang import Term
from .rules import Saturation, best_terms, k_best, saturate
from .search import ProgramClass, SearchResult, SearchStats, enumerate_programs


@dataclasses.dataclass
class SpaceStats:
    """Search-space accounting of one run."""

    search: SearchStats
    inserted_terms: int = 0  # skeletons given to the e-graph (distinct after canonical ordering)
    egraph_classes: int = 0  # e-classes among them after saturation
    oe_classes_inserted: int = 0  # OE classes among the inserted program skeletons
    program_eclasses: int = 0  # e-classes among the inserted program skeletons
    saturation_iterations: int = 0
    saturated: bool = False
    egraph_rows: int = 0
    unsound_merges: int = 0  # e-classes holding skeletons of different behaviours (must be 0)

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.update(d.pop("search"))
        return d


class VersionSpace:
    """Candidate skeletons grouped by behaviour, with an e-graph of their equivalent forms."""

    def __init__(
        self,
        result: SearchResult,
        examples,
        M: int,
        heuristic: Heuristic,
        saturation: Saturation | None,
        inserted: list[Term],
        stats: SpaceStats,
        closeness_weight: float = 10.0,
    ):
        self.result, self.examples, self.M, self.heuristic = result, examples, M, heuristic
        self.saturation, self.stats, self.closeness_weight = saturation, stats, closeness_weight
        self.classes: list[ProgramClass] = result.classes
        self.adjustment = np.zeros(len(self.classes))
        self._eclass_of: dict[Term, int] = {}
        self._best: dict[int, Term] = {}
        if saturation is not None:
            self._eclass_of = dict(zip(inserted, saturation.eclass))
            self._best = best_terms(saturation.graph)
        self._base = self._base_scores()

    def _base_scores(self) -> np.ndarray:
        if not self.classes:
            return np.zeros(0)
        terms = [c.term for c in self.classes]
        behaviours = np.stack([c.behaviour for c in self.classes])
        h = np.asarray(self.heuristic.score(terms, behaviours, self.examples), dtype=float)
        close = np.array([c.closeness for c in self.classes])
        return self.closeness_weight * close + h

    def scores(self) -> np.ndarray:
        """The current score of every behaviour (higher is proposed first)."""
        return self._base + self.adjustment

    def ranking(self) -> np.ndarray:
        """Class indices, best first: behaviours correct on the train examples, then by score;
        ties by cost, then discovery order (deterministic)."""
        s = self.scores()
        order = [(not c.correct, -s[i], c.cost, c.order) for i, c in enumerate(self.classes)]
        return np.array(sorted(range(len(order)), key=order.__getitem__), dtype=int)

    def proposal(self, i: int) -> Term:
        """The smallest known skeleton with behaviour ``i`` (extracted from the e-graph)."""
        rep = self.classes[i].term
        e = self._eclass_of.get(rep)
        best = self._best.get(e) if e is not None else None
        return best if best is not None and best.size < rep.size else rep

    def top(self, n: int, exclude: set[int] = frozenset()) -> list[tuple[int, Term]]:
        """The ``n`` best-ranked proposals from behaviours not in ``exclude``, as
        ``(class index, skeleton)``: one per behaviour, except that a behaviour correct on
        the train examples proposes every skeleton found for it (best-scored first)."""
        out = []
        for i in map(int, self.ranking()):
            if i in exclude:
                continue
            c = self.classes[i]
            terms = [self.proposal(i)]
            if c.correct and c.alternatives:
                alts = list(dict.fromkeys(c.alternatives))
                s = np.asarray(self.heuristic.score(alts, np.stack([c.behaviour] * len(alts)), self.examples))
                terms += [alts[j] for j in sorted(range(len(alts)), key=lambda j: -s[j])]
            for t in terms:
                out.append((i, t))
                if len(out) == n:
                    return out
        return out

    def alternatives(self, i: int, k: int) -> list[Term]:
        """Up to ``k`` distinct equivalent skeletons of behaviour ``i``, smallest first."""
        rep = self.classes[i].term
        e = self._eclass_of.get(rep)
        if e is None or self.saturation is None:
            return [rep]
        return k_best(self.saturation.graph, e, k) or [rep]

    def adjust(self, i: int, delta: float) -> None:
        """Add ``delta`` to behaviour ``i``'s score (feedback from tuning)."""
        self.adjustment[i] += delta

    def neighbours(self, i: int, radius: float = 0.05) -> np.ndarray:
        """Behaviours whose closeness to the target is within ``radius`` of ``i``'s and that
        share its top-level construct: the classes feedback re-ranks together."""
        c = self.classes[i]
        return np.array(
            [
                j
                for j, d in enumerate(self.classes)
                if d.term.op == c.term.op and abs(d.closeness - c.closeness) <= radius
            ],
            dtype=int,
        )


def raw_program_count(n_ops: int, R: int, length: int) -> int:
    """Assembly programs of ``length`` lines: ``(|ops|·R³)^L`` (initial registers aside)."""
    return (n_ops * R**3) ** length


def synthesize(
    examples,
    M: int,
    heuristic: Heuristic | None = None,
    max_cost: int = 12,
    max_programs: int = 2_000_000,
    time_limit: float | None = None,
    stop_when_solved: bool = True,
    egraph: bool = True,
    max_inserted: int = 60_000,
    closeness_weight: float = 10.0,
) -> VersionSpace:
    """Search, merge with egglog and return the ranked version space."""
    heuristic = heuristic or SizePrior()
    result = enumerate_programs(examples, M, heuristic, max_cost, max_programs, time_limit, stop_when_solved)
    stats = SpaceStats(result.stats)
    saturation, inserted = None, []
    if egraph:
        inserted = _terms_to_insert(result, max_inserted)
        saturation = saturate(inserted, M)
        stats.inserted_terms = len(inserted)
        stats.egraph_classes = saturation.n_classes
        stats.saturation_iterations = saturation.iterations
        stats.saturated = saturation.saturated
        stats.egraph_rows = saturation.rows
        stats.oe_classes_inserted, stats.unsound_merges = _check_merges(result, inserted, saturation)
        programs = {c.term for c in result.classes} | {d for d, _ in result.duplicates}
        stats.program_eclasses = len({e for t, e in zip(inserted, saturation.eclass) if t in programs})
    return VersionSpace(result, examples, M, heuristic, saturation, inserted, stats, closeness_weight)


def _terms_to_insert(result: SearchResult, cap: int) -> list[Term]:
    """Pruned duplicates with their representatives first (the pairs saturation may merge),
    programs then lambda bodies, then the remaining program representatives by cost."""
    terms: dict[Term, None] = {}
    for dup, rep in result.duplicates:
        terms[dup] = terms[rep] = None
    for bank in result.banks.values():
        for dup, rep in bank.duplicates:
            terms[dup] = terms[rep] = None
    for c in sorted(result.classes, key=lambda c: (c.cost, c.order)):
        terms[c.term] = None
    return list(terms)[:cap]


def _check_merges(result: SearchResult, inserted: list[Term], sat: Saturation) -> tuple[int, int]:
    """(OE classes among the inserted programs, e-classes holding programs of different
    behaviours). The second is 0 when every rule is sound; expressions are checked by the
    tests on random inputs."""
    behaviour: dict[Term, bytes] = {c.term: c.behaviour.tobytes() for c in result.classes}
    for dup, rep in result.duplicates:
        behaviour[dup] = behaviour[rep]
    groups: dict[int, set] = defaultdict(set)
    for t, e in zip(inserted, sat.eclass):
        if t in behaviour:
            groups[e].add(behaviour[t])
    return len({b for g in groups.values() for b in g}), sum(len(g) > 1 for g in groups.values())
